"""Instruction: the instructor's list (filters, constant queries), the grid and its weighted total, the financers'
opinions (decimal commas, never above the request, only by that financer's members or the instructors), the
workflow buttons, the request for more information (stored and the dossier sent back in one transaction, the
carrier e-mailed only after commit), and the actors who see nothing."""

from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quartiers.core.audit import AuditEvent
from quartiers.programming import instruction_services
from quartiers.programming.models import Assessment, CallFinancer, Criterion, Funding, InformationRequest
from quartiers.programming.workflow import Status
from tests.factories import MembershipFactory, OrganisationFactory
from tests.programming.instruction_helpers import criterion, dossier, dunkerque_dossier, financers

pytestmark = pytest.mark.django_db


def _detail(app):
    return reverse("programming:instruction_detail", args=[app.pk])


# ---------------------------------------------------------------- the list


def test_list_filters(prog, login):
    client = login(prog.users["chef"])
    first = dossier(prog, title="Permanence juridique")
    second = dossier(prog, status=Status.SUBMITTED, title="Chantier jeunes", carrier=prog.extra["other_carrier"])
    second.qpvs.add(prog.qpv)
    second.objectives.add(prog.extra["objective"])
    dossier(prog, status=Status.DRAFT, title="Brouillon caché")
    url = reverse("programming:instruction_list", args=[prog.extra["call"].pk])
    page = client.get(url).content.decode().replace("&#x27;", "'")
    assert "Permanence juridique" in page and "Chantier jeunes" in page and "Brouillon caché" not in page
    for query in (
        {"status": Status.SUBMITTED},
        {"pillar": prog.extra["objective"].pillar_id},
        {"qpv": prog.qpv.pk},
        {"carrier": prog.extra["other_carrier"].pk},
    ):
        page = client.get(url, query).content.decode().replace("&#x27;", "'")
        assert "Chantier jeunes" in page and "Permanence juridique" not in page, query
    page = client.get(url, {"status": "nimporte", "qpv": "abc"}).content.decode().replace("&#x27;", "'")
    assert "Chantier jeunes" in page and "Permanence juridique" in page
    assert "1\xa0000,00" in page  # the requested total of a dossier, French grouping
    assert first.pk


def _list_queries(prog, client, count):
    for i in range(count):
        app = dossier(prog, title=f"Action {i:03d}")
        app.qpvs.add(prog.qpv)
    url = reverse("programming:instruction_list", args=[prog.extra["call"].pk])
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_query_count_is_constant(prog, login):
    client = login(prog.users["chef"])
    small = _list_queries(prog, client, 3)
    large = _list_queries(prog, client, 27)
    assert small == large, (small, large)


# ---------------------------------------------------------------- the grid


def test_grid_criteria_managed_by_instructors(prog, login):
    call = prog.extra["call"]
    client = login(prog.users["chef"])
    add = reverse("programming:criterion_add", args=[call.pk])
    assert client.post(add, {"label": "Ancrage territorial", "weight": "2", "position": "1"}).status_code == 302
    answer = client.post(add, {"label": "Ancrage territorial", "weight": "1"})
    assert answer.status_code == 400 and "déjà un critère" in answer.content.decode().replace("&#x27;", "'")
    answer = client.post(add, {"label": "Public", "weight": "deux"})
    assert answer.status_code == 400 and "coefficient" in answer.content.decode().replace("&#x27;", "'")
    assert Criterion.objects.filter(call=call).count() == 1
    c = Criterion.objects.get(call=call)
    client.post(
        reverse("programming:criterion_edit", args=[c.pk]), {"label": "Ancrage", "weight": "3", "position": "2"}
    )
    c.refresh_from_db()
    assert (c.label, c.weight, c.position) == ("Ancrage", 3, 2)
    login(prog.users["delegue"])
    assert client.post(add, {"label": "Du financeur"}).status_code == 403
    client = login(prog.users["chef"])
    client.post(reverse("programming:criterion_edit", args=[c.pk]), {"delete": "1"})
    assert not Criterion.objects.filter(call=call).exists()


def test_scores_weighted_total_and_all_or_nothing(prog, login):
    app = dossier(prog)
    a = criterion(app.call, "Ancrage territorial", weight=2)
    b = criterion(app.call, "Public en QPV", weight=1)
    client = login(prog.users["chef"])
    url = reverse("programming:instruction_assess", args=[app.pk])
    answer = client.post(url, {f"score-{a.pk}": "3", f"score-{b.pk}": "5", f"comment-{a.pk}": "bien"})
    assert answer.status_code == 400
    assert "va de 0 à 4" in answer.content.decode().replace("&#x27;", "'")
    assert not Assessment.objects.exists()
    client.post(url, {f"score-{a.pk}": "3", f"score-{b.pk}": "4", f"comment-{a.pk}": "<script>alert(1)</script>"})
    assert Assessment.objects.count() == 2
    page = client.get(_detail(app)).content.decode().replace("&#x27;", "'")
    assert "total pondéré : 10 / 12" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


# ---------------------------------------------------------------- opinions


def test_financer_gives_its_opinion_with_decimal_comma(prog, login):
    app = dossier(prog)
    state, agglo = financers(prog)
    client = login(prog.users["delegue"])
    url = reverse("programming:instruction_opinion", args=[app.pk, state.pk])
    answer = client.post(url, {"opinion": "favorable", "proposed_amount": "550,50", "comment": "Utile"})
    assert answer.status_code == 302
    funding = Funding.objects.get(application=app, call_financer=state)
    assert (funding.opinion, funding.proposed_amount, funding.opinion_by) == (
        "favorable",
        Decimal("550.50"),
        prog.users["delegue"],
    )
    # Not the agglo's opinion: the délégué is not a member of it.
    other = reverse("programming:instruction_opinion", args=[app.pk, agglo.pk])
    assert client.post(other, {"opinion": "favorable", "proposed_amount": "1"}).status_code == 403
    assert not Funding.objects.filter(call_financer=agglo).exists()
    page = client.get(_detail(app)).content.decode().replace("&#x27;", "'")
    assert "Favorable" in page and "Demandé : 600,00" in page


@pytest.mark.parametrize(
    "amount, message",
    [
        ("600,01", "dépasse le montant demandé"),
        ("-5", "négatif"),
        ("beaucoup", "n'est pas un nombre"),
        ("12,345", "deux décimales"),
    ],
)
def test_bad_proposed_amount_writes_nothing(prog, login, amount, message):
    app = dossier(prog)
    state, _ = financers(prog)
    client = login(prog.users["chef"])
    url = reverse("programming:instruction_opinion", args=[app.pk, state.pk])
    answer = client.post(url, {"opinion": "favorable", "proposed_amount": amount})
    assert answer.status_code == 400 and message in answer.content.decode().replace("&#x27;", "'")
    assert not Funding.objects.exists()


def test_opinion_outside_instruction_and_unknown_opinion(prog, login):
    state, _ = financers(prog)
    client = login(prog.users["chef"])
    app = dossier(prog, status=Status.OPINIONS)
    url = reverse("programming:instruction_opinion", args=[app.pk, state.pk])
    answer = client.post(url, {"opinion": "favorable", "proposed_amount": "10"})
    assert answer.status_code == 400 and "pendant l'instruction" in answer.content.decode().replace("&#x27;", "'")
    app = dossier(prog)
    url = reverse("programming:instruction_opinion", args=[app.pk, state.pk])
    answer = client.post(url, {"opinion": "peut-être", "proposed_amount": "10"})
    assert answer.status_code == 400 and "Choisissez un avis" in answer.content.decode().replace("&#x27;", "'")
    assert not Funding.objects.exists()


def test_financer_of_another_call_refused(prog, login):
    app = dossier(prog)
    dk = dunkerque_dossier(prog)
    foreign = CallFinancer.objects.get(call=dk.call)
    client = login(prog.users["chef"])
    url = reverse("programming:instruction_opinion", args=[app.pk, foreign.pk])
    answer = client.post(url, {"opinion": "favorable", "proposed_amount": "1"})
    assert answer.status_code == 400 and "ne participe pas" in answer.content.decode().replace("&#x27;", "'")
    assert not Funding.objects.exists()


# ---------------------------------------------------------------- workflow


def test_workflow_buttons(prog, login):
    app = dossier(prog, status=Status.SUBMITTED)
    client = login(prog.users["chef"])
    page = client.get(_detail(app)).content.decode().replace("&#x27;", "'")
    assert "Mettre en instruction" in page and "Clore les avis" not in page
    client.post(reverse("programming:instruction_transition", args=[app.pk, "start_instruction"]))
    app.refresh_from_db()
    assert app.status == Status.INSTRUCTION
    page = client.get(_detail(app)).content.decode().replace("&#x27;", "'")
    assert "Clore les avis" in page and "Demander des compléments" in page
    illegal = client.post(reverse("programming:instruction_transition", args=[app.pk, "accept"]))
    assert illegal.status_code == 400 and "impossible" in illegal.content.decode().replace("&#x27;", "'")
    unknown = client.post(reverse("programming:instruction_transition", args=[app.pk, "teleport"]))
    assert unknown.status_code == 400
    app.refresh_from_db()
    assert app.status == Status.INSTRUCTION
    client.post(reverse("programming:instruction_transition", args=[app.pk, "record_opinions"]))
    app.refresh_from_db()
    assert app.status == Status.OPINIONS
    # The financer reads the page without the instructor's buttons.
    page = login(prog.users["delegue"]).get(_detail(app)).content.decode().replace("&#x27;", "'")
    assert "Accepter" not in page


def test_request_information_mails_the_carrier_after_commit(prog, login, django_capture_on_commit_callbacks):
    app = dossier(prog)
    client = login(prog.users["chef"])
    url = reverse("programming:instruction_request", args=[app.pk])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        answer = client.post(url, {"message": "Merci de joindre les statuts."})
    assert answer.status_code == 302
    assert len(callbacks) == 1
    app.refresh_from_db()
    assert app.status == Status.INCOMPLETE
    assert InformationRequest.objects.get(application=app).message == "Merci de joindre les statuts."
    assert [m.to for m in mail.outbox] == [[prog.users["partenaire"].email]]
    assert "Merci de joindre les statuts." in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="instruction : compléments demandés").exists()


def test_request_information_no_mail_when_the_transaction_fails(prog, django_capture_on_commit_callbacks):
    app = dossier(prog)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            instruction_services.request_information(prog.users["chef"], app, "Merci de préciser.")
            raise RuntimeError("panne après la demande")
    assert callbacks == [] and mail.outbox == []
    app.refresh_from_db()
    assert app.status == Status.INSTRUCTION and not InformationRequest.objects.exists()


def test_request_information_refused_writes_nothing_and_mails_nobody(prog, login, django_capture_on_commit_callbacks):
    app = dossier(prog, status=Status.SUBMITTED)
    client = login(prog.users["chef"])
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse("programming:instruction_request", args=[app.pk]), {"message": "Compléments"})
        empty = client.post(reverse("programming:instruction_request", args=[dossier(prog).pk]), {"message": " "})
    assert answer.status_code == 400 and "impossible" in answer.content.decode().replace("&#x27;", "'")
    assert empty.status_code == 400 and "Écrivez" in empty.content.decode().replace("&#x27;", "'")
    assert not InformationRequest.objects.exists() and mail.outbox == []


# ---------------------------------------------------------------- who sees nothing


def _outside_financer(prog):
    """A financer of the Dunkerque call only, whose partner account is scoped on Calais."""
    caf = OrganisationFactory(name="CAF du Nord (test)")
    dk = dunkerque_dossier(prog)
    CallFinancer.objects.create(call=dk.call, organisation=caf, envelope=1000)
    return MembershipFactory(organisation=caf, role="partenaire", scope_level="epci", scope_code="200090751").user


@pytest.mark.parametrize("actor", ["other_member", "outside_financer"])
def test_outsiders_see_nothing(prog, login, actor):
    app = dossier(prog)
    user = prog.extra["other_member"] if actor == "other_member" else _outside_financer(prog)
    client = login(user)
    call = prog.extra["call"]
    for url in (
        reverse("programming:instruction_list", args=[call.pk]),
        reverse("programming:instruction_grid", args=[call.pk]),
        _detail(app),
        reverse("programming:committee_table", args=[call.pk]),
        reverse("programming:committee_table", args=[call.pk]) + "?format=csv",
    ):
        assert client.get(url).status_code == 403, url
    state, _ = financers(prog)
    answer = client.post(reverse("programming:instruction_opinion", args=[app.pk, state.pk]), {"opinion": "favorable"})
    assert answer.status_code == 403 and not Funding.objects.exists()


def test_outside_financer_sees_its_own_call(prog, login):
    user = _outside_financer(prog)
    call = prog.extra["call_dk"]
    assert login(user).get(reverse("programming:instruction_list", args=[call.pk])).status_code == 200
