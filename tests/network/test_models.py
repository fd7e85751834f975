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
    # Animating is the animator organisation's (IREV) job; chefs de projet of the territory read.
    assert can(world.users["animateur"], "change", inside)
    assert not can(world.users["chef"], "change", inside) and can(world.users["chef"], "view", inside)
    assert not can(world.users["autre_chef"], "change", dunkerque) and can(world.users["autre_chef"], "view", dunkerque)
    assert not can(world.users["autre_chef"], "view", inside)
    assert can(world.users["chef"], "view", by_epci) and not can(world.users["chef"], "change", by_epci)
    # The délégué du préfet of the Pas-de-Calais reads its networks, not the Nord's.
    assert can(world.users["delegue"], "view", inside) and not can(world.users["delegue"], "change", inside)
    assert not can(world.users["delegue"], "view", dunkerque)
