"""Conventions, payment schedules and payments: services and pages, bad input refused in French with nothing
written, lateness, the call's payments due (constant query count), the multi-year views."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quartiers.core.audit import AuditEvent
from quartiers.programming import followup_services as followup
from quartiers.programming.models import Application, Convention, Funding, Payment
from quartiers.programming.workflow import Status
from tests.programming.followup_helpers import agreed_application, granted_application
from tests.programming.helpers import make_application


def _text(response):
    """The page's text with French number spacing (non-breaking spaces) as plain spaces."""
    return response.content.decode().replace("\xa0", " ").replace("\u202f", " ")


def _state(app):
    return (
        Application.objects.get(pk=app.pk).status,
        list(Convention.objects.values_list("pk", "signed_on", "decided_on", "decision_reference")),
        list(Payment.objects.values_list("pk", "amount", "due_on", "paid_on", "reference")),
        AuditEvent.objects.count(),
    )


def _convention(**overrides):
    data = {
        "signed_on": "01/03/2026",
        "decision_reference": "AP-2026-01",
        "decided_on": "10/02/2026",
        "terms": "echelonne",
        "nature": "aide_numeraire",
        "eu_notified": False,
    }
    return {**data, **overrides}


def test_convention_recorded_by_the_instructor(prog):
    app, funding = granted_application(prog)
    convention = followup.save_convention(prog.users["chef"], funding, **_convention())
    assert convention.signed_on == dt.date(2026, 3, 1) and convention.decided_on == dt.date(2026, 2, 10)
    assert AuditEvent.objects.filter(object_id=str(app.pk), action="convention enregistrée").exists()
    # Corrected, not duplicated.
    followup.save_convention(prog.users["chef"], funding, **_convention(decision_reference="AP-2026-02"))
    assert Convention.objects.get().decision_reference == "AP-2026-02"


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"signed_on": "01/02/2026"}, "La convention ne peut pas précéder la décision."),
        ({"signed_on": "31/02/2026"}, "n'est pas une date"),
        ({"signed_on": ""}, "La date de la convention est obligatoire."),
        ({"decided_on": "demain"}, "n'est pas une date"),
        ({"terms": "chaque_jour"}, "n’est pas un choix valide"),
    ],
)
def test_bad_convention_is_refused_in_french(prog, overrides, message):
    app, funding = granted_application(prog)
    before = _state(app)
    with pytest.raises(ValidationError) as err:
        followup.save_convention(prog.users["chef"], funding, **_convention(**overrides))
    assert any(message in m for m in err.value.messages), err.value.messages
    assert _state(app) == before


def test_no_convention_without_a_granted_amount(prog):
    app, funding = granted_application(prog, granted=None)
    before = _state(app)
    with pytest.raises(ValidationError) as err:
        followup.save_convention(prog.users["chef"], funding, **_convention())
    assert "Une convention suit une subvention accordée" in err.value.messages[0]
    assert _state(app) == before


def test_only_the_instructor_records_a_convention(prog):
    app, funding = granted_application(prog)
    before = _state(app)
    for role in ("partenaire", "delegue", "autre_chef", "lecteur"):
        with pytest.raises(PermissionDenied):
            followup.save_convention(prog.users[role], funding, **_convention())
    with pytest.raises(PermissionDenied):
        followup.save_convention(prog.extra["other_member"], funding, **_convention())
    assert _state(app) == before


def test_sign_agreement_needs_every_convention(prog):
    app, funding = granted_application(prog)
    agglo = prog.extra["call"].financers.exclude(pk=funding.call_financer_id).get()
    Funding.objects.create(application=app, call_financer=agglo, granted_amount=None)  # nothing granted: no convention
    before = _state(app)
    with pytest.raises(ValidationError) as err:
        followup.sign_agreement(prog.users["chef"], app)
    assert "Convention manquante pour" in err.value.messages[0]
    assert _state(app) == before
    followup.save_convention(prog.users["chef"], funding, **_convention())
    followup.sign_agreement(prog.users["chef"], app)
    assert Application.objects.get(pk=app.pk).status == Status.AGREED


def test_schedule_with_decimal_commas_never_above_the_grant(prog):
    app, convention = agreed_application(prog, payments=False)
    chef = prog.users["chef"]
    followup.add_payment(chef, convention, kind="avance", amount="400,50", due_on="15/03/2026")
    followup.add_payment(chef, convention, kind="acompte", amount="199,50", due_on="15/06/2026")
    assert followup.scheduled_total(convention) == Decimal("600.00")
    before = _state(app)
    with pytest.raises(ValidationError) as err:
        followup.add_payment(chef, convention, kind="solde", amount="200,01", due_on="31/12/2026")
    assert err.value.messages == [
        "Le calendrier des versements (800,01 €) dépasserait le montant accordé (800,00 €) de 0,01 €."
    ]
    assert _state(app) == before
    followup.add_payment(chef, convention, kind="solde", amount="200", due_on="31/12/2026")


@pytest.mark.parametrize(
    "kind, amount, due_on, message",
    [
        ("avance", "-10", "15/03/2026", "ne peut pas être négatif"),
        ("avance", "beaucoup", "15/03/2026", "n'est pas un nombre"),
        ("avance", "", "15/03/2026", "est obligatoire"),
        ("avance", "10", "", "L'échéance du versement est obligatoire."),
        ("avance", "10", "2026-13-45", "n'est pas une date"),
        ("avance", "10", "01/01/2027", "Un versement ne peut pas être prévu après le solde."),
        ("solde", "10", "01/01/2027", "Le solde est déjà inscrit au calendrier."),
    ],
)
def test_bad_payment_is_refused_in_french(prog, kind, amount, due_on, message):
    app, convention = agreed_application(prog, payments=False)
    followup.add_payment(prog.users["chef"], convention, kind="solde", amount="100", due_on="31/12/2026")
    before = _state(app)
    with pytest.raises(ValidationError) as err:
        followup.add_payment(prog.users["chef"], convention, kind=kind, amount=amount, due_on=due_on)
    assert any(message in m for m in err.value.messages), err.value.messages
    assert _state(app) == before


def test_first_payment_moves_the_dossier_to_paid_and_the_balance_waits_for_the_bilan(prog):
    app, convention = agreed_application(prog)
    advance, balance = convention.payments.order_by("due_on")
    chef = prog.users["chef"]
    before = _state(app)
    with pytest.raises(ValidationError) as err:
        followup.mark_paid(chef, advance, paid_on="28/02/2026")
    assert err.value.messages == ["Un paiement ne peut pas précéder la convention."]
    with pytest.raises(ValidationError) as err:
        followup.mark_paid(chef, balance, paid_on="01/04/2026")
    assert err.value.messages == ["Le solde se paie après le dépôt du bilan."]
    assert _state(app) == before
    followup.mark_paid(chef, advance, paid_on="20/03/2026", reference="MDT-4512")
    app.refresh_from_db()
    assert app.status == Status.PAID
    advance.refresh_from_db()
    assert advance.paid_on == dt.date(2026, 3, 20) and advance.reference == "MDT-4512"
    with pytest.raises(ValidationError):
        followup.mark_paid(chef, advance, paid_on="21/03/2026")  # already paid
    with pytest.raises(PermissionDenied):
        followup.mark_paid(prog.users["partenaire"], balance, paid_on="01/04/2026")


def test_lateness(prog):
    _app, convention = agreed_application(prog)
    advance = convention.payments.get(kind="avance")
    assert advance.is_late(dt.date(2026, 3, 16)) and not advance.is_late(dt.date(2026, 3, 15))


def test_followup_page_shows_conventions_payments_and_lateness(prog, login):
    app, _convention = agreed_application(prog)
    html = login(prog.users["chef"]).get(reverse("programming:followup", args=[app.pk])).content.decode()
    assert "AP-2026-01" in html and "400,00 €" in html and "en retard" in html
    assert "Enregistrer le paiement" in html
    html = login(prog.users["partenaire"]).get(reverse("programming:followup", args=[app.pk])).content.decode()
    assert "AP-2026-01" in html and "Enregistrer le paiement" not in html


def test_convention_form_posts_and_errors_show_in_french(prog, login):
    app, funding = granted_application(prog)
    client = login(prog.users["chef"])
    url = reverse("programming:followup_convention", args=[funding.pk])
    data = {f"c{funding.pk}-{k}": v for k, v in _convention(signed_on="01/01/2026").items() if v is not False}
    before = _state(app)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "La convention ne peut pas précéder la décision." in response.content.decode()
    assert _state(app) == before
    data[f"c{funding.pk}-signed_on"] = "01/03/2026"
    response = client.post(url, data)
    assert response.status_code == 302 and Convention.objects.filter(funding=funding).exists()


def test_payment_forms_post(prog, login):
    app, convention = agreed_application(prog, payments=False)
    client = login(prog.users["chef"])
    prefix = f"p{convention.funding_id}"
    response = client.post(
        reverse("programming:followup_payment_add", args=[convention.pk]),
        {f"{prefix}-kind": "avance", f"{prefix}-amount": "900", f"{prefix}-due_on": "15/03/2026"},
    )
    assert "dépasserait le montant accordé" in response.content.decode()
    assert not Payment.objects.exists()
    client.post(
        reverse("programming:followup_payment_add", args=[convention.pk]),
        {f"{prefix}-kind": "avance", f"{prefix}-amount": "500,00", f"{prefix}-due_on": "15/03/2026"},
    )
    payment = Payment.objects.get()
    assert payment.amount == Decimal("500")
    response = client.post(
        reverse("programming:followup_payment_paid", args=[payment.pk]), {"paid_on": "16/03/2026", "reference": "M1"}
    )
    assert response.status_code == 302
    assert Application.objects.get(pk=app.pk).status == Status.PAID


def test_another_structures_dossier_is_refused_and_unchanged(prog, login):
    app, convention = agreed_application(prog, carrier=prog.extra["other_carrier"])
    client = login(prog.users["partenaire"])
    before = _state(app)
    assert client.get(reverse("programming:followup", args=[app.pk])).status_code == 403
    payment = convention.payments.first()
    response = client.post(reverse("programming:followup_payment_paid", args=[payment.pk]), {"paid_on": "16/03/2026"})
    assert response.status_code == 403
    assert _state(app) == before


def _add_dossier(prog, number):
    app, convention = agreed_application(prog, title=f"Action {number}")
    return app


def test_payments_due_page_lists_late_ones_with_constant_queries(prog, login):
    client = login(prog.users["chef"])
    url = reverse("programming:followup_due", args=[prog.extra["call"].pk])
    _add_dossier(prog, 1)
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        html = client.get(url).content.decode()
    assert "Action 1" in html and "en retard" in html
    for number in range(2, 6):
        _add_dossier(prog, number)
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert "Action 5" in html
    assert len(many) == len(few)
    assert login(prog.users["partenaire"]).get(url).status_code == 403


def test_carrier_years_and_renewal_chain(prog, login):
    first, convention = agreed_application(prog, status=Status.AGREED, title="Atelier 2026")
    followup.mark_paid(prog.users["chef"], convention.payments.get(kind="avance"), paid_on="20/03/2026")
    renewal = make_application(prog.extra["call_dk"], prog.extra["carrier"], title="Atelier reconduit")
    renewal.renewal_of = first
    renewal.save()
    client = login(prog.users["partenaire"])
    html = _text(client.get(reverse("programming:carrier_years", args=[prog.extra["carrier"].pk])))
    assert "Atelier 2026" in html and "1 000,00 €" in html and "800,00 €" in html and "400,00 €" in html
    html = client.get(reverse("programming:renewal_chain", args=[renewal.pk])).content.decode()
    html = html[html.index("<tbody") :]
    assert html.index("Atelier 2026") < html.index("Atelier reconduit")
    # The chef of Dunkerque steers the renewal's call, not the first year's: he sees only what he may see.
    html = login(prog.users["autre_chef"]).get(reverse("programming:renewal_chain", args=[renewal.pk])).content.decode()
    html = html[html.index("<tbody") :]
    assert "Atelier reconduit" in html and "Atelier 2026" not in html


def test_carrier_years_queries_do_not_grow(prog, login):
    client = login(prog.users["partenaire"])
    url = reverse("programming:carrier_years", args=[prog.extra["carrier"].pk])
    _add_dossier(prog, 1)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(2, 6):
        _add_dossier(prog, number)
    with CaptureQueriesContext(connection) as many:
        assert "Action 5" in client.get(url).content.decode()
    assert len(many) == len(few)


def test_followup_page_queries_do_not_grow_with_payments(prog, login):
    app, convention = agreed_application(prog, payments=False)
    client = login(prog.users["chef"])
    url = reverse("programming:followup", args=[app.pk])
    Payment.objects.create(convention=convention, kind="avance", amount=Decimal("10"), due_on=dt.date(2026, 3, 1))
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for day in range(2, 12):
        Payment.objects.create(
            convention=convention, kind="acompte", amount=Decimal("10"), due_on=dt.date(2026, 3, day)
        )
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).content.decode().count("Enregistrer le paiement") == 11
    assert len(many) == len(few)
