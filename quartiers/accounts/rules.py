"""Rules of accounts: administrators manage users, organisations and memberships; a chef de projet grants
memberships on his own territory (`Scope`, see accounts.services). A token is its holder's; a service token is
also seen and revoked by the chefs de projet of its organisation."""

from django.db.models import Q

from quartiers.accounts.models import ApiToken, LoginAttempt, Membership, Organisation, PendingMembership, User
from quartiers.accounts.scopes import Scope
from quartiers.core.permissions import CHEF, admins_only, declare, in_scope, organisation_ids, own, predicate, signed_in

# Accounts hold personal data: only administrators list them.
declare(User, view=admins_only, create=admins_only, change=admins_only, delete=admins_only)
declare(Organisation, view=signed_in, create=admins_only, change=admins_only, delete=admins_only)
declare(Membership, view=admins_only, create=admins_only, change=admins_only, delete=admins_only)
declare(PendingMembership, view=admins_only, create=admins_only, change=admins_only, delete=admins_only)
declare(LoginAttempt, view=admins_only, create=admins_only, change=admins_only, delete=admins_only)
# A territory as the grants see it: a chef de projet invites on the territories his scope covers.
declare(Scope, change=in_scope(CHEF))

organisation_admin = predicate(
    "un chef de projet de l'organisation du jeton de service",
    lambda user, token: token.organisation_id is not None and token.organisation_id in organisation_ids(user, {CHEF}),
    lambda user: Q(organisation_id__in=organisation_ids(user, {CHEF})),
)
declare(
    ApiToken,
    view=own("user") | organisation_admin,
    create=signed_in,
    change=admins_only,
    delete=own("user") | organisation_admin,
)
