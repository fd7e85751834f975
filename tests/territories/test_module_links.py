"""The QPV fiche's links to the other modules are cached per user and data versions (territories/hooks.py): any
write — even one that sends no signal — is seen at the next request, and one user never gets another's links."""

from django.urls import reverse

from quartiers.gup.models import Report
from tests.gup import helpers as gup
from tests.network.helpers import make_meeting


def _fiche(login, user, qpv):
    return login(user).get(reverse("territories:qpv_detail", args=[qpv.code])).content.decode()


def test_a_write_without_signal_is_seen_at_the_next_request(world, login):
    gup.report(world)
    qpv, lecteur = world.qpv_beau_marais, world.users["lecteur"]
    assert "Signalements GUP : 1 en cours sur 1" in _fiche(login, lecteur, qpv)
    assert "Signalements GUP : 1 en cours sur 1" in _fiche(login, lecteur, qpv)  # from the cache
    Report.objects.update(status="clos")  # QuerySet.update: no signal, the database's trigger sees it
    assert "Signalements GUP : 0 en cours sur 1" in _fiche(login, lecteur, qpv)


def test_each_user_gets_the_links_the_policy_gives_him(world, login):
    meeting = make_meeting(world, title="Rencontre du Calaisis")
    meeting.agenda_items.create(title="État des QPV", position=1).qpvs.add(world.qpv)
    link = "Rencontre du réseau : Rencontre du Calaisis"
    assert link in _fiche(login, world.users["chef"], world.qpv)  # a member of the network: cached for him
    assert link not in _fiche(login, world.users["autre_chef"], world.qpv)  # Dunkerque: not a member
    assert link not in _fiche(login, None, world.qpv)


def test_a_new_right_is_seen_at_once(world, login):
    meeting = make_meeting(world, title="Rencontre du Calaisis")
    meeting.agenda_items.create(title="État des QPV", position=1).qpvs.add(world.qpv)
    autre_chef = world.users["autre_chef"]
    assert "Rencontre du Calaisis" not in _fiche(login, autre_chef, world.qpv)
    meeting.network.members.create(user=autre_chef, full_name="Chef de Dunkerque", email="dk@exemple.test")
    assert "Rencontre du Calaisis" in _fiche(login, autre_chef, world.qpv)
