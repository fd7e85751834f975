"""Absolute links: built from the request (calendar files), or from SITE_URL (e-mails), never a fixed :8000."""

import re
from pathlib import Path

from django.core import mail
from django.urls import reverse

from quartiers.network import services
from tests.network.helpers import make_meeting, member

ROOT = Path(__file__).resolve().parent.parent
PUBLIC = "quartiers.exemple.fr"


def _url_lines(raw):
    unfolded = raw.decode().replace("\r\n ", "")
    return [line for line in unfolded.split("\r\n") if line.startswith("URL:")]


def test_meeting_ics_links_to_the_address_the_request_came_to(world, login, settings):
    settings.ALLOWED_HOSTS = [PUBLIC]
    meeting = make_meeting(world)
    client = login(world.users["chef"])
    response = client.get(reverse("network:meeting_ics", args=[meeting.pk]), HTTP_HOST=PUBLIC, secure=True)
    assert response.status_code == 200
    assert _url_lines(response.content) == [f"URL:https://{PUBLIC}{meeting.get_absolute_url()}"]


def test_network_calendar_feed_links_to_the_address_the_request_came_to(world, client, settings):
    settings.ALLOWED_HOSTS = [PUBLIC]
    meeting = make_meeting(world)
    token = member(world, "lecteur").calendar_token
    response = client.get(reverse("network:feed", args=[token]), HTTP_HOST=PUBLIC, secure=True)
    assert _url_lines(response.content) == [f"URL:https://{PUBLIC}{meeting.get_absolute_url()}"]
    assert b":8000" not in response.content


def test_invitation_e_mails_link_to_site_url(world, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = f"https://{PUBLIC}"
    meeting = make_meeting(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.invite(meeting, [member(world, "lecteur")], None)
    assert len(mail.outbox) == 1
    assert f"Inscription : https://{PUBLIC}{meeting.get_absolute_url()}" in mail.outbox[0].body


# Development defaults only: the address `quartiers serve` listens on and `make demo` prints.
ALLOWED = {
    "quartiers/settings.py",
    "quartiers/core/management/commands/serve.py",
}
HARD_CODED = re.compile(r":8000\b|127\.0\.0\.1|\blocalhost\b")


def test_no_hard_coded_address_in_code_or_templates():
    found = []
    for path in sorted((ROOT / "quartiers").rglob("*")):
        relative = str(path.relative_to(ROOT))
        if path.suffix not in (".py", ".html", ".txt", ".ics", ".xml") or relative in ALLOWED:
            continue
        for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
            if HARD_CODED.search(line):
                found.append(f"{relative}:{number}: {line.strip()}")
    assert not found, "adresse en dur (utiliser la requête ou SITE_URL) :\n" + "\n".join(found)
