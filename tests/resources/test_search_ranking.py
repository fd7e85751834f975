"""The ranked pages of a search equal an exhaustive ranking of every match, on a generated corpus.

Runs on the suite's engine (SQLite FTS5 `bm25`, or PostgreSQL `ts_rank` when DATABASE_URL says so). The
reference reads every match's score with one SQL query without LIMIT and sorts in Python — it shares
nothing with `search()`'s page logic (SQLite ranks a page from FTS5 alone, then filters the candidates).
"""

import datetime
import random

import pytest
from django.db import connection

from quartiers.resources import search, services
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


def exhaustive(query, public_only=False, doc_type=None):
    """Every match's score without LIMIT, sorted in Python by (score, date, id), best first; and the total."""
    if connection.vendor == "postgresql":
        prepared = search.pg_prepare(query)
        tsquery = f"websearch_to_tsquery('{search.PG_CONFIG}', %s)"
        sql = (
            f"SELECT id, date, ts_rank(search_vector, {tsquery}), public, type FROM resources_document "
            f"WHERE search_vector @@ {tsquery}"
        )
        params = [prepared, prepared]
    else:
        weights = ", ".join(str(w) for w in search.WEIGHTS)
        sql = (
            f"SELECT d.id, d.date, -bm25({search.FTS_TABLE}, {weights}), d.public, d.type FROM {search.FTS_TABLE} "
            f"JOIN resources_document d ON d.id = {search.FTS_TABLE}.rowid WHERE {search.FTS_TABLE} MATCH %s"
        )
        params = [frtext.fts5_query(query)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    rows = [r for r in rows if (r[3] or not public_only) and (doc_type is None or r[4] == doc_type)]
    rows.sort(key=lambda r: (r[2], str(r[1]), r[0]), reverse=True)
    return [r[0] for r in rows], len(rows)


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
    monkeypatch.setattr(search, "MAX_CANDIDATES", 300)  # no growth allowed past 300 candidates
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
    new = make_document("Quartier quartier quartier", summary="quartier quartiers", text="Quartier.")
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


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 page path is SQLite's")
def test_sqlite_page_is_ranked_by_fts5_alone():
    from django.test.utils import CaptureQueriesContext

    generate(300, seed=9)
    found = Document.objects.visible_to(ANONYMOUS).search("quartier")
    with CaptureQueriesContext(connection) as queries:
        ids = page_ids(found)
    assert ids == exhaustive("quartier", public_only=True)[0][:20]
    ranking = [q["sql"] for q in queries if "bm25" in q["sql"]]
    assert ranking and all("JOIN" not in sql for sql in ranking)  # no document row read per match


def test_a_document_deleted_outside_the_services_leaves_the_index():
    generate(120, seed=6)
    total = Document.objects.search("quartier").count()
    gone = list(Document.objects.search("quartier")[:3])
    Document.objects.filter(pk__in=[d.pk for d in gone]).delete()  # as the admin or a cascade would
    found = Document.objects.visible_to(Admin()).search("quartier")
    assert found.count() == total - 3 == exhaustive("quartier")[1]
    assert not {d.pk for d in gone} & set(page_ids(found))
