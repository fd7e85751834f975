from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q

from quartiers.core.permissions import ROLE_CHOICES, PolicyQuerySetMixin


class UserQuerySet(PolicyQuerySetMixin, models.QuerySet):
    def search(self, text):
        q = Q()
        for word in text.split():
            q &= Q(email__icontains=word) | Q(first_name__icontains=word) | Q(last_name__icontains=word)
        return self.filter(q)

    def pending_invitation(self):
        return self.filter(is_active=True, password__startswith=UNUSABLE_PASSWORD_PREFIX)

    def with_status(self, status):
        if status == "actif":
            return self.filter(is_active=True).exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)
        if status == "invite":
            return self.pending_invitation()
        if status == "inactif":
            return self.filter(is_active=False)
        return self

    def with_membership(self, organisation=None, role=None):
        """Users holding an active membership of `organisation` and/or `role` (a subquery: no duplicates)."""
        if organisation is None and not role:
            return self
        memberships = Membership.objects.filter(active=True)
        if organisation is not None:
            memberships = memberships.filter(organisation=organisation)
        if role:
            memberships = memberships.filter(role=role)
        return self.filter(pk__in=memberships.values("user_id"))


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("L'adresse e-mail est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person; logs in with an e-mail address."""

    username = None
    email = models.EmailField("adresse e-mail", unique=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    objects = UserManager()

    class Meta:
        verbose_name = "utilisateur"
        ordering = ["last_name", "first_name", "email"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        """The one name shown for a person everywhere: « Prénom Nom », else the e-mail address."""
        return " ".join(part for part in (self.first_name.strip(), self.last_name.strip()) if part) or self.email


class Organisation(models.Model):
    class Kind(models.TextChoices):
        ETAT = "etat", "État / préfecture"
        EPCI = "epci", "EPCI"
        COMMUNE = "commune", "Commune"
        CENTRE_RESSOURCES = "centre_ressources", "Centre de ressources"
        BAILLEUR = "bailleur", "Bailleur social"
        ASSOCIATION = "association", "Association"
        ENTREPRISE = "entreprise", "Entreprise"
        AUTRE = "autre", "Autre"

    name = models.CharField("nom", max_length=200, unique=True)
    kind = models.CharField("type", max_length=30, choices=Kind.choices)
    siret = models.CharField("SIREN / SIRET", max_length=14, blank=True)
    website = models.URLField("site web", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "organisation"

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A role held by a person, for an organisation, over a territory (région, département, EPCI or commune)."""

    class Level(models.TextChoices):
        REGION = "region", "Région"
        DEPARTEMENT = "departement", "Département"
        EPCI = "epci", "EPCI"
        COMMUNE = "commune", "Commune"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("rôle", max_length=30, choices=ROLE_CHOICES)
    scope_level = models.CharField("niveau du territoire", max_length=20, choices=Level.choices)
    scope_code = models.CharField(
        "code du territoire",
        max_length=20,
        help_text="Code INSEE, SIREN de l'EPCI, n° de département ou de région",
    )
    function = models.CharField("fonction", max_length=200, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "rattachement"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role", "scope_level", "scope_code"], name="unique_membership"
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} ({self.scope_level} {self.scope_code})"

    @property
    def scope_key(self):
        return f"{self.scope_level}:{self.scope_code}"


class PendingMembershipQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(accepted_at__isnull=True)


class PendingMembership(models.Model):
    """A membership offered to an existing account by an invitation.

    Nothing of that person's rights changes until they accept it, signed in, through the signed
    link of the e-mail (`accounts.services.accept_membership`).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="pending_memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    role = models.CharField("rôle", max_length=30, choices=ROLE_CHOICES)
    scope_level = models.CharField("niveau du territoire", max_length=20, choices=Membership.Level.choices)
    scope_code = models.CharField("code du territoire", max_length=20)
    function = models.CharField("fonction", max_length=200, blank=True)
    invited_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    objects = PendingMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "rattachement proposé"
        verbose_name_plural = "rattachements proposés"

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} ({self.scope_level} {self.scope_code}), en attente"


class LoginAttemptQuerySet(models.QuerySet):
    def recent(self, email, ip, since):
        return self.filter(email=email, ip=ip, created_at__gte=since)

    def recent_for_account(self, email, since):
        return self.filter(email=email, created_at__gte=since)

    def recent_from_ip(self, ip, since):
        return self.filter(ip=ip, created_at__gte=since)


class LoginAttempt(models.Model):
    """A failed login, kept in the database so that every app server sees the same count (throttling)."""

    email = models.CharField(max_length=254)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LoginAttemptQuerySet.as_manager()

    class Meta:
        verbose_name = "tentative de connexion échouée"
        indexes = [
            models.Index(fields=["email", "ip", "created_at"]),
            models.Index(fields=["ip", "created_at"], name="accounts_login_ip_idx"),
        ]

    def __str__(self):
        return f"{self.email} depuis {self.ip} le {self.created_at:%d/%m/%Y %H:%M}"


# What a token may be scoped to: the API modules, each with the levels it offers (reads of public data need none).
READ = "read"
WRITE = "write"
API_MODULES = {
    "contracts": ("Contrats de ville", (READ, WRITE)),
    "gup": ("Gestion urbaine de proximité (GUP, Open311)", (READ, WRITE)),
    "eligibility": ("Éligibilité QPV", (READ,)),
    "territories": ("Territoires", (READ,)),
    "network": ("Réseau", (READ,)),
    "resources": ("Ressources", (READ,)),
}
SCOPE_LABELS = {READ: "lecture", WRITE: "lecture et écriture"}


class ApiTokenQuerySet(PolicyQuerySetMixin, models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)

    def personal(self):
        return self.filter(organisation__isnull=True)

    def of_service(self):
        return self.filter(organisation__isnull=False)


class ApiToken(models.Model):
    """A token for the API: personal (acts as its holder) or a service token of an organisation (acts with its
    creator's memberships of that organisation only). Scoped per module (read / write); only its hash is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="api_tokens"
    )
    label = models.CharField("libellé", max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField("début du jeton", max_length=8, blank=True)
    scopes = models.JSONField("portées", default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    use_count = models.PositiveIntegerField("utilisations", default=0)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"

    def __str__(self):
        return f"{self.label} ({self.organisation or self.user})"

    @property
    def is_service(self):
        return self.organisation_id is not None

    def allows(self, module, level=READ):
        granted = self.scopes.get(module)
        return granted == WRITE or (granted == READ and level == READ)

    def scope_text(self):
        parts = [f"{API_MODULES[m][0]} : {SCOPE_LABELS[lvl]}" for m, lvl in self.scopes.items() if m in API_MODULES]
        return " ; ".join(parts) or "aucune"
