"""What every service of the network module shares: the refusal type, the permission check, deferred e-mail."""

from django.core.mail import send_mail
from django.db import transaction

from quartiers.core.permissions import authorize


class NetworkError(Exception):
    """A refusal to show to the user as is (French)."""


def check(actor, verb, obj):
    """Ask the one policy for `actor`; `None` is the system itself (demo, commands, jobs), which may do anything.

    Views ask first too (to answer 403 / the login page before reading a form); asking again here keeps a
    service safe whoever calls it (an API endpoint, a job, a future page).
    """
    if actor is not None:
        authorize(actor, verb, obj)


def mail_on_commit(member, subject, body):
    address = member.contact_email
    if address:
        transaction.on_commit(lambda: send_mail(subject, body, None, [address], fail_silently=True))
