"""Meetings (rencontres): list with exports, creation and edition, the meeting page, its agenda, minutes,
attachments and calendar files."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from quartiers.core.exports import export_response
from quartiers.core.permissions import authorize, can, view_public
from quartiers.network import ics, services
from quartiers.network.forms import AgendaItemForm, AttachmentForm, MeetingForm, MinutesForm
from quartiers.network.models import AgendaItem, MeetingAttachment, NetworkMember, Registration, Theme
from quartiers.network.services import NetworkError

from ._common import documents_template, export_query, get_meeting, get_network, qpv_url, upcoming_with_counts

Status = Registration.Status

MEETING_COLUMNS = [
    ("Date", lambda m: timezone.localtime(m.starts_at)),
    ("Rencontre", "title"),
    ("Lieu", "place"),
    ("Organisateur", "organiser.name"),
    ("Inscrits", "confirmed_count"),
    ("Liste d'attente", "waiting_count"),
    ("Capacité", "capacity"),
]


@require_safe
def meeting_list(request, slug):
    network = get_network(request, slug)
    themes = Theme.objects.all()
    theme = next((t for t in themes if t.slug == request.GET.get("theme")), None)
    meetings = network.meetings.all()
    if theme is not None:
        meetings = meetings.filter(pk__in=AgendaItem.objects.filter(themes=theme).values("meeting_id"))
    fmt = request.GET.get("format")
    if fmt:
        rows = meetings.with_counts().select_related("organiser").order_by("-starts_at")
        return export_response(rows, MEETING_COLUMNS, f"rencontres-{network.slug}", fmt)
    return render(
        request,
        "network/meeting_list.html",
        {
            "network": network,
            "upcoming": upcoming_with_counts(meetings),
            "past": meetings.past().with_counts().select_related("organiser"),
            "can_manage": can(request.user, "change", network),
            "themes": themes,
            "theme": theme,
            "export_query": export_query(request),
        },
    )


def meeting_create(request, slug):
    network = get_network(request, slug, "change")
    form = MeetingForm(request.POST or None, initial={"organiser": network.animator_id})
    if request.method == "POST" and form.is_valid():
        meeting = services.create_meeting(network, form.save(commit=False), request.user)
        messages.success(request, "La rencontre a été créée. Ajoutez son ordre du jour.")
        return redirect(meeting)
    return render(request, "network/form.html", {"network": network, "form": form, "title": "Nouvelle rencontre"})


def meeting_edit(request, pk):
    meeting = get_meeting(request, pk, "change")
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        services.update_meeting(form.save(commit=False), request.user)
        messages.success(request, "La rencontre a été mise à jour.")
        return redirect(meeting)
    return render(
        request,
        "network/form.html",
        {"network": meeting.network, "meeting": meeting, "form": form, "title": f"Modifier : {meeting.title}"},
    )


@require_safe
def meeting_detail(request, pk):
    meeting = get_meeting(request, pk)
    network = meeting.network
    items = list(meeting.agenda_items.prefetch_related("themes", "communes", "qpvs", "contrats", "links"))
    for item in items:
        item.qpv_links = [(qpv, qpv_url(qpv.code)) for qpv in item.qpvs.all()]
    registrations = meeting.registrations.exclude(status=Status.CANCELLED).select_related(
        "member", "member__organisation"
    )
    me = network.member_for(request.user)
    mine = registrations.filter(member=me).first() if me else None
    context = {
        "meeting": meeting,
        "network": network,
        "items": items,
        "confirmed": [r for r in registrations if r.status == Status.CONFIRMED],
        "waiting": [r for r in registrations if r.status == Status.WAITING],
        "me": me,
        "mine": mine,
        "attachments": meeting.attachments.all(),
        "axes": meeting.axes.all(),
        "can_manage": can(request.user, "change", meeting),
        "documents_template": documents_template(),
    }
    return render(request, "network/meeting_detail.html", context)


def agenda_add(request, pk):
    meeting = get_meeting(request, pk, "change")
    form = AgendaItemForm(request.POST or None, network=meeting.network)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.add_agenda_item(
            meeting,
            request.user,
            data["title"],
            data["description"],
            data["themes"],
            data["communes"],
            data["qpvs"],
            data["contrats"],
            data["links"],
        )
        messages.success(request, "Le point a été ajouté à l'ordre du jour.")
        return redirect(meeting)
    return render(
        request,
        "network/form.html",
        {"network": meeting.network, "meeting": meeting, "form": form, "title": "Ajouter un point à l'ordre du jour"},
    )


def minutes(request, pk):
    meeting = get_meeting(request, pk, "change")
    form = MinutesForm(request.POST or None, initial={"minutes": meeting.minutes})
    if request.method == "POST" and form.is_valid():
        services.save_minutes(meeting, form.cleaned_data["minutes"], request.user)
        messages.success(request, "Le compte rendu est enregistré.")
        return redirect(meeting)
    return render(
        request,
        "network/form.html",
        {"network": meeting.network, "meeting": meeting, "form": form, "title": f"Compte rendu : {meeting.title}"},
    )


def attachment_add(request, pk):
    meeting = get_meeting(request, pk, "change")
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_attachment(meeting, form.cleaned_data["file"], form.cleaned_data["title"], request.user)
        except NetworkError as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, "La pièce jointe est ajoutée.")
            return redirect(meeting)
    return render(
        request,
        "network/form.html",
        {
            "network": meeting.network,
            "meeting": meeting,
            "form": form,
            "title": "Joindre un fichier",
            "multipart": True,
        },
    )


@require_safe
def attachment_download(request, pk):
    attachment = get_object_or_404(MeetingAttachment.objects.select_related("meeting__network"), pk=pk)
    authorize(request.user, "view", attachment.meeting)
    # Attachments are small (10 Mo at most): read whole, so no file handle outlives the request.
    with attachment.file.open("rb") as handle:
        response = HttpResponse(handle.read(), content_type=attachment.content_type)
    response["Content-Disposition"] = content_disposition_header(True, attachment.filename)
    return response


@require_safe
def meeting_ics(request, pk):
    meeting = get_meeting(request, pk)
    response = HttpResponse(
        ics.calendar([meeting], meeting.network.name, request), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="rencontre-{meeting.pk}.ics"'
    return response


@require_safe
@view_public
def network_feed(request, token):
    """A member's private calendar feed: calendar apps cannot log in, so the unguessable token is the key."""
    member = NetworkMember.objects.filter(calendar_token=token, active=True).select_related("network").first()
    if member is None:
        return HttpResponse(
            "Lien d'agenda inconnu ou révoqué : demandez le lien de votre agenda sur la page du réseau.",
            status=404,
            content_type="text/plain; charset=utf-8",
        )
    network = member.network
    meetings = network.meetings.order_by("starts_at")
    response = HttpResponse(ics.calendar(meetings, network.name, request), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{network.slug}.ics"'
    return response
