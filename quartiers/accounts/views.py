"""Account pages. Views validate, call a service, redirect; the policy decides who may come in."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import INTERNAL_RESET_SESSION_TOKEN
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from quartiers.accounts import services
from quartiers.accounts.forms import (
    AuditFilterForm,
    EmailAuthenticationForm,
    EmailPasswordResetForm,
    InvitationForm,
    MembershipForm,
    OrganisationForm,
    ProfileForm,
    TokenForm,
    UserFilterForm,
)
from quartiers.accounts.models import ApiToken, Membership, Organisation, User
from quartiers.accounts.queries import audit_events, organisations_with_counts
from quartiers.accounts.scopes import attach_territory_names
from quartiers.accounts.tokens import INVITATION_DAYS, invitation_token
from quartiers.core.models import AuditEvent
from quartiers.core.permissions import CHEF, authorize, organisation_ids, view_public

PAGE_SIZE = 50
BACKEND = "quartiers.accounts.backends.EmailBackend"


# ---- Login, logout, password reset, invitation (public) ----


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    form_class = EmailPasswordResetForm
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    reset_url_token = "nouveau-mot-de-passe"

    def form_valid(self, form):
        services.set_password(self.user, form.cleaned_data["new_password1"])
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    """The invited person chooses a password through the signed, expiring link, then is logged in."""

    template_name = "accounts/invitation_accept.html"
    token_generator = invitation_token
    reset_url_token = "choisir-mot-de-passe"
    success_url = reverse_lazy("site:home")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        user = services.accept_invitation(self.user, form.cleaned_data["new_password1"])
        del self.request.session[INTERNAL_RESET_SESSION_TOKEN]
        auth_login(self.request, user, BACKEND)
        messages.success(self.request, "Bienvenue ! Votre mot de passe est enregistré et vous êtes connecté(e).")
        return HttpResponseRedirect(self.get_success_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(days=INVITATION_DAYS, **kwargs)


login = view_public(LoginView.as_view())
logout = view_public(auth_views.LogoutView.as_view())
password_reset = view_public(PasswordResetView.as_view())
password_reset_done = view_public(
    auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
)
password_reset_confirm = view_public(PasswordResetConfirmView.as_view())
password_reset_complete = view_public(
    auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html")
)
invitation_accept = view_public(InvitationAcceptView.as_view())


def _base_url(request):
    return request.build_absolute_uri("/")


# ---- Invitation (administrators, and chefs de projet for their territory) ----


def invite(request):
    authorize(request.user, "change")
    form = InvitationForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invite(request.user, base_url=_base_url(request), **form.cleaned_data)
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Invitation envoyée à {user.email}.")
            return redirect("accounts:invite")
    return render(request, "accounts/invite.html", {"form": form, "days": INVITATION_DAYS})


def membership_accept(request, token):
    """A proposed membership, shown to the person it is proposed to (signed in), who accepts it."""
    authorize(request.user, "view")
    pending = services.pending_from_token(token)
    if pending is not None and pending.user_id != request.user.pk:
        raise PermissionDenied
    if pending is not None and request.method == "POST":
        try:
            services.accept_membership(request.user, pending)
        except services.ServiceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, f"Rattachement accepté : {pending.get_role_display()} pour {pending.organisation}."
            )
            return redirect("accounts:my_account")
    territory = attach_territory_names([pending])[0].territory_name if pending else None
    context = {"pending": pending, "territory": territory, "days": INVITATION_DAYS}
    return render(request, "accounts/membership_accept.html", context)


# ---- Administration of accounts ----


@require_safe
def user_list(request):
    authorize(request.user, "manage")
    form = UserFilterForm(request.GET or None)
    users = User.objects.visible_to(request.user)
    if form.is_valid():
        data = form.cleaned_data
        users = users.search(data["q"]).with_status(data["statut"]).with_membership(data["organisation"], data["role"])
    users = users.prefetch_related("memberships__organisation")
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "accounts/user_list.html", {"form": form, "page": page, "query": query.urlencode()})


@require_safe
def user_detail(request, pk):
    authorize(request.user, "manage")
    person = get_object_or_404(User.objects.visible_to(request.user), pk=pk)
    return _render_user(request, person, MembershipForm())


def _render_user(request, person, membership_form, status=200):
    memberships = attach_territory_names(person.memberships.select_related("organisation").order_by("-active", "pk"))
    events = AuditEvent.objects.filter(object_type="accounts.user", object_id=str(person.pk)).select_related("actor")
    context = {
        "person": person,
        "memberships": memberships,
        "membership_form": membership_form,
        "events": events[:20],
        "pending": not person.has_usable_password(),
    }
    return render(request, "accounts/user_detail.html", context, status=status)


@require_POST
def membership_add(request, pk):
    authorize(request.user, "manage")
    person = get_object_or_404(User.objects.visible_to(request.user), pk=pk)
    form = MembershipForm(request.POST)
    if form.is_valid():
        try:
            services.add_membership(request.user, person, **form.cleaned_data)
        except services.ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Rattachement ajouté.")
            return redirect("accounts:user_detail", person.pk)
    return _render_user(request, person, form, status=400)


@require_POST
def membership_deactivate(request, pk):
    authorize(request.user, "manage")
    membership = get_object_or_404(Membership.objects.select_related("user", "organisation"), pk=pk)
    _run(request, services.deactivate_membership, membership, success="Rattachement désactivé.")
    return redirect("accounts:user_detail", membership.user_id)


@require_POST
def user_set_active(request, pk):
    authorize(request.user, "manage")
    person = get_object_or_404(User.objects.visible_to(request.user), pk=pk)
    active = request.POST.get("actif") == "1"
    _run(
        request, services.set_user_active, person, active, success="Compte réactivé." if active else "Compte désactivé."
    )
    return redirect("accounts:user_detail", person.pk)


@require_POST
def invitation_resend(request, pk):
    authorize(request.user, "manage")
    person = get_object_or_404(User.objects.visible_to(request.user), pk=pk)
    _run(
        request,
        services.resend_invitation,
        person,
        _base_url(request),
        success=f"Invitation renvoyée à {person.email}.",
    )
    return redirect("accounts:user_detail", person.pk)


def _run(request, service, *args, success):
    try:
        service(request.user, *args)
    except services.ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)


# ---- Organisations ----


@require_safe
def organisation_list(request):
    authorize(request.user, "manage")
    return render(request, "accounts/organisation_list.html", {"organisations": organisations_with_counts()})


def organisation_create(request):
    authorize(request.user, "manage")
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.create_organisation(request.user, form.cleaned_data)
        messages.success(request, "Organisation créée.")
        return redirect("accounts:organisation_list")
    return render(request, "accounts/organisation_form.html", {"form": form})


def organisation_edit(request, pk):
    authorize(request.user, "manage")
    organisation = get_object_or_404(Organisation, pk=pk)
    form = OrganisationForm(request.POST or None, instance=Organisation.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        services.update_organisation(request.user, organisation, form.cleaned_data)
        messages.success(request, "Organisation modifiée.")
        return redirect("accounts:organisation_list")
    return render(request, "accounts/organisation_form.html", {"form": form, "organisation": organisation})


# ---- Audit trail ----


@require_safe
def audit_list(request):
    authorize(request.user, "manage")
    form = AuditFilterForm(request.GET or None)
    events = audit_events(form.cleaned_data if form.is_valid() else {})
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "accounts/audit_list.html", {"form": form, "page": page, "query": query.urlencode()})


# ---- Mon compte ----


def my_account(request, profile_form=None, token_form=None, new_key=None, status=200):
    authorize(request.user, "view")
    user = request.user
    if request.method == "POST" and profile_form is None:
        profile_form = ProfileForm(request.POST, instance=User.objects.get(pk=user.pk))
        if profile_form.is_valid():
            services.update_profile(user, user, profile_form.cleaned_data)
            messages.success(request, "Profil enregistré.")
            return redirect("accounts:my_account")
        status = 400
    context = {
        "profile_form": profile_form or ProfileForm(instance=user),
        "token_form": token_form or TokenForm(user=user),
        "memberships": attach_territory_names(user.memberships.filter(active=True).select_related("organisation")),
        "proposals": _proposals(request, user),
        # His tokens and the service tokens of the organisations he administers.
        "tokens": ApiToken.objects.filter(Q(user=user) | Q(organisation_id__in=organisation_ids(user, {CHEF})))
        .select_related("organisation", "user")
        .order_by("revoked_at", "-created_at"),
        "new_key": new_key,
    }
    return render(request, "accounts/my_account.html", context, status=status)


def _proposals(request, user):
    # Proposals older than the link's lifetime can no longer be accepted: not listed.
    since = timezone.now() - timedelta(days=INVITATION_DAYS)
    waiting = (
        user.pending_memberships.waiting().filter(created_at__gte=since).select_related("organisation", "invited_by")
    )
    proposals = attach_territory_names(waiting)
    for proposal in proposals:
        proposal.link = services.pending_link(proposal, _base_url(request))
    return proposals


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:my_account")

    def dispatch(self, request, *args, **kwargs):
        authorize(request.user, "view")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        from django.contrib.auth import update_session_auth_hash

        services.set_password(self.request.user, form.cleaned_data["new_password1"], action="mot de passe modifié")
        update_session_auth_hash(self.request, self.request.user)
        messages.success(self.request, "Mot de passe modifié.")
        return HttpResponseRedirect(reverse("accounts:my_account"))


password_change = PasswordChangeView.as_view()
