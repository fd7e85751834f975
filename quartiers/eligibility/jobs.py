"""Background jobs of the eligibility app (loaded by the worker through `quartiers.core.jobs`)."""

from quartiers.eligibility import batch  # noqa: F401  (registers batch.JOB_KIND)
