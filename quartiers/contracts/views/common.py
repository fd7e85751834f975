"""What every contracts page shares: fetching the contract or commitment the user may see, form errors."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render

from quartiers.core.permissions import authorize

from ..models import Commitment, Contract, Evidence


def get_contract(request, pk):
    authorize(request.user, "view", Contract)  # anonymous users go to the login page, not to a 404
    contract = get_object_or_404(
        Contract.objects.visible_to(request.user).select_related(
            "reference", "epci", "commune", "departement__region", "local_pilot", "state_pilot"
        ),
        pk=pk,
    )
    authorize(request.user, "view", contract)
    return contract


def editable_contract(request, pk):
    contract = get_contract(request, pk)
    # Contracts have no owner organisation: only chefs de projet of the territory and admins pass.
    authorize(request.user, "change", contract)
    return contract


def get_commitment(request, pk):
    authorize(request.user, "view", Commitment)
    commitment = get_object_or_404(
        Commitment.objects.visible_to(request.user)
        .with_progress_data()
        .select_related("contract__reference", "contract__departement", "amendment")
        .prefetch_related("qpvs", Prefetch("evidence", queryset=Evidence.objects.select_related("removed_by"))),
        pk=pk,
    )
    authorize(request.user, "view", commitment)
    return commitment


def updatable_commitment(request, pk):
    commitment = get_commitment(request, pk)
    authorize(request.user, "change", commitment)
    return commitment


def add_errors(form, exc):
    for field_name, errors in exc.message_dict.items():
        form.add_error(field_name if field_name in form.fields else None, errors)


def form_status(form):
    return 400 if form.is_bound and form.errors else 200


def contract_form(request, contract, form, save, *, title, submit, done, multipart=False):
    """A small form of the contract page: on a valid POST, `save(cleaned_data)` calls the service (its
    ValidationError goes back onto the form), then `done` is said and the contract shown again; otherwise the
    form, with status 400 when it has errors."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("contracts:detail", contract.pk)
    context = {"contract": contract, "form": form, "title": title, "submit": submit, "multipart": multipart}
    return render(request, "contracts/simple_form.html", context, status=form_status(form))
