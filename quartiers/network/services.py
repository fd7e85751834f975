"""State changes of the network module: each in one transaction, each written to the audit trail.

Views validate their input, call one of these and redirect; a `NetworkError` carries the French
message to show, and nothing has been written when it is raised.
"""

from datetime import timedelta

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from quartiers.core import audit, filetypes, links
from quartiers.network.models import (
    AgendaItem,
    AgendaLink,
    AxisNote,
    AxisRank,
    AxisSupport,
    Invitation,
    Meeting,
    MeetingAttachment,
    Network,
    PriorityAxis,
    Registration,
    WorkingGroupMember,
)

Status = Registration.Status


class NetworkError(Exception):
    """A refusal to show to the user as is (French)."""


# ---- Registrations ----


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
    """Cancel a registration; a freed seat goes to the first person on the waiting list. Returns who was promoted."""
    meeting = registration.meeting
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


def fill_seats(meeting, actor):
    """Promote the waiting list, oldest first, while seats are free (after a cancellation or more seats)."""
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
        _mail_on_commit(
            registration.member,
            f"Place confirmée : {meeting.title}",
            f"Une place s'est libérée : vous êtes inscrit·e à la rencontre « {meeting.title} » "
            f"du {timezone.localtime(meeting.starts_at):%d/%m/%Y à %H:%M}, {meeting.place}.",
        )
    return promoted


def set_attendance(meeting, values, actor):
    """`values`: {registration id: attendance}. Unknown ids or values are refused before anything is written."""
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


# ---- Members, invitations, meetings, agenda, minutes ----


def add_member(network, member, actor):
    with transaction.atomic():
        member.network = network
        member.save()
        audit.record(actor, "ajout d'un membre au réseau", network, {"membre": member.full_name})
    return member


def invite(meeting, members, actor):
    """Invite members (once each) and e-mail them. Returns how many new invitations."""
    created = 0
    with transaction.atomic():
        for member in members:
            if member.network_id != meeting.network_id:
                raise NetworkError(f"{member} n'est pas membre de ce réseau.")
            _, new = Invitation.objects.get_or_create(meeting=meeting, member=member, defaults={"invited_by": actor})
            if new:
                created += 1
                _mail_on_commit(
                    member,
                    f"Invitation : {meeting.title}",
                    f"Vous êtes invité·e à la rencontre « {meeting.title} » le "
                    f"{timezone.localtime(meeting.starts_at):%d/%m/%Y à %H:%M}, {meeting.place}.\n"
                    f"Inscription : {links.absolute_url(meeting.get_absolute_url())}",
                )
        audit.record(actor, "invitations à une rencontre", meeting, {"nouvelles": created})
    return created


def save_meeting(meeting, actor, created):
    with transaction.atomic():
        if created:
            meeting.created_by = actor if getattr(actor, "is_authenticated", False) else None
        meeting.save()
        audit.record(actor, "création d'une rencontre" if created else "modification d'une rencontre", meeting)
        if not created:
            fill_seats(meeting, actor)
    return meeting


def add_agenda_item(meeting, actor, title, description="", themes=(), communes=(), qpvs=(), contrats=(), links=()):
    """`links`: (url, label) pairs to objects of other modules."""
    with transaction.atomic():
        position = meeting.agenda_items.count() + 1
        item = AgendaItem.objects.create(meeting=meeting, position=position, title=title, description=description)
        item.themes.set(themes)
        item.communes.set(communes)
        item.qpvs.set(qpvs)
        item.contrats.set(contrats)
        for url, label in links:
            AgendaLink.objects.create(item=item, url=url, label=label)
        audit.record(actor, "ajout d'un point à l'ordre du jour", meeting, {"point": title})
    return item


def save_minutes(meeting, text, actor):
    with transaction.atomic():
        meeting.minutes = text
        meeting.minutes_updated_at = timezone.now()
        meeting.save(update_fields=["minutes", "minutes_updated_at", "updated_at"])
        audit.record(actor, "compte rendu d'une rencontre", meeting)
    return meeting


# ---- Attachments ----


def detect_type(fileobj):
    """The real type of an upload, read from its content (never from its name): (MIME type, label) or None."""
    kind = filetypes.sniff(fileobj)
    return (kind.mime_type, kind.kind) if kind else None


def add_attachment(meeting, upload, title, actor):
    if upload is None:
        raise NetworkError("Choisissez un fichier à joindre.")
    limit = filetypes.max_size("piece_jointe")  # the one table of upload limits
    if upload.size > limit:
        size = f"{upload.size / filetypes.MB:.1f}".replace(".", ",")
        raise NetworkError(f"Le fichier pèse {size} Mo : la limite est de {limit // filetypes.MB} Mo.")
    problem = filetypes.archive_problem(upload, f"Le fichier « {upload.name} »")
    if problem:  # zip bomb or linked workbook: the one upload rule of core.filetypes
        raise NetworkError(problem)
    found = detect_type(upload)
    if found is None:
        raise NetworkError(
            "Type de fichier refusé : seuls les PDF, documents Office / OpenDocument et images sont acceptés."
        )
    upload.seek(0)
    with transaction.atomic():
        attachment = MeetingAttachment(
            meeting=meeting,
            title=(title or upload.name)[:250],
            filename=upload.name[:250],
            content_type=found[0],
            size=upload.size,
            uploaded_by=actor,
        )
        attachment.file.save(upload.name, upload, save=False)
        try:
            attachment.save()
            audit.record(actor, "pièce jointe ajoutée à une rencontre", meeting, {"fichier": attachment.filename})
        except Exception:
            attachment.file.delete(save=False)  # no orphan file when the row is not written
            raise
    return attachment


# ---- Priority axes ----


def propose_axis(network, actor, title, description="", meeting=None, member=None):
    if meeting is not None and meeting.network_id != network.pk:
        raise NetworkError("Cette rencontre n'appartient pas à ce réseau.")
    with transaction.atomic():
        axis = PriorityAxis.objects.create(
            network=network, title=title, description=description, meeting=meeting, proposed_by=member
        )
        audit.record(actor, "proposition d'un axe prioritaire", axis)
    return axis


def support(axis, member, actor):
    """One vote per member and axis."""
    if member is None or member.network_id != axis.network_id or not member.active:
        raise NetworkError("Seuls les membres du réseau peuvent soutenir un axe.")
    if axis.status not in PriorityAxis.OPEN_FOR_SUPPORT:
        raise NetworkError(f"Cet axe est {axis.get_status_display().lower()} : il ne peut plus être soutenu.")
    try:
        with transaction.atomic():
            AxisSupport.objects.create(axis=axis, member=member)
            audit.record(actor, "soutien à un axe prioritaire", axis, {"membre": str(member)})
    except IntegrityError:
        raise NetworkError("Vous soutenez déjà cet axe : un seul soutien par membre.") from None


def withdraw_support(axis, member, actor):
    with transaction.atomic():
        deleted, _ = AxisSupport.objects.filter(axis=axis, member=member).delete()
        if not deleted:
            raise NetworkError("Vous ne soutenez pas cet axe.")
        audit.record(actor, "retrait du soutien à un axe prioritaire", axis, {"membre": str(member)})


def rankable_axes(network):
    """The axes a ballot orders: those still open for support, oldest first."""
    return network.axes.filter(status__in=PriorityAxis.OPEN_FOR_SUPPORT).order_by("created_at", "id")


def rank_axes(network, member, ordered_ids, actor):
    """Save `member`'s ballot: `ordered_ids` lists every open axis of the network, preferred first.

    The ballot replaces the member's previous one; each axis gets its Borda points (n for the first of
    n, 1 for the last). Everything is checked before anything is written.
    """
    if member is None or member.network_id != network.pk or not member.active:
        raise NetworkError("Seuls les membres du réseau peuvent classer les axes.")
    if network.vote_mode != Network.VoteMode.RANKING:
        raise NetworkError("Ce réseau choisit ses axes par soutien, pas par classement.")
    axes = {axis.pk: axis for axis in rankable_axes(network)}
    if not axes:
        raise NetworkError("Aucun axe ouvert n'est à classer.")
    if len(ordered_ids) != len(set(ordered_ids)):
        raise NetworkError("Chaque rang ne peut être donné qu'à un seul axe.")
    if set(ordered_ids) != set(axes):
        raise NetworkError("Classez tous les axes ouverts, chacun à un rang différent.")
    n = len(ordered_ids)
    with transaction.atomic():
        AxisRank.objects.filter(member=member, axis__network=network).delete()
        AxisRank.objects.bulk_create(
            AxisRank(axis=axes[pk], member=member, position=i, points=n - i + 1)
            for i, pk in enumerate(ordered_ids, start=1)
        )
        audit.record(actor, "classement des axes prioritaires", network, {"membre": str(member), "ordre": ordered_ids})


def withdraw_ranking(network, member, actor):
    with transaction.atomic():
        deleted, _ = AxisRank.objects.filter(member=member, axis__network=network).delete()
        if not deleted:
            raise NetworkError("Vous n'avez pas classé les axes de ce réseau.")
        audit.record(actor, "retrait d'un classement des axes", network, {"membre": str(member)})


def voter_count(network):
    """How many members have a ballot in the network's ranking."""
    return AxisRank.objects.filter(axis__network=network).values("member_id").distinct().count()


def set_vote_mode(network, mode, actor):
    if mode not in Network.VoteMode.values:
        raise NetworkError(f"Mode de choix des axes inconnu : {mode}.")
    with transaction.atomic():
        before = network.vote_mode
        network.vote_mode = mode
        network.save(update_fields=["vote_mode"])
        audit.record(actor, "mode de choix des axes prioritaires", network, {"mode": [before, mode]})
    return network


def change_status(axis, status, actor):
    if status not in PriorityAxis.TRANSITIONS.get(axis.status, ()):
        labels = dict(PriorityAxis.Status.choices)
        raise NetworkError(
            f"Un axe « {axis.get_status_display().lower()} » ne peut pas passer à « {labels.get(status, status)} »."
        )
    with transaction.atomic():
        before = axis.status
        axis.status = status
        axis.status_changed_at = timezone.now()
        axis.save(update_fields=["status", "status_changed_at"])
        audit.record(actor, "changement de statut d'un axe prioritaire", axis, {"statut": [before, status]})
    return axis


def set_group_member(axis, member, is_lead, actor):
    if member.network_id != axis.network_id:
        raise NetworkError(f"{member} n'est pas membre de ce réseau.")
    with transaction.atomic():
        WorkingGroupMember.objects.update_or_create(axis=axis, member=member, defaults={"is_lead": is_lead})
        audit.record(actor, "groupe de travail d'un axe", axis, {"membre": str(member), "pilote": is_lead})


def remove_group_member(axis, member, actor):
    with transaction.atomic():
        deleted, _ = WorkingGroupMember.objects.filter(axis=axis, member=member).delete()
        if not deleted:
            raise NetworkError(f"{member} ne fait pas partie du groupe de travail.")
        audit.record(actor, "départ du groupe de travail d'un axe", axis, {"membre": str(member)})


def add_note(axis, date, text, actor):
    if not text.strip():
        raise NetworkError("La note de suivi est vide.")
    with transaction.atomic():
        note = AxisNote.objects.create(axis=axis, date=date, text=text.strip(), author=actor)
        audit.record(actor, "note de suivi d'un axe", axis, {"date": date.isoformat()})
    return note


# ---- Reminders ----


def send_reminders(days, now=None):
    """E-mail every confirmed registrant of a meeting starting within `days` days, once. Returns counts."""
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


def _mail_on_commit(member, subject, body):
    address = member.contact_email
    if address:
        transaction.on_commit(lambda: send_mail(subject, body, None, [address], fail_silently=True))
