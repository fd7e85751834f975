from quartiers.network.models import Theme


def test_standard_themes_are_loaded(db):
    assert Theme.objects.filter(slug="npnru").exists()


def test_querysets_agree_with_the_policy(world):
    from quartiers.core.permissions import can
    from quartiers.network.models import Network
    from tests.network.helpers import make_network

    inside = make_network(world)
    dunkerque = Network.objects.create(name="Réseau de Dunkerque", slug="dk")
    dunkerque.communes.add(world.dunkerque)
    by_epci = Network.objects.create(name="Réseau par EPCI", slug="epci")
    by_epci.epcis.add(world.grand_calais)
    for role, user in world.users.items():
        for network in (inside, dunkerque, by_epci):
            visible = Network.objects.visible_to(user).filter(pk=network.pk).exists()
            editable = Network.objects.editable_by(user).filter(pk=network.pk).exists()
            assert visible == can(user, "view", network), (role, network.slug)
            assert editable == can(user, "change", network), (role, network.slug)
    assert can(world.users["autre_chef"], "change", dunkerque)
    assert not can(world.users["autre_chef"], "view", inside)
    assert can(world.users["chef"], "change", by_epci)
