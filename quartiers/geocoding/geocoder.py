"""The offline address matcher over the imported BAN.

    from quartiers.geocoding.geocoder import get_geocoder
    result = get_geocoder().geocode("12 r. Victor Hugo bât. B", postcode="62100", city="Calais")
    result.id, result.type, result.lon, result.lat, result.note

How a query is read (each step is a few dict look-ups; no step scans the whole base):
1. the text is folded (case, accents, punctuation) and split into tokens;
2. postcodes (5 digits) are taken out; noise phrases (« bât. B », « appt 12 », « 2e étage »,
   « chez M. Dupont », « cedex », …) are dropped;
3. the commune is found from the city column, a commune name (current, former « ancienne commune »
   or La Poste's « libellé d'acheminement ») at the start / end of the text or next to a postcode,
   and the postcode; when they disagree the city wins (a wrong postcode is the most frequent error);
4. the house number (and bis/ter/b/t…) is taken at the start, just before the street type, or at
   the end (« rue Victor Hugo 12 »);
5. the remaining words are expanded (bd → boulevard, st → saint, gal → général…) and matched
   against the streets and lieux-dits of the commune through an inverted index of street-name
   words, typos being matched with rapidfuzz against the commune's vocabulary; candidates are
   scored on the words they share with the query, weighted (type words and « de/la » weigh less);
6. the number is looked up in the street; when it is missing from the base the street is
   returned, when the street is not found the commune is, and `note` says so in French.
"""

import bisect
import heapq
import logging
import re
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter

import numpy as np
from rapidfuzz import fuzz, process

from .normalize import CITY_WORDS, FOLD, REP_WORDS, STOP_WORDS, TYPE_WORDS, city_key, expand_token

NOTE_NO_NUMBER = "numéro absent de la base : position de la voie"
NOTE_NO_STREET = "voie introuvable : position de la commune"
NOTE_STREET_ONLY = "pas de numéro dans l'adresse : position de la voie"
NOTE_REP_MISSING = "indice de répétition ({rep}) absent de la base : numéro sans indice"

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
REP_ALTERNATIVES = {
    "bis": ("bis", "b"),
    "b": ("b", "bis"),
    "ter": ("ter", "t"),
    "t": ("t", "ter"),
    "quater": ("quater", "q"),
    "q": ("q", "quater"),
}
_REP_FROM_LETTER = {"b": "bis", "t": "ter", "q": "quater"}


@dataclass
class GeocodeResult:
    id: str
    label: str
    score: float
    type: str
    lon: float
    lat: float
    postcode: str
    citycode: str
    city: str
    note: str = ""


@dataclass
class _Commune:
    insee: str
    name: str
    lon: float
    lat: float
    postcodes: tuple


class Geocoder:
    """Immutable once built: safe to share between threads."""

    def __init__(self, departements: dict | None = None):
        self.departements = {}
        self.communes: list[_Commune] = []
        self.city_index: dict[str, list] = defaultdict(list)  # city key -> [(commune, old insee)]
        self.city_max_tokens = 1
        self.postcode_index: dict[int, list] = defaultdict(list)
        self.street_key: list[str] = []
        self.street_name: list[str] = []
        self.street_names: list[tuple] = []  # per street: (token tuples of name and aliases)
        self.street_commune = np.zeros(0, dtype=np.int32)
        self.street_old: list[str] = []
        self.street_lon = np.zeros(0)
        self.street_lat = np.zeros(0)
        self.street_postcode: list[int] = []
        self.street_start = np.zeros(1, dtype=np.int64)
        self.index: dict[tuple, list] = {}  # (commune, token) -> street ids
        self.vocab: dict[int, list] = {}  # commune -> its street-name tokens (for typos)
        self.global_index: dict[str, list] = defaultdict(list)  # token -> street ids (no commune known)
        self.global_vocab: list[str] = []
        self.addr_key = np.zeros(0, dtype=np.int64)
        self.addr_rep_values: list[str] = []
        self.addr_rep_global = np.zeros(0, dtype=np.int16)
        self.addr_pc = np.zeros(0, dtype=np.int32)
        self.addr_lon = np.zeros(0)
        self.addr_lat = np.zeros(0)
        self.odd_ids: dict[int, str] = {}
        if departements:
            self._build(departements)

    # ------------------------------------------------------------------ building

    def _build(self, departements: dict):
        commune_of = {}
        keys, names, communes, olds, aliases = [], [], [], [], []
        addr_street, addr_num, addr_rep, addr_pc, addr_lon, addr_lat = [], [], [], [], [], []
        rep_values = {"": 0}
        topo = {}
        for code in sorted(departements):
            arrays = departements[code]
            self.departements[code] = int(arrays["count"][0])
            for insee, name in zip(arrays["commune_insee"].tolist(), arrays["commune_name"].tolist(), strict=True):
                if insee not in commune_of:
                    commune_of[insee] = len(self.communes)
                    self.communes.append(_Commune(insee, name, 0.0, 0.0, ()))
            for insee, acheminement in zip(
                arrays["commune_insee"].tolist(), arrays["commune_acheminement"].tolist(), strict=True
            ):
                self._add_city(self.communes[commune_of[insee]].name, commune_of[insee], "")
                if acheminement:
                    self._add_city(acheminement, commune_of[insee], "")
            for old, name, parent in zip(
                arrays["old_insee"].tolist(), arrays["old_name"].tolist(), arrays["old_parent"].tolist(), strict=True
            ):
                if parent in commune_of:
                    self._add_city(name, commune_of[parent], old)
            offset = len(keys)
            keys.extend(arrays["street_key"].tolist())
            names.extend(arrays["street_name"].tolist())
            communes.extend(commune_of[i] for i in arrays["street_insee"].tolist())
            olds.extend(arrays["street_old_insee"].tolist())
            aliases.extend(arrays["street_aliases"].tolist())
            local_reps = arrays["rep_values"].tolist()
            remap = np.asarray([rep_values.setdefault(r, len(rep_values)) for r in local_reps], dtype=np.int16)
            addr_street.append(arrays["addr_street"].astype(np.int64) + offset)
            addr_num.append(arrays["addr_num"])
            addr_rep.append(remap[arrays["addr_rep"]] if len(arrays["addr_rep"]) else arrays["addr_rep"])
            addr_pc.append(arrays["addr_pc"])
            addr_lon.append(arrays["addr_lon"])
            addr_lat.append(arrays["addr_lat"])
            base = sum(len(a) for a in addr_num[:-1])
            for pos, ban_id in zip(arrays["odd_pos"].tolist(), arrays["odd_ids"].tolist(), strict=True):
                self.odd_ids[base + pos] = ban_id
            for street, lon, lat in zip(
                arrays["topo_street"].tolist(), arrays["topo_lon"].tolist(), arrays["topo_lat"].tolist(), strict=True
            ):
                topo[street + offset] = (lon, lat)
        self.city_max_tokens = max((len(k.split()) for k in self.city_index), default=1)
        n_streets = len(keys)
        street = np.concatenate(addr_street) if addr_street else np.zeros(0, dtype=np.int64)
        num = np.concatenate(addr_num).astype(np.int64) if addr_num else np.zeros(0, dtype=np.int64)
        rep = np.concatenate(addr_rep).astype(np.int64) if addr_rep else np.zeros(0, dtype=np.int64)
        # One sorted int64 key per address: street, number, suffix → searchsorted finds any address.
        self.addr_key = (street << 24) | (num << 6) | rep
        self.addr_rep_values = [r for r, _ in sorted(rep_values.items(), key=lambda kv: kv[1])]
        self.addr_rep_index = rep_values
        self.addr_pc = np.concatenate(addr_pc) if addr_pc else np.zeros(0, dtype=np.int32)
        self.addr_lon = np.concatenate(addr_lon) if addr_lon else np.zeros(0)
        self.addr_lat = np.concatenate(addr_lat) if addr_lat else np.zeros(0)
        counts = np.bincount(street, minlength=n_streets) if n_streets else np.zeros(0, dtype=np.int64)
        self.street_start = np.zeros(n_streets + 1, dtype=np.int64)
        np.cumsum(counts, out=self.street_start[1:])
        # A street's position: its middle address (always on the street, unlike a centroid).
        middle = self.street_start[:-1] + counts // 2
        has = counts > 0
        self.street_lon = np.where(has, self.addr_lon[np.minimum(middle, max(len(self.addr_lon) - 1, 0))], 0.0)
        self.street_lat = np.where(has, self.addr_lat[np.minimum(middle, max(len(self.addr_lat) - 1, 0))], 0.0)
        self.street_postcode = np.where(has, self.addr_pc[np.minimum(middle, max(len(self.addr_pc) - 1, 0))], 0)
        for street_id, (lon, lat) in topo.items():
            if not has[street_id]:
                self.street_lon[street_id], self.street_lat[street_id] = lon, lat
        self.street_key, self.street_name, self.street_old = keys, names, olds
        self.street_commune = np.asarray(communes, dtype=np.int32)
        self._build_street_index(names, aliases, communes)
        self._build_communes(street, counts)

    def _add_city(self, name, commune, old_insee):
        key = city_key(name)
        keys = [key]
        # « Paris 15e Arrondissement » is written « Paris 15 », « Paris 15e » or just « Paris ».
        district = ARRONDISSEMENT.match(key)
        if district:
            base, number = district.group(1), district.group(2)
            keys += [base, f"{base} {number}", f"{base} {number}e", f"{base} {number}eme", f"{base} {number}er"]
        for key in keys:
            if key and (commune, old_insee) not in self.city_index[key]:
                self.city_index[key].append((commune, old_insee))

    def _build_street_index(self, names, aliases, communes):
        index = defaultdict(list)
        vocab = defaultdict(set)
        cache = {}
        street_names = []
        for street_id, (name, alias_text, commune) in enumerate(zip(names, aliases, communes, strict=True)):
            variants = [name] + ([a for a in alias_text.split("|") if a] if alias_text else [])
            token_sets = []
            for variant in variants:
                tokens = cache.get(variant)
                if tokens is None:
                    folded = _expand_multi(variant.translate(FOLD).split())
                    tokens = cache[variant] = tuple(expand_token(t, i == 0) for i, t in enumerate(folded))
                token_sets.append(tokens)
                for tok in tokens:
                    if tok in STOP_WORDS:
                        continue
                    posting = index[(commune, tok)]
                    if not posting or posting[-1] != street_id:
                        posting.append(street_id)
                    vocab[commune].add(tok)
            street_names.append(tuple(token_sets))
        self.index = dict(index)
        self.vocab = {c: sorted(v) for c, v in vocab.items()}
        self.street_names = street_names
        glob = defaultdict(list)
        for (_commune, tok), posting in self.index.items():
            glob[tok].extend(posting)
        self.global_index = dict(glob)
        self.global_vocab = sorted(self.global_index)

    def _build_communes(self, street, counts):
        street_commune = self.street_commune
        n = len(self.communes)
        if not len(street):
            return
        addr_commune = street_commune[street]
        sums_lon = np.bincount(addr_commune, weights=self.addr_lon, minlength=n)
        sums_lat = np.bincount(addr_commune, weights=self.addr_lat, minlength=n)
        per = np.bincount(addr_commune, minlength=n)
        pc_pairs = np.unique((addr_commune.astype(np.int64) << 20) | self.addr_pc.astype(np.int64))
        postcodes = defaultdict(list)
        for pair in pc_pairs.tolist():
            commune, pc = pair >> 20, pair & 0xFFFFF
            if pc:
                postcodes[commune].append(pc)
                self.postcode_index[pc].append(commune)
        for i, commune in enumerate(self.communes):
            if per[i]:
                commune.lon = float(sums_lon[i] / per[i])
                commune.lat = float(sums_lat[i] / per[i])
            commune.postcodes = tuple(postcodes.get(i, ()))

    # ------------------------------------------------------------------ public API

    @property
    def address_count(self):
        return len(self.addr_key)

    def geocode(self, query: str, postcode: str = "", city: str = "") -> GeocodeResult | None:
        try:
            return self._geocode(query or "", postcode or "", city or "")
        except Exception:  # a query must never crash a batch of 100,000 rows
            logging.getLogger(__name__).exception("géocodage impossible pour %r", query)
            return None

    def geocode_many(self, rows: Iterable[tuple[str, str, str]]) -> list[GeocodeResult | None]:
        return [self.geocode(*row) for row in rows]

    # ------------------------------------------------------------------ query reading

    def _geocode(self, query, postcode, city):
        if not self.street_key:
            return None
        tokens, pc_positions, text_pcs = _read_query(query)
        col_pcs, city = _split_columns(postcode, city)
        col_city = city_key(city) if city else ""
        pcs = col_pcs + text_pcs
        pc_communes = {c for pc in pcs for c in self.postcode_index.get(pc, ())}
        col_communes = self._city_communes(col_city, pc_communes) if col_city else []
        span = self._find_city_span(tokens, pc_positions, misspelt=not col_city and not pcs)
        attempts = self._attempts(tokens, span, pc_positions, col_communes, pc_communes)
        best = None
        for street_tokens, communes in attempts:
            found = self._match(street_tokens, communes, pc_communes, pcs=pcs)
            if found and (best is None or found[0] > best[0]):
                best = found
            if best and best[0] >= 0.82:
                break
        if best is None or best[0] < 0.85:
            # No commune known, or nothing good in it: the whole base, the communes named first.
            named = {c for c, _ in col_communes} | ({c for c, _ in span[2]} if span else set())
            evidence = (named | pc_communes, bool(named))
            found = self._match(attempts[0][0] if attempts else tokens, None, pc_communes, evidence, pcs)
            if found and (best is None or found[0] > best[0] + 0.05):
                best = found
        if best is None or best[0] < 0.5:
            commune = self._commune_guess(col_communes, span, pc_communes)
            return self._commune_result(commune, pcs) if commune is not None else None
        return self._result(best)

    def _attempts(self, tokens, span, pc_positions, col_communes, pc_communes):
        """(street words, communes) to try in turn. A commune name found in the text is taken out of
        the street words unless the columns name another commune (then it may be part of the street:
        « rue de Lille » in Roubaix)."""
        by_postcode = [(c, "") for c in sorted(pc_communes)]
        attempts = []
        if span is not None:
            start, end, span_communes = span
            stripped = tokens[:start] + tokens[end:]
            span_set = {c for c, _ in span_communes}
            adjacent = start in pc_positions or end in pc_positions
            if col_communes:
                agree = span_set & {c for c, _ in col_communes}
                if agree or adjacent:
                    attempts.append((stripped, col_communes if agree else span_communes))
                attempts.append((tokens, col_communes))
                if not agree:
                    attempts.append((stripped, span_communes))
            elif adjacent or not pc_communes or span_set & pc_communes or start == 0:
                attempts.append((stripped, span_communes))
            else:
                attempts.append((tokens, by_postcode))
                attempts.append((stripped, span_communes))
        elif col_communes:
            attempts.append((tokens, col_communes))
        if pc_communes:
            # A wrong commune, or one outside the base: the postcode's communes are the next guess.
            attempts.append((tokens, by_postcode))
        return attempts

    @property
    def _city_sounds(self):
        sounds = self.__dict__.get("_sounds")
        if sounds is None:
            table = defaultdict(list)
            for name, found in self.city_index.items():
                table[sounds_like(name)].extend(found)
            sounds = self.__dict__["_sounds"] = dict(table)
        return sounds

    def _city_communes(self, key, pc_communes=()):
        found = self.city_index.get(key)
        if found:
            return found
        return self._fuzzy_city(key, pc_communes)

    def _fuzzy_city(self, key, pc_communes=()):
        """A misspelt commune (« Dunkerke »): among the postcode's communes first, then everywhere."""
        if len(key) < 3:
            return []
        if pc_communes:
            names = {city_key(self.communes[c].name): c for c in pc_communes}
            match = process.extractOne(key, names.keys(), scorer=fuzz.ratio, score_cutoff=70)
            if match:
                return [(names[match[0]], "")]
        match = process.extractOne(key, self.city_index.keys(), scorer=fuzz.ratio, score_cutoff=84)
        if match:
            return self.city_index[match[0]]
        # Written as heard (« Dunkerke », « Armentiere », « Tourcoin »): compare how they sound.
        sound = sounds_like(key)
        if sound in self._city_sounds:
            return self._city_sounds[sound]
        match = process.extractOne(sound, self._city_sounds.keys(), scorer=fuzz.ratio, score_cutoff=88)
        return self._city_sounds[match[0]] if match else []

    def _find_city_span(self, tokens, pc_positions, misspelt=False):
        """A commune name right after a postcode (« 59000 Lille »), else at the end, else before a
        postcode or at the start; the longest one at the best place."""
        n = len(tokens)
        city_tokens = [CITY_WORDS.get(t, t) for t in tokens]  # as city_key() writes them
        best, best_rank = None, None
        for length in range(min(self.city_max_tokens, n - 1), 0, -1):
            places = [(p, 3) for p in pc_positions] + [(n - length, 2)]
            places += [(p - length, 1) for p in pc_positions] + [(0, 1)]
            for start, priority in places:
                if start < 0 or start + length > n:
                    continue
                found = self.city_index.get(" ".join(city_tokens[start : start + length]))
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
                    found = self._city_sounds.get(sounds_like(" ".join(tokens[n - length :])))
                    if found and len(tokens[n - 1]) >= 4:
                        return (n - length, n, found)
        return best

    def _commune_guess(self, col_communes, span, pc_communes):
        for candidates in (col_communes, span[2] if span else None):
            if candidates:
                chosen = [c for c, _ in candidates if not pc_communes or c in pc_communes]
                return (chosen or [candidates[0][0]])[0]
        if pc_communes:
            return sorted(pc_communes)[0]
        return None

    # ------------------------------------------------------------------ street matching

    def _match(self, tokens, communes, pc_communes, evidence=None, pcs=()):
        number, rep, words, lead = _split_number(tokens)
        words = _expand_query(words)
        soft = _building_words(words, lead)
        content = [w for w in words if w not in STOP_WORDS]
        if not content:
            return None
        if communes is None:
            commune_ids = None
            old_wanted = {}
        else:
            commune_ids = []
            old_wanted = {}
            for commune, old in communes:
                if commune not in old_wanted:
                    commune_ids.append(commune)
                    old_wanted[commune] = set()
                if old:
                    old_wanted[commune].add(old)
        factors = [0.5 if i in soft else 1.0 for i, w in enumerate(words) if w not in STOP_WORDS]
        candidates = self._candidates(content, commune_ids, factors)
        if not candidates:
            return None
        query_weights = [_weight(w) if i == 0 else STOP_WEIGHTS.get(w, 1.0) for i, w in enumerate(words)]
        # « résidence les Lilas, rue Joseph Ségard » : the street type that follows the number leads.
        primary = words[0] if words[0] in TYPE_WORDS and sum(w in TYPE_WORDS for w in words) > 1 else None
        total_query = sum(query_weights) or 1.0
        scored = []
        memo = {}
        for street_id in candidates:
            best = 0.0
            for name_tokens in self.street_names[street_id]:
                score = _score(words, query_weights, total_query, name_tokens, memo, soft)
                if score > best:
                    best = score
            commune = int(self.street_commune[street_id])
            if old_wanted.get(commune) and self.street_old[street_id] in old_wanted[commune]:
                best += 0.02
            if pc_communes and commune in pc_communes:
                best += 0.01
                if self.street_postcode[street_id] in pcs:
                    best += 0.01  # same name in two former communes of one town: the postcode decides
            if evidence is not None and commune not in evidence[0]:
                # Searching the whole base: the commune the query names comes first, its postcode next.
                best -= 0.2 if evidence[1] else 0.08
            if primary and self.street_names[street_id][0][:1] == (primary,):
                best += 0.03
            scored.append((best, street_id))
        scored.sort(reverse=True)
        top_score, top_street = scored[0]
        # Same name in several places (old communes, a street and its lieu-dit): prefer one with the number.
        if number is not None:
            close = [(score, street_id) for score, street_id in scored[:6] if score >= top_score - 0.03]
            found = [(self._find_address(street_id, number, rep), score, street_id) for score, street_id in close]
            exact = [f for f in found if f[0][0] is not None and not f[0][1]]  # the number and its bis/ter
            near = [f for f in found if f[0][0] is not None]
            if exact or near:
                _address, top_score, top_street = (exact or near)[0]
        # A number inside the street's own name (« place du 11 novembre ») is not a house number.
        if number is not None and not rep and str(number) in self.street_names[top_street][0]:
            if self._find_address(top_street, number, rep)[0] is None:
                number = None
        return min(top_score, 1.0), top_street, number, rep

    def _candidates(self, content, commune_ids, factors):
        """Streets sharing words with the query, best first: exact words count most, close words by
        their similarity, street types only break ties."""
        hits = defaultdict(float)
        if commune_ids is None:
            lookup = self.global_index
            for tok, factor in zip(content, factors, strict=True):
                posting = lookup.get(tok)
                if posting is None:
                    for street_id, weight in self._fuzzy_postings_global(tok):
                        hits[street_id] += weight * factor
                    continue
                if len(posting) > 5000:
                    continue
                weight = factor / (1.0 + len(posting) / 500.0)
                for street_id in posting:
                    hits[street_id] += weight
        else:
            index = self.index
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
                        for street_id, weight in self._fuzzy_postings(tok, commune):
                            hits[street_id] += weight * factor
                        continue
                    for street_id in posting:
                        hits[street_id] += factor
            if types and hits:
                # The street type only breaks ties between streets found by their names.
                names = self.street_names
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

    def _fuzzy_postings(self, tok, commune):
        """(street, weight) for the commune's words close to a word absent from it (a typo)."""
        vocab = self.vocab.get(commune)
        if not vocab:
            return []
        cutoff = 66 if len(tok) <= 3 else 70
        out = []
        found = process.extract(tok, vocab, scorer=fuzz.ratio, score_cutoff=cutoff, limit=6)
        if not found and len(tok) >= 4:
            found = process.extract(tok, vocab, scorer=fuzz.ratio, score_cutoff=60, limit=2)  # a heavy typo
        for word, score, _i in found:
            weight = (score / 100.0) ** 3
            out.extend((street_id, weight) for street_id in self.index.get((commune, word), ()))
        # Words cut by the typist (« lzeennes », « marcq e », « par » for « parc »): a prefix of a street word.
        if len(tok) >= 3:
            i = bisect.bisect_left(vocab, tok)
            while i < len(vocab) and vocab[i].startswith(tok):
                out.extend((street_id, 0.6) for street_id in self.index.get((commune, vocab[i]), ()))
                i += 1
        return out

    def _fuzzy_postings_global(self, tok):
        if len(tok) < 4:
            return []
        out = []
        for word, score, _i in process.extract(tok, self.global_vocab, scorer=fuzz.ratio, score_cutoff=75, limit=3):
            weight = (score / 100.0) ** 3
            out.extend((street_id, weight) for street_id in self.global_index.get(word, ()))
        return out

    # ------------------------------------------------------------------ addresses

    def _find_address(self, street_id, number, rep):
        """(address index, note) or (None, "")."""
        base = (street_id << 24) | (number << 6)
        lo = int(np.searchsorted(self.addr_key, base))
        hi = int(np.searchsorted(self.addr_key, base + 64))
        if lo == hi:
            return None, ""
        wanted = REP_ALTERNATIVES.get(rep, (rep,)) if rep else ("",)
        reps = [self.addr_rep_values[int(self.addr_key[i]) & 63] for i in range(lo, hi)]
        for want in wanted:
            if want in reps:
                return lo + reps.index(want), ""
        if rep and "" in reps:
            return lo + reps.index(""), NOTE_REP_MISSING.format(rep=rep)
        return None, ""

    def _address_id(self, index, street_id):
        odd = self.odd_ids.get(index)
        if odd:
            return odd
        key = int(self.addr_key[index])
        number = (key >> 6) & 0x3FFFF
        rep = self.addr_rep_values[key & 63]
        return f"{self.street_key[street_id]}_{number:05d}" + (f"_{rep}" if rep else "")

    def _result(self, found):
        score, street_id, number, rep = found
        commune = self.communes[int(self.street_commune[street_id])]
        name = self.street_name[street_id]
        if number is not None:
            index, note = self._find_address(street_id, number, rep)
            if index is not None:
                key = int(self.addr_key[index])
                rep_value = self.addr_rep_values[key & 63]
                pc = _pc(self.addr_pc[index])
                number_text = f"{number}" + (f" {rep_value}" if rep_value else "")
                return GeocodeResult(
                    id=self._address_id(index, street_id),
                    label=f"{number_text} {name} {pc} {commune.name}".replace("  ", " "),
                    score=round(score * (0.97 if note else 1.0), 4),
                    type="numéro",
                    lon=float(self.addr_lon[index]),
                    lat=float(self.addr_lat[index]),
                    postcode=pc,
                    citycode=commune.insee,
                    city=commune.name,
                    note=note,
                )
            note = NOTE_NO_NUMBER
            score *= 0.9
        else:
            note = NOTE_STREET_ONLY
        pc = _pc(self.street_postcode[street_id])
        first = next((t for t in self.street_names[street_id][0] if t not in STOP_WORDS), "")
        return GeocodeResult(
            id=self.street_key[street_id],
            label=f"{name} {pc} {commune.name}".replace("  ", " "),
            score=round(score, 4),
            type="voie" if first in TYPE_WORDS else "lieu-dit",
            lon=float(self.street_lon[street_id]),
            lat=float(self.street_lat[street_id]),
            postcode=pc,
            citycode=commune.insee,
            city=commune.name,
            note=note,
        )

    def _commune_result(self, commune_id, pcs):
        commune = self.communes[commune_id]
        pc = next((p for p in pcs if p in commune.postcodes), commune.postcodes[0] if commune.postcodes else 0)
        pc = _pc(pc)
        return GeocodeResult(
            id=commune.insee,
            label=f"{pc} {commune.name}".strip(),
            score=0.4,
            type="commune",
            lon=commune.lon,
            lat=commune.lat,
            postcode=pc,
            citycode=commune.insee,
            city=commune.name,
            note=NOTE_NO_STREET,
        )

    # ------------------------------------------------------------------ completion

    def complete(self, prefix: str, limit: int = 8) -> list[GeocodeResult]:
        """Suggestions while typing: the last word may be an incomplete street word or commune name."""
        try:
            return self._suggest(prefix, limit)
        except Exception:  # typing must never break the page
            logging.getLogger(__name__).exception("complétion impossible pour %r", prefix)
            return []

    def _suggest(self, prefix, limit):
        tokens = (prefix or "").translate(FOLD).split()
        if not tokens or not self.street_key:
            return []
        pcs = [int(t) for t in tokens if len(t) == 5 and t.isdigit()]
        tokens = [t for t in tokens if not (len(t) == 5 and t.isdigit())]
        communes = {c for pc in pcs for c in self.postcode_index.get(pc, ())}
        span = self._find_city_span(tokens, set()) if len(tokens) > 1 else None
        if span:
            communes = {c for c, _ in span[2]}
            tokens = tokens[: span[0]] + tokens[span[1] :]
        results = self._complete(tokens, communes, True, limit)
        if not results and len(tokens) > 2:
            # « rue victor hugo cal » : the last word is the beginning of a commune name.
            for k in (2, 1):
                found = self._city_prefix(" ".join(tokens[-k:]))
                if found and len(tokens) > k:
                    results = self._complete(tokens[:-k], found, False, limit)
                    if results:
                        break
        return results

    def _city_prefix(self, stem):
        if not hasattr(self, "_city_keys"):
            self._city_keys = sorted(self.city_index)
        keys = self._city_keys
        out = set()
        i = bisect.bisect_left(keys, stem)
        while i < len(keys) and keys[i].startswith(stem):
            out.update(c for c, _ in self.city_index[keys[i]])
            i += 1
        return out

    def _complete(self, tokens, communes, last_is_partial, limit):
        number, rep, words, _lead = _split_number(tokens)
        if not words:
            return []
        partial = words[-1] if last_is_partial else ""
        full_words = words[:-1] if last_is_partial else words
        full = [expand_token(w, i == 0) for i, w in enumerate(full_words)]
        full = [w for w in full if w not in STOP_WORDS]
        candidate_sets = []
        for tok in full:
            posting = self.global_index.get(tok)
            if posting is None:
                return []
            candidate_sets.append(set(posting))
        expanded = expand_token(partial, len(words) == 1) if partial else ""
        if partial and partial not in STOP_WORDS:
            prefixed = set()
            for stem in {partial, expanded}:
                i = bisect.bisect_left(self.global_vocab, stem)
                while i < len(self.global_vocab) and self.global_vocab[i].startswith(stem) and len(prefixed) < 20000:
                    prefixed.update(self.global_index[self.global_vocab[i]])
                    i += 1
            candidate_sets.append(prefixed)
        if not candidate_sets:
            return []
        candidates = set.intersection(*sorted(candidate_sets, key=len))
        if communes:
            candidates = {s for s in candidates if int(self.street_commune[s]) in communes}
        # What was typed so far is compared with the beginning of each name (« rue de la p » → « rue de la paix »).
        query = " ".join(_expand_query(words[:-1] if last_is_partial else words) + ([expanded] if expanded else []))
        size = len(query) + 1

        def rank(street_id):
            name = " ".join(self.street_names[street_id][0])
            return (-fuzz.ratio(query, name[:size]), len(name), self.street_name[street_id], street_id)

        ranked = sorted(candidates, key=rank)[: limit * 3]
        results = []
        for street_id in ranked:
            result = self._result((0.9, street_id, number, rep))
            if number is not None and result.type != "numéro":
                continue
            results.append(result)
            if len(results) >= limit:
                break
        return results


# ---------------------------------------------------------------------- query helpers


ARRONDISSEMENT = re.compile(r"^(.+) (\d{1,2})(?:e|er|eme)? arrondissement$")
_GLUED_NUMBER = re.compile(r"\b(\d{1,4})(?!(?:bis|ter|quater|er|ere|eme|ieme|em|e|nd|nde|b|t|q|a|c|d)\b)([a-z]{2,})\b")
MULTI = {
    "zi": ("zone", "industrielle"),
    "za": ("zone", "artisanale"),
    "zac": ("zone", "d", "amenagement", "concerte"),
    "rpt": ("rond", "point"),
    "rdpt": ("rond", "point"),
    "rp": ("rond", "point"),
}


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


def _expand_multi(tokens):
    """Abbreviations standing for several words, on both sides (« ZI » = « zone industrielle »)."""
    if not any(t in MULTI for t in tokens):
        return tokens
    out = []
    for tok in tokens:
        out.extend(MULTI.get(tok, (tok,)))
    return out


def _read_query(query):
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
    for tok in _drop_noise(marked):
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
    return _expand_multi(text.split())


def _split_columns(postcode, city):
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


def _pc(value) -> str:
    value = int(value)
    return f"{value:05d}" if value else ""


def _weight(token):
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


def _score(words, query_weights, total_query, name_tokens, memo, soft=None):
    """Share of the street's name found in the query (mostly) and of the query explained (a little).
    A street found in the words of a building name (`soft`, see _building_words) counts less."""
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


BUILDING_WORDS = frozenset({"residence", "immeuble", "imm", "tour", "batiment", "domaine", "cite", "foyer", "ehpad"})


def _building_words(words, lead):
    """Positions of words naming a building rather than the street: what stood before the house
    number (« Résidence du Parc, 42 rue… », moved to the end by _split_number), or a « résidence … »
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


def _expand_query(words):
    """Abbreviations in a query: a lone « r » is « rue » wherever it stands (« résidence X, r. Y »)."""
    out = []
    last = len(words) - 1
    for i, word in enumerate(words):
        out.append(expand_token(word, i == 0 or (word == "r" and i < last)))
    return out


def _drop_noise(tokens):
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


def _split_number(tokens):
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


MAX_CANDIDATES = 15
PC_MARK = "\x00"  # where a postcode stood in the query
REPS_SHORT = frozenset({"b", "t", "q", "c", "a", "bis", "ter", "quater"})


# ---------------------------------------------------------------------- process-wide instance

_lock = threading.Lock()
_instance: Geocoder | None = None
_signature = None
_checked_at = 0.0
RECHECK_SECONDS = 10.0


def invalidate():
    """Forget the loaded index: the next `get_geocoder()` reloads from the database."""
    global _instance, _signature
    with _lock:
        _instance = None
        _signature = None


def get_geocoder() -> Geocoder:
    """The process-wide geocoder, loaded from the database on first use and after any BAN import
    (in this process at once, in other processes within RECHECK_SECONDS)."""
    global _instance, _signature, _checked_at
    from django.conf import settings

    if getattr(settings, "GEOCODING_BACKEND", "hors-ligne") == "en-ligne":
        from .online import OnlineGeocoder

        return OnlineGeocoder(settings.GEOCODING_ONLINE_URL)
    instance = _instance
    recheck = getattr(settings, "GEOCODING_INDEX_CHECK_SECONDS", RECHECK_SECONDS)
    if instance is not None and time.monotonic() - _checked_at < recheck:
        return instance
    from .ban import load_arrays
    from .models import BanDepartement

    with _lock:
        signature = BanDepartement.objects.signature()
        _checked_at = time.monotonic()
        if _instance is None or signature != _signature:
            _instance = Geocoder(load_arrays())
            _signature = signature
        return _instance
