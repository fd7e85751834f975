from quartiers.accounts.models import Organisation
from quartiers.gup import services
from quartiers.gup.models import ManagerArea, Status
from tests.factories import OrganisationFactory
from tests.gup import helpers as h

INSIDE = (1.875, 50.95)  # in the test square
OUTSIDE = (1.95, 50.99)


def test_whole_qpv_area_routes_its_categories(world):
    h.bailleur_area(world)
    routing = services.route("parties_communes", *INSIDE, world.qpv_beau_marais, world.calais)
    assert routing.manager == world.orgs["bailleur"] and not routing.to_coordinator
    # Another QPV of the same commune is not the landlord's.
    assert services.route("parties_communes", *INSIDE, world.qpv, world.calais).manager is None


def test_drawn_polygon_routes_points_inside_only(world):
    h.ville_area(world, categories=["eclairage"])
    h.coordination(world)
    inside = services.route("eclairage", *INSIDE, world.qpv, world.calais)
    assert inside.manager == world.orgs["agglo"] and not inside.to_coordinator
    outside = services.route("eclairage", *OUTSIDE, world.qpv, world.calais)
    assert outside.to_coordinator and "aucun gestionnaire" in outside.reason


def test_ambiguous_goes_to_the_coordinator(world):
    h.bailleur_area(world, categories=())  # the landlord takes every category in Beau Marais
    h.ville_area(world)  # and the ville every category in the square
    coordinator = OrganisationFactory(name="Ville de Calais — GUP (test)", kind=Organisation.Kind.COMMUNE)
    from quartiers.gup.models import Coordination

    Coordination.objects.create(commune=world.calais, organisation=coordinator)
    routing = services.route("voirie", *INSIDE, world.qpv_beau_marais, world.calais)
    assert routing.to_coordinator and routing.manager == coordinator
    assert "plusieurs gestionnaires" in routing.reason


def test_commune_coordination_wins_over_epci(world):
    h.coordination(world)  # EPCI level
    commune_coord = OrganisationFactory(name="Ville (test)", kind=Organisation.Kind.COMMUNE)
    from quartiers.gup.models import Coordination

    Coordination.objects.create(commune=world.calais, organisation=commune_coord)
    assert services.route("autre", *INSIDE, world.qpv, world.calais).manager == commune_coord


def test_created_report_is_transmitted_or_left_new(world):
    h.coordination(world)
    routed = h.report(world)
    assert routed.status == Status.TRANSMIS and routed.manager == world.orgs["bailleur"]
    assert routed.history.get().motif.startswith("Transmis automatiquement")
    orphan = h.report(world, category="eclairage", point=OUTSIDE)
    assert orphan.status == Status.NOUVEAU and orphan.routed_to_coordinator
    assert orphan.manager == world.orgs["agglo"]


def test_bad_polygon_is_refused(world):
    import pytest

    with pytest.raises(services.GupError, match="polygone"):
        services.polygon_from_geojson({"type": "Point", "coordinates": [1, 2]})
    assert not ManagerArea.objects.exists()


def test_point_outside_a_known_outline_is_refused(world):
    import pytest
    from shapely import wkb
    from shapely.geometry import shape

    world.qpv_beau_marais.outline_wkb = wkb.dumps(shape(h.SQUARE))
    world.qpv_beau_marais.save()
    with pytest.raises(services.GupError, match="en dehors du quartier"):
        h.report(world, point=OUTSIDE)
    assert h.report(world, point=INSIDE).pk
