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
    declare(
        model,
        view=signed_in,
        create=via("contract", "change"),
        change=via("contract", "change"),
        delete=via("contract", "change"),
    )
declare(
    Objective,
    view=signed_in,
    create=via("pillar", "change"),
    change=via("pillar", "change"),
    delete=via("pillar", "change"),
)

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
    declare(
        model,
        view=signed_in,
        create=via("commitment", "change"),
        change=via("commitment", "change"),
        delete=via("commitment", "change"),
    )
declare(
    Measurement,
    view=signed_in,
    create=via("indicator", "change"),
    change=via("indicator", "change"),
    delete=via("indicator", "change"),
)
# The national count of funded adult-relay posts: reference data imported by administrators.
declare(FundedPost, view=signed_in, create=admins_only, change=admins_only, delete=admins_only)
