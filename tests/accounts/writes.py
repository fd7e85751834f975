"""Write cases of accounts (tests/write_matrix.py): invitations, memberships, tokens, organisations.

The invitation rules (issue 12 §1, first point): an inviter grants only what he may, never to himself.
"""

from quartiers.accounts.models import ApiToken
from quartiers.core.api import create_token
from tests.accounts.matrix import _proposed_to_chef
from tests.factories import PASSWORD, UserFactory
from tests.write_matrix import ELEVATION, NOMINAL, OTHER_ORGANISATION, OTHER_TERRITORY, not_applicable, write

LOGGED_IN = "lecteur partenaire delegue animateur autre_chef chef admin"
EVERYONE = "anonyme " + LOGGED_IN
OWN_ACCOUNT = "N'agit que sur le compte du demandeur, sans champ d'organisation, de territoire ni de rôle."
ADMIN_ONLY = "Réservé aux administrateurs quel que soit l'objet : le cas (a) le prouve pour chaque rôle."
TOKEN_LINK = "Le seul droit est le jeton signé reçu par e-mail (un jeton faux est refusé : tests/accounts)."


def _invitation(org_key, role, level, code, email="nouvelle.personne@exemple.test"):
    return lambda w: {
        "email": email(w) if callable(email) else email,
        "organisation": w.orgs[org_key].pk,
        "role": role,
        "territory": f"{level}:{code}",
    }


def _pending(w):
    user = UserFactory(email="invitee@exemple.test")
    user.set_unusable_password()
    user.save()
    return [user.pk]


def _chef_token(w):
    create_token(w.users["chef"], "tableur")
    return [ApiToken.objects.get(user=w.users["chef"]).pk]


WRITES = [
    # Log-in, log-out, password reset: no object, no right.
    write(
        "accounts:login",
        NOMINAL,
        "anonyme",
        data=lambda w: {"username": w.users["lecteur"].email, "password": PASSWORD},
        refused=(302,),  # signed-in users are sent on, nothing written
    ),
    *not_applicable("accounts:login", OTHER_TERRITORY, OTHER_ORGANISATION, ELEVATION, reason=OWN_ACCOUNT),
    write("accounts:logout", NOMINAL, EVERYONE, writes_outside_db="la session seulement"),
    *not_applicable("accounts:logout", OTHER_TERRITORY, OTHER_ORGANISATION, ELEVATION, reason=OWN_ACCOUNT),
    write(
        "accounts:password_reset",
        NOMINAL,
        EVERYONE,
        data=lambda w: {"email": w.users["chef"].email},
        writes_outside_db="un e-mail avec un lien signé, aucune ligne",
    ),
    *not_applicable("accounts:password_reset", OTHER_TERRITORY, OTHER_ORGANISATION, ELEVATION, reason=TOKEN_LINK),
    *not_applicable(
        "accounts:password_reset_confirm", OTHER_TERRITORY, OTHER_ORGANISATION, ELEVATION, reason=TOKEN_LINK
    ),
    *not_applicable("accounts:invitation_accept", OTHER_TERRITORY, OTHER_ORGANISATION, ELEVATION, reason=TOKEN_LINK),
    # A membership proposed to the chef (an existing account): only he may accept it, by its signed link.
    write(
        "accounts:membership_accept",
        OTHER_ORGANISATION,
        "chef",
        args=_proposed_to_chef,
        label="accounts:membership_accept [autre_organisation] (rattachement proposé à un autre)",
    ),
    *not_applicable(
        "accounts:membership_accept",
        OTHER_TERRITORY,
        ELEVATION,
        reason="Le lien signé nomme le rattachement proposé : ni territoire ni rôle dans la requête.",
    ),
    # Own account: profile, password, API tokens.
    write(
        "accounts:my_account", NOMINAL, LOGGED_IN, data={"first_name": "Camille", "last_name": "Martin", "phone": ""}
    ),
    *not_applicable("accounts:my_account", OTHER_TERRITORY, OTHER_ORGANISATION, ELEVATION, reason=OWN_ACCOUNT),
    write(
        "accounts:password_change",
        NOMINAL,
        LOGGED_IN,
        data={"old_password": PASSWORD, "new_password1": "Nouveau-mot-2026!", "new_password2": "Nouveau-mot-2026!"},
    ),
    *not_applicable("accounts:password_change", OTHER_TERRITORY, OTHER_ORGANISATION, ELEVATION, reason=OWN_ACCOUNT),
    write("accounts:token_create", NOMINAL, LOGGED_IN, data={"label": "SIG", "scope_territories": "read"}),
    # Write scope: only for a contributing role (the lecteur and the animateur cannot raise their rights so).
    write(
        "accounts:token_create",
        ELEVATION,
        "partenaire delegue autre_chef chef admin",
        data={"label": "SI bailleur", "scope_contracts": "write"},
        refused=(400,),
        label="accounts:token_create [elevation] (écriture demandée sans rôle contributeur)",
    ),
    # A service token for an organisation one does not administer (the Calais landlord).
    write(
        "accounts:token_create",
        OTHER_ORGANISATION,
        "",
        data=lambda w: {"label": "Service", "organisation": w.orgs["bailleur"].pk, "scope_gup": "read"},
        refused=(400,),
        label="accounts:token_create [autre_organisation] (jeton de service d'une organisation non administrée)",
    ),
    *not_applicable(
        "accounts:token_create",
        OTHER_TERRITORY,
        reason="Un jeton n'a aucun champ de territoire : il agit avec les rattachements de son titulaire.",
    ),
    # Someone else's token (the chef's): refused (404) to all but him and the administrators.
    write("accounts:token_revoke", OTHER_ORGANISATION, "chef admin", args=_chef_token),
    *not_applicable("accounts:token_revoke", OTHER_TERRITORY, ELEVATION, reason=OWN_ACCOUNT),
    # Invitations: the Calais chef invites for Dunkerque; the Dunkerque chef invites himself into Calais.
    write(
        "accounts:invite",
        OTHER_TERRITORY,
        "autre_chef admin",
        data=_invitation("cud", "lecteur", "epci", "245900428"),
        refused=(200, 403, 404),
    ),
    write(
        "accounts:invite",
        OTHER_ORGANISATION,
        "admin",
        # The escalation of the issue: his own territory as scope, the Calais landlord as organisation.
        data=_invitation("bailleur", "partenaire", "epci", "245900428", email=lambda w: w.users["autre_chef"].email),
        refused=(200, 403, 404),
        label="accounts:invite [autre_organisation] (le chef de Dunkerque s'ajoute au bailleur de Calais)",
    ),
    write(
        "accounts:invite",
        ELEVATION,
        "admin",
        data=_invitation("agglo", "administrateur", "region", "32", email=lambda w: w.users["chef"].email),
        refused=(200, 403, 404),
        label="accounts:invite [elevation] (le chef s'invite administrateur)",
    ),
    # Administration of accounts and organisations: administrators only, whatever the object.
    write(
        "accounts:membership_add",
        OTHER_TERRITORY,
        "admin",
        args=lambda w: [w.users["autre_chef"].pk],
        data=lambda w: (
            {"organisation": w.orgs["cud"].pk, "role": "lecteur", "scope_level": "commune"} | {"scope_code": "59183"}
        ),
    ),
    write(
        "accounts:membership_add",
        ELEVATION,
        "admin",
        args=lambda w: [w.users["chef"].pk],
        data=lambda w: (
            {"organisation": w.orgs["agglo"].pk, "role": "administrateur", "scope_level": "region"}
            | {"scope_code": "32"}
        ),
        label="accounts:membership_add [elevation] (le chef se rattache administrateur)",
    ),
    *not_applicable("accounts:membership_add", OTHER_ORGANISATION, reason=ADMIN_ONLY),
    write(
        "accounts:membership_deactivate",
        OTHER_TERRITORY,
        "admin",
        args=lambda w: [w.users["autre_chef"].memberships.get().pk],
    ),
    *not_applicable("accounts:membership_deactivate", OTHER_ORGANISATION, ELEVATION, reason=ADMIN_ONLY),
    write(
        "accounts:user_set_active",
        OTHER_TERRITORY,
        "admin",
        args=lambda w: [w.users["autre_chef"].pk],
        data={"actif": "0"},
    ),
    *not_applicable("accounts:user_set_active", OTHER_ORGANISATION, ELEVATION, reason=ADMIN_ONLY),
    write("accounts:invitation_resend", OTHER_TERRITORY, "admin", args=_pending),
    *not_applicable("accounts:invitation_resend", OTHER_ORGANISATION, ELEVATION, reason=ADMIN_ONLY),
    write("accounts:organisation_create", ELEVATION, "admin", data={"name": "Nouvelle asso", "kind": "association"}),
    *not_applicable("accounts:organisation_create", OTHER_TERRITORY, OTHER_ORGANISATION, reason=ADMIN_ONLY),
    write(
        "accounts:organisation_edit",
        OTHER_ORGANISATION,
        "admin",
        args=lambda w: [w.orgs["bailleur"].pk],
        data={"name": "Bailleur renommé", "kind": "bailleur"},
    ),
    *not_applicable("accounts:organisation_edit", OTHER_TERRITORY, ELEVATION, reason=ADMIN_ONLY),
]
