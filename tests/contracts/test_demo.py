from io import StringIO

from quartiers.contracts import demo as contracts_demo
from quartiers.contracts.models import Amendment, Commitment, Contract, StatusChange
from quartiers.mobilisation import demo as mobilisation_demo
from quartiers.mobilisation.models import Company, Measure
from tests.world import build_geography


def _run():
    out = StringIO()
    mobilisation_demo.load_reference(out)
    contracts_demo.load_demo(out)
    mobilisation_demo.load_demo(out)
    return out.getvalue()


def test_demo_tells_the_calais_story_and_is_idempotent(db):
    build_geography()  # only CN06207M exists here: the other Littoral contracts are skipped with a message
    report = _run()
    assert "CN06205I absent des données de référence, ignoré." in report
    assert "Hazebrouck" in report
    counts = (Contract.objects.count(), Commitment.objects.count(), StatusChange.objects.count())
    assert _run() and (Contract.objects.count(), Commitment.objects.count(), StatusChange.objects.count()) == counts
    calais = Contract.objects.get(reference__code="CN06207M")
    old = Contract.objects.get(generation="2015-2023", epci_id="200090751")
    assert Amendment.objects.filter(contract=old, kind="perr_2019").exists()
    kinds = set(Commitment.objects.filter(contract=calais).values_list("kind", flat=True))
    assert kinds == {"signataire", "pacte_dijon", "paqte", "deploiement"}
    statuses = set(Commitment.objects.values_list("status", flat=True))
    assert statuses == {"prevu", "engage", "realise", "abandonne"}
    assert Company.objects.count() == 2
    assert all("fictive" in c.organisation.name for c in Company.objects.all())
    assert (
        Measure.objects.filter(
            code__in=["emplois-francs", "cites-educatives", "dedoublement-cp-ce1", "paqte", "adultes-relais"]
        ).count()
        == 5
    )


def test_demo_without_reference_contract_does_not_crash(db):
    report = _run()
    assert "CN06207M absent" in report
    assert not Commitment.objects.exists()


def test_demo_deadlines_follow_the_day_it_is_loaded(db):
    """The 2024 contract's deadlines are judged against today (ahead, late, done); the PERR 2019 keeps its own."""
    import datetime as dt

    build_geography()
    today = dt.date.today()
    _run()
    calais = Contract.objects.get(reference__code="CN06207M")
    current = Commitment.objects.filter(contract=calais)
    late = [c for c in current if c.is_late]
    ahead = current.filter(due_on__gt=today, status__in=["prevu", "engage"])
    assert late and ahead.exists() and current.filter(status="realise").exists()
    assert all(today - c.due_on < dt.timedelta(days=365) for c in late)
    assert Commitment.objects.filter(amendment__kind="perr_2019", due_on=dt.date(2022, 12, 31)).exists()
    due = dict(current.values_list("pk", "due_on"))
    later = today + dt.timedelta(days=400)
    out = StringIO()
    contracts_demo.load_demo(out, today=later)
    mobilisation_demo.load_demo(out, today=later)
    moved = dict(Commitment.objects.filter(contract=calais).values_list("pk", "due_on"))
    assert moved.keys() == due.keys() and all(moved[pk] > due[pk] for pk in due)
