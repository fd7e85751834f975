"""Run inside Django on the bench's copy of the demo database (never on a real one).

    python -m bench.load.prepare plan USERS   → JSON: per virtual user a session and the URLs it reads and writes
    python -m bench.load.prepare count        → JSON: the rows the writes must have added

Each virtual user gets its own account (a copy of the demo's chef de projet of Calais: same organisation, role
and territory) and its own member card in the demo network, so that its writes never collide with another
user's and each successful write must leave exactly one row.
"""

import json
import sys
from datetime import date
from urllib.parse import urlencode

import django

BENCH_DOMAIN = "bench.quartiers.example"
# A query the demo's library answers (3 of its 6 documents): the page ranks, highlights and lists them. A query
# without results would measure an empty page.
SEARCH = "contrat de ville"


def plan(users):
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.urls import reverse
    from django.utils import timezone

    from quartiers.accounts.models import Membership, User
    from quartiers.contracts.models import Commitment, Indicator
    from quartiers.core.permissions import can
    from quartiers.gup.models import CATEGORY_CHOICES
    from quartiers.network.models import Meeting, Network, NetworkMember
    from quartiers.resources.models import Document
    from quartiers.territories.models import QPV

    chef = User.objects.get(email="chef.calais@quartiers.example")
    membership = Membership.objects.filter(user=chef).first()
    network = Network.objects.order_by("pk").first()
    meeting = Meeting.objects.filter(network=network, starts_at__gt=timezone.now()).order_by("starts_at").first()
    qpv = QPV.objects.filter(epci_id=membership.scope_code, lat__isnull=False).order_by("code").first()
    indicator = next(
        i for i in Indicator.objects.select_related("commitment").order_by("pk") if can(chef, "change", i.commitment)
    )
    commitment = Commitment.objects.get(pk=indicator.commitment_id)
    sessions = []
    for n in range(users):
        user, _ = User.objects.update_or_create(
            email=f"charge.{n}@{BENCH_DOMAIN}", defaults={"first_name": "Charge", "last_name": f"Bench {n}"}
        )
        Membership.objects.get_or_create(
            user=user,
            organisation=membership.organisation,
            defaults={
                "role": membership.role,
                "scope_level": membership.scope_level,
                "scope_code": membership.scope_code,
            },
        )
        NetworkMember.objects.get_or_create(
            network=network, user=user, defaults={"full_name": f"Charge Bench {n}", "email": user.email}
        )
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
    contract = commitment.contract
    if not Document.objects.all().search(SEARCH).count_upto(1):
        raise SystemExit(f"La recherche « {SEARCH} » ne trouve rien dans la démo : la page mesurée serait vide.")
    return {
        "sessions": sessions,
        "floor": "/bench/plancher/",
        "reads": {
            "Liste des QPV": reverse("territories:qpv_list"),
            "Fiche QPV": reverse("territories:qpv_detail", args=[qpv.code]),
            "Contrat de ville": reverse("contracts:detail", args=[contract.pk]),
            "Recherche ressources": reverse("resources:index") + "?" + urlencode({"q": SEARCH}),
            "Carte GUP (JSON)": reverse("gup:map_data", args=[qpv.code]),
            "Réseau": reverse("network:detail", args=[network.slug]),
        },
        "writes": {
            "report": {
                "url": reverse("gup:report_create"),
                "data": {
                    "category": CATEGORY_CHOICES[0][0],
                    "qpv": qpv.code,
                    "address": "Devant le n° 12",
                    "lon": str(qpv.lon),
                    "lat": str(qpv.lat),
                    "confirm_duplicate": "on",
                },
            },
            "register": reverse("network:meeting_register", args=[meeting.pk]) if meeting else None,
            "unregister": reverse("network:meeting_unregister", args=[meeting.pk]) if meeting else None,
            "measurement": reverse("contracts:measurement_add", args=[commitment.pk, indicator.pk]),
            "measurement_first_day": date(1990, 1, 1).isoformat(),
        },
        "counts": count(),
    }


def count():
    from quartiers.contracts.models import Measurement
    from quartiers.core.models import AuditEvent
    from quartiers.gup.models import Report

    return {
        "report": Report.objects.count(),
        "measurement": Measurement.objects.count(),
        "registration_events": AuditEvent.objects.filter(
            action__in=["inscription à une rencontre", "désinscription d'une rencontre"]
        ).count(),
    }


if __name__ == "__main__":
    django.setup()
    if sys.argv[1] == "plan":
        print(json.dumps(plan(int(sys.argv[2]))))
    else:
        print(json.dumps(count()))
