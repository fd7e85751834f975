"""The calls pages and the register of carriers: index (query count constant), call form (calendar in order,
priorities of the contract), financers with decimal-comma envelopes, carriers with SIRET / RNA checks."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quartiers.core.models import AuditEvent
from quartiers.programming.models import Call, CallFinancer, Carrier
from tests.programming import space
from tests.programming.helpers import LA_POSTE_SIRET, make_application, make_call

pytestmark = pytest.mark.django_db


def _call_post(prog, **extra):
    return {
        "contract": prog.extra["calais_contract"].pk,
        "year": "2027",
        "title": "Appel à projets 2027",
        "rules": "Les actions en **QPV** d'abord.",
        "priorities": [prog.extra["objective"].pk],
        "opens_on": "01/10/2026",
        "closes_on": "30/11/2026",
        "technical_committee_on": "15/01/2027",
        "steering_committee_on": "10/02/2027",
        **extra,
    }


def test_index_queries_stay_constant(prog, login, django_assert_num_queries):
    client = login(prog.users["chef"])
    space.mine(prog)
    client.get(reverse("programming:index"))  # warm caches (session, memberships)
    with CaptureQueriesContext(connection) as first:
        response = client.get(reverse("programming:index"))
    assert response.status_code == 200
    for n in range(5):
        call = make_call(prog.extra["calais_contract"], title=f"Appel {n}")
        make_application(call, prog.extra["carrier"], title=f"Action {n}")
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(reverse("programming:index"))
    assert response.content.decode().count("Appel ") >= 5


def test_index_shows_my_dossiers_and_open_calls(prog, login):
    space.open_call(prog)
    space.mine(prog)
    space.theirs(prog)
    page = login(prog.users["partenaire"]).get(reverse("programming:index")).content.decode()
    assert "Mes dossiers" in page and "Dossier du bailleur" in page
    assert "Dossier voisin" not in page
    assert "Ouvert" in page
    assert "Nouvel appel à projets" not in page


def test_navigation_links_programmation(prog, login):
    page = login(prog.users["lecteur"]).get(reverse("programming:index")).content.decode()
    assert f'href="{reverse("programming:index")}" aria-current="page">Programmation<' in page


def test_chef_creates_a_call_with_priorities(prog, login):
    response = login(prog.users["chef"]).post(reverse("programming:call_create"), _call_post(prog))
    call = Call.objects.get(title="Appel à projets 2027")
    assert response.status_code == 302
    assert list(call.priorities.all()) == [prog.extra["objective"]]
    assert AuditEvent.objects.filter(action="appel à projets : créé").exists()
    page = login(prog.users["lecteur"]).get(reverse("programming:call_detail", args=[call.pk])).content.decode()
    assert "<strong>QPV</strong>" in page and "Accès aux droits" in page


def test_call_calendar_in_the_wrong_order_is_refused(prog, login):
    data = _call_post(prog, technical_committee_on="01/11/2026")
    response = login(prog.users["chef"]).post(reverse("programming:call_create"), data)
    assert response.status_code == 400
    assert "doit suivre la date « date limite de dépôt »" in response.content.decode()
    assert not Call.objects.filter(title="Appel à projets 2027").exists()


def test_call_of_a_contract_one_does_not_steer_is_refused(prog, login):
    data = _call_post(prog, contract=prog.extra["dunkerque_contract"].pk)
    response = login(prog.users["chef"]).post(reverse("programming:call_create"), data)
    assert response.status_code == 400
    assert not Call.objects.filter(title="Appel à projets 2027").exists()


def test_financer_envelope_with_decimal_comma(prog, login):
    call = prog.extra["call"]
    client = login(prog.users["chef"])
    url = reverse("programming:call_financer", args=[call.pk])
    response = client.post(url, {"organisation": prog.orgs["irev"].pk, "envelope": "12 500,50"})
    assert response.status_code == 302
    assert CallFinancer.objects.get(call=call, organisation=prog.orgs["irev"]).envelope == Decimal("12500.50")
    client.post(url, {"organisation": prog.orgs["irev"].pk, "envelope": "13 000"})
    assert CallFinancer.objects.get(call=call, organisation=prog.orgs["irev"]).envelope == Decimal("13000")
    for bad, message in (("-5", "ne peut pas être négatif"), ("beaucoup", "pas un nombre")):
        response = client.post(url, {"organisation": prog.orgs["cud"].pk, "envelope": bad})
        assert response.status_code == 400 and message in response.content.decode()
    assert not CallFinancer.objects.filter(call=call, organisation=prog.orgs["cud"]).exists()
    page = client.get(reverse("programming:call_detail", args=[call.pk])).content.decode()
    assert "13 000,00 €" in page


def _carrier_post(prog, **extra):
    return {"name": "Centre social Matisse", "kind": "association", "siret": "", "rna": "", **extra}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"siret": "7328293200007"}, "Le SIRET doit compter 14 chiffres."),
        ({"siret": "73282932000075"}, "clé de contrôle incorrecte"),
        ({"rna": "W12345"}, "W suivi de 9 chiffres"),
        ({"rna": "W623001234", "kind": "commune"}, "Seule une association a un numéro RNA."),
    ],
)
def test_carrier_identifiers_checked_in_french(prog, login, fields, message):
    response = login(prog.users["partenaire"]).post(
        reverse("programming:carrier_create"), _carrier_post(prog, **fields)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Carrier.objects.filter(name="Centre social Matisse").exists()


def test_carrier_with_spaces_and_la_poste_siret(prog, login):
    client = login(prog.users["partenaire"])
    form = client.get(reverse("programming:carrier_create")).content.decode()
    assert f'<option value="{prog.orgs["bailleur"].pk}" selected>' in form  # its own organisation by default
    data = _carrier_post(prog, siret="732 829 320 00074", rna="w623001234", organisation=prog.orgs["bailleur"].pk)
    assert client.post(reverse("programming:carrier_create"), data).status_code == 302
    carrier = Carrier.objects.get(name="Centre social Matisse")
    assert (carrier.siret, carrier.rna, carrier.organisation) == ("73282932000074", "W623001234", prog.orgs["bailleur"])
    data = _carrier_post(prog, name="Bureau de poste", kind="entreprise", siret=LA_POSTE_SIRET)
    assert client.post(reverse("programming:carrier_create"), data).status_code == 302
    page = client.get(reverse("programming:carrier_list")).content.decode()
    assert "Centre social Matisse" in page


def test_carrier_list_queries_stay_constant(prog, login, django_assert_num_queries):
    client = login(prog.users["chef"])
    space.mine(prog)
    client.get(reverse("programming:carrier_list"))
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("programming:carrier_list"))
    for n in range(5):
        carrier = Carrier.objects.create(name=f"Structure {n}", kind="association")
        make_application(prog.extra["call"], carrier, title=f"Action {n}")
    with django_assert_num_queries(len(first.captured_queries)):
        page = client.get(reverse("programming:carrier_list")).content.decode()
    assert "Structure 4" in page


def test_free_text_is_inert(prog, login):
    payload = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    client = login(prog.users["chef"])
    client.post(reverse("programming:call_create"), _call_post(prog, title=payload, rules=payload))
    call = Call.objects.get(title=payload)
    page = client.get(reverse("programming:call_detail", args=[call.pk])).content.decode()
    assert "<script>alert(1)" not in page and "<img src=x" not in page


def test_call_page_queries_stay_constant(prog, login):
    call = prog.extra["call"]
    client = login(prog.users["chef"])
    space.mine(prog)
    url = reverse("programming:call_detail", args=[call.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    for n in range(5):
        carrier = Carrier.objects.create(name=f"Structure {n}", kind="association")
        make_application(call, carrier, title=f"Action {n}")
    with CaptureQueriesContext(connection) as second:
        page = client.get(url).content.decode()
    assert len(second.captured_queries) == len(first.captured_queries)
    assert "Action 4" in page and "Structure 4" in page


def test_services_and_rules_name_the_same_carrier_roles():
    from quartiers.programming import rules, services

    assert services.CARRIER_ROLES == rules.CARRIER_ROLES
