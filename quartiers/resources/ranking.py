"""The ranking index of the resource library: for every word of every document, its weight in it.

One index, written and read the same way on SQLite and PostgreSQL, so a search ranks the same documents in
the same order on a laptop and for a region. The score of a document for a query is

    score = Σ over the query's words t of  idf(t) × impact(t, document)

- `impact` (an integer, 1 … 2 200) is BM25F: the word's counts in the title, the summary and the text, weighted
  10 / 4 / 1 and each divided by its field's length relative to a reference length, then saturated
  (k1 = 1.2, b = 0.75). It depends on the document alone, so it is computed once, when the document is saved.
- `idf` (an integer, ≥ 1) is BM25's: rarer words weigh more. It depends on how many documents hold the word
  (`SearchTerm.df`, kept by the same writes) and how many are indexed (the `LIBRARY` row).

Integers, so SQL and Python add them up identically. A page scores every match from its words' postings, kept in
memory between searches (postings.py, search.py); each write here gives the words it touches a new `token`, which
tells every process to read them again.

Stop words (`text.STOPWORDS`, by their stems) are not indexed: a query never searches them alone, and in a quoted
phrase the full-text engine (FTS5, tsvector) checks the exact sequence.

When a count cannot use the scored matches (search.py), SQLite's FTS5 table (which holds the same stems)
intersects the words' lists; PostgreSQL merges the postings in document order.
"""

import math
import secrets
from collections import Counter, namedtuple

from django.db import connections, transaction

from quartiers.resources import text as frtext

LIBRARY = ""  # the SearchTerm row counting the documents indexed (no word is empty)
FIELDS = (("title", 10.0, 8), ("summary", 4.0, 30), ("body", 1.0, 300))  # name, weight, reference length (words)
K1 = 1.2
B = 0.75
SCALE = 1000
POSTINGS = "resources_searchposting"
# A word is indexed and searched by its stem unless that stem is a stop word's: then the full-text engine (which
# indexes every stem) and the postings agree on which documents hold any searched stem.
STOPWORD_STEMS = frozenset(frtext.stem(w) for w in frtext.STOPWORDS)
TERMS = "resources_searchterm"


def impacts(title, summary, body):
    """{stem: impact} of one document's fields."""
    weighted = Counter()
    for (_name, weight, reference), value in zip(FIELDS, (title, summary, body), strict=True):
        tokens = frtext.TOKEN_RE.findall(frtext.fold(frtext.normalize_for_storage(value or "")))
        if not tokens:
            continue
        norm = weight / (1 - B + B * len(tokens) / reference)
        for token, count in Counter(tokens).items():
            stem = frtext.stem(token)
            if stem not in STOPWORD_STEMS:
                weighted[stem] += count * norm
    return {stem: max(1, round(SCALE * tf * (K1 + 1) / (tf + K1))) for stem, tf in weighted.items() if len(stem) <= 100}


def idf(df, n):
    """BM25's inverse document frequency, as an integer ≥ 1 (a word in every document still counts a little)."""
    return max(1, round(SCALE * math.log(1 + (n - df + 0.5) / (df + 0.5))))


Term = namedtuple("Term", "id df idf token")


def term_weights(stems, using="default"):
    """{stem: Term} of the stems the library knows (df > 0); unknown stems are left out."""
    wanted = [*sorted(set(stems)), LIBRARY]
    known = {stem: (pk, df, token) for stem, pk, df, token in _select_terms(wanted, using, "stem, id, df, token")}
    n = known.pop(LIBRARY, (None, 0, 0))[1]
    return {stem: Term(pk, df, idf(df, n), token) for stem, (pk, df, token) in known.items() if df > 0}


def new_token():
    """A fresh value for `SearchTerm.token`: random, so a token never comes back, even after a rebuild that
    gives the same ids to other words (postings.py keys its cache by (word, token))."""
    return secrets.randbits(62)


# ---- writes (in the caller's transaction: services.reindex_document and friends) ----
# Raw SQL on purpose: models.py imports search.py, which imports this module.


def _select_terms(stems, using, columns):
    marks = ", ".join(["%s"] * len(stems))
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {TERMS} WHERE stem IN ({marks})", list(stems))
        return cursor.fetchall()


def _term_ids(stems, using):
    wanted = sorted(set(stems))
    ids = dict(_select_terms(wanted, using, "stem, id"))
    missing = [stem for stem in wanted if stem not in ids]
    if missing:
        with connections[using].cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {TERMS} (stem, df, token) VALUES (%s, 0, 0) ON CONFLICT (stem) DO NOTHING",
                [[m] for m in missing],
            )
        ids.update(_select_terms(missing, using, "stem, id"))
    return ids


def _count(term_ids, delta, using):
    if term_ids:
        ids = sorted(term_ids)
        with connections[using].cursor() as cursor:
            cursor.execute(
                f"UPDATE {TERMS} SET df = df + %s, token = %s WHERE id IN ({', '.join(['%s'] * len(ids))})",
                [delta, new_token(), *ids],
            )


def unindex(doc_id, using="default"):
    """Remove one document's postings and their counts. True if it had any."""
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT term_id FROM {POSTINGS} WHERE document_id = %s", [doc_id])
        old = [row[0] for row in cursor.fetchall()]
        if not old:
            return False
        cursor.execute(f"DELETE FROM {POSTINGS} WHERE document_id = %s", [doc_id])
    _count(old, -1, using)
    _count(_term_ids([LIBRARY], using).values(), -1, using)
    return True


def index(doc_id, title, summary, body, using="default"):
    """(Re)write one document's postings and the counts they change."""
    connection = connections[using]
    with transaction.atomic(using=using):
        unindex(doc_id, using)
        weights = impacts(title, summary, body)
        if not weights:
            return
        ids = _term_ids([*weights, LIBRARY], using)
        library = ids.pop(LIBRARY)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {POSTINGS} (term_id, document_id, impact) VALUES (%s, %s, %s)",
                [[ids[stem], doc_id, value] for stem, value in weights.items()],
            )
        _count([*ids.values(), library], 1, using)


def rebuild(documents, using="default", batch=50_000):
    """Rewrite the whole index from `documents`, an iterable of (id, title, summary, body); returns how many.
    Term ids are assigned here, postings written in large batches (COPY on PostgreSQL)."""
    connection = connections[using]
    vocabulary, df, pending, count = {}, Counter(), [], 0
    with transaction.atomic(using=using), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {POSTINGS}")
        cursor.execute(f"DELETE FROM {TERMS}")
        for doc_id, title, summary, body in documents:
            weights = impacts(title, summary, body)
            if not weights:
                continue
            count += 1
            for stem, value in weights.items():
                term = vocabulary.setdefault(stem, len(vocabulary) + 1)
                df[term] += 1
                pending.append((term, doc_id, value))
            if len(pending) >= batch:
                _write(cursor, connection, POSTINGS, ("term_id", "document_id", "impact"), pending)
                pending = []
        _write(cursor, connection, POSTINGS, ("term_id", "document_id", "impact"), pending)
        token = new_token()
        terms = [(pk, stem, df[pk], token) for stem, pk in vocabulary.items()]
        terms.append((len(vocabulary) + 1, LIBRARY, count, token))
        _write(cursor, connection, TERMS, ("id", "stem", "df", "token"), terms)
        if connection.vendor == "postgresql":
            # The ids were given here: the sequence must continue after them for `index()`'s new words.
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{TERMS}', 'id'), %s)", [len(vocabulary) + 1])
            cursor.execute(f"ANALYZE {POSTINGS}")
            cursor.execute(f"ANALYZE {TERMS}")
        else:
            cursor.execute("PRAGMA analysis_limit = 1000")  # sampled: seconds, not minutes, on a large index
            cursor.execute(f"ANALYZE {POSTINGS}")
    return count


def _write(cursor, connection, table, columns, rows):
    if not rows:
        return
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(columns))
    cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
