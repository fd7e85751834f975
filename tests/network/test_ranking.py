"""Ranking mode of the priority axes: each member orders the open axes, Borda count on the network page."""

import pytest
from django.urls import reverse

from quartiers.network import services
from quartiers.network.models import AxisRank, Network
from quartiers.network.services import NetworkError
from tests.network.helpers import SLUG, make_axis, make_network, member


@pytest.fixture
def ranked(world):
    network = make_network(world)
    services.set_vote_mode(network, Network.VoteMode.RANKING, None)
    axes = [make_axis(world, title=t) for t in ("Observer les QPV", "Réviser les contrats", "Suivre le NPNRU")]
    return network, axes


def _order(network):
    return [(a.title, a.borda_points) for a in network.axes.ranked(network.vote_mode)]


def test_borda_count_and_voters(world, ranked):
    network, (qpv, contrats, npnru) = ranked
    services.rank_axes(network, member(world, "chef"), [npnru.pk, qpv.pk, contrats.pk], None)
    services.rank_axes(network, member(world, "lecteur"), [npnru.pk, contrats.pk, qpv.pk], None)
    services.rank_axes(network, member(world, "partenaire"), [qpv.pk, npnru.pk, contrats.pk], None)
    # NPNRU 3+3+2, QPV 2+1+3, contrats 1+2+1
    assert _order(network) == [("Suivre le NPNRU", 8), ("Observer les QPV", 6), ("Réviser les contrats", 4)]
    assert services.voter_count(network) == 3


def test_a_new_ballot_replaces_the_previous_one(world, ranked):
    network, (qpv, contrats, npnru) = ranked
    chef = member(world, "chef")
    services.rank_axes(network, chef, [npnru.pk, qpv.pk, contrats.pk], None)
    services.rank_axes(network, chef, [contrats.pk, qpv.pk, npnru.pk], None)
    assert _order(network)[0] == ("Réviser les contrats", 3)
    assert AxisRank.objects.filter(member=chef).count() == 3
    assert services.voter_count(network) == 1
    services.withdraw_ranking(network, chef, None)
    assert services.voter_count(network) == 0


def test_closed_axes_are_not_ranked_and_come_last(world, ranked):
    network, (qpv, contrats, npnru) = ranked
    services.change_status(contrats, "abandonne", None)
    services.rank_axes(network, member(world, "chef"), [qpv.pk, npnru.pk], None)
    assert _order(network) == [("Observer les QPV", 2), ("Suivre le NPNRU", 1), ("Réviser les contrats", 0)]


@pytest.mark.parametrize(
    ("ballot", "message"),
    [
        (lambda a: [a[0].pk, a[1].pk], "Classez tous les axes ouverts"),
        (lambda a: [a[0].pk, a[0].pk, a[1].pk], "Chaque rang ne peut être donné qu'à un seul axe"),
        (lambda a: [a[0].pk, a[1].pk, a[2].pk, 99999], "Classez tous les axes ouverts"),
    ],
)
def test_bad_ballots_write_nothing(world, ranked, ballot, message):
    network, axes = ranked
    chef = member(world, "chef")
    services.rank_axes(network, chef, [a.pk for a in axes], None)
    with pytest.raises(NetworkError, match=message):
        services.rank_axes(network, chef, ballot(axes), None)
    assert list(AxisRank.objects.filter(member=chef).values_list("axis_id", flat=True).order_by("position")) == [
        a.pk for a in axes
    ]


def test_ranking_refused_in_support_mode_and_for_non_members(world, ranked):
    network, axes = ranked
    with pytest.raises(NetworkError, match="Seuls les membres du réseau"):
        services.rank_axes(network, None, [a.pk for a in axes], None)
    services.set_vote_mode(network, Network.VoteMode.SUPPORT, None)
    with pytest.raises(NetworkError, match="choisit ses axes par soutien"):
        services.rank_axes(network, member(world, "chef"), [a.pk for a in axes], None)
    with pytest.raises(NetworkError, match="Mode de choix des axes inconnu"):
        services.set_vote_mode(network, "tirage", None)


def test_ranking_page_saves_a_ballot_and_network_page_shows_the_result(world, login, ranked):
    network, (qpv, contrats, npnru) = ranked
    client = login(world.users["lecteur"])
    url = reverse("network:axis_ranking", args=[SLUG])
    response = client.post(url, {f"rang-{npnru.pk}": "1", f"rang-{qpv.pk}": "2", f"rang-{contrats.pk}": "3"})
    assert response.status_code == 302
    page = client.get(reverse("network:detail", args=[SLUG])).content.decode()
    assert "méthode de Borda : 1 votant ;" in page
    assert page.index("Suivre le NPNRU") < page.index("Observer les QPV") < page.index("Réviser les contrats")
    assert "3 points" in page


def test_ranking_page_repeated_rank_shows_a_french_error(world, login, ranked):
    network, (qpv, contrats, npnru) = ranked
    client = login(world.users["lecteur"])
    response = client.post(
        reverse("network:axis_ranking", args=[SLUG]),
        {f"rang-{npnru.pk}": "1", f"rang-{qpv.pk}": "1", f"rang-{contrats.pk}": "3"},
    )
    assert response.status_code == 200
    assert "vérifiez qu&#x27;aucun rang ne se répète" in response.content.decode()
    assert not AxisRank.objects.exists()


def test_support_mode_network_page_counts_supports(world, login):
    network = make_network(world)
    axis = make_axis(world)
    services.support(axis, member(world, "chef"), None)
    page = login(world.users["chef"]).get(reverse("network:detail", args=[network.slug])).content.decode()
    assert "1 soutien" in page and "Borda" not in page


def test_manager_switches_the_mode(world, login):
    network = make_network(world)
    login(world.users["animateur"]).post(reverse("network:vote_mode", args=[SLUG]), {"mode": "classement"})
    network.refresh_from_db()
    assert network.vote_mode == "classement"
