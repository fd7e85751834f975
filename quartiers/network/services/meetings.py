"""Members, meetings, their agenda, minutes and attachments."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from quartiers.core import audit, filetypes
from quartiers.network.models import AgendaItem, AgendaLink, Meeting, MeetingAttachment

from ._common import NetworkError, check
from .registrations import fill_seats


def add_member(network, member, actor):
    check(actor, "change", network)
    with transaction.atomic():
        member.network = network
        member.save()
        audit.record(actor, "ajout d'un membre au réseau", network, {"membre": member.full_name})
    return member


def create_meeting(network, meeting, actor):
    """Save a new (unsaved) meeting of `network`."""
    check(actor, "change", network)
    with transaction.atomic():
        meeting.network = network
        meeting.created_by = actor if getattr(actor, "is_authenticated", False) else None
        meeting.save()
        audit.record(actor, "création d'une rencontre", meeting)
    return meeting


def update_meeting(meeting, actor):
    """Save an edited meeting; more seats promote the waiting list.

    The right is read from the meeting as stored: the edit may change its organiser, and it is the
    organisers before the edit who may make it.
    """
    check(actor, "change", Meeting.objects.select_related("network", "organiser").get(pk=meeting.pk))
    with transaction.atomic():
        meeting.save()
        audit.record(actor, "modification d'une rencontre", meeting)
        fill_seats(meeting, actor)
    return meeting


def add_agenda_item(meeting, actor, title, description="", themes=(), communes=(), qpvs=(), contrats=(), links=()):
    """`links`: (url, label) pairs to objects of other modules."""
    check(actor, "change", meeting)
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
    check(actor, "change", meeting)
    with transaction.atomic():
        meeting.minutes = text
        meeting.minutes_updated_at = timezone.now()
        meeting.save(update_fields=["minutes", "minutes_updated_at", "updated_at"])
        audit.record(actor, "compte rendu d'une rencontre", meeting)
    return meeting


def _accepted_type(upload):
    """(MIME type, label) of an acceptable upload; otherwise a NetworkError with the French reason."""
    if upload is None:
        raise NetworkError("Choisissez un fichier à joindre.")
    try:  # the one upload rule of core.filetypes: size from its LIMITS table, archive safety, content never name
        kind = filetypes.check_upload(upload, purpose="piece_jointe")
    except ValidationError as error:
        if error.code == "format":
            raise NetworkError(
                "Type de fichier refusé : seuls les PDF, documents Office / OpenDocument et images sont acceptés."
            ) from None
        raise NetworkError(error.messages[0]) from None
    upload.seek(0)
    return kind.mime_type, kind.kind


def add_attachment(meeting, upload, title, actor):
    check(actor, "change", meeting)
    found = _accepted_type(upload)
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
