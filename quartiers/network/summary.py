"""The part of a network's page that is the same for every reader, rendered once per data version.

Under load the page spent most of its time building and running ~8 queries and rendering the meetings and
axes lists for each request, although they change only on a write. The parts are cached under the network's
`data_version` (changed in the writer's transaction by network/signals.py, read with the network's row, so
every worker sees a write at once) and for as long as the first coming meeting has not started (then it
moves to « Rencontres passées »); `MAX_AGE` bounds what no signal reports (a commune renamed).
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString

from quartiers.network.models import Network
from quartiers.network.services import voter_count

MAX_AGE = timedelta(minutes=5)
UPCOMING = 5
PAST = 5


@dataclass(frozen=True)
class Summary:
    territories: SafeString
    member_count: int
    activity: SafeString
    valid_until: object  # aware datetime


def network_summary(network):
    """The shared parts of `network`'s page, from the cache when still valid."""
    key = f"network:summary:{network.pk}:{network.data_version}:{network.vote_mode}"
    summary = cache.get(key)
    now = timezone.now()
    if summary is None or summary.valid_until <= now:
        summary = build_summary(network, now)
        cache.set(key, summary, max(1, int((summary.valid_until - now).total_seconds())))
    return summary


def build_summary(network, now):
    meetings = network.meetings.all()
    upcoming = list(meetings.upcoming(now).with_counts().select_related("network", "organiser")[:UPCOMING])
    ranking_mode = network.vote_mode == Network.VoteMode.RANKING
    activity = render_to_string(
        "network/_detail_activity.html",
        {
            "upcoming": upcoming,
            "past": meetings.past(now).select_related("organiser")[:PAST],
            "axes": network.axes.ranked(network.vote_mode).select_related("meeting"),
            "ranking_mode": ranking_mode,
            "voter_count": voter_count(network) if ranking_mode else 0,
        },
    )
    territories = render_to_string(
        "network/_detail_territories.html", {"communes": network.communes.all(), "epcis": network.epcis.all()}
    )
    valid_until = now + MAX_AGE
    if upcoming:
        valid_until = min(valid_until, upcoming[0].starts_at)
    return Summary(
        territories=SafeString(territories.rstrip("\n")),
        member_count=network.members.active().count(),
        activity=SafeString(activity.rstrip("\n")),
        valid_until=valid_until,
    )
