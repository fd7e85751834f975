"""Issue 12 §1: a chef de projet cannot give himself (or anyone) another territory's rights.

The escalation as reported: chef.dunkerque posts the invitation form with a Calais organisation and
his own e-mail (or the admin's), then edits Calais objects through the owner-organisation rule.
"""

import pytest
from django.core import mail
from django.urls import reverse

from quartiers.accounts.models import Membership, PendingMembership, User
from quartiers.contracts.models import Commitment
from quartiers.core.models import AuditEvent
from quartiers.core.permissions import can
from quartiers.renewal.models import Operation
from tests.contracts.helpers import make_commitment
from tests.renewal.helpers import first_operation


def _snapshot():
    return (
        sorted(
            Membership.objects.values_list("user_id", "organisation_id", "role", "scope_level", "scope_code", "active")
        ),
        PendingMembership.objects.count(),
        User.objects.count(),
        AuditEvent.objects.count(),
    )


def _calais_objects(world):
    commitment = make_commitment(world, organisation=world.orgs["agglo"], title="Engagement de l'agglomération")
    return commitment, first_operation(world)


def _assert_still_refused(client, world, commitment, operation):
    response = client.post(
        reverse("contracts:commitment_status", args=[commitment.pk]), {"status": "abandonne", "comment": "x"}
    )
    assert response.status_code == 403
    commitment.refresh_from_db()
    assert commitment.status != Commitment.Status.DROPPED
    response = client.post(
        reverse("renewal:operation_edit", args=[operation.pk]),
        {"status": "abandonnee", "progress": 0, "housing_units": 1, "cost": "1"},
    )
    assert response.status_code == 403
    operation.refresh_from_db()
    assert operation.status == "livree"


@pytest.mark.parametrize("org", ["agglo", "bailleur"])
@pytest.mark.parametrize("whose_email", ["autre_chef", "admin"])
def test_chef_dunkerque_cannot_grant_a_calais_organisation(world, login, org, whose_email):
    commitment, operation = _calais_objects(world)
    chef_dunkerque = world.users["autre_chef"]
    client = login(chef_dunkerque)
    before = _snapshot()
    response = client.post(
        reverse("accounts:invite"),
        {
            "email": world.users[whose_email].email,
            "organisation": world.orgs[org].pk,
            "role": "chef_de_projet",
            "territory": "epci:245900428",  # his own territory: the form offers it
        },
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert _snapshot() == before
    assert not mail.outbox
    _assert_still_refused(login(chef_dunkerque), world, commitment, operation)


def test_the_service_refuses_too_whatever_the_form(world):
    from quartiers.accounts import services

    chef_dunkerque = world.users["autre_chef"]
    before = _snapshot()
    base = {"role": "partenaire", "scope_level": "epci", "scope_code": "245900428", "base_url": "http://testserver/"}
    with pytest.raises(services.ServiceError, match="vous inviter vous-même"):
        services.invite(chef_dunkerque, email=chef_dunkerque.email, organisation=world.orgs["cud"], **base)
    with pytest.raises(services.ServiceError, match="au nom de « CA Grand Calais"):
        services.invite(chef_dunkerque, email="x@exemple.test", organisation=world.orgs["agglo"], **base)
    with pytest.raises(services.ServiceError, match="dépasse le vôtre"):
        services.invite(
            chef_dunkerque, email="x@exemple.test", organisation=world.orgs["cud"], **base | {"role": "administrateur"}
        )
    with pytest.raises(services.ServiceError, match="que vous animez"):
        services.invite(
            chef_dunkerque, email="x@exemple.test", organisation=world.orgs["cud"], **base | {"scope_code": "200090751"}
        )
    assert _snapshot() == before


def test_an_existing_account_is_not_changed_by_an_invitation(world, django_capture_on_commit_callbacks):
    """Even a legitimate invitation (the Calais chef, in his agglomération) only proposes to the admin."""
    from quartiers.accounts import services

    admin = world.users["admin"]
    memberships = list(admin.memberships.values_list("organisation_id", "role", "scope_code"))
    with django_capture_on_commit_callbacks(execute=True):
        services.invite(
            world.users["chef"],
            email=admin.email,
            organisation=world.orgs["agglo"],
            role="partenaire",
            scope_level="commune",
            scope_code="62193",
            base_url="http://testserver/",
        )
    assert list(admin.memberships.values_list("organisation_id", "role", "scope_code")) == memberships
    assert PendingMembership.objects.get().user == admin
    assert mail.outbox[0].to == [admin.email]


def test_owner_rule_checks_the_membership_territory(world, login):
    """A membership of the owner organisation on another territory does not edit its Calais objects."""
    commitment, operation = _calais_objects(world)
    chef_dunkerque = world.users["autre_chef"]
    # As if the old invitation had gone through: the landlord and the agglomération, on Dunkerque.
    for org in ("agglo", "bailleur"):
        Membership.objects.create(
            user=chef_dunkerque,
            organisation=world.orgs[org],
            role="partenaire",
            scope_level="epci",
            scope_code="245900428",
        )
    chef_dunkerque = User.objects.get(pk=chef_dunkerque.pk)  # no cached memberships
    assert not can(chef_dunkerque, "change", commitment)
    assert not can(chef_dunkerque, "change", operation)
    assert not Commitment.objects.editable_by(chef_dunkerque).filter(pk=commitment.pk).exists()
    assert not Operation.objects.editable_by(chef_dunkerque).filter(pk=operation.pk).exists()
    _assert_still_refused(login(chef_dunkerque), world, commitment, operation)
    # The same organisation's membership on Calais does.
    partner = world.users["partenaire"]
    assert can(partner, "change", operation)
    assert Operation.objects.editable_by(partner).filter(pk=operation.pk).exists()


def test_delegate_updates_the_state_commitments_of_his_departement_only(world, login):
    prefecture = world.orgs["prefecture"]
    calais = make_commitment(world, organisation=prefecture, title="Droit commun de l'État")
    bailleur = make_commitment(world, title="Engagement du bailleur")
    delegue = world.users["delegue"]
    assert can(delegue, "change", calais) and not can(delegue, "change", bailleur)
    assert set(Commitment.objects.editable_by(delegue)) == {calais}
    assert not can(delegue, "change", calais.contract)
    # A délégué of the Nord (another département) of the same préfecture organisation does not.
    nord = Membership.objects.create(
        user=User.objects.create_user("delegue.nord@exemple.test"),
        organisation=prefecture,
        role="delegue_prefet",
        scope_level="departement",
        scope_code="59",
    ).user
    assert not can(nord, "change", calais)
    assert not Commitment.objects.editable_by(nord).exists()
    client = login(delegue)
    response = client.post(reverse("contracts:commitment_status", args=[calais.pk]), {"status": "engage"})
    assert response.status_code == 302
    calais.refresh_from_db()
    assert calais.status == "engage"
    assert (
        client.post(reverse("contracts:commitment_status", args=[bailleur.pk]), {"status": "engage"}).status_code == 403
    )
