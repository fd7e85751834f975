"""A tiny BAN loaded for tests (also for the eligibility tests): `load_test_ban()` or the `test_ban` fixture.

The file `fixtures_ban/adresses-test.csv` is test material (real commune codes, made-up streets and
positions), see fixtures_ban/make_fixture.py. Addresses it knows, among others:
« 10 bis Rue Royale 62100 Calais » (62193_0010_00010_bis), « 12 Rue Victor Hugo » in Calais
(62193_0030_00012) and in Dunkerque (59183_0200_00012), « Rue de la République » in the former communes
Saint-Pol-sur-Mer and Petite-Synthe (Dunkerque), the lieu-dit « Le Fort Nieulay » (Calais, no number).
"""

from pathlib import Path

import pytest

FIXTURE_DIR = Path(__file__).with_name("fixtures_ban")
TEST_BAN = FIXTURE_DIR / "adresses-test.csv"


def load_test_ban():
    """Import the test BAN into the database (call inside a test with database access); returns the report."""
    from quartiers.geocoding import ban
    from quartiers.geocoding.geocoder import invalidate

    report = ban.import_file(TEST_BAN)
    invalidate()
    return report


@pytest.fixture
def test_ban(db):
    """The test BAN imported, and the process-wide geocoder reloaded on it."""
    from quartiers.geocoding.geocoder import get_geocoder, invalidate

    load_test_ban()
    yield get_geocoder()
    invalidate()
