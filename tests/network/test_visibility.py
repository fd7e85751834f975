"""network/visibility.py: the cached ids of the visible networks agree with the policy for every role, and a change
of members, animator or territories, or of the user's memberships, is seen at once (no stale cache)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from quartiers.core.permissions import visible_to
from quartiers.network.apps import qpv_links
from quartiers.network.models import Meeting, Network, NetworkMember
from quartiers.network.visibility import visible_network_ids
from tests.factories import MembershipFactory
from tests.network.helpers import make_meeting, make_network
from tests.world import ROLES


def _policy(user):
    return frozenset(visible_to(user, Network.objects.all()).values_list("pk", flat=True))


def _user(w, role):
    return AnonymousUser() if role == "anonyme" else w.users[role]


@pytest.mark.parametrize("role", ROLES)
def test_same_networks_as_the_policy_for_every_role(world, role):
    make_network(world)
    Network.objects.create(slug="autre", name="Réseau sans Calais")
    user = _user(world, role)
    assert visible_network_ids(user) == _policy(user)
    assert visible_network_ids(user) == _policy(user)  # from the cache, still the same


def test_a_new_member_sees_the_network_at_once(world):
    network = make_network(world)
    outsider = world.users["autre_chef"]
    assert network.pk not in visible_network_ids(outsider)
    NetworkMember.objects.create(network=network, user=outsider, full_name="Chef de Dunkerque", email="dk@x.test")
    outsider = type(outsider).objects.get(pk=outsider.pk)  # a new request
    assert network.pk in visible_network_ids(outsider)


def test_a_network_leaving_the_territory_is_hidden_at_once(world):
    network = make_network(world)
    delegue = world.users["delegue"]
    assert network.pk in visible_network_ids(delegue)
    network.communes.clear()
    network.epcis.clear()
    delegue = type(delegue).objects.get(pk=delegue.pk)
    assert network.pk not in visible_network_ids(delegue) == _policy(delegue)


def test_a_new_membership_of_the_user_is_seen_at_once(world):
    network = make_network(world)
    outsider = world.users["autre_chef"]
    assert network.pk not in visible_network_ids(outsider)
    MembershipFactory(user=outsider, role="chef_de_projet", scope_level="epci", scope_code="200090751")
    outsider = type(outsider).objects.get(pk=outsider.pk)
    assert network.pk in visible_network_ids(outsider)


@pytest.mark.parametrize("role", ROLES)
def test_fiche_links_are_the_meetings_the_policy_shows(world, role):
    meeting = make_meeting(world)
    item = meeting.agenda_items.create(title="État des QPV", position=1)
    item.qpvs.add(world.qpv)
    user = _user(world, role)
    expected = Meeting.objects.visible_to(user).filter(agenda_items__qpvs=world.qpv).exists()
    assert bool(qpv_links(world.qpv, user)) == expected
