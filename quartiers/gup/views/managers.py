"""Managers and coordination: who handles what where, and the GUP coordination of each territory."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from quartiers.core.permissions import authorize, can
from quartiers.gup import services
from quartiers.gup.forms import AreaForm, CoordinationForm
from quartiers.gup.models import Coordination, ManagerArea
from quartiers.gup.views.common import form_error
from quartiers.territories.models import EPCI, QPV, Commune


@require_safe
def managers(request):
    authorize(request.user, "view", None)
    areas = ManagerArea.objects.select_related("organisation", "qpv", "commune")
    coordinations = Coordination.objects.select_related("organisation", "epci", "commune")
    return render(
        request,
        "gup/managers.html",
        {"areas": areas, "coordinations": coordinations, "can_configure": can(request.user, "change", None)},
    )


def area_create(request):
    authorize(request.user, "change", None)
    # Only communes with a quartier: an administrator would otherwise get all 35,000 (a 2 MB page).
    communes = Commune.objects.editable_by(request.user).filter(qpvs__isnull=False).distinct().order_by("nom")
    form = AreaForm(request.POST or None)
    form.fields["commune"].queryset = communes
    form.fields["qpv"].queryset = QPV.objects.filter(communes__in=communes).distinct().order_by("nom")
    form.fields["organisation"].label = "Gestionnaire"
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.create_area(
                request.user, form.save(commit=False), data["categories"], data["polygon_text"] or None
            )
            messages.success(request, "Périmètre de gestion enregistré.")
            return redirect("gup:managers")
        except services.GupError as exc:
            form_error(form, exc)
    return render(request, "gup/area_form.html", {"form": form})


@require_POST
def area_delete(request, pk):
    authorize(request.user, "view", None)
    area = get_object_or_404(ManagerArea.objects.select_related("commune"), pk=pk)
    services.delete_area(request.user, area)
    messages.success(request, "Périmètre supprimé.")
    return redirect("gup:managers")


def coordination_create(request):
    authorize(request.user, "change", None)
    form = CoordinationForm(request.POST or None)
    # Only territories with a quartier (reports are filed in QPV): an administrator would otherwise get all of France.
    epcis = EPCI.objects.editable_by(request.user).filter(communes__qpvs__isnull=False).distinct()
    form.fields["epci"].queryset = epcis.order_by("nom")
    communes = Commune.objects.editable_by(request.user).filter(qpvs__isnull=False).distinct()
    form.fields["commune"].queryset = communes.order_by("nom")
    if request.method == "POST" and form.is_valid():
        services.designate_coordination(request.user, form.save(commit=False))
        messages.success(request, "Coordination GUP enregistrée.")
        return redirect("gup:managers")
    return render(request, "gup/coordination_form.html", {"form": form})
