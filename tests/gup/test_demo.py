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
