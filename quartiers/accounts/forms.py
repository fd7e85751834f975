from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm

from quartiers.accounts import grants, throttle
from quartiers.accounts.models import API_MODULES, SCOPE_LABELS, Membership, Organisation, User
from quartiers.accounts.scopes import clean_scope
from quartiers.core.permissions import ADMIN, CHEF, ROLE_CHOICES


class EmailAuthenticationForm(AuthenticationForm):
    """E-mail login, throttled per account and per IP (see accounts.throttle)."""

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
        reason = throttle.blocked(email, ip)
        if reason:
            raise forms.ValidationError(throttle.blocked_message(reason), code="throttled")
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


class InvitationForm(forms.Form):
    """Only what the inviter may grant is offered (accounts.grants); the service checks it again."""

    email = forms.EmailField(label="Adresse e-mail", widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    first_name = forms.CharField(label="Prénom", max_length=150, required=False)
    last_name = forms.CharField(label="Nom", max_length=150, required=False)
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        help_text="Votre organisation ou une organisation de votre territoire.",
    )
    role = forms.ChoiceField(label="Rôle", choices=())
    territory = forms.ChoiceField(
        label="Territoire", choices=(), help_text="Le territoire sur lequel elle interviendra."
    )
    function = forms.CharField(label="Fonction", max_length=200, required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = grants.grantable_organisations(actor)
        self.fields["role"].choices = grants.grantable_roles(actor)
        self.fields["territory"].choices = [("", "— Choisissez un territoire —"), *grants.territory_choices(actor)]

    def clean(self):
        cleaned = super().clean()
        territory = cleaned.pop("territory", None)
        if territory:
            cleaned["scope_level"], cleaned["scope_code"] = territory.split(":", 1)
        return cleaned


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
    """A token's label, its scopes per module and, for an organisation's administrator, a service token."""

    label = forms.CharField(label="Libellé du jeton", max_length=100, help_text="À quoi servira-t-il ?")
    organisation = forms.ModelChoiceField(
        label="Jeton de service de l'organisation",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Non : jeton personnel",
        help_text="Un jeton de service agit avec vos rattachements à cette organisation seulement.",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        administered = Organisation.objects.filter(
            memberships__user=user, memberships__active=True, memberships__role__in=(CHEF, ADMIN)
        ).distinct()
        self.fields["organisation"].queryset = administered
        if user is None or not administered.exists():
            self.fields["organisation"].widget = forms.HiddenInput()
        for module, (name, levels) in API_MODULES.items():
            choices = [("", "aucun accès"), *((level, SCOPE_LABELS[level]) for level in levels)]
            self.fields[f"scope_{module}"] = forms.ChoiceField(label=name, choices=choices, required=False)

    def clean(self):
        if "organisation" in self.errors and isinstance(self.fields["organisation"].widget, forms.HiddenInput):
            self.add_error(None, "Vous n'administrez pas cette organisation : pas de jeton de service pour elle.")
        return super().clean()

    def scopes(self):
        return {module: self.cleaned_data.get(f"scope_{module}") or "" for module in API_MODULES}


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
