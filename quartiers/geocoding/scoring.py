"""How well a street's name fits the words of a query: word similarity (typos, cut words, initials),
weighted so that street types and « de / la » count less than the name itself."""

from rapidfuzz import fuzz

from .normalize import STOP_WORDS, TYPE_WORDS


def query_weight(token):
    if token in STOP_WORDS:
        return 0.15
    if token in TYPE_WORDS:
        return 0.5
    return 1.0


def _similar(a, b):
    """1 for the same word, less for a typo or a cut word, 0 otherwise."""
    if a == b:
        return 1.0
    la = len(a)
    if la == 1:
        return 0.6 if b[0] == a and a not in STOP_WORDS else 0.0  # « J. B. Lebas » for « Jean-Baptiste »
    if la >= 3 and b.startswith(a) and len(b) > la:
        return 0.7  # an abbreviation the table does not know (« boul », « cdt ») or a cut word
    ratio = fuzz.ratio(a, b, score_cutoff=66 if la <= 3 else 60)
    if not ratio:
        return 0.0
    # 70+ : one or two letters off; 60–70 : a heavy typo (« cootte » for « cité »), worth less.
    return ratio * 0.0095 if ratio >= 70 else ratio * 0.0065


def name_score(words, query_weights, total_query, name_tokens, memo, soft=None):
    """Share of the street's name found in the query (mostly) and of the query explained (a little).
    A street found in the words of a building name (`soft`, see building_words) counts less."""
    used = [0.0] * len(words)
    got = 0.0
    total = 0.0
    for j, tok in enumerate(name_tokens):
        weight = WEIGHTS.get(tok, 1.0) if j == 0 else STOP_WEIGHTS.get(tok, 1.0)
        total += weight
        best, best_i = 0.0, -1
        for i, word in enumerate(words):
            if word == tok:
                best, best_i = 1.0, i
                break
            if weight == 1.0:
                key = (word, tok)
                sim = memo.get(key)
                if sim is None:
                    sim = memo[key] = _similar(word, tok)
                if sim > best:
                    best, best_i = sim, i
        if soft and best_i >= 0 and best_i in soft:
            best *= 0.6
        if best_i >= 0:
            got += weight * best
            if best > used[best_i]:
                used[best_i] = best
    if not total:
        return 0.0
    explained = 0.0
    for u, w in zip(used, query_weights, strict=True):
        if u:
            explained += u * w
    return 0.75 * got / total + 0.25 * explained / total_query


WEIGHTS = {**dict.fromkeys(STOP_WORDS, 0.15), **dict.fromkeys(TYPE_WORDS, 0.5)}
STOP_WEIGHTS = dict.fromkeys(STOP_WORDS, 0.15)
