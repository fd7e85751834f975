"""TEST OUTLINES — invented shapes for the eligibility tests, never reference data.

They sit in a fictitious « Département de test » (code 99) around 1°E 45°N, with codes QNTEST…/QPTEST…
that no real QPV has. Shapes chosen to catch mistakes: a square with a hole, a two-part multipolygon,
and a deliberately wrong (too big) simplified outline that the exact lookup must ignore.
"""

import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping

from quartiers.territories.models import QPV, Departement, Region
from quartiers.territories.signals import outlines_changed

SQUARE = Polygon(
    [(1.000, 45.000), (1.010, 45.000), (1.010, 45.010), (1.000, 45.010)],
    holes=[[(1.004, 45.004), (1.006, 45.004), (1.006, 45.006), (1.004, 45.006)]],
)
# Display outline: too big on purpose (covers 1.015, 45.005, which is outside the real outline).
SQUARE_SIMPLIFIED = Polygon([(0.990, 44.990), (1.020, 44.990), (1.020, 45.020), (0.990, 45.020)])
ISLANDS = MultiPolygon(
    [
        Polygon([(1.020, 45.000), (1.025, 45.000), (1.025, 45.005), (1.020, 45.005)]),
        Polygon([(1.030, 45.000), (1.035, 45.000), (1.035, 45.005), (1.030, 45.005)]),
    ]
)
OLD_SQUARE = Polygon([(1.002, 45.002), (1.012, 45.002), (1.012, 45.012), (1.002, 45.012)])

# Points, with what the exact lookup must answer in géographie 2024.
INSIDE_SQUARE = (1.003, 45.003)
IN_HOLE = (1.005, 45.005)
ONLY_IN_SIMPLIFIED = (1.015, 45.005)
IN_SECOND_ISLAND = (1.032, 45.002)
BETWEEN_ISLANDS = (1.0275, 45.0025)
WEST_OF_SQUARE = (0.998, 45.005)  # about 157 m west of the square's edge


def test_departement():
    region, _ = Region.objects.get_or_create(code="99", defaults={"nom": "Région de test"})
    dep, _ = Departement.objects.get_or_create(code="99", defaults={"nom": "Département de test", "region": region})
    return dep


def add_qpv(code, nom, generation, geom, simplified=None, send=True):
    dep = test_departement()
    qpv, _ = QPV.objects.update_or_create(
        code=code,
        defaults={
            "nom": nom,
            "generation": generation,
            "departement": dep,
            "outline_wkb": shapely.to_wkb(geom),
            "outline_simplified": mapping(simplified or geom),
            "outline_source": "tests/geocoding/outlines.py (contour de test)",
        },
    )
    if send:
        outlines_changed.send(sender=QPV)
    return qpv


def load_test_outlines():
    add_qpv("QNTEST01", "QPV de test carré troué", 2024, SQUARE, SQUARE_SIMPLIFIED, send=False)
    add_qpv("QNTEST02", "QPV de test deux îlots", 2024, ISLANDS, send=False)
    add_qpv("QPTEST01", "Ancien QPV de test", 2015, OLD_SQUARE, send=False)
    outlines_changed.send(sender=QPV)
