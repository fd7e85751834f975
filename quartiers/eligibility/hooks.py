"""What eligibility offers the other modules, without them importing its internals (as territories.hooks does).

    from quartiers.eligibility import hooks
    mapping = hooks.detect_address_columns(headers)          # {"adresse": "Adresse", "code_postal": "CP", …}
    counts = hooks.count_in_qpv(rows, mapping, on_progress=lambda done: ...)
    counts.inside, counts.outside, counts.undetermined, counts.missing_ban  # {"62": 12}: départements without BAN

The addresses go through the same geocoder and point → QPV index as the eligibility batch; nothing is kept but
the counts. « Indéterminé »: the address could not be placed (no BAN for its département, not found, empty) or
the QPV outlines of its département are not loaded — never counted « hors QPV ».
"""

from dataclasses import dataclass, field

from quartiers.eligibility import answers

ADDRESS_KEYS = ("adresse", "code_postal", "commune")
CHUNK_ROWS = 500


@dataclass
class QpvCounts:
    inside: int = 0
    outside: int = 0
    undetermined: int = 0
    missing_ban: dict = field(default_factory=dict)  # département → rows that need its BAN
    missing_outlines: dict = field(default_factory=dict)  # département → rows that need its QPV outlines

    @property
    def total(self):
        return self.inside + self.outside + self.undetermined

    def commands(self):
        """The server commands that would turn the « indéterminé » answers into real ones."""
        found = [f"quartiers import-ban {dep}" for dep in sorted(d for d in self.missing_ban if d)]
        if self.missing_outlines:
            found.append(answers.IMPORT_QPV)
        return found


def detect_address_columns(headers):
    """The usual French column names → {"adresse"|"code_postal"|"commune": header}; absent keys not found."""
    detected = answers.detect_columns(headers)
    return {key: detected[key] for key in ADDRESS_KEYS if key in detected}


def count_in_qpv(rows, mapping, generation=None, on_progress=None):
    """Count the rows (dicts header → text) whose address is in a QPV, outside, or undetermined.

    `mapping` names the columns: "adresse" (required; a full address when the two others are absent),
    "code_postal", "commune". `on_progress(done)` is called after each chunk of rows."""
    mapping = {key: mapping[key] for key in ADDRESS_KEYS if mapping.get(key)}
    counts = QpvCounts()
    summary, names = answers.new_summary(), {}
    done = 0
    for _row, result in answers.process_rows(rows, mapping, generation, chunk_size=CHUNK_ROWS):
        answers.add_to_summary(summary, result, names)
        done += 1
        if on_progress and done % CHUNK_ROWS == 0:
            on_progress(done)
    if on_progress:
        on_progress(done)
    counts.inside, counts.outside, counts.undetermined = (
        summary["en_qpv"],
        summary["hors_qpv"],
        summary["non_determine"],
    )
    counts.missing_ban = dict(summary["sans_ban"])
    counts.missing_outlines = dict(summary["sans_contours"])
    return counts
