"""The ×10 data generator of bench/data10x builds what it says, and only once."""

import io

import pytest

from bench.data10x.generate import FULL, generate, sizes

pytestmark = pytest.mark.django_db


def test_full_sizes_are_those_of_issue_13():
    assert sizes(1.0) == {"contracts": 10, "qpvs": 100, "partners": 200, "reports": 100_000, "resources": 20_000}
    assert sizes(0.01)["reports"] == FULL["reports"] // 100


def test_generator_fills_a_small_region_once():
    from quartiers.accounts.models import Organisation
    from quartiers.contracts.models import Commitment, Contract
    from quartiers.gup.models import Report
    from quartiers.resources.models import Document
    from quartiers.territories.models import QPV

    counts = {"contracts": 2, "qpvs": 6, "partners": 10, "reports": 300, "resources": 40}
    assert generate(counts=counts) == counts
    assert (
        QPV.objects.count() == 6 and QPV.objects.filter(code__startswith="BX", outline_wkb__isnull=False).count() == 3
    )
    assert Organisation.objects.filter(name__startswith="Partenaire fictif").count() == 10
    assert Contract.objects.count() == 2 and Commitment.objects.count() == 48
    assert Report.objects.count() == 300 and Document.objects.count() == 40
    assert Document.objects.search("quartier").count() > 0  # indexed for search
    out = io.StringIO()
    assert generate(counts=counts, stdout=out) == {} and "déjà remplie" in out.getvalue()
    assert Report.objects.count() == 300
