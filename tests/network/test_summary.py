"""The network page's shared part is cached per data version: a second reading runs fewer queries, and every
write — through a service, an admin save, a link to a territory, a ballot — shows on the next reading."""

import re
import time
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quartiers.network import services
from quartiers.network.models import Network, NetworkMember
from tests.network.helpers import SLUG, make_axis, make_meeting, make_network, member

URL = reverse("network:detail", args=[SLUG])


def _page(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


def test_the_shared_part_is_read_from_the_cache(world, login):
    make_meeting(world, title="Rencontre de printemps")
    make_axis(world)
    client = login(world.users["chef"])
    first, cold = _page(client)
    second, warm = _page(client)
    csrf = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
    assert csrf.sub("", second) == csrf.sub("", first)
    assert warm < cold, f"{warm} requêtes avec le cache, {cold} sans"


def test_a_registration_shows_at_once(world, login):
    meeting = make_meeting(world, title="Rencontre de printemps", capacity=10)
    client = login(world.users["chef"])
    assert "0 / 10" in _page(client)[0]
    services.register(meeting, member(world, "lecteur"), world.users["lecteur"])
    assert "1 / 10" in _page(client)[0]
    services.unregister(meeting, member(world, "lecteur"), world.users["lecteur"])
    assert "0 / 10" in _page(client)[0]


def test_axes_support_status_and_ballots_show_at_once(world, login):
    axis = make_axis(world, title="Observer ensemble les QPV")
    client = login(world.users["chef"])
    assert "0 soutien" in _page(client)[0]
    services.support(axis, member(world, "chef"), world.users["chef"])
    assert "1 soutien" in _page(client)[0]
    services.change_status(axis, "retenu", world.users["animateur"])
    assert "Retenu" in _page(client)[0]
    network = make_network(world)
    services.set_vote_mode(network, "classement", world.users["animateur"])
    assert "0 votant" in _page(client)[0]
    services.rank_axes(network, member(world, "chef"), [axis.pk], world.users["chef"])  # a bulk_create
    page = _page(client)[0]
    assert "1 votant" in page and "1 point" in page


def test_members_territories_and_edits_without_a_service_show_at_once(world, login):
    network = make_network(world)
    meeting = make_meeting(world, title="Rencontre de printemps")
    client = login(world.users["chef"])
    page = _page(client)[0]
    assert "3 membres" in page and "Dunkerque" not in page
    NetworkMember.objects.create(network=network, full_name="Nouveau Membre")
    network.communes.add(world.dunkerque)
    meeting.title = "Rencontre d'été"
    meeting.save()  # as the admin site does
    page = _page(client)[0]
    assert "4 membres" in page and "Dunkerque" in page and "Rencontre d&#x27;été" in page
    world.dunkerque.networks.remove(network)  # from the other side of the link
    assert "Dunkerque" not in _page(client)[0]


def test_a_stale_network_row_saved_whole_does_not_bring_back_an_old_page(world, login):
    network = make_network(world)
    stale = Network.objects.get(pk=network.pk)
    client = login(world.users["chef"])
    _page(client)
    NetworkMember.objects.create(network=network, full_name="Nouveau Membre")
    assert "4 membres" in _page(client)[0]
    stale.save()  # writes back the version read before the new member
    assert "4 membres" in _page(client)[0]


def test_a_meeting_that_starts_moves_to_the_past_meetings(world, login):
    meeting = make_meeting(world, title="Rencontre imminente")
    meeting.starts_at = timezone.now() + timedelta(seconds=1.5)
    meeting.save()
    client = login(world.users["chef"])
    page = _page(client)[0]
    assert page.index("Rencontre imminente") < page.index("Rencontres passées")
    time.sleep(2)
    page = _page(client)[0]
    assert page.index("Rencontre imminente") > page.index("Rencontres passées")
