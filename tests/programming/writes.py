"""Write matrix of the programming (tests/programming/writes_<family>.py, gathered by families.py)."""

from tests.programming.families import cases

WRITES = cases("writes")
