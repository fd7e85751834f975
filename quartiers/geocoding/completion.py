"""Suggestions while typing (the lookup page's completion): the last word may be cut short."""

import bisect

from rapidfuzz import fuzz

from . import addresses, cities
from .normalize import FOLD, STOP_WORDS, expand_token
from .query import expand_query, split_number


def suggest(base, prefix, limit):
    tokens = (prefix or "").translate(FOLD).split()
    if not tokens or not base.street_key:
        return []
    pcs = [int(t) for t in tokens if len(t) == 5 and t.isdigit()]
    tokens = [t for t in tokens if not (len(t) == 5 and t.isdigit())]
    communes = {c for pc in pcs for c in base.postcode_index.get(pc, ())}
    span = cities.find_city_span(base, tokens, set()) if len(tokens) > 1 else None
    if span:
        communes = {c for c, _ in span[2]}
        tokens = tokens[: span[0]] + tokens[span[1] :]
    results = _complete(base, tokens, communes, True, limit)
    if not results and len(tokens) > 2:
        # « rue victor hugo cal » : the last word is the beginning of a commune name.
        for k in (2, 1):
            found = cities.city_prefix(base, " ".join(tokens[-k:]))
            if found and len(tokens) > k:
                results = _complete(base, tokens[:-k], found, False, limit)
                if results:
                    break
    return results


def _complete(base, tokens, communes, last_is_partial, limit):
    number, rep, words, _lead = split_number(tokens)
    if not words:
        return []
    partial = words[-1] if last_is_partial else ""
    full_words = words[:-1] if last_is_partial else words
    full = [expand_token(w, i == 0) for i, w in enumerate(full_words)]
    full = [w for w in full if w not in STOP_WORDS]
    candidate_sets = []
    for tok in full:
        posting = base.global_index.get(tok)
        if posting is None:
            return []
        candidate_sets.append(set(posting))
    expanded = expand_token(partial, len(words) == 1) if partial else ""
    if partial and partial not in STOP_WORDS:
        prefixed = set()
        for stem in {partial, expanded}:
            i = bisect.bisect_left(base.global_vocab, stem)
            while i < len(base.global_vocab) and base.global_vocab[i].startswith(stem) and len(prefixed) < 20000:
                prefixed.update(base.global_index[base.global_vocab[i]])
                i += 1
        candidate_sets.append(prefixed)
    if not candidate_sets:
        return []
    candidates = set.intersection(*sorted(candidate_sets, key=len))
    if communes:
        candidates = {s for s in candidates if int(base.street_commune[s]) in communes}
    # What was typed so far is compared with the beginning of each name (« rue de la p » → « rue de la paix »).
    query = " ".join(expand_query(words[:-1] if last_is_partial else words) + ([expanded] if expanded else []))
    size = len(query) + 1

    def rank(street_id):
        name = " ".join(base.street_names[street_id][0])
        return (-fuzz.ratio(query, name[:size]), len(name), base.street_name[street_id], street_id)

    ranked = sorted(candidates, key=rank)[: limit * 3]
    results = []
    for street_id in ranked:
        result = addresses.street_result(base, (0.9, street_id, number, rep))
        if number is not None and result.type != "numéro":
            continue
        results.append(result)
        if len(results) >= limit:
            break
    return results
