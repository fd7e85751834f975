"""The Python example client of docs/api.md, run as written against a live test server: it files a GUP report by
Open311 and pushes a measurement, and both land where the pages show them."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from quartiers.accounts import api_tokens
from quartiers.contracts.models import Measurement
from quartiers.gup.models import Report
from tests.contracts.helpers import first_indicator, make_commitment
from tests.gup.helpers import bailleur_area
from tests.world import build_world

DOC = Path(__file__).resolve().parent.parent / "docs" / "api.md"


def _script():
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)
    assert len(blocks) == 1, "docs/api.md doit contenir un seul script Python"
    return blocks[0]


@pytest.mark.django_db(transaction=True)
def test_the_documented_client_files_a_report_and_pushes_a_measurement(live_server, tmp_path):
    world = build_world()
    bailleur_area(world)
    indicator = first_indicator(make_commitment(world))
    _token, key = api_tokens.create(world.users["chef"], "client d'exemple", {"gup": "write", "contracts": "write"})
    script = tmp_path / "client.py"
    script.write_text(_script())
    env = {
        **os.environ,
        "QUARTIERS_URL": live_server.url,
        "QUARTIERS_TOKEN": key,
        "QUARTIERS_QPV": world.qpv_beau_marais.code,
        "QUARTIERS_INDICATEUR": str(indicator.pk),
    }
    run = subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr + run.stdout
    assert "Transmis à Bailleur social (test)" in run.stdout and "avancement 40 %" in run.stdout
    report = Report.objects.get()
    assert report.manager == world.orgs["bailleur"] and report.reference in run.stdout
    assert Measurement.objects.get(indicator=indicator).source == "SI du bailleur"
