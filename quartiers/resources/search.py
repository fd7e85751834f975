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
  folded in Python first); `websearch_to_tsquery`.
- SQLite: an FTS5 table (`unicode61 remove_diacritics 2`) over an external content table holding the
  original text, indexed with the text folded and stemmed by `text.stem_text` (token positions preserved).
The excerpts are cut and marked in Python (`text.highlight`), with the ranking's stems, the same on both.

A page (a slice of model instances, as the list page and the API ask) is found without a query that scores every
match (`_ranked_page`): the words' postings, held in memory by postings.py, score every match in a few array
operations; the best candidates go through the queryset's own filters (permissions, type, territory…) until
the page is full and no candidate left can tie its last. Exact: the page equals the full ranking's
(tests/resources/test_search_ranking.py). docs/ressources.md has the reasoning and the figures.

Migrations 0002, 0006 and 0007 create the structures; `services.reindex_document` keeps them in sync.
"""

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from django.db import connections, models
from django.db.models.expressions import RawSQL

from quartiers.resources import postings, ranking
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
FIRST_CHECKED = 200  # the best candidates checked against the filters first (at least 4 × the page's end)
EXCERPT_CHARS = 100_000  # of a document's text searched for its excerpt (a long PDF: its beginning)
MAX_CHECKED = 20_000  # beyond, a filter keeps so few documents that the joined query ranks them faster


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
    tokens: dict = field(default_factory=dict)  # {term id: SearchTerm.token}, excluded words' too
    matches: tuple = None  # (scores, document ids) once _TopK computed them
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
    by_id = {term.id: (stem, term) for stem, term in known.items()}
    plan.tokens = {term.id: term.token for term in known.values()}
    for group in plan.groups:
        for ids, _phrase in group:
            for pk in ids:
                stem, term = by_id[pk]
                plan.scores[pk], plan.df[pk] = term.idf, term.df
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
            if correlated:  # a few candidates: each row's vector checked, not the GIN index's whole phrase match
                return (
                    f"coalesce({DOCUMENTS}.search_vector, ''::tsvector) @@ websearch_to_tsquery('{PG_CONFIG}', %s)",
                    [phrase],
                )
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
        return qs

    def _clone(self):
        clone = super()._clone()
        clone._search_plan = self._search_plan
        return clone

    def index_version(self):
        """The searched words' tokens (new at every write to their postings, ranking.new_token), '' when this is
        not a search: with the documents' own version, what a cached page of results depends on."""
        plan = self._search_plan
        return ",".join(f"{pk}:{plan.tokens[pk]}" for pk in sorted(plan.tokens)) if plan else ""

    def count_upto(self, limit):
        """min(count(), limit), without counting every match of a broad search."""
        if self._result_cache is not None or not self._search_plan:
            return min(self.count(), limit)
        filters = self._filters_only()
        if filters is not None and self._search_plan.plain:
            counted = _TopK(self._search_plan, filters, 0, self.db).count_upto(limit)
            return self._count_postings(filters, limit) if counted is None else counted
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
        """{id: excerpt} of these documents: their summary and text (its first EXCERPT_CHARS) with the search's
        words marked (text.highlight: the same stems as the ranking, on both engines)."""
        body = "substr(coalesce(text, '') || ' ' || coalesce(extracted_text, ''), 1, %s)"
        marks = ", ".join(["%s"] * len(ids))
        with connections[self.db].cursor() as cursor:
            cursor.execute(f"SELECT id, summary, {body} FROM {DOCUMENTS} WHERE id IN ({marks})", [EXCERPT_CHARS, *ids])
            rows = cursor.fetchall()
        stems = self._search_plan.stems
        return {
            pk: frtext.highlight(f"{summary or ''}\n{text}", stems, HIGHLIGHT_START, HIGHLIGHT_END)
            for pk, summary, text in rows
        }

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
        if high <= self.query.low_mark:
            return []
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


class _TopK:
    """The k best matches of a plain plan as sorted (score, date, id), exactly; None to let the joined query
    answer. Every match is scored from its words' postings held in memory (postings.py); the best candidates go
    through the queryset's filters and phrases, best first, until k pass and no unchecked candidate can tie the
    k-th."""

    def __init__(self, plan, filters, k, using):
        self.plan, self.filters, self.k, self.using = plan, filters, k, using
        self.checked = {}  # document id → its date if it passes the filters and phrases, else None

    def scored(self):
        """(scores, document ids) of every document holding every word and no excluded one, in no particular
        order; computed once per search (the page and its count share the plan)."""
        plan = self.plan
        if plan.matches is None:
            excluded = [ids[0] for ids, _phrase in plan.excluded]
            lists = postings.postings({pk: plan.tokens[pk] for pk in [*plan.scores, *excluded]}, self.using)
            rarest, *others = sorted(plan.scores, key=lambda pk: len(lists[pk][0]))
            ids, impacts = lists[rarest]
            scores = plan.scores[rarest] * impacts.astype(np.int64)
            size = 1 + max((int(docs.max()) for docs, _impacts in lists.values() if len(docs)), default=0)
            for pk in others:
                # Each other word's impacts spread over every document id: one lookup per candidate.
                dense = np.zeros(size, np.uint16)
                dense[lists[pk][0]] = lists[pk][1]
                held = dense[ids]
                kept = held > 0  # an impact is at least 1
                ids, scores = ids[kept], scores[kept] + plan.scores[pk] * held[kept].astype(np.int64)
            for pk in excluded:
                holds = np.zeros(size, bool)
                holds[lists[pk][0]] = True
                kept = ~holds[ids]
                ids, scores = ids[kept], scores[kept]
            plan.matches = (scores, ids)
        return plan.matches

    def run(self):
        scores, ids = self.scored()
        depth = max(4 * self.k, FIRST_CHECKED)
        while True:
            best, beyond = _best(scores, ids, depth)
            members = self._members(best)
            # Done when the k-th member beats every candidate left (a tie in score is decided by the date).
            if beyond is None or (len(members) == self.k and beyond < members[-1][0]):
                return members
            depth *= 4
            if depth > MAX_CHECKED:
                return None

    def count_upto(self, limit):
        """min(how many matches pass the filters and phrases, limit), checked in chunks; None when MAX_CHECKED of
        the matches hold fewer, or for a phrase on SQLite (the SQL count answers: FTS5 intersects the words and
        checks the phrase faster than a MATCH per document)."""
        if self.plan.phrases and vendor(self.using) == "sqlite":
            return None
        _scores, ids = self.scored()
        if not self.filters.query.where.children and not self.plan.phrases:
            return min(len(ids), limit)
        passed, start = 0, 0
        while passed < limit and start < len(ids):
            if start >= MAX_CHECKED:
                return None
            # As many as the share passing so far says are needed, and a fifth more.
            share = max(passed / start, 0.05) if start else 1
            size = min(int((limit - passed) / share * 1.2) + 1, 5_000)
            chunk = ids[start : start + size].tolist()
            start += size
            self._check(chunk)
            passed += sum(1 for pk in chunk if self.checked[pk] is not None)
        return min(passed, limit)

    def _members(self, scored):
        """The k best of `scored` (sorted by score) that pass the filters and phrases, checked in batches (a
        document checked before is not checked again)."""
        members, start, size = [], 0, max(2 * self.k, 50)
        while start < len(scored):
            chunk = scored[start : start + size]
            start += size
            self._check([pk for _score, pk in chunk if pk not in self.checked])
            members += [(score, self.checked[pk], pk) for score, pk in chunk if self.checked[pk] is not None]
            if len(members) >= self.k:
                members.sort(reverse=True)
                if start >= len(scored) or scored[start][0] < members[self.k - 1][0]:
                    break
            size *= 2
        members.sort(reverse=True)
        return members[: self.k]

    def _check(self, ids):
        if not ids:
            return
        if vendor(self.using) == "postgresql":  # one array parameter: thousands of %s cost more to send
            kept = self.filters.filter(RawSQL(f"{DOCUMENTS}.id = ANY(%s)", [ids], output_field=models.BooleanField()))
        else:
            kept = self.filters.filter(pk__in=ids)
        for phrase in self.plan.phrases:
            sql, params = _phrase_sql(phrase, f"{DOCUMENTS}.id", self.using, correlated=True)
            kept = kept.filter(RawSQL(sql, params, output_field=models.BooleanField()))
        dates = dict(kept.values_list("pk", "date"))
        for pk in ids:
            self.checked[pk] = dates.get(pk)


def _best(scores, ids, depth):
    """([(score, id)] of the `depth` best by (score, id) descending, the best score left out or None)."""
    if len(ids) > depth:
        part = np.argpartition(-scores, depth)
        beyond = int(scores[part[depth]])  # argpartition: nothing after it scores more
        part = part[:depth]
        scores, ids = scores[part], ids[part]
    else:
        beyond = None
    order = np.lexsort((-ids, -scores))
    return list(zip(scores[order].tolist(), ids[order].tolist(), strict=True)), beyond


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
