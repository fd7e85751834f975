"""iCalendar files: parsed back with a strict reader of RFC 5545 content lines."""

from datetime import UTC, datetime

from django.urls import reverse
from django.utils import timezone

from quartiers.network import ics
from tests.network.helpers import make_meeting, member


def parse(raw):
    """Unfold and split an .ics file into a list of components: [(name, {property: [values]})]."""
    assert raw.endswith(b"\r\n")
    text = raw.decode("utf-8")
    physical = text.split("\r\n")[:-1]
    for line in physical:
        assert len(line.encode("utf-8")) <= 75, line
        assert "\n" not in line and "\r" not in line
    logical = []
    for line in physical:
        if line.startswith(" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    stack, components = [], []
    for line in logical:
        name, _, value = line.partition(":")
        if name == "BEGIN":
            stack.append((value, {}))
        elif name == "END":
            component = stack.pop()
            assert component[0] == value, f"END:{value} ferme {component[0]}"
            components.append(component)
        else:
            stack[-1][1].setdefault(name, []).append(value)
    assert not stack
    return components


def unescape(value):
    return value.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";").replace("\\\\", "\\")


def test_meeting_ics_parses_back(world, login):
    meeting = make_meeting(
        world,
        title="Rencontre des chefs de projet, « Littoral » ; édition très longue " + "é" * 60,
        address="Hôtel de ville, place du Soldat inconnu",
        description="Ordre du jour :\n- QPV\n- NPNRU",
    )
    meeting.starts_at = datetime(2027, 1, 25, 8, 30, tzinfo=UTC)
    meeting.save()
    response = login(world.users["chef"]).get(reverse("network:meeting_ics", args=[meeting.pk]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    components = parse(response.content)
    events = [props for name, props in components if name == "VEVENT"]
    calendars = [props for name, props in components if name == "VCALENDAR"]
    assert len(events) == 1 and len(calendars) == 1
    assert calendars[0]["VERSION"] == ["2.0"] and calendars[0]["PRODID"]
    event = events[0]
    for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
        assert len(event[required]) == 1, required
    assert unescape(event["SUMMARY"][0]) == meeting.title
    assert event["DTSTART"] == ["20270125T083000Z"]
    assert event["DTEND"] == ["20270125T113000Z"]
    assert unescape(event["LOCATION"][0]) == "Calais, Hôtel de ville, place du Soldat inconnu"
    assert unescape(event["DESCRIPTION"][0]).startswith("Ordre du jour :\n- QPV\n- NPNRU\nhttp")
    assert event["UID"] == [f"{meeting.uid}@quartiers"]


def test_network_feed_lists_every_meeting_of_the_network(world, client):
    first = make_meeting(world, days=3, title="Prochaine")
    second = make_meeting(world, days=-30, title="Passée")
    token = member(world, "lecteur").calendar_token
    components = parse(client.get(reverse("network:feed", args=[token])).content)
    summaries = [props["SUMMARY"][0] for name, props in components if name == "VEVENT"]
    assert summaries == ["Passée", "Prochaine"]
    uids = {props["UID"][0] for name, props in components if name == "VEVENT"}
    assert uids == {f"{first.uid}@quartiers", f"{second.uid}@quartiers"}


def test_fold_never_cuts_a_character():
    line = "SUMMARY:" + "é" * 100
    folded = ics.fold(line)
    assert folded.replace("\r\n ", "") == line
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))


def test_escape():
    assert ics.escape("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_dtstamp_is_utc(world):
    meeting = make_meeting(world)
    lines = ics.event_lines(meeting)
    stamp = next(line for line in lines if line.startswith("DTSTAMP:"))
    assert stamp.endswith("Z") and timezone.now().strftime("%Y") in stamp
