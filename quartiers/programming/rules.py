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
    can,
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
from quartiers.programming.models import (
    Application,
    Assessment,
    Attachment,
    BeneficiaryCount,
    BudgetLine,
    Call,
    CallFinancer,
    Carrier,
    Convention,
    Criterion,
    Funding,
    InformationRequest,
    Payment,
    Report,
    ReportIndicator,
    ReportLine,
)
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


# — Instruction, decision, follow-up and bilans (models/instruction.py, followup.py, bilans.py) —
# Who gives a financer's opinion: the members of that financer organisation who act for it (the State's délégués
# du préfet included), besides the call's instructors.
OPINION_ROLES = (CHEF, PARTNER, DELEGATE)


def _steered_calls(user):
    return visible_to(user, Call.objects.all(), "change")


def steers_call_of(path):
    """Whoever steers the call reached through `path` (« application__call », « call »)."""
    return predicate(
        "qui instruit l'appel",
        lambda u, o: can(u, "change", _resolve(o, path)),
        lambda u: Q(**{f"{path}__in": _steered_calls(u)}) if is_signed_in(u) else False,
    )


def _resolve(obj, path):
    for part in path.split("__"):
        obj = getattr(obj, part)
    return obj


funding_financer = predicate(
    "les membres de ce financeur",
    lambda u, o: _member_of(u, o.call_financer.organisation_id, OPINION_ROLES),
    lambda u: Q(call_financer__organisation__in=organisation_ids(u, OPINION_ROLES)) if is_signed_in(u) else False,
)
instructs_dossier = steers_call_of("application__call")


def financer_in_call_of(parent):
    """The members of a financer of the call of `parent` (a dossier)."""
    return predicate(
        "les membres d'un financeur de l'appel",
        lambda u, o: is_signed_in(u) and _financer_of(u, getattr(o, parent).call_id),
        lambda u: Q(**{f"{parent}__call__in": _financed_calls(u)}) if is_signed_in(u) else False,
    )


declare(
    Criterion,
    view=via("call", "view"),
    create=steers_call_of("call"),
    change=steers_call_of("call"),
    delete=steers_call_of("call"),
)
# The grid's scores are the instructors' and the financers' working notes: not shown to the carrier.
declare(
    Assessment,
    view=instructs_dossier | financer_in_call_of("application"),
    create=instructs_dossier,
    change=instructs_dossier,
    delete=instructs_dossier,
)
declare(
    Funding,
    view=via("application", "view"),
    create=instructs_dossier,
    change=instructs_dossier | funding_financer,
    delete=instructs_dossier,
)
declare(
    InformationRequest,
    view=via("application", "view"),
    create=instructs_dossier,
    change=instructs_dossier,
    delete=admins_only,
)
declare(
    Attachment,
    view=via("application", "view"),
    create=via("application", "change"),
    change=via("application", "change"),
    delete=via("application", "change"),
)
declare(
    Convention,
    view=via("funding", "view"),
    create=steers_call_of("funding__application__call"),
    change=steers_call_of("funding__application__call"),
    delete=steers_call_of("funding__application__call"),
)
declare_part(Payment, "convention", view=via("convention", "view"))
# The bilan is written by the carrier (contribute on the dossier) and read by whoever reads the dossier.
declare(
    Report,
    view=via("application", "view"),
    create=via("application", "contribute"),
    change=via("application", "contribute") | instructs_dossier,
    delete=admins_only,
)
declare_part(ReportLine, "report", view=via("report", "view"))
declare_part(BeneficiaryCount, "report", view=via("report", "view"))
declare_part(ReportIndicator, "report", view=via("report", "view"))


# — The instruction and committee pages of a call (p-instruct): its instructors and the members of its financers —
from quartiers.programming.committee import CallInstruction  # noqa: E402  (the policy object lives with the table)

declare(
    CallInstruction,
    view=predicate(
        "qui instruit l'appel ou le finance",
        lambda u, o: can(u, "change", o.call) or (is_signed_in(u) and _financer_of(u, o.call_id)),
    ),
    change=predicate("qui instruit l'appel", lambda u, o: can(u, "change", o.call)),
)
