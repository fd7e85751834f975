"""Programming committee: the table (amounts per financer, totals per pillar, QPV, financer and carrier against the
envelopes), a constant number of queries, the bulk decisions (all or nothing, French errors naming the dossier and
the financer), the XLSX in the committee layout, the CSV, the notification letters in PDF."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from quartiers.core.audit import AuditEvent
from quartiers.programming import committee
from quartiers.programming.models import Funding
from quartiers.programming.workflow import Status
from tests.programming.instruction_helpers import decided, dossier, financers

pytestmark = pytest.mark.django_db


def _text(response):
    return response.content.decode().replace("&#x27;", "'").replace("&#39;", "'")


def _table_url(prog, fmt=""):
    return reverse("programming:committee_table", args=[prog.extra["call"].pk]) + (f"?format={fmt}" if fmt else "")


def _programming(prog):
    """Three dossiers: one decided (granted 500 + 300), one with opinions (proposed), one of another carrier."""
    state, agglo = financers(prog)
    won = decided(prog, title="Permanence juridique")
    won.qpvs.add(prog.qpv)
    won.objectives.add(prog.extra["objective"])
    waiting = dossier(prog, status=Status.OPINIONS, title="Chantier jeunes", asks=("1000", "2000"))
    Funding.objects.create(application=waiting, call_financer=state, opinion="favorable", proposed_amount=800)
    dossier(prog, status=Status.SUBMITTED, title='=HYPERLINK("x")', carrier=prog.extra["other_carrier"])
    state.envelope = Decimal("1000")
    state.save()
    return state, agglo, won, waiting


def test_table_totals_against_envelopes(prog):
    state, agglo, won, waiting = _programming(prog)
    table = committee.build(prog.extra["call"])
    # Financers in the order of their names (the agglo, then the préfecture); rows by carrier, then title.
    assert table["financers"] == [agglo, state]
    assert [r["title"] for r in table["rows"]] == ['=HYPERLINK("x")', "Chantier jeunes", "Permanence juridique"]
    rows = {r["title"]: r for r in table["rows"]}
    assert committee.cells(rows["Permanence juridique"])[1]["granted"] == Decimal("500")
    assert committee.cells(rows["Chantier jeunes"])[1]["proposed"] == Decimal("800")
    grid = {r[1]: r[committee.HEAD :] for r in committee.grid(prog.extra["call"])["rows"]}
    assert grid["Chantier jeunes"][3:6] == (100000, 80000, None)  # integer cents
    assert [committee.cents_text(c) for c in grid["Chantier jeunes"][3:6]] == ["1\u202f000,00", "800,00", "—"]
    by_financer = {t["financer"].pk: t for t in table["by_financer"]}
    assert by_financer[state.pk]["requested"] == Decimal("2200")  # 600 + 1000 + 600
    assert by_financer[state.pk]["granted"] == Decimal("500")
    assert by_financer[state.pk]["remaining"] == Decimal("500")
    assert by_financer[state.pk]["proposed_over"] is False
    assert by_financer[agglo.pk]["remaining"] == Decimal("29700")
    pillars = dict(table["by_pillar"])
    assert pillars["Cohésion sociale"]["granted"] == Decimal("800")
    assert pillars["(sans pilier)"]["count"] == 2
    assert dict(table["by_qpv"])[prog.qpv.nom]["requested"] == Decimal("1000")
    carriers = dict(table["by_carrier"])
    assert carriers["Bailleur social (porteur)"]["count"] == 2
    assert table["total"]["requested"] == Decimal("5000")


def test_over_committed_envelope_is_flagged(prog, login):
    state, *_ = _programming(prog)
    decided(prog, title="Deuxième action", granted=("600", "0"))
    page = _text(login(prog.users["chef"]).get(_table_url(prog)))
    assert "enveloppe dépassée" in page  # 500 + 600 granted against 1 000
    assert "Permanence juridique" in page and "Totaux par pilier" in page and "Totaux par quartier" in page


def _count(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # caches warm (the reference data's, the page's own): the count of a page as it is served
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_table_queries_do_not_grow(prog, login, django_assert_num_queries):
    client = login(prog.users["chef"])
    url = _table_url(prog)
    for i in range(3):
        decided(prog, title=f"Action {i}").qpvs.add(prog.qpv)
    expected = _count(client, url)
    with django_assert_num_queries(expected):
        client.get(url)
    for i in range(3, 30):
        app = decided(prog, title=f"Action {i}")
        app.qpvs.add(prog.qpv)
        app.objectives.add(prog.extra["objective"])
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


# ---------------------------------------------------------------- bulk decisions


def _post_decisions(client, prog, data):
    return client.post(reverse("programming:committee_decisions", args=[prog.extra["call"].pk]), data)


def test_bulk_decisions(prog, login):
    state, agglo = financers(prog)
    one = dossier(prog, status=Status.OPINIONS, title="Une")
    two = dossier(prog, status=Status.OPINIONS, title="Deux")
    later = dossier(prog, status=Status.OPINIONS, title="Plus tard")
    client = login(prog.users["chef"])
    page = _text(client.get(reverse("programming:committee_decisions", args=[prog.extra["call"].pk])))
    assert "Une" in page and "Plus tard" in page
    answer = _post_decisions(
        client,
        prog,
        {
            f"decision-{one.pk}": "accept",
            f"granted-{one.pk}-{state.pk}": "550,50",
            f"granted-{one.pk}-{agglo.pk}": "400",
            f"decision-{two.pk}": "refuse",
            f"decision-{later.pk}": "",
        },
    )
    assert answer.status_code == 302
    for app, status in ((one, Status.ACCEPTED), (two, Status.REFUSED), (later, Status.OPINIONS)):
        app.refresh_from_db()
        assert app.status == status
    granted = dict(Funding.objects.filter(application=one).values_list("call_financer", "granted_amount"))
    assert granted == {state.pk: Decimal("550.50"), agglo.pk: Decimal("400.00")}
    assert AuditEvent.objects.filter(action="comité : décisions enregistrées").count() == 1


@pytest.mark.parametrize(
    "amount, message",
    [
        ("600,01", "dépasse le montant demandé (600,00 €)"),
        ("-1", "négatif"),
        ("cinq cents", "n'est pas un nombre"),
    ],
)
def test_bulk_decisions_all_or_nothing(prog, login, amount, message):
    state, agglo = financers(prog)
    good = dossier(prog, status=Status.OPINIONS, title="Bonne ligne")
    bad = dossier(prog, status=Status.OPINIONS, title="Ligne fausse")
    client = login(prog.users["chef"])
    answer = _post_decisions(
        client,
        prog,
        {
            f"decision-{good.pk}": "accept",
            f"granted-{good.pk}-{state.pk}": "100",
            f"decision-{bad.pk}": "accept",
            f"granted-{bad.pk}-{state.pk}": amount,
        },
    )
    assert answer.status_code == 400
    page = _text(answer)
    assert "Ligne fausse" in page and message in page
    assert "Dossier « Ligne fausse », Préfecture du Pas-de-Calais (test)" in page
    for app in (good, bad):
        app.refresh_from_db()
        assert app.status == Status.OPINIONS
    assert not Funding.objects.exists()
    assert f'value="{amount}"' in page  # what was typed is shown again


def test_decision_form_prefills_the_proposed_amount_and_takes_it_back(prog, login):
    state, agglo = financers(prog)
    app = dossier(prog, status=Status.OPINIONS, title="Proposé", asks=("1500", "400"))
    Funding.objects.create(application=app, call_financer=state, opinion="favorable", proposed_amount=1250)
    client = login(prog.users["chef"])
    page = _text(client.get(reverse("programming:committee_decisions", args=[prog.extra["call"].pk])))
    typed = "1\u202f250,00"
    assert f'value="{typed}"' in page
    data = {f"decision-{app.pk}": "accept", f"granted-{app.pk}-{state.pk}": typed, f"granted-{app.pk}-{agglo.pk}": ""}
    assert _post_decisions(client, prog, data).status_code == 302
    assert Funding.objects.get(application=app, call_financer=state).granted_amount == Decimal("1250.00")


def test_bulk_decisions_refused_with_amount_or_accepted_without(prog, login):
    state, _ = financers(prog)
    app = dossier(prog, status=Status.OPINIONS, title="Refusé payé")
    client = login(prog.users["chef"])
    answer = _post_decisions(client, prog, {f"decision-{app.pk}": "refuse", f"granted-{app.pk}-{state.pk}": "10"})
    assert answer.status_code == 400 and "refusé ne reçoit aucun montant" in _text(answer)
    answer = _post_decisions(client, prog, {f"decision-{app.pk}": "accept"})
    assert answer.status_code == 400 and "au moins un financeur" in _text(answer)
    answer = _post_decisions(client, prog, {})
    assert answer.status_code == 400 and "Aucune décision" in _text(answer)
    other = dossier(prog, status=Status.INSTRUCTION, title="Pas au comité")
    answer = _post_decisions(client, prog, {f"decision-{other.pk}": "refuse"})
    assert answer.status_code == 400
    app.refresh_from_db()
    other.refresh_from_db()
    assert (app.status, other.status) == (Status.OPINIONS, Status.INSTRUCTION)
    assert not Funding.objects.exists()


# ---------------------------------------------------------------- exports


def test_xlsx_committee_layout(prog, login):
    state, agglo, *_ = _programming(prog)
    response = login(prog.users["delegue"]).get(_table_url(prog, "xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws.freeze_panes == "C3"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"F1:H1", "I1:K1", "L1:N1", "A1:A2"} <= merged
    assert ws["F1"].value == "CA Grand Calais Terres et Mers (test)"
    assert ws["I1"].value == "Préfecture du Pas-de-Calais (test)"
    assert ws["L1"].value == "Total"
    assert [ws.cell(2, c).value for c in range(6, 9)] == ["demandé (€)", "proposé (€)", "accordé (€)"]
    titles = [ws.cell(r, 2).value for r in range(3, 6)]
    assert "Permanence juridique" in titles and '\'=HYPERLINK("x")' in titles
    total_row = 6
    assert ws.cell(total_row, 1).value == "Total"
    assert ws.cell(total_row, 6).value == 2800  # requested from the agglo: 400 + 2 000 + 400
    assert ws.cell(total_row, 9).value == 2200  # requested from the préfecture
    assert ws.cell(total_row, 11).value == 500  # granted by the préfecture
    assert ws.cell(total_row, 12).value == 5000  # everything requested
    assert ws.cell(total_row + 1, 1).value == "Enveloppe" and ws.cell(total_row + 1, 11).value == 1000
    assert ws.cell(total_row + 2, 11).value == 500  # what remains of the préfecture's envelope


def test_csv_same_table(prog, login):
    _programming(prog)
    response = login(prog.users["chef"]).get(_table_url(prog, "csv"))
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["Porteur", "Action", "Statut", "Piliers", "Quartiers"]
    assert rows[0][8] == "Préfecture du Pas-de-Calais (test) — demandé (€)"
    by_title = {r[1]: r for r in rows[1:]}
    assert by_title["Permanence juridique"][8:11] == ["600,00", "", "500,00"]
    assert '\'=HYPERLINK("x")' in by_title
    assert rows[-1][0] == "Total" and rows[-1][8] == "2200,00" and rows[-1][-3] == "5000,00"


def test_unknown_export_format(prog, login):
    response = login(prog.users["chef"]).get(_table_url(prog, "<b>pdf"))
    assert response.status_code == 400 and response["Content-Type"].startswith("text/plain")


# ---------------------------------------------------------------- notification letters


def test_letter_pdf_lists_decided_dossiers_and_amounts(prog, login):
    _programming(prog)
    client = login(prog.users["chef"])
    carrier = prog.extra["carrier"]
    url = reverse("programming:committee_letter", args=[prog.extra["call"].pk, carrier.pk])
    html = _text(client.get(url + "?format=html"))
    assert "Permanence juridique" in html and "Chantier jeunes" not in html
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Bailleur social (porteur)" in text and "Permanence juridique" in text
    assert "500,00 €" in text and "300,00 €" in text and "800,00 €" in text
    assert "Préfecture du Pas-de-Calais (test)" in text
    other = reverse("programming:committee_letter", args=[prog.extra["call"].pk, prog.extra["other_carrier"].pk])
    assert client.get(other).status_code == 404  # nothing decided for that structure yet
