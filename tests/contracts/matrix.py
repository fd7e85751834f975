from django.core.files.uploadedfile import SimpleUploadedFile

from tests.contracts.helpers import bailleur_commitment, first_indicator, make_contract, state_commitment
from tests.permission_matrix import LOGIN, MEMBERS, Case, expect

# Chefs de projet of the territory and the committed organisation (here the bailleur partner) update.
OWNER_OR_CHEF = expect(LOGIN, 403, 302, 403, 302, 302)
CHEF_ONLY = expect(LOGIN, 403, 403, 403, 302, 302)
CHEF_FORM = expect(LOGIN, 403, 403, 403, 200, 200)


def _contract(w):
    return [make_contract(w).pk]


def _bailleur(w):
    return [bailleur_commitment(w).pk]


def _bailleur_contract(w):
    return [bailleur_commitment(w).contract_id]


def _state(w):
    return [state_commitment(w).pk]


def _indicator(w):
    commitment = bailleur_commitment(w)
    return [commitment.pk, first_indicator(commitment).pk]


def _evidence(w):
    from quartiers.contracts import services

    commitment = bailleur_commitment(w)
    pdf = SimpleUploadedFile("bilan.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    evidence = services.add_evidence(None, commitment, title="Bilan", uploaded=pdf)
    return [commitment.pk, evidence.pk]


def _new_commitment(w):
    make_contract(w)
    return {
        "kind": "signataire",
        "organisation": w.orgs["agglo"].pk,
        "title": "Ouvrir un guichet emploi",
        "indicator_label": "Personnes reçues",
        "indicator_unit": "personnes",
        "indicator_target": "100",
    }


def _pdf_file(w):
    return {"title": "Compte rendu", "file": SimpleUploadedFile("cr.pdf", b"%PDF-1.4\n%x\n")}


API_MEMBERS = expect(401, 200, 200, 200, 200, 200)

CASES = [
    Case("contracts_api_list", API_MEMBERS),
    Case("contracts_api_commitments", API_MEMBERS, args=_bailleur_contract),
    Case("contracts:index", MEMBERS),
    Case("contracts:export", MEMBERS, query="?format=csv"),
    Case("contracts:contract_create", expect(LOGIN, 403, 403, 200, 200, 200), label="GET contracts:contract_create"),
    Case(
        "contracts:contract_create", CHEF_ONLY, method="post", data={"generation": "2024-2030", "reference": "CN06207M"}
    ),
    Case("contracts:detail", MEMBERS, args=_contract),
    Case("contracts:matrix", MEMBERS, args=_contract),
    Case("contracts:commitments_export", MEMBERS, args=_contract, query="?format=xlsx"),
    Case("contracts:pdf", MEMBERS, args=_contract),
    Case("contracts:commitment_create", CHEF_FORM, args=_contract, label="GET contracts:commitment_create"),
    Case("contracts:commitment_create", CHEF_ONLY, args=_contract, method="post", data=_new_commitment),
    Case("contracts:amendment_create", CHEF_FORM, args=_contract, label="GET contracts:amendment_create"),
    Case(
        "contracts:amendment_create",
        CHEF_ONLY,
        args=_contract,
        method="post",
        data={"kind": "perr_2019", "title": "PERR", "signed_on": "12/12/2019"},
    ),
    Case("contracts:signatory_add", CHEF_FORM, args=_contract, label="GET contracts:signatory_add"),
    Case(
        "contracts:signatory_add",
        CHEF_ONLY,
        args=_contract,
        method="post",
        data=lambda w: {"organisation": w.orgs["bailleur"].pk, "signed_on": "01/03/2024"},
    ),
    Case("contracts:commitment_detail", MEMBERS, args=_bailleur),
    Case(
        "contracts:commitment_status",
        OWNER_OR_CHEF,
        args=_bailleur,
        method="post",
        data={"status": "engage", "comment": "Démarré"},
    ),
    Case(
        "contracts:commitment_status",
        CHEF_ONLY,
        args=_state,
        method="post",
        data={"status": "engage"},
        label="POST contracts:commitment_status (engagement de l'État)",
    ),
    Case(
        "contracts:indicator_add",
        OWNER_OR_CHEF,
        args=_bailleur,
        method="post",
        data={"indicator_label": "Heures", "indicator_unit": "heures", "indicator_target": "500"},
    ),
    Case(
        "contracts:measurement_add",
        OWNER_OR_CHEF,
        args=_indicator,
        method="post",
        data={"measured_on": "31/12/2025", "value": "4"},
    ),
    Case("contracts:evidence_add", OWNER_OR_CHEF, args=_bailleur, method="post", data=_pdf_file),
    Case("contracts:evidence_download", MEMBERS, args=_evidence),
]
