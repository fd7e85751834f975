"""The network of chefs de projet: networks, members, meetings (rencontres), priority axes.

Who sees what is decided by `quartiers.core.permissions`, through the `can_*` hooks below:
- animating a network (its meetings, attendance, minutes, axes' status, directory and imports) is
  the resource centre's job: the « animateur » memberships of its animator organisation (and
  administrators); a meeting's organisers also steer that meeting;
- its members (chefs de projet, partners…) see it, register, propose and support axes, vote;
- the chefs de projet and délégués du préfet whose scope covers the network read it too.
Contact details are a separate object (`Contacts`) whose `can_view` admits members and animators.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from quartiers.core.permissions import ANIMATOR, CHEF, DELEGATE, PARTNER, can, is_admin, organisation_ids, scope_keys

# Roles whose scope lets them read the networks of their territory without being members.
TERRITORY_READERS = {CHEF, DELEGATE}
# Memberships of a meeting's organiser organisation that steer that meeting.
ORGANISER_ROLES = {CHEF, PARTNER, ANIMATOR}


def new_token():
    return secrets.token_urlsafe(24)


def new_data_version():
    # Random, never a counter: a full save of a stale Network instance writes back an old value, and the
    # bump that follows it must not land on a version whose page is still cached (see network/signals.py).
    return secrets.token_hex(8)


def member_network_ids(user):
    """Ids of the networks where `user` is an active member; cached on the user for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    if not hasattr(user, "_network_member_of"):
        user._network_member_of = frozenset(
            NetworkMember.objects.filter(user=user, active=True).values_list("network_id", flat=True)
        )
    return user._network_member_of


def animated_organisation_ids(user):
    return organisation_ids(user, {ANIMATOR})


class NetworkQuerySet(models.QuerySet):
    # Same answers as Network.can_view / can(user, "change", network), as querysets.
    def editable_by(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if is_admin(user):
            return self
        return self.filter(animator_id__in=animated_organisation_ids(user))

    def in_scope_of(self, user):
        """Networks whose territory a chef de projet or délégué du préfet of the user covers."""
        codes = {"commune": [], "epci": [], "departement": [], "region": []}
        for key in scope_keys(user, TERRITORY_READERS):
            level, code = key.split(":", 1)
            codes.setdefault(level, []).append(code)
        # A network covers its communes (with their EPCI, département, région) and the EPCI it lists.
        q = (
            Q(communes__insee__in=codes["commune"])
            | Q(communes__epci_id__in=codes["epci"])
            | Q(epcis__siren__in=codes["epci"])
            | Q(communes__departement_id__in=codes["departement"])
            | Q(communes__departement__region_id__in=codes["region"])
        )
        return self.filter(pk__in=Network.objects.filter(q).values("pk"))

    def with_calendar_token(self, user):
        """`my_calendar_token`: the calendar token of `user`'s active member card, None if not a member."""
        if not getattr(user, "is_authenticated", False):
            return self.annotate(my_calendar_token=models.Value(None, output_field=models.CharField()))
        cards = NetworkMember.objects.filter(network=models.OuterRef("pk"), user=user, active=True)
        return self.annotate(my_calendar_token=models.Subquery(cards.values("calendar_token")[:1]))

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if is_admin(user):
            return self
        return self.filter(
            Q(pk__in=member_network_ids(user))
            | Q(animator_id__in=animated_organisation_ids(user))
            | Q(pk__in=Network.objects.in_scope_of(user).values("pk"))
        )


class Network(models.Model):
    class VoteMode(models.TextChoices):
        SUPPORT = "soutien", "Soutien (un vote par axe)"
        RANKING = "classement", "Classement (chaque membre ordonne les axes, méthode de Borda)"

    name = models.CharField("nom", max_length=200)
    slug = models.SlugField("identifiant", max_length=80, unique=True)
    description = models.TextField(blank=True)
    animator = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="animé par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="animated_networks",
    )
    communes = models.ManyToManyField("territories.Commune", blank=True, related_name="networks")
    epcis = models.ManyToManyField("territories.EPCI", blank=True, related_name="networks")
    vote_mode = models.CharField(
        "choix des axes prioritaires", max_length=12, choices=VoteMode.choices, default=VoteMode.SUPPORT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Changes with every write to what the network page shows (network/signals.py): the key of its cache.
    data_version = models.CharField(max_length=16, default=new_data_version, editable=False)

    objects = NetworkQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "réseau"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("network:detail", args=[self.slug])

    @property
    def owner_organisation_id(self):
        return self.animator_id

    def territory_keys(self):
        keys = set()
        for insee, epci, dep, reg in self.communes.values_list(
            "insee", "epci_id", "departement_id", "departement__region_id"
        ):
            keys |= {f"commune:{insee}", f"departement:{dep}", f"region:{reg}"}
            if epci:
                keys.add(f"epci:{epci}")
        keys |= {f"epci:{siren}" for siren in self.epcis.values_list("siren", flat=True)}
        return keys

    def is_member(self, user):
        return self.pk in member_network_ids(user)

    def can_change(self, user):
        # Reached through `can`, after the administrators: only the animating organisation's animators.
        return bool(self.animator_id) and self.animator_id in animated_organisation_ids(user)

    def can_view(self, user):
        if self.is_member(user) or can(user, "change", self):
            return True
        return bool(self.territory_keys() & scope_keys(user, TERRITORY_READERS))

    def member_for(self, user):
        if not getattr(user, "is_authenticated", False):
            return None
        return self.members.filter(user=user, active=True).first()

    @property
    def contacts(self):
        return Contacts(self)


class Contacts:
    """The contact details of a network's members: a policy object visible to its members (and admins)."""

    def __init__(self, network):
        self.network = network

    def can_view(self, user):
        return self.network.is_member(user) or can(user, "change", self.network)


class MemberQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def for_directory(self):
        return self.select_related("organisation", "commune", "epci", "user")


class NetworkMember(models.Model):
    """A person in a network; may or may not have an account."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="network_members"
    )
    full_name = models.CharField("nom", max_length=200)
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="network_members"
    )
    function = models.CharField("fonction", max_length=200, blank=True)
    commune = models.ForeignKey(
        "territories.Commune", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    epci = models.ForeignKey("territories.EPCI", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    email = models.EmailField("adresse e-mail", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    is_animator = models.BooleanField("animateur du réseau", default=False)
    active = models.BooleanField("actif", default=True)
    calendar_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        ordering = ["full_name"]
        verbose_name = "membre du réseau"
        verbose_name_plural = "membres du réseau"
        constraints = [
            models.UniqueConstraint(
                fields=["network", "user"], condition=Q(user__isnull=False), name="network_member_unique_user"
            )
        ]

    def __str__(self):
        return self.full_name

    @property
    def territory(self):
        return self.commune or self.epci

    @property
    def contact_email(self):
        return self.email or (self.user.email if self.user_id else "")


class Theme(models.Model):
    """A theme of agenda items (état des lieux des QPV, révision des contrats de ville, NPNRU, GUP…)."""

    slug = models.SlugField(max_length=60, primary_key=True)
    name = models.CharField("nom", max_length=120)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = "thème"

    def __str__(self):
        return self.name


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(network__in=Network.objects.visible_to(user))

    def upcoming(self, now=None):
        return self.filter(starts_at__gte=now or timezone.now()).order_by("starts_at")

    def past(self, now=None):
        return self.filter(starts_at__lt=now or timezone.now()).order_by("-starts_at")

    def with_counts(self):
        return self.annotate(
            confirmed_count=Count("registrations", filter=Q(registrations__status="inscrit"), distinct=True),
            waiting_count=Count("registrations", filter=Q(registrations__status="attente"), distinct=True),
        )


class Meeting(models.Model):
    """A rencontre of a network: agenda, invitations, registrations, attendance, minutes, attachments."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="meetings", verbose_name="réseau")
    title = models.CharField("titre", max_length=250)
    starts_at = models.DateTimeField("début")
    ends_at = models.DateTimeField("fin", null=True, blank=True)
    place = models.CharField("lieu", max_length=250)
    address = models.CharField("adresse", max_length=300, blank=True)
    organiser = models.ForeignKey(
        "accounts.Organisation",
        verbose_name="organisateur",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organised_meetings",
    )
    description = models.TextField(blank=True)
    capacity = models.PositiveIntegerField("nombre de places", null=True, blank=True, help_text="Vide : sans limite.")
    registrations_open = models.BooleanField("inscriptions ouvertes", default=True)
    minutes = models.TextField("compte rendu", blank=True)
    minutes_updated_at = models.DateTimeField(null=True, blank=True)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = "rencontre"

    def __str__(self):
        return f"{self.title} ({timezone.localtime(self.starts_at):%d/%m/%Y})"

    def get_absolute_url(self):
        return reverse("network:meeting_detail", args=[self.pk])

    # The meeting follows its network for the policy.
    @property
    def owner_organisation_id(self):
        return self.network.animator_id

    def territory_keys(self):
        return self.network.territory_keys()

    def can_view(self, user):
        return self.network.can_view(user)

    def can_change(self, user):
        # The network's animators, or the organisation that organises this meeting.
        if can(user, "change", self.network):
            return True
        return bool(self.organiser_id) and self.organiser_id in organisation_ids(user, ORGANISER_ROLES)

    @property
    def is_past(self):
        return self.starts_at < timezone.now()

    @property
    def end(self):
        return self.ends_at or self.starts_at + timezone.timedelta(hours=3)


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField("ordre", default=0)
    title = models.CharField("intitulé", max_length=300)
    description = models.TextField(blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="agenda_items", verbose_name="thèmes")
    communes = models.ManyToManyField("territories.Commune", blank=True, related_name="+")
    qpvs = models.ManyToManyField("territories.QPV", blank=True, related_name="+", verbose_name="QPV")
    contrats = models.ManyToManyField(
        "territories.ContratDeVille", blank=True, related_name="+", verbose_name="contrats de ville"
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "point de l'ordre du jour"
        verbose_name_plural = "points de l'ordre du jour"

    def __str__(self):
        return self.title


class AgendaLink(models.Model):
    """A link from an agenda item to an object of another module (by URL and label, no hard dependency)."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="links")
    url = models.CharField("adresse", max_length=500)
    label = models.CharField("libellé", max_length=250)

    class Meta:
        ordering = ["id"]
        verbose_name = "lien"

    def __str__(self):
        return self.label


class Invitation(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    member = models.ForeignKey(NetworkMember, on_delete=models.CASCADE, related_name="invitations")
    invited_at = models.DateTimeField(auto_now_add=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["member__full_name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="network_invitation_unique")]
        verbose_name = "invitation"

    def __str__(self):
        return f"Invitation de {self.member}"


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "inscrit", "Inscrit"
        WAITING = "attente", "Liste d'attente"
        CANCELLED = "annule", "Annulé"

    class Attendance(models.TextChoices):
        UNKNOWN = "", "Non renseigné"
        PRESENT = "present", "Présent (a signé)"
        ABSENT = "absent", "Absent"
        EXCUSED = "excuse", "Excusé"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="registrations")
    member = models.ForeignKey(NetworkMember, on_delete=models.CASCADE, related_name="registrations")
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.CONFIRMED)
    queued_at = models.DateTimeField("inscrit le", default=timezone.now)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    attendance = models.CharField("émargement", max_length=10, choices=Attendance.choices, default="", blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["queued_at", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="network_registration_unique")]
        verbose_name = "inscription"

    def __str__(self):
        return f"{self.member} — {self.get_status_display()}"


def attachment_path(instance, filename):
    # A random name: the original name is kept in `title`; nobody can guess another file's path.
    return f"reseau/rencontres/{instance.meeting_id}/{uuid.uuid4().hex}"


class MeetingAttachment(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    title = models.CharField("titre", max_length=250)
    filename = models.CharField(max_length=250)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = "pièce jointe"

    def __str__(self):
        return self.title


class AxisQuerySet(models.QuerySet):
    def ranked(self, mode="soutien"):
        """Current ranking: most supported (or most Borda points) first; abandoned and achieved axes after.

        Borda points come from a subquery so that they are not multiplied by the supports join.
        """
        live = Q(status__in=[PriorityAxis.Status.PROPOSED, PriorityAxis.Status.CHOSEN, PriorityAxis.Status.ONGOING])
        points = (
            AxisRank.objects.filter(axis=models.OuterRef("pk"))
            .values("axis")
            .annotate(total=models.Sum("points"))
            .values("total")
        )
        queryset = self.annotate(
            support_count=Count("supports", distinct=True),
            borda_points=Coalesce(models.Subquery(points, output_field=models.IntegerField()), 0),
            live=models.Case(models.When(live, then=1), default=0, output_field=models.IntegerField()),
        )
        if mode == Network.VoteMode.RANKING:
            return queryset.order_by("-live", "-borda_points", "-support_count", "created_at", "id")
        return queryset.order_by("-live", "-support_count", "-borda_points", "created_at", "id")


class PriorityAxis(models.Model):
    """An axis of collaboration proposed at a meeting or by a member, supported by members' votes."""

    class Status(models.TextChoices):
        PROPOSED = "propose", "Proposé"
        CHOSEN = "retenu", "Retenu"
        ONGOING = "en_cours", "En cours"
        ABANDONED = "abandonne", "Abandonné"
        ACHIEVED = "atteint", "Atteint"

    # The status workflow: which status may follow which.
    TRANSITIONS = {
        "propose": ("retenu", "abandonne"),
        "retenu": ("en_cours", "abandonne"),
        "en_cours": ("atteint", "abandonne"),
        "abandonne": ("propose",),
        "atteint": (),
    }
    OPEN_FOR_SUPPORT = ("propose", "retenu", "en_cours")

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="axes")
    title = models.CharField("intitulé", max_length=250)
    description = models.TextField(blank=True)
    status = models.CharField("statut", max_length=10, choices=Status.choices, default=Status.PROPOSED)
    meeting = models.ForeignKey(
        Meeting,
        verbose_name="proposé lors de la rencontre",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="axes",
    )
    proposed_by = models.ForeignKey(
        NetworkMember,
        verbose_name="proposé par",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposed_axes",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    objects = AxisQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "axe prioritaire"
        verbose_name_plural = "axes prioritaires"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("network:axis_detail", args=[self.pk])

    @property
    def owner_organisation_id(self):
        return self.network.animator_id

    def territory_keys(self):
        return self.network.territory_keys()

    def can_view(self, user):
        return self.network.can_view(user)

    def can_change(self, user):
        # An axis' status, working group and notes: the network's animators.
        return can(user, "change", self.network)

    def next_statuses(self):
        labels = dict(self.Status.choices)
        return [(s, labels[s]) for s in self.TRANSITIONS[self.status]]


class AxisSupport(models.Model):
    axis = models.ForeignKey(PriorityAxis, on_delete=models.CASCADE, related_name="supports")
    member = models.ForeignKey(NetworkMember, on_delete=models.CASCADE, related_name="supports")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["axis", "member"], name="network_axis_support_unique")]
        verbose_name = "soutien"

    def __str__(self):
        return f"Soutien de {self.member}"


class WorkingGroupMember(models.Model):
    axis = models.ForeignKey(PriorityAxis, on_delete=models.CASCADE, related_name="group_members")
    member = models.ForeignKey(NetworkMember, on_delete=models.CASCADE, related_name="working_groups")
    is_lead = models.BooleanField("pilote", default=False)

    class Meta:
        ordering = ["-is_lead", "member__full_name"]
        constraints = [models.UniqueConstraint(fields=["axis", "member"], name="network_group_member_unique")]
        verbose_name = "membre du groupe de travail"

    def __str__(self):
        return str(self.member)


class AxisNote(models.Model):
    axis = models.ForeignKey(PriorityAxis, on_delete=models.CASCADE, related_name="notes")
    date = models.DateField("date")
    text = models.TextField("note")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = "note de suivi"

    def __str__(self):
        return f"Note du {self.date:%d/%m/%Y}"


class AxisRank(models.Model):
    """One line of a member's ballot in ranking mode: the place given to an axis.

    `points` is the Borda score of that place, fixed when the ballot is saved: with n axes on the
    ballot, the first gets n points, the last 1 (an axis left off the ballot gets nothing).
    """

    axis = models.ForeignKey(PriorityAxis, on_delete=models.CASCADE, related_name="ranks")
    member = models.ForeignKey(NetworkMember, on_delete=models.CASCADE, related_name="axis_ranks")
    position = models.PositiveSmallIntegerField("rang")
    points = models.PositiveSmallIntegerField("points")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["member", "position"]
        constraints = [models.UniqueConstraint(fields=["axis", "member"], name="network_axis_rank_unique")]
        verbose_name = "rang dans un classement"
        verbose_name_plural = "rangs dans les classements"

    def __str__(self):
        return f"{self.member} : {self.axis} au rang {self.position}"
