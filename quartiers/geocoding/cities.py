"""Finding the commune of a query: from the city column, a commune name in the text, the postcode.

Names are looked up as `city_key()` writes them; a misspelt one (« Dunkerke ») is found by edit
distance, then by how it sounds. Every function takes the `AddressBase` it searches.
"""

import bisect
import re
from collections import defaultdict

from rapidfuzz import fuzz, process

from .normalize import CITY_WORDS, city_key

_SOUNDS = [
    (re.compile(r"(qu|q|ck|c(?=[aou])|k)"), "k"),
    (re.compile(r"c(?=[eiy])"), "s"),
    (re.compile(r"ph"), "f"),
    (re.compile(r"y"), "i"),
    (re.compile(r"(ai|ei|e[tsz]\b|er\b)"), "e"),
    (re.compile(r"(eau|au)"), "o"),
    (re.compile(r"h"), ""),
    (re.compile(r"(\w)\1+"), r"\1"),
    (re.compile(r"[estxd]\b"), ""),
]


def sounds_like(text):
    """A rough French phonetic key (« Dunkerque » and « Dunkerke » give the same)."""
    for pattern, repl in _SOUNDS:
        text = pattern.sub(repl, text)
    return text


def city_sounds(base):
    sounds = base.__dict__.get("_sounds")
    if sounds is None:
        table = defaultdict(list)
        for name, found in base.city_index.items():
            table[sounds_like(name)].extend(found)
        sounds = base.__dict__["_sounds"] = dict(table)
    return sounds


def city_communes(base, key, pc_communes=()):
    found = base.city_index.get(key)
    if found:
        return found
    return _fuzzy_city(base, key, pc_communes)


def _fuzzy_city(base, key, pc_communes=()):
    """A misspelt commune (« Dunkerke »): among the postcode's communes first, then everywhere."""
    if len(key) < 3:
        return []
    if pc_communes:
        names = {city_key(base.communes[c].name): c for c in pc_communes}
        match = process.extractOne(key, names.keys(), scorer=fuzz.ratio, score_cutoff=70)
        if match:
            return [(names[match[0]], "")]
    match = process.extractOne(key, base.city_index.keys(), scorer=fuzz.ratio, score_cutoff=84)
    if match:
        return base.city_index[match[0]]
    # Written as heard (« Dunkerke », « Armentiere », « Tourcoin »): compare how they sound.
    sound = sounds_like(key)
    if sound in city_sounds(base):
        return city_sounds(base)[sound]
    match = process.extractOne(sound, city_sounds(base).keys(), scorer=fuzz.ratio, score_cutoff=88)
    return city_sounds(base)[match[0]] if match else []


def find_city_span(base, tokens, pc_positions, misspelt=False):
    """A commune name right after a postcode (« 59000 Lille »), else at the end, else before a
    postcode or at the start; the longest one at the best place."""
    n = len(tokens)
    city_tokens = [CITY_WORDS.get(t, t) for t in tokens]  # as city_key() writes them
    best, best_rank = None, None
    for length in range(min(base.city_max_tokens, n - 1), 0, -1):
        places = [(p, 3) for p in pc_positions] + [(n - length, 2)]
        places += [(p - length, 1) for p in pc_positions] + [(0, 1)]
        for start, priority in places:
            if start < 0 or start + length > n:
                continue
            found = base.city_index.get(" ".join(city_tokens[start : start + length]))
            if found:
                if priority == 2 and start > 0 and tokens[start - 1] in ("de", "du", "d", "des", "a", "au"):
                    priority = 0  # « … rue de Saint-André » : more likely the street's name than the town
                rank = (priority, length)
                if best_rank is None or rank > best_rank:
                    best, best_rank = (start, start + length, found), rank
    if best is None and misspelt and n > 2:
        # A misspelt commune at the very end (« … rue de la Paix Dunkerke »).
        for length in (1, 2, 3):
            if length < n - 1:
                found = city_sounds(base).get(sounds_like(" ".join(tokens[n - length :])))
                if found and len(tokens[n - 1]) >= 4:
                    return (n - length, n, found)
    return best


def commune_guess(col_communes, span, pc_communes):
    for candidates in (col_communes, span[2] if span else None):
        if candidates:
            chosen = [c for c, _ in candidates if not pc_communes or c in pc_communes]
            return (chosen or [candidates[0][0]])[0]
    if pc_communes:
        return sorted(pc_communes)[0]
    return None


def city_prefix(base, stem):
    keys = base.__dict__.get("_city_keys")
    if keys is None:
        keys = base.__dict__["_city_keys"] = sorted(base.city_index)
    out = set()
    i = bisect.bisect_left(keys, stem)
    while i < len(keys) and keys[i].startswith(stem):
        out.update(c for c, _ in base.city_index[keys[i]])
        i += 1
    return out
