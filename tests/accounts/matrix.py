from quartiers.accounts.models import ApiToken
from quartiers.core.api import create_token
from tests.factories import UserFactory
from tests.permission_matrix import ADMIN_ONLY, LOGIN, MEMBERS, PUBLIC, Case, expect

ADMIN_POST = expect(LOGIN, 403, 403, 403, 403, 302)
ALL_REDIRECT = expect(302, 302, 302, 302, 302, 302)


def _chef(w):
    return [w.users["chef"].pk]


def _chef_membership(w):
    return [w.users["chef"].memberships.get().pk]


def _pending(w):
    user = UserFactory(email="invitee@exemple.test")
    user.set_unusable_password()
    user.save()
    return [user.pk]


def _token_of_chef(w):
    create_token(w.users["chef"], "tableur")
    return [ApiToken.objects.get(user=w.users["chef"]).pk]


def _invitation(w):
    return {
        "email": "nouvelle.personne@exemple.test",
        "organisation": w.orgs["agglo"].pk,
        "role": "lecteur",
        "territory": "epci:200090751",
    }


def _proposed_to_chef(w):
    from quartiers.accounts.models import PendingMembership
    from quartiers.accounts.services import pending_link

    pending = PendingMembership.objects.create(
        user=w.users["chef"], organisation=w.orgs["bailleur"], role="lecteur", scope_level="commune", scope_code="62193"
    )
    return [pending_link(pending, "http://testserver").rstrip("/").rsplit("/", 1)[1]]


def _membership(w):
    return {"organisation": w.orgs["agglo"].pk, "role": "lecteur", "scope_level": "commune", "scope_code": "62193"}


CASES = [
    Case("accounts:login", expect(200, 302, 302, 302, 302, 302)),
    Case("accounts:logout", ALL_REDIRECT, method="post"),
    Case("accounts:password_reset", PUBLIC),
    Case("accounts:password_reset", ALL_REDIRECT, method="post", data={"email": "personne@exemple.test"}),
    Case("accounts:password_reset_done", PUBLIC),
    Case("accounts:password_reset_confirm", PUBLIC, args=["MQ", "invalide-0"]),
    Case("accounts:password_reset_complete", PUBLIC),
    Case("accounts:invitation_accept", PUBLIC, args=["MQ", "invalide-0"]),
    Case("accounts:invite", expect(LOGIN, 403, 403, 200, 200, 200)),
    # The chef of another territory sees the form again with a refusal; nothing is created.
    Case("accounts:invite", expect(LOGIN, 403, 403, 200, 302, 302), method="post", data=_invitation),
    # A proposed membership is shown (and accepted) by the person it is proposed to only.
    Case("accounts:membership_accept", MEMBERS, args=["invalide"], label="rattachement proposé : lien invalide"),
    Case("accounts:membership_accept", expect(LOGIN, 403, 403, 403, 200, 403), args=_proposed_to_chef),
    Case(
        "accounts:membership_accept",
        expect(LOGIN, 403, 403, 403, 302, 403),
        args=_proposed_to_chef,
        method="post",
        label="POST rattachement proposé accepté",
    ),
    Case("accounts:my_account", MEMBERS),
    Case(
        "accounts:my_account",
        expect(LOGIN, 302, 302, 302, 302, 302),
        method="post",
        data={"first_name": "Camille", "last_name": "Martin", "phone": ""},
    ),
    Case("accounts:password_change", MEMBERS),
    Case("accounts:token_create", expect(LOGIN, 200, 200, 200, 200, 200), method="post", data={"label": "SIG"}),
    Case("accounts:token_revoke", expect(LOGIN, 404, 404, 404, 302, 302), method="post", args=_token_of_chef),
    Case("api:token_me", expect(401, 200, 200, 200, 200, 200)),
    Case("accounts:user_list", ADMIN_ONLY),
    Case("accounts:user_detail", ADMIN_ONLY, args=_chef),
    Case("accounts:membership_add", ADMIN_POST, method="post", args=_chef, data=_membership),
    Case("accounts:membership_deactivate", ADMIN_POST, method="post", args=_chef_membership),
    Case("accounts:user_set_active", ADMIN_POST, method="post", args=_chef, data={"actif": "0"}),
    Case("accounts:invitation_resend", ADMIN_POST, method="post", args=_pending),
    Case("accounts:organisation_list", ADMIN_ONLY),
    Case("accounts:organisation_create", ADMIN_ONLY),
    Case(
        "accounts:organisation_create", ADMIN_POST, method="post", data={"name": "Nouvelle asso", "kind": "association"}
    ),
    Case("accounts:organisation_edit", ADMIN_ONLY, args=lambda w: [w.orgs["bailleur"].pk]),
    Case("accounts:audit_list", ADMIN_ONLY),
]
