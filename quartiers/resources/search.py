"""French full-text search, one QuerySet API over PostgreSQL and SQLite:

    Document.objects.visible_to(user).search("rénovation urbaine")

returns the matching documents ranked best first (a queryset to evaluate, slice or count — not to nest
as a subquery: its raw SQL names the tables), each with `.rank` and `.excerpt` (HTML-safe,
matched words in <mark>).

- PostgreSQL: a stored `search_vector` tsvector column (weights A title, B summary, C text) with a
  GIN index, built with the `quartiers_fr` configuration (`french` stemming, plus `unaccent` when the
  extension could be installed — else the text is folded in Python first); `websearch_to_tsquery`,
  `ts_rank`, `ts_headline`.
- SQLite: an FTS5 table (`unicode61 remove_diacritics 2`) over an external content table holding the
  original text, indexed with the text folded and stemmed by `text.stem_text` (token positions
  preserved, so `snippet()` highlights the original words); `bm25` ranking.

A page (a slice of model instances, as the list page and the API ask) takes a faster, equally exact path:
SQLite ranks it with FTS5 alone, then puts the candidates through the queryset's other filters, growing the
candidate set until no match left out can outrank the page (`_sqlite_page`); PostgreSQL gets the page's ids
and the total from one scan, which a preceding `count()` shares (`_pg_ranked_ids`). Other shapes (reordered,
`values()`…) use the joined query. docs/ressources.md has the figures.

Migration 0002 creates the engine's structures; `services.reindex_document` keeps them in sync.
"""

from functools import lru_cache

from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.models.expressions import RawSQL

from quartiers.resources import text as frtext

HIGHLIGHT_START = "\ue000"  # private-use characters: cannot come from a document, escaped safely later
HIGHLIGHT_END = "\ue001"
PG_CONFIG = "quartiers_fr"
PG_GIN_INDEX = "resources_document_search_gin"
FTS_TABLE = "resources_document_fts"
FTS_CONTENT = "resources_document_search"
SEARCH_ORDER = ("-rank", "-date", "-pk")
PAGE_CANDIDATES = 200  # SQLite: first candidate set of a page, from FTS5 alone (grows ×4 until exact)
MAX_CANDIDATES = 12_800
FIRST_RANKS = 100  # PostgreSQL: ids a count() also ranks, for the page that follows (list: 20, API: 100)
WEIGHTS = (10.0, 4.0, 1.0)  # title, summary, text (SQLite bm25); PostgreSQL uses setweight A/B/C
# Every match is ranked, in the database (bm25 / ts_rank ~1–3 µs a match): the top results shown are the
# true top results of the whole library, and the count is exact — no window, whatever the breadth of a query.


def vendor(using="default"):
    return connections[using].vendor


@lru_cache(maxsize=4)
def pg_has_unaccent(using="default"):
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_ts_config_map m JOIN pg_ts_config c ON c.oid = m.mapcfg "
            "JOIN pg_ts_dict d ON d.oid = m.mapdict WHERE c.cfgname = %s AND d.dictname = 'unaccent')",
            [PG_CONFIG],
        )
        return cursor.fetchone()[0]


def pg_prepare(value, using="default"):
    """Text as the PostgreSQL index wants it: as is with unaccent, folded without it."""
    value = frtext.normalize_for_storage(value)
    return value if pg_has_unaccent(using) else frtext.fold(value)


class SearchQuerySetMixin:
    """`search()` filters and ranks every match; the excerpts of the rows actually fetched (a page) come
    from one more query, so highlighting never runs on every match of a broad query."""

    _search_query = None
    _search_memo = None

    def search(self, query):
        """Ranked matches of a web-style query (« "contrat de ville" OR npnru -2015 »); none if empty."""
        query = (query or "").strip()
        if not query:
            return self.none()
        if vendor(self.db) == "postgresql":
            query = pg_prepare(query, self.db)
            matched = self._match_postgresql(query)
        else:
            query = frtext.fts5_query(query)
            if not query:
                return self.none()
            matched = self._match_sqlite(query)
        qs = matched.annotate(rank=self._rank_sql(query)).order_by(*SEARCH_ORDER)
        qs._search_query = query
        qs._search_memo = {}
        return qs

    def _clone(self):
        clone = super()._clone()
        clone._search_query = self._search_query
        clone._search_memo = self._search_memo
        return clone

    def count(self):
        if self._result_cache is None and self._search_query and not self.query.is_sliced:
            if vendor(self.db) == "sqlite":
                filters = self._sqlite_filters_only()
                if filters is not None and not filters.query.where.children:
                    return self._fts_count()  # nothing but the match: FTS5 counts its doclists alone
            elif self._plain_search_shape():
                # The list page counts, then shows page 1: one scan gives both (the page is kept for later).
                return self._pg_ranked_ids(0, FIRST_RANKS)[0]
        return super().count()

    def _fetch_all(self):
        fresh = self._result_cache is None
        if fresh and self._search_query:
            ranked = self._sqlite_page() if vendor(self.db) == "sqlite" else self._pg_page()
            if ranked is not None:
                self._result_cache = ranked
                self._prefetch_done = True
        super()._fetch_all()
        if fresh and self._search_query and self._result_cache and isinstance(self._result_cache[0], self.model):
            excerpts = self._excerpts([obj.pk for obj in self._result_cache])
            for obj in self._result_cache:
                obj.search_excerpt = excerpts.get(obj.pk, "")

    def _rank_sql(self, query):
        if vendor(self.db) == "postgresql":
            table = self.model._meta.db_table
            sql = f"ts_rank({table}.search_vector, websearch_to_tsquery('{PG_CONFIG}', %s))"
            return RawSQL(sql, [query], output_field=models.FloatField())
        weights = ", ".join(str(w) for w in WEIGHTS)
        return RawSQL(f'-bm25("{FTS_TABLE}"."{FTS_TABLE}", {weights})', [], output_field=models.FloatField())

    def _excerpts(self, ids):
        connection = connections[self.db]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(*self._pg_excerpt_sql(ids))
            else:
                cursor.execute(*self._sqlite_excerpt_sql(ids))
            return dict(cursor.fetchall())

    # ---- PostgreSQL ----
    # `ts_rank` and the match are computed once per matching row, in one scan that yields both the total and
    # the ids of the page (a materialized CTE); the page's rows are then read by id. The count of the list
    # page and its page 1 share that scan (a memo shared by the clones of one search, keyed by its SQL).

    def _plain_search_shape(self):
        query = self.query
        return (
            query.order_by == SEARCH_ORDER
            and not query.distinct
            and not query.combinator
            and not query.extra
            and issubclass(self._iterable_class, models.query.ModelIterable)
        )

    def _pg_ranked_ids(self, low, high):
        """(total, [(id, rank)…] of the slice low:high) for this search, from one scan. The memo keeps the
        total and the first FIRST_RANKS ids: a count, then any page within them, cost one scan."""
        base = self._chain()
        base.query.clear_limits()
        base.query.clear_ordering(force=True)
        try:
            sql, params = base.values_list("pk", "date", "rank").query.sql_with_params()
        except EmptyResultSet:  # a filter that can match nothing (an empty `__in`): no scan needed
            return 0, []
        key = (sql, tuple(str(p) for p in params))
        memo = self._search_memo if self._search_memo is not None else {}
        known = memo.get(key)
        if known is not None and (high is not None and high <= FIRST_RANKS or known[0] <= FIRST_RANKS):
            return known[0], known[1][low:high]
        prefix = high is not None and high <= FIRST_RANKS
        first, last = (0, FIRST_RANKS) if prefix else (low, high)
        limit = "" if last is None else f"LIMIT {int(last) - int(first)}"
        ranked = (
            f"WITH m (id, day, score) AS MATERIALIZED ({sql}) "
            "SELECT t.total, p.id, p.score FROM (SELECT count(*) AS total FROM m) t "
            f"LEFT JOIN LATERAL (SELECT id, score FROM m ORDER BY score DESC, day DESC, id DESC {limit} "
            f"OFFSET {int(first)}) p ON true"
        )
        with connections[self.db].cursor() as cursor:
            cursor.execute(ranked, params)
            rows = cursor.fetchall()
        total, ids = rows[0][0], [(pk, score) for _total, pk, score in rows if pk is not None]
        if prefix:
            memo[key] = (total, ids)
            return total, ids[low:high]
        return total, ids

    def _pg_page(self):
        if not self._plain_search_shape():
            return None
        _total, ranked = self._pg_ranked_ids(self.query.low_mark, self.query.high_mark)
        if not ranked:
            return []
        rows = self._chain()
        rows.query.clear_limits()
        rows.query.clear_ordering(force=True)
        rows._search_query = None
        objects = {obj.pk: obj for obj in rows.filter(pk__in=[pk for pk, _score in ranked])}
        return [objects[pk] for pk, _score in ranked if pk in objects]

    def _match_postgresql(self, query):
        table = self.model._meta.db_table
        sql = f"{table}.search_vector @@ websearch_to_tsquery('{PG_CONFIG}', %s)"
        return self.filter(RawSQL(sql, [query], output_field=models.BooleanField()))

    def _pg_excerpt_sql(self, ids):
        options = (
            f"StartSel={HIGHLIGHT_START}, StopSel={HIGHLIGHT_END}, MaxWords=30, MinWords=12, "
            'ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "'
        )
        text = " || ' ' || ".join(f"coalesce({col}, '')" for col in ("summary", "text", "extracted_text"))
        params = []
        if not pg_has_unaccent(self.db):
            # The index holds folded text; highlight the same folded text so the words are found.
            text = f"lower(translate({text}, %s, %s))"
            params = list(_PG_TRANSLATE)
        sql = (
            f"SELECT id, ts_headline('{PG_CONFIG}', {text}, websearch_to_tsquery('{PG_CONFIG}', %s), %s) "
            f"FROM {self.model._meta.db_table} WHERE id = ANY(%s)"
        )
        return sql, [*params, self._search_query, options, ids]

    # ---- SQLite ----

    def _match_sqlite(self, match):
        hidden = f'"{FTS_TABLE}"."{FTS_TABLE}"'
        return self.filter(fts__isnull=False).filter(_FtsMatch(f"{hidden} MATCH %s", [match]))

    # A page of results (a slice) is ranked by FTS5 alone — bm25 over its doclists, without reading each
    # match's document row, the costly part of the joined query — then the page's candidates go through the
    # queryset's own filters (permissions, type, territory…). Exact: a candidate set is accepted only when its
    # last visible document ranks strictly above every match left out; otherwise it grows, up to every match.

    def _sqlite_filters_only(self):
        """This queryset without the match, its join and its rank (its other filters intact), or None when
        its shape is not the plain ranked search (reordered, values(), OR-combined, distinct…)."""
        query = self.query
        if (
            query.order_by != SEARCH_ORDER
            or query.distinct
            or query.combinator
            or query.where.connector != "AND"
            or query.extra
            or not issubclass(self._iterable_class, models.query.ModelIterable)
        ):
            return None
        clone = self._chain()
        where = clone.query.where
        kept = [child for child in where.children if not _is_search_condition(child)]
        if len(where.children) - len(kept) != 2:
            return None
        where.children = kept
        clone.query.annotations.pop("rank", None)
        mask = clone.query.annotation_select_mask
        if mask:
            clone.query.set_annotation_mask([name for name in mask if name != "rank"])
        for alias, join in clone.query.alias_map.items():
            if join.table_name == FTS_TABLE:
                clone.query.alias_refcount[alias] = 0
        clone._search_query = None
        return clone

    def _fts_ranked(self, limit):
        weights = ", ".join(str(w) for w in WEIGHTS)
        sql = (
            f"SELECT rowid, -bm25({FTS_TABLE}, {weights}) AS score FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s ORDER BY score DESC LIMIT %s"
        )
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, [self._search_query, limit])
            return cursor.fetchall()

    def _fts_count(self):
        with connections[self.db].cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [self._search_query])
            return cursor.fetchone()[0]

    def _sqlite_page(self):
        """The documents of this slice, exactly as the joined query would rank them, or None (not a slice)."""
        low, high = self.query.low_mark, self.query.high_mark
        filters = self._sqlite_filters_only() if high is not None else None
        if filters is None:
            return None
        filters.query.clear_limits()
        filters.query.clear_ordering(force=True)
        wanted, size = high, max(PAGE_CANDIDATES, 4 * high)
        while True:
            candidates = self._fts_ranked(size)
            scores = dict(candidates)
            rows = filters.filter(pk__in=list(scores)).values_list("pk", "date")
            ranked = sorted(((scores[pk], day, pk) for pk, day in rows), reverse=True)
            complete = len(candidates) < size
            if complete or (len(ranked) >= wanted and ranked[wanted - 1][0] > candidates[-1][1]):
                break
            size *= 4
            if size > MAX_CANDIDATES:
                return None  # a page deep in a broad query, or a narrow filter: the joined query ranks it
        page = [pk for _score, _day, pk in ranked[low:high]]
        objects = filters.in_bulk(page) if page else {}
        for obj in objects.values():
            obj.rank = scores[obj.pk]
        return [objects[pk] for pk in page if pk in objects]

    def _sqlite_excerpt_sql(self, ids):
        # Like ts_headline on PostgreSQL: the excerpt comes from the text, else from the summary.
        snippet = f"snippet({FTS_TABLE}, {{col}}, %s, %s, ' … ', 24)"
        marks = [HIGHLIGHT_START, HIGHLIGHT_END]
        sql = (
            f"SELECT rowid, CASE WHEN instr({snippet.format(col=2)}, %s) > 0 THEN {snippet.format(col=2)} "
            f"ELSE {snippet.format(col=1)} END FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s AND rowid IN ({', '.join(['%s'] * len(ids))})"
        )
        return sql, [*marks, HIGHLIGHT_START, *marks, *marks, self._search_query, *ids]


class _FtsMatch(RawSQL):
    """The FTS5 MATCH condition of a search (marked, so the page's fast path can set it apart)."""

    def __init__(self, sql, params):
        super().__init__(sql, params, output_field=models.BooleanField())


def _is_search_condition(child):
    lhs = getattr(child, "lhs", None)
    if isinstance(lhs, _FtsMatch):
        return True
    target = getattr(lhs, "target", None)
    return target is not None and target.model is DocumentFts


# Accent folding in SQL, for a PostgreSQL without the unaccent extension (headlines only).
_ACCENTED = "àâäáãåçéèêëíìîïñóòôöõúùûüýÿÀÂÄÁÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕÚÙÛÜÝ"
_PG_TRANSLATE = (_ACCENTED, frtext.fold(_ACCENTED))


class DocumentFts(models.Model):
    """The SQLite FTS5 table, seen by the ORM only to join it (rowid = document id). Never written here."""

    document = models.OneToOneField(
        "resources.Document",
        primary_key=True,
        db_column="rowid",
        on_delete=models.DO_NOTHING,
        related_name="fts",
    )

    class Meta:
        managed = False
        db_table = FTS_TABLE

    def __str__(self):
        return f"index {self.pk}"
