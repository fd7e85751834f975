import pytest

from quartiers.geocoding import spatial
from tests.geocoding.outlines import load_test_outlines


@pytest.fixture(autouse=True)
def _fresh_spatial_index(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # Each test has its own database: never reuse an index built on another test's outlines.
    settings.GEOCODING_INDEX_CHECK_SECONDS = 0
    spatial.reset()
    yield
    spatial.reset()


@pytest.fixture
def outlines(db):
    load_test_outlines()
