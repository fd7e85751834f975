"""Registrations (capacity, waiting list, promotion), votes, status workflow, reminders."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from quartiers.core.models import AuditEvent
from quartiers.network import services
from quartiers.network.models import AxisSupport, NetworkMember, PriorityAxis, Registration
from quartiers.network.services import NetworkError
from tests.network.helpers import make_axis, make_meeting, make_network, member

CONFIRMED, WAITING, CANCELLED = "inscrit", "attente", "annule"


def _extra_member(w, name):
    return NetworkMember.objects.create(network=make_network(w), full_name=name, email=f"{name}@exemple.test")


def test_registration_within_capacity_then_waiting_list(world):
    meeting = make_meeting(world, capacity=2)
    first = services.register(meeting, member(world, "chef"), world.users["chef"])
    second = services.register(meeting, member(world, "lecteur"), world.users["lecteur"])
    third = services.register(meeting, member(world, "partenaire"), world.users["partenaire"])
    assert [first.status, second.status, third.status] == [CONFIRMED, CONFIRMED, WAITING]
    assert AuditEvent.objects.filter(action="inscription à une rencontre").count() == 3


def test_cancellation_promotes_the_first_on_the_waiting_list(world, django_capture_on_commit_callbacks):
    meeting = make_meeting(world, capacity=1)
    seated = services.register(meeting, member(world, "chef"), None)
    first_waiting = services.register(meeting, member(world, "lecteur"), None)
    second_waiting = services.register(meeting, member(world, "partenaire"), None)
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.cancel(seated, world.users["chef"])
    assert promoted.pk == first_waiting.pk
    first_waiting.refresh_from_db()
    second_waiting.refresh_from_db()
    seated.refresh_from_db()
    assert (seated.status, first_waiting.status, second_waiting.status) == (CANCELLED, CONFIRMED, WAITING)
    assert first_waiting.promoted_at is not None
    assert [m.to for m in mail.outbox] == [["lecteur@exemple.test"]]
    assert "Une place s'est libérée" in mail.outbox[0].body


def test_cancelling_a_waiting_registration_promotes_nobody(world):
    meeting = make_meeting(world, capacity=1)
    services.register(meeting, member(world, "chef"), None)
    waiting = services.register(meeting, member(world, "lecteur"), None)
    assert services.cancel(waiting, None) is None
    assert meeting.registrations.filter(status=CONFIRMED).count() == 1


def test_raising_the_capacity_promotes_the_waiting_list(world):
    meeting = make_meeting(world, capacity=1)
    services.register(meeting, member(world, "chef"), None)
    waiting = services.register(meeting, member(world, "lecteur"), None)
    meeting.capacity = 5
    services.update_meeting(meeting, None)
    waiting.refresh_from_db()
    assert waiting.status == CONFIRMED


def test_double_registration_is_refused_and_nothing_changes(world):
    meeting = make_meeting(world)
    services.register(meeting, member(world, "chef"), None)
    with pytest.raises(NetworkError, match="déjà inscrit"):
        services.register(meeting, member(world, "chef"), None)
    assert meeting.registrations.count() == 1


def test_registration_again_after_cancelling_reuses_the_row(world):
    meeting = make_meeting(world, capacity=1)
    services.cancel(services.register(meeting, member(world, "chef"), None), None)
    again = services.register(meeting, member(world, "chef"), None)
    assert again.status == CONFIRMED
    assert meeting.registrations.count() == 1


def test_past_meeting_and_closed_registrations_are_refused(world):
    past = make_meeting(world, days=-3)
    with pytest.raises(NetworkError, match="déjà eu lieu"):
        services.register(past, member(world, "chef"), None)
    closed = make_meeting(world, registrations_open=False)
    with pytest.raises(NetworkError, match="pas ouvertes"):
        services.register(closed, member(world, "chef"), None)
    assert not Registration.objects.exists()


def test_only_members_register(world):
    meeting = make_meeting(world)
    with pytest.raises(NetworkError, match="Seuls les membres"):
        services.register(meeting, None, world.users["admin"])
    inactive = _extra_member(world, "ancien")
    inactive.active = False
    inactive.save()
    with pytest.raises(NetworkError, match="Seuls les membres"):
        services.register(meeting, inactive, None)
    assert not Registration.objects.exists()


def test_attendance_rejects_unknown_values_without_writing(world):
    meeting = make_meeting(world, days=-1)
    registration = Registration.objects.create(meeting=meeting, member=member(world, "chef"))
    other = Registration.objects.create(meeting=meeting, member=member(world, "lecteur"))
    with pytest.raises(NetworkError, match="inconnue"):
        services.set_attendance(meeting, {registration.pk: "present", other.pk: "peut-être"}, None)
    registration.refresh_from_db()
    assert registration.attendance == ""
    assert services.set_attendance(meeting, {registration.pk: "present", other.pk: "absent"}, None) == 2
    registration.refresh_from_db()
    assert registration.attendance == "present"


def test_one_vote_per_member(world):
    axis = make_axis(world)
    services.support(axis, member(world, "chef"), None)
    with pytest.raises(NetworkError, match="un seul soutien"):
        services.support(axis, member(world, "chef"), None)
    services.support(axis, member(world, "lecteur"), None)
    assert AxisSupport.objects.filter(axis=axis).count() == 2
    services.withdraw_support(axis, member(world, "lecteur"), None)
    assert AxisSupport.objects.filter(axis=axis).count() == 1


def test_ranking_follows_support_and_puts_closed_axes_last(world):
    network = make_network(world)
    low = make_axis(world, title="Peu soutenu")
    high = make_axis(world, title="Très soutenu")
    dropped = make_axis(world, title="Abandonné", status="abandonne")
    for role in ("chef", "lecteur"):
        services.support(high, member(world, role), None)
    AxisSupport.objects.create(axis=dropped, member=member(world, "partenaire"))
    AxisSupport.objects.create(axis=dropped, member=member(world, "chef"))
    AxisSupport.objects.create(axis=dropped, member=member(world, "lecteur"))
    services.support(low, member(world, "partenaire"), None)
    ranked = list(network.axes.ranked())
    assert [a.title for a in ranked] == ["Très soutenu", "Peu soutenu", "Abandonné"]
    assert ranked[0].support_count == 2


def test_status_workflow(world):
    axis = make_axis(world)
    with pytest.raises(NetworkError, match="ne peut pas passer"):
        services.change_status(axis, "atteint", None)
    axis.refresh_from_db()
    assert axis.status == "propose"
    for status in ("retenu", "en_cours", "atteint"):
        services.change_status(axis, status, None)
    assert PriorityAxis.objects.get(pk=axis.pk).status == "atteint"
    with pytest.raises(NetworkError):
        services.change_status(axis, "abandonne", None)
    with pytest.raises(NetworkError, match="ne peut plus être soutenu"):
        services.support(axis, member(world, "chef"), None)


def test_working_group_and_notes(world):
    axis = make_axis(world)
    services.set_group_member(axis, member(world, "chef"), True, None)
    services.set_group_member(axis, member(world, "lecteur"), False, None)
    services.set_group_member(axis, member(world, "chef"), False, None)  # update, not a duplicate
    assert axis.group_members.count() == 2
    services.remove_group_member(axis, member(world, "lecteur"), None)
    with pytest.raises(NetworkError, match="ne fait pas partie"):
        services.remove_group_member(axis, member(world, "lecteur"), None)
    with pytest.raises(NetworkError, match="vide"):
        services.add_note(axis, date(2026, 11, 26), "   ", None)
    services.add_note(axis, date(2026, 11, 26), "Première réunion du groupe.", None)
    assert axis.notes.get().text == "Première réunion du groupe."


def test_reminders_are_sent_once_to_confirmed_registrants_of_the_coming_days(world):
    soon = make_meeting(world, days=1, capacity=1, title="Bientôt")
    later = make_meeting(world, days=20, title="Plus tard")
    services.register(soon, member(world, "chef"), None)
    services.register(soon, member(world, "lecteur"), None)  # waiting list: no reminder
    services.register(later, member(world, "partenaire"), None)
    mail.outbox.clear()
    assert services.send_reminders(2) == {"envoyes": 1, "sans_adresse": 0}
    assert mail.outbox[0].to == ["chef@exemple.test"]
    assert "Rappel : Bientôt" == mail.outbox[0].subject
    assert services.send_reminders(2)["envoyes"] == 0
    assert services.send_reminders(30, now=timezone.now() + timedelta(hours=1))["envoyes"] == 1


def test_invitations_are_sent_once(world, django_capture_on_commit_callbacks):
    meeting = make_meeting(world)
    members = list(make_network(world).members.all())
    with django_capture_on_commit_callbacks(execute=True):
        assert services.invite(meeting, members, None) == 3
    assert len(mail.outbox) == 3
    assert services.invite(meeting, members, None) == 0
