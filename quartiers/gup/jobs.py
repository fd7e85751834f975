"""GUP background work, loaded by `quartiers.core.jobs`: the full export of the reports (registered in exports)."""

from quartiers.gup import exports  # noqa: F401  (registers « gup.signalements »)
