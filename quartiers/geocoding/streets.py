"""Matching the street words of a query against the streets and lieux-dits of the base.

Candidates come from the inverted index of street-name words (per commune, or the whole base when
no commune is known), typos through rapidfuzz against the commune's vocabulary; each candidate is
scored on the words it shares with the query (`scoring.name_score`), then nudged by what else the
query says (former commune, postcode, the street type written first). Every function takes the
`AddressBase` it searches.
"""

import bisect
import heapq
from collections import defaultdict
from operator import itemgetter

from rapidfuzz import fuzz, process

from . import addresses
from .normalize import STOP_WORDS, TYPE_WORDS
from .query import building_words, expand_query, split_number
from .scoring import STOP_WEIGHTS, name_score, query_weight

MAX_CANDIDATES = 15


def match(base, tokens, communes, pc_communes, evidence=None, pcs=()):
    """(score, street id, house number or None, suffix) of the best street for these words, or None.
    `communes`: [(commune, former commune insee or "")] to search, None for the whole base; `evidence`:
    (communes the query names, whether it named one) when searching the whole base."""
    number, rep, words, lead = split_number(tokens)
    words = expand_query(words)
    soft = building_words(words, lead)
    content = [w for w in words if w not in STOP_WORDS]
    if not content:
        return None
    commune_ids, old_wanted = _wanted_communes(communes)
    factors = [0.5 if i in soft else 1.0 for i, w in enumerate(words) if w not in STOP_WORDS]
    candidates = _candidates(base, content, commune_ids, factors)
    if not candidates:
        return None
    context = (old_wanted, pc_communes, pcs, evidence)
    scored = sorted(_scores(base, words, soft, candidates, context), reverse=True)
    top_score, top_street = _prefer_the_number(base, scored, number, rep)
    # A number inside the street's own name (« place du 11 novembre ») is not a house number.
    if number is not None and not rep and str(number) in base.street_names[top_street][0]:
        if addresses.find_address(base, top_street, number, rep)[0] is None:
            number = None
    return min(top_score, 1.0), top_street, number, rep


def _wanted_communes(communes):
    """(commune ids in order, {commune: former communes named}) — (None, {}) for the whole base."""
    if communes is None:
        return None, {}
    commune_ids = []
    old_wanted = {}
    for commune, old in communes:
        if commune not in old_wanted:
            commune_ids.append(commune)
            old_wanted[commune] = set()
        if old:
            old_wanted[commune].add(old)
    return commune_ids, old_wanted


def _scores(base, words, soft, candidates, context):
    """(score, street id) of each candidate: its best name (or alias), nudged by the query's other clues."""
    old_wanted, pc_communes, pcs, evidence = context
    query_weights = [query_weight(w) if i == 0 else STOP_WEIGHTS.get(w, 1.0) for i, w in enumerate(words)]
    # « résidence les Lilas, rue Joseph Ségard » : the street type that follows the number leads.
    primary = words[0] if words[0] in TYPE_WORDS and sum(w in TYPE_WORDS for w in words) > 1 else None
    total_query = sum(query_weights) or 1.0
    scored = []
    memo = {}
    for street_id in candidates:
        best = 0.0
        for name_tokens in base.street_names[street_id]:
            score = name_score(words, query_weights, total_query, name_tokens, memo, soft)
            if score > best:
                best = score
        commune = int(base.street_commune[street_id])
        if old_wanted.get(commune) and base.street_old[street_id] in old_wanted[commune]:
            best += 0.02
        if pc_communes and commune in pc_communes:
            best += 0.01
            if base.street_postcode[street_id] in pcs:
                best += 0.01  # same name in two former communes of one town: the postcode decides
        if evidence is not None and commune not in evidence[0]:
            # Searching the whole base: the commune the query names comes first, its postcode next.
            best -= 0.2 if evidence[1] else 0.08
        if primary and base.street_names[street_id][0][:1] == (primary,):
            best += 0.03
        scored.append((best, street_id))
    return scored


def _prefer_the_number(base, scored, number, rep):
    """Same name in several places (old communes, a street and its lieu-dit): prefer one with the number."""
    top_score, top_street = scored[0]
    if number is not None:
        close = [(score, street_id) for score, street_id in scored[:6] if score >= top_score - 0.03]
        found = [(addresses.find_address(base, street_id, number, rep), score, street_id) for score, street_id in close]
        exact = [f for f in found if f[0][0] is not None and not f[0][1]]  # the number and its bis/ter
        near = [f for f in found if f[0][0] is not None]
        if exact or near:
            _address, top_score, top_street = (exact or near)[0]
    return top_score, top_street


def _candidates(base, content, commune_ids, factors):
    """Streets sharing words with the query, best first: exact words count most, close words by
    their similarity, street types only break ties."""
    hits = defaultdict(float)
    if commune_ids is None:
        lookup = base.global_index
        for tok, factor in zip(content, factors, strict=True):
            posting = lookup.get(tok)
            if posting is None:
                for street_id, weight in _fuzzy_postings_global(base, tok):
                    hits[street_id] += weight * factor
                continue
            if len(posting) > 5000:
                continue
            weight = factor / (1.0 + len(posting) / 500.0)
            for street_id in posting:
                hits[street_id] += weight
    else:
        index = base.index
        # Only a leading type word is a street type (« Rue du Port »: « port » is the name).
        types = content[:1] if content[0] in TYPE_WORDS else []
        for commune in commune_ids:
            for tok, factor in zip(content, factors, strict=True):
                if tok in types:
                    continue
                posting = index.get((commune, tok))
                if posting is None:
                    if len(tok) < 3:
                        continue
                    for street_id, weight in _fuzzy_postings(base, tok, commune):
                        hits[street_id] += weight * factor
                    continue
                for street_id in posting:
                    hits[street_id] += factor
        if types and hits:
            # The street type only breaks ties between streets found by their names.
            names = base.street_names
            for street_id in hits:
                if names[street_id][0][:1] and names[street_id][0][0] in types:
                    hits[street_id] += 0.1
        elif types:
            for commune in commune_ids:
                for tok in types:
                    for street_id in index.get((commune, tok), ())[:MAX_CANDIDATES]:
                        hits[street_id] += 0.1
    if len(hits) > MAX_CANDIDATES:
        ranked = heapq.nlargest(MAX_CANDIDATES, hits.items(), key=itemgetter(1))
        floor = ranked[0][1] * 0.3
        return [s for s, h in ranked if h >= floor]
    return list(hits)


def _fuzzy_postings(base, tok, commune):
    """(street, weight) for the commune's words close to a word absent from it (a typo)."""
    vocab = base.vocab.get(commune)
    if not vocab:
        return []
    cutoff = 66 if len(tok) <= 3 else 70
    out = []
    found = process.extract(tok, vocab, scorer=fuzz.ratio, score_cutoff=cutoff, limit=6)
    if not found and len(tok) >= 4:
        found = process.extract(tok, vocab, scorer=fuzz.ratio, score_cutoff=60, limit=2)  # a heavy typo
    for word, score, _i in found:
        weight = (score / 100.0) ** 3
        out.extend((street_id, weight) for street_id in base.index.get((commune, word), ()))
    # Words cut by the typist (« lzeennes », « marcq e », « par » for « parc »): a prefix of a street word.
    if len(tok) >= 3:
        i = bisect.bisect_left(vocab, tok)
        while i < len(vocab) and vocab[i].startswith(tok):
            out.extend((street_id, 0.6) for street_id in base.index.get((commune, vocab[i]), ()))
            i += 1
    return out


def _fuzzy_postings_global(base, tok):
    if len(tok) < 4:
        return []
    out = []
    for word, score, _i in process.extract(tok, base.global_vocab, scorer=fuzz.ratio, score_cutoff=75, limit=3):
        weight = (score / 100.0) ** 3
        out.extend((street_id, weight) for street_id in base.global_index.get(word, ()))
    return out
