from tests.contracts.helpers import make_company, make_contract, measures
from tests.permission_matrix import LOGIN, MEMBERS, Case, expect


def _measure(w):
    return [measures()["emplois-francs"].code]


def _company(w):
    return [make_company(w).pk]


def _consolidation(w):
    make_contract(w)
    measures()
    return []


CASES = [
    Case("mobilisation:index", MEMBERS),
    Case("mobilisation:measure_detail", MEMBERS, args=_measure),
    Case("mobilisation:consolidation", MEMBERS, args=_consolidation),
    Case(
        "mobilisation:consolidation",
        MEMBERS,
        args=_consolidation,
        query="?region=32&format=xlsx",
        label="GET mobilisation:consolidation (XLSX)",
    ),
    Case("mobilisation:companies", MEMBERS),
    Case("mobilisation:company_detail", MEMBERS, args=_company),
    Case(
        "mobilisation:company_create", expect(LOGIN, 403, 403, 200, 200, 200), label="GET mobilisation:company_create"
    ),
    Case(
        "mobilisation:company_create",
        expect(LOGIN, 403, 403, 403, 302, 302),
        method="post",
        data={"name": "Entreprise de la matrice (test)", "commune": "62193", "joined_on": "01/07/2019"},
    ),
    # The company's own members (none of the six users here) or chefs de projet of its commune.
    Case(
        "mobilisation:company_edit",
        expect(LOGIN, 403, 403, 403, 200, 200),
        args=_company,
        label="GET mobilisation:company_edit",
    ),
    Case(
        "mobilisation:company_edit",
        expect(LOGIN, 403, 403, 403, 302, 302),
        args=_company,
        method="post",
        data={"commune": "62193", "sector": "Transport", "headcount": "50 à 99"},
    ),
]
