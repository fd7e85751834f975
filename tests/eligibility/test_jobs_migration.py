"""Batch jobs stored before the app split keep a working page (migration eligibility 0001)."""

from importlib import import_module

from django.apps import apps

from quartiers.core.models import Job
from quartiers.eligibility import batch

migration = import_module("quartiers.eligibility.migrations.0001_batch_jobs_page")


def test_old_batch_jobs_point_at_the_eligibility_page(db):
    old = Job.objects.create(kind=batch.JOB_KIND, label="avant", params={"detail_url": "geocoding:batch_detail"})
    other = Job.objects.create(kind="autre", label="autre", params={"detail_url": "geocoding:batch_detail"})
    migration.forwards(apps, None)
    old.refresh_from_db()
    other.refresh_from_db()
    assert old.params["detail_url"] == "eligibility:batch_detail"
    assert old.get_absolute_url() == f"/eligibilite/lot/{old.pk}/"
    assert other.params["detail_url"] == "geocoding:batch_detail"  # not a batch job: left alone
    migration.backwards(apps, None)
    old.refresh_from_db()
    assert old.params["detail_url"] == "geocoding:batch_detail"
