"""The programming's matrix and write-matrix cases live in one module per page family:
tests/programming/matrix_<family>.py (CASES) and writes_<family>.py (WRITES)."""

from importlib import import_module

FAMILIES = ("calls", "applications", "instruction", "committee", "followup", "bilans", "opendata")


def cases(kind):
    found = []
    for family in FAMILIES:
        try:
            module = import_module(f"tests.programming.{kind}_{family}")
        except ModuleNotFoundError as error:
            if error.name != f"tests.programming.{kind}_{family}":
                raise
            continue
        found += getattr(module, "CASES" if kind == "matrix" else "WRITES")
    return found
