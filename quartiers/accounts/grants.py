"""What an inviter may grant: roles, organisations and territories (the invitation form and service).

Administrators grant anything. A chef de projet invites on his own territory (his scope and what it
contains), to his own role or below (chef de projet, partenaire, lecteur: the State's and the
resource centre's roles are granted by administrators), in an organisation he belongs to as chef de
projet or one that belongs to his territory: whose SIREN is that of one of its communes or EPCI, or
whose every active membership lies within it. Anyone else invites nobody.
"""

from django.db.models import Q

from quartiers.accounts.models import Membership, Organisation
from quartiers.core.permissions import CHEF, PARTNER, READER, ROLE_CHOICES, is_admin, scope_keys
from quartiers.territories.models import EPCI, Commune, Departement, Region

CHEF_GRANTS = (CHEF, PARTNER, READER)
GROUPS = (("region", "Régions"), ("departement", "Départements"), ("epci", "EPCI"), ("commune", "Communes"))


def may_invite_at_all(actor):
    return is_admin(actor) or bool(scope_keys(actor, {CHEF}))


def grantable_roles(actor):
    if is_admin(actor):
        return list(ROLE_CHOICES)
    if scope_keys(actor, {CHEF}):
        return [(key, label) for key, label in ROLE_CHOICES if key in CHEF_GRANTS]
    return []


def _codes(keys):
    codes = {level: set() for level, _ in GROUPS}
    for key in keys:
        level, code = key.split(":", 1)
        codes.setdefault(level, set()).add(code)
    return codes


def territory_rows(actor):
    """{level: [(code, label)]} of the territories the actor may invite on, by name.

    For an administrator: every région, département and EPCI, and the communes that have a QPV
    (the others are reached through « Utilisateurs » → rattachements, by code).
    """
    if is_admin(actor):
        regions = Region.objects.all()
        departements = Departement.objects.all()
        epcis = EPCI.objects.all()
        communes = Commune.objects.filter(pk__in=Commune.objects.filter(qpvs__isnull=False).values("pk"))
    else:
        codes = _codes(scope_keys(actor, {CHEF}))
        regions = Region.objects.filter(code__in=codes["region"])
        departements = Departement.objects.filter(Q(code__in=codes["departement"]) | Q(region_id__in=codes["region"]))
        dep_codes = list(departements.values_list("code", flat=True))
        communes = Commune.objects.filter(
            Q(insee__in=codes["commune"]) | Q(epci_id__in=codes["epci"]) | Q(departement_id__in=dep_codes)
        )
        epcis = EPCI.objects.filter(
            Q(siren__in=codes["epci"])
            | Q(pk__in=Commune.objects.filter(departement_id__in=dep_codes).values("epci_id"))
        )
    return {
        "region": [(r.code, r.nom) for r in regions.order_by("nom")],
        "departement": [(d.code, f"{d.nom} ({d.code})") for d in departements.order_by("code")],
        "epci": [(e.siren, e.nom) for e in epcis.order_by("nom")],
        "commune": [(c.insee, f"{c.nom} ({c.departement_id})") for c in communes.order_by("nom")],
    }


def territory_choices(actor):
    """Grouped choices for a select: values are territory keys (« epci:200090751 »), labels names."""
    rows = territory_rows(actor)
    return [
        (group, [(f"{level}:{code}", label) for code, label in rows[level]]) for level, group in GROUPS if rows[level]
    ]


def covered_keys(actor):
    rows = territory_rows(actor)
    return {f"{level}:{code}" for level, items in rows.items() for code, _label in items}


def grantable_organisations(actor):
    if is_admin(actor):
        return Organisation.objects.all()
    if not scope_keys(actor, {CHEF}):
        return Organisation.objects.none()
    within = covered_keys(actor)
    own = Membership.objects.filter(user=actor, active=True, role=CHEF).values_list("organisation_id", flat=True)
    ids = set(own)
    sirens = {key.split(":", 1)[1] for key in within if key.startswith("epci:")}
    sirens |= set(
        Commune.objects.filter(insee__in=[k.split(":", 1)[1] for k in within if k.startswith("commune:")])
        .exclude(siren="")
        .values_list("siren", flat=True)
    )
    # Organisations are few (hundreds): reading their memberships once is cheaper than a query each.
    scopes = {}
    for org, level, code in Membership.objects.filter(active=True).values_list(
        "organisation_id", "scope_level", "scope_code"
    ):
        scopes.setdefault(org, set()).add(f"{level}:{code}")
    ids |= {org for org, keys in scopes.items() if keys <= within}
    for org, siret in Organisation.objects.exclude(siret="").values_list("pk", "siret"):
        if siret[:9] in sirens:
            ids.add(org)
    return Organisation.objects.filter(pk__in=ids)
