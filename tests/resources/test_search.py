"""French full-text search: the same assertions on SQLite (FTS5) and PostgreSQL (tsvector)."""

import datetime

import pytest

from quartiers.resources import services
from quartiers.resources import text as frtext
from quartiers.resources.models import Document
from tests.resources.helpers import calais_document, make_document

pytestmark = pytest.mark.django_db


def titles(qs):
    return [d.title for d in qs]


def test_stemmer_meets_plural_and_singular():
    assert frtext.stems("quartiers prioritaires") == frtext.stems("Quartier prioritaire")
    assert frtext.stems("rénovations urbaines") == frtext.stems("renovation urbaine")
    assert frtext.stems("territoriaux") == frtext.stems("territorial")
    assert frtext.stem_text("L'état des lieux") == "l'etat des lieu"  # one stem per word, separators kept


def test_query_parsing_supports_phrases_or_and_exclusion():
    parsed = frtext.parse_query('"contrat de ville" OR npnru -2015')
    assert parsed == [("and", ["contrat", "de", "ville"]), ("or", ["npnru"]), ("not", ["2015"])]
    assert frtext.parse_query("les de la") == []  # only stop words: nothing to search


def test_accents_are_folded_both_ways():
    make_document("Rénovation urbaine à Calais")
    make_document("Gestion de proximité")
    assert titles(Document.objects.search("renovation")) == ["Rénovation urbaine à Calais"]
    assert titles(Document.objects.search("RÉNOVATION")) == ["Rénovation urbaine à Calais"]
    assert titles(Document.objects.search("proximite")) == ["Gestion de proximité"]


def test_plurals_and_stems_match():
    make_document("Quartier prioritaire de Calais")
    make_document("Contrat de ville")
    assert titles(Document.objects.search("quartiers prioritaires")) == ["Quartier prioritaire de Calais"]
    assert titles(Document.objects.search("contrats de villes")) == ["Contrat de ville"]


def test_all_words_are_required_and_phrases_work():
    make_document("NPNRU à Dunkerque", text="Le renouvellement urbain avance.")
    make_document("NPNRU à Calais", text="Gestion urbaine de proximité.")
    assert titles(Document.objects.search("npnru proximité")) == ["NPNRU à Calais"]
    assert titles(Document.objects.search('"renouvellement urbain"')) == ["NPNRU à Dunkerque"]
    assert titles(Document.objects.search("npnru -dunkerque")) == ["NPNRU à Calais"]
    assert sorted(titles(Document.objects.search("dunkerque OR calais"))) == ["NPNRU à Calais", "NPNRU à Dunkerque"]


def test_ranking_puts_title_matches_first():
    make_document("Compte rendu", text="Un mot sur la gestion urbaine de proximité, en passant.")
    make_document("Gestion urbaine de proximité : le guide", summary="La GUP pas à pas.")
    make_document("Autre sujet", text="Rien à voir.")
    found = list(Document.objects.search("gestion urbaine de proximité"))
    assert titles(found) == ["Gestion urbaine de proximité : le guide", "Compte rendu"]
    assert found[0].rank > found[1].rank


def test_excerpt_highlights_the_matched_words_and_escapes_html():
    make_document(
        "Revue de presse",
        text="Les chefs de projet ont évoqué <script>alert(1)</script> la révision des contrats de ville à Calais.",
    )
    doc = Document.objects.search("contrat de ville").get()
    excerpt = str(doc.excerpt)
    assert "<mark>contrats</mark>" in excerpt
    assert "<mark>ville</mark>" in excerpt
    # Escaped: never live HTML.
    assert "<script>" not in excerpt and "&lt;script&gt;alert(1)" in excerpt


def test_excerpt_of_an_accented_word_keeps_its_accents():
    make_document("Note", text="Point sur la rénovation des écoles.")
    excerpt = str(Document.objects.search("renovation ecole").get().excerpt)
    assert "<mark>rénovation</mark>" in excerpt
    assert "<mark>écoles</mark>" in excerpt


def test_highlight_marks_the_words_of_the_stems_in_the_best_passages():
    def marked(text, query):
        stems = [frtext.stem(w) for w in frtext.TOKEN_RE.findall(frtext.fold(query))]
        return frtext.highlight(text, stems, "[", "]")

    text = "Mise en ŒUVRE des engagements Territoriaux. Les écoles, l'école et l'ÉCOLE."
    assert (
        marked(text, "oeuvre territorial")
        == "Mise en [ŒUVRE] des engagements [Territoriaux]. Les écoles, l'école et l'ÉCOLE."
    )
    assert marked(text, "ecole").count("[") == 3  # accents, case, after an apostrophe
    assert marked("L'écolier n'est pas une école.", "école") == "L'écolier n'est pas une [école]."  # not a mere prefix
    assert marked(text, "zzz") == ""
    # Two passages of about 30 words, the one holding the most distinct words first in the text order.
    filler = " ".join(["texte"] * 60)
    long = f"Le contrat. {filler} Le contrat de ville. {filler} Rien."
    passages = marked(long, "contrat ville").split(" … ")
    assert len(passages) == 2 and "[contrat] de [ville]" in passages[1] and "[contrat]." in passages[0]
    assert all(len(p.split()) <= 40 for p in passages)


def test_an_excerpt_marks_the_same_words_on_both_engines():
    make_document(
        "Note", summary="Résumé sans rapport.", text="Les quartiers prioritaires de la politique de la ville."
    )
    excerpt = str(Document.objects.search("quartier prioritaire").get().excerpt)
    assert excerpt == (
        "Résumé sans rapport. Les <mark>quartiers</mark> <mark>prioritaires</mark> de la politique de la ville."
    )


def test_search_chains_with_visibility_and_filters(world):
    calais_document(world, title="Guide GUP Calais", type="guide", public=False, themes=["gup"])
    make_document("Guide GUP national", type="guide", date=datetime.date(2018, 5, 1), themes=["gup"])
    make_document("Étude GUP", type="etude")
    anonymous = type("Anon", (), {"is_authenticated": False})()
    assert titles(Document.objects.visible_to(anonymous).search("gup").filter(type="guide")) == ["Guide GUP national"]
    member = world.users["lecteur"]
    assert len(Document.objects.visible_to(member).search("gup")) == 3
    assert titles(Document.objects.visible_to(member).search("gup").for_territory("epci:200090751")) == [
        "Guide GUP Calais"
    ]
    assert titles(Document.objects.search("gup").filter(date__lt=datetime.date(2019, 1, 1))) == ["Guide GUP national"]


def test_index_follows_updates_and_deletes():
    doc = make_document("Ancien titre")
    doc.title = "Nouvel intitulé"
    doc.save()
    services.reindex_document(doc)
    assert titles(Document.objects.search("ancien")) == []
    assert titles(Document.objects.search("intitulé")) == ["Nouvel intitulé"]
    services.delete_document(doc, None)
    assert titles(Document.objects.search("intitulé")) == []


def test_rebuild_index_restores_every_document():
    make_document("Cohésion sociale")
    make_document("Emploi et développement économique")
    assert services.rebuild_index() == 2
    assert titles(Document.objects.search("cohésion")) == ["Cohésion sociale"]
    assert titles(Document.objects.search("économique")) == ["Emploi et développement économique"]


def test_empty_query_finds_nothing():
    make_document("Quelque chose")
    assert list(Document.objects.search("")) == []
    assert list(Document.objects.search("   ")) == []


def test_a_broad_query_is_ranked_over_every_match():
    # 1,200 recent weak matches and the best match, the oldest: a window of the most recent 1,000 matches
    # (the former design) would miss it and count 1,000.
    make_document("NPNRU NPNRU", summary="NPNRU", date=datetime.date(2015, 1, 1))
    Document.objects.bulk_create(
        Document(title=f"Compte rendu {i}", text="Un mot du NPNRU.", date=datetime.date(2024, 1, 1))
        for i in range(1200)
    )
    make_document("Sans rapport")
    services.rebuild_index()
    found = Document.objects.search("npnru")
    assert titles(found[:1]) == ["NPNRU NPNRU"]
    assert found.count() == 1201


def test_count_of_a_search_is_exact_and_follows_later_filters():
    make_document("Guide NPNRU", type="guide")
    make_document("Étude NPNRU", type="etude")
    make_document("Autre sujet", type="guide")
    found = Document.objects.search("npnru")
    assert found.count() == 2
    assert found.defer("text").count() == 2
    assert found.filter(type="guide").count() == 1
    assert found[:1].count() == 1


def test_reindex_command(capsys):
    from django.core.management import call_command

    make_document("Cohésion sociale")
    call_command("reindex-resources")
    assert "1 document(s) indexé(s)." in capsys.readouterr().out
    assert titles(Document.objects.search("cohesion")) == ["Cohésion sociale"]


def test_qpv_filter(world):
    doc = make_document("Fort Nieulay")
    doc.qpvs.add(world.qpv)
    make_document("Ailleurs")
    assert titles(Document.objects.for_territory(f"qpv:{world.qpv.code}")) == ["Fort Nieulay"]
    assert titles(Document.objects.for_territory("commune:62193")) == ["Fort Nieulay"]
