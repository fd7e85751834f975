"""The bundled reference data tells the seed story, and `load_reference` skips work already done."""

import io
import re
from pathlib import Path

from quartiers.territories import demo
from quartiers.territories.models import QPV, Commune, ContratDeVille, IndicatorValue, Label

ROOT = Path(__file__).resolve().parents[2]
STATIC = re.compile(r'(?:src|href)="(/static/[^"]+)"')
LITTORAL = {"62193": "Calais", "59183": "Dunkerque", "62160": "Boulogne-sur-Mer",
            "62758": "Saint-Martin-Boulogne", "62765": "Saint-Omer", "59295": "Hazebrouck"}  # fmt: skip


def test_load_reference_tells_the_littoral_story_and_is_idempotent(db, client):
    out = io.StringIO()
    reports = demo.load_reference(out)
    assert reports, out.getvalue()
    assert QPV.objects.filter(generation=2024).count() == 1493
    assert Commune.objects.count() > 34000
    calais = QPV.objects.get(code="QN06253M")
    assert calais.nom == "Fort Nieulay - Cailloux - Saint-Pierre" and calais.epci_id == "200090751"
    contrat = ContratDeVille.objects.get(code="CN06207M")
    assert {"QN06253M", "QN06254M"} <= set(contrat.qpvs.values_list("code", flat=True))
    for insee, nom in LITTORAL.items():
        commune = Commune.objects.get(insee=insee)
        assert commune.nom == nom
        assert commune.qpvs.filter(generation=2024, contrats__isnull=False).exists(), nom
        assert commune.outline_simplified is not None and commune.lat is not None
    occitanie = QPV.objects.filter(generation=2015)
    assert occitanie.count() == 105 and not occitanie.filter(outline_wkb__isnull=True).exists()
    assert occitanie.filter(npnru=True).exists()
    assert IndicatorValue.objects.filter(level="qpv", indicator__code="tp60").count() > 90
    assert IndicatorValue.objects.filter(level="commune", indicator__code="pop_mun").exists()
    # The file's commune columns are the commune's values (same census): compared on the fiche, said once for the rest.
    fiche = client.get("/territoires/qpv/QP009001/")
    commune_values = [r.indicator.code for r in fiche.context["rows"] if r.cells[1].value is not None]
    assert commune_values == ["pop_mun", "pop_com_qp", "pop_com"]
    assert fiche.context["coverage"].levels == ["QPV", "Commune", "EPCI"]  # EPCI: its legal population
    page = fiche.content.decode()
    assert page.count("ne publie aucune valeur à cette échelle") == 1 and ">—<" not in page
    assert Label.objects.filter(kind="cite_educative", communes__insee="62193").exists()
    # The national map's first load (page, its static files, the first data request) stays under 1.5 MB.
    html = client.get("/territoires/carte/").content
    static = sum((ROOT / "static" / ref[len("/static/") :]).stat().st_size for ref in STATIC.findall(html.decode()))
    data = client.get("/api/territoires/carte/").content
    assert len(html) + static + len(data) < 1_500_000
    assert len(data) > 100_000  # it does carry the 1,598 QPVs
    again = io.StringIO()
    assert demo.load_reference(again) == []
    assert "déjà chargées" in again.getvalue()
