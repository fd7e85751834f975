"""Registrations to a meeting: a member's own (un)registration, invitations, the organisers' attendance sheet."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from quartiers.core import wording
from quartiers.core.exports import FORMATS, export_response, unknown_format
from quartiers.core.permissions import authorize
from quartiers.network import services
from quartiers.network.forms import InviteForm
from quartiers.network.models import Registration
from quartiers.network.services import NetworkError

from ._common import get_meeting

Status = Registration.Status

ATTENDANCE_COLUMNS = [
    ("Nom", "member.full_name"),
    ("Organisation", "member.organisation.name"),
    ("Fonction", "member.function"),
    ("Territoire", lambda r: str(r.member.territory or "")),
    ("Inscription", lambda r: r.get_status_display()),
    ("Émargement", lambda r: r.get_attendance_display()),
]


@require_POST
def meeting_register(request, pk):
    meeting = get_meeting(request, pk)
    try:
        registration = services.register(meeting, meeting.network.member_for(request.user), request.user)
    except NetworkError as exc:
        messages.error(request, str(exc))
    else:
        if registration.status == Status.CONFIRMED:
            messages.success(request, "Vous êtes inscrit·e à cette rencontre.")
        else:
            messages.warning(request, "La rencontre est complète : vous êtes sur la liste d'attente.")
    return redirect(meeting)


@require_POST
def meeting_unregister(request, pk):
    meeting = get_meeting(request, pk)
    try:
        services.unregister(meeting, meeting.network.member_for(request.user), request.user)
    except NetworkError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Votre inscription est annulée.")
    return redirect(meeting)


def meeting_invite(request, pk):
    meeting = get_meeting(request, pk, "change")
    form = InviteForm(request.POST or None, network=meeting.network)
    if request.method == "POST" and form.is_valid():
        members = meeting.network.members.active() if form.cleaned_data["all_members"] else form.cleaned_data["members"]
        try:
            created = services.invite(meeting, list(members), request.user)
        except NetworkError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{wording.count(created, 'invitation envoyée', 'invitations envoyées')}.")
            return redirect(meeting)
    invited = meeting.invitations.select_related("member")
    return render(
        request,
        "network/invite.html",
        {"network": meeting.network, "meeting": meeting, "form": form, "invited": invited},
    )


def _attendance_values(post):
    """{registration id: value} from one « presence-<id> » field per row of the sheet."""
    return {int(key[9:]): value for key, value in post.items() if key.startswith("presence-") and key[9:].isdigit()}


def attendance(request, pk):
    meeting = get_meeting(request, pk, "change")
    registrations = (
        meeting.registrations.exclude(status=Status.CANCELLED)
        .select_related("member", "member__organisation", "member__commune", "member__epci")
        .order_by("member__full_name")
    )
    fmt = request.GET.get("format")
    if fmt:
        if fmt not in FORMATS:
            return unknown_format(fmt, FORMATS)
        return export_response(registrations, ATTENDANCE_COLUMNS, f"emargement-rencontre-{meeting.pk}", fmt)
    if request.method == "POST":
        try:
            services.set_attendance(meeting, _attendance_values(request.POST), request.user)
        except NetworkError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "La feuille d'émargement est enregistrée.")
            return redirect("network:attendance", meeting.pk)
    return render(
        request,
        "network/attendance.html",
        {
            "network": meeting.network,
            "meeting": meeting,
            "registrations": registrations,
            "choices": Registration.Attendance.choices,
            "not_registered": meeting.network.members.active().exclude(pk__in=registrations.values("member_id")),
        },
    )


@require_POST
def registration_add(request, pk):
    meeting = get_meeting(request, pk, "change")
    member = meeting.network.members.active().filter(pk=request.POST.get("member") or 0).first()
    try:
        registration = services.register(meeting, member, request.user, by_organiser=True)
    except NetworkError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{registration.member} : {registration.get_status_display().lower()}.")
    return redirect("network:attendance", meeting.pk)


@require_POST
def registration_cancel(request, pk):
    registration = get_object_or_404(Registration.objects.select_related("meeting__network", "member"), pk=pk)
    meeting = registration.meeting
    authorize(request.user, "change", meeting)
    try:
        promoted = services.cancel(registration, request.user)
    except NetworkError as exc:
        messages.error(request, str(exc))
    else:
        note = f" {promoted.member} passe de la liste d'attente aux inscrits." if promoted else ""
        messages.success(request, f"L'inscription de {registration.member} est annulée.{note}")
    return redirect("network:attendance", meeting.pk)
