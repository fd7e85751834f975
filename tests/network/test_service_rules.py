"""Every state change checks the policy itself, whoever calls it: refused for a user without the right,
with nothing written; `None` (the system: demo, commands, jobs) may act."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from quartiers.core.models import AuditEvent
from quartiers.core.permissions import LoginRequired
from quartiers.network import services
from quartiers.network.models import AxisNote, Invitation, Meeting, PriorityAxis, Registration
from tests.network.helpers import make_axis, make_meeting, make_network, member


def _unchanged(model, call, error=PermissionDenied):
    rows, events = model.objects.count(), AuditEvent.objects.count()
    with pytest.raises(error):
        call()
    assert (model.objects.count(), AuditEvent.objects.count()) == (rows, events)


def test_a_member_may_not_steer_a_meeting(world):
    meeting = make_meeting(world)
    lecteur = world.users["lecteur"]
    registration = services.register(meeting, member(world, "chef"), None)
    _unchanged(Invitation, lambda: services.invite(meeting, [member(world, "chef")], lecteur))
    _unchanged(Registration, lambda: services.set_attendance(meeting, {registration.pk: "present"}, lecteur))
    _unchanged(Registration, lambda: services.register(meeting, member(world, "partenaire"), lecteur, True))
    _unchanged(Registration, lambda: services.cancel(registration, lecteur))
    registration.refresh_from_db()
    assert (registration.status, registration.attendance) == ("inscrit", "")


def test_a_member_cancels_their_own_registration(world):
    meeting = make_meeting(world)
    registration = services.register(meeting, member(world, "lecteur"), world.users["lecteur"])
    services.unregister(meeting, member(world, "lecteur"), world.users["lecteur"])
    registration.refresh_from_db()
    assert registration.status == "annule"


def test_another_territory_may_not_register_or_propose(world):
    meeting = make_meeting(world)
    other = world.users["autre_chef"]
    _unchanged(Registration, lambda: services.register(meeting, member(world, "chef"), other))
    _unchanged(PriorityAxis, lambda: services.propose_axis(make_network(world), other, "Axe"))


def test_anonymous_is_sent_to_login(world):
    _unchanged(
        Registration,
        lambda: services.register(make_meeting(world), member(world, "chef"), AnonymousUser()),
        LoginRequired,
    )


def test_a_reader_in_scope_may_read_but_not_propose(world):
    # The délégué du préfet reads the network of the territory without being a member.
    _unchanged(PriorityAxis, lambda: services.propose_axis(make_network(world), world.users["delegue"], "Axe"))


def test_axes_are_steered_by_the_animator_only(world):
    axis = make_axis(world)
    chef = world.users["chef"]
    _unchanged(PriorityAxis, lambda: services.change_status(axis, "retenu", chef))
    _unchanged(AxisNote, lambda: services.add_note(axis, date(2026, 1, 5), "Note", chef))
    _unchanged(PriorityAxis, lambda: services.set_vote_mode(make_network(world), "classement", chef))
    services.change_status(axis, "retenu", world.users["animateur"])
    axis.refresh_from_db()
    assert axis.status == "retenu"


def test_a_meeting_edit_is_judged_on_the_stored_meeting(world):
    """Changing the organiser in the form does not lend the right to make the edit."""
    meeting = make_meeting(world, organiser=world.orgs["irev"])
    meeting.organiser = world.orgs["agglo"]  # the chef's organisation: it would steer the edited meeting
    meeting.title = "Détournée"
    with pytest.raises(PermissionDenied):
        services.update_meeting(meeting, world.users["chef"])
    assert Meeting.objects.get(pk=meeting.pk).title == "Rencontre de test"
