import re
from datetime import date
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from quartiers.renewal.models import Milestone, Operation, Project, RehousingSnapshot
from tests.renewal.helpers import make_project


@pytest.mark.django_db
def test_create_project_then_operation(world, login):
    client = login(world.users["chef"])
    response = client.post(
        reverse("renewal:project_create"),
        {
            "name": "PRU Fort Nieulay",
            "qpv": world.qpv.pk,
            "interest": "regional",
            "owner": world.orgs["agglo"].pk,
        },
    )
    project = Project.objects.get(name="PRU Fort Nieulay")
    assert response["Location"] == reverse("renewal:project_detail", args=[project.pk])
    response = client.post(
        reverse("renewal:operation_create", args=[project.pk]),
        {
            "family": "demolition",
            "title": "Démolition tour A",
            "maitre_ouvrage": world.orgs["bailleur"].pk,
            "housing_units": "80",
            "inside_qpv": "on",
            "cost": "2400000",
            "status": "prevue",
            "progress": "0",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("renewal:project_detail", args=[project.pk])).content.decode()
    assert "Démolition tour A" in page and "Reste à reconstituer" in page


@pytest.mark.django_db
def test_chef_of_another_territory_cannot_pick_this_qpv(world, login):
    response = login(world.users["autre_chef"]).post(
        reverse("renewal:project_create"),
        {
            "name": "Intrus",
            "qpv": world.qpv.pk,
            "interest": "regional",
            "owner": world.orgs["cud"].pk,
        },
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Project.objects.filter(name="Intrus").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data, message",
    [
        ({"progress": "150"}, "pourcentage entre 0 et 100"),
        ({"lon": "2.0"}, "longitude et la latitude, ou aucune"),
        ({"lon": "200", "lat": "50"}, "Coordonnées invalides"),
        ({"cost": "beaucoup"}, "Saisissez un nombre"),
    ],
)
def test_operation_bad_input_is_refused_and_nothing_changes(world, login, data, message):
    op = make_project(world).operations.get(family="demolition")
    payload = {
        "family": "demolition",
        "title": "Démolition test",
        "maitre_ouvrage": world.orgs["bailleur"].pk,
        "housing_units": "100",
        "cost": "3000000",
        "status": "livree",
        "progress": "100",
        **data,
    }
    response = login(world.users["chef"]).post(reverse("renewal:operation_edit", args=[op.pk]), payload)
    assert response.status_code == 200
    assert message in response.content.decode()
    op.refresh_from_db()
    assert op.cost == Decimal("3000000") and op.progress == 100 and op.lon is None


@pytest.mark.django_db
def test_owner_partner_updates_progress_only(world, login):
    op = make_project(world).operations.get(family="requalification")
    response = login(world.users["partenaire"]).post(
        reverse("renewal:operation_edit", args=[op.pk]),
        {
            "status": "en_cours",
            "progress": "40",
            "housing_units": "80",
            "cost": "0",
            "title": "Renommée",
        },
    )
    assert response.status_code == 302
    op.refresh_from_db()
    assert (op.status, op.progress, op.title) == ("en_cours", 40, "Requalification test")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data, message",
    [
        ({"rehoused": "12"}, "plus de ménages relogés que de ménages à reloger"),
        ({"in_qpv": "4", "out_qpv": "4"}, "la somme dépasse"),
        ({"as_of": "31/02/2026"}, "Saisissez une date valide"),
    ],
)
def test_rehousing_bad_input(world, login, data, message):
    project = make_project(world)
    payload = {
        "as_of": "2026-09-30",
        "to_rehouse": "10",
        "rehoused": "5",
        "in_qpv": "2",
        "out_qpv": "3",
        "new_housing": "1",
        "older_housing": "4",
        **data,
    }
    response = login(world.users["chef"]).post(reverse("renewal:rehousing_add", args=[project.pk]), payload)
    assert message in response.content.decode()
    assert not RehousingSnapshot.objects.exists()


@pytest.mark.django_db
def test_funding_paid_cannot_exceed_committed(world, login):
    op = make_project(world).operations.get(family="demolition")
    response = login(world.users["chef"]).post(
        reverse("renewal:funding_add", args=[op.pk]),
        {
            "financer": "autre",
            "amount": "100",
            "committed": "10",
            "paid": "50",
        },
    )
    assert "ne peut pas dépasser le montant engagé" in response.content.decode()
    assert op.funding.count() == 1


@pytest.mark.django_db
def test_index_query_count_does_not_grow(world, login, django_assert_max_num_queries):
    client = login(world.users["lecteur"])
    make_project(world, name="Un")
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("renewal:index"))
    for i in range(15):
        make_project(world, name=f"Projet {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("renewal:index"))
    assert response.content.decode().count("Projet ") >= 15


@pytest.mark.django_db
def test_project_detail_query_count_does_not_grow(world, login, django_assert_max_num_queries):
    client = login(world.users["lecteur"])
    project = make_project(world)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("renewal:project_detail", args=[project.pk]))
    for i in range(20):
        Operation.objects.create(
            project=project, family="equipements", title=f"Équipement {i}", maitre_ouvrage=world.orgs["agglo"]
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("renewal:project_detail", args=[project.pk]))


@pytest.mark.django_db
def test_exports_neutralise_and_format(world, login):
    project = make_project(world)
    Operation.objects.create(
        project=project, family="ingenierie", title="=HYPERLINK(1)", maitre_ouvrage=world.orgs["agglo"]
    )
    client = login(world.users["lecteur"])
    csv = client.get(reverse("renewal:project_operations_export", args=[project.pk]) + "?format=csv").content
    assert csv.startswith(b"\xef\xbb\xbf") and b";'=HYPERLINK(1);" in csv
    bad = client.get(reverse("renewal:project_operations_export", args=[project.pk]) + "?format=pdf")
    assert bad.status_code == 400


@pytest.mark.django_db
def test_gantt_page_draws_bars(world, login):
    project = make_project(world)
    page = login(world.users["lecteur"]).get(reverse("renewal:project_gantt", args=[project.pk])).content.decode()
    assert "<rect" in page and "retard" in page


@pytest.mark.django_db
def test_gantt_svg_coordinates_are_floats_the_browser_can_read(world, login):
    """Under the French locale a float renders « 92,7 »: the browser drops such a rect and the chart is blank."""
    project = make_project(world)
    requalification = project.operations.get(family="requalification")
    Milestone.objects.create(operation=requalification, label="Études", planned_date=date(2021, 5, 17))
    Milestone.objects.create(operation=requalification, label="Chantier", planned_date=date(2023, 9, 3))
    page = login(world.users["lecteur"]).get(reverse("renewal:project_gantt", args=[project.pk])).content.decode()
    svgs = re.findall(r"<svg\b.*?</svg>", page, re.S)
    assert len(svgs) == project.operations.count()
    bars = 0
    for svg in svgs:
        root = ElementTree.fromstring(svg)  # well-formed XML, as a browser's SVG parser wants it
        width = float(root.get("width"))
        for rect in root.iter("rect"):
            x, w = float(rect.get("x")), float(rect.get("width"))  # « 92,7 » raises ValueError
            assert 0 <= x <= width and 0 < w and x + w <= width + 3
            bars += 1
        for line in root.iter("line"):
            assert 0 <= float(line.get("x1")) == float(line.get("x2")) <= width
    assert bars >= 2
    assert any("." in rect for rect in re.findall(r'<rect x="([^"]+)"', page))  # a fractional coordinate was drawn


@pytest.mark.django_db
def test_qpv_fiche_links_to_its_projects(world, login):
    project = make_project(world)
    url = reverse("territories:qpv_detail", args=[world.qpv_beau_marais.code])
    page = login(world.users["lecteur"]).get(url).content.decode()
    assert reverse("renewal:project_detail", args=[project.pk]) in page
    anonymous = login(None).get(url).content.decode()
    assert reverse("renewal:project_detail", args=[project.pk]) not in anonymous
