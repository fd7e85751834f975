import pytest
from django.core import mail

from quartiers.core.models import AuditEvent
from quartiers.gup import services
from quartiers.gup.models import Status
from tests.gup import helpers as h


def test_full_path_to_resolved_stores_the_duration(world, django_capture_on_commit_callbacks):
    report = h.report(world)
    partner = world.users["partenaire"]
    services.transition(partner, report, "prendre_en_charge")
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(partner, report, "resoudre")
    report.refresh_from_db()
    assert report.status == Status.RESOLU
    assert report.resolved_at and report.resolution_seconds >= 0
    assert [c.to_status for c in report.history.all()] == ["transmis", "pris_en_charge", "resolu"]
    assert AuditEvent.objects.filter(object_id=str(report.pk), action__contains="marquer résolu").exists()
    # The reporter (the chef) follows it and is told; the actor is not.
    assert [m.to for m in mail.outbox] == [[world.users["chef"].email]]
    assert "résolu" in mail.outbox[0].subject


@pytest.mark.parametrize(
    "steps,verb",
    [((), "transmettre"), (("resoudre",), "prendre_en_charge"), (("rejeter",), "resoudre")],
)
def test_illegal_transitions_are_refused_in_french(world, steps, verb):
    report = h.report(world)
    for step in steps:
        services.transition(world.users["chef"], report, step, motif="motif de test")
    before = report.history.count()
    with pytest.raises(services.GupError, match="Transition impossible"):
        services.transition(world.users["chef"], report, verb, manager=world.orgs["agglo"])
    assert report.history.count() == before


def test_reject_and_redirect_need_a_motif(world):
    report = h.report(world)
    with pytest.raises(services.GupError, match="motif"):
        services.transition(world.users["partenaire"], report, "rejeter")
    with pytest.raises(services.GupError, match="motif"):
        services.transition(world.users["partenaire"], report, "rediriger", manager=world.orgs["agglo"])
    report.refresh_from_db()
    assert report.status == Status.TRANSMIS


def test_redirect_changes_the_manager_and_who_may_act(world):
    from quartiers.core.permissions import can

    report = h.report(world)
    partner = world.users["partenaire"]
    assert can(partner, "change", report)
    services.transition(
        partner, report, "rediriger", motif="Espace public : c'est la ville", manager=world.orgs["agglo"]
    )
    report.refresh_from_db()
    assert report.status == Status.REDIRIGE and report.manager == world.orgs["agglo"]
    last = report.history.last()
    assert last.from_manager == world.orgs["bailleur"] and last.motif.startswith("Espace public")
    # The landlord's partner kept their territorial contributor role, but no longer owns the report.
    assert not can(partner, "change", report)


def test_transition_view_shows_the_french_error(world, login):
    report = h.report(world)
    client = login(world.users["chef"])
    response = client.post(f"/gup/signalements/{report.pk}/statut/", {"verb": "rejeter"}, follow=True)
    assert "Indiquez le motif" in response.content.decode()
    report.refresh_from_db()
    assert report.status == Status.TRANSMIS


def test_comment_notifies_followers(world, django_capture_on_commit_callbacks):
    report = h.report(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.add_comment(world.users["partenaire"], report, "Intervention prévue jeudi.")
    assert mail.outbox and mail.outbox[-1].to == [world.users["chef"].email]
    with pytest.raises(services.GupError):
        services.add_comment(world.users["partenaire"], report, "   ")


def test_the_transitions_table_is_the_one_place_the_workflow_is_declared(world):
    from quartiers.gup.models import TRANSITIONS

    report = h.report(world)  # routed to the bailleur: « transmis »
    offered = [t.verb for t in report.allowed_transitions()]
    assert offered == ["prendre_en_charge", "resoudre", "rejeter", "rediriger"]
    assert services.allowed_transitions(report) == offered
    # Every status a move leads to is a real status, and closed reports offer nothing.
    assert {t.target for t in TRANSITIONS.values()} <= set(Status.values)
    services.transition(world.users["partenaire"], report, "resoudre")
    assert report.allowed_transitions() == []


def test_an_unknown_verb_is_refused_in_french(world):
    report = h.report(world)
    with pytest.raises(services.GupError, match="Action inconnue"):
        services.transition(world.users["chef"], report, "supprimer")


def test_the_services_ask_the_policy_themselves(world):
    """A caller that forgot the view's check still cannot move a report of another territory."""
    from django.core.exceptions import PermissionDenied

    report = h.report(world)
    before = report.history.count()
    with pytest.raises(PermissionDenied):
        services.transition(world.users["autre_chef"], report, "prendre_en_charge")
    with pytest.raises(PermissionDenied):
        services.add_comment(world.users["autre_chef"], report, "Pas mon territoire")
    with pytest.raises(PermissionDenied):
        h.report(world, user=world.users["autre_chef"])  # filing in a Calais quartier
    report.refresh_from_db()
    assert report.status == Status.TRANSMIS and report.history.count() == before
    assert not report.comments.exists()
