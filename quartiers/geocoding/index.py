"""The in-memory address base the geocoder searches, built from the BAN arrays of each département
(`store.load_arrays()`): communes and their names, streets and their words, one sorted key per address.

Immutable once built, so one instance is shared by every thread of a process (see `geocoder.get_geocoder`).
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from .normalize import FOLD, STOP_WORDS, city_key, expand_token
from .query import expand_multi

ARRONDISSEMENT = re.compile(r"^(.+) (\d{1,2})(?:e|er|eme)? arrondissement$")


@dataclass
class _Commune:
    insee: str
    name: str
    lon: float
    lat: float
    postcodes: tuple


@dataclass
class _Parts:
    """What the départements bring, gathered before the arrays are joined."""

    commune_of: dict = field(default_factory=dict)  # insee -> commune id
    keys: list = field(default_factory=list)
    names: list = field(default_factory=list)
    communes: list = field(default_factory=list)
    olds: list = field(default_factory=list)
    aliases: list = field(default_factory=list)
    addr: dict = field(default_factory=lambda: {k: [] for k in ("street", "num", "rep", "pc", "lon", "lat")})
    rep_values: dict = field(default_factory=lambda: {"": 0})
    topo: dict = field(default_factory=dict)  # street id -> (lon, lat) of a street without addresses


class AddressBase:
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

    @property
    def address_count(self):
        return len(self.addr_key)

    # ------------------------------------------------------------------ building

    def _build(self, departements: dict):
        parts = _Parts()
        for code in sorted(departements):
            arrays = departements[code]
            self.departements[code] = int(arrays["count"][0])
            self._add_communes(arrays, parts.commune_of)
            self._add_streets(arrays, parts)
        self.city_max_tokens = max((len(k.split()) for k in self.city_index), default=1)
        street, counts = self._join_addresses(parts)
        self._place_streets(counts, parts.topo)
        self.street_key, self.street_name, self.street_old = parts.keys, parts.names, parts.olds
        self.street_commune = np.asarray(parts.communes, dtype=np.int32)
        self._build_street_index(parts.names, parts.aliases, parts.communes)
        self._build_communes(street, counts)

    def _add_communes(self, arrays, commune_of):
        """A département's communes, their La Poste names and their former communes, as city names."""
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

    def _add_streets(self, arrays, parts):
        """A département's streets and addresses, their ids shifted after the départements before it."""
        offset = len(parts.keys)
        parts.keys.extend(arrays["street_key"].tolist())
        parts.names.extend(arrays["street_name"].tolist())
        parts.communes.extend(parts.commune_of[i] for i in arrays["street_insee"].tolist())
        parts.olds.extend(arrays["street_old_insee"].tolist())
        parts.aliases.extend(arrays["street_aliases"].tolist())
        rep_values = parts.rep_values
        local_reps = arrays["rep_values"].tolist()
        remap = np.asarray([rep_values.setdefault(r, len(rep_values)) for r in local_reps], dtype=np.int16)
        addr = parts.addr
        first = sum(len(a) for a in addr["num"])
        addr["street"].append(arrays["addr_street"].astype(np.int64) + offset)
        addr["num"].append(arrays["addr_num"])
        addr["rep"].append(remap[arrays["addr_rep"]] if len(arrays["addr_rep"]) else arrays["addr_rep"])
        addr["pc"].append(arrays["addr_pc"])
        addr["lon"].append(arrays["addr_lon"])
        addr["lat"].append(arrays["addr_lat"])
        for pos, ban_id in zip(arrays["odd_pos"].tolist(), arrays["odd_ids"].tolist(), strict=True):
            self.odd_ids[first + pos] = ban_id
        for street, lon, lat in zip(
            arrays["topo_street"].tolist(), arrays["topo_lon"].tolist(), arrays["topo_lat"].tolist(), strict=True
        ):
            parts.topo[street + offset] = (lon, lat)

    def _join_addresses(self, parts):
        """The address arrays of every département joined; (street of each address, addresses per street)."""
        addr = parts.addr
        street = np.concatenate(addr["street"]) if addr["street"] else np.zeros(0, dtype=np.int64)
        num = np.concatenate(addr["num"]).astype(np.int64) if addr["num"] else np.zeros(0, dtype=np.int64)
        rep = np.concatenate(addr["rep"]).astype(np.int64) if addr["rep"] else np.zeros(0, dtype=np.int64)
        # One sorted int64 key per address: street, number, suffix → searchsorted finds any address.
        self.addr_key = (street << 24) | (num << 6) | rep
        self.addr_rep_values = [r for r, _ in sorted(parts.rep_values.items(), key=lambda kv: kv[1])]
        self.addr_rep_index = parts.rep_values
        self.addr_pc = np.concatenate(addr["pc"]) if addr["pc"] else np.zeros(0, dtype=np.int32)
        self.addr_lon = np.concatenate(addr["lon"]) if addr["lon"] else np.zeros(0)
        self.addr_lat = np.concatenate(addr["lat"]) if addr["lat"] else np.zeros(0)
        n_streets = len(parts.keys)
        counts = np.bincount(street, minlength=n_streets) if n_streets else np.zeros(0, dtype=np.int64)
        self.street_start = np.zeros(n_streets + 1, dtype=np.int64)
        np.cumsum(counts, out=self.street_start[1:])
        return street, counts

    def _place_streets(self, counts, topo):
        """A street's position: its middle address (always on the street, unlike a centroid), else the
        BAN's own position of a street without addresses."""
        middle = self.street_start[:-1] + counts // 2
        has = counts > 0
        self.street_lon = np.where(has, self.addr_lon[np.minimum(middle, max(len(self.addr_lon) - 1, 0))], 0.0)
        self.street_lat = np.where(has, self.addr_lat[np.minimum(middle, max(len(self.addr_lat) - 1, 0))], 0.0)
        self.street_postcode = np.where(has, self.addr_pc[np.minimum(middle, max(len(self.addr_pc) - 1, 0))], 0)
        for street_id, (lon, lat) in topo.items():
            if not has[street_id]:
                self.street_lon[street_id], self.street_lat[street_id] = lon, lat

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
                    folded = expand_multi(variant.translate(FOLD).split())
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
