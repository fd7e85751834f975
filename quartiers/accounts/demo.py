"""Demo organisations and one demo account per role, after the seed story (Calais, 25 January 2019).

Idempotent: organisations by name, accounts by e-mail, memberships by their natural key. A demo
account keeps the password it has; it gets the demo password only when created (or when it has none).
"""

from django.db import transaction

from quartiers.accounts.models import Membership, Organisation, User
from quartiers.core.permissions import ADMIN, ANIMATOR, CHEF, DELEGATE, PARTNER, READER, ROLE_CHOICES

DEMO_PASSWORD = "demo-quartiers-2019"
ROLE_LABELS = dict(ROLE_CHOICES)
DOMAIN = "quartiers.example"

ORGANISATIONS = [
    # (name, kind, SIREN when it is the body's official one)
    ("IREV — centre de ressources politique de la ville Hauts-de-France", Organisation.Kind.CENTRE_RESSOURCES, ""),
    ("Préfecture du Pas-de-Calais", Organisation.Kind.ETAT, ""),
    ("CA Grand Calais Terres et Mers", Organisation.Kind.EPCI, "200090751"),
    ("Ville de Calais", Organisation.Kind.COMMUNE, "216201939"),
    ("CU de Dunkerque", Organisation.Kind.EPCI, "245900428"),
    ("Pas-de-Calais habitat", Organisation.Kind.BAILLEUR, ""),
    ("Association Quartiers solidaires (démonstration)", Organisation.Kind.ASSOCIATION, ""),
]

# (e-mail, first name, last name, organisation, role, scope level, scope code, function)
ACCOUNTS = [
    ("admin", "Alice", "Administratrice", 0, ADMIN, "region", "32", "Chargée de mission réseau"),
    (
        "chef.calais",
        "Claire",
        "Cheffe de projet",
        2,
        CHEF,
        "epci",
        "200090751",
        "Cheffe de projet politique de la ville",
    ),
    (
        "bailleur.calais",
        "Paul",
        "Partenaire",
        5,
        PARTNER,
        "epci",
        "200090751",
        "Chargé de gestion urbaine de proximité",
    ),
    ("lecteur", "Louise", "Lectrice", 1, READER, "region", "32", "Chargée d'études (lecture seule)"),
    (
        "delegue",
        "Denis",
        "Délégué du préfet",
        1,
        DELEGATE,
        "departement",
        "62",
        "Délégué du préfet pour la politique de la ville",
    ),
    (
        "animateur",
        "Anne",
        "Animatrice",
        0,
        ANIMATOR,
        "region",
        "32",
        "Animatrice du réseau des chefs de projet du Littoral",
    ),
    ("chef.dunkerque", "David", "Chef de projet", 4, CHEF, "epci", "245900428", "Chef de projet contrat de ville"),
]


@transaction.atomic
def load_demo(stdout):
    organisations = []
    for name, kind, siren in ORGANISATIONS:
        org, _ = Organisation.objects.update_or_create(name=name, defaults={"kind": kind, "siret": siren})
        organisations.append(org)
    for local, first, last, org_index, role, level, code, function in ACCOUNTS:
        email = f"{local}@{DOMAIN}"
        user, created = User.objects.get_or_create(email=email, defaults={"first_name": first, "last_name": last})
        if created or not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        Membership.objects.update_or_create(
            user=user,
            organisation=organisations[org_index],
            role=role,
            scope_level=level,
            scope_code=code,
            defaults={"function": function, "active": True},
        )
    stdout.write(f"Comptes de démonstration : {len(ACCOUNTS)} (affichés en fin de chargement).")


def print_accounts(stdout):
    """The e-mail / password table of the demo accounts, printed by `quartiers demo` at the very end."""
    rows = [
        (f"{local}@{DOMAIN}", ROLE_LABELS[role], f"{Membership.Level(level).label} {code}")
        for local, _f, _l, _o, role, level, code, _fn in ACCOUNTS
    ]
    # Accounts a module's demo adds (the programming's carrier) follow, from their membership.
    listed = {email for email, *_ in rows}
    others = Membership.objects.filter(user__email__endswith=f"@{DOMAIN}", active=True).exclude(user__email__in=listed)
    for m in others.select_related("user").order_by("user__email"):
        rows.append((m.user.email, ROLE_LABELS[m.role], f"{Membership.Level(m.scope_level).label} {m.scope_code}"))
    # Explicit newlines: `stdout` may be a management command's wrapper or a plain stream.
    stdout.write("Comptes de démonstration (un par rôle) :\n")
    width = max(len(email) for email, *_ in rows)
    stdout.write(f"  {'e-mail'.ljust(width)}  {'mot de passe'.ljust(len(DEMO_PASSWORD))}  rôle (territoire)\n")
    for email, role, scope in rows:
        stdout.write(f"  {email.ljust(width)}  {DEMO_PASSWORD}  {role} ({scope})\n")
