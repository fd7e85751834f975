"""The batch jobs' own page was named `geocoding:batch_detail` before the eligibility pages left the geocoding
app; jobs stored before the split keep that name in `params["detail_url"]` (see quartiers.core.jobs), so they
are pointed at `eligibility:batch_detail`. The tables do not change."""

from django.db import migrations

OLD, NEW = "geocoding:batch_detail", "eligibility:batch_detail"


def _rename(apps, old, new):
    Job = apps.get_model("core", "Job")
    for job in Job.objects.filter(kind="geocoding.eligibilite").only("pk", "params").iterator():
        params = job.params or {}
        if params.get("detail_url") == old:
            params["detail_url"] = new
            Job.objects.filter(pk=job.pk).update(params=params)


def forwards(apps, schema_editor):
    _rename(apps, OLD, NEW)


def backwards(apps, schema_editor):
    _rename(apps, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
