"""Registrations to a meeting (capacity, waiting list, promotion), invitations, attendance, reminders."""

from datetime import timedelta

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from quartiers.core import audit, links
from quartiers.network.models import Invitation, Meeting, Registration

from ._common import NetworkError, check, mail_on_commit

Status = Registration.Status


def _locked(meeting):
    # PostgreSQL locks the row; SQLite's IMMEDIATE transactions already serialise writers.
    return Meeting.objects.select_for_update().get(pk=meeting.pk)


def _confirmed_count(meeting):
    return meeting.registrations.filter(status=Status.CONFIRMED).count()


def register(meeting, member, actor, by_organiser=False):
    """Register `member`: a seat if one is free, else the waiting list. Returns the registration.

    The organisers (`by_organiser`) may register someone after the date or while registrations are
    closed, e.g. a member without an account, or who came without registering (for the attendance sheet).
    """
    check(actor, "change" if by_organiser else "view", meeting)
    if member is None or not member.active or member.network_id != meeting.network_id:
        raise NetworkError("Seuls les membres du réseau peuvent s'inscrire à cette rencontre.")
    if meeting.is_past and not by_organiser:
        raise NetworkError("Cette rencontre a déjà eu lieu : les inscriptions sont closes.")
    if not meeting.registrations_open and not by_organiser:
        raise NetworkError("Les inscriptions à cette rencontre ne sont pas ouvertes.")
    with transaction.atomic():
        meeting = _locked(meeting)
        registration = Registration.objects.filter(meeting=meeting, member=member).first()
        if registration and registration.status != Status.CANCELLED:
            raise NetworkError(f"{member} est déjà inscrit·e à cette rencontre ({registration.get_status_display()}).")
        full = meeting.capacity is not None and _confirmed_count(meeting) >= meeting.capacity
        status = Status.WAITING if full else Status.CONFIRMED
        registration = registration or Registration(meeting=meeting, member=member)
        registration.status = status
        registration.queued_at = timezone.now()
        registration.cancelled_at = None
        registration.promoted_at = None
        registration.save()
        audit.record(actor, "inscription à une rencontre", meeting, {"membre": str(member), "statut": status})
    return registration


def cancel(registration, actor):
    """Cancel a registration; a freed seat goes to the first person on the waiting list. Returns who was promoted.

    A member cancels their own registration; anyone else's takes the right to steer the meeting.
    """
    meeting = registration.meeting
    own = actor is not None and registration.member.user_id is not None and registration.member.user_id == actor.pk
    check(actor, "view" if own else "change", meeting)
    if meeting.is_past:
        raise NetworkError("Cette rencontre a déjà eu lieu : l'inscription ne peut plus être annulée.")
    if registration.attendance:
        raise NetworkError("L'émargement de cette inscription est déjà renseigné : elle ne peut plus être annulée.")
    if registration.status == Status.CANCELLED:
        raise NetworkError("Cette inscription est déjà annulée.")
    with transaction.atomic():
        meeting = _locked(meeting)
        registration.status = Status.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        audit.record(actor, "désinscription d'une rencontre", meeting, {"membre": str(registration.member)})
        promoted = fill_seats(meeting, actor)
    return promoted[0] if promoted else None


def unregister(meeting, member, actor):
    """`member` (the actor's own member card, or None) withdraws from `meeting`."""
    registration = meeting.registrations.filter(member=member).first() if member else None
    if registration is None:
        raise NetworkError("Vous n'êtes pas inscrit·e à cette rencontre.")
    registration.meeting = meeting
    return cancel(registration, actor)


def fill_seats(meeting, actor):
    """Promote the waiting list, oldest first, while seats are free (after a cancellation or more seats).

    Called inside the transaction of the change that freed the seats, which checked the permission.
    """
    waiting = meeting.registrations.filter(status=Status.WAITING).select_related("member", "member__user")
    free = None if meeting.capacity is None else meeting.capacity - _confirmed_count(meeting)
    promoted = []
    for registration in waiting.order_by("queued_at", "id"):
        if free is not None and free <= 0:
            break
        registration.status = Status.CONFIRMED
        registration.promoted_at = timezone.now()
        registration.save(update_fields=["status", "promoted_at"])
        audit.record(actor, "passage de la liste d'attente à inscrit", meeting, {"membre": str(registration.member)})
        promoted.append(registration)
        free = None if free is None else free - 1
    for registration in promoted:
        mail_on_commit(
            registration.member,
            f"Place confirmée : {meeting.title}",
            f"Une place s'est libérée : vous êtes inscrit·e à la rencontre « {meeting.title} » "
            f"du {timezone.localtime(meeting.starts_at):%d/%m/%Y à %H:%M}, {meeting.place}.",
        )
    return promoted


def set_attendance(meeting, values, actor):
    """`values`: {registration id: attendance}. Unknown ids or values are refused before anything is written."""
    check(actor, "change", meeting)
    allowed = set(Registration.Attendance.values)
    registrations = {r.pk: r for r in meeting.registrations.exclude(status=Status.CANCELLED)}
    for pk, value in values.items():
        if pk not in registrations:
            raise NetworkError("Une ligne de la feuille d'émargement ne correspond à aucune inscription.")
        if value not in allowed:
            raise NetworkError(f"Valeur d'émargement inconnue : {value}.")
    with transaction.atomic():
        changed = {}
        for pk, value in values.items():
            registration = registrations[pk]
            if registration.attendance != value:
                registration.attendance = value
                registration.save(update_fields=["attendance"])
                changed[str(registration.member)] = value
        audit.record(actor, "émargement d'une rencontre", meeting, changed)
    return len(changed)


def invite(meeting, members, actor):
    """Invite members (once each) and e-mail them. Returns how many new invitations."""
    check(actor, "change", meeting)
    created = 0
    with transaction.atomic():
        for member in members:
            if member.network_id != meeting.network_id:
                raise NetworkError(f"{member} n'est pas membre de ce réseau.")
            _, new = Invitation.objects.get_or_create(meeting=meeting, member=member, defaults={"invited_by": actor})
            if new:
                created += 1
                mail_on_commit(
                    member,
                    f"Invitation : {meeting.title}",
                    f"Vous êtes invité·e à la rencontre « {meeting.title} » le "
                    f"{timezone.localtime(meeting.starts_at):%d/%m/%Y à %H:%M}, {meeting.place}.\n"
                    f"Inscription : {links.absolute_url(meeting.get_absolute_url())}",
                )
        audit.record(actor, "invitations à une rencontre", meeting, {"nouvelles": created})
    return created


def send_reminders(days, now=None):
    """E-mail every confirmed registrant of a meeting starting within `days` days, once. Returns counts.

    Run by the system (a job or a command): no actor to check.
    """
    now = now or timezone.now()
    due = (
        Registration.objects.filter(
            status=Status.CONFIRMED,
            reminder_sent_at__isnull=True,
            meeting__starts_at__gte=now,
            meeting__starts_at__lt=now + timedelta(days=days),
        )
        .select_related("meeting", "member", "member__user")
        .order_by("meeting__starts_at", "id")
    )
    sent = skipped = 0
    for registration in due:
        meeting = registration.meeting
        address = registration.member.contact_email
        if not address:
            skipped += 1
            continue
        send_mail(
            f"Rappel : {meeting.title}",
            f"Bonjour,\n\nPour rappel, vous êtes inscrit·e à la rencontre « {meeting.title} » le "
            f"{timezone.localtime(meeting.starts_at):%d/%m/%Y à %H:%M}, {meeting.place}.\n"
            f"{links.absolute_url(meeting.get_absolute_url())}\n",
            None,
            [address],
        )
        # Marked one by one, so a worker restarted mid-way never sends a reminder twice.
        Registration.objects.filter(pk=registration.pk).update(reminder_sent_at=timezone.now())
        sent += 1
    return {"envoyes": sent, "sans_adresse": skipped}
