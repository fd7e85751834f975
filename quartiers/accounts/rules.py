"""Rules of accounts: administrators manage users, organisations and memberships; a chef de projet grants
memberships on his own territory (`Scope`, see accounts.services)."""

from quartiers.accounts.models import LoginAttempt, Membership, Organisation, PendingMembership, User
from quartiers.accounts.scopes import Scope
from quartiers.core.permissions import CHEF, admins_only, declare, in_scope, signed_in

# Accounts hold personal data: only administrators list them.
declare(User, view=admins_only, create=admins_only, change=admins_only, delete=admins_only)
declare(Organisation, view=signed_in, create=admins_only, change=admins_only, delete=admins_only)
declare(Membership, view=admins_only, create=admins_only, change=admins_only, delete=admins_only)
declare(PendingMembership, view=admins_only, create=admins_only, change=admins_only, delete=admins_only)
declare(LoginAttempt, view=admins_only, create=admins_only, change=admins_only, delete=admins_only)
# A territory as the grants see it: a chef de projet invites on the territories his scope covers.
declare(Scope, change=in_scope(CHEF))
