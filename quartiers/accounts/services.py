"""Every change to accounts goes through here: one transaction each, each written to the audit trail."""

import logging
import smtplib

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from quartiers.accounts import api_tokens, grants
from quartiers.accounts.models import LoginAttempt, Membership, Organisation, PendingMembership, User
from quartiers.accounts.scopes import Scope
from quartiers.accounts.tokens import INVITATION_DAYS, invitation_token
from quartiers.core import audit
from quartiers.core.permissions import ADMIN, can, is_admin

log = logging.getLogger(__name__)


class ServiceError(Exception):
    """A refusal to show to the user as is (French)."""


PENDING_SALT = "quartiers.accounts.pending-membership"


def may_invite(actor, role, scope_level, scope_code):
    """Administrators invite anyone anywhere; a chef de projet invites non-administrators within his territory."""
    if is_admin(actor):
        return True
    return role != ADMIN and can(actor, "change", Scope(scope_level, scope_code))


def check_invitation(actor, email, organisation, role, scope_level, scope_code):
    """Raise a French ServiceError unless `actor` may grant this membership (see accounts.grants)."""
    if email == actor.email.lower():
        raise ServiceError("Vous ne pouvez pas vous inviter vous-même : demandez ce rattachement à un administrateur.")
    if is_admin(actor):
        return
    if role not in dict(grants.grantable_roles(actor)):
        raise ServiceError("Vous ne pouvez pas attribuer ce rôle : il dépasse le vôtre.")
    if not may_invite(actor, role, scope_level, scope_code):
        raise ServiceError("Vous ne pouvez inviter qu'à un rôle et sur un territoire que vous animez.")
    if not grants.grantable_organisations(actor).filter(pk=organisation.pk).exists():
        raise ServiceError(
            f"Vous ne pouvez pas inviter au nom de « {organisation} » : choisissez votre organisation "
            "ou une organisation de votre territoire."
        )


def pending_link(pending, base_url):
    token = signing.TimestampSigner(salt=PENDING_SALT).sign(str(pending.pk))
    return base_url.rstrip("/") + reverse("accounts:membership_accept", args=[token])


def pending_from_token(token):
    """The waiting proposal behind a signed link, or None (forged, expired or already accepted)."""
    try:
        pk = signing.TimestampSigner(salt=PENDING_SALT).unsign(token, max_age=INVITATION_DAYS * 24 * 3600)
    except signing.BadSignature:
        return None
    return PendingMembership.objects.waiting().select_related("organisation", "invited_by").filter(pk=pk).first()


def invitation_link(user, base_url):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("accounts:invitation_accept", args=[uid, invitation_token.make_token(user)])
    return base_url.rstrip("/") + path


def _send_invitation(user, actor, membership, base_url):
    # Runs after commit: a mail server that is down must not turn a saved invitation into an error
    # page. The account and its audit line exist; « Renvoyer l'invitation » retries.
    try:
        _deliver_invitation(user, actor, membership, base_url)
    except (OSError, smtplib.SMTPException):
        log.exception("invitation e-mail to %s failed", user.email)


def _deliver_invitation(user, actor, membership, base_url):
    pending = isinstance(membership, PendingMembership)
    context = {
        "user": user,
        "actor": actor,
        "membership": membership,
        "link": invitation_link(user, base_url) if not user.has_usable_password() and not pending else None,
        "accept_link": pending_link(membership, base_url) if pending else None,
        "login_url": base_url.rstrip("/") + reverse("accounts:login"),
        "days": INVITATION_DAYS,
    }
    subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
    body = render_to_string("accounts/email/invitation.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def _membership_changes(membership):
    return {
        "organisation": str(membership.organisation),
        "rôle": membership.get_role_display(),
        "territoire": f"{membership.get_scope_level_display()} {membership.scope_code}",
    }


@transaction.atomic
def invite(
    actor, *, email, organisation, role, scope_level, scope_code, base_url, first_name="", last_name="", function=""
):
    """Create the account (no password yet) and its membership, and e-mail a link to set the password.

    An existing account is never changed by someone else's invitation: it receives a proposed
    membership (`PendingMembership`) and a signed link; its rights change only when its holder,
    signed in, accepts it (`accept_membership`).
    """
    email = email.strip().lower()
    check_invitation(actor, email, organisation, role, scope_level, scope_code)
    user = User.objects.select_for_update().filter(email=email).first()
    if user is not None and not user.is_active:
        raise ServiceError(f"Le compte {email} est désactivé : un administrateur doit d'abord le réactiver.")
    if user is not None:
        pending = _propose(actor, user, organisation, role, scope_level, scope_code, function)
        audit.record(actor, "rattachement proposé", user, _membership_changes(pending))
        transaction.on_commit(lambda: _send_invitation(user, actor, pending, base_url))
        return user
    user = User(email=email, first_name=first_name.strip(), last_name=last_name.strip())
    user.set_unusable_password()
    user.save()
    membership = _attach(user, organisation, role, scope_level, scope_code, function)
    audit.record(actor, "invitation envoyée", user, {"nouveau compte": True, **_membership_changes(membership)})
    transaction.on_commit(lambda: _send_invitation(user, actor, membership, base_url))
    return user


def _propose(actor, user, organisation, role, scope_level, scope_code, function):
    key = {"organisation": organisation, "role": role, "scope_level": scope_level, "scope_code": scope_code}
    if user.memberships.filter(active=True, **key).exists():
        raise ServiceError("Cette personne a déjà ce rôle, pour cette organisation, sur ce territoire.")
    if user.pending_memberships.waiting().filter(**key).exists():
        raise ServiceError("Ce rattachement lui est déjà proposé : il attend son acceptation.")
    return PendingMembership.objects.create(user=user, invited_by=actor, function=function, **key)


@transaction.atomic
def accept_membership(user, pending):
    """The invited person, signed in, accepts a proposed membership: only now do its rights change."""
    pending = PendingMembership.objects.select_for_update().get(pk=pending.pk)
    if pending.user_id != user.pk:
        raise ServiceError("Ce rattachement est proposé à un autre compte.")
    if pending.accepted_at is not None:
        raise ServiceError("Ce rattachement a déjà été accepté.")
    membership = _attach(
        user, pending.organisation, pending.role, pending.scope_level, pending.scope_code, pending.function
    )
    pending.accepted_at = timezone.now()
    pending.save(update_fields=["accepted_at"])
    audit.record(user, "rattachement accepté", user, _membership_changes(membership))
    return membership


@transaction.atomic
def resend_invitation(actor, user, base_url):
    if user.has_usable_password():
        raise ServiceError("Ce compte a déjà choisi son mot de passe : il peut utiliser « Mot de passe oublié ».")
    membership = user.memberships.filter(active=True).select_related("organisation").first()
    audit.record(actor, "invitation renvoyée", user)
    transaction.on_commit(lambda: _send_invitation(user, actor, membership, base_url))


def _attach(user, organisation, role, scope_level, scope_code, function):
    membership, created = Membership.objects.get_or_create(
        user=user,
        organisation=organisation,
        role=role,
        scope_level=scope_level,
        scope_code=scope_code,
        defaults={"function": function},
    )
    if not created:
        if membership.active:
            raise ServiceError("Cette personne a déjà ce rôle, pour cette organisation, sur ce territoire.")
        membership.active = True
        membership.function = function or membership.function
        membership.save(update_fields=["active", "function"])
    return membership


@transaction.atomic
def accept_invitation(user, password):
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(user, "invitation acceptée", user)
    return user


@transaction.atomic
def set_password(user, password, action="mot de passe réinitialisé"):
    user.set_password(password)
    user.save(update_fields=["password"])
    # A new password lifts the login throttle for that address (the message suggests a reset).
    LoginAttempt.objects.filter(email=user.email).delete()
    audit.record(user, action, user)
    return user


@transaction.atomic
def add_membership(actor, user, *, organisation, role, scope_level, scope_code, function=""):
    membership = _attach(user, organisation, role, scope_level, scope_code, function)
    audit.record(actor, "rattachement ajouté", user, _membership_changes(membership))
    return membership


@transaction.atomic
def deactivate_membership(actor, membership):
    if not membership.active:
        raise ServiceError("Ce rattachement est déjà désactivé.")
    membership.active = False
    membership.save(update_fields=["active"])
    audit.record(actor, "rattachement désactivé", membership.user, _membership_changes(membership))


@transaction.atomic
def set_user_active(actor, user, active):
    if user.pk == actor.pk:
        raise ServiceError("Vous ne pouvez pas désactiver votre propre compte.")
    if user.is_active == active:
        raise ServiceError("Ce compte est déjà " + ("actif." if active else "désactivé."))
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit.record(actor, "compte réactivé" if active else "compte désactivé", user)


def _apply(obj, data):
    """Set fields from `data`; returns {field label: [old, new]} for what changed."""
    changes = {}
    for name, value in data.items():
        old = getattr(obj, name)
        if old != value:
            changes[str(obj._meta.get_field(name).verbose_name)] = [str(old), str(value)]
            setattr(obj, name, value)
    return changes


@transaction.atomic
def create_organisation(actor, data):
    organisation = Organisation.objects.create(**data)
    audit.record(actor, "organisation créée", organisation, {k: str(v) for k, v in data.items()})
    return organisation


@transaction.atomic
def update_organisation(actor, organisation, data):
    changes = _apply(organisation, data)
    if changes:
        organisation.save()
        audit.record(actor, "organisation modifiée", organisation, changes)
    return changes


@transaction.atomic
def update_profile(actor, user, data):
    changes = _apply(user, data)
    if changes:
        user.save(update_fields=list(data))
        audit.record(actor, "profil modifié", user, changes)
    return changes


def create_api_token(actor, label, scopes=None, organisation=None):
    """Returns the clear key, shown once (see accounts.api_tokens)."""
    try:
        return api_tokens.create(actor, label, scopes, organisation)[1]
    except api_tokens.TokenError as exc:
        raise ServiceError(str(exc)) from exc


def revoke_api_token(actor, token):
    if not api_tokens.may_revoke(actor, token):
        raise ServiceError("Ce jeton n'est pas le vôtre.")
    api_tokens.revoke(actor, token)
