from django.core.files.uploadedfile import SimpleUploadedFile

from tests.contracts.helpers import (
    bailleur_commitment,
    first_indicator,
    make_commitment,
    make_contract,
    state_commitment,
)
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


def _prefecture_commitment(w):
    # The world's délégué du préfet belongs to this préfecture (scope: Pas-de-Calais).
    commitment = make_commitment(w, organisation=w.orgs["prefecture"], title="Mobiliser le droit commun de l'État")
    return commitment


def _prefecture(w):
    return [_prefecture_commitment(w).pk]


def _prefecture_indicator(w):
    commitment = _prefecture_commitment(w)
    return [commitment.pk, first_indicator(commitment).pk]


# The State's commitments: the délégué du préfet of its préfecture updates them, besides the chefs.
STATE_OR_CHEF = expect(LOGIN, 403, 403, 403, 302, 302, delegue=302)


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
OWNER_OR_CHEF_FORM = expect(LOGIN, 403, 200, 403, 200, 200)


def _extra_pillar(w):
    from quartiers.contracts.models import Pillar

    contract = make_contract(w)
    pillar = Pillar.objects.create(contract=contract, title="Santé (matrice)", order=5)
    return [contract.pk, "pilier", pillar.pk]


def _first_pillar(w):
    contract = make_contract(w)
    return {"under": f"p{contract.pillars.filter(cross_cutting=False).first().pk}", "title": "Accès aux soins"}


def _document(w):
    from quartiers.contracts import services

    contract = make_contract(w)
    pdf = SimpleUploadedFile("contrat.pdf", b"%PDF-1.4\n%contrat\n")
    return [contract.pk, services.add_document(None, contract, title="Contrat signé", uploaded=pdf).pk]


def _measurement(w):
    import datetime as dt

    from quartiers.contracts import services

    commitment = bailleur_commitment(w)
    indicator = first_indicator(commitment)
    m = services.record_measurement(None, indicator, measured_on=dt.date(2025, 6, 30), value=3)
    return [commitment.pk, indicator.pk, m.pk]


def _contract_info(w):
    make_contract(w)
    return {"signed_on": "01/03/2024", "summary": "Présentation (matrice)", "qpvs": [w.qpv.pk]}


def _document_file(w):
    return {"title": "Contrat signé", "file": SimpleUploadedFile("contrat.pdf", b"%PDF-1.4\n%x\n")}


CASES = [
    Case("api:contracts_api_list", API_MEMBERS),
    Case("api:contracts_api_commitments", API_MEMBERS, args=_bailleur_contract),
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
        "contracts:commitment_status",
        STATE_OR_CHEF,
        args=_prefecture,
        method="post",
        data={"status": "engage"},
        label="POST contracts:commitment_status (engagement de la préfecture du délégué)",
    ),
    Case(
        "contracts:measurement_add",
        STATE_OR_CHEF,
        args=_prefecture_indicator,
        method="post",
        data={"measured_on": "31/12/2025", "value": "4"},
        label="POST contracts:measurement_add (engagement de la préfecture du délégué)",
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
    # Edits after creation: information, strategic tree, documents (chefs of the territory, admins).
    Case("contracts:contract_edit", CHEF_FORM, args=_contract, label="GET contracts:contract_edit"),
    Case("contracts:contract_edit", CHEF_ONLY, args=_contract, method="post", data=_contract_info),
    Case("contracts:structure", CHEF_FORM, args=_contract),
    Case(
        "contracts:pillar_add",
        CHEF_ONLY,
        args=_contract,
        method="post",
        data={"title": "Santé", "cross_cutting": "1"},
    ),
    Case("contracts:objective_add", CHEF_ONLY, args=_contract, method="post", data=_first_pillar),
    Case("contracts:node_rename", CHEF_FORM, args=_extra_pillar, label="GET contracts:node_rename"),
    Case("contracts:node_rename", CHEF_ONLY, args=_extra_pillar, method="post", data={"title": "Santé et sport"}),
    Case("contracts:node_move", CHEF_ONLY, args=_extra_pillar, method="post", data={"direction": "up"}),
    Case("contracts:node_delete", CHEF_FORM, args=_extra_pillar, label="GET contracts:node_delete"),
    Case("contracts:node_delete", CHEF_ONLY, args=_extra_pillar, method="post"),
    Case("contracts:document_add", CHEF_FORM, args=_contract, label="GET contracts:document_add"),
    Case("contracts:document_add", CHEF_ONLY, args=_contract, method="post", data=_document_file),
    Case("contracts:document_download", MEMBERS, args=_document),
    # Corrections: the committed organisation (bailleur partner) or chefs of the territory.
    Case(
        "contracts:measurement_delete", OWNER_OR_CHEF_FORM, args=_measurement, label="GET contracts:measurement_delete"
    ),
    Case(
        "contracts:measurement_delete",
        OWNER_OR_CHEF,
        args=_measurement,
        method="post",
        data={"reason": "Erreur de saisie"},
    ),
    Case("contracts:evidence_delete", OWNER_OR_CHEF_FORM, args=_evidence, label="GET contracts:evidence_delete"),
    Case("contracts:evidence_delete", OWNER_OR_CHEF, args=_evidence, method="post", data={"reason": "Doublon"}),
]

# The typed API's writes (by session here: a form-encoded body is refused as malformed, 400, once signed in;
# the write matrix and tests/contracts/test_api_writes.py send real JSON and tokens).
API_POST = expect(401, 400, 400, 400, 400, 400)
CASES += [
    Case("api:measurement_create", API_POST, args=lambda w: [first_indicator(make_commitment(w)).pk], method="post"),
    Case("api:commitment_status", API_POST, args=lambda w: [make_commitment(w).pk], method="post"),
    Case("api:measurement_batch", API_POST, method="post"),
    Case("api:measurement_file", API_POST, method="post", data={"fichier": ""}),
]
