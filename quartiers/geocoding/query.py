"""Reading a free-text address: folded tokens, postcodes taken out, noise dropped, the house number found.

Everything here works on the query alone (no address base): `read_query`, `split_columns`,
`split_number`, `expand_query`, `building_words`.
"""

import re

from .normalize import FOLD, REP_WORDS, TYPE_WORDS, expand_token

PC_MARK = "\x00"  # where a postcode stood in the query
REPS_SHORT = frozenset({"b", "t", "q", "c", "a", "bis", "ter", "quater"})

MONTHS = frozenset("janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre".split())
CIVILITIES = frozenset("m mr mme mlle melle monsieur madame mademoiselle famille fam mmes mrs ms dr me".split())
# « bât. B », « appt 12 », « esc. 3 », « porte 4 » : a keyword followed by a short value.
UNIT_WORDS = frozenset(
    "bat bt batiment bats appt apt app appart appartement appartements logement log lgt logt porte chambre "
    "esc escalier entree hall cage boite bte box lot etg".split()
)
FLOOR_WORDS = frozenset({"etage", "etg", "et"})
NOISE_WORDS = frozenset({"cedex", "france", "bp", "cs", "tsa", "rdc", "sous", "sol"})
_ORDINAL = re.compile(r"^(\d{1,2})(e|er|ere|eme|em|ieme|me|nd|nde)$")
_NUMBER = re.compile(r"^(\d{1,4})(bis|ter|quater|b|t|q|a|c|d)?$")
_REP_FROM_LETTER = {"b": "bis", "t": "ter", "q": "quater"}

_GLUED_NUMBER = re.compile(r"\b(\d{1,4})(?!(?:bis|ter|quater|er|ere|eme|ieme|em|e|nd|nde|b|t|q|a|c|d)\b)([a-z]{2,})\b")


MULTI = {
    "zi": ("zone", "industrielle"),
    "za": ("zone", "artisanale"),
    "zac": ("zone", "d", "amenagement", "concerte"),
    "rpt": ("rond", "point"),
    "rdpt": ("rond", "point"),
    "rp": ("rond", "point"),
}


def expand_multi(tokens):
    """Abbreviations standing for several words, on both sides (« ZI » = « zone industrielle »)."""
    if not any(t in MULTI for t in tokens):
        return tokens
    out = []
    for tok in tokens:
        out.extend(MULTI.get(tok, (tok,)))
    return out


def read_query(query):
    """(words, positions where a postcode stood, postcodes) of the free text, noise removed."""
    text_pcs = []
    marked = []
    for tok in _pre_tokens(query):
        if len(tok) == 5 and tok.isdigit():
            text_pcs.append(int(tok))
            marked.append(PC_MARK)
        else:
            marked.append(tok)
    tokens = []
    pc_positions = set()
    for tok in drop_noise(marked):
        if tok is PC_MARK:
            pc_positions.add(len(tokens))
        else:
            tokens.append(tok)
    return tokens, pc_positions, text_pcs


def _pre_tokens(query):
    """Folded tokens of a query, numbers glued to a word split (« 12rue » → « 12 rue »)."""
    text = query.translate(FOLD)
    if any(c.isdigit() for c in text):
        text = _GLUED_NUMBER.sub(r"\1 \2", text)
    return expand_multi(text.split())


def split_columns(postcode, city):
    """Postcode column → postcodes; « 59000 Lille » in either column is split."""
    pcs = []
    rest = []
    for tok in f"{postcode} {city}".translate(FOLD).split():
        if tok.isdigit() and len(tok) in (4, 5):
            pcs.append(int(tok))
        elif not tok.isdigit():
            rest.append(tok)
    if not pcs:
        digits = postcode.replace(" ", "")
        if digits.isdigit() and len(digits) in (4, 5):  # « 59 000 »
            pcs.append(int(digits))
    return pcs, " ".join(rest) if rest else ""


BUILDING_WORDS = frozenset({"residence", "immeuble", "imm", "tour", "batiment", "domaine", "cite", "foyer", "ehpad"})


def building_words(words, lead):
    """Positions of words naming a building rather than the street: what stood before the house
    number (« Résidence du Parc, 42 rue… », moved to the end by split_number), or a « résidence … »
    group when another street type is present (« 41 av. des Châtaigniers résidence du Parc »)."""
    soft = set(range(len(words) - lead, len(words))) if lead else set()
    for i, word in enumerate(words):
        if word in BUILDING_WORDS and i not in soft:
            others = [j for j, w in enumerate(words) if w in TYPE_WORDS and w not in BUILDING_WORDS and j != i]
            if not others:
                continue
            end = min([j for j in others if j > i] or [len(words)])
            soft.update(range(i, end))
    return soft


def expand_query(words):
    """Abbreviations in a query: a lone « r » is « rue » wherever it stands (« résidence X, r. Y »)."""
    out = []
    last = len(words) - 1
    for i, word in enumerate(words):
        out.append(expand_token(word, i == 0 or (word == "r" and i < last)))
    return out


def drop_noise(tokens):
    """Drop « bât B », « appt 12 », « 2e étage », « chez M. Dupont », « cedex 9 »…"""
    out = []
    i = 0
    n = len(tokens)
    while i < n:
        tok = tokens[i]
        nxt = tokens[i + 1] if i + 1 < n else ""
        if tok in UNIT_WORDS and nxt and nxt != PC_MARK and (len(nxt) <= 3 or nxt.isdigit()) and nxt not in TYPE_WORDS:
            if tok == "lot" and not nxt.isdigit():
                out.append(tok)
                i += 1
                continue
            i += 2
            if nxt in ("n", "no", "num") and i < n and tokens[i].isdigit():
                i += 1
            continue
        if tok in UNIT_WORDS and tok not in ("lot", "hall", "entree", "porte", "cage", "box"):
            i += 1
            continue
        if _ORDINAL.match(tok) or tok in ("premier", "deuxieme", "troisieme", "quatrieme", "cinquieme", "rdc"):
            if nxt in FLOOR_WORDS or tok == "rdc":
                i += 2 if nxt in FLOOR_WORDS else 1
                continue
        if tok in FLOOR_WORDS and tok != "et" and (nxt.isdigit() or _ORDINAL.match(nxt or "-")):
            i += 2
            continue
        if tok == "chez":
            i += 1
            while i < n and (tokens[i] in CIVILITIES or tokens[i] == "et"):
                i += 1
            if i < n and not tokens[i][0].isdigit() and expand_token(tokens[i], True) not in TYPE_WORDS:
                i += 1
            continue
        if tok in NOISE_WORDS:
            i += 1
            # « cedex 9 » ends an address, but people also write « Cedex - 60 rue… »: the number stays.
            if tok in ("bp", "cs", "tsa") and i < n and tokens[i].isdigit():
                i += 1
            if tok == "sous" and nxt == "sol":
                i += 1
            continue
        if tok in ("lieu", "lieudit", "ld") and (tok != "lieu" or nxt == "dit"):
            i += 2 if tok == "lieu" else 1
            continue
        if tok in ("rpt", "rdpt") or (tok == "rd" and nxt in ("pt", "point")):
            out.extend(("rond", "point"))
            i += 1 if tok != "rd" else 2
            continue
        if tok in ("n", "no", "num", "numero") and nxt[:1].isdigit():
            i += 1
            continue
        out.append(tok)
        i += 1
    return out


def split_number(tokens):
    """(house number or None, suffix, remaining words)."""
    n = len(tokens)
    for pos in _number_positions(tokens):
        match = _NUMBER.match(tokens[pos])
        number = int(match.group(1))
        rep = match.group(2) or ""
        skip = 1
        nxt = tokens[pos + 1] if pos + 1 < n else ""
        if not rep and nxt:
            if nxt in REP_WORDS:
                rep, skip = nxt, 2
            elif nxt in ("b", "t", "q", "c") and (
                pos + 2 >= n or expand_token(tokens[pos + 2], True) in TYPE_WORDS and nxt != "q"
            ):
                rep, skip = nxt, 2
            elif nxt == "a" and pos + 2 < n and expand_token(tokens[pos + 2], True) in TYPE_WORDS:
                rep, skip = "a", 2
        rep = _REP_FROM_LETTER.get(rep, rep)
        words = tokens[:pos] + tokens[pos + skip :]
        if pos > 0 and pos + skip < n:
            # « Résidence les Lilas 18 rue Roger » : what comes before the number is a building name.
            return number, rep, tokens[pos + skip :] + tokens[:pos], pos
        return number, rep, words, 0
    return None, "", tokens, 0


def _number_positions(tokens):
    """Where a house number may be: first word, just before the street type, or last word."""
    n = len(tokens)
    out = []
    for pos, tok in enumerate(tokens):
        if not tok[0].isdigit() or not _NUMBER.match(tok):
            continue
        nxt = tokens[pos + 1] if pos + 1 < n else ""
        after = tokens[pos + 2] if pos + 2 < n else ""
        if nxt in MONTHS or (nxt in REP_WORDS and after in MONTHS):
            continue
        if pos == 0:
            out.insert(0, pos)
        elif expand_token(nxt, True) in TYPE_WORDS or (nxt in REPS_SHORT and expand_token(after, True) in TYPE_WORDS):
            out.append(pos)
        elif pos == n - 1 or (pos == n - 2 and (nxt in REP_WORDS or nxt in REPS_SHORT)):
            out.append(pos)
    return out
