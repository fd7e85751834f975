"""Write cases of the PAQTE companies (tests/write_matrix.py)."""

from tests.contracts.helpers import make_company
from tests.write_matrix import ELEVATION, OTHER_ORGANISATION, OTHER_TERRITORY, not_applicable, write


def dunkerque_company(w):
    company = make_company(w, name="Entreprise de Dunkerque (test)")
    company.commune = w.dunkerque
    company.save(update_fields=["commune"])
    return company


def _pk(factory):
    return lambda w: [factory(w).pk]


PROFILE = {"sector": "Transport", "headcount": "50 à 99"}

WRITES = [
    write(
        "mobilisation:company_create",
        OTHER_TERRITORY,
        "autre_chef admin",
        data={"name": "Entreprise de la matrice (test)", "commune": "59183", "joined_on": "01/07/2019"},
    ),
    *not_applicable(
        "mobilisation:company_create",
        OTHER_ORGANISATION,
        ELEVATION,
        reason="L'entreprise crée sa propre organisation ; le demandeur n'y est pas rattaché.",
    ),
    write(
        "mobilisation:company_edit",
        OTHER_TERRITORY,
        "autre_chef admin",
        args=_pk(dunkerque_company),
        data={**PROFILE, "commune": "59183"},
    ),
    write(
        "mobilisation:company_edit",
        OTHER_ORGANISATION,
        "chef admin",
        args=_pk(make_company),
        data={**PROFILE, "commune": "62193"},
    ),
    write(
        "mobilisation:company_edit",
        ELEVATION,
        "admin",
        args=_pk(make_company),
        data={**PROFILE, "commune": "59183"},
        label="mobilisation:company_edit [elevation] (entreprise de Calais déplacée à Dunkerque)",
    ),
]
