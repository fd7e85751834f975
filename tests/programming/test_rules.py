"""The rules of the programming (quartiers/programming/rules.py) for each role of tests/world.py, plus a second
structure's partner: a carrier's members see only their own dossiers, the chefs de projet of the contract's
territory see and instruct the whole call, a financer of the call reads it, nobody else sees anything."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from quartiers.core.permissions import can, visible_to
from quartiers.programming.models import Application, BudgetLine, Call, CallFinancer, Carrier
from tests.programming.helpers import balance, make_application
from tests.world import ROLES

EVERYONE = (*ROLES, "other_member")


def _user(world, role):
    user = world.extra["other_member"] if role == "other_member" else world.users[role]
    return user or AnonymousUser()


@pytest.fixture
def dossiers(prog):
    """Calais: one dossier of the bailleur, one of the other structure; Dunkerque: one of the bailleur."""
    mine = make_application(prog.extra["call"], prog.extra["carrier"], title="Dossier du bailleur")
    balance(mine, Decimal("100"), call_financer=prog.extra["state_financer"])
    theirs = make_application(prog.extra["call"], prog.extra["other_carrier"], title="Dossier voisin")
    balance(theirs)
    dunkerque = make_application(prog.extra["call_dk"], prog.extra["carrier"], title="Dossier à Dunkerque")
    prog.extra.update(mine=mine, theirs=theirs, dk=dunkerque)
    return prog


def _seen(world, role, verb="view"):
    titles = visible_to(_user(world, role), Application.objects.all(), verb).values_list("title", flat=True)
    return set(titles)


ALL_THREE = {"Dossier du bailleur", "Dossier voisin", "Dossier à Dunkerque"}
SEEN = {
    "anonyme": set(),
    "lecteur": set(),
    "animateur": set(),
    # The bailleur's partner: its own dossiers only (in both calls — the structure is not territorial).
    "partenaire": {"Dossier du bailleur", "Dossier à Dunkerque"},
    "other_member": {"Dossier voisin"},
    # The préfecture is a financer of the Calais call only.
    "delegue": {"Dossier du bailleur", "Dossier voisin"},
    "chef": {"Dossier du bailleur", "Dossier voisin"},
    "autre_chef": {"Dossier à Dunkerque"},
    "admin": ALL_THREE,
}
CHANGED = {
    **dict.fromkeys(EVERYONE, set()),
    "partenaire": {"Dossier du bailleur", "Dossier à Dunkerque"},
    "other_member": {"Dossier voisin"},
    "chef": {"Dossier du bailleur", "Dossier voisin"},
    "autre_chef": {"Dossier à Dunkerque"},
    "admin": ALL_THREE,
}
CONTRIBUTED = {
    **dict.fromkeys(EVERYONE, set()),
    "partenaire": {"Dossier du bailleur", "Dossier à Dunkerque"},
    "other_member": {"Dossier voisin"},
    "admin": ALL_THREE,
}


@pytest.mark.parametrize("role", EVERYONE)
def test_who_sees_changes_and_acts_for_which_dossier(dossiers, role):
    assert _seen(dossiers, role) == SEEN[role]
    assert _seen(dossiers, role, "change") == CHANGED[role]
    assert _seen(dossiers, role, "contribute") == CONTRIBUTED[role]


@pytest.mark.parametrize("role", EVERYONE)
def test_budget_lines_follow_their_dossier(dossiers, role):
    lines = visible_to(_user(dossiers, role), BudgetLine.objects.all())
    assert set(lines.values_list("application__title", flat=True)) == SEEN[role] - {"Dossier à Dunkerque"}


@pytest.mark.parametrize("role", EVERYONE)
def test_carriers_seen_by_their_members_the_chefs_and_whoever_sees_a_dossier(dossiers, role):
    seen = set(visible_to(_user(dossiers, role), Carrier.objects.all()).values_list("name", flat=True))
    expected = {
        "partenaire": {"Bailleur social (porteur)"},
        "other_member": {"Association voisine"},
        "delegue": {"Bailleur social (porteur)", "Association voisine"},
        "chef": {"Bailleur social (porteur)", "Association voisine"},
        "autre_chef": {"Bailleur social (porteur)", "Association voisine"},  # chefs de projet keep the register
        "admin": {"Bailleur social (porteur)", "Association voisine"},
    }.get(role, set())
    assert seen == expected
    changed = set(visible_to(_user(dossiers, role), Carrier.objects.all(), "change").values_list("name", flat=True))
    assert changed == {
        "partenaire": {"Bailleur social (porteur)"},
        "other_member": {"Association voisine"},
        "chef": {"Bailleur social (porteur)", "Association voisine"},
        "autre_chef": {"Bailleur social (porteur)"},  # it instructs the bailleur's Dunkerque dossier
        "admin": {"Bailleur social (porteur)", "Association voisine"},
    }.get(role, set())


def test_calls_are_read_by_everyone_signed_in_and_steered_by_their_territory(dossiers):
    calais, dk = dossiers.extra["call"], dossiers.extra["call_dk"]
    assert not can(AnonymousUser(), "view", calais)
    assert can(dossiers.users["lecteur"], "view", calais)
    assert can(dossiers.users["chef"], "change", calais) and not can(dossiers.users["chef"], "change", dk)
    assert can(dossiers.users["autre_chef"], "change", dk) and not can(dossiers.users["autre_chef"], "change", calais)
    assert not can(dossiers.users["partenaire"], "change", calais)
    steered = CallFinancer.objects.editable_by(dossiers.users["autre_chef"])
    assert not steered.exists()
    assert set(Call.objects.editable_by(dossiers.users["chef"])) == {calais}


def test_creating_and_deleting_a_dossier(dossiers):
    partner, other = dossiers.users["partenaire"], dossiers.extra["other_member"]
    new = Application(call=dossiers.extra["call"], carrier=dossiers.extra["carrier"], title="Nouveau")
    assert can(partner, "create", new) and not can(other, "create", new)
    assert not can(dossiers.users["chef"], "create", new)
    mine = dossiers.extra["mine"]
    assert can(partner, "delete", mine) and not can(other, "delete", mine)
    mine.status = Application.Status.SUBMITTED
    mine.save()
    assert not can(partner, "delete", mine)  # a submitted dossier is no longer the carrier's to delete


@pytest.mark.parametrize("model", [Call, CallFinancer, Carrier, Application, BudgetLine], ids=lambda m: m._meta.label)
def test_can_and_visible_to_agree(dossiers, model):
    from quartiers.core.permissions import rules_for

    rows = list(model.objects.all())
    assert rows
    for verb in ("view", "change", "contribute", "delete"):
        if verb not in rules_for(model).verbs:
            continue
        for role in EVERYONE:
            listed = set(visible_to(_user(dossiers, role), model.objects.all(), verb).values_list("pk", flat=True))
            allowed = {row.pk for row in rows if can(_user(dossiers, role), verb, row)}
            assert listed == allowed, f"{model._meta.label} {verb} {role}: liste {listed} ≠ can {allowed}"


def test_quartiers_regles_prints_the_programming_declarations():
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("regles", "--modele", "programming.", stdout=out)
    text = out.getvalue()
    for label in ("programming.Call", "programming.CallFinancer", "programming.Carrier", "programming.Application"):
        assert f"| {label} |" in text
    assert "les membres de la structure porteuse" in text
