"""« Exporter tout » on the QPV list: every QPV × every indicator, written by a background job as the requester."""

import csv
import io
from pathlib import Path

import pytest
from django.urls import reverse

from quartiers.core import export_jobs
from quartiers.core.models import Job
from quartiers.territories import importers
from tests.world import build_world

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def world(db):
    w = build_world()
    importers.import_qpv(FIXTURES / "qpv_test.gpkg")
    importers.import_indicateurs(FIXTURES / "indicateurs_test_cp1252.csv", source_label="Fichier de test")
    return w


def _export(client, user, **filters):
    client.force_login(user)
    page = client.get(reverse("territories:qpv_list"), filters).content.decode()
    assert 'value="territories.qpv_indicateurs"' in page  # the list offers it to a signed-in user
    response = client.post(
        reverse("core:export_start"), {"export": "territories.qpv_indicateurs", "format": "csv", **filters}
    )
    assert response.status_code == 302
    return Job.objects.filter(kind=export_jobs.JOB_KIND).latest("created_at")


def _rows(client, job):
    content = client.get(reverse("core:export_download", args=[job.pk])).content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(content), delimiter=";"))


@pytest.mark.parametrize("role", ["lecteur", "chef"])
def test_every_qpv_with_every_indicator(world, client, run_jobs, role):
    job = _export(client, world.users[role], q="QNTEST")
    run_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.owner == world.users[role]
    rows = {r["Code"]: r for r in _rows(client, job)}
    assert sorted(rows) == ["QNTEST01", "QNTEST02", "QNTEST03"]  # the filter of the list, re-applied
    one = rows["QNTEST01"]
    assert (one["Nom"], one["Communes"], one["Contour chargé"]) == ("Quartier de test un", "Calais", "oui")
    # One column per indicator: its QPV value, decimal comma, secret said as such (never 0), empty when absent.
    assert (one["pop_mun (nombre)"], one["tp60 (nombre)"], one["decuc_q2 (nombre)"]) == ("1234", "43,9", "10136")
    assert one["tx_f_empl (nombre)"] == "secret statistique"
    assert rows["QNTEST03"]["tp60 (nombre)"] == ""


def test_anonymous_gets_no_export_form_and_cannot_start_one(world, client):
    assert 'value="territories.qpv_indicateurs"' not in client.get(reverse("territories:qpv_list")).content.decode()
    response = client.post(reverse("core:export_start"), {"export": "territories.qpv_indicateurs", "format": "csv"})
    assert response.status_code == 302 and "/comptes/" in response["Location"]
    assert not Job.objects.filter(kind=export_jobs.JOB_KIND).exists()
