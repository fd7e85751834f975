"""Issue 12 §1, network roles: animating the network is the resource centre's (its « animateur »
memberships) and the meeting's organisers'; members register, propose, support and see; the délégué
du préfet reads the networks of his département; a plain lecteur who is not a member does not."""

import io

from django.urls import reverse

from quartiers.accounts.models import User
from quartiers.core.permissions import can
from quartiers.network.models import Meeting, PriorityAxis, Registration
from tests.factories import MembershipFactory
from tests.network.helpers import SLUG, make_axis, make_meeting, make_network, member

EDIT = {"title": "Rencontre détournée", "starts_at": "2030-01-25T09:30", "place": "Dunkerque"}


def _meeting_state(meeting):
    meeting = Meeting.objects.get(pk=meeting.pk)
    return meeting.title, meeting.place, meeting.minutes


def test_a_member_chef_cannot_steer_the_resource_centre_meeting(world, login):
    meeting = make_meeting(world)
    registration = Registration.objects.create(meeting=meeting, member=member(world, "lecteur"))
    axis = make_axis(world)
    before = _meeting_state(meeting)
    client = login(world.users["chef"])  # a member of the network, chef de projet of its territory
    assert client.post(reverse("network:meeting_edit", args=[meeting.pk]), EDIT).status_code == 403
    assert client.post(reverse("network:minutes", args=[meeting.pk]), {"minutes": "Faux"}).status_code == 403
    attendance = reverse("network:attendance", args=[meeting.pk])
    assert client.post(attendance, {f"presence-{registration.pk}": "absent"}).status_code == 403
    assert client.post(reverse("network:axis_status", args=[axis.pk]), {"status": "retenu"}).status_code == 403
    assert _meeting_state(meeting) == before
    registration.refresh_from_db()
    assert registration.attendance == ""
    assert PriorityAxis.objects.get(pk=axis.pk).status == "propose"
    # What a member does: register, propose and support an axis.
    assert client.post(reverse("network:meeting_register", args=[meeting.pk])).status_code == 302
    assert meeting.registrations.filter(member=member(world, "chef"), status="inscrit").exists()
    assert client.post(reverse("network:axis_support", args=[axis.pk])).status_code == 302
    assert axis.supports.filter(member=member(world, "chef")).exists()
    response = client.post(reverse("network:axis_create", args=[SLUG]), {"title": "Un axe proposé"})
    assert response.status_code == 302 and PriorityAxis.objects.filter(title="Un axe proposé").exists()


def test_the_animator_steers_without_being_administrator(world, login):
    animator = world.users["animateur"]
    assert not animator.is_superuser and not animator.memberships.filter(role="administrateur").exists()
    meeting = make_meeting(world)
    registration = Registration.objects.create(meeting=meeting, member=member(world, "lecteur"))
    axis = make_axis(world)
    client = login(animator)
    assert client.post(reverse("network:meeting_edit", args=[meeting.pk]), EDIT).status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).title == "Rencontre détournée"
    attendance = reverse("network:attendance", args=[meeting.pk])
    assert client.post(attendance, {f"presence-{registration.pk}": "present"}).status_code == 302
    registration.refresh_from_db()
    assert registration.attendance == "present"
    assert client.post(reverse("network:axis_status", args=[axis.pk]), {"status": "retenu"}).status_code == 302
    assert PriorityAxis.objects.get(pk=axis.pk).status == "retenu"
    assert client.get(reverse("network:member_import", args=[SLUG])).status_code == 200
    assert "chef@exemple.test" in client.get(reverse("network:directory", args=[SLUG])).content.decode()


def test_an_animator_of_another_resource_centre_does_not(world, login):
    other = MembershipFactory(role="animateur", scope_level="region", scope_code="32").user
    meeting = make_meeting(world)
    assert login(other).post(reverse("network:meeting_edit", args=[meeting.pk]), EDIT).status_code == 403
    assert not can(other, "view", make_network(world))


def test_the_meeting_organisers_edit_their_meeting_only(world, login):
    hosted = make_meeting(world, organiser=world.orgs["agglo"], title="Rencontre accueillie par l'agglomération")
    other = make_meeting(world)
    client = login(world.users["chef"])
    assert client.post(reverse("network:meeting_edit", args=[hosted.pk]), EDIT).status_code == 302
    assert Meeting.objects.get(pk=hosted.pk).place == "Dunkerque"
    assert client.post(reverse("network:meeting_edit", args=[other.pk]), EDIT).status_code == 403
    assert not can(world.users["chef"], "change", make_network(world))


def test_the_delegate_reads_the_network_of_his_departement(world, login):
    meeting = make_meeting(world)
    axis = make_axis(world)
    client = login(world.users["delegue"])
    for url in (
        reverse("network:detail", args=[SLUG]),
        reverse("network:meeting_list", args=[SLUG]),
        reverse("network:meeting_detail", args=[meeting.pk]),
        reverse("network:axis_detail", args=[axis.pk]),
    ):
        assert client.get(url).status_code == 200, url
    directory = client.get(reverse("network:directory", args=[SLUG])).content.decode()
    assert "Cheffe de projet politique de la ville" in directory
    assert "chef@exemple.test" not in directory  # contact details stay for members and animators
    assert client.post(reverse("network:meeting_edit", args=[meeting.pk]), EDIT).status_code == 403
    assert client.post(reverse("network:axis_status", args=[axis.pk]), {"status": "retenu"}).status_code == 403


def test_a_plain_reader_who_is_not_a_member_does_not_see_the_network(world, login):
    # GUIDE §4: « lecteur » stays a plain reader; the network is its members' space.
    reader = MembershipFactory(role="lecteur", scope_level="departement", scope_code="62").user
    make_network(world)
    assert login(reader).get(reverse("network:meeting_list", args=[SLUG])).status_code == 403


def test_demo_animator_account_animates_the_littoral_network(world):
    from quartiers.accounts import demo as accounts_demo
    from quartiers.network import demo as network_demo
    from quartiers.network.models import Network

    accounts_demo.load_demo(io.StringIO())
    network_demo.load_demo(io.StringIO())
    network = Network.objects.get(slug="littoral")
    animator = User.objects.get(email="animateur@quartiers.example")
    chef_dunkerque = User.objects.get(email="chef.dunkerque@quartiers.example")
    delegue = User.objects.get(email="delegue@quartiers.example")
    meeting = network.meetings.upcoming().get()
    assert can(animator, "change", network) and can(animator, "change", meeting)
    assert network.members.filter(user=animator, is_animator=True).exists()
    assert can(chef_dunkerque, "view", meeting) and not can(chef_dunkerque, "change", meeting)
    assert can(delegue, "view", meeting) and not can(delegue, "change", meeting)
