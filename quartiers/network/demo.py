"""Demo of the network module: the seed story (../shared/seed/rencontre-reseau-littoral-2019.txt).

The Littoral network of chefs de projet politique de la ville, animated by the IREV, met in Calais
on 25 January 2019 (état des lieux des QPV, révision des contrats de ville, NPNRU, GUP, and the
choice of priority axes to work on together). The communes are the real ones; the people are
fictional and say so (« Chef de projet démo — Calais »); the priority axes, votes and the second
meeting are demonstration content. Demo accounts (quartiers/accounts/demo.py) are linked when they
exist; otherwise members are created without an account.

Idempotent: every object is found again by its natural key (network slug, member name, meeting
title and date, axis title…).
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format

from quartiers.accounts.models import Organisation, User
from quartiers.network import signals
from quartiers.network.models import (
    AgendaItem,
    AxisNote,
    AxisSupport,
    Meeting,
    Network,
    NetworkMember,
    PriorityAxis,
    Registration,
    Theme,
    WorkingGroupMember,
)
from quartiers.territories.models import QPV, Commune, ContratDeVille

PARIS = ZoneInfo("Europe/Paris")
SLUG = "littoral"
IREV = "IREV — centre de ressources politique de la ville Hauts-de-France"
DEMO_DOMAIN = "quartiers.example"
# The six communes of the seed, by code INSEE.
COMMUNES = [
    ("62160", "Boulogne-sur-Mer"),
    ("62193", "Calais"),
    ("59183", "Dunkerque"),
    ("59295", "Hazebrouck"),
    ("62758", "Saint-Martin-Boulogne"),
    ("62765", "Saint-Omer"),
]
# A demo account to link to the member of a commune, when accounts/demo.py created it.
ACCOUNTS = {"62193": "chef.calais", "59183": "chef.dunkerque"}

MINUTES_2019 = """Les chefs de projet politique de la ville des territoires du « Littoral » se sont réunis lors \
d'une rencontre organisée à Calais le 25 janvier 2019.

Pour débuter la nouvelle année, ce sont les chefs de projet politique de la ville situés dans les territoires \
littoraux qui se sont réunis à Calais le 25 janvier.

Les communes de Boulogne-sur-Mer, Calais, Dunkerque, Hazebrouck, Saint-Martin-Boulogne et Saint-Omer étaient \
ainsi représentées, et les professionnels de la politique de la ville ont pu échanger notamment sur :

- l'état des lieux des quartiers prioritaires de leur territoire ;
- la révision des contrats de ville ;
- le NPNRU ;
- la gestion urbaine de proximité.

Ils ont également réfléchi à l'identification d'axes prioritaires sur lesquels travailler en collaboration.

Un point d'actualité politique de la ville a été remis aux participants (résumé des éléments récents \
d'actualité : circulaire du Premier ministre sur la mobilisation nationale pour les habitants des quartiers, \
révision des contrats de ville, déploiement du PAQTE, Pacte de Dijon)."""

AGENDA_2019 = [
    ("L'état des lieux des quartiers prioritaires de leur territoire", ["etat-des-lieux-qpv"]),
    ("La révision des contrats de ville", ["revision-contrats-de-ville"]),
    ("Le NPNRU", ["npnru"]),
    ("La gestion urbaine de proximité", ["gup"]),
    ("Identification d'axes prioritaires sur lesquels travailler en collaboration", ["axes-prioritaires"]),
]

# (title, status, number of supports, description)
AXES = [
    (
        "Partager l'état des lieux des QPV du Littoral",
        "en_cours",
        6,
        "Mettre en commun les diagnostics des quartiers prioritaires des six communes (démonstration).",
    ),
    (
        "Préparer ensemble la révision des contrats de ville",
        "retenu",
        5,
        "Échanger les méthodes et le calendrier de la révision des contrats de ville (démonstration).",
    ),
    (
        "Capitaliser les diagnostics en marchant de la GUP",
        "propose",
        3,
        "Un modèle commun de diagnostic en marchant et de suivi des signalements (démonstration).",
    ),
    (
        "Suivre collectivement les relogements du NPNRU",
        "propose",
        1,
        "Comparer les tableaux de bord de relogement des projets de renouvellement urbain (démonstration).",
    ),
]


def load_demo(stdout, today=None):
    today = today or timezone.localdate()
    irev, _ = Organisation.objects.get_or_create(name=IREV, defaults={"kind": Organisation.Kind.CENTRE_RESSOURCES})
    network, _ = Network.objects.update_or_create(
        slug=SLUG,
        defaults={
            "name": "Réseau des chefs de projet politique de la ville du Littoral",
            "description": "Le réseau des chefs de projet politique de la ville des territoires littoraux "
            "des Hauts-de-France, animé par le centre de ressources.",
            "animator": irev,
        },
    )
    communes = _communes(stdout)
    network.communes.add(*communes)
    network.epcis.add(*{c.epci for c in communes if c.epci_id})
    members = _members(network, communes, irev)
    first = _meeting_2019(network, irev, communes, members)
    _axes(network, first, members)
    second = _upcoming_meeting(network, irev, communes, members, stdout, today)
    stdout.write(
        f"Réseau : « {network.name} », {len(members)} membres, rencontres du "
        f"{timezone.localtime(first.starts_at):%d/%m/%Y} et du {timezone.localtime(second.starts_at):%d/%m/%Y}."
    )


def _communes(stdout):
    found = {c.insee: c for c in Commune.objects.filter(insee__in=[code for code, _ in COMMUNES])}
    for code, name in COMMUNES:
        if code not in found:
            stdout.write(f"Réseau : commune {name} ({code}) absente des territoires, ignorée.")
    return [found[code] for code, _ in COMMUNES if code in found]


def _account(local):
    return User.objects.filter(email=f"{local}@{DEMO_DOMAIN}").first()


def _member(network, full_name, **fields):
    user = fields.pop("user", None)
    member, _ = NetworkMember.objects.update_or_create(network=network, full_name=full_name, defaults=fields)
    # Link an account only if no other member of the network holds it already.
    if user is not None and member.user_id != user.pk and not network.members.filter(user=user).exists():
        member.user = user
        member.save(update_fields=["user"])
    return member


def _members(network, communes, irev):
    members = {}
    # The resource centre's animator (not an administrator) animates the network.
    animator = _account("animateur") or _account("admin")
    members["animation"] = _member(
        network,
        "Chargée de mission réseau démo — IREV",
        user=animator,
        organisation=irev,
        function="Animatrice du réseau des chefs de projet",
        email=f"animation.reseau@{DEMO_DOMAIN}",
        phone="03 00 00 00 01",
        is_animator=True,
    )
    for commune in communes:
        organisation, _ = Organisation.objects.get_or_create(
            name=f"Ville de {commune.nom}", defaults={"kind": Organisation.Kind.COMMUNE, "siret": commune.siren}
        )
        slug = commune.nom.lower().replace(" ", "-").replace("é", "e")
        members[commune.insee] = _member(
            network,
            f"Chef de projet démo — {commune.nom}",
            user=_account(ACCOUNTS[commune.insee]) if commune.insee in ACCOUNTS else None,
            organisation=organisation,
            function="Chef de projet politique de la ville",
            commune=commune,
            epci=commune.epci,
            email=f"chef.{slug}@{DEMO_DOMAIN}",
            phone="03 00 00 00 00",
        )
    partner = Organisation.objects.filter(name="Pas-de-Calais habitat").first()
    if partner is not None:
        members["bailleur"] = _member(
            network,
            "Chargé de GUP démo — Pas-de-Calais habitat",
            user=_account("bailleur.calais"),
            organisation=partner,
            function="Chargé de gestion urbaine de proximité",
            email=f"gup.bailleur@{DEMO_DOMAIN}",
        )
    return members


def _at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


def _agenda(meeting, items):
    themes = {t.slug: t for t in Theme.objects.all()}
    for position, (title, theme_slugs, communes, qpvs, contrats) in enumerate(items, start=1):
        item, _ = AgendaItem.objects.update_or_create(meeting=meeting, position=position, defaults={"title": title})
        item.themes.set([themes[s] for s in theme_slugs if s in themes])
        item.communes.set(communes)
        item.qpvs.set(qpvs)
        item.contrats.set(contrats)


def _meeting_2019(network, irev, communes, members):
    meeting, _ = Meeting.objects.update_or_create(
        network=network,
        starts_at=_at(date(2019, 1, 25), 9, 30),
        defaults={
            "title": "Rencontre du réseau des chefs de projet politique de la ville du Littoral",
            "ends_at": _at(date(2019, 1, 25), 12, 30),
            "place": "Calais",
            "organiser": irev,
            "registrations_open": False,
            "minutes": MINUTES_2019,
            "minutes_updated_at": _at(date(2019, 2, 28), 17, 0),
            "description": "Rencontre de début d'année des chefs de projet des territoires littoraux.",
        },
    )
    # The state of the QPVs is about every commune of the network; the other items stay general.
    items = [(title, themes, communes if i == 0 else [], [], []) for i, (title, themes) in enumerate(AGENDA_2019)]
    _agenda(meeting, items)
    for commune in communes:
        Registration.objects.update_or_create(
            meeting=meeting,
            member=members[commune.insee],
            defaults={"status": Registration.Status.CONFIRMED, "attendance": Registration.Attendance.PRESENT},
        )
    Registration.objects.update_or_create(
        meeting=meeting,
        member=members["animation"],
        defaults={"status": Registration.Status.CONFIRMED, "attendance": Registration.Attendance.PRESENT},
    )
    return meeting


def _axes(network, meeting, members):
    voters = [m for key, m in members.items() if key not in ("animation", "bailleur")]
    for title, status, votes, description in AXES:
        axis, _ = PriorityAxis.objects.update_or_create(
            network=network,
            title=title,
            defaults={
                "description": description,
                "status": status,
                "meeting": meeting,
                "status_changed_at": _at(date(2019, 3, 15), 10) if status != "propose" else None,
            },
        )
        for voter in voters[:votes]:
            AxisSupport.objects.get_or_create(axis=axis, member=voter)
        if status in ("retenu", "en_cours") and voters:
            WorkingGroupMember.objects.update_or_create(axis=axis, member=voters[0], defaults={"is_lead": True})
            for voter in voters[1:3]:
                WorkingGroupMember.objects.get_or_create(axis=axis, member=voter)
        if status == "en_cours":
            AxisNote.objects.update_or_create(
                axis=axis,
                date=date(2019, 3, 15),
                defaults={"text": "Première réunion du groupe de travail : trame commune d'état des lieux."},
            )


UPCOMING_TITLE = "Rencontre d'étape du réseau du Littoral"


def _upcoming_meeting(network, irev, communes, members, stdout, today):
    # Always ahead of the day the demo is loaded: the first Thursday five weeks on, registrations open.
    day = today + timedelta(weeks=5)
    day += timedelta(days=(3 - day.weekday()) % 7)
    codes = [c.insee for c in communes]
    qpvs = list(QPV.objects.filter(generation=2024, communes__insee__in=codes).distinct())
    contrats = list(
        ContratDeVille.objects.filter(
            Q(epci__in=[c.epci_id for c in communes if c.epci_id]) | Q(commune__insee__in=codes)
        ).distinct()
    )
    if not qpvs:
        stdout.write("Réseau : aucun QPV 2024 des communes du réseau n'est chargé ; l'ordre du jour n'en cite pas.")
    if not contrats:
        stdout.write(
            "Réseau : aucun contrat de ville des communes du réseau n'est chargé ; l'ordre du jour n'en cite pas."
        )
    # Found again by its title whatever its date, and moved: loading the demo again refreshes it.
    meeting = Meeting.objects.filter(network=network, title__startswith=UPCOMING_TITLE).order_by("-starts_at").first()
    fields = {
        "title": f"{UPCOMING_TITLE} — {date_format(day, 'F Y')}",
        "starts_at": _at(day, 9, 30),
        "ends_at": _at(day, 12, 30),
        "place": "Dunkerque (lieu à confirmer)",
        "organiser": irev,
        "capacity": 25,
        "registrations_open": True,
        "description": "Point d'étape sur les axes de travail communs et les contrats de ville 2024-2030 "
        "(démonstration).",
    }
    if meeting is None:
        meeting = Meeting.objects.create(network=network, **fields)
    else:
        Meeting.objects.filter(pk=meeting.pk).update(**fields)
        signals.bump(Network.objects.filter(pk=network.pk))  # update() sends no post_save
    _agenda(
        meeting,
        [
            ("Les QPV 2024 des territoires du Littoral", ["etat-des-lieux-qpv"], communes, qpvs, []),
            ("Les contrats de ville 2024-2030 : premiers bilans", ["revision-contrats-de-ville"], [], [], contrats),
            ("Avancement des axes de travail communs", ["axes-prioritaires"], [], [], []),
            ("Point d'actualité politique de la ville", ["point-actualite"], [], [], []),
        ],
    )
    for key in ("62193", "62160"):
        if key in members:
            Registration.objects.get_or_create(meeting=meeting, member=members[key])
    return meeting
