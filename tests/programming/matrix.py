"""Permission matrix of the programming (tests/programming/matrix_<family>.py, gathered by families.py)."""

from tests.programming.families import cases

CASES = cases("matrix")
