"""GUP demo: a diagnostic en marchant in Beau Marais (Calais) and two years of reports over the Littoral.

The places are real (communes and QPV 2024 of the reference data); the organisations' areas, the
reports, their positions and the TFPB amounts are demonstration data. The QPV 2024 outlines are not
shipped, so report points are placed around the commune's centre: demo positions, not real ones.
Dates are relative to the day the demo is loaded (the walk 40 days before, reports over the two years
before, the TFPB of last year and this year); loading again moves them, so open reports keep plausible ages.
"""

import math
import random
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from shapely.geometry import shape

from quartiers.accounts.models import Membership, Organisation
from quartiers.gup import services
from quartiers.gup.models import (
    CATEGORIES,
    Coordination,
    ManagerArea,
    Report,
    Status,
    StatusChange,
    TfpbAction,
    TfpbAgreement,
    TfpbAxis,
    Walk,
)
from quartiers.territories.models import QPV, Commune

BEAU_MARAIS = "QN06254M"
LITTORAL = {
    "62193": "Calais",
    "62160": "Boulogne-sur-Mer",
    "59183": "Dunkerque",
    "62765": "Saint-Omer",
    "59295": "Hazebrouck",
    "62758": "Saint-Martin-Boulogne",
}
WALK_TITLE = "Diagnostic en marchant du Beau Marais"
DEMO_PREFIX = "GUP-DEMO-"

WALK_FINDINGS = [
    ("depots", "Matelas et sommier déposés au pied de l'immeuble, rue principale."),
    ("parties_communes", "Porte du hall d'entrée qui ne ferme plus, ventouse arrachée."),
    ("eclairage", "Trois lampadaires éteints le long du cheminement piéton vers l'école."),
    ("proprete", "Corbeilles débordantes autour de l'aire de jeux."),
    ("voirie", "Nid-de-poule profond à l'entrée du parking."),
    ("espaces_verts", "Haie non taillée qui masque la visibilité au passage piéton."),
    ("mobilier", "Banc cassé face au city-stade."),
    ("stationnement", "Voiture sans plaque, pneus à plat, depuis plusieurs semaines."),
    ("parties_communes", "Ascenseur en panne depuis dix jours, personnes âgées bloquées au 8e."),
    ("tranquillite", "Regroupements tardifs dans la cage d'escalier, locataires inquiets."),
    ("depots", "Gravats et pots de peinture derrière les garages."),
    ("proprete", "Tags sur le mur du local associatif."),
    ("eclairage", "Éclairage du passage souterrain hors service."),
    ("parties_communes", "Local poubelles inondé, odeurs."),
    ("espaces_verts", "Arbre penché après la tempête, branche menaçante."),
    ("mobilier", "Abribus : vitre brisée."),
    ("voirie", "Bordure de trottoir descellée devant la pharmacie."),
    ("autre", "Boîte aux lettres collective arrachée."),
    ("proprete", "Déjections canines nombreuses sur la pelouse centrale."),
    ("depots", "Encombrants sortis hors du jour de collecte."),
    ("parties_communes", "Caves squattées, porte forcée."),
    ("stationnement", "Stationnement sur le trottoir empêchant le passage des poussettes."),
    ("eclairage", "Lampadaire allumé en plein jour."),
    ("voirie", "Marquage du passage piéton effacé près de l'école."),
    ("espaces_verts", "Aire de jeux : sol souple décollé."),
]
PARTICIPANTS = [
    {"nom": "Habitants du quartier (8 personnes)", "qualite": "habitants"},
    {"nom": "Conseil citoyen du Beau Marais", "qualite": "conseil citoyen"},
    {"nom": "Pas-de-Calais habitat", "qualite": "bailleur"},
    {"nom": "Ville de Calais — service propreté et espaces verts", "qualite": "ville"},
    {"nom": "CA Grand Calais Terres et Mers — collecte des déchets", "qualite": "EPCI"},
    {"nom": "Déléguée du préfet", "qualite": "État"},
]


def _org(name, kind):
    return Organisation.objects.get_or_create(name=name, defaults={"kind": kind})[0]


def _centre(commune, qpv=None):
    """A point to place demo reports around: the QPV outline if known, else the commune's centre."""
    for geom in (getattr(qpv, "outline_simplified", None), commune.outline_simplified):
        if geom:
            p = shape(geom).representative_point()
            return p.x, p.y
    if commune.lon is not None and commune.lat is not None:
        return commune.lon, commune.lat
    return None


def _around(rng, centre, radius_m=700):
    r = radius_m * math.sqrt(rng.random())
    a = rng.random() * 2 * math.pi
    return (
        centre[0] + r * math.cos(a) / (111_320 * math.cos(math.radians(centre[1]))),
        centre[1] + r * math.sin(a) / 111_320,
    )


def _square(centre, half_m):
    dx = half_m / (111_320 * math.cos(math.radians(centre[1])))
    dy = half_m / 111_320
    x, y = centre
    return {
        "type": "Polygon",
        "coordinates": [[[x - dx, y - dy], [x + dx, y - dy], [x + dx, y + dy], [x - dx, y + dy], [x - dx, y - dy]]],
    }


def _person(role, org_name=None, scope="200090751"):
    qs = Membership.objects.filter(role=role, scope_code=scope, active=True).select_related("user")
    if org_name:
        qs = qs.filter(organisation__name=org_name)
    m = qs.first()
    return m.user if m else None


def load_demo(stdout, today=None):
    # The local time (Europe/Paris), so that `now.date()` is the day the users live in, as for `--date AAAA-MM-JJ`:
    # between 23:00 and 00:00 UTC the UTC date is still yesterday.
    now = timezone.localtime()
    if today is not None:
        now = timezone.make_aware(datetime.combine(today, timezone.localtime(now).time()))
    qpv = QPV.objects.filter(code=BEAU_MARAIS).prefetch_related("communes").first()
    if qpv is None or not qpv.communes.exists():
        stdout.write(f"GUP : QPV {BEAU_MARAIS} (Beau Marais) absent : démonstration GUP ignorée.")
        return
    calais = qpv.communes.get(insee="62193") if qpv.communes.filter(insee="62193").exists() else qpv.communes.first()
    centre = _centre(calais, qpv)
    if centre is None:
        stdout.write("GUP : pas de position connue pour Calais (contours non chargés) : démonstration ignorée.")
        return
    orgs = _calais_managers(calais, qpv, centre)
    walk = _walk(stdout, qpv, calais, centre, orgs, now)
    _tfpb(qpv, calais, orgs, walk, timezone.localdate(now).year)
    created = _littoral(stdout, now)
    services.rebuild_stats()
    stdout.write(
        f"GUP : diagnostic en marchant du Beau Marais ({walk.reports.count()} signalements), "
        f"{created} signalements Littoral créés."
    )


def _calais_managers(calais, qpv, centre):
    orgs = {
        "ville": _org("Ville de Calais", Organisation.Kind.COMMUNE),
        "agglo": _org("CA Grand Calais Terres et Mers", Organisation.Kind.EPCI),
        "bailleur": _org("Pas-de-Calais habitat", Organisation.Kind.BAILLEUR),
        "departement": _org("Département du Pas-de-Calais", Organisation.Kind.AUTRE),
        "transport": _org("Opérateur de transport urbain du Calaisis (démonstration)", Organisation.Kind.ENTREPRISE),
    }
    if calais.epci_id:
        Coordination.objects.update_or_create(
            epci_id=calais.epci_id, defaults={"organisation": orgs["agglo"], "public_map": True}
        )
    areas = [
        (
            "bailleur",
            "Patrimoine du Beau Marais : parties communes et abords",
            ["parties_communes", "espaces_verts"],
            None,
        ),
        (
            "ville",
            "Espace public du Beau Marais",
            ["proprete", "eclairage", "voirie", "mobilier", "stationnement", "espaces_verts"],
            None,
        ),
        ("agglo", "Collecte des déchets et encombrants", ["depots"], None),
        ("transport", "Ligne de bus et abribus (périmètre de démonstration)", ["mobilier"], _square(centre, 150)),
        (
            "departement",
            "Route départementale (périmètre de démonstration)",
            ["voirie"],
            _square((centre[0] + 0.004, centre[1]), 120),
        ),
    ]
    for key, label, categories, polygon in areas:
        defaults = {"commune": calais, "categories": categories, "qpv": None if polygon else qpv}
        if polygon:
            defaults["polygon"], defaults["polygon_wkb"] = services.polygon_from_geojson(polygon)
        ManagerArea.objects.update_or_create(organisation=orgs[key], label=label, defaults=defaults)
    return orgs


def _walk(stdout, qpv, calais, centre, orgs, now):
    walk_day = (now - timedelta(days=40)).date()
    route = [
        [round(centre[0] + dx, 6), round(centre[1] + dy, 6)]
        for dx, dy in ((-0.004, -0.002), (-0.001, 0.0), (0.002, 0.001), (0.004, 0.003))
    ]
    walk, created = Walk.objects.get_or_create(
        qpv=qpv,
        title=WALK_TITLE,
        defaults={
            "commune": calais,
            "date": walk_day,
            "route": {"type": "LineString", "coordinates": route},
            "participants": PARTICIPANTS,
            "notes": "Parcours préparé avec le conseil citoyen ; restitution prévue en comité GUP. "
            "Positions des constats : démonstration.",
        },
    )
    if walk.date != walk_day:  # loaded again another day: the walk and its reports move with it
        _shift(walk.reports.all(), timedelta(days=(walk_day - walk.date).days))
        Walk.objects.filter(pk=walk.pk).update(date=walk_day)
        walk.date = walk_day
    if walk.reports.exists():
        return walk
    rng = random.Random(2019)
    reporter = _person("chef_de_projet") or _person("partenaire")
    partner = _person("partenaire", "Pas-de-Calais habitat") or reporter
    started = timezone.make_aware(timezone.datetime.combine(walk.date, timezone.datetime.min.time())) + timedelta(
        hours=14
    )
    for i, (category, text) in enumerate(WALK_FINDINGS):
        lon, lat = _around(rng, centre, 400)
        report = services.create_report(
            reporter,
            category=category,
            qpv=qpv,
            lon=lon,
            lat=lat,
            description=text,
            walk=walk,
            now=started + timedelta(minutes=4 * i),
            notify=False,  # demo data: nobody to tell
        )
        _play(report, i, rng, orgs, partner, reporter, started, walk_day.year)
    return walk


def _shift(reports, shift):
    """Move reports and their history by `shift`, deadlines recomputed (a few hundred rows, two queries each)."""
    rows = list(reports.only("category", "created_at", "status_changed_at", "resolved_at", "deadline"))
    for r in rows:
        r.created_at += shift
        r.status_changed_at = r.status_changed_at and r.status_changed_at + shift
        r.resolved_at = r.resolved_at and r.resolved_at + shift
        r.deadline = Report.deadline_for(r.category, r.created_at)
    Report.objects.bulk_update(rows, ["created_at", "status_changed_at", "resolved_at", "deadline"], batch_size=500)
    changes = list(StatusChange.objects.filter(report__in=reports.values("pk")).only("created_at"))
    for change in changes:
        change.created_at += shift
    StatusChange.objects.bulk_update(changes, ["created_at"], batch_size=500)


def _play(report, i, rng, orgs, partner, chef, started, year):
    """Move walk reports along the workflow so every status shows up."""
    day = timedelta(days=1)
    actor = partner if report.manager == orgs["bailleur"] else chef
    t = started + day * (1 + i % 3)
    if report.status == Status.NOUVEAU:  # ambiguous or unknown: the coordination orients it
        target = orgs["ville"] if report.category != "parties_communes" else orgs["bailleur"]
        services.transition(chef, report, "transmettre", manager=target, now=t, notify=False)
        t += day
    if i % 6 == 1:
        services.transition(
            actor,
            report,
            "rejeter",
            motif=f"Déjà programmé dans le plan de travaux {year} : voir l'action TFPB.",
            now=t,
            notify=False,
        )
    elif i % 6 == 2:
        other = orgs["agglo"] if report.manager != orgs["agglo"] else orgs["ville"]
        services.transition(
            actor,
            report,
            "rediriger",
            motif="Relève de la collecte intercommunale.",
            manager=other,
            now=t,
            notify=False,
        )
    elif i % 6 in (3, 4):
        services.transition(actor, report, "prendre_en_charge", now=t, notify=False)
        if i % 6 == 4:
            services.transition(actor, report, "resoudre", now=t + day * rng.randint(2, 20), notify=False)
    elif i % 6 == 5:
        services.transition(actor, report, "resoudre", now=t + day * rng.randint(1, 10), notify=False)


def _tfpb(qpv, calais, orgs, walk, this_year):
    last_year = this_year - 1  # last year's programme is done with its bilan, this year's is under way
    plans = {
        last_year: (
            148_000,
            f"Bilan {last_year} (démonstration) : présence renforcée le samedi, halls repeints, deux réunions de "
            "locataires.",
        ),
        this_year: (152_000, ""),
    }
    actions = [
        (TfpbAxis.PRESENCE, "Gardien supplémentaire le samedi", 38_000),
        (TfpbAxis.SUR_ENTRETIEN, "Nettoyage renforcé des halls et des caves", 42_000),
        (TfpbAxis.DECHETS, "Enlèvement hebdomadaire des encombrants", 21_000),
        (TfpbAxis.TRANQUILLITE, "Contrôle d'accès des caves", 18_000),
        (TfpbAxis.CONCERTATION, "Diagnostics en marchant avec le conseil citoyen", 6_000),
        (TfpbAxis.ANIMATION, "Fête des voisins et jardins partagés", 9_000),
        (TfpbAxis.PETITS_TRAVAUX, "Remplacement des portes de hall", 14_000),
        (TfpbAxis.FORMATION, "Formation des gardiens à la gestion des conflits", 4_000),
    ]
    for year, (amount, bilan) in plans.items():
        agreement, _ = TfpbAgreement.objects.update_or_create(
            bailleur=orgs["bailleur"],
            qpv=qpv,
            year=year,
            defaults={"commune": calais, "abatement_amount": amount, "housing_count": 1450, "bilan": bilan},
        )
        if agreement.actions.exists():
            continue
        for axis, title, planned in actions:
            action = TfpbAction.objects.create(
                agreement=agreement,
                axis=axis,
                title=title,
                planned_amount=planned,
                spent_amount=round(planned * 0.93) if year == last_year else None,
                done=year == last_year,
            )
            if year == this_year and axis in (TfpbAxis.SUR_ENTRETIEN, TfpbAxis.PETITS_TRAVAUX):
                action.reports.set(walk.reports.filter(category="parties_communes", manager=orgs["bailleur"]))
            if axis == TfpbAxis.CONCERTATION:
                action.walks.add(walk)


# Which kind of organisation handles each category in the Littoral demo.
CATEGORY_MANAGER = {
    "proprete": "ville",
    "depots": "epci",
    "eclairage": "ville",
    "voirie": "ville",
    "espaces_verts": "ville",
    "mobilier": "ville",
    "stationnement": "ville",
    "parties_communes": "bailleur",
    "tranquillite": None,
    "autre": None,
}


YOUNGEST = 3600  # seconds: the age of the latest demo report when the demo is loaded


@transaction.atomic
def _littoral_places(stdout):
    """(commune, qpv, centre, managers, coordinator) for each 2024 QPV of the Littoral communes loaded."""
    places = []
    for insee, name in LITTORAL.items():
        commune = Commune.objects.filter(insee=insee).select_related("epci").first()
        if commune is None:
            stdout.write(f"GUP : commune {name} ({insee}) absente : ignorée.")
            continue
        centre = _centre(commune)
        qpvs = list(QPV.objects.filter(generation=2024, communes=commune))
        if centre is None or not qpvs:
            stdout.write(f"GUP : {name} sans position ou sans QPV 2024 : ignorée.")
            continue
        managers = {
            "ville": _org(f"Ville de {name}", Organisation.Kind.COMMUNE),
            "epci": _org(commune.epci.nom, Organisation.Kind.EPCI) if commune.epci else None,
            "bailleur": _org("Pas-de-Calais habitat", Organisation.Kind.BAILLEUR)
            if commune.departement_id == "62"
            else _org("Bailleur social du Nord (démonstration)", Organisation.Kind.BAILLEUR),
        }
        coordinator = managers["epci"] or managers["ville"]
        if commune.epci_id and not Coordination.objects.filter(epci_id=commune.epci_id).exists():
            Coordination.objects.create(epci_id=commune.epci_id, organisation=coordinator)
        places.extend((commune, q, centre, managers, coordinator) for q in qpvs)
    return places


def _littoral_report(rng, i, place, now):
    """The i-th demo report (unsaved): age, status and resolution time drawn from `rng`, in a fixed order."""
    commune, qpv, centre, managers, coordinator = place
    category = rng.choice(list(CATEGORIES))
    manager = managers.get(CATEGORY_MANAGER[category] or "") or coordinator
    age = rng.randint(0, 730 * 86400)
    age = YOUNGEST if i == 0 else max(age, YOUNGEST)  # the anchor _littoral moves on re-run
    created = now - timedelta(seconds=age)
    draw = rng.random()
    if age > 45 * 86400:
        status = Status.RESOLU if draw < 0.82 else Status.REJETE if draw < 0.95 else Status.PRIS_EN_CHARGE
    else:
        status = rng.choice([Status.NOUVEAU, Status.TRANSMIS, Status.TRANSMIS, Status.PRIS_EN_CHARGE, Status.RESOLU])
    # Landlords answer faster than roadworks: gives the dashboard something to compare.
    scale = {"bailleur": 6, "ville": 12, "epci": 4}.get(CATEGORY_MANAGER[category] or "", 20)
    seconds = int(min(age, rng.expovariate(1 / (scale * 86400)) + 3600)) if status == Status.RESOLU else None
    lon, lat = _around(rng, centre, 900)
    return Report(
        reference=f"{DEMO_PREFIX}{i + 1:04d}",
        category=category,
        lon=lon,
        lat=lat,
        qpv=qpv,
        commune=commune,
        epci_id=commune.epci_id,
        departement_id=commune.departement_id,
        manager=manager,
        routed_to_coordinator=status == Status.NOUVEAU,
        status=status,
        deadline=Report.deadline_for(category, created),
        created_at=created,
        status_changed_at=created,
        resolved_at=created + timedelta(seconds=seconds) if seconds is not None else None,
        resolution_seconds=seconds,
        description=f"{CATEGORIES[category][0]} signalé à {commune.nom} (démonstration).",
    )


def _littoral_history(pk, status, manager_id, created, resolved):
    """The history lines of a demo report: routed, then its final status when it went further."""
    lines = [
        StatusChange(
            report_id=pk,
            from_status="",
            to_status=Status.TRANSMIS if status != Status.NOUVEAU else Status.NOUVEAU,
            to_manager_id=manager_id,
            created_at=created,
            motif="Démonstration.",
        )
    ]
    if status not in (Status.NOUVEAU, Status.TRANSMIS):
        motif = "Démonstration." if status != Status.REJETE else "Hors du domaine du gestionnaire (démonstration)."
        lines.append(
            StatusChange(
                report_id=pk,
                from_status=Status.TRANSMIS,
                to_status=status,
                to_manager_id=manager_id,
                from_manager_id=manager_id,
                created_at=resolved or created + timedelta(days=3),
                motif=motif,
            )
        )
    return lines


def _littoral(stdout, now, total=500):
    existing = Report.objects.filter(reference__startswith=DEMO_PREFIX)
    if existing.exists():
        # The youngest demo report was made YOUNGEST seconds before loading: moving it back keeps every age.
        youngest = existing.order_by("-created_at").values_list("created_at", flat=True)[0]
        shift = now - timedelta(seconds=YOUNGEST) - youngest
        if abs(shift) > timedelta(hours=12):
            _shift(existing, shift)
        return 0
    places = _littoral_places(stdout)
    if not places:
        return 0
    rng = random.Random(25012019)
    reports = [_littoral_report(rng, i, places[i % len(places)], now) for i in range(total)]
    Report.objects.bulk_create(reports, batch_size=500)
    saved = Report.objects.filter(reference__startswith=DEMO_PREFIX).values_list(
        "pk", "status", "manager_id", "created_at", "resolved_at"
    )
    history = [line for row in saved for line in _littoral_history(*row)]
    StatusChange.objects.bulk_create(history, batch_size=1000)
    return len(reports)
