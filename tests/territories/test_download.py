"""`import-qpv --officiel`: the download code, against a local HTTP server (never the internet)."""

import http.server
import json
import shutil
import socket
import threading
from functools import partial
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from quartiers.territories import importers
from quartiers.territories.models import QPV
from tests.world import build_geography

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def local_server(tmp_path):
    """Serve tmp_path on 127.0.0.1 like data.gouv: a dataset description and its resources."""
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    shutil.copy(FIXTURES / "qpv_test.gpkg", tmp_path / "QP2024_test.gpkg")
    dataset = {
        "resources": [
            {"title": "Liste des QPV 2024 (CSV)", "format": "csv", "url": f"{base}/liste.csv"},
            {"title": "QPV 2015 GeoJSON", "format": "geojson", "url": f"{base}/qp2015.geojson"},
            {"title": "QPV 2024 GeoPackage", "format": "gpkg", "url": f"{base}/QP2024_test.gpkg"},
        ]
    }
    (tmp_path / "dataset.json").write_text(json.dumps(dataset))
    yield base
    server.shutdown()
    server.server_close()


def test_download_picks_the_2024_outlines_and_imports_them(db, local_server, capsys):
    build_geography()
    call_command("import-qpv", "--officiel", "--url", f"{local_server}/dataset.json")
    out = capsys.readouterr().out
    assert "QPV 2024 : 3 créé(s)" in out
    assert QPV.objects.get(code="QNTEST01").outline_source.startswith("data.gouv.fr (http://127.0.0.1")


def test_choose_resource_without_outline_file():
    with pytest.raises(importers.ImportFailure, match="Aucun fichier GeoJSON ou GeoPackage des QPV 2024"):
        importers.choose_resource({"resources": [{"title": "QPV 2024", "format": "csv", "url": "x"}]})


def test_offline_message_is_clear_and_french(db):
    with socket.socket() as s:  # a port nobody listens on: what an offline machine looks like
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(CommandError, match="cette machine semble hors ligne.*quartiers import-qpv CHEMIN_DU_FICHIER"):
        call_command("import-qpv", "--officiel", "--url", f"http://127.0.0.1:{port}/dataset.json")
    assert not QPV.objects.exists()


def test_http_error_is_reported(db, local_server):
    with pytest.raises(importers.ImportFailure, match="a répondu 404"):
        importers.download_official(f"{local_server}/absent.json")
