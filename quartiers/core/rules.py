"""Rules of core's models: the audit trail and the jobs are internal rows (API tokens: accounts)."""

from quartiers.core.models import AuditEvent, DataVersion, Job
from quartiers.core.permissions import admins_only, declare, own

# Written only by `core.audit.record`; read by administrators.
declare(AuditEvent, view=admins_only, create=admins_only, change=admins_only, delete=admins_only)
# A job is created by the service that checked its own rule first; its owner follows it.
declare(Job, view=own("owner"), create=admins_only, change=admins_only, delete=admins_only)
# Written by the database triggers only (core/dataversions.py).
declare(DataVersion, view=admins_only, create=admins_only, change=admins_only, delete=admins_only)
