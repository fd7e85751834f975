"""Reminders through the job queue: the command enqueues, the worker sends."""

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from quartiers.core.models import Job
from quartiers.network import services
from tests.network.helpers import make_meeting, member


def test_command_enqueues_the_reminders_job_and_the_job_sends_them(world, run_jobs, capsys):
    meeting = make_meeting(world, days=1, title="Rencontre de demain")
    services.register(meeting, member(world, "chef"), None)
    mail.outbox.clear()
    call_command("rappels-rencontres", "--jours", "3")
    job = Job.objects.get(kind="network.rappels")
    assert job.params == {"jours": 3}
    assert "en file d'attente" in capsys.readouterr().out
    run_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    assert job.result == {"envoyes": 1, "sans_adresse": 0}
    assert [m.subject for m in mail.outbox] == ["Rappel : Rencontre de demain"]


def test_command_rejects_a_bad_number_of_days(db):
    with pytest.raises(CommandError, match="entre 1 et 60"):
        call_command("rappels-rencontres", "--jours", "0")
    assert not Job.objects.exists()
