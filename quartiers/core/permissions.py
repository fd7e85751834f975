"""The one permission policy of Quartiers: the machinery. The rules live in each app's `rules.py`.

Every view and API endpoint asks `can(user, verb, obj)` (or `authorize`, which raises), and every
list, export, API collection and search is built from `visible_to(user, queryset)` — which the
querysets expose as `.visible_to(user)`, `.editable_by(user)`, `.contributable_by(user)`. Nothing
else decides.

Each app declares, in `<app>/rules.py`, for each of its models who may view, create, change and
delete it (and contribute to it where the app uses it):

    rules.declare(
        Commitment,
        territory=prefixed("contract", CONTRACT_SCOPE),
        owner="organisation", owner_roles=OWNER_ROLES | {DELEGATE},
        view=signed_in, create=in_scope(CHEF), change=in_scope(CHEF) | owner_organisation,
        delete=in_scope(CHEF), contribute=in_scope(CHEF, PARTNER) | owner_organisation,
    )

A rule is a `Predicate`: a test of one object (`test(user, obj)`) and the same rule as a queryset
filter (`query(user, rules)`, a Q object), so that `can` and `visible_to` cannot disagree. Predicates
compose with `|` and `&`. Administrators pass every rule; « manage » (administering the platform)
is theirs alone. A model (or policy object) without a declaration is an error, never a default.

Verbs: view, create, change, delete, contribute (add something to an object: a report to a walk, a
registration, a commitment of one's own organisation), manage.

Without an object (`can(user, "change")`) or with a model class, the question is « anywhere? »:
view → signed in (everyone for public reference data), contribute → a chef de projet or partenaire
membership, change → a chef de projet membership.

Roles: administrateur; chef de projet; partenaire contributeur; lecteur (a plain reader);
délégué du préfet (reads, and updates the State's own commitments in his scope: `owner_roles`);
animateur du centre de ressources (animates the networks his organisation animates, publishes its
news digests: see network/rules.py and resources/rules.py).

Scopes are territory keys: "region:32", "departement:62", "epci:200090751", "commune:62193".
A territorial object lists every key it belongs to (`obj.territory_keys()`, ancestors included),
so a chef de projet scoped on an EPCI covers the objects of its communes.
"""

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import connections
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
VERBS = ("view", "create", "change", "delete", "contribute", "manage")
VERB_LABELS = {
    "view": "voir",
    "create": "créer",
    "change": "modifier",
    "delete": "supprimer",
    "contribute": "contribuer",
    "manage": "administrer",
}
# Verbs every model declares (contribute only where the app uses it; manage is the administrators').
DECLARED_VERBS = ("view", "create", "change", "delete")
# « Anywhere? » questions (no object, or a model class).
ROLES_FOR_VERB = {"contribute": {CHEF, PARTNER}, "change": {CHEF}}
# Roles through which an organisation changes what it owns; a declaration may widen it with `owner_roles`
# (the State's commitments accept the délégué du préfet).
OWNER_ROLES = {CHEF, PARTNER}


class LoginRequired(PermissionDenied):
    """Raised for anonymous users: the middleware turns it into a redirect to the login page."""


# --- who the user is ----------------------------------------------------------------------------------


def _memberships(user):
    # Cached per request on the user object: a page asks `can` many times. Plain SQL: every signed-in page reads
    # them, and the ORM's query building cost 20 times the query (0.3 ms against 0.02).
    if not hasattr(user, "_quartiers_memberships"):
        table = user.memberships.model._meta.db_table
        with connections[user._state.db or "default"].cursor() as cursor:
            cursor.execute(
                f"SELECT role, scope_level, scope_code, organisation_id FROM {table} WHERE user_id = %s AND active",
                [user.pk],
            )
            user._quartiers_memberships = [tuple(row) for row in cursor.fetchall()]
    return user._quartiers_memberships


def is_signed_in(user):
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


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


def prefixed(prefix, paths):
    """Territory paths of a parent, seen from a child: prefixed("contract", CONTRACT_SCOPE)."""
    return {level: f"{prefix}__{path}" for level, path in paths.items()}


# --- predicates ----------------------------------------------------------------------------------------
# A query answers True (every row), False (no row) or a Q object; True/False keep querysets untouched.


def _or(a, b):
    if a is True or b is True:
        return True
    if a is False:
        return b
    return a if b is False else a | b


def _and(a, b):
    if a is False or b is False:
        return False
    if a is True:
        return b
    return a if b is True else a & b


class Predicate:
    """One rule, for an object (`test(user, obj, rules)`) and for a queryset (`query(user, rules)`)."""

    def __init__(self, name, test, query=None, distinct=False):
        # `name` says the rule in French (`quartiers regles`); a callable gets the declaration (its model).
        self.name, self._test, self._query, self.distinct = name, test, query, distinct

    def label(self, rules):
        return self.name(rules) if callable(self.name) else self.name

    def test(self, user, obj, rules):
        return bool(self._test(user, obj, rules))

    def query(self, user, rules):
        if self._query is None:
            raise ImproperlyConfigured(
                f"la règle « {self.label(rules)} » ne sait pas filtrer une liste ({rules.label})"
            )
        return self._query(user, rules)

    def needs_distinct(self, rules):
        return self.distinct(rules) if callable(self.distinct) else self.distinct

    def __or__(self, other):
        return Predicate(
            lambda r: f"{self.label(r)} ou {other.label(r)}",
            lambda u, o, r: self.test(u, o, r) or other.test(u, o, r),
            lambda u, r: _or(self.query(u, r), other.query(u, r)),
            lambda r: self.needs_distinct(r) or other.needs_distinct(r),
        )

    def __and__(self, other):
        return Predicate(
            lambda r: f"{self.label(r)} et {other.label(r)}",
            lambda u, o, r: self.test(u, o, r) and other.test(u, o, r),
            lambda u, r: _and(self.query(u, r), other.query(u, r)),
            lambda r: self.needs_distinct(r) or other.needs_distinct(r),
        )

    def __repr__(self):
        return self.name if isinstance(self.name, str) else "<règle composée>"


def predicate(name, test, query=None):
    """A rule of one app: `test(user, obj)`, `query(user)` → Q / True / False."""
    return Predicate(name, lambda u, o, r: test(u, o), None if query is None else lambda u, r: query(u))


def roles_label(roles):
    labels = dict(ROLE_CHOICES)
    return ", ".join(labels[role].lower() for role in sorted(roles))


def _joins(paths):
    return any("__" in path for path in paths.values())


anyone = Predicate("tout le monde", lambda u, o, r: True, lambda u, r: True)
signed_in = Predicate("toute personne connectée", lambda u, o, r: is_signed_in(u), lambda u, r: is_signed_in(u))
# Admins pass every rule before it is asked: `admins_only` is the rule of what nobody else touches.
admins_only = Predicate("les administrateurs", lambda u, o, r: False, lambda u, r: False)
public_row = Predicate("ce qui est public", lambda u, o, r: bool(o.public), lambda u, r: Q(public=True))


def in_scope(*roles):
    """A membership with one of `roles` whose territory covers the object."""
    roles = set(roles)
    return Predicate(
        f"{roles_label(roles)} du territoire",
        lambda u, o, r: bool(o.territory_keys() & scope_keys(u, roles)),
        lambda u, r: scope_q(scope_keys(u, roles), r.territory),
        lambda r: _joins(r.territory),
    )


def _owner_test(user, obj, rules):
    owner = getattr(obj, rules.owner_attname, None)
    if not owner:
        return False
    return bool(obj.territory_keys() & owner_scopes(user, rules.owner_roles).get(owner, set()))


def _owner_query(user, rules):
    q = Q(pk__in=[])
    for org, keys in owner_scopes(user, rules.owner_roles).items():
        q |= Q(**{rules.owner: org}) & scope_q(keys, rules.territory)
    return q


# The organisation that owns an object (a partner's commitment, a landlord's operation), through a
# membership of it (one of the declaration's `owner_roles`) whose territory covers the object.
owner_organisation = Predicate("l'organisation propriétaire, sur son territoire", _owner_test, _owner_query, True)


def holds(*roles):
    """A membership with one of `roles`, anywhere (creating: the form then limits the territory to the user's)."""
    roles = set(roles)
    return Predicate(
        f"{roles_label(roles)} (tout territoire)",
        lambda u, o, r: bool(scope_keys(u, roles)),
        lambda u, r: bool(scope_keys(u, roles)),
    )


def own(field):
    """The user the row belongs to (`field` names the foreign key to the user)."""

    def test(user, obj, rules):
        return is_signed_in(user) and getattr(obj, rules.model._meta.get_field(field).attname) == user.pk

    return Predicate(
        "la personne à qui il appartient", test, lambda u, r: Q(**{field: u}) if is_signed_in(u) else False
    )


def row_rule(name, query):
    """A rule written as a filter only (`query(user)` → Q): an object passes if its row matches."""

    def test(user, obj, rules):
        q = query(user)
        if isinstance(q, bool):
            return q
        return type(obj)._default_manager.filter(pk=obj.pk).filter(q).exists()

    return Predicate(name, test, lambda u, r: query(u))


def via(attr, verb):
    """The parent's rule: `via("network", "view")` lets whoever views the network view its meetings."""

    def query(user, rules):
        parent = rules.model._meta.get_field(attr).related_model
        return Q(**{f"{attr}__in": visible_to(user, parent._default_manager.all(), verb)})

    def name(rules):
        parent = rules.model._meta.get_field(attr).related_model._meta.verbose_name
        return f"qui peut {VERB_LABELS[verb]} « {parent} »"

    return Predicate(name, lambda u, o, r: can(u, verb, getattr(o, attr)), query)


# --- declarations ----------------------------------------------------------------------------------------


class Rules:
    """What one app declares for one model (or policy object)."""

    def __init__(self, model, verbs, territory=None, owner=None, owner_roles=OWNER_ROLES):
        self.model, self.verbs = model, verbs
        self.territory = territory or {}
        self.owner, self.owner_roles = owner, set(owner_roles)
        self.label = getattr(getattr(model, "_meta", None), "label", model.__qualname__)

    @property
    def public(self):
        """Reference data: viewing is open to everyone, anonymous included."""
        return self.verbs.get("view") is anyone

    @property
    def owner_attname(self):
        if self.owner and hasattr(self.model, "_meta"):
            return self.model._meta.get_field(self.owner).attname
        return self.owner

    def rule(self, verb):
        if verb not in self.verbs:
            raise ImproperlyConfigured(f"{self.label} : aucune règle déclarée pour « {verb} »")
        return self.verbs[verb]

    def check(self, verb, user, obj):
        return self.rule(verb).test(user, obj, self)

    def filter(self, verb, user, queryset):
        rule = self.rule(verb)
        q = rule.query(user, self)
        if q is True:
            return queryset
        if q is False:
            return queryset.none()
        queryset = queryset.filter(q)
        return queryset.distinct() if rule.needs_distinct(self) else queryset


REGISTRY = {}


def declare(model, *, territory=None, owner=None, owner_roles=OWNER_ROLES, **verbs):
    """Declare the rules of `model` (from its app's rules.py): a predicate per verb. view, create, change and
    delete are required for a Django model; `territory` maps levels to lookups (see `scope_q`), `owner` names the
    field of the organisation that owns a row (see `owner_organisation`)."""
    unknown = set(verbs) - set(VERBS) | ({"manage"} & set(verbs))
    if unknown:
        raise ImproperlyConfigured(f"{model.__qualname__} : verbes inconnus {sorted(unknown)}")
    missing = [v for v in DECLARED_VERBS if v not in verbs] if hasattr(model, "_meta") else []
    if missing:
        raise ImproperlyConfigured(f"{model._meta.label} : règles manquantes pour {missing}")
    REGISTRY[model] = Rules(model, verbs, territory, owner, owner_roles)
    return REGISTRY[model]


def declare_part(model, parent, *, view=None):
    """Declare a part of another object (a contract's signatories, a meeting's agenda): whoever may change the
    parent (`parent` names the foreign key) creates, changes and deletes its parts; any signed-in user reads them
    unless `view` says otherwise."""
    rule = via(parent, "change")
    return declare(model, view=view or signed_in, create=rule, change=rule, delete=rule)


def rules_for(model):
    try:
        return REGISTRY[model]
    except KeyError:
        label = getattr(getattr(model, "_meta", None), "label", getattr(model, "__qualname__", model))
        raise ImproperlyConfigured(
            f"{label} : aucune règle déclarée (à ajouter au rules.py de son application)"
        ) from None


def describe():
    """The declarations as rows (model label, {verb: the rule in words}), for `quartiers regles`."""
    rows = [
        (rules.label, {verb: rule.label(rules) for verb, rule in rules.verbs.items()}) for rules in REGISTRY.values()
    ]
    return sorted(rows)


def undeclared(models):
    """The models of `models` without declared rules (the permission matrix fails on them)."""
    return [m for m in models if m not in REGISTRY]


# --- asking ----------------------------------------------------------------------------------------------------


def can(user, verb, obj=None):
    if verb not in VERBS:
        raise ValueError(f"verbe inconnu : {verb}")
    if obj is None or isinstance(obj, type):
        return _can_anywhere(user, verb, obj)
    rules = rules_for(type(obj))
    if not is_signed_in(user):
        # Only a rule that admits visitors (public reference data, a public document) lets them read.
        return verb == "view" and rules.check("view", user, obj)
    if is_admin(user):
        return True
    if verb == "manage":
        return False
    return rules.check(verb, user, obj)


def _can_anywhere(user, verb, model):
    public = model is not None and rules_for(model).public  # an undeclared model is an error here too
    if verb == "view" and public:
        return True
    if not is_signed_in(user):
        return False
    if is_admin(user):
        return True
    if verb == "view":
        return True
    if verb not in ROLES_FOR_VERB:
        return False  # manage; create and delete are asked of an object
    return bool(scope_keys(user, ROLES_FOR_VERB[verb]))


def visible_to(user, queryset, verb="view"):
    """The rows of `queryset` the user may `verb` (view, change, contribute…), by its model's declaration."""
    rules = rules_for(queryset.model)
    if is_admin(user):
        return queryset
    return rules.filter(verb, user, queryset)


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


class PolicyQuerySetMixin:
    """Every policy QuerySet: one-line, chainable calls to `visible_to` (rules from the model's rules.py)."""

    def visible_to(self, user):
        return visible_to(user, self)

    def editable_by(self, user):
        return visible_to(user, self, "change")

    def contributable_by(self, user):
        return visible_to(user, self, "contribute")


def autodiscover():
    """Import every installed app's rules.py (called from core's AppConfig.ready)."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("rules")
