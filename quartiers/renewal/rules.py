"""Rules of urban renewal (NPNRU): projects are steered by the chefs de projet of their QPV's territory; an
operation is also updated by its maître d'ouvrage (a landlord…) through its memberships on that territory."""

from quartiers.core.permissions import (
    CHEF,
    PARTNER,
    admins_only,
    declare,
    declare_part,
    in_scope,
    owner_organisation,
    prefixed,
    signed_in,
    via,
)
from quartiers.renewal.models import (
    QPV_SCOPE_PATHS,
    FundingLine,
    InsertionSnapshot,
    Milestone,
    Operation,
    Project,
    RehousingSnapshot,
    Stage,
)

declare(
    Project,
    territory=QPV_SCOPE_PATHS,
    view=signed_in,
    create=in_scope(CHEF),
    change=in_scope(CHEF),
    contribute=in_scope(CHEF, PARTNER),
    delete=admins_only,
)
for model in (Stage, RehousingSnapshot, InsertionSnapshot):
    declare_part(model, "project")

declare(
    Operation,
    territory=prefixed("project", QPV_SCOPE_PATHS),
    owner="maitre_ouvrage",
    view=signed_in,
    create=via("project", "change"),
    change=in_scope(CHEF) | owner_organisation,
    contribute=in_scope(CHEF, PARTNER) | owner_organisation,
    delete=via("project", "change"),
)
for model in (FundingLine, Milestone):
    declare(
        model,
        view=signed_in,
        create=via("operation", "change"),
        change=via("operation", "change"),
        delete=via("operation", "change"),
    )
