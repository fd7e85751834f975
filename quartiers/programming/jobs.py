"""Background jobs of the programming (loaded by the worker through `quartiers.core.jobs`)."""

from quartiers.programming import qpv_share  # noqa: F401  (registers qpv_share.QPV_JOB)
