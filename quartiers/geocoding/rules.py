"""Rules of the geocoding engine: the BAN index is loaded by administrators."""

from quartiers.core.permissions import admins_only, declare, signed_in
from quartiers.geocoding.models import BanDepartement

declare(BanDepartement, view=signed_in, create=admins_only, change=admins_only, delete=admins_only)
