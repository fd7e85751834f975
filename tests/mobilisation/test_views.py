import datetime as dt
import html

from django.urls import reverse

from quartiers.contracts import services
from quartiers.mobilisation.catalogue import MEASURES, seed_measures
from quartiers.mobilisation.models import Measure
from tests.contracts.helpers import make_company, make_contract, measures


def _text(response):
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_catalogue_is_seeded_idempotently(db):
    assert seed_measures() == len(MEASURES)
    assert seed_measures() == 0
    assert not Measure.objects.get(code="cites-educatives").summable
    assert Measure.objects.get(code="emplois-francs").summable


def _rollout(world, code, value):
    measure = measures()[code]
    contract = make_contract(world)
    c = services.create_commitment(
        None,
        contract,
        kind="deploiement",
        measure=measure,
        organisation=world.orgs["agglo"],
        title=f"Déployer {measure.title}",
        indicator={
            "label": measure.indicator_label,
            "unit": measure.indicator_unit,
            "target": 200,
            "summable": measure.summable,
        },
    )
    services.record_measurement(None, c.indicators.get(), measured_on=dt.date(2025, 12, 31), value=value)
    return c


def test_index_and_measure_pages(world, login):
    _rollout(world, "emplois-francs", "97")
    client = login(world.users["lecteur"])
    page = _text(client.get(reverse("mobilisation:index")))
    assert "Dédoublement des classes de CP et de CE1 en REP et REP+" in page
    page = _text(client.get(reverse("mobilisation:measure_detail", args=["emplois-francs"])))
    assert "Déployer Emplois francs" in page and "97 embauches" in page


def test_consolidation_page_and_export(world, login):
    _rollout(world, "emplois-francs", "97")
    _rollout(world, "cites-educatives", "60")
    client = login(world.users["lecteur"])
    page = _text(client.get(reverse("mobilisation:consolidation") + "?region=32"))
    assert "Contrat de ville de Calais (test)" in page
    assert "non additionnable" in page  # cités éducatives: a rate
    assert "Postes FONJEP financés en 2025" in page
    csv = client.get(reverse("mobilisation:consolidation") + "?region=32&format=csv").content.decode("utf-8-sig")
    header, row = csv.splitlines()[:2]
    assert "Emplois francs — embauches" in header
    assert "CN06207M" in row and "97" in row
    assert "Postes adultes-relais financés 2025 (ANCT)" in header
    assert client.get(reverse("mobilisation:consolidation") + "?region=99").status_code == 404


def test_company_page_groups_by_axis(world, login):
    company = make_company(world)
    contract = make_contract(world)
    c = services.create_commitment(
        None,
        contract,
        kind="paqte",
        paqte_axis="sensibiliser",
        organisation=company.organisation,
        title="Accueillir des collégiens en stage",
        indicator={"label": "Stages", "unit": "stages", "target": 20},
    )
    services.record_measurement(None, c.indicators.get(), measured_on=dt.date(2025, 1, 31), value="12")
    client = login(world.users["lecteur"])
    page = _text(client.get(reverse("mobilisation:companies")))
    assert "Entreprise fictive (test)" in page
    page = _text(client.get(reverse("mobilisation:company_detail", args=[company.pk])))
    assert "Accueillir des collégiens en stage" in page and "12 stages" in page
    assert "Aucun engagement sur cet axe." in page  # former / recruter / acheter
    assert "Contrat de ville de Calais (test)" in page
