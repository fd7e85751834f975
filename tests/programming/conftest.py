"""The `prog` fixture: a Calais call for projects (and a Dunkerque one) on tests/world.py (see helpers.py)."""

import pytest

from tests.programming.helpers import setup


@pytest.fixture
def prog(world):
    return setup(world)
