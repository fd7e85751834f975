"""Write cases of the official geography (tests/write_matrix.py): only the administrators' import page."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.write_matrix import ELEVATION, OTHER_ORGANISATION, OTHER_TERRITORY, not_applicable, write

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _geopackage(w):
    upload = SimpleUploadedFile("qpv_test.gpkg", (FIXTURES / "qpv_test.gpkg").read_bytes())
    return {"kind": "qpv", "fichier": upload, "generation": "", "source": "Fichier de test"}


WRITES = [
    write(
        "territories:import",
        ELEVATION,
        "admin",
        data=_geopackage,
        label="territories:import [elevation] (un chef de projet importe le référentiel national)",
    ),
    *not_applicable(
        "territories:import",
        OTHER_TERRITORY,
        OTHER_ORGANISATION,
        reason="Le référentiel national n'appartient à aucun territoire ni à aucune organisation.",
    ),
]
