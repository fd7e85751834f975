"""French full-text search, one QuerySet API over PostgreSQL and SQLite:

    Document.objects.visible_to(user).search("rénovation urbaine")

returns the matching documents ranked best first (a queryset to evaluate, slice or count — not to nest
as a subquery: its raw SQL names the tables), each with `.rank` and `.excerpt` (HTML-safe,
matched words in <mark>). `count_upto(n)` counts no further than n (the list page: « Plus de 200 résultats »).

Which documents match, and in which order, is decided by the ranking index (`ranking.py`), written and read
identically on both engines: a document matches when it holds every word of the query (French stemming, no
accents), one of the alternatives of an `OR`, none of the `-excluded` words; a "quoted phrase" must also be
found as such by the engine's full-text index:
- PostgreSQL: a stored `search_vector` tsvector column with a GIN index, built with the `quartiers_fr`
  configuration (`french` stemming, plus `unaccent` when the extension could be installed — else the text is
  folded in Python first); `websearch_to_tsquery`, `ts_headline` for the excerpts.
- SQLite: an FTS5 table (`unicode61 remove_diacritics 2`) over an external content table holding the
  original text, indexed with the text folded and stemmed by `text.stem_text` (token positions
  preserved, so `snippet()` highlights the original words).

A page (a slice of model instances, as the list page and the API ask) is found without scoring every match
(`_ranked_page`): each word's postings are read best first, the best candidates go through the queryset's
own filters (permissions, type, territory…) until the page is full, and a bound computed from the page's last
score says which postings could still hold a better document; only those are read. Exact: the page equals the
full ranking's (tests/resources/test_search_ranking.py). docs/ressources.md has the reasoning and the figures.

Migrations 0002 and 0006 create the structures; `services.reindex_document` keeps them in sync.
"""

import math
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import connections, models
from django.db.models.expressions import RawSQL

from quartiers.resources import ranking
from quartiers.resources import text as frtext

HIGHLIGHT_START = "\ue000"  # private-use characters: cannot come from a document, escaped safely later
HIGHLIGHT_END = "\ue001"
PG_CONFIG = "quartiers_fr"
PG_GIN_INDEX = "resources_document_search_gin"
FTS_TABLE = "resources_document_fts"
FTS_CONTENT = "resources_document_search"
SEARCH_ORDER = ("-rank", "-date", "-pk")
DOCUMENTS = "resources_document"
POSTINGS = ranking.POSTINGS
FIRST_HEAD = 200  # a word's best postings read first (at least 4 × the page's end)
FIRST_HEAD_WORDS = 600  # the same, for each word of a query of several
MAX_HEAD = 20_000  # beyond, a filter keeps so few documents that the joined query ranks them faster


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


@dataclass
class Plan:
    """A query resolved against the ranking index. `groups` are ANDed, each an OR of alternatives; an
    alternative is (term ids of its indexed words, engine phrase or None). `scores` {term id: idf}."""

    groups: list = field(default_factory=list)
    excluded: list = field(default_factory=list)
    stems: list = field(default_factory=list)  # the indexed stems every match holds (a plain plan's)
    excluded_stems: list = field(default_factory=list)
    scores: dict = field(default_factory=dict)
    df: dict = field(default_factory=dict)
    impossible: bool = False

    @property
    def plain(self):
        """Every alternative required, every exclusion a single word, a word to rank by: the page path."""
        return (
            not self.impossible
            and bool(self.scores)
            and all(len(group) == 1 for group in self.groups)
            and all(phrase is None for _ids, phrase in self.excluded)
        )

    @property
    def phrases(self):
        return [phrase for group in self.groups for _ids, phrase in group if phrase is not None]


def make_plan(query, using="default"):
    """The Plan of a web-style query, or None when nothing searchable remains."""
    parsed = frtext.parse_query(query)
    if not any(kind != "not" for kind, _words in parsed):
        return None
    stems = [frtext.stem(w) for _kind, words in parsed for w in words]
    known = ranking.term_weights([s for s in stems if s not in ranking.STOPWORD_STEMS], using)
    plan = Plan()

    def alternative(words):
        ids = []
        for word in words:
            if frtext.stem(word) in ranking.STOPWORD_STEMS:
                continue  # a stop word (or a word sharing its stem): not indexed, only the phrase checks it
            term = known.get(frtext.stem(word))
            if term is None:
                return None  # a word no document holds
            ids.append(term[0])
        phrase = _engine_phrase(words, using) if len(words) > 1 else None
        return (tuple(dict.fromkeys(ids)), phrase)

    for kind, words in parsed:
        alt = alternative(words)
        if kind == "not":
            if alt is not None and alt[0]:
                plan.excluded.append(alt)
        elif kind == "or" and plan.groups:
            plan.groups[-1].append(alt)
        else:
            plan.groups.append([alt])
    plan.groups = [[alt for alt in group if alt is not None] for group in plan.groups]
    plan.impossible = any(not group for group in plan.groups)
    by_id = {term[0]: (stem, term) for stem, term in known.items()}
    for group in plan.groups:
        for ids, _phrase in group:
            for pk in ids:
                stem, (_pk, df, weight) = by_id[pk]
                plan.scores[pk], plan.df[pk] = weight, df
                if stem not in plan.stems:
                    plan.stems.append(stem)
    plan.excluded_stems = [by_id[ids[0]][0] for ids, phrase in plan.excluded if phrase is None]
    return plan


def _engine_phrase(words, using):
    """The phrase as the engine's full-text index is asked: an FTS5 phrase of stems, or a tsquery text."""
    if vendor(using) == "postgresql":
        return pg_prepare('"' + " ".join(words) + '"', using)
    return '"' + " ".join(frtext.stem(w) for w in words) + '"'


def _rarest_first(plan):
    return sorted(plan.scores, key=lambda pk: (plan.df[pk], pk))


def _other_words_joined(terms):
    """JOINs of the postings of terms[1:] (aliases p1, p2…) to the same document as p0."""
    return " ".join(
        f"JOIN {POSTINGS} p{i} ON p{i}.term_id = {int(pk)} AND p{i}.document_id = p0.document_id"
        for i, pk in enumerate(terms[1:], start=1)
    )


def _visible_sql(filters, doc_column):
    """(sql, params) true when the document `doc_column` passes the queryset's other filters, or None when it has
    none. Correlated (a primary key lookup per candidate): `IN (filters)` would read every visible document."""
    if not filters.query.where.children:
        return None
    same = filters.filter(pk=RawSQL(doc_column, [], output_field=models.BigIntegerField()))
    sql, params = same.values("pk").query.sql_with_params()
    return f"EXISTS ({sql})", list(params)


def _has(term_id, doc_column):
    return f"EXISTS (SELECT 1 FROM {POSTINGS} sp WHERE sp.term_id = {int(term_id)} AND sp.document_id = {doc_column})"


def _phrase_sql(phrase, doc_column, using, correlated=True):
    """SQL true when the document `doc_column` holds the phrase, per the engine's index; (sql, params)."""
    if vendor(using) == "postgresql":
        match = f"search_vector @@ websearch_to_tsquery('{PG_CONFIG}', %s)"
        if doc_column == f"{DOCUMENTS}.id":
            return f"{DOCUMENTS}.{match}", [phrase]
        return f"EXISTS (SELECT 1 FROM {DOCUMENTS} dp WHERE dp.id = {doc_column} AND dp.{match})", [phrase]
    if correlated:  # a seek per document: for a few candidates
        return f"EXISTS (SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND {FTS_TABLE}.rowid = {doc_column})", [
            phrase
        ]
    return f"{doc_column} IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)", [phrase]


def _alternative_sql(alt, doc_column, using, correlated):
    ids, phrase = alt
    parts, params = [_has(pk, doc_column) for pk in ids], []
    if phrase is not None:
        sql, params = _phrase_sql(phrase, doc_column, using, correlated)
        parts.append(sql)
    return "(" + " AND ".join(parts) + ")", params


def _match_sql(plan, doc_column, using, correlated=False):
    """The whole query as one SQL condition on a document id column; (sql, params)."""
    parts, params = [], []
    for group in plan.groups:
        alts = [_alternative_sql(alt, doc_column, using, correlated) for alt in group]
        parts.append("(" + " OR ".join(sql for sql, _p in alts) + ")")
        params += [p for _sql, ps in alts for p in ps]
    for alt in plan.excluded:
        sql, ps = _alternative_sql(alt, doc_column, using, correlated)
        parts.append(f"NOT {sql}")
        params += ps
    return " AND ".join(parts), params


def _rank_sql(plan, doc_column):
    if not plan.scores:
        return "0"
    cases = " ".join(f"WHEN {int(pk)} THEN {int(idf)}" for pk, idf in plan.scores.items())
    ids = ", ".join(str(int(pk)) for pk in plan.scores)
    return (
        f"(SELECT coalesce(sum(CASE sp.term_id {cases} END * sp.impact), 0) FROM {POSTINGS} sp "
        f"WHERE sp.document_id = {doc_column} AND sp.term_id IN ({ids}))"
    )


class SearchQuerySetMixin:
    """`search()` filters and ranks every match; the excerpts of the rows actually fetched (a page) come
    from one more query, so highlighting never runs on every match of a broad query."""

    _search_query = None  # the engine's query, for the excerpts
    _search_plan = None

    def search(self, query):
        """Ranked matches of a web-style query (« "contrat de ville" OR npnru -2015 »); none if empty."""
        query = (query or "").strip()
        plan = make_plan(query, self.db) if query else None
        if plan is None or plan.impossible:
            return self.none()
        sql, params = _match_sql(plan, f"{DOCUMENTS}.id", self.db)
        rank = RawSQL(_rank_sql(plan, f"{DOCUMENTS}.id"), [], output_field=models.BigIntegerField())
        qs = self.filter(_SearchMatch(sql, params)).annotate(rank=rank).order_by(*SEARCH_ORDER)
        qs._search_plan = plan
        qs._search_query = pg_prepare(query, self.db) if vendor(self.db) == "postgresql" else frtext.fts5_query(query)
        return qs

    def _clone(self):
        clone = super()._clone()
        clone._search_query = self._search_query
        clone._search_plan = self._search_plan
        return clone

    def count_upto(self, limit):
        """min(count(), limit), without counting every match of a broad search."""
        if self._result_cache is not None or not self._search_plan:
            return min(self.count(), limit)
        filters = self._filters_only()
        if filters is not None and self._search_plan.plain:
            return self._count_postings(filters, limit)
        counted = self._chain()
        counted.query.annotations.pop("rank", None)
        counted.query.clear_ordering(force=True)
        return counted[:limit].count()

    def _fetch_all(self):
        fresh = self._result_cache is None
        if fresh and self._search_plan:
            ranked = self._ranked_page()
            if ranked is not None:
                self._result_cache = ranked
                self._prefetch_done = True
        super()._fetch_all()
        if fresh and self._search_plan and self._result_cache and isinstance(self._result_cache[0], self.model):
            excerpts = self._excerpts([obj.pk for obj in self._result_cache])
            for obj in self._result_cache:
                obj.search_excerpt = excerpts.get(obj.pk, "")

    def _excerpts(self, ids):
        connection = connections[self.db]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(*self._pg_excerpt_sql(ids))
            else:
                cursor.execute(*self._sqlite_excerpt_sql(ids))
            return dict(cursor.fetchall())

    # ---- the page path ----

    def _filters_only(self):
        """This queryset without the match and its rank (its other filters intact), or None when its shape
        is not the plain ranked search (reordered, values(), OR-combined, distinct…)."""
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
        kept = [child for child in where.children if not isinstance(getattr(child, "lhs", None), _SearchMatch)]
        if len(where.children) - len(kept) != 1:
            return None
        where.children = kept
        clone.query.annotations.pop("rank", None)
        mask = clone.query.annotation_select_mask
        if mask:
            clone.query.set_annotation_mask([name for name in mask if name != "rank"])
        clone.query.clear_limits()
        clone.query.clear_ordering(force=True)
        clone._search_plan = None
        return clone

    def _ranked_page(self):
        """The documents of this slice, exactly as the full ranking orders them, or None (not a slice of a
        plain search: the joined query answers)."""
        plan, high = self._search_plan, self.query.high_mark
        if high is None or not plan.plain:
            return None
        filters = self._filters_only()
        if filters is None:
            return None
        top = _TopK(plan, filters, high, self.db).run()
        if top is None:
            return None
        page = top[self.query.low_mark : high]
        objects = filters.in_bulk([pk for _score, _day, pk in page]) if page else {}
        for score, _day, pk in page:
            if pk in objects:
                objects[pk].rank = score
        return [objects[pk] for _score, _day, pk in page if pk in objects]

    def _count_postings(self, filters, limit):
        """Count a plain search's matches up to `limit`: PostgreSQL merges the words' postings; SQLite asks its
        FTS5 index (the same stems, ranking.py), which intersects the words' lists faster than joined postings."""
        plan, using = self._search_plan, self.db
        if vendor(using) == "postgresql":
            # The words' postings in document order, merged (index-only, stops at the limit): faster than GIN,
            # which builds the whole intersection before the LIMIT applies; the phrases checked row by row.
            terms = _rarest_first(plan)
            where = [f"p0.term_id = {int(terms[0])}"]
            where += [f"NOT {_has(ids[0], 'p0.document_id')}" for ids, _phrase in plan.excluded]
            params = []
            visible = _visible_sql(filters, "p0.document_id")
            if visible:
                where.append(visible[0])
                params += visible[1]
            for phrase in plan.phrases:
                sql, phrase_params = _phrase_sql(phrase, "p0.document_id", using)
                where.append(sql)
                params += phrase_params
            sql = f"SELECT p0.document_id FROM {POSTINGS} p0 {_other_words_joined(terms)} WHERE {' AND '.join(where)}"
            with connections[using].cursor() as cursor:
                cursor.execute(f"SELECT count(*) FROM ({sql} LIMIT {int(limit)}) counted", params)
                return cursor.fetchone()[0]
        match = " AND ".join([*(f'"{s}"' for s in plan.stems), *plan.phrases])
        for stem in plan.excluded_stems:
            match = f'({match}) NOT "{stem}"'
        sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
        params = [match]
        visible = _visible_sql(filters, f"{FTS_TABLE}.rowid")
        if visible:
            sql += f" AND {visible[0]}"
            params += visible[1]
        with connections[using].cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM ({sql} LIMIT {int(limit)}) counted", params)
            return cursor.fetchone()[0]

    # ---- excerpts ----

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


class _TopK:
    """The k best matches of a plain plan as sorted (score, date, id), exactly; None to let the joined query
    answer. Every match holds every word, so each is read from the postings of the rarest word (`p0`), the
    others joined by (word, document). Round 1 reads the best FIRST_HEAD of those postings: its k-th member
    scores θ. A document scoring θ or more holds each word t with an impact of at least
    (θ − Σ other words' idf × best impact) / idf(t): round 2 reads only those postings, and its k best members
    are the k best of the library."""

    def __init__(self, plan, filters, k, using):
        self.plan, self.filters, self.k, self.using = plan, filters, k, using
        self.terms = _rarest_first(plan)  # the rarest word's postings are p0
        self.excluded = [ids[0] for ids, _phrase in plan.excluded]
        self.checked = {}  # document id → its date if it passes the filters and phrases, else None

    def join_sql(self, head=None, cutoffs=None, driver=None):
        """SELECT of the candidates (document id, score) holding every word and no excluded one, read from the
        postings of `driver` (the rarest word by default): its best `head` ones, or those above the cutoffs."""
        cutoffs = cutoffs or {}
        driver = self.terms[0] if driver is None else driver
        terms = [driver, *(pk for pk in self.terms if pk != driver)]
        if head is not None:
            # A few hundred postings: each other word probed by its (word, document) key — a correlated
            # subquery, which no planner turns into a scan of that word's whole list.
            probes = ", ".join(
                f"(SELECT impact FROM {POSTINGS} x WHERE x.term_id = {int(pk)} AND x.document_id = p0.document_id) "
                f"AS i{i}"
                for i, pk in enumerate(terms[1:], start=1)
            )
            head_sql = (
                f"SELECT document_id, impact{', ' + probes if probes else ''} FROM {POSTINGS} p0 "
                f"WHERE term_id = {int(driver)} ORDER BY impact DESC LIMIT {int(head)}"
            )
            score = " + ".join(
                f"{int(self.plan.scores[pk])} * {'impact' if i == 0 else f'i{i}'}" for i, pk in enumerate(terms)
            )
            where = [f"i{i} IS NOT NULL" for i in range(1, len(terms))] or ["1 = 1"]
            where += [f"NOT {_has(pk, 'h.document_id')}" for pk in self.excluded]
            return f"SELECT h.document_id, {score} AS score FROM ({head_sql}) h WHERE {' AND '.join(where)}"
        where = [f"p0.term_id = {int(driver)}"]
        for i, pk in enumerate(terms):
            if cutoffs.get(pk, 0) > 1:
                where.append(f"p{i}.impact >= {int(cutoffs[pk])}")
        where += [f"NOT {_has(pk, 'p0.document_id')}" for pk in self.excluded]
        score = " + ".join(f"{int(self.plan.scores[pk])} * p{i}.impact" for i, pk in enumerate(terms))
        source = f"{POSTINGS} p0 {_other_words_joined(terms)}"
        return f"SELECT p0.document_id, {score} AS score FROM {source} WHERE {' AND '.join(where)}"

    def _candidates(self, head=None, cutoffs=None):
        """[(score, document id)], best first. With `head`: the best `head` postings of every word (the best
        matches hold good impacts for all their words, so some word's head holds each: θ comes out close)."""
        drivers = self.terms if head is not None else self.terms[:1]
        sql = " UNION ALL ".join(
            f"SELECT * FROM ({self.join_sql(head, cutoffs, d)}) d{i}" for i, d in enumerate(drivers)
        )
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql)
            scored = {pk: score for pk, score in cursor.fetchall()}
        return sorted(((score, pk) for pk, score in scored.items()), reverse=True)

    def _members(self, scored):
        """The k best of `scored` (sorted by score) that pass the filters and phrases, checked in batches (a
        document checked in round 1 is not checked again)."""
        members, start, size = [], 0, max(2 * self.k, 50)
        while start < len(scored):
            chunk = scored[start : start + size]
            start += size
            self._check([pk for _score, pk in chunk if pk not in self.checked])
            members += [(score, self.checked[pk], pk) for score, pk in chunk if self.checked[pk] is not None]
            if len(members) >= self.k:
                members.sort(reverse=True)
                # Done once no unchecked candidate can tie the k-th (a tie is decided by the date).
                if start >= len(scored) or scored[start][0] < members[self.k - 1][0]:
                    break
            size *= 2
        members.sort(reverse=True)
        return members[: self.k]

    def _check(self, ids):
        if not ids:
            return
        kept = self.filters.filter(pk__in=ids)
        for phrase in self.plan.phrases:
            sql, params = _phrase_sql(phrase, f"{DOCUMENTS}.id", self.using, correlated=True)
            kept = kept.filter(RawSQL(sql, params, output_field=models.BooleanField()))
        dates = dict(kept.values_list("pk", "date"))
        for pk in ids:
            self.checked[pk] = dates.get(pk)

    def _bounds(self, head):
        """({word: its best impact}, {word: the impact of its last posting read in round 1})."""
        columns = [f"(SELECT max(impact) FROM {POSTINGS} WHERE term_id = {int(pk)})" for pk in self.terms]
        columns += [
            f"(SELECT impact FROM {POSTINGS} WHERE term_id = {int(pk)} "
            f"ORDER BY impact DESC LIMIT 1 OFFSET {int(head) - 1})"
            for pk in self.terms
        ]
        with connections[self.using].cursor() as cursor:
            cursor.execute(f"SELECT {', '.join(columns)}")
            row = cursor.fetchone()
        n = len(self.terms)
        return dict(zip(self.terms, row[:n], strict=True)), dict(zip(self.terms, row[n:], strict=True))

    def run(self):
        head = max(FIRST_HEAD if len(self.terms) == 1 else FIRST_HEAD_WORDS, 4 * self.k)
        while True:
            members = self._members(self._candidates(head=head))
            if head >= self.plan.df[self.terms[0]]:
                return members  # every posting of the rarest word was read: every match was seen
            if len(members) >= self.k:
                break
            head *= 8
            if head > MAX_HEAD:
                return None
        theta = members[self.k - 1][0]
        best, frontier = self._bounds(head)
        scores = self.plan.scores
        bound = sum(scores[pk] * best[pk] for pk in self.terms)
        cutoffs = {pk: math.ceil((theta - (bound - scores[pk] * best[pk])) / scores[pk]) for pk in self.terms}
        if any(frontier[pk] is None or cutoffs[pk] > frontier[pk] for pk in self.terms):
            return members  # some word's head held every posting a better document needs: all were seen
        return self._members(self._candidates(cutoffs=cutoffs))


class _SearchMatch(RawSQL):
    """The match condition of a search (marked, so the page path can set it apart)."""

    def __init__(self, sql, params):
        super().__init__(sql, params, output_field=models.BooleanField())


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
