"""Rules of the GUP: reports, walks and TFPB agreements are read by everyone signed in; the chefs de projet and
partners of the territory file reports and capture walks; the chefs de projet steer, and a report's manager (or an
agreement's landlord) updates it through its memberships on that territory."""

from quartiers.core.permissions import (
    CHEF,
    PARTNER,
    admins_only,
    declare,
    declare_part,
    holds,
    in_scope,
    own,
    owner_organisation,
    signed_in,
    via,
)
from quartiers.gup.models import (
    Comment,
    Coordination,
    Follower,
    ManagerArea,
    Photo,
    Report,
    ReportStat,
    StatusChange,
    TfpbAction,
    TfpbAgreement,
    Walk,
)

BY_COMMUNE = {"commune": "commune_id", "epci": "commune__epci_id", "departement": "commune__departement_id"}
steers = in_scope(CHEF)
contributes = in_scope(CHEF, PARTNER)

declare(
    Coordination,
    territory={"epci": "epci_id", "commune": "commune_id"},
    view=signed_in,
    create=steers,
    change=steers,
    contribute=contributes,
    delete=steers,
)
declare(
    ManagerArea,
    territory=BY_COMMUNE,
    view=signed_in,
    create=steers,
    change=steers,
    contribute=contributes,
    delete=steers,
)
declare(
    Walk,
    territory=BY_COMMUNE,
    view=signed_in,
    create=holds(CHEF, PARTNER),
    change=steers,
    contribute=contributes,
    delete=admins_only,
)
declare(
    Report,
    territory={
        "commune": "commune_id",
        "epci": "epci_id",
        "departement": "departement_id",
        "region": "departement__region_id",
    },
    owner="manager",
    view=signed_in,
    create=holds(CHEF, PARTNER),
    change=steers | owner_organisation,
    contribute=contributes | owner_organisation,
    delete=admins_only,
)
# A report's photos, history and comments follow the report; following it is one's own business.
declare(Photo, view=signed_in, create=via("report", "contribute"), change=admins_only, delete=admins_only)
declare(StatusChange, view=signed_in, create=via("report", "change"), change=admins_only, delete=admins_only)
declare(Comment, view=signed_in, create=via("report", "contribute"), change=admins_only, delete=admins_only)
declare(Follower, view=own("user"), create=signed_in, change=admins_only, delete=own("user"))
# Statistics recomputed by a service from the reports.
declare(ReportStat, view=signed_in, create=admins_only, change=admins_only, delete=admins_only)

declare(
    TfpbAgreement,
    territory={"commune": "commune_id", "epci": "qpv__epci_id", "departement": "qpv__departement_id"},
    owner="bailleur",
    view=signed_in,
    create=steers,
    change=steers | owner_organisation,
    contribute=contributes | owner_organisation,
    delete=admins_only,
)
declare_part(TfpbAction, "agreement")
