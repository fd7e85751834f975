"""The one permission policy of Quartiers.

Every view and API endpoint asks `can(user, verb, obj)` (or `authorize`, which raises), and every
list is built from a `visible_to(user)` / `editable_by(user)` queryset. Nothing else decides.

Verbs:
- "view": read a page or object. Public reference data (territories) is open to everyone;
  the rest needs an account.
- "contribute": add something to an object (a report, a registration, a comment, a commitment of
  one's own organisation). Partenaires and chefs de projet whose scope covers the object.
- "change": edit or steer an object. Chefs de projet whose scope covers it, or the organisation
  that owns it (`obj.owner_organisation_id`) — through a membership of that organisation whose
  scope covers the object too (a membership is role × scope × organisation: a Dunkerque membership
  of a landlord does not edit its Calais operations).
- "manage": administer the platform (accounts, imports of reference data). Administrators only.

Roles: administrateur; chef de projet; partenaire contributeur; lecteur (a plain reader);
délégué du préfet (reads, and updates the State's own commitments in his scope: models that accept
him say so with `owner_roles`); animateur du centre de ressources (animates the networks his
organisation animates: the network module's `can_change` hooks; publishes his organisation's news
digests: `resources.Digest.can_change`).

Scopes are territory keys: "region:32", "departement:62", "epci:200090751", "commune:62193".
A territorial object lists every key it belongs to (`obj.territory_keys()`, ancestors included),
so a chef de projet scoped on an EPCI covers the objects of its communes.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q

ADMIN = "administrateur"
CHEF = "chef_de_projet"
PARTNER = "partenaire"
READER = "lecteur"
DELEGATE = "delegue_prefet"
ANIMATOR = "animateur"
ROLE_CHOICES = [
    (ADMIN, "Administrateur"),
    (CHEF, "Chef de projet"),
    (PARTNER, "Partenaire contributeur"),
    (READER, "Lecteur"),
    (DELEGATE, "Délégué du préfet"),
    (ANIMATOR, "Animateur (centre de ressources)"),
]
VERBS = ("view", "contribute", "change", "manage")
ROLES_FOR_VERB = {"contribute": {CHEF, PARTNER}, "change": {CHEF}}
# Roles through which an organisation changes what it owns; a model may widen it with `owner_roles`
# (the State's commitments accept the délégué du préfet).
OWNER_ROLES = {CHEF, PARTNER}


class LoginRequired(PermissionDenied):
    """Raised for anonymous users: the middleware turns it into a redirect to the login page."""


def _memberships(user):
    # Cached per request on the user object: a page asks `can` many times.
    if not hasattr(user, "_quartiers_memberships"):
        user._quartiers_memberships = list(
            user.memberships.filter(active=True).values_list("role", "scope_level", "scope_code", "organisation_id")
        )
    return user._quartiers_memberships


def is_admin(user):
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or any(role == ADMIN for role, *_ in _memberships(user))


def scope_keys(user, roles):
    """Territory keys the user holds with one of `roles`."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return {f"{level}:{code}" for role, level, code, _org in _memberships(user) if role in roles}


def organisation_ids(user, roles=(CHEF, PARTNER)):
    if not getattr(user, "is_authenticated", False):
        return set()
    return {org for role, _l, _c, org in _memberships(user) if role in roles and org}


def owner_scopes(user, roles=OWNER_ROLES):
    """{organisation id: territory keys of the user's memberships of it} for `roles`."""
    if not getattr(user, "is_authenticated", False):
        return {}
    scopes = {}
    for role, level, code, org in _memberships(user):
        if role in roles and org:
            scopes.setdefault(org, set()).add(f"{level}:{code}")
    return scopes


def _owner_roles(obj):
    model = obj if isinstance(obj, type) else type(obj)
    return getattr(model, "owner_roles", OWNER_ROLES)


def is_public(obj):
    return bool(getattr(obj, "public", False)) if obj is not None else False


def can(user, verb, obj=None):
    if verb not in VERBS:
        raise ValueError(f"verbe inconnu : {verb}")
    authenticated = getattr(user, "is_authenticated", False)
    if verb == "view" and is_public(obj):
        return True
    if not authenticated or not user.is_active:
        return False
    if is_admin(user):
        return True
    if verb == "manage":
        return False
    if verb == "view":
        # A model class (module-level check) has no per-object restriction.
        checker = None if isinstance(obj, type) else getattr(obj, "can_view", None)
        return checker(user) if checker else True
    # An object with its own rule (e.g. « the author edits their document ») states it as can_<verb>.
    hook = None if obj is None or isinstance(obj, type) else getattr(obj, f"can_{verb}", None)
    if hook is not None:
        return hook(user)
    roles = ROLES_FOR_VERB[verb]
    if obj is None:
        return bool(scope_keys(user, roles))
    keys = obj.territory_keys() if hasattr(obj, "territory_keys") else set()
    # The organisation that owns an object (a partner's commitment, a landlord's operation) changes it,
    # through a membership of that organisation on the object's territory.
    owner_org = getattr(obj, "owner_organisation_id", None)
    if owner_org and keys & owner_scopes(user, _owner_roles(obj)).get(owner_org, set()):
        return True
    return bool(keys & scope_keys(user, roles))


def authorize(user, verb, obj=None):
    """Raise unless `can(user, verb, obj)`; anonymous users are sent to the login page."""
    if can(user, verb, obj):
        return
    if not getattr(user, "is_authenticated", False):
        raise LoginRequired
    raise PermissionDenied


def view_public(view):
    """Mark a function view as open to everyone (the matrix test still checks it)."""
    view.quartiers_policy = ("view", "public")
    return view


def scope_q(keys, paths):
    """Q object matching rows in any of the territory `keys`.

    `paths` maps a level to the lookup reaching that level's code from the model, e.g.
    {"commune": "communes__insee", "epci": "epci_id", "departement": "departement_id",
    "region": "departement__region_id"}.
    """
    q = Q(pk__in=[])
    for key in keys:
        level, code = key.split(":", 1)
        if level in paths:
            q |= Q(**{paths[level]: code})
    return q


class PolicyQuerySetMixin:
    """Add to a QuerySet whose model declares `scope_paths` (see `scope_q`)."""

    scope_paths: dict = {}

    def visible_to(self, user):
        if getattr(self.model, "public", False):
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self

    def _for_roles(self, user, roles):
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if is_admin(user):
            return self
        q = scope_q(scope_keys(user, roles), self.model.scope_paths)
        org_field = getattr(self.model, "owner_organisation_field", None)
        if org_field:
            # Same rule as `can`: the owner organisation, on the territory of that membership.
            for org, keys in owner_scopes(user, _owner_roles(self.model)).items():
                q |= Q(**{org_field: org}) & scope_q(keys, self.model.scope_paths)
        return self.filter(q).distinct() if any("__" in p for p in self.model.scope_paths.values()) else self.filter(q)

    def editable_by(self, user):
        return self._for_roles(user, ROLES_FOR_VERB["change"])

    def contributable_by(self, user):
        return self._for_roles(user, ROLES_FOR_VERB["contribute"])
