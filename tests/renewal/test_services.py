from datetime import date
from decimal import Decimal

import pytest

from quartiers.core.models import AuditEvent
from quartiers.renewal import services
from quartiers.renewal.models import InsertionSnapshot, Milestone, Operation, Project, RehousingSnapshot
from tests.renewal.helpers import make_project


@pytest.mark.django_db
def test_balance_counts_one_for_one_without_abandoned(world):
    make_project(world)
    project = Project.objects.with_balances().get()
    balance = services.balance_of(project)
    assert (balance.demolished, balance.rebuilt_in_qpv, balance.rebuilt_out_qpv) == (100, 30, 50)
    assert balance.rebuilt == 80
    assert balance.one_for_one_gap == 20
    assert balance.out_qpv_share == 62
    assert balance.rehabilitated == 80


@pytest.mark.django_db
def test_consolidation_sums_projects_per_contract(world):
    make_project(world, name="A")
    make_project(world, name="B")
    Project.objects.create(name="Sans contrat", qpv=world.qpv_dunkerque, interest="regional", owner=world.orgs["cud"])
    rows, total = services.consolidation(Project.objects.select_related("contrat").with_balances())
    assert [r["projects"] for r in rows] == [2, 1]
    assert rows[0]["balance"].demolished == 200
    assert total.demolished == 200 and total.one_for_one_gap == 40


@pytest.mark.django_db
def test_risk_flags_late_milestone_and_deadline(world):
    project = make_project(world)
    op = project.operations.get(family="requalification")
    Milestone.objects.create(operation=op, label="Démarrage des travaux", planned_date=date(2026, 6, 1))
    flags = services.risk_flags(project, today=date(2026, 11, 26))
    texts = [f["text"] for f in flags]
    assert any("en retard de 178 jours" in t for t in texts)
    assert any("Date limite d'engagement le 31/01/2027" in t for t in texts)
    assert not services.risk_flags(project, today=date(2020, 1, 1))[1:]


@pytest.mark.django_db
def test_finance_table_totals(world):
    project = make_project(world)
    rows, total = services.finance_table(project)
    assert rows == [
        {
            "financer": "anru",
            "amount": Decimal("1000000.00"),
            "committed": Decimal("1000000.00"),
            "paid": Decimal("400000.00"),
            "label": "Subvention ANRU",
        }
    ]
    assert total["paid"] == Decimal("400000")


@pytest.mark.django_db
def test_save_operation_is_audited_and_delivery_means_100(world):
    project = make_project(world)
    op = project.operations.get(family="requalification")
    services.save_operation(world.users["chef"], project, {"status": Operation.Status.DELIVERED}, operation=op)
    op.refresh_from_db()
    assert op.progress == 100
    event = AuditEvent.objects.get(action="Opération modifiée")
    assert event.actor == world.users["chef"] and event.changes["status"] == ["prevue", "livree"]


@pytest.mark.django_db
def test_snapshots_replace_same_date(world):
    project = make_project(world)
    for rehoused in (5, 7):
        services.save_snapshot(
            None, project, RehousingSnapshot, {"as_of": date(2026, 1, 1), "to_rehouse": 10, "rehoused": rehoused}
        )
    assert RehousingSnapshot.objects.get().rehoused == 7
    services.save_snapshot(
        None, project, InsertionSnapshot, {"as_of": date(2026, 1, 1), "planned_hours": 100, "achieved_hours": 20}
    )
    assert project.insertion.get().achieved_hours == 20


@pytest.mark.django_db
def test_gantt_rows_spans(world):
    project = make_project(world)
    rows = {r["operation"].title: r for r in services.gantt_rows(project)}
    demolition = rows["Démolition test"]
    assert demolition["planned"] == (date(2020, 1, 1), date(2020, 1, 1))
    assert demolition["actual"] == (date(2020, 3, 1), date(2020, 3, 1))
    assert demolition["late"] is True
    assert rows["Requalification test"]["planned"] is None


@pytest.mark.django_db
def test_demo_is_idempotent(world, capsys):
    import io

    from quartiers.renewal import demo

    out = io.StringIO()
    demo.load_demo(out)
    demo.load_demo(out)
    project = Project.objects.get(name=demo.PROJECT_NAME)
    assert 35 <= project.operations.count() <= 45
    assert set(project.operations.values_list("status", flat=True)) == set(Operation.Status.values)
    assert "mis à jour" in out.getvalue() and Project.objects.filter(name=demo.PROJECT_NAME).count() == 1
