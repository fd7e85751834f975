"""The forecast budget: French amounts, the balance a submission requires, and the gap named in euros."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from quartiers.core.audit import AuditEvent
from quartiers.programming import services
from quartiers.programming.models import Application, BudgetLine
from quartiers.programming.money import euros, parse_amount
from tests.programming.helpers import balance, make_application


def test_parse_amount_reads_french_numbers():
    assert parse_amount("1 250,50") == Decimal("1250.50")
    assert parse_amount("1.250,5") == Decimal("1250.50")
    assert parse_amount("1\u00a0250") == Decimal("1250.00")
    assert parse_amount("80.25") == Decimal("80.25")
    assert parse_amount(Decimal("3")) == Decimal("3.00")


@pytest.mark.parametrize(
    "raw, message",
    [
        ("-5", "ne peut pas être négatif"),
        ("douze", "n'est pas un nombre"),
        ("", "obligatoire"),
        ("1,234", "deux décimales"),
    ],
)
def test_parse_amount_refuses_bad_input_in_french(raw, message):
    with pytest.raises(ValidationError, match=message):
        parse_amount(raw)


def test_euros_writes_the_french_way():
    assert euros(Decimal("1250")) == "1 250,00 €"
    assert euros(Decimal("1234567.8")) == "1 234 567,80 €"
    assert euros(Decimal("12")) == "12,00 €"


def test_add_budget_line_accepts_decimal_commas(prog):
    app = make_application(prog.extra["call"], prog.extra["carrier"])
    partner = prog.users["partenaire"]
    line = services.add_budget_line(partner, app, side="depense", account_class="64", amount="2 500,75")
    assert line.amount == Decimal("2500.75")
    with pytest.raises(ValidationError, match="négatif"):
        services.add_budget_line(partner, app, side="depense", account_class="60", amount="-3")
    with pytest.raises(ValidationError, match="pas un nombre"):
        services.add_budget_line(partner, app, side="depense", account_class="60", amount="abc")
    assert list(BudgetLine.objects.values_list("amount", flat=True)) == [Decimal("2500.75")]


def test_balanced_budget_submits(prog):
    app = make_application(prog.extra["call"], prog.extra["carrier"])
    balance(app, Decimal("1250.00"), call_financer=prog.extra["state_financer"])
    services.submit(prog.users["partenaire"], app)
    app.refresh_from_db()
    assert app.status == Application.Status.SUBMITTED
    assert AuditEvent.objects.filter(object_id=str(app.pk), action__startswith="dossier :").count() == 1


@pytest.mark.parametrize(
    "expenses, income, gap",
    [
        ("3250", "2000", "les charges (3 250,00 €) dépassent les produits (2 000,00 €) de 1 250,00 €"),
        ("1000", "1000,50", "les produits (1 000,50 €) dépassent les charges (1 000,00 €) de 0,50 €"),
    ],
)
def test_unbalanced_budget_is_refused_naming_the_gap(prog, expenses, income, gap):
    app = make_application(prog.extra["call"], prog.extra["carrier"])
    partner = prog.users["partenaire"]
    services.add_budget_line(partner, app, side="depense", account_class="64", amount=expenses)
    services.add_budget_line(partner, app, side="recette", account_class="74", financer="commune", amount=income)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as err:
        services.submit(partner, app)
    assert err.value.messages == [f"Le budget prévisionnel n'est pas équilibré : {gap}."]
    app.refresh_from_db()
    assert app.status == Application.Status.DRAFT
    assert AuditEvent.objects.count() == events


def test_empty_budget_is_refused(prog):
    app = make_application(prog.extra["call"], prog.extra["carrier"])
    with pytest.raises(ValidationError, match="budget prévisionnel est vide"):
        services.submit(prog.users["partenaire"], app)


def test_budget_is_frozen_once_submitted(prog):
    app = make_application(prog.extra["call"], prog.extra["carrier"], status=Application.Status.SUBMITTED)
    with pytest.raises(ValidationError, match="ne se modifie plus"):
        services.add_budget_line(prog.users["partenaire"], app, side="depense", account_class="60", amount="10")
    assert not BudgetLine.objects.exists()


def test_targets_limited_to_the_contract(prog):
    app = make_application(prog.extra["call"], prog.extra["carrier"])
    chef = prog.users["chef"]
    with pytest.raises(ValidationError, match="quartiers du contrat"):
        services.set_targets(chef, app, qpvs=[prog.qpv, prog.qpv_dunkerque])
    assert not app.qpvs.exists()
    services.set_targets(chef, app, qpvs=[prog.qpv], objectives=[prog.extra["objective"]])
    assert list(app.qpvs.all()) == [prog.qpv]
    assert list(app.objectives.all()) == [prog.extra["objective"]]


def test_requested_amounts_per_financer_come_from_the_subsidy_lines(prog):
    app = make_application(prog.extra["call"], prog.extra["carrier"])
    state, agglo = (
        prog.extra["state_financer"],
        prog.extra["call"].financers.exclude(pk=prog.extra["state_financer"].pk).get(),
    )
    partner = prog.users["partenaire"]
    services.add_budget_line(partner, app, side="depense", account_class="64", amount="5 000")
    services.add_budget_line(partner, app, side="recette", account_class="74", call_financer=state, amount="2 000")
    services.add_budget_line(partner, app, side="recette", account_class="74", call_financer=state, amount="500,50")
    services.add_budget_line(partner, app, side="recette", account_class="74", call_financer=agglo, amount="1 000")
    services.add_budget_line(partner, app, side="recette", account_class="74", financer="caf", amount="1 499,50")
    assert app.requested_amounts() == {state.pk: Decimal("2500.50"), agglo.pk: Decimal("1000.00")}
    services.submit(partner, app)  # 5 000 = 2 500,50 + 1 000 + 1 499,50
