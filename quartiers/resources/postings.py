"""Each word's postings as two arrays (document ids, impacts), kept in this process between searches.

A page of a broad search scores every match (search.py, `_TopK`): with the postings in memory that is a few
array operations, where reading them from the database each time costs more than the whole page may. A word's
arrays are kept under its `SearchTerm.token`, which every write to its postings changes (ranking.py): a search
that sees another token reloads them, so a document saved in one process is searched right away by all.

Memory: 6 bytes a posting (at 200,000 documents of ~2 KB, all the words of the bench: about 170 megabytes), within
`settings.SEARCH_CACHE_MB` per process, least recently used words dropped first. The first search of a word
after it changed reads its postings whole (a few tens of ms for a word in 50,000 documents on PostgreSQL).
"""

import threading
from collections import OrderedDict

import numpy as np
from django.conf import settings
from django.db import connections

from quartiers.resources.ranking import POSTINGS

_kept = OrderedDict()  # (database alias, term id) → (token, document ids, impacts), least recently used first
_size = 0  # bytes held in _kept
_lock = threading.Lock()  # gthread workers share the module


def postings(tokens, using="default"):
    """{term id: (document ids int32/int64, impacts uint16)} of {term id: token}."""
    found, missing = {}, []
    with _lock:
        for term, token in tokens.items():
            entry = _kept.get((using, term))
            if entry is not None and entry[0] == token:
                _kept.move_to_end((using, term))
                found[term] = entry[1:]
            else:
                missing.append(term)
    if missing:
        # Read after the tokens: a write in between leaves newer postings under the older token, which the
        # next search sees as stale (never the reverse).
        loaded = _load(missing, using)
        with _lock:
            for term in missing:
                found[term] = loaded.get(term, _EMPTY)
                _keep((using, term), tokens[term], *found[term])
    return found


def kept_bytes():
    return _size


def clear():
    global _size
    with _lock:
        _kept.clear()
        _size = 0


_EMPTY = (np.zeros(0, np.int32), np.zeros(0, np.uint16))


def _keep(key, token, docs, impacts):
    global _size
    old = _kept.pop(key, None)
    if old is not None:
        _size -= old[1].nbytes + old[2].nbytes
    _kept[key] = (token, docs, impacts)
    _size += docs.nbytes + impacts.nbytes
    limit = settings.SEARCH_CACHE_MB * 1024 * 1024
    while _size > limit and len(_kept) > 1:
        _key, (_token, d, i) = _kept.popitem(last=False)
        _size -= d.nbytes + i.nbytes


def _load(terms, using):
    marks = ", ".join(["%s"] * len(terms))
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array per column and word: far fewer Python objects than a row per posting.
            cursor.execute(
                f"SELECT term_id, array_agg(document_id), array_agg(impact) FROM {POSTINGS} "
                f"WHERE term_id IN ({marks}) GROUP BY term_id",
                terms,
            )
            return {term: _arrays(docs, impacts) for term, docs, impacts in cursor.fetchall()}
        cursor.execute(f"SELECT term_id, document_id, impact FROM {POSTINGS} WHERE term_id IN ({marks})", terms)
        rows = np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, 3)
    loaded = {}
    for term in np.unique(rows[:, 0]):
        mine = rows[rows[:, 0] == term]
        loaded[int(term)] = _arrays(mine[:, 1], mine[:, 2])
    return loaded


def _arrays(docs, impacts):
    docs = np.asarray(docs, dtype=np.int64)
    if len(docs) and docs.max() < 2**31:
        docs = docs.astype(np.int32)
    return docs, np.asarray(impacts, dtype=np.uint16)  # impacts < SCALE × (K1 + 1) = 2,200
