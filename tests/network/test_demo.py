import io
from datetime import date, timedelta

from django.utils import timezone

from quartiers.network import demo
from quartiers.network.models import AgendaItem, AxisSupport, Meeting, Network, NetworkMember, Registration


def _counts():
    return [m.objects.count() for m in (Network, NetworkMember, Meeting, AgendaItem, Registration, AxisSupport)]


def test_demo_tells_the_seed_story_and_is_idempotent(world):
    out = io.StringIO()
    demo.load_demo(out)
    text = out.getvalue()
    # tests/world.py has only Calais and Dunkerque: the four other communes are skipped with a message.
    assert "commune Hazebrouck (59295) absente des territoires, ignorée" in text
    network = Network.objects.get(slug="littoral")
    assert network.animator.name.startswith("IREV")
    assert sorted(network.communes.values_list("insee", flat=True)) == ["59183", "62193"]
    first = network.meetings.get(starts_at__year=2019)
    assert timezone.localtime(first.starts_at).strftime("%d/%m/%Y %H:%M") == "25/01/2019 09:30"
    assert first.place == "Calais"
    assert [i.title for i in first.agenda_items.all()] == [title for title, _ in demo.AGENDA_2019]
    assert "Saint-Omer" in first.minutes
    assert first.registrations.filter(attendance="present").count() == 3
    ranking = list(network.axes.ranked())
    assert ranking[0].title == "Partager l'état des lieux des QPV du Littoral"
    assert {a.status for a in ranking} == {"en_cours", "retenu", "propose"}
    upcoming = network.meetings.upcoming().get()
    assert upcoming.registrations_open and upcoming.starts_at > timezone.now()
    assert upcoming.agenda_items.first().qpvs.count() == 3  # the world's QPV 2024 of Calais and Dunkerque
    assert all("démo" in m.full_name for m in network.members.all())
    before = _counts()
    demo.load_demo(io.StringIO())
    assert _counts() == before


def test_upcoming_meeting_is_placed_relative_to_the_day_the_demo_is_loaded(world):
    today = date.today()
    demo.load_demo(io.StringIO())
    network = Network.objects.get(slug="littoral")
    upcoming = network.meetings.upcoming().get()
    day = timezone.localtime(upcoming.starts_at).date()
    assert today + timedelta(weeks=5) <= day < today + timedelta(weeks=6)  # announced, not a year ahead
    before = _counts()
    demo.load_demo(io.StringIO(), today=date(2031, 5, 12))
    assert _counts() == before  # the same meeting, moved
    moved = network.meetings.get(pk=upcoming.pk)
    assert timezone.localtime(moved.starts_at).date() == date(2031, 6, 19)  # a Thursday five weeks on
    assert moved.title.endswith("juin 2031")
    first = network.meetings.get(starts_at__year=2019)
    assert timezone.localtime(first.starts_at).strftime("%d/%m/%Y") == "25/01/2019"  # the seed keeps its date
