"""Rules of the mobilisation plan: national measures are reference data; a PAQTE company is updated by the chefs
de projet of its commune's territory and by its own organisation there."""

from quartiers.core.permissions import (
    CHEF,
    OWNER_ROLES,
    PARTNER,
    admins_only,
    can,
    declare,
    in_scope,
    organisation_ids,
    owner_organisation,
    predicate,
    signed_in,
)
from quartiers.mobilisation.models import Company, CompanyMove, Measure

declare(Measure, view=signed_in, create=admins_only, change=admins_only, delete=admins_only)
declare(
    Company,
    territory={
        "commune": "commune_id",
        "epci": "commune__epci_id",
        "departement": "commune__departement_id",
        "region": "commune__departement__region_id",
    },
    owner="organisation",
    view=signed_in,
    create=in_scope(CHEF),
    change=in_scope(CHEF) | owner_organisation,
    contribute=in_scope(CHEF, PARTNER) | owner_organisation,
    delete=admins_only,
)


def _may_move(user, move):
    if not can(user, "change", move.company):
        return False
    if move.commune is None or move.commune.pk == move.company.commune_id:
        return True
    if move.company.organisation_id in organisation_ids(user, OWNER_ROLES):
        return True  # the company's own members say where it is
    # A chef de projet does not move a company out of the territory he answers for.
    return can(user, "change", move.commune)


declare(CompanyMove, change=predicate("qui peut changer l'entreprise et sa nouvelle commune", _may_move))
