"""French wording: plurals (singular for 0 and 1), one display name per person."""

from pathlib import Path

import pytest
from django.template import Context, Template

import quartiers
from tests.factories import UserFactory


@pytest.mark.parametrize(
    "n,expected", [(0, "0 résultat"), (1, "1 résultat"), (2, "2 résultats"), (1500, "1500 résultats")]
)
def test_pluriel_is_singular_for_zero_and_one(n, expected):
    assert Template("{{ n }} résultat{{ n|pluriel }}").render(Context({"n": n})) == expected
    assert Template('{{ n|nombre:"résultat" }}').render(Context({"n": n})) == expected


def test_pluriel_counts_lists_and_irregular_endings():
    template = Template('{{ items|length }} journ{{ items|pluriel:"al,aux" }} ; commune{{ items|pluriel }}')
    assert template.render(Context({"items": [1]})) == "1 journal ; commune"
    assert template.render(Context({"items": [1, 2]})) == "2 journaux ; communes"


def test_no_template_uses_the_english_plural_rule():
    root = Path(quartiers.__file__).parent
    offenders = [str(p.relative_to(root)) for p in root.rglob("templates/**/*.*") if "|pluralize" in p.read_text()]
    assert offenders == []


def test_empty_gup_list_says_zero_signalement(world, login):
    html = login(world.users["lecteur"]).get("/gup/signalements/").content.decode()
    assert "0 signalement —" in html


def test_display_name_is_first_and_last_name_else_email(db):
    named = UserFactory(first_name=" Camille ", last_name="Durand")
    anonymous = UserFactory(first_name="", last_name="", email="sans.nom@exemple.test")
    assert named.display_name == "Camille Durand" == str(named)
    assert anonymous.display_name == "sans.nom@exemple.test" == str(anonymous)


def test_header_and_greeting_use_the_display_name(db, client):
    user = UserFactory(first_name="Camille", last_name="Durand")
    client.force_login(user)
    html = client.get("/").content.decode()
    assert "Bonjour Camille Durand" in html
    assert '<span class="visually-hidden">Mon compte : </span>Camille Durand</a>' in html


def test_counts_in_python_messages():
    from quartiers.core import wording

    assert wording.count(0, "invitation envoyée", "invitations envoyées") == "0 invitation envoyée"
    assert wording.count(1, "invitation envoyée") == "1 invitation envoyée"
    assert wording.count(3, "invitation envoyée") == "3 invitations envoyées"


def test_pluriel_reads_numeric_strings_and_decimals():
    from decimal import Decimal

    template = Template("{{ n }} logement{{ n|pluriel }}")
    assert [template.render(Context({"n": n})) for n in ("1", Decimal("1.5"), Decimal("2"), "abc")] == [
        "1 logement",
        "1,5 logement",  # French: singular below 2
        "2 logements",
        "abc logements",
    ]
