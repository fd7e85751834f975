"""The administrators' upload page: the import runs as a background job and reports in French."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quartiers.core.models import AuditEvent, Job
from quartiers.territories.models import QPV

FIXTURES = Path(__file__).resolve().parent / "fixtures"
URL = reverse("territories:import")


def test_admin_imports_a_geopackage_through_a_job(client, world, run_jobs):
    client.force_login(world.users["admin"])
    upload = SimpleUploadedFile("qpv_test.gpkg", (FIXTURES / "qpv_test.gpkg").read_bytes())
    response = client.post(URL, {"kind": "qpv", "fichier": upload, "generation": "", "source": "Fichier de test"})
    job = Job.objects.get(kind="territories.import")
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert AuditEvent.objects.filter(action__startswith="import d'un fichier").exists()
    run_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    assert "QPV : 3 créé(s), 0 mis à jour, 1 rejeté(s)." in job.message
    assert QPV.objects.get(code="QNTEST01").outline_source == "Fichier de test"
    assert not Path(job.params["path"]).exists()  # the upload is not kept


def test_bad_file_fails_the_job_in_french_and_writes_nothing(client, world, run_jobs):
    client.force_login(world.users["admin"])
    upload = SimpleUploadedFile("qpv.geojson", b'{"type": "Feature"}')
    client.post(URL, {"kind": "qpv", "fichier": upload})
    run_jobs()
    job = Job.objects.get(kind="territories.import")
    assert job.status == Job.Status.FAILED
    assert "FeatureCollection" in job.message
    assert not QPV.objects.filter(code__startswith="QNTEST").exists()


def test_form_requires_a_file(client, world):
    client.force_login(world.users["admin"])
    response = client.post(URL, {"kind": "qpv"})
    assert response.status_code == 200 and "Ce champ est obligatoire" in response.content.decode()
    assert not Job.objects.exists()


def test_only_admins_see_the_import_link(client, world):
    client.force_login(world.users["chef"])
    assert "Importer un fichier officiel" not in client.get(reverse("territories:qpv_list")).content.decode()
    client.force_login(world.users["admin"])
    assert "Importer un fichier officiel" in client.get(reverse("territories:qpv_list")).content.decode()
