"""Rules of the official geography: public reference data, imported by administrators. A chef de projet
« changes » a territory his scope covers (he places objects there); a partner contributes there."""

from quartiers.core.permissions import CHEF, PARTNER, admins_only, anyone, declare, in_scope, signed_in
from quartiers.territories.models import (
    EPCI,
    QPV,
    Commune,
    ContratDeVille,
    Departement,
    IndicatorDefinition,
    IndicatorValue,
    Label,
    ReferenceLoad,
    ReferenceVersion,
    Region,
)

TERRITORY_PATHS = {
    EPCI: {"epci": "siren", "departement": "communes__departement_id", "region": "communes__departement__region_id"},
    Commune: {
        "commune": "insee",
        "epci": "epci_id",
        "departement": "departement_id",
        "region": "departement__region_id",
    },
    QPV: {
        "commune": "communes__insee",
        "epci": "epci_id",
        "departement": "departement_id",
        "region": "departement__region_id",
    },
    ContratDeVille: {
        "commune": "commune_id",
        "epci": "epci_id",
        "departement": "departement_id",
        "region": "departement__region_id",
    },
    Region: {},
    Departement: {},
}

for model, paths in TERRITORY_PATHS.items():
    declare(
        model,
        territory=paths,
        view=anyone,
        create=admins_only,
        change=in_scope(CHEF),
        contribute=in_scope(CHEF, PARTNER),
        delete=admins_only,
    )

for model in (IndicatorDefinition, IndicatorValue, Label):
    declare(model, view=anyone, create=admins_only, change=admins_only, delete=admins_only)

# The log of reference imports.
declare(ReferenceLoad, view=signed_in, create=admins_only, change=admins_only, delete=admins_only)
# The cache token of the reference data: an internal row bumped by the imports (territories.refcache).
declare(ReferenceVersion, view=admins_only, create=admins_only, change=admins_only, delete=admins_only)
