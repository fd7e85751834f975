"""The bilan: realised budget beside the forecast (a gap above 15 % explained), beneficiaries, indicators,
qualitative report; filing (file_report) and closing (close); bad input refused in French with nothing written."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from quartiers.core.audit import AuditEvent
from quartiers.programming import bilans_services as bilans
from quartiers.programming.models import Application, BeneficiaryCount, Report, ReportIndicator, ReportLine
from quartiers.programming.workflow import Status
from tests.programming.followup_helpers import agreed_application

EXPENSE, INCOME = ("depense", "64"), ("recette", "74")


def _paid(prog, **kwargs):
    app, _convention = agreed_application(prog, status=Status.PAID, **kwargs)
    return app


def _state(app):
    return (
        Application.objects.get(pk=app.pk).status,
        list(Report.objects.values_list("pk", "summary", "beneficiaries_total", "submitted_at")),
        list(ReportLine.objects.values_list("pk", "amount", "explanation")),
        list(BeneficiaryCount.objects.values_list("pk", "count")),
        list(ReportIndicator.objects.values_list("pk", "label", "achieved")),
        AuditEvent.objects.count(),
    )


def _save(prog, app, user=None, lines=None, beneficiaries=None, indicators=None, summary="Ateliers tenus.", total="40"):
    return bilans.save_report(
        user or prog.users["partenaire"],
        app,
        lines=lines
        if lines is not None
        else {EXPENSE: ("1 100,00", ""), INCOME: ("800", "La subvention accordée était de 800 €.")},
        beneficiaries=beneficiaries if beneficiaries is not None else {("f", "26-64"): "25", ("h", "26-64"): "15"},
        indicators=indicators if indicators is not None else [("Ateliers tenus", "12", "10", "ateliers")],
        summary=summary,
        beneficiaries_total=total,
    )


def test_the_carrier_fills_the_bilan(prog):
    app = _paid(prog)
    report = _save(prog, app)
    rows = {(r.side, r.account_class): r for r in bilans.comparison(app, report)}
    assert rows[EXPENSE].forecast == 1000 and rows[EXPENSE].realised == 1100 and rows[EXPENSE].gap_percent == 10
    assert not rows[EXPENSE].needs_explanation
    assert rows[INCOME].gap_percent == -20 and rows[INCOME].needs_explanation and rows[INCOME].explanation
    assert report.beneficiaries.get(sex="f", age_band="26-64").count == 25
    assert report.indicators.get().achieved == 10
    assert report.beneficiaries_total == 40


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"lines": {EXPENSE: ("1 100", ""), INCOME: ("800", "")}}, "« 74 – Subventions d'exploitation » : le réalisé"),
        ({"lines": {EXPENSE: ("-5", ""), INCOME: ("1000", "")}}, "ne peut pas être négatif"),
        ({"lines": {EXPENSE: ("mille", ""), INCOME: ("1000", "")}}, "n'est pas un nombre"),
        ({"beneficiaries": {("f", "0-5"): "-3"}}, "n'est pas un nombre entier positif"),
        ({"beneficiaries": {("h", "65+"): "douze"}}, "Bénéficiaires hommes 65 ans et plus « douze »"),
        ({"indicators": [("", "3", "2", "")]}, "Indicateur 1 : son intitulé est obligatoire."),
        ({"indicators": [("Présence", "beaucoup", "2", "")]}, "Indicateur « Présence » : la cible"),
        ({"total": "quarante"}, "Le nombre de bénéficiaires « quarante »"),
    ],
)
def test_bad_bilan_is_refused_in_french_and_nothing_written(prog, kwargs, message):
    app = _paid(prog)
    before = _state(app)
    with pytest.raises(ValidationError) as err:
        _save(prog, app, **kwargs)
    assert any(message in m for m in err.value.messages), err.value.messages
    assert _state(app) == before


def test_missing_explanation_names_the_line_and_the_gap(prog):
    app = _paid(prog)
    with pytest.raises(ValidationError) as err:
        _save(prog, app, lines={EXPENSE: ("1 160", ""), INCOME: ("1000", "")})
    assert err.value.messages == [
        "« 64 – Charges de personnel » : le réalisé s'écarte de 16 % du prévisionnel (plus de 15 %) : "
        "expliquez l'écart."
    ]


def test_only_the_carrier_writes_and_only_while_paid(prog):
    app = _paid(prog)
    before = _state(app)
    for user in (prog.users["chef"], prog.users["delegue"], prog.users["autre_chef"], prog.extra["other_member"]):
        with pytest.raises(PermissionDenied):
            _save(prog, app, user=user)
    assert _state(app) == before
    agreed, _ = agreed_application(prog, title="Pas encore payé")
    with pytest.raises(ValidationError) as err:
        _save(prog, agreed)
    assert "Le bilan se remplit quand le dossier est « payé »" in err.value.messages[0]


def test_filing_then_closing(prog):
    app = _paid(prog)
    with pytest.raises(ValidationError) as err:
        bilans.file_report(prog.users["partenaire"], app)
    assert err.value.messages == ["Le bilan n'est pas encore rempli."]
    _save(prog, app, lines={EXPENSE: ("1000", "")}, summary="")
    with pytest.raises(ValidationError) as err:
        bilans.file_report(prog.users["partenaire"], app)
    assert "Montants réalisés manquants : 74 – Subventions d'exploitation." in err.value.messages
    assert "Le bilan qualitatif est vide." in err.value.messages
    assert Application.objects.get(pk=app.pk).status == Status.PAID
    _save(prog, app)
    with pytest.raises(PermissionDenied):
        bilans.file_report(prog.users["chef"], app)
    bilans.file_report(prog.users["partenaire"], app)
    app.refresh_from_db()
    assert app.status == Status.REPORTED and app.report.submitted_at is not None
    with pytest.raises(PermissionDenied):
        bilans.close(prog.users["partenaire"], app)
    bilans.close(prog.users["chef"], app)
    assert Application.objects.get(pk=app.pk).status == Status.CLOSED


def test_report_page_side_by_side_and_form_keeps_what_was_typed(prog, login):
    app = _paid(prog)
    client = login(prog.users["partenaire"])
    url = reverse("programming:report", args=[app.pk])
    html = client.get(url).content.decode()
    assert "Budget réalisé" in html and "aucune adresse n'est enregistrée" in html
    data = {
        "line-depense_64-amount": "1 300",
        "line-recette_74-amount": "1000",
        "ben-f-26-64": "12",
        "ind-0-label": "Ateliers <script>alert(1)</script>",
        "ind-0-target": "3",
        "summary": "Bilan <img src=x onerror=alert(1)>",
    }
    response = client.post(reverse("programming:report_save", args=[app.pk]), data)
    html = response.content.decode()
    assert response.status_code == 200 and "« 64 – Charges de personnel » : le réalisé s&#x27;écarte de 30 %" in html
    assert 'value="1 300"' in html and "Bilan &lt;img src=x onerror=alert(1)&gt;" in html
    assert not Report.objects.exists()
    data["line-depense_64-explanation"] = "Un animateur de plus."
    response = client.post(reverse("programming:report_save", args=[app.pk]), data)
    assert response.status_code == 302
    html = client.get(url).content.decode()
    assert "Ateliers &lt;script&gt;" in html and "<script>alert" not in html
    assert "30 %" in html and "Un animateur de plus." in html


def test_file_and_close_pages(prog, login):
    app = _paid(prog)
    _save(prog, app)
    response = login(prog.users["partenaire"]).post(reverse("programming:report_file", args=[app.pk]))
    assert response.status_code == 302
    response = login(prog.users["chef"]).post(reverse("programming:report_close", args=[app.pk]))
    assert response.status_code == 302
    assert Application.objects.get(pk=app.pk).status == Status.CLOSED
    html = login(prog.users["delegue"]).get(reverse("programming:report", args=[app.pk])).content.decode()
    assert "Ateliers tenus" in html and "Solder le dossier" not in html


def test_another_structures_bilan_is_refused(prog, login):
    app = _paid(prog, carrier=prog.extra["other_carrier"])
    client = login(prog.users["partenaire"])
    before = _state(app)
    assert client.get(reverse("programming:report", args=[app.pk])).status_code == 403
    response = client.post(reverse("programming:report_save", args=[app.pk]), {"summary": "pris", "ben-f-0-5": "3"})
    assert response.status_code == 403
    assert client.post(reverse("programming:report_file", args=[app.pk])).status_code == 403
    assert _state(app) == before
