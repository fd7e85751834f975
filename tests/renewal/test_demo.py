import io
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command

from quartiers.renewal import demo, services
from quartiers.renewal.models import FundingLine, Milestone, Operation, Project

LATEST_TOLERATED = timedelta(days=3 * 365)  # a real project is late by weeks or months, not by 2,800 days


def _project():
    return Project.objects.get(name=demo.PROJECT_NAME)


def _counts():
    return [m.objects.count() for m in (Project, Operation, Milestone, FundingLine)]


def test_demo_schedule_is_a_plausible_mix_against_today(world):
    today = date.today()
    demo.load_demo(io.StringIO())  # no `today`: the day it runs
    project = _project()
    operations = project.operations.all()
    late = set(operations.late(today))
    delivered = set(operations.filter(status=Operation.Status.DELIVERED))
    under_way = set(operations.filter(status__in=["engagee", "en_cours"]))
    assert delivered and late and under_way - late  # some done, some late, some on time
    assert len(late) < len(under_way)
    overdue = Milestone.objects.filter(
        operation__project=project, actual_date__isnull=True, planned_date__lt=today
    ).exclude(operation__status__in=["livree", "abandonnee"])
    assert all(today - m.planned_date < LATEST_TOLERATED for m in overdue)
    assert Milestone.objects.filter(operation__project=project, planned_date__gt=today).exists()
    assert not Milestone.objects.filter(actual_date__gt=today).exists()  # nothing reached in the future
    flags = services.risk_flags(project, today)
    delays = [int(f["text"].split("en retard de ")[1].split()[0]) for f in flags if "en retard de" in f["text"]]
    assert delays and max(delays) < LATEST_TOLERATED.days
    assert project.rehousing.get().as_of < today


def test_demo_dates_move_with_the_day_it_is_loaded_and_stay_idempotent(world):
    first, later = date(2026, 3, 10), date(2027, 9, 1)
    demo.load_demo(io.StringIO(), today=first)
    before = _counts()
    late_then = set(_project().operations.late(first))
    planned = dict(Milestone.objects.values_list("pk", "planned_date"))
    deadlines = dict(Operation.objects.exclude(commitment_deadline=None).values_list("pk", "commitment_deadline"))
    demo.load_demo(io.StringIO(), today=first)
    assert _counts() == before and dict(Milestone.objects.values_list("pk", "planned_date")) == planned
    out = io.StringIO()
    demo.load_demo(out, today=later)
    assert _counts() == before  # same rows (natural keys), dates refreshed
    shift = later - first
    moved = dict(Milestone.objects.values_list("pk", "planned_date"))
    assert all(moved[pk] - day == shift for pk, day in planned.items())
    assert all(
        deadline + shift == Operation.objects.get(pk=pk).commitment_deadline for pk, deadline in deadlines.items()
    )
    assert _project().rehousing.get().as_of == date(2027, 6, 30)
    assert "dates recalées sur le 01/09/2027" in out.getvalue()
    assert set(_project().operations.late(later)) == late_then  # the same story, told as of the new day


def test_demo_command_takes_a_reference_day(world):
    call_command("demo", "--sans-reference", "--date", "2030-02-01", stdout=io.StringIO())
    project = _project()
    assert project.operations.late(date(2030, 2, 1)).exists()
    assert Milestone.objects.filter(operation__project=project, planned_date__year=2030).exists()
    assert not Milestone.objects.filter(operation__project=project, actual_date__gt=date(2030, 2, 1)).exists()


def test_demo_command_refuses_a_bad_reference_day(db):
    with pytest.raises(CommandError, match="Date invalide « 05/12/2026 » : attendu AAAA-MM-JJ"):
        call_command("demo", "--sans-reference", "--date", "05/12/2026", stdout=io.StringIO())
    assert not Project.objects.exists()
