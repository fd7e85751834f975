"""API tokens: creation (personal, or a service token of an organisation), revocation, authentication.

A token is stored as the SHA-256 of its key (the key is shown once). It carries scopes per module
(`API_MODULES`: read, or read and write); every use is counted and dated. A personal token acts as its holder;
a service token acts with its creator's active memberships *of its organisation only* (never as an
administrator of the platform). Revoking sets `revoked_at`: the next request with it is refused.
core.api asks this module through `register_token_backend` (core sits below accounts).
"""

import hashlib
import secrets

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from quartiers.accounts.models import API_MODULES, READ, WRITE, ApiToken, Membership
from quartiers.core import audit
from quartiers.core.permissions import ADMIN, CHEF, DELEGATE, PARTNER, is_admin

# The roles through which an account may write through the API (as on the pages: contributing roles).
WRITING_ROLES = {CHEF, PARTNER, DELEGATE}
# /api/<prefix>/ of the first registry (quartiers.core.api) → module of the scopes.
PATH_MODULES = {
    "contrats": "contracts",
    "gup": "gup",
    "eligibilite": "eligibility",
    "territoires": "territories",
    "reseau": "network",
    "ressources": "resources",
}


class TokenError(Exception):
    """A refusal in French, shown as is."""


def digest(key):
    return hashlib.sha256(key.encode()).hexdigest()


def may_write(user, organisation=None):
    """Write scopes need a contributing role (of the organisation, for a service token), as the forms do."""
    if organisation is None and is_admin(user):
        return True
    memberships = Membership.objects.filter(user=user, active=True, role__in=WRITING_ROLES)
    if organisation is not None:
        memberships = memberships.filter(organisation=organisation)
    return memberships.exists()


def administers(user, organisation):
    """An organisation's administrator: a chef de projet (or administrator) membership of it."""
    return Membership.objects.filter(user=user, organisation=organisation, active=True, role__in=(CHEF, ADMIN)).exists()


def clean_scopes(actor, scopes, organisation=None):
    """{module: level} with only known modules and levels; a write scope beyond the actor's rights is refused."""
    cleaned = {}
    for module, level in (scopes or {}).items():
        if not level:
            continue
        if module not in API_MODULES or level not in API_MODULES[module][1]:
            raise TokenError(f"Portée inconnue : {module} = {level}.")
        if level == WRITE and not may_write(actor, organisation):
            raise TokenError(
                f"Vous ne pouvez pas demander l'écriture sur « {API_MODULES[module][0]} » : votre rôle "
                + ("dans cette organisation " if organisation else "")
                + "ne permet pas d'y contribuer."
            )
        cleaned[module] = level
    return cleaned


def full_scopes(user):
    """Every scope the user may hold (what a token created without a choice gets)."""
    writer = may_write(user)
    return {module: (WRITE if writer and WRITE in levels else READ) for module, (_l, levels) in API_MODULES.items()}


@transaction.atomic
def create(actor, label, scopes=None, organisation=None):
    """A new token; returns (token, clear key). The key is never stored nor shown again."""
    label = (label or "").strip()
    if not label:
        raise TokenError("Donnez un libellé au jeton (par exemple : « tableur de suivi »).")
    if organisation is not None and not administers(actor, organisation):
        raise TokenError(f"Seul un chef de projet de « {organisation} » crée un jeton de service pour elle.")
    cleaned = full_scopes(actor) if scopes is None else clean_scopes(actor, scopes, organisation)
    key = "qt_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor, organisation=organisation, label=label, key_hash=digest(key), prefix=key[:8], scopes=cleaned
    )
    action = "jeton de service créé" if organisation else "jeton d'API créé"
    audit.record(actor, action, token, {"libellé": label, "portées": cleaned})
    return token, key


def may_revoke(actor, token):
    if token.user_id == actor.pk or is_admin(actor):
        return True
    return token.organisation_id is not None and administers(actor, token.organisation)


@transaction.atomic
def revoke(actor, token):
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor, "jeton d'API révoqué", token, {"libellé": token.label})


def _module_of(request):
    parts = request.path.split("/")
    if len(parts) > 2 and parts[1] == "api":
        return PATH_MODULES.get(parts[2])
    if len(parts) > 1 and parts[1] == "open311":
        return "gup"
    return None


def acting_user(token):
    """The user a token acts as: its holder, or for a service token a copy restricted to the organisation."""
    user = token.user
    user.api_token = token
    if token.is_service:
        user.is_superuser = False  # in memory only: a service token is never the platform's administrator
        user._quartiers_memberships = list(
            token.user.memberships.filter(active=True, organisation_id=token.organisation_id)
            .exclude(role=ADMIN)
            .values_list("role", "scope_level", "scope_code", "organisation_id")
        )
    return user


def find(key):
    """The active token of `key` (None if unknown, revoked or of a deactivated account); counted as used."""
    token = ApiToken.objects.active().select_related("user", "organisation").filter(key_hash=digest(key)).first()
    if token is not None:
        now = timezone.now()
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, use_count=F("use_count") + 1)
        token.last_used_at = now
        token.use_count += 1
    return token


class AccountsTokenBackend:
    """core.api's token backend (registered in AccountsConfig.ready)."""

    def authenticate(self, key, request):
        token = find(key)
        if token is None:
            return None
        module = _module_of(request)
        if module is not None and not token.allows(module, READ):
            return None
        return acting_user(token)

    def create(self, user, label):
        return create(user, label)[1]
