from io import StringIO

from django.contrib.auth import authenticate

from quartiers.accounts import demo
from quartiers.accounts.models import Membership, Organisation, User
from quartiers.core.permissions import ROLE_CHOICES


def _counts():
    return Organisation.objects.count(), User.objects.count(), Membership.objects.count()


def test_demo_is_idempotent_and_prints_the_accounts(db):
    out = StringIO()
    demo.load_demo(StringIO())
    demo.print_accounts(out)
    first = _counts()
    demo.load_demo(StringIO())
    assert _counts() == first
    assert first == (7, 7, 7)
    text = out.getvalue()
    assert "chef.calais@quartiers.example" in text and demo.DEMO_PASSWORD in text
    # One account per role, each able to log in with the printed password.
    assert set(Membership.objects.values_list("role", flat=True)) == {role for role, _ in ROLE_CHOICES}
    lines = text.splitlines()
    assert len(lines) == 9 and "Chef de projet (EPCI 200090751)" in text
    for email, password, *_ in (line.split() for line in lines[2:]):
        assert authenticate(username=email, password=password) is not None


def test_demo_scopes_follow_the_seed_story(db):
    demo.load_demo(StringIO())
    chef = Membership.objects.get(user__email="chef.calais@quartiers.example")
    assert (chef.role, chef.scope_level, chef.scope_code) == ("chef_de_projet", "epci", "200090751")
    partner = Membership.objects.get(user__email="bailleur.calais@quartiers.example")
    assert (partner.organisation.name, partner.role, partner.scope_code) == (
        "Pas-de-Calais habitat",
        "partenaire",
        "200090751",
    )
    assert Membership.objects.get(user__email="lecteur@quartiers.example").scope_key == "region:32"
    assert Membership.objects.get(user__email="chef.dunkerque@quartiers.example").scope_key == "epci:245900428"
    delegate = Membership.objects.get(user__email="delegue@quartiers.example")
    assert (delegate.organisation.name, delegate.role, delegate.scope_key) == (
        "Préfecture du Pas-de-Calais",
        "delegue_prefet",
        "departement:62",
    )
    animator = Membership.objects.get(user__email="animateur@quartiers.example")
    assert (animator.organisation.name[:4], animator.role) == ("IREV", "animateur")
    assert "Délégué du préfet (Département 62)" in _printed()
    assert "Animateur (centre de ressources) (Région 32)" in _printed()


def _printed():
    out = StringIO()
    demo.print_accounts(out)
    return out.getvalue()


def test_demo_keeps_a_password_the_user_changed(db):
    demo.load_demo(StringIO())
    user = User.objects.get(email="admin@quartiers.example")
    user.set_password("un autre mot de passe")
    user.save()
    demo.load_demo(StringIO())
    user.refresh_from_db()
    assert user.check_password("un autre mot de passe")
