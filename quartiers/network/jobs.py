"""Background jobs of the network module."""

from quartiers.core import jobs
from quartiers.network import services

REMINDERS = "network.rappels"


@jobs.handler(REMINDERS, resumable=True)
def send_reminders(job):
    # Resumable: registrations already reminded are marked, so a rerun sends only the missing ones.
    days = int(job.params.get("jours", 2))
    result = services.send_reminders(days)
    job.finish(result=result, message=f"{result['envoyes']} rappel(s) envoyé(s).")


def enqueue_reminders(days, owner=None):
    return jobs.enqueue(
        REMINDERS, owner=owner, label=f"Rappels des rencontres des {days} prochains jours", params={"jours": days}
    )
