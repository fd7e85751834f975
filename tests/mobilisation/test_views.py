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


def test_register_a_company_then_its_commitment(world, login):
    from quartiers.mobilisation.models import Company

    client = login(world.users["chef"])
    url = reverse("mobilisation:company_create")
    response = client.post(
        url, {"name": "Menuiserie fictive (test)", "commune": "62193", "siret": "123", "joined_on": "2019/07/01"}
    )
    page = _text_any(response)
    assert "Le SIREN a 9 chiffres, le SIRET 14." in page and "Date invalide" in page
    response = client.post(url, {"name": "Menuiserie fictive (test)", "commune": "99999"})
    assert "Aucune commune n'a le code INSEE 99999." in _text_any(response)
    response = client.post(url, {"name": "Bailleur social (test)", "commune": "62193"})
    assert "n'est pas une entreprise" in _text_any(response)
    assert not Company.objects.exists()
    client.post(url, {"name": "Menuiserie fictive (test)", "commune": "62193", "joined_on": "01/07/2019"})
    company = Company.objects.get()
    assert company.organisation.kind == "entreprise" and company.joined_on == dt.date(2019, 7, 1)
    response = client.post(url, {"name": "menuiserie fictive (TEST)", "commune": "62193"})
    assert "déjà enregistrée au PAQTE" in _text_any(response)
    make_contract(world)
    page = _text(client.get(reverse("mobilisation:company_detail", args=[company.pk])))
    assert "Enregistrer un engagement de l'entreprise" in page, page[page.find("<main") :][:3000]
    create = [line for line in page.split('"') if "?kind=paqte" in line][0]
    form_page = _text(client.get(create))
    assert f'<option value="{company.organisation_id}" selected>' in form_page


def test_company_in_another_territory_is_refused(world, login):
    from quartiers.mobilisation.models import Company

    response = login(world.users["autre_chef"]).post(
        reverse("mobilisation:company_create"), {"name": "Ailleurs (test)", "commune": "62193"}
    )
    assert response.status_code == 403 and not Company.objects.exists()


def _text_any(response):
    assert response.status_code == 400
    return html.unescape(response.content.decode())


def test_measure_page_offers_the_rollout_to_the_territory_chef(world, login):
    measure = measures()["cites-educatives"]
    contract = make_contract(world)
    url = reverse("mobilisation:measure_detail", args=[measure.code])
    page = _text(login(world.users["chef"]).get(url))
    link = reverse("contracts:commitment_create", args=[contract.pk]) + f"?kind=deploiement&measure={measure.pk}"
    assert link in page
    form_page = _text(login(world.users["chef"]).get(link))
    assert f'<option value="{measure.pk}" selected>' in form_page
    assert link not in _text(login(world.users["autre_chef"]).get(url))
