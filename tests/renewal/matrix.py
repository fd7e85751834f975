from tests.permission_matrix import LOGIN, MEMBERS, Case, expect
from tests.renewal.helpers import first_milestone, first_operation, make_project

STEER = expect(LOGIN, 403, 403, 403, 200, 200)  # chef de projet of the territory, admin
OWNER = expect(LOGIN, 403, 200, 403, 200, 200)  # + the maître d'ouvrage (the partner's landlord)
STEER_POST = expect(LOGIN, 403, 403, 403, 302, 302)
OWNER_POST = expect(LOGIN, 403, 302, 403, 302, 302)


def _project(w):
    return [make_project(w).pk]


def _operation(w):
    return [first_operation(w).pk]


def _milestone(w):
    return [first_milestone(w).pk]


CASES = [
    Case("renewal:index", MEMBERS),
    Case("renewal:index", MEMBERS, query="?format=csv", label="GET renewal:index CSV"),
    Case("renewal:project_create", expect(LOGIN, 403, 403, 200, 200, 200)),
    Case(
        "renewal:project_create",
        expect(LOGIN, 403, 403, 200, 302, 302),
        method="post",
        label="POST renewal:project_create",
        data=lambda w: {"name": "Nouveau", "qpv": w.qpv.pk, "interest": "regional", "owner": w.orgs["agglo"].pk},
    ),
    Case("renewal:project_detail", MEMBERS, args=_project),
    Case("renewal:project_edit", STEER, args=_project),
    Case("renewal:project_gantt", MEMBERS, args=_project),
    Case("renewal:project_operations_export", MEMBERS, args=_project, query="?format=xlsx"),
    Case("renewal:operation_create", STEER, args=_project),
    Case("renewal:rehousing_add", STEER, args=_project),
    Case(
        "renewal:rehousing_add",
        STEER_POST,
        args=_project,
        method="post",
        label="POST renewal:rehousing_add",
        data={
            "as_of": "2026-09-30",
            "to_rehouse": 10,
            "rehoused": 5,
            "in_qpv": 2,
            "out_qpv": 3,
            "new_housing": 1,
            "older_housing": 4,
        },
    ),
    Case("renewal:insertion_add", STEER, args=_project),
    Case("renewal:operation_detail", MEMBERS, args=_operation),
    Case("renewal:operation_edit", OWNER, args=_operation),
    Case(
        "renewal:operation_edit",
        OWNER_POST,
        args=_operation,
        method="post",
        label="POST renewal:operation_edit",
        data=lambda w: {
            "status": "livree",
            "progress": 100,
            "housing_units": 100,
            "cost": "3000000",
            "family": "demolition",
            "title": "Démolition test",
            "maitre_ouvrage": w.orgs["bailleur"].pk,
        },
    ),
    Case("renewal:milestone_add", OWNER, args=_operation),
    Case("renewal:funding_add", OWNER, args=_operation),
    Case("renewal:milestone_edit", OWNER, args=_milestone),
]
