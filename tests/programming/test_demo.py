"""The programming's demo: the 2019 call of the Grand Calais contract and the current year's call, carried by the
real structures of the bundled adultes-relais / FONJEP posts; idempotent; every status present; the demo carrier
account sees only its structure's dossiers."""

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.urls import reverse

from quartiers.accounts import demo as accounts_demo
from quartiers.contracts import demo as contracts_demo
from quartiers.core.permissions import visible_to
from quartiers.programming import demo
from quartiers.programming.models import (
    Application,
    BudgetLine,
    Call,
    Carrier,
    Convention,
    Funding,
    Payment,
    Report,
)
from quartiers.programming.services import budget_gap_message
from quartiers.programming.workflow import Status
from tests.world import build_geography

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 5)
MODELS = (Carrier, Call, Application, BudgetLine, Funding, Convention, Payment, Report)


def _load(today=TODAY):
    out = StringIO()
    demo.load_demo(out, today=today)
    return out.getvalue()


@pytest.fixture
def loaded():
    build_geography()
    accounts_demo.load_demo(StringIO())
    contracts_demo.load_reference(StringIO())
    contracts_demo.load_demo(StringIO(), today=TODAY)
    return _load()


def _counts():
    return [model.objects.count() for model in MODELS]


def test_demo_loads_twice_without_duplicates(loaded):
    assert "appel 2019 du Grand Calais (21 dossiers)" in loaded and "fictifs" in loaded
    first = _counts()
    _load()
    assert _counts() == first
    assert 28 <= Application.objects.count() <= 32


def test_every_status_and_real_carriers(loaded):
    assert set(Application.objects.values_list("status", flat=True)) == set(Status.values)
    call_2019 = Call.objects.get(year=2019)
    assert call_2019.contract.generation == "2015-2023" and call_2019.contract.epci_id == "200090751"
    financers = set(call_2019.financers.values_list("organisation__name", flat=True))
    assert {
        "Préfecture du Pas-de-Calais",
        "CA Grand Calais Terres et Mers",
        "Ville de Calais",
        "CAF du Pas-de-Calais",
    } <= financers
    assert Carrier.objects.get(name="ASS LA SPIRALE").siret == "38269510400028"
    assert Carrier.objects.get(name="MJC").siret == ""  # the FONJEP file gives no SIRET
    in_progress = {Status.DRAFT, Status.SUBMITTED, Status.INSTRUCTION, Status.INCOMPLETE, Status.OPINIONS}
    current = Call.objects.get(year=TODAY.year)
    assert current.is_open(TODAY)
    assert set(current.applications.values_list("status", flat=True)) == in_progress
    assert all(budget_gap_message(a) is None for a in Application.objects.all())
    closed = Application.objects.filter(status=Status.CLOSED)
    assert closed.count() >= 10 and all(hasattr(a, "report") for a in closed)
    assert "fictifs" in closed.first().description
    assert not Payment.objects.filter(convention__funding__application__status=Status.CLOSED, paid_on=None).exists()


def test_current_call_dates_follow_the_day(loaded):
    _load(today=dt.date(2027, 3, 1))
    call = Call.objects.get(year=2027)
    assert call.is_open(dt.date(2027, 3, 1))


def test_carrier_account_sees_only_its_structure(loaded, client):
    user = authenticate(username=demo.CARRIER_ACCOUNT, password=accounts_demo.DEMO_PASSWORD)
    assert user is not None
    seen = visible_to(user, Application.objects.all())
    assert seen.exists()
    assert set(seen.values_list("carrier__name", flat=True)) == {"ASS LA SPIRALE"}
    client.force_login(user)
    page = client.get(reverse("programming:index")).content.decode()
    assert "Mes dossiers" in page
    other = Application.objects.exclude(carrier__name="ASS LA SPIRALE").first()
    assert client.get(reverse("programming:application_detail", args=[other.pk])).status_code == 404
    out = StringIO()
    accounts_demo.print_accounts(out)
    assert demo.CARRIER_ACCOUNT in out.getvalue()


def test_one_bilan_has_its_qpv_share_from_a_fictitious_address_list(loaded, client):
    """Through the real path (upload + job): the counts are saved, « indéterminé » since the demo has no BAN for
    Calais, the page says why and which command fixes it; no address is stored anywhere (job, audit, media)."""
    from quartiers.accounts.models import User
    from quartiers.core.models import Job

    report = Report.objects.exclude(qpv_computed_at=None).select_related("application__call").get()
    assert report.application.call.year == 2019
    assert report.application.status in (Status.REPORTED, Status.CLOSED)  # back to its stage after the upload
    assert (report.qpv_inside, report.qpv_outside, report.qpv_undetermined) == (0, 0, len(demo.DEMO_ADDRESSES))
    job = Job.objects.get(kind="programming.part_qpv")
    assert job.status == Job.Status.DONE and job.result["indetermine"] == len(demo.DEMO_ADDRESSES)
    assert job.result["commandes"], "the job names the command that fixes « indéterminé »"
    stored = str(job.params) + str(job.result) + job.message
    stored += " ".join(str(e.__dict__) for e in _audit_rows())
    for street in demo.DEMO_ADDRESSES:
        assert street not in stored
    folder = demo.qpv_share.qpv_root()
    assert not folder.exists() or not any(folder.iterdir())

    client.force_login(User.objects.get(email=demo.CARRIER_ACCOUNT))
    page = client.get(reverse("programming:report", args=[report.application.pk])).content.decode()
    assert "indéterminée" in page and job.result["commandes"][0] in page.replace("&#x27;", "'")
    assert "aucune adresse n'est enregistrée" in page.replace("&#x27;", "'")

    _load()  # idempotent: not computed a second time
    assert Job.objects.filter(kind="programming.part_qpv").count() == 1


def _audit_rows():
    from quartiers.core.models import AuditEvent

    return AuditEvent.objects.all()
