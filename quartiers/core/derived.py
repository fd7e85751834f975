"""Tables derived from others (a search index, version tokens): never backed up — a restore rebuilds them
(`backup.restored`) or the database's own triggers renew them — and never watched by `dataversions`, since
they change only with the rows they are derived from. An app names its own from its AppConfig.ready."""

DERIVED = {"core.dataversion"}


def derive(*labels):
    DERIVED.update(label.lower() for label in labels)
