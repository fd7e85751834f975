"""Helpers shared by the network's page families: fetch an object and ask the policy first."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template import TemplateDoesNotExist
from django.template.loader import select_template
from django.urls import NoReverseMatch, reverse

from quartiers.core.permissions import authorize, can
from quartiers.network.models import Meeting, Network, PriorityAxis

DOCUMENTS_TEMPLATE = "resources/_meeting_documents.html"


def get_network(request, slug, verb="view", queryset=None):
    queryset = Network.objects.all() if queryset is None else queryset
    network = get_object_or_404(queryset.select_related("animator"), slug=slug)
    authorize(request.user, verb, network)
    return network


def get_meeting(request, pk, verb="view"):
    meeting = get_object_or_404(Meeting.objects.select_related("network", "network__animator", "organiser"), pk=pk)
    authorize(request.user, verb, meeting)
    return meeting


def get_axis(request, pk, verb="view"):
    axis = get_object_or_404(PriorityAxis.objects.select_related("network", "network__animator"), pk=pk)
    authorize(request.user, verb, axis)
    return axis


def require_participant(user, network):
    # Proposing an axis: a member of the network, or whoever steers it (through the policy).
    if not (network.is_member(user) or can(user, "change", network)):
        raise PermissionDenied


def documents_template():
    """The resources module's block for a meeting page, when that module provides it."""
    try:
        select_template([DOCUMENTS_TEMPLATE])
    except TemplateDoesNotExist:
        return ""
    return DOCUMENTS_TEMPLATE


def qpv_url(code):
    # The territories module may not publish a QPV page (yet): then the QPV is shown without a link.
    try:
        return reverse("territories:qpv_detail", args=[code])
    except NoReverseMatch:
        return ""


def export_query(request):
    query = request.GET.copy()
    query.pop("format", None)
    return query.urlencode()


def upcoming_with_counts(meetings):
    return meetings.upcoming().with_counts().select_related("network", "organiser")
