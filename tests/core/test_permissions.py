"""The policy machinery (quartiers/core/permissions.py) and the declarations of every app's rules.py.

The central property: for every declared verb, `can(user, verb, obj)` on each object and
`visible_to(user, queryset, verb)` on the list answer the same thing, for the eight users of the world.
"""

import io

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import models
from django.test.utils import isolate_apps

from quartiers.accounts.scopes import Scope
from quartiers.contracts.models import Commitment, Contract
from quartiers.core import permissions
from quartiers.core.permissions import CHEF, can, declare, in_scope, signed_in, visible_to
from quartiers.gup.models import Report, TfpbAgreement, Walk
from quartiers.mobilisation.models import Company
from quartiers.network.models import Meeting, Network, PriorityAxis
from quartiers.renewal.models import Operation, Project
from quartiers.resources.models import Attachment, Digest, DigestItem, Document
from quartiers.territories.models import EPCI, QPV, Commune
from tests.contracts.helpers import bailleur_commitment, make_company, make_contract, state_commitment
from tests.gup import helpers as gup
from tests.network.helpers import make_axis, make_meeting, make_network
from tests.renewal.helpers import make_project
from tests.resources.helpers import attach_png, calais_document, make_digest, make_document
from tests.world import ROLES

MODELS = [
    EPCI,
    Commune,
    QPV,
    Contract,
    Commitment,
    Company,
    Project,
    Operation,
    Report,
    Walk,
    TfpbAgreement,
    Network,
    Meeting,
    PriorityAxis,
    Document,
    Attachment,
    Digest,
    DigestItem,
]


@pytest.fixture
def objects(world):
    """One object of each kind in this territory and, where it matters, one in another territory or private."""
    make_contract(world)
    bailleur_commitment(world)
    state_commitment(world)
    make_company(world)
    make_project(world)
    make_project(world, name="Projet de Dunkerque", qpv=world.qpv_dunkerque)
    gup.report(world)
    gup.walk(world)
    gup.agreement(world)
    make_meeting(world)
    make_meeting(world, organiser=world.orgs["bailleur"], title="Rencontre du bailleur")
    make_axis(world)
    Network.objects.create(slug="reseau-dunkerque", name="Réseau de Dunkerque").communes.add(world.dunkerque)
    make_document(title="Document public")
    attach_png(calais_document(world, public=False, title="Document de Calais"))
    make_document(public=False, title="Document de l'auteur", created_by=world.users["partenaire"]).communes.add(
        world.calais
    )
    make_digest(world)
    make_digest(world, public=False, slug="interne", author="agglo")
    return world


def _user(world, role):
    return world.users[role] or AnonymousUser()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.label)
def test_can_and_visible_to_agree(objects, model):
    rules = permissions.rules_for(model)
    rows = list(model.objects.all())
    assert rows, f"aucun {model._meta.label} dans le jeu de test"
    for verb in ("view", "change", "contribute", "delete"):
        if verb not in rules.verbs:
            continue
        for role in ROLES:
            user = _user(objects, role)
            listed = set(visible_to(user, model.objects.all(), verb).values_list("pk", flat=True))
            # A fresh user object for `can`: the membership caches must not hide a difference.
            fresh = _user(objects, role)
            allowed = {row.pk for row in rows if can(fresh, verb, row)}
            assert listed == allowed, f"{model._meta.label} {verb} {role}: liste {listed} ≠ can {allowed}"


def test_the_querysets_are_one_line_calls_to_visible_to(objects):
    chef = objects.users["chef"]
    assert set(Contract.objects.editable_by(chef)) == set(visible_to(chef, Contract.objects.all(), "change"))
    assert set(QPV.objects.contributable_by(chef)) == set(visible_to(chef, QPV.objects.all(), "contribute"))
    assert set(Meeting.objects.visible_to(chef)) == set(visible_to(chef, Meeting.objects.all()))
    # Chainable, both ways.
    assert Document.objects.filter(public=True).visible_to(AnonymousUser()).filter(title="Document public").exists()


def test_what_the_declarations_say(objects):
    w = objects
    chef, autre, partenaire, animateur, delegue = (
        w.users[r] for r in ("chef", "autre_chef", "partenaire", "animateur", "delegue")
    )
    calais_project = Project.objects.get(name="Projet de test")
    assert can(chef, "change", calais_project) and not can(autre, "change", calais_project)
    # The landlord changes its operations on its territory, not the project.
    operation = calais_project.operations.first()
    assert can(partenaire, "change", operation) and not can(partenaire, "change", calais_project)
    # The State's commitment: its délégué du préfet; the landlord's: not him.
    state = Commitment.objects.get(title="Renforcer les moyens de droit commun")
    delegate_org = state.organisation
    delegue.memberships.update(organisation=delegate_org)
    delegue = type(delegue).objects.get(pk=delegue.pk)
    assert can(delegue, "change", state)
    assert not can(delegue, "change", Commitment.objects.exclude(pk=state.pk).first())
    # The network: its animators steer it, a chef de projet of another territory does not even see it.
    network = make_network(w)
    assert can(animateur, "change", network) and not can(chef, "change", network)
    assert not can(autre, "view", network) and can(chef, "view", network.contacts)
    # A private document is for members; a public one for everyone.
    assert not can(AnonymousUser(), "view", Document.objects.get(title="Document de Calais"))
    assert can(AnonymousUser(), "view", Document.objects.get(title="Document public"))
    # Public reference data, even as a model.
    assert can(AnonymousUser(), "view", QPV) and not can(AnonymousUser(), "view", Contract)
    # A chef de projet grants memberships on his territory only.
    assert can(chef, "change", Scope("commune", w.calais.pk)) and not can(chef, "change", Scope("commune", "59183"))
    # Digests: the author organisation's animateurs.
    assert can(animateur, "change", Digest.objects.get(slug="actualite-pdv"))
    assert not can(animateur, "change", Digest.objects.get(slug="interne"))


def test_a_policy_object_without_rules_is_an_error(world):
    class Unknown:
        pass

    with pytest.raises(ImproperlyConfigured, match="Unknown : aucune règle déclarée"):
        can(world.users["chef"], "view", Unknown())


def test_a_verb_not_declared_is_an_error_not_a_default(world):
    # Scope declares only « change ».
    with pytest.raises(ImproperlyConfigured, match="aucune règle déclarée pour « delete »"):
        can(world.users["chef"], "delete", Scope("commune", "62193"))


@isolate_apps("quartiers.core")
def test_a_model_must_declare_view_create_change_and_delete():
    class Throwaway(models.Model):
        class Meta:
            app_label = "core"

        def __str__(self):
            return "jetable"

    with pytest.raises(ImproperlyConfigured, match="core.Throwaway : règles manquantes pour \\['create', 'delete'\\]"):
        declare(Throwaway, view=signed_in, change=in_scope(CHEF))
    assert Throwaway not in permissions.REGISTRY


def test_unknown_verb():
    with pytest.raises(ValueError):
        can(AnonymousUser(), "edit", None)


def test_quartiers_regles_prints_every_declaration():
    out = io.StringIO()
    call_command("regles", stdout=out)
    table = out.getvalue()
    for model in apps.get_models():
        if model.__module__.startswith("quartiers."):
            assert f"| {model._meta.label} |" in table
    assert (
        "| renewal.Operation | toute personne connectée | qui peut modifier « projet de renouvellement urbain » | "
        "chef de projet du territoire ou l'organisation propriétaire, sur son territoire |"
    ) in table
