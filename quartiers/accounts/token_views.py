"""API tokens on « Mon compte »: create (shown once), revoke. The services decide (accounts.api_tokens)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from quartiers.accounts import services
from quartiers.accounts.forms import ProfileForm, TokenForm
from quartiers.accounts.models import ApiToken
from quartiers.accounts.views import my_account
from quartiers.core.permissions import authorize


@require_POST
def token_create(request):
    authorize(request.user, "view")
    form = TokenForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            key = services.create_api_token(
                request.user, form.cleaned_data["label"], form.scopes(), form.cleaned_data.get("organisation")
            )
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            # The clear key is shown once, on this response only (never stored, never redirected).
            return my_account(
                request,
                token_form=TokenForm(user=request.user),
                profile_form=ProfileForm(instance=request.user),
                new_key=key,
            )
    return my_account(request, token_form=form, profile_form=ProfileForm(instance=request.user), status=400)


@require_POST
def token_revoke(request, pk):
    authorize(request.user, "view")
    token = get_object_or_404(ApiToken.objects.visible_to(request.user), pk=pk)
    authorize(request.user, "delete", token)
    services.revoke_api_token(request.user, token)
    messages.success(request, f"Jeton « {token.label} » révoqué : il est refusé dès maintenant.")
    return redirect("accounts:my_account")
