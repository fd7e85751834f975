"""Test objects for the GUP tests (made-up points and areas around Calais: test fixtures, not reference data)."""

import io
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from quartiers.gup import services
from quartiers.gup.models import Coordination, ManagerArea, Photo, TfpbAgreement, Walk

CALAIS = (1.8735, 50.9513)
# A made-up square around a point of Calais, standing for a drawn area of the ville.
SQUARE = {
    "type": "Polygon",
    "coordinates": [[[1.86, 50.94], [1.89, 50.94], [1.89, 50.96], [1.86, 50.96], [1.86, 50.94]]],
}


def jpeg_bytes(size=(64, 48), exif=None, fmt="JPEG"):
    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 80, 40))
    if exif is not None:
        image.save(out, fmt, exif=exif)
    else:
        image.save(out, fmt)
    return out.getvalue()


def upload(content=None, name="photo.jpg"):
    return SimpleUploadedFile(name, content if content is not None else jpeg_bytes(), content_type="image/jpeg")


def bailleur_area(w, categories=("parties_communes",)):
    area, _ = ManagerArea.objects.get_or_create(
        organisation=w.orgs["bailleur"],
        label="Patrimoine Beau Marais",
        defaults={"qpv": w.qpv_beau_marais, "commune": w.calais, "categories": list(categories)},
    )
    return area


def ville_area(w, categories=()):
    geojson, blob = services.polygon_from_geojson(SQUARE)
    area, _ = ManagerArea.objects.get_or_create(
        organisation=w.orgs["agglo"],
        label="Espace public du centre",
        defaults={"commune": w.calais, "categories": list(categories), "polygon": geojson, "polygon_wkb": blob},
    )
    return area


def coordination(w, public=False):
    coord, _ = Coordination.objects.update_or_create(
        epci=w.grand_calais, defaults={"organisation": w.orgs["agglo"], "public_map": public}
    )
    return coord


def report(w, category="parties_communes", point=CALAIS, user=None, **kwargs):
    bailleur_area(w)
    return services.create_report(
        user or w.users["chef"],
        category=category,
        qpv=w.qpv_beau_marais,
        lon=point[0],
        lat=point[1],
        description="Porte du hall cassée",
        **kwargs,
    )


def report_with_photo(w):
    r = report(w, photos=[upload()])
    return r, Photo.objects.get(report=r)


def walk(w):
    return Walk.objects.create(
        qpv=w.qpv_beau_marais,
        commune=w.calais,
        title="Diagnostic en marchant (test)",
        date=date(2026, 5, 12),
        route={"type": "LineString", "coordinates": [[1.87, 50.95], [1.88, 50.955]]},
        participants=[{"nom": "Conseil citoyen", "qualite": "habitants"}],
    )


def agreement(w, year=2026):
    return TfpbAgreement.objects.get_or_create(
        bailleur=w.orgs["bailleur"],
        qpv=w.qpv_beau_marais,
        year=year,
        defaults={"commune": w.calais, "abatement_amount": 120000},
    )[0]
