"""Rules of the contracts: everyone signed in reads them; the chefs de projet of the contract's territory steer
it; an organisation updates its own commitments on that territory (the State's through its délégués du préfet)."""

from quartiers.contracts.models import (
    CONTRACT_SCOPE,
    Amendment,
    Commitment,
    Contract,
    ContractDocument,
    Evidence,
    FundedPost,
    Indicator,
    Measurement,
    Objective,
    Pillar,
    Signatory,
    StatusChange,
)
from quartiers.core.permissions import (
    CHEF,
    DELEGATE,
    OWNER_ROLES,
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

steers = in_scope(CHEF)
declare(
    Contract,
    territory=CONTRACT_SCOPE,
    view=signed_in,
    create=steers,
    change=steers,
    contribute=in_scope(CHEF, PARTNER),
    delete=admins_only,
)

# The contract's structure follows the contract.
for model in (Signatory, Pillar, Amendment, ContractDocument):
    declare_part(model, "contract")
declare_part(Objective, "pillar")

declare(
    Commitment,
    territory=prefixed("contract", CONTRACT_SCOPE),
    owner="organisation",
    owner_roles=OWNER_ROLES | {DELEGATE},
    view=signed_in,
    create=via("contract", "contribute"),
    change=steers | owner_organisation,
    contribute=in_scope(CHEF, PARTNER) | owner_organisation,
    delete=steers,
)
# A commitment's indicators, values, history and evidence: whoever updates the commitment.
for model in (Indicator, StatusChange, Evidence):
    declare_part(model, "commitment")
declare_part(Measurement, "indicator")
# The national count of funded adult-relay posts: reference data imported by administrators.
declare(FundedPost, view=signed_in, create=admins_only, change=admins_only, delete=admins_only)
