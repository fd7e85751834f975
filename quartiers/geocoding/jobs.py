"""Background jobs of the geocoding app (loaded by the worker through `quartiers.core.jobs`)."""

from quartiers.geocoding import eligibility_batch  # noqa: F401  (registers "geocoding.eligibilite")
