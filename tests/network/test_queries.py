"""List pages run the same number of queries with few and with many rows."""

from itertools import count

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quartiers.network import services
from quartiers.network.models import AgendaItem, NetworkMember, Registration
from tests.network.helpers import SLUG, make_axis, make_meeting, make_network

_numbers = count(1)


def _grow(world, n, meeting=None):
    """n more members, upcoming and past meetings with registrations and agenda items, supported axes."""
    network = make_network(world)
    for _ in range(n):
        i = next(_numbers)
        extra = NetworkMember.objects.create(
            network=network,
            full_name=f"Membre {i}",
            organisation=world.orgs["cud"],
            commune=world.calais,
            email=f"m{i}@exemple.test",
        )
        upcoming = meeting or make_meeting(world, days=5 + i, title=f"À venir {i}")
        past = make_meeting(world, days=-5 - i, title=f"Passée {i}")
        Registration.objects.create(meeting=upcoming, member=extra)
        Registration.objects.create(meeting=past, member=extra, status="attente")
        item = AgendaItem.objects.create(meeting=upcoming, title=f"Point {i}")
        item.themes.add("npnru")
        item.qpvs.add(world.qpv)
        services.support(make_axis(world, title=f"Axe {i}", meeting=past), extra, None)


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _assert_constant(world, login, url_name, args=(), query="", meeting=None, role="chef"):
    client = login(world.users[role])
    _grow(world, 2, meeting)
    few = _queries(client, reverse(url_name, args=args) + query)
    _grow(world, 15, meeting)
    many = _queries(client, reverse(url_name, args=args) + query)
    assert few == many, f"{url_name} : {few} requêtes avec peu de lignes, {many} avec beaucoup"


def test_directory_query_count(world, login):
    _assert_constant(world, login, "network:directory", [SLUG])


def test_filtered_directory_query_count(world, login):
    _assert_constant(world, login, "network:directory", [SLUG], "?type=epci&q=membre&territoire=commune:62193")


def test_meeting_list_query_count(world, login):
    _assert_constant(world, login, "network:meeting_list", [SLUG])


def test_network_page_query_count(world, login):
    _assert_constant(world, login, "network:detail", [SLUG])


def test_index_query_count(world, login):
    _assert_constant(world, login, "network:index")


def test_meeting_page_query_count(world, login):
    meeting = make_meeting(world)
    _assert_constant(world, login, "network:meeting_detail", [meeting.pk], meeting=meeting)


def test_attendance_query_count(world, login):
    meeting = make_meeting(world)
    _assert_constant(world, login, "network:attendance", [meeting.pk], meeting=meeting, role="animateur")


def test_meeting_list_filtered_by_theme_query_count(world, login):
    _assert_constant(world, login, "network:meeting_list", [SLUG], "?theme=npnru")


def test_axis_ranking_page_query_count(world, login):
    from quartiers.network.models import Network

    Network.objects.filter(pk=make_network(world).pk).update(vote_mode="classement")
    _assert_constant(world, login, "network:axis_ranking", [SLUG])


def test_ranked_network_page_query_count(world, login):
    from quartiers.network.models import Network

    Network.objects.filter(pk=make_network(world).pk).update(vote_mode="classement")
    _assert_constant(world, login, "network:detail", [SLUG])
