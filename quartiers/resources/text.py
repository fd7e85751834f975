"""French text helpers shared by the two search engines: accent folding, a light stemmer, query parsing.

SQLite has no French stemmer, so the FTS5 index receives the text already folded and stemmed by
`stem_text`, which keeps every token in place (one stem per word, separators untouched): FTS5 then
highlights the *original* words of the content table at the positions it matched.
The same functions run on the query, so « quartiers prioritaires » and « quartier prioritaire » meet.
"""

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


def fts5_query(query):
    """The FTS5 MATCH expression for a web-style query, or "" when nothing searchable remains."""
    groups = []  # each group is a list of alternatives (OR); groups are ANDed
    excluded = []
    for kind, words in parse_query(query):
        expr = '"' + " ".join(stem(w) for w in words) + '"'
        if kind == "not":
            excluded.append(expr)
        elif kind == "or" and groups:
            groups[-1].append(expr)
        else:
            groups.append([expr])
    if not groups:
        return ""
    sql = " AND ".join("(" + " OR ".join(g) + ")" if len(g) > 1 else g[0] for g in groups)
    for expr in excluded:
        sql = f"({sql}) NOT {expr}"
    return sql
