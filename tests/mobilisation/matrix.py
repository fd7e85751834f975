from tests.contracts.helpers import make_company, make_contract, measures
from tests.permission_matrix import MEMBERS, Case


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
]
