"""French text helpers shared by the two search engines: accent folding, a light stemmer, query parsing,
excerpts.

SQLite has no French stemmer, so the FTS5 index receives the text already folded and stemmed by
`stem_text`, which keeps every token in place (one stem per word, separators untouched).
The same functions run on the query, so « quartiers prioritaires » and « quartier prioritaire » meet, and on the
excerpts (`highlight`): the words marked are those the ranking counted.
"""

import bisect
import re
import unicodedata
from functools import lru_cache

# Token characters as FTS5's unicode61 tokenizer sees them (letters and digits; "_" and "'" separate).
TOKEN_RE = re.compile(r"[^\W_]+")
LIGATURES = {"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"}

# Longest first. A suffix is removed only if a stem of at least MIN_STEM letters remains.
SUFFIXES = (
    "issements", "issement", "ements", "ement", "ations", "ation", "atrices", "atrice", "ateurs", "ateur",
    "iennes", "ienne", "ances", "ance", "ences", "ence", "ismes", "isme", "istes", "iste", "ables", "able",
    "ibles", "ible", "euses", "euse", "ites", "ite", "ives", "ive", "elles", "elle", "eux", "ifs", "if",
    "iens", "ien", "eres", "ere", "ers", "er", "ees", "ee", "es", "e",
)  # fmt: skip
MIN_STEM = 4

# Dropped from queries only (the index keeps every word so positions stay aligned), like PostgreSQL's
# `french` configuration does with its stop words.
STOPWORDS = frozenset(
    "a au aux avec ce ces dans de des du elle en et eux il je la le les leur lui ma mais me meme mes moi mon ne "
    "nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous "
    "c d j l m n s t y ete etre est sont".split()
)


def _slow_fold(text):
    text = unicodedata.normalize("NFKD", text.translate(str.maketrans(LIGATURES)))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


# Latin letters folded by a translate table (fast: indexing 20,000 documents folds 40 MB of text).
FOLD_TABLE = {
    **{cp: _slow_fold(chr(cp)) for cp in range(0xC0, 0x250) if _slow_fold(chr(cp)) != chr(cp)},
    **{ord(k): v for k, v in LIGATURES.items()},
}


def fold(text):
    """Lower case, no accents, no ligatures: « Rénovation Œuvre » → « renovation oeuvre »."""
    text = text.translate(FOLD_TABLE)
    if not text.isascii():
        text = _slow_fold(text)  # other scripts and rarer marks
    return text.lower()


@lru_cache(maxsize=200_000)
def stem(word):
    """Light French stemmer on one folded word: plurals, then one common suffix."""
    w = word
    if len(w) > 4 and w.endswith("aux"):
        w = w[:-3] + "al"  # territoriaux → territorial
    elif len(w) > 3 and w[-1] in "sx" and w[-2] != "s":
        w = w[:-1]
    for suffix in SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= MIN_STEM:
            return w[: -len(suffix)]
    return w


def normalize_for_storage(text):
    """NFC, so that Python and FTS5 cut the same tokens (no stray combining marks)."""
    return unicodedata.normalize("NFC", text or "")


def stem_text(text):
    """Fold and stem every token of `text`, keeping one output token per input token."""
    return TOKEN_RE.sub(lambda m: stem(m.group()), fold(normalize_for_storage(text)))


def stems(text):
    return [stem(t) for t in TOKEN_RE.findall(fold(text))]


QUERY_RE = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def parse_query(query):
    """Split a web-style query into (kind, words) terms: kind is "and", "or" or "not".

    Supports what `websearch_to_tsquery` supports: "quoted phrases", `OR`, `-excluded`.
    """
    terms = []
    pending_or = False
    for match in QUERY_RE.finditer(query or ""):
        minus, phrase, word = match.groups()
        if word is not None:
            if word == "OR" and terms:
                pending_or = True
                continue
            minus = "-" if word.startswith("-") and len(word) > 1 else ""
            words = [w for w in TOKEN_RE.findall(fold(word)) if w not in STOPWORDS]
        else:
            words = TOKEN_RE.findall(fold(phrase))
        if not words:
            continue
        kind = "not" if minus else ("or" if pending_or else "and")
        pending_or = False
        terms.append((kind, words))
    return terms


# ---- excerpts: the passages of a document that hold a search's words, those words marked ----

# For each folded letter, every character folding to it alone (é, È, ê… for e): the regex runs on the original.
_VARIANTS = {}
for _cp, _folded in FOLD_TABLE.items():
    if len(_folded) == 1:
        _VARIANTS.setdefault(_folded.lower(), set()).add(chr(_cp).lower())
_LIGATURES_FOLDED = {"oe": "œ", "ae": "æ", "ss": "ß"}
FRAGMENT_CHARS = 220  # about 30 words, as ts_headline's MaxWords=30
FRAGMENT_BEFORE = 60  # characters kept before a fragment's first matched word
MAX_ANCHORS = 500  # matches tried as a fragment's first (a long text may hold thousands)


@lru_cache(maxsize=256)
def _word_starts(stems):
    """A regex finding where a word whose stem may be one of `stems` begins, accents and case aside: a stem is the
    start of its folded word, but for « -aux » plurals (territoriaux → territorial) and ligatures."""
    prefixes = set(stems) | {s[:-2] + "aux" for s in stems if s.endswith("al")}
    alternatives = [_letters_pattern(prefix) for prefix in sorted(prefixes, key=len, reverse=True)]
    # No look-behind for the word's start (checked by the caller): re then skips ahead by the first letters.
    return re.compile("|".join(alternatives))


def _letters_pattern(prefix):
    parts, i = [], 0
    while i < len(prefix):
        pair = prefix[i : i + 2]
        if pair in _LIGATURES_FOLDED:
            parts.append(f"(?:{_letter(pair[0])}{_letter(pair[1])}|{_LIGATURES_FOLDED[pair]})")
            i += 2
        else:
            parts.append(_letter(prefix[i]))
            i += 1
    return "".join(parts)


def _letter(ch):
    return f"[{re.escape(ch)}{''.join(sorted(_VARIANTS[ch]))}]" if ch in _VARIANTS else re.escape(ch)


def highlight(text, stems, start_mark, end_mark, fragments=2):
    """Up to `fragments` passages of `text` (about 30 words each) holding the most of `stems` (the index's
    stems), every word of those stems between the marks, joined by « … »; "" when no word of `text` has one.
    A regex finds the candidates, each confirmed by its stem: a few hundred words stemmed, not all of them."""
    stems = frozenset(stems)
    if not text or not stems:
        return ""
    hits = []  # (start, end, stem)
    lower = text.lower()
    if len(lower) != len(text):  # a rare capital that lowers to two characters (İ)
        lower = "".join(ch.lower()[0] for ch in text)
    for candidate in _word_starts(tuple(sorted(stems))).finditer(lower):
        at = candidate.start()
        if at and TOKEN_RE.match(text, at - 1):
            continue  # inside a word
        word = TOKEN_RE.match(text, at)
        if word and (found := stem(fold(word.group()))) in stems:
            hits.append((word.start(), word.end(), found))
    starts = [h[0] for h in hits]
    # The passage holding the most distinct words, then the most matches, then the earliest.
    windows = sorted((_window(text, hits, starts, first) for first in starts[:MAX_ANCHORS]), reverse=True)
    chosen = []
    for _words, _matches, neg_start, end in windows:
        if len(chosen) == fragments:
            break
        if not any(a < end and -neg_start < b for a, b in chosen):
            chosen.append((-neg_start, end))
    return " … ".join(_marked(text, hits, a, b, start_mark, end_mark) for a, b in sorted(chosen))


def _window(text, hits, starts, first):
    """(distinct stems, matches, -start, end) of the passage beginning a little before the match at `first`, cut
    at spaces."""
    start = max(0, first - FRAGMENT_BEFORE)
    if start > 0:
        space = text.find(" ", start, first)
        start = space + 1 if space != -1 else first
    end = min(len(text), start + FRAGMENT_CHARS)
    if end < len(text):
        space = text.rfind(" ", first, end)
        end = space if space != -1 else end
    inside = hits[bisect.bisect_left(starts, start) : bisect.bisect_left(starts, end)]
    return len({h[2] for h in inside}), len(inside), -start, end


def _marked(text, hits, start, end, start_mark, end_mark):
    parts, at = [], start
    for a, b, _stem in hits:
        if start <= a and b <= end:
            parts += [text[at:a], start_mark, text[a:b], end_mark]
            at = b
    parts.append(text[at:end])
    return " ".join("".join(parts).split())  # line breaks and runs of spaces as one space
