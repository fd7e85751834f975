import io

from quartiers.gup import demo
from quartiers.gup.models import Report, Status, TfpbAgreement, Walk
from tests.world import build_world


def test_demo_is_idempotent_and_tells_the_story(db):
    w = build_world()
    w.calais.lon, w.calais.lat = 1.8587, 50.9513  # test position for the commune centre
    w.calais.save()
    out = io.StringIO()
    demo.load_demo(out)
    walk = Walk.objects.get(title=demo.WALK_TITLE)
    assert walk.reports.count() == len(demo.WALK_FINDINGS)
    statuses = set(walk.reports.values_list("status", flat=True))
    assert {Status.RESOLU, Status.REJETE, Status.REDIRIGE, Status.PRIS_EN_CHARGE} <= statuses
    littoral = Report.objects.filter(reference__startswith=demo.DEMO_PREFIX).count()
    assert littoral == 500  # spread over the QPV 2024 of Calais present in the test world
    assert TfpbAgreement.objects.filter(qpv=w.qpv_beau_marais).count() == 2
    demo.load_demo(io.StringIO())
    assert Report.objects.count() == littoral + len(demo.WALK_FINDINGS)
    assert "Dunkerque" in out.getvalue() or "Boulogne" in out.getvalue()  # missing places are said, not crashed on


def test_demo_without_beau_marais_skips(db):
    out = io.StringIO()
    demo.load_demo(out)
    assert "ignorée" in out.getvalue() and not Report.objects.exists()


def test_demo_sends_no_mail(db, mailoutbox, django_capture_on_commit_callbacks):
    w = build_world()
    w.calais.lon, w.calais.lat = 1.8587, 50.9513
    w.calais.save()
    with django_capture_on_commit_callbacks(execute=True):
        demo.load_demo(io.StringIO())
    assert mailoutbox == []


def test_demo_dates_follow_the_day_it_is_loaded(db):
    """Open reports keep plausible ages and the TFPB years follow today, whatever day the demo is (re)loaded."""
    import datetime as dt

    from django.utils import timezone

    w = build_world()
    w.calais.lon, w.calais.lat = 1.8587, 50.9513
    w.calais.save()
    today = timezone.localdate()  # the users' day (Europe/Paris), not the server's UTC date
    demo.load_demo(io.StringIO())
    reports = Report.objects.filter(reference__startswith=demo.DEMO_PREFIX)
    assert not reports.filter(created_at__gt=timezone.now()).exists()
    assert reports.filter(created_at__date__gte=today - dt.timedelta(days=30)).exists()  # fresh ones
    open_ = reports.filter(status__in=[Status.NOUVEAU, Status.TRANSMIS, Status.PRIS_EN_CHARGE])
    assert open_.exists() and not open_.filter(created_at__date__lt=today - dt.timedelta(days=800)).exists()
    years = set(TfpbAgreement.objects.filter(qpv=w.qpv_beau_marais).values_list("year", flat=True))
    assert years == {today.year - 1, today.year}
    walk = Walk.objects.get(title=demo.WALK_TITLE)
    assert walk.date == today - dt.timedelta(days=40)
    ages = dict(reports.values_list("pk", "created_at"))
    later = today + dt.timedelta(days=200)
    demo.load_demo(io.StringIO(), today=later)
    moved = dict(reports.values_list("pk", "created_at"))
    assert moved.keys() == ages.keys()
    assert all(dt.timedelta(days=199) < moved[pk] - ages[pk] < dt.timedelta(days=201) for pk in ages)
    assert Walk.objects.get(pk=walk.pk).date == later - dt.timedelta(days=40)
    assert walk.reports.filter(created_at__date__gte=later - dt.timedelta(days=40)).count() == walk.reports.count()
    assert TfpbAgreement.objects.filter(qpv=w.qpv_beau_marais, year=later.year).exists()


def test_demo_dates_are_the_local_day_late_in_the_evening(db, monkeypatch):
    """At 23:30 UTC it is already tomorrow in Calais: the walk is dated 40 days before the local day."""
    import datetime as dt

    from django.utils import timezone

    w = build_world()
    w.calais.lon, w.calais.lat = 1.8587, 50.9513
    w.calais.save()
    late = dt.datetime(2026, 12, 5, 23, 30, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: late)
    demo.load_demo(io.StringIO())
    assert timezone.localdate() == dt.date(2026, 12, 6)
    assert Walk.objects.get(title=demo.WALK_TITLE).date == dt.date(2026, 12, 6) - dt.timedelta(days=40)
