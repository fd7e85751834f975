"""The ranked pages of a search equal an exhaustive ranking of every match, on a generated corpus.

Runs on the suite's engine. The reference recomputes every document's words and weights in Python from the
documents' own text, scores every match and sorts — it shares nothing with the ranking index nor with
`search()`'s page path (postings read best first, a bound, the queryset's filters on the candidates).
"""

import datetime
import math
import random

import pytest
from django.db import connection

from quartiers.resources import ranking, search, services
from quartiers.resources import text as frtext
from quartiers.resources.models import Document
from tests.resources.helpers import make_document

pytestmark = pytest.mark.django_db

WORDS = """quartier prioritaire contrat ville rénovation urbaine logement social bailleur emploi
insertion jeunesse éducation santé mobilité commerce habitants associations subvention diagnostic
proximité propreté tranquillité convention engagement partenaires évaluation indicateurs pauvreté
culture sport numérique parentalité école collège médiation prévention sécurité""".split()
FILLER = "le la les de des du un une et en pour par sur dans avec plus est sont".split()
TYPES = ["guide", "etude", "compte_rendu", "autre"]
QUERIES = [
    "quartier",  # in most documents: a candidate set of 200 is not enough for a filtered user
    "quartiers prioritaires",
    "logement social",
    "jeunesse éducation santé",
    '"contrat ville"',
    "rénovation OR culture",
    "quartier -logement",
    "renovation urbaine",  # accents folded
    "médiation",
]
ANONYMOUS = type("Anonymous", (), {"is_authenticated": False})()


class Admin:
    is_authenticated = True
    is_active = True
    is_superuser = True
    pk = 0


def generate(n, seed=13, public_share=0.5):
    rng = random.Random(seed)
    weights = [1.0 / (rank + 1) for rank in range(len(WORDS))]

    def words(k):
        return " ".join(rng.choices(WORDS, weights=weights, k=k))

    docs = []
    for _ in range(n):
        body = " ".join(words(rng.randint(2, 6)) + " " + rng.choice(FILLER) for _ in range(rng.randint(8, 20)))
        docs.append(
            Document(
                title=words(rng.randint(2, 5)).capitalize(),
                summary=words(rng.randint(3, 8)),
                text=body,
                type=rng.choice(TYPES),
                public=rng.random() < public_share,
                # Few distinct dates: equal scores and equal dates happen, the id decides.
                date=datetime.date(2019, rng.randint(1, 3), 1),
            )
        )
    Document.objects.bulk_create(docs)
    services.rebuild_index()


def _reference_index():
    """Every document's indexed words and their impacts, recomputed here from the rows (not from the index)."""
    index = {}
    for doc in Document.objects.all():
        fields = (doc.title, doc.summary, doc.search_body())
        weighted = {}
        for (_name, weight, reference), value in zip(ranking.FIELDS, fields, strict=True):
            tokens = frtext.TOKEN_RE.findall(frtext.fold(frtext.normalize_for_storage(value or "")))
            for token in tokens:
                if token not in frtext.STOPWORDS:
                    stem = frtext.stem(token)
                    norm = weight / (1 - ranking.B + ranking.B * len(tokens) / reference)
                    weighted[stem] = weighted.get(stem, 0) + norm
        k1, scale = ranking.K1, ranking.SCALE
        impacts = {stem: max(1, round(scale * tf * (k1 + 1) / (tf + k1))) for stem, tf in weighted.items()}
        if impacts:
            index[doc.pk] = (impacts, doc.date, doc.public, doc.type)
    return index


def _engine_phrase_ids(words):
    """The documents the engine's full-text index says hold the phrase (the phrase check is the engine's)."""
    if connection.vendor == "postgresql":
        sql = f"SELECT id FROM resources_document WHERE search_vector @@ websearch_to_tsquery('{search.PG_CONFIG}', %s)"
        param = search.pg_prepare('"' + " ".join(words) + '"')
    else:
        sql = f"SELECT rowid FROM {search.FTS_TABLE} WHERE {search.FTS_TABLE} MATCH %s"
        param = '"' + " ".join(frtext.stem(w) for w in words) + '"'
    with connection.cursor() as cursor:
        cursor.execute(sql, [param])
        return {row[0] for row in cursor.fetchall()}


def exhaustive(query, public_only=False, doc_type=None):
    """Every match scored in Python from the documents' own text (BM25F as ranking.py documents it), sorted by
    (score, date, id), best first; and the total. Shares no code with the index nor with search()."""
    index = _reference_index()
    n = len(index)
    df = {}
    for impacts, *_rest in index.values():
        for stem in impacts:
            df[stem] = df.get(stem, 0) + 1

    def idf(stem):
        return max(1, round(ranking.SCALE * math.log(1 + (n - df[stem] + 0.5) / (df[stem] + 0.5))))

    def holds(pk, words):
        stems = [frtext.stem(w) for w in words if w not in frtext.STOPWORDS]
        if not all(stem in index[pk][0] for stem in stems):
            return False
        return len(words) == 1 or pk in _engine_phrase_ids(words)

    groups, excluded, scoring = [], [], set()
    for kind, words in frtext.parse_query(query):
        if kind == "not":
            excluded.append(words)
            continue
        if kind == "or" and groups:
            groups[-1].append(words)
        else:
            groups.append([words])
        scoring |= {frtext.stem(w) for w in words if w not in frtext.STOPWORDS and frtext.stem(w) in df}
    rows = []
    for pk, (impacts, day, public, kind) in index.items():
        if public_only and not public or doc_type is not None and kind != doc_type:
            continue
        if all(any(holds(pk, alt) for alt in group) for group in groups) and not any(holds(pk, w) for w in excluded):
            rows.append((sum(idf(stem) * impacts.get(stem, 0) for stem in scoring), day, pk))
    rows.sort(reverse=True)
    return [pk for _score, _day, pk in rows], len(rows)


def page_ids(qs, start=0, size=20):
    return [d.pk for d in qs[start : start + size]]


def test_pages_and_counts_equal_the_exhaustive_ranking():
    generate(900)
    for query in QUERIES:
        expected, total = exhaustive(query)
        found = Document.objects.visible_to(Admin()).defer("text", "extracted_text").search(query)
        assert total > 0, query
        assert page_ids(found) == expected[:20], query
        assert page_ids(found, 20) == expected[20:40], query  # second page
        assert page_ids(found, 240) == expected[240:260], query  # beyond the first candidate set
        assert found.count() == total, query
        assert list(found[5:5]) == [], query
    # The page's documents carry their highlighted excerpts and ranks.
    docs = list(Document.objects.visible_to(Admin()).defer("text", "extracted_text").search("quartier")[:20])
    assert all("<mark>" in str(d.excerpt) for d in docs)
    assert docs[0].rank >= docs[-1].rank > 0


def test_permission_filtered_pages_equal_the_visible_exhaustive_ranking():
    # 3 % public: the anonymous visitor's top 20 lies deep in the ranking of every match.
    generate(900, seed=5, public_share=0.03)
    for query in QUERIES:
        expected, total = exhaustive(query, public_only=True)
        found = Document.objects.visible_to(ANONYMOUS).search(query)
        assert page_ids(found) == expected[:20], query
        assert found.count() == total, query
        assert all(d.public for d in found[:20])
        everything, _ = exhaustive(query)
        assert len(everything) > len(expected)  # the filter did remove matches


def test_filters_chained_after_the_search_keep_the_ranking_exact():
    generate(600, seed=8)
    for query in QUERIES[:4]:
        expected, total = exhaustive(query, public_only=True, doc_type="guide")
        found = Document.objects.visible_to(ANONYMOUS).search(query).filter(type="guide")
        assert page_ids(found) == expected[:20], query
        assert found.count() == total, query


def test_a_page_too_deep_for_the_candidate_sets_falls_back_exactly(monkeypatch):
    generate(600, seed=21, public_share=0.05)
    monkeypatch.setattr(search, "FIRST_CHECKED", 20)
    monkeypatch.setattr(search, "MAX_CHECKED", 100)  # the best candidates hold too few visible documents
    expected, total = exhaustive("quartier", public_only=True)
    found = Document.objects.visible_to(ANONYMOUS).search("quartier")
    assert page_ids(found) == expected[:20]
    assert found.count() == total


def test_index_follows_edits_and_deletes_in_ranked_pages():
    generate(300, seed=3)
    top = Document.objects.visible_to(Admin()).search("quartier")
    best = list(top[:1])[0]
    total = top.count()
    # Edited so that it no longer matches: gone from the page and from the count.
    best.title, best.summary, best.text = "Sans rapport", "", "Rien."
    best.save()
    services.reindex_document(best)
    after_edit = Document.objects.visible_to(Admin()).search("quartier")
    assert best.pk not in page_ids(after_edit)
    assert after_edit.count() == total - 1
    assert page_ids(after_edit) == exhaustive("quartier")[0][:20]
    # A new best match, then deleted.
    new = make_document("Quartier", summary="quartier quartier quartiers", text="Quartier. " * 40)
    after_add = Document.objects.visible_to(Admin()).search("quartier")
    assert after_add.count() == total
    assert new.pk in page_ids(after_add) == exhaustive("quartier")[0][:20]
    services.delete_document(new, None)
    after_delete = Document.objects.visible_to(Admin()).search("quartier")
    assert new.pk not in page_ids(after_delete)
    assert after_delete.count() == total - 1
    assert page_ids(after_delete) == exhaustive("quartier")[0][:20]


def test_ranked_page_keeps_select_related_prefetch_and_rank():
    generate(250, seed=4)
    found = (
        Document.objects.visible_to(ANONYMOUS)
        .search("logement social")
        .select_related("author_organisation")
        .prefetch_related("themes")
    )
    docs = list(found[:20])
    assert [d.pk for d in docs] == exhaustive("logement social", public_only=True)[0][:20]
    ranks = [d.rank for d in docs]
    assert ranks == sorted(ranks, reverse=True) and ranks[0] > 0
    assert all(d.themes.all() is not None for d in docs)


def test_a_page_scores_from_the_postings_kept_in_memory():
    from django.test.utils import CaptureQueriesContext

    generate(300, seed=9)
    with CaptureQueriesContext(connection) as first:
        ids = page_ids(Document.objects.visible_to(ANONYMOUS).search("quartier"))
    assert ids == exhaustive("quartier", public_only=True)[0][:20]
    with CaptureQueriesContext(connection) as again:
        assert page_ids(Document.objects.visible_to(ANONYMOUS).search("quartier")) == ids
    first_sql, again_sql = (" ".join(q["sql"] for q in queries) for queries in (first, again))
    assert "sum(CASE" not in first_sql  # no document scored by the joined query
    assert ranking.POSTINGS in first_sql and ranking.POSTINGS not in again_sql  # read once, then kept
    assert len(again) == len(first) - 1 <= 5


def test_postings_kept_in_memory_follow_writes_rollbacks_and_the_memory_limit(settings):
    from django.db import transaction

    generate(200, seed=10)
    admin = Admin()
    assert page_ids(Document.objects.visible_to(admin).search("santé")) == exhaustive("santé")[0][:20]
    # A write rolled back after a search saw it: the kept postings are the rolled-back ones, under a token the
    # database no longer has.
    with transaction.atomic():
        new = make_document("Santé", summary="santé santé", text="Santé. " * 30)
        assert page_ids(Document.objects.visible_to(admin).search("santé"))[0] == new.pk
        transaction.set_rollback(True)
    assert new.pk not in page_ids(Document.objects.visible_to(admin).search("santé"))
    assert page_ids(Document.objects.visible_to(admin).search("santé")) == exhaustive("santé")[0][:20]
    # Limit 0: a process keeps only the last word it read; every search reads its postings again, same pages.
    settings.SEARCH_CACHE_MB = 0
    for query in QUERIES:
        expected, _total = exhaustive(query)
        assert page_ids(Document.objects.visible_to(admin).search(query)) == expected[:20], query


def test_count_upto_stops_at_its_limit_and_equals_the_count_below_it():
    generate(400, seed=12, public_share=0.4)
    for query in QUERIES:
        _expected, total = exhaustive(query, public_only=True)
        found = Document.objects.visible_to(ANONYMOUS).search(query)
        for limit in (1, 10, total, total + 1, 10_000):
            assert found.count_upto(limit) == min(total, limit), (query, limit)
    assert Document.objects.visible_to(ANONYMOUS).count_upto(5) == 5  # not a search: counted as usual


def test_unknown_words_stop_words_and_exclusions():
    generate(200, seed=2)
    admin = Admin()
    assert not Document.objects.visible_to(admin).search("zzzinconnu quartier").exists()
    assert Document.objects.visible_to(admin).search("quartier OR zzzinconnu").count() == exhaustive("quartier")[1]
    assert Document.objects.visible_to(admin).search("quartier -zzzinconnu").count() == exhaustive("quartier")[1]
    assert not Document.objects.visible_to(admin).search("-quartier").exists()  # nothing to look for
    for query in ('"de la"', "quartier -logement -santé", '"logement social" -quartier'):
        expected, total = exhaustive(query)
        found = Document.objects.visible_to(admin).search(query)
        assert page_ids(found) == expected[:20] and found.count() == total, query


def test_a_document_deleted_outside_the_services_leaves_the_index():
    generate(120, seed=6)
    total = Document.objects.search("quartier").count()
    gone = list(Document.objects.search("quartier")[:3])
    Document.objects.filter(pk__in=[d.pk for d in gone]).delete()  # as the admin or a cascade would
    found = Document.objects.visible_to(Admin()).search("quartier")
    assert found.count() == total - 3 == exhaustive("quartier")[1]
    assert not {d.pk for d in gone} & set(page_ids(found))
