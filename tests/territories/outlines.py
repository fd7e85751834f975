"""Made-up QPV outlines for the map's size tests: 1,600 irregular polygons around 100 made-up centres, one
of them dense like the Paris region. Test fixtures only (codes QNFAUX…), never reference data."""

import math
import random

from quartiers.territories import geo
from quartiers.territories.models import QPV


def fake_polygon(rng, lon, lat, radius, vertices=120):
    """A closed ring with a wobbly edge (about 30 m of noise), like a real neighbourhood's outline."""
    ring = []
    for k in range(vertices):
        angle = 2 * math.pi * k / vertices
        r = radius * (1 + 0.25 * math.sin(3 * angle + rng.random())) + rng.uniform(-0.0003, 0.0003)
        ring.append([lon + r * math.cos(angle) * 1.5, lat + r * math.sin(angle)])
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}


def make_outlined_qpvs(departement, count=1600, seed=13):
    from shapely.geometry import shape

    rng = random.Random(seed)
    centres = [(rng.uniform(-4.0, 7.5), rng.uniform(43.0, 50.8)) for _ in range(99)]
    dense = (2.35, 48.86)
    qpvs = []
    for i in range(count):
        if i < 320:  # a dense region: 320 QPVs within about 1.2° × 0.8°
            lon, lat = dense[0] + rng.uniform(-0.6, 0.6), dense[1] + rng.uniform(-0.4, 0.4)
        else:
            c = centres[i % len(centres)]
            lon, lat = c[0] + rng.uniform(-0.15, 0.15), c[1] + rng.uniform(-0.1, 0.1)
        outline = shape(fake_polygon(rng, lon, lat, rng.uniform(0.003, 0.008)))
        qpvs.append(
            QPV(
                code=f"QNFAUX{i:04d}",
                nom=f"Quartier fictif numéro {i}",
                generation=2024,
                departement=departement,
                lat=lat,
                lon=lon,
                outline_wkb=outline.wkb,
                outline_simplified=geo.display_geojson(outline),
                outline_overview=geo.display_geojson(outline, geo.OVERVIEW_TOLERANCE, 4),
            )
        )
    return QPV.objects.bulk_create(qpvs)
