from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from quartiers.accounts import throttle
from quartiers.accounts.models import Membership, Organisation, User
from quartiers.accounts.scopes import clean_scope
from quartiers.core.permissions import ADMIN, ROLE_CHOICES, is_admin


class EmailAuthenticationForm(AuthenticationForm):
    """E-mail login, throttled per e-mail and IP (see accounts.throttle)."""

    username = forms.EmailField(
        label="Adresse e-mail", widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True})
    )
    error_messages = {
        "invalid_login": "Adresse e-mail ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
    }

    def clean(self):
        email = (self.cleaned_data.get("username") or "").strip().lower()
        if not email:
            return super().clean()
        ip = throttle.client_ip(self.request)
        if throttle.is_blocked(email, ip):
            raise forms.ValidationError(throttle.blocked_message(), code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            throttle.record_failure(email, ip)
            raise
        throttle.clear(email, ip)
        return cleaned


class EmailPasswordResetForm(PasswordResetForm):
    email = forms.EmailField(
        label="Adresse e-mail", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class ScopeFormMixin:
    """Validates (scope_level, scope_code) against the territories tables."""

    def clean(self):
        cleaned = super().clean()
        level, code = cleaned.get("scope_level"), cleaned.get("scope_code")
        if level and code:
            try:
                cleaned["scope_code"] = clean_scope(level, code)
            except forms.ValidationError as exc:
                self.add_error("scope_code", exc)
        return cleaned


class MembershipForm(ScopeFormMixin, forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["organisation", "role", "scope_level", "scope_code", "function"]


class InvitationForm(ScopeFormMixin, forms.Form):
    email = forms.EmailField(label="Adresse e-mail", widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    first_name = forms.CharField(label="Prénom", max_length=150, required=False)
    last_name = forms.CharField(label="Nom", max_length=150, required=False)
    organisation = forms.ModelChoiceField(label="Organisation", queryset=Organisation.objects.all())
    role = forms.ChoiceField(label="Rôle", choices=ROLE_CHOICES)
    scope_level = forms.ChoiceField(label="Niveau du territoire", choices=Membership.Level.choices)
    scope_code = forms.CharField(
        label="Code du territoire",
        max_length=20,
        help_text="Code INSEE de la commune, SIREN de l'EPCI, n° de département ou de région",
    )
    function = forms.CharField(label="Fonction", max_length=200, required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        if not is_admin(actor):
            self.fields["role"].choices = [(k, v) for k, v in ROLE_CHOICES if k != ADMIN]


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "siret", "website"]


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "phone"]
        labels = {"first_name": "Prénom", "last_name": "Nom"}


class TokenForm(forms.Form):
    label = forms.CharField(label="Libellé du jeton", max_length=100, help_text="À quoi servira-t-il ?")


class UserFilterForm(forms.Form):
    q = forms.CharField(label="Nom ou e-mail", required=False)
    organisation = forms.ModelChoiceField(
        label="Organisation", queryset=Organisation.objects.all(), required=False, empty_label="Toutes"
    )
    role = forms.ChoiceField(label="Rôle", choices=[("", "Tous"), *ROLE_CHOICES], required=False)
    statut = forms.ChoiceField(
        label="Statut",
        required=False,
        choices=[("", "Tous"), ("actif", "Actifs"), ("invite", "Invitation en attente"), ("inactif", "Désactivés")],
    )


class AuditFilterForm(forms.Form):
    q = forms.CharField(label="Objet ou action", required=False)
    acteur = forms.CharField(label="Auteur (e-mail)", required=False)
    du = forms.DateField(label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    au = forms.DateField(label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
