import io

import pytest

from quartiers.resources import demo
from quartiers.resources.models import Digest, Document

pytestmark = pytest.mark.django_db


def test_demo_tells_the_seed_story_and_is_idempotent(world):
    out = io.StringIO()
    demo.load_demo(out)
    demo.load_demo(out)
    assert Document.objects.count() == 6
    point = Document.objects.get(type=Document.Type.POINT_ACTUALITE)
    assert point.text == demo.SEED.read_text(encoding="utf-8")
    assert point.numbered_links() == [demo.PDF_URL, "https://www.irev.fr/javascript%3A%3B"]
    # Only Calais and Dunkerque exist in the test geography: the others are skipped with a message.
    assert sorted(c.insee for c in point.communes.all()) == ["59183", "62193"]
    assert "Hazebrouck (59295) absente" in out.getvalue()
    found = list(Document.objects.search("quartiers prioritaires Calais"))
    assert point in found
    assert Document.objects.search("pacte dijon").first().title.startswith("Pacte de Dijon")
    assert Digest.objects.get().items.count() == 3


def test_demo_print_view_ends_like_the_seed_page(world, client):
    demo.load_demo(io.StringIO())
    point = Document.objects.get(type=Document.Type.POINT_ACTUALITE)
    html = client.get(f"/ressources/{point.pk}/impression/").content.decode()
    assert html.count("URL de la source") == 1
    assert f'URL de la source (modifié le 28/02/2019 - 17:13) : <a href="{demo.SOURCE_URL}">' in html
    assert f"<span>[1]</span> {demo.PDF_URL}" in html
    assert "<span>[2]</span> https://www.irev.fr/javascript%3A%3B" in html
