"""Rules of the programming: a call is read by everyone signed in and steered by the chefs de projet of its
contract's territory; an application is seen by its carrier's members (only their own), by those who steer the
call (they instruct it) and by the members of a financer organisation taking part in the call; nobody else."""

from django.db.models import Q

from quartiers.contracts.hooks import CONTRACT_SCOPE
from quartiers.core.permissions import (
    ADMIN,
    ANIMATOR,
    CHEF,
    DELEGATE,
    PARTNER,
    READER,
    admins_only,
    declare,
    declare_part,
    holds,
    in_scope,
    is_signed_in,
    organisation_ids,
    predicate,
    prefixed,
    signed_in,
    via,
    visible_to,
)
from quartiers.programming.models import Application, BudgetLine, Call, CallFinancer, Carrier
from quartiers.programming.workflow import Status

# A carrier acts through the accounts of its organisation: its partner accounts (and a commune's or an EPCI's own
# chefs de projet when the structure is theirs), whatever their territory — the structure is not territorial.
CARRIER_ROLES = (PARTNER, CHEF)
# A financer organisation reads through any of its memberships (the State's délégués du préfet included).
FINANCER_ROLES = (ADMIN, CHEF, PARTNER, READER, DELEGATE, ANIMATOR)


def _member_of(user, organisation_id, roles):
    return is_signed_in(user) and organisation_id in organisation_ids(user, roles)


carrier_member = predicate(
    "les membres de la structure porteuse",
    lambda u, o: _member_of(u, o.carrier.organisation_id, CARRIER_ROLES),
    lambda u: Q(carrier__organisation__in=organisation_ids(u, CARRIER_ROLES)) if is_signed_in(u) else False,
)
member_of_carrier = predicate(
    "les membres de la structure",
    lambda u, o: _member_of(u, o.organisation_id, CARRIER_ROLES),
    lambda u: Q(organisation__in=organisation_ids(u, CARRIER_ROLES)) if is_signed_in(u) else False,
)


def _financed_calls(user):
    return CallFinancer.objects.filter(organisation__in=organisation_ids(user, FINANCER_ROLES)).values("call")


def _financer_of(user, call_id):
    return _financed_calls(user).filter(call_id=call_id).exists()


financer_in_call = predicate(
    "les membres d'un financeur de l'appel",
    lambda u, o: is_signed_in(u) and _financer_of(u, o.call_id),
    lambda u: Q(call__in=_financed_calls(u)) if is_signed_in(u) else False,
)


def _carriers_seen(user):
    return Q(pk__in=visible_to(user, Application.objects.all()).values("carrier"))


def _carriers_instructed(user):
    steered_calls = visible_to(user, Call.objects.all(), "change")
    return Q(pk__in=Application.objects.filter(call__in=steered_calls).values("carrier"))


carrier_with_visible_application = predicate(
    "qui peut voir l'un de ses dossiers",
    lambda u, o: Carrier.objects.filter(pk=o.pk).filter(_carriers_seen(u)).exists(),
    _carriers_seen,
)
carrier_with_steered_application = predicate(
    "qui instruit l'un de ses dossiers",
    lambda u, o: Carrier.objects.filter(pk=o.pk).filter(_carriers_instructed(u)).exists(),
    _carriers_instructed,
)
draft = predicate("à l'état de brouillon", lambda u, o: o.status == Status.DRAFT, lambda u: Q(status=Status.DRAFT))

steers = in_scope(CHEF)
instructs = via("call", "change")

declare(
    Call,
    territory=prefixed("contract", CONTRACT_SCOPE),
    view=signed_in,
    create=steers,
    change=steers,
    delete=steers,
)
# A call's financers and a dossier's budget lines are parts of them, read by whoever reads the parent.
declare_part(CallFinancer, "call", view=via("call", "view"))
declare(
    Carrier,
    view=member_of_carrier | holds(CHEF) | carrier_with_visible_application,
    create=holds(CHEF, PARTNER),
    change=member_of_carrier | carrier_with_steered_application,
    delete=admins_only,
)
declare(
    Application,
    view=carrier_member | instructs | financer_in_call,
    create=carrier_member,
    change=carrier_member | instructs,
    contribute=carrier_member,
    delete=carrier_member & draft,
)
declare_part(BudgetLine, "application", view=via("application", "view"))
