"""Numbers in a street, and the `GeocodeResult` of what was found (an address, a street, a commune).

Addresses are one sorted int64 key each — street << 24 | number << 6 | suffix — so a number is two
binary searches away. Every function takes the `AddressBase` it reads.
"""

import numpy as np

from .normalize import STOP_WORDS, TYPE_WORDS
from .results import NOTE_NO_NUMBER, NOTE_NO_STREET, NOTE_REP_MISSING, NOTE_STREET_ONLY, GeocodeResult

REP_ALTERNATIVES = {
    "bis": ("bis", "b"),
    "b": ("b", "bis"),
    "ter": ("ter", "t"),
    "t": ("t", "ter"),
    "quater": ("quater", "q"),
    "q": ("q", "quater"),
}


def format_postcode(value) -> str:
    value = int(value)
    return f"{value:05d}" if value else ""


def find_address(base, street_id, number, rep):
    """(address index, note) or (None, "")."""
    first_key = (street_id << 24) | (number << 6)
    lo = int(np.searchsorted(base.addr_key, first_key))
    hi = int(np.searchsorted(base.addr_key, first_key + 64))
    if lo == hi:
        return None, ""
    wanted = REP_ALTERNATIVES.get(rep, (rep,)) if rep else ("",)
    reps = [base.addr_rep_values[int(base.addr_key[i]) & 63] for i in range(lo, hi)]
    for want in wanted:
        if want in reps:
            return lo + reps.index(want), ""
    if rep and "" in reps:
        return lo + reps.index(""), NOTE_REP_MISSING.format(rep=rep)
    return None, ""


def _address_id(base, index, street_id):
    odd = base.odd_ids.get(index)
    if odd:
        return odd
    key = int(base.addr_key[index])
    number = (key >> 6) & 0x3FFFF
    rep = base.addr_rep_values[key & 63]
    return f"{base.street_key[street_id]}_{number:05d}" + (f"_{rep}" if rep else "")


def street_result(base, found):
    score, street_id, number, rep = found
    commune = base.communes[int(base.street_commune[street_id])]
    name = base.street_name[street_id]
    if number is not None:
        index, note = find_address(base, street_id, number, rep)
        if index is not None:
            key = int(base.addr_key[index])
            rep_value = base.addr_rep_values[key & 63]
            pc = format_postcode(base.addr_pc[index])
            number_text = f"{number}" + (f" {rep_value}" if rep_value else "")
            return GeocodeResult(
                id=_address_id(base, index, street_id),
                label=f"{number_text} {name} {pc} {commune.name}".replace("  ", " "),
                score=round(score * (0.97 if note else 1.0), 4),
                type="numéro",
                lon=float(base.addr_lon[index]),
                lat=float(base.addr_lat[index]),
                postcode=pc,
                citycode=commune.insee,
                city=commune.name,
                note=note,
            )
        note = NOTE_NO_NUMBER
        score *= 0.9
    else:
        note = NOTE_STREET_ONLY
    pc = format_postcode(base.street_postcode[street_id])
    first = next((t for t in base.street_names[street_id][0] if t not in STOP_WORDS), "")
    return GeocodeResult(
        id=base.street_key[street_id],
        label=f"{name} {pc} {commune.name}".replace("  ", " "),
        score=round(score, 4),
        type="voie" if first in TYPE_WORDS else "lieu-dit",
        lon=float(base.street_lon[street_id]),
        lat=float(base.street_lat[street_id]),
        postcode=pc,
        citycode=commune.insee,
        city=commune.name,
        note=note,
    )


def commune_result(base, commune_id, pcs):
    commune = base.communes[commune_id]
    pc = next((p for p in pcs if p in commune.postcodes), commune.postcodes[0] if commune.postcodes else 0)
    pc = format_postcode(pc)
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
