"""How the BAN is kept in the database: one compressed columnar blob of numpy arrays per département
(`BanDepartement.data`). The importer (`ban.py`) writes it, the geocoder (`geocoder.py`) reads it."""

import io

import numpy as np

from .models import BanDepartement

FORMAT_VERSION = 1


def pack(arrays: dict) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def unpack(blob: bytes) -> dict:
    with np.load(io.BytesIO(bytes(blob)), allow_pickle=False) as data:
        return {name: data[name] for name in data.files}


def load_arrays():
    """Every département's arrays, for the geocoder (one query, blobs streamed one by one)."""
    out = {}
    for code, blob, version in BanDepartement.objects.values_list("code", "data", "format_version").iterator():
        if version == FORMAT_VERSION:
            out[code] = unpack(blob)
    return out
