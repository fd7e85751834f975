"""Pages of the network module. Every view asks the policy (`authorize` / `can` / querysets) first."""

import base64

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import select_template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST, require_safe

from quartiers.core import wording
from quartiers.core.exports import FORMATS, export_response, unknown_format
from quartiers.core.permissions import authorize, can, view_public
from quartiers.network import ics, importers, services
from quartiers.network.forms import (
    AgendaItemForm,
    AttachmentForm,
    AxisForm,
    DirectoryFilterForm,
    GroupMemberForm,
    InviteForm,
    MeetingForm,
    MemberForm,
    MemberImportForm,
    MinutesForm,
    NoteForm,
    StatusForm,
)
from quartiers.network.models import (
    AgendaItem,
    Meeting,
    MeetingAttachment,
    Network,
    NetworkMember,
    PriorityAxis,
    Registration,
    Theme,
)
from quartiers.network.services import NetworkError

DOCUMENTS_TEMPLATE = "resources/_meeting_documents.html"
Status = Registration.Status


def _network(request, slug, verb="view"):
    network = get_object_or_404(Network.objects.select_related("animator"), slug=slug)
    authorize(request.user, verb, network)
    return network


def _meeting(request, pk, verb="view"):
    meeting = get_object_or_404(Meeting.objects.select_related("network", "network__animator", "organiser"), pk=pk)
    authorize(request.user, verb, meeting)
    return meeting


def _axis(request, pk, verb="view"):
    axis = get_object_or_404(PriorityAxis.objects.select_related("network", "network__animator"), pk=pk)
    authorize(request.user, verb, axis)
    return axis


def _require_participant(user, network):
    # Proposing an axis: a member of the network, or whoever steers it (network/rules.py: « contribute »).
    if not can(user, "contribute", network):
        raise PermissionDenied


def _documents_template():
    """The resources module's block for a meeting page, when that module provides it."""
    try:
        select_template([DOCUMENTS_TEMPLATE])
    except TemplateDoesNotExist:
        return ""
    return DOCUMENTS_TEMPLATE


def _qpv_url(code):
    # The territories module may not publish a QPV page (yet): then the QPV is shown without a link.
    try:
        return reverse("territories:qpv_detail", args=[code])
    except NoReverseMatch:
        return ""


def _export_query(request):
    query = request.GET.copy()
    query.pop("format", None)
    return query.urlencode()


def _upcoming_with_counts(meetings):
    return meetings.upcoming().with_counts().select_related("network", "organiser")


# ---- Networks and directory ----


@require_safe
def index(request):
    authorize(request.user, "view", None)
    networks = (
        Network.objects.visible_to(request.user)
        .select_related("animator")
        .annotate(member_count=Count("members", filter=Q(members__active=True), distinct=True))
    )
    upcoming = _upcoming_with_counts(Meeting.objects.visible_to(request.user))[:10]
    return render(request, "network/index.html", {"networks": networks, "upcoming": upcoming})


@require_safe
def detail(request, slug):
    network = _network(request, slug)
    meetings = network.meetings.all()
    context = {
        "network": network,
        "communes": network.communes.all(),
        "epcis": network.epcis.all(),
        "member_count": network.members.active().count(),
        "upcoming": _upcoming_with_counts(meetings)[:5],
        "past": meetings.past().select_related("organiser")[:5],
        "axes": network.axes.ranked(network.vote_mode).select_related("meeting"),
        "ranking_mode": network.vote_mode == Network.VoteMode.RANKING,
        "voter_count": services.voter_count(network),
        "me": network.member_for(request.user),
        "can_manage": can(request.user, "change", network),
    }
    return render(request, "network/detail.html", context)


DIRECTORY_COLUMNS = [
    ("Nom", "full_name"),
    ("Organisation", "organisation.name"),
    ("Type d'organisation", lambda m: m.organisation.get_kind_display() if m.organisation_id else ""),
    ("Fonction", "function"),
    ("Territoire", lambda m: m.territory.nom if m.territory else ""),
]
CONTACT_COLUMNS = [("E-mail", "contact_email"), ("Téléphone", "phone")]


@require_safe
def directory(request, slug):
    network = _network(request, slug)
    form = DirectoryFilterForm(request.GET or None, network=network)
    members = form.filter(network.members.active().for_directory())
    show_contacts = can(request.user, "view", network.contacts)
    fmt = request.GET.get("format")
    if fmt:
        columns = DIRECTORY_COLUMNS + (CONTACT_COLUMNS if show_contacts else [])
        return export_response(members, columns, f"annuaire-{network.slug}", fmt)
    return render(
        request,
        "network/directory.html",
        {
            "network": network,
            "form": form,
            "members": members,
            "show_contacts": show_contacts,
            "export_query": _export_query(request),
            "can_manage": can(request.user, "change", network),
        },
    )


def member_add(request, slug):
    network = _network(request, slug, "change")
    form = MemberForm(request.POST or None, network=network)
    if request.method == "POST" and form.is_valid():
        member = form.save(commit=False)
        member.user = form.cleaned_data["account_email"]
        services.add_member(network, member, request.user)
        messages.success(request, f"{member} a été ajouté·e au réseau.")
        return redirect("network:directory", network.slug)
    return render(request, "network/form.html", {"network": network, "form": form, "title": "Ajouter un membre"})


# ---- Meetings ----


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
    network = _network(request, slug)
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
            "upcoming": _upcoming_with_counts(meetings),
            "past": meetings.past().with_counts().select_related("organiser"),
            "can_manage": can(request.user, "change", network),
            "themes": themes,
            "theme": theme,
            "export_query": _export_query(request),
        },
    )


def meeting_create(request, slug):
    network = _network(request, slug, "change")
    form = MeetingForm(request.POST or None, initial={"organiser": network.animator_id})
    if request.method == "POST" and form.is_valid():
        meeting = form.save(commit=False)
        meeting.network = network
        services.save_meeting(meeting, request.user, created=True)
        messages.success(request, "La rencontre a été créée. Ajoutez son ordre du jour.")
        return redirect(meeting)
    return render(request, "network/form.html", {"network": network, "form": form, "title": "Nouvelle rencontre"})


def meeting_edit(request, pk):
    meeting = _meeting(request, pk, "change")
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        services.save_meeting(form.save(commit=False), request.user, created=False)
        messages.success(request, "La rencontre a été mise à jour.")
        return redirect(meeting)
    return render(
        request,
        "network/form.html",
        {"network": meeting.network, "meeting": meeting, "form": form, "title": f"Modifier : {meeting.title}"},
    )


@require_safe
def meeting_detail(request, pk):
    meeting = _meeting(request, pk)
    network = meeting.network
    items = list(meeting.agenda_items.prefetch_related("themes", "communes", "qpvs", "contrats", "links"))
    for item in items:
        item.qpv_links = [(qpv, _qpv_url(qpv.code)) for qpv in item.qpvs.all()]
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
        "documents_template": _documents_template(),
    }
    return render(request, "network/meeting_detail.html", context)


def agenda_add(request, pk):
    meeting = _meeting(request, pk, "change")
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


@require_POST
def meeting_register(request, pk):
    meeting = _meeting(request, pk)
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
    meeting = _meeting(request, pk)
    me = meeting.network.member_for(request.user)
    registration = meeting.registrations.filter(member=me).first() if me else None
    if registration is None:
        messages.error(request, "Vous n'êtes pas inscrit·e à cette rencontre.")
        return redirect(meeting)
    try:
        services.cancel(registration, request.user)
    except NetworkError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Votre inscription est annulée.")
    return redirect(meeting)


def meeting_invite(request, pk):
    meeting = _meeting(request, pk, "change")
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


ATTENDANCE_COLUMNS = [
    ("Nom", "member.full_name"),
    ("Organisation", "member.organisation.name"),
    ("Fonction", "member.function"),
    ("Territoire", lambda r: str(r.member.territory or "")),
    ("Inscription", lambda r: r.get_status_display()),
    ("Émargement", lambda r: r.get_attendance_display()),
]


def attendance(request, pk):
    meeting = _meeting(request, pk, "change")
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
        values = {}
        for key, value in request.POST.items():
            if key.startswith("presence-") and key[9:].isdigit():
                values[int(key[9:])] = value
        try:
            services.set_attendance(meeting, values, request.user)
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
    meeting = _meeting(request, pk, "change")
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


def minutes(request, pk):
    meeting = _meeting(request, pk, "change")
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
    meeting = _meeting(request, pk, "change")
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
    meeting = _meeting(request, pk)
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


# ---- Priority axes ----


def axis_create(request, slug):
    network = _network(request, slug)
    _require_participant(request.user, network)
    form = AxisForm(request.POST or None, network=network, initial={"meeting": request.GET.get("rencontre")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        axis = services.propose_axis(
            network,
            request.user,
            data["title"],
            data["description"],
            meeting=data["meeting"],
            member=network.member_for(request.user),
        )
        messages.success(request, "L'axe est proposé : les membres peuvent le soutenir.")
        return redirect(axis)
    return render(request, "network/form.html", {"network": network, "form": form, "title": "Proposer un axe"})


@require_safe
def axis_detail(request, pk):
    axis = _axis(request, pk)
    network = axis.network
    me = network.member_for(request.user)
    can_manage = can(request.user, "change", axis)
    supports = axis.supports.select_related("member").order_by("created_at")
    context = {
        "axis": axis,
        "network": network,
        "supports": supports,
        "supported": me is not None and any(s.member_id == me.pk for s in supports),
        "group": axis.group_members.select_related("member", "member__organisation"),
        "notes": axis.notes.select_related("author"),
        "me": me,
        "can_manage": can_manage,
        "status_form": StatusForm() if can_manage else None,
        "group_form": GroupMemberForm(network=network) if can_manage else None,
        "note_form": NoteForm() if can_manage else None,
    }
    return render(request, "network/axis_detail.html", context)


@require_POST
def axis_support(request, pk):
    axis = _axis(request, pk)
    me = axis.network.member_for(request.user)
    try:
        if request.POST.get("retirer") and me is not None:
            services.withdraw_support(axis, me, request.user)
            messages.success(request, "Votre soutien est retiré.")
        else:
            services.support(axis, me, request.user)
            messages.success(request, "Votre soutien est enregistré.")
    except NetworkError as exc:
        messages.error(request, str(exc))
    return redirect(axis)


@require_POST
def axis_status(request, pk):
    axis = _axis(request, pk, "change")
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Statut inconnu.")
        return redirect(axis)
    try:
        services.change_status(axis, form.cleaned_data["status"], request.user)
    except NetworkError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Statut : {axis.get_status_display()}.")
    return redirect(axis)


@require_POST
def axis_group(request, pk):
    axis = _axis(request, pk, "change")
    form = GroupMemberForm(request.POST, network=axis.network)
    if not form.is_valid():
        messages.error(request, "Choisissez un membre du réseau.")
        return redirect(axis)
    member = form.cleaned_data["member"]
    try:
        if request.POST.get("retirer"):
            services.remove_group_member(axis, member, request.user)
        else:
            services.set_group_member(axis, member, form.cleaned_data["is_lead"], request.user)
    except NetworkError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "Le groupe de travail est à jour.")
    return redirect(axis)


@require_POST
def axis_note(request, pk):
    axis = _axis(request, pk, "change")
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez une date valide et le texte de la note.")
        return redirect(axis)
    try:
        services.add_note(axis, form.cleaned_data["date"], form.cleaned_data["text"], request.user)
    except NetworkError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "La note de suivi est ajoutée.")
    return redirect(axis)


def _ballot_from_post(post, axes):
    """The axis ids in the order the member chose, from one « rang-<id> » select per axis."""
    ranks = {}
    for axis in axes:
        value = post.get(f"rang-{axis.pk}", "")
        if not value.isdigit():
            raise NetworkError(f"Choisissez un rang pour « {axis.title} ».")
        ranks[axis.pk] = int(value)
    if sorted(ranks.values()) != list(range(1, len(axes) + 1)):
        raise NetworkError("Chaque rang ne peut être donné qu'à un seul axe : vérifiez qu'aucun rang ne se répète.")
    return sorted(ranks, key=ranks.get)


def axis_ranking(request, slug):
    """A member orders the network's open axes; the page also shows the current Borda count."""
    network = _network(request, slug)
    me = network.member_for(request.user)
    axes = list(services.rankable_axes(network))
    error = ""
    if request.method == "POST":
        if me is None:
            raise PermissionDenied
        try:
            if request.POST.get("retirer"):
                services.withdraw_ranking(network, me, request.user)
                messages.success(request, "Votre classement est retiré.")
            else:
                services.rank_axes(network, me, _ballot_from_post(request.POST, axes), request.user)
                messages.success(request, "Votre classement est enregistré.")
            return redirect(f"{network.get_absolute_url()}#axes")
        except NetworkError as exc:
            error = str(exc)
    mine = {r.axis_id: r.position for r in me.axis_ranks.filter(axis__network=network)} if me else {}
    for default, axis in enumerate(axes, start=1):
        axis.my_rank = int(request.POST.get(f"rang-{axis.pk}", 0) or 0) if error else mine.get(axis.pk, default)
    return render(
        request,
        "network/axis_ranking.html",
        {
            "network": network,
            "axes": axes,
            "positions": range(1, len(axes) + 1),
            "has_ballot": bool(mine),
            "me": me,
            "error": error,
            "ranking_open": network.vote_mode == Network.VoteMode.RANKING,
            "ranking": network.axes.ranked(network.vote_mode).select_related("meeting"),
            "voter_count": services.voter_count(network),
            "can_manage": can(request.user, "change", network),
            "modes": Network.VoteMode.choices,
        },
    )


@require_POST
def vote_mode(request, slug):
    network = _network(request, slug, "change")
    try:
        services.set_vote_mode(network, request.POST.get("mode", ""), request.user)
    except NetworkError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Choix des axes : {network.get_vote_mode_display().lower()}.")
    return redirect("network:axis_ranking", network.slug)


IMPORT_SESSION_KEY = "network_member_import"


def member_import(request, slug):
    """Upload → preview (a dry run, the file kept in the session) → confirm → report."""
    network = _network(request, slug, "change")
    form = MemberImportForm()
    report = error = None
    pending = request.session.get(IMPORT_SESSION_KEY)
    if pending and pending.get("network") != network.pk:
        pending = None
    if request.method == "POST" and request.POST.get("confirmer"):
        if not pending:
            error = "Aucun fichier en attente : déposez de nouveau le fichier."
        else:
            data = base64.b64decode(pending["data"])
            try:
                report = importers.import_members(network, data, request.user, filename=pending["name"])
            except importers.ImportFileError as exc:
                error = str(exc)
            request.session.pop(IMPORT_SESSION_KEY, None)
            pending = None
    elif request.method == "POST":
        form = MemberImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            try:
                report = importers.import_members(network, data, request.user, filename=upload.name, dry_run=True)
            except importers.ImportFileError as exc:
                form.add_error("file", str(exc))
            else:
                pending = {"network": network.pk, "name": upload.name, "data": base64.b64encode(data).decode()}
                request.session[IMPORT_SESSION_KEY] = pending
    return render(
        request,
        "network/member_import.html",
        {
            "network": network,
            "form": form,
            "report": report,
            "error": error,
            "pending_name": pending["name"] if pending and report and report.dry_run else "",
        },
    )
