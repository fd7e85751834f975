"""Validation of the programming's models: identifiers, calendar, dates, CERFA accounts, amounts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from quartiers.programming.identifiers import validate_rna, validate_siret
from quartiers.programming.models import Application, BudgetLine, Carrier
from tests.programming.helpers import LA_POSTE_SIRET, VALID_SIRET, make_application, make_call


def test_siret_checks_length_and_luhn_key_with_the_la_poste_exception():
    validate_siret(VALID_SIRET)
    validate_siret("732 829 320 00074")  # spaces as people type them
    validate_siret(LA_POSTE_SIRET)
    with pytest.raises(ValidationError, match="14 chiffres"):
        validate_siret("7328293200007")
    with pytest.raises(ValidationError, match="clé de contrôle"):
        validate_siret("73282932000075")
    with pytest.raises(ValidationError, match="14 chiffres"):
        validate_siret("7328293200007A")


def test_rna_is_w_and_nine_digits():
    validate_rna("W623001234")
    for bad in ("623001234", "W62300123", "W6230012345", "X623001234", "W62300123A"):
        with pytest.raises(ValidationError, match="W suivi de 9 chiffres"):
            validate_rna(bad)


@pytest.mark.django_db
def test_carrier_full_clean_refuses_bad_identifiers_and_rna_outside_associations():
    with pytest.raises(ValidationError) as err:
        Carrier(name="X", kind="association", siret="12345678901234", rna="W12").full_clean()
    assert set(err.value.message_dict) == {"siret", "rna"}
    with pytest.raises(ValidationError, match="Seule une association"):
        Carrier(name="X", kind="entreprise", siret=VALID_SIRET, rna="W623001234").full_clean()
    carrier = Carrier(name="X", kind="association", siret="732 829 320 00074", rna="w623001234")
    carrier.full_clean()
    assert (carrier.siret, carrier.rna) == (VALID_SIRET, "W623001234")


def test_call_calendar_must_run_in_order(prog):
    contract = prog.extra["calais_contract"]
    call = make_call(contract, title="Autre appel")
    call.full_clean()
    call.closes_on = dt.date(2025, 9, 1)  # before the opening
    with pytest.raises(ValidationError) as err:
        call.full_clean()
    assert "closes_on" in err.value.message_dict
    assert "doit suivre la date « ouverture »" in err.value.message_dict["closes_on"][0]
    call.closes_on, call.technical_committee_on = dt.date(2025, 11, 30), None
    call.steering_committee_on = dt.date(2025, 11, 1)  # before the deadline, the missing committee skipped
    with pytest.raises(ValidationError, match="comité de pilotage"):
        call.full_clean()


def test_call_is_open_between_opening_and_deadline(prog):
    call = prog.extra["call"]
    assert call.is_open(dt.date(2025, 10, 1)) and call.is_open(dt.date(2025, 11, 30))
    assert not call.is_open(dt.date(2025, 12, 1))


def test_application_dates_in_order(prog):
    app = make_application(prog.extra["call"], prog.extra["carrier"])
    app.starts_on, app.ends_on = dt.date(2026, 3, 1), dt.date(2026, 2, 1)
    with pytest.raises(ValidationError, match="ne peut pas précéder son début"):
        app.full_clean()
    app.ends_on = dt.date(2026, 3, 1)
    app.full_clean()


def test_budget_line_accounts_follow_the_cerfa_layout(prog):
    app = make_application(prog.extra["call"], prog.extra["carrier"])
    with pytest.raises(ValidationError, match="n'est pas un compte de charges"):
        BudgetLine(application=app, side="depense", account_class="74", amount=1).full_clean()
    with pytest.raises(ValidationError, match="n'est pas un compte de produits"):
        BudgetLine(application=app, side="recette", account_class="64", amount=1).full_clean()
    with pytest.raises(ValidationError, match="nomme son financeur"):
        BudgetLine(application=app, side="recette", account_class="74", amount=1).full_clean()
    with pytest.raises(ValidationError, match="Seul le compte 74"):
        BudgetLine(application=app, side="recette", account_class="70", financer="caf", amount=1).full_clean()
    for side, code in [("depense", "86"), ("recette", "87"), ("depense", "60"), ("recette", "78")]:
        BudgetLine(application=app, side=side, account_class=code, amount=1).full_clean()
    BudgetLine(application=app, side="recette", account_class="74", financer="caf", amount=1).full_clean()
    BudgetLine(
        application=app, side="recette", account_class="74", call_financer=prog.extra["state_financer"], amount=1
    ).full_clean()


def test_budget_line_financer_of_another_call_is_refused(prog):
    app = make_application(prog.extra["call_dk"], prog.extra["carrier"])
    line = BudgetLine(
        application=app, side="recette", account_class="74", call_financer=prog.extra["state_financer"], amount=1
    )
    with pytest.raises(ValidationError, match="ne participe pas à l'appel"):
        line.full_clean()


def test_negative_amount_refused_by_validation_and_by_the_database(prog):
    app = make_application(prog.extra["call"], prog.extra["carrier"])
    with pytest.raises(ValidationError) as err:
        BudgetLine(application=app, side="depense", account_class="60", amount=Decimal("-1")).full_clean()
    assert "amount" in err.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.create(application=app, side="depense", account_class="60", amount=Decimal("-1"))
    assert not BudgetLine.objects.exists()


def test_application_starts_as_a_draft_and_renews_another(prog):
    first = make_application(prog.extra["call"], prog.extra["carrier"])
    second = make_application(prog.extra["call"], prog.extra["carrier"], title="Reconduction")
    second.renewal_of = first
    second.save()
    assert first.status == Application.Status.DRAFT
    assert list(first.renewals.all()) == [second]
