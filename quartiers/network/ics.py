"""iCalendar (RFC 5545) files for meetings: one per meeting, and a feed per network.

Written by hand (a few properties), with the escaping and the 75-octet line folding of the RFC.
"""

from datetime import UTC

from django.utils import timezone

from quartiers.core import links

PRODID = "-//Quartiers//Reseau des chefs de projet//FR"


def escape(text):
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")  # a lone CR ends the line for many readers: it would start a property of its own
        .replace("\n", "\\n")
    )


def fold(line):
    """Fold a content line at 75 octets without cutting a UTF-8 character."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = 75 if not out else 74  # continuation lines start with a space
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out)


def _stamp(value):
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def event_lines(meeting, request=None):
    location = ", ".join(part for part in (meeting.place, meeting.address) if part)
    description = meeting.description or ""
    url = links.absolute_url(meeting.get_absolute_url(), request)
    return [
        "BEGIN:VEVENT",
        f"UID:{meeting.uid}@quartiers",
        f"DTSTAMP:{_stamp(meeting.updated_at or timezone.now())}",
        f"DTSTART:{_stamp(meeting.starts_at)}",
        f"DTEND:{_stamp(meeting.end)}",
        f"SUMMARY:{escape(meeting.title)}",
        f"LOCATION:{escape(location)}",
        f"DESCRIPTION:{escape((description + chr(10) + url).strip())}",
        f"URL:{url}",
        "STATUS:CONFIRMED",
        "END:VEVENT",
    ]


def calendar(meetings, name, request=None):
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for meeting in meetings:
        lines += event_lines(meeting, request)
    lines.append("END:VCALENDAR")
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")
