"""Write cases of the network (tests/write_matrix.py).

Animating a network (meetings, invitations, attendance, minutes, attachments, axes' status and groups, the
directory, the vote mode) belongs to its animator — the resource centre's animator for the Littoral network
of the tests, animated by IREV — and the administrators; members register, propose, support and vote.
A chef de projet of the territory does not animate it (he did before issue 12). The Dunkerque
network is animated by the CU de Dunkerque, which has no animateur membership in the world: only the
administrators animate it (its chef steers the meetings his organisation organises), and the IREV
animateur of Calais is refused there.
"""

from datetime import timedelta
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from quartiers.network.models import Meeting, Network, NetworkMember, PriorityAxis, Registration
from tests.network.helpers import make_network
from tests.write_matrix import (
    ELEVATION,
    OTHER_ORGANISATION,
    OTHER_TERRITORY,
    not_applicable,
    write,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
DK_SLUG = "reseau-test-dunkerque"
ANIMATORS_HERE = "animateur admin"
ANIMATORS_THERE = "admin"
# A meeting's organiser organisation steers that meeting: the CU de Dunkerque organises its own.
ORGANISERS_THERE = "autre_chef admin"
MEETING_LEVEL = {
    "network:meeting_edit",
    "network:agenda_add",
    "network:meeting_invite",
    "network:attendance",
    "network:minutes",
    "network:attachment_add",
    "network:registration_add",
    "network:registration_cancel",
}
OWN_PARTICIPATION = "N'écrit que la participation du demandeur lui-même : ni organisation, ni territoire, ni rôle."


def dunkerque_network(w):
    network, created = Network.objects.get_or_create(
        slug=DK_SLUG, defaults={"name": "Réseau de Dunkerque (test)", "animator": w.orgs["cud"]}
    )
    if created:
        network.communes.add(w.dunkerque)
        network.epcis.add(w.dunkerque_cu)
        NetworkMember.objects.create(
            network=network,
            user=w.users["autre_chef"],
            full_name="Chef de projet de Dunkerque",
            organisation=w.orgs["cud"],
            epci=w.dunkerque_cu,
            email="autre.chef@exemple.test",
        )
    return network


NETWORKS = {"calais": make_network, "dunkerque": dunkerque_network}


def meeting_of(key):
    def build(w):
        network = NETWORKS[key](w)
        meeting, _ = Meeting.objects.get_or_create(
            network=network,
            title="Rencontre (matrice)",
            defaults={
                "starts_at": timezone.now() + timedelta(days=10),
                "place": "Calais",
                "organiser": network.animator,
            },
        )
        return meeting

    return build


def registration_of(key):
    def build(w):
        meeting = meeting_of(key)(w)
        first = meeting.network.members.filter(user__isnull=False).order_by("pk").first()
        return Registration.objects.get_or_create(meeting=meeting, member=first)[0]

    return build


def axis_of(key):
    return lambda w: PriorityAxis.objects.get_or_create(network=NETWORKS[key](w), title="Observer les QPV")[0]


def _pk(factory):
    return lambda w: [factory(w).pk]


def _slug(key):
    return lambda w: [NETWORKS[key](w).slug]


def _attendance(key):
    return lambda w: {f"presence-{registration_of(key)(w).pk}": "present"}


def _first_member(key):
    return lambda w: {"member": NETWORKS[key](w).members.order_by("pk").first().pk, "is_lead": "on"}


def _pdf(w):
    return {"title": "Diaporama", "file": SimpleUploadedFile("diaporama.pdf", b"%PDF-1.4\n%x\n", "application/pdf")}


def _members_file(w):
    content = (FIXTURES / "membres-utf8-bom.csv").read_bytes()
    return {"file": SimpleUploadedFile("membres.csv", content, "text/csv")}


def _unregistered_member(key):
    def data(w):
        network = NETWORKS[key](w)
        person, _ = NetworkMember.objects.get_or_create(
            network=network, full_name="Personne sans compte", defaults={"function": "Chargée de mission"}
        )
        return {"member": person.pk}

    return data


MEETING = {"title": "Rencontre", "starts_at": "2030-01-25T09:30", "place": "Calais", "registrations_open": "on"}

# (url, args for a network key, data for a network key); every one is an animation write.
ANIMATION = [
    ("network:member_add", _slug, lambda k: {"full_name": "Personne sans compte", "function": "Chargé de mission"}),
    ("network:member_import", _slug, lambda k: _members_file),
    ("network:meeting_create", _slug, lambda k: MEETING),
    ("network:vote_mode", _slug, lambda k: {"mode": "classement"}),
    ("network:meeting_edit", lambda k: _pk(meeting_of(k)), lambda k: {**MEETING, "capacity": "1"}),
    ("network:agenda_add", lambda k: _pk(meeting_of(k)), lambda k: {"title": "Le NPNRU", "themes": ["npnru"]}),
    ("network:meeting_invite", lambda k: _pk(meeting_of(k)), lambda k: {"all_members": "on"}),
    ("network:attendance", lambda k: _pk(meeting_of(k)), _attendance),
    ("network:minutes", lambda k: _pk(meeting_of(k)), lambda k: {"minutes": "Échanges riches."}),
    ("network:attachment_add", lambda k: _pk(meeting_of(k)), lambda k: _pdf),
    ("network:registration_add", lambda k: _pk(meeting_of(k)), _unregistered_member),
    ("network:registration_cancel", lambda k: _pk(registration_of(k)), lambda k: {}),
    ("network:axis_status", lambda k: _pk(axis_of(k)), lambda k: {"status": "retenu"}),
    ("network:axis_group", lambda k: _pk(axis_of(k)), _first_member),
    ("network:axis_note", lambda k: _pk(axis_of(k)), lambda k: {"date": "2026-11-26", "text": "Suivi"}),
]


# The import's first step is a dry run: the file waits in the session for the confirmation.
IN_SESSION = {"network:member_import": "l'aperçu garde le fichier dans la session jusqu'à la confirmation"}


def _animation_cases():
    cases = []
    for url, args, data in ANIMATION:
        outside = IN_SESSION.get(url, "")
        cases.append(
            write(
                url,
                OTHER_TERRITORY,
                ORGANISERS_THERE if url in MEETING_LEVEL else ANIMATORS_THERE,
                args=args("dunkerque"),
                data=data("dunkerque"),
                writes_outside_db=outside,
            )
        )
        cases.append(
            write(
                url,
                OTHER_ORGANISATION,
                ANIMATORS_HERE,
                args=args("calais"),
                data=data("calais"),
                writes_outside_db=outside,
                label=f"{url} [autre_organisation] (réseau animé par le centre de ressources)",
            )
        )
        if url != "network:member_add":
            cases += not_applicable(url, ELEVATION, reason="Ni organisation, ni territoire, ni rôle dans la requête.")
    return cases


def _own_participation(url, args, allowed, data=None):
    # Someone who is not a member (the administrator) is told so on the page: 302 and a message, nothing written.
    return [
        write(url, OTHER_TERRITORY, allowed, args=args, data=data, refused=(302, 403, 404)),
        *not_applicable(url, OTHER_ORGANISATION, ELEVATION, reason=OWN_PARTICIPATION),
    ]


def _dk_ballot(w):
    axis = axis_of("dunkerque")(w)
    return {f"rang-{axis.pk}": "1"}


def _dk_ranking(w):
    network = dunkerque_network(w)
    Network.objects.filter(pk=network.pk).update(vote_mode=Network.VoteMode.RANKING)
    return [network.slug]


def _registered_dk_meeting(w):
    registration = registration_of("dunkerque")(w)
    return [registration.meeting_id]


WRITES = [
    *_animation_cases(),
    # Elevation: a member makes someone an animator of the network.
    write(
        "network:member_add",
        ELEVATION,
        ANIMATORS_HERE,
        args=lambda w: [make_network(w).slug],
        data=lambda w: {"full_name": "Autre chef", "account_email": w.users["autre_chef"].email, "is_animator": "on"},
        label="network:member_add [elevation] (un membre nomme un animateur du réseau)",
    ),
    # Members' own participation, tried on the Dunkerque network by the Calais members.
    *_own_participation("network:meeting_register", _pk(meeting_of("dunkerque")), "autre_chef"),
    *_own_participation("network:meeting_unregister", _registered_dk_meeting, "autre_chef"),
    *_own_participation(
        "network:axis_create", _slug("dunkerque"), "autre_chef admin", data={"title": "Partager les diagnostics"}
    ),
    *_own_participation("network:axis_support", _pk(axis_of("dunkerque")), "autre_chef"),
    *_own_participation("network:axis_ranking", _dk_ranking, "autre_chef", data=_dk_ballot),
]
