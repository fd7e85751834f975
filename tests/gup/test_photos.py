import io

import pytest
from PIL import Image

from quartiers.core import filetypes
from quartiers.gup import services
from quartiers.gup.models import Report
from tests.gup import helpers as h


def _exif_with_gps():
    exif = Image.Exif()
    exif[0x010F] = "Fabricant (test)"
    gps = {1: "N", 2: (50.0, 57.0, 4.0), 3: "E", 4: (1.0, 52.0, 24.0)}
    exif[0x8825] = gps
    return exif


def test_exif_and_gps_are_stripped_and_image_resized(world):
    raw = h.jpeg_bytes(size=(3200, 2400), exif=_exif_with_gps())
    assert Image.open(io.BytesIO(raw)).getexif().get_ifd(0x8825)  # the fixture really carries a position
    report = h.report(world, photos=[h.upload(raw)])
    photo = report.photos.get()
    with photo.image.open("rb") as fh:
        stored = Image.open(io.BytesIO(fh.read()))
        assert max(stored.size) == services.MAX_PHOTO_SIDE
        assert not stored.getexif()
        assert "exif" not in stored.info
    assert (photo.width, photo.height) == stored.size


def test_a_non_image_named_jpg_is_refused_and_nothing_is_written(world):
    fake = h.upload(b"%PDF-1.4 not an image at all", name="photo.jpg")
    with pytest.raises(services.GupError, match="« photo.jpg » n'est pas une image \\(JPEG"):
        h.report(world, photos=[fake])
    assert not Report.objects.exists()


def test_too_large_photo_is_refused(world):
    big = h.upload(h.jpeg_bytes()[:3] + b"x" * filetypes.max_size("photo"))
    with pytest.raises(services.GupError, match="la taille maximale est de 10,0.Mio"):
        services.clean_photo(big)


def test_photo_limit_is_the_one_upload_table(world, settings):
    """The photo limit lives in core.filetypes.LIMITS (a deployment changes it with UPLOAD_MAX_PHOTO_MB)."""
    assert filetypes.max_size("photo") == 10 * filetypes.MB
    settings.UPLOAD_MAX_PHOTO_MB = 1
    photo = h.upload(h.jpeg_bytes()[:3] + b"x" * filetypes.MB, name="grande.jpg")
    with pytest.raises(services.GupError, match="« grande.jpg » pèse 1,0.Mio : la taille maximale est de 1,0.Mio"):
        h.report(world, photos=[photo])
    assert not Report.objects.exists()


def test_empty_photo_gets_the_upload_rule_message(world):
    with pytest.raises(services.GupError, match="« vide.jpg » est vide"):
        h.report(world, photos=[h.upload(b"", name="vide.jpg")])
    assert not Report.objects.exists()


def test_form_shows_the_photo_error(world, login):
    h.bailleur_area(world)
    client = login(world.users["partenaire"])
    response = client.post(
        "/gup/signalements/nouveau/",
        {
            "category": "parties_communes",
            "qpv": world.qpv_beau_marais.code,
            "lon": "1.87",
            "lat": "50.95",
            "photos": h.upload(b"GIF89a-broken", name="hall.jpg"),
        },
    )
    assert response.status_code == 200
    assert "« hall.jpg » n&#x27;est pas une image" in response.content.decode()
    assert not Report.objects.exists()


def test_at_most_five_photos(world):
    with pytest.raises(services.GupError, match="Au plus 5 photos"):
        h.report(world, photos=[h.upload() for _ in range(6)])
    assert not Report.objects.exists()
