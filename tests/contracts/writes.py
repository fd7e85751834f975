"""Write cases of contracts (tests/write_matrix.py): Calais, Dunkerque, the bailleur and an association."""

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from quartiers.accounts.models import Organisation
from quartiers.contracts import services
from quartiers.contracts.models import Contract, Pillar
from tests.contracts.helpers import first_indicator, make_commitment, make_contract
from tests.write_matrix import (
    ELEVATION,
    OTHER_ORGANISATION,
    OTHER_TERRITORY,
    not_applicable,
    write,
)

CHEFS_HERE = "chef admin"
CHEFS_THERE = "autre_chef admin"
NO_RIGHTS_FIELD = "Le formulaire ne porte ni organisation, ni territoire, ni rôle : rien qui élève des droits."


def dunkerque_contract(w):
    contract, created = Contract.objects.get_or_create(
        epci=w.dunkerque_cu,
        defaults={
            "generation": Contract.Generation.G2015,
            "name": "Contrat de ville de Dunkerque (test)",
            "departement": w.nord,
            "local_pilot": w.orgs["cud"],
        },
    )
    if created:
        contract.qpvs.add(w.qpv_dunkerque)
        Pillar.objects.create(contract=contract, title="Cadre de vie", order=1)
    return contract


def _indicator():
    return {"label": "Recrutements", "unit": "personnes", "baseline": Decimal(0), "target": Decimal(10)}


def _dunkerque_commitment_of(w, org_key, title):
    contract = dunkerque_contract(w)
    return services.create_commitment(
        None,
        contract,
        indicator=_indicator(),
        kind="signataire",
        organisation=w.orgs[org_key],
        title=title,
        pillar=contract.pillars.first(),
    )


def dunkerque_commitment(w):
    return _dunkerque_commitment_of(w, "cud", "Ouvrir une maison de l'emploi")


def bailleur_dunkerque_commitment(w):
    """The bailleur works in both territories: his Calais partner account must not change Dunkerque's."""
    return _dunkerque_commitment_of(w, "bailleur", "Réhabiliter la résidence Soubise")


def association_commitment(w):
    """A commitment of another organisation of the same territory (not the bailleur's)."""
    asso, _ = Organisation.objects.get_or_create(
        name="Association de quartier (test)", defaults={"kind": "association"}
    )
    return make_commitment(w, organisation=asso, title="Accompagner les jeunes vers l'emploi")


COMMITMENTS = {
    OTHER_TERRITORY: (dunkerque_commitment, CHEFS_THERE),
    OTHER_ORGANISATION: (association_commitment, CHEFS_HERE),
}
CONTRACTS = {OTHER_TERRITORY: (dunkerque_contract, CHEFS_THERE), OTHER_ORGANISATION: (make_contract, CHEFS_HERE)}


def _pk(factory):
    return lambda w: [factory(w).pk]


def _indicator_of(factory):
    def args(w):
        commitment = factory(w)
        return [commitment.pk, first_indicator(commitment).pk]

    return args


def _measurement_of(factory):
    def args(w):
        commitment = factory(w)
        indicator = first_indicator(commitment)
        m = services.record_measurement(None, indicator, measured_on=dt.date(2025, 6, 30), value=3)
        return [commitment.pk, indicator.pk, m.pk]

    return args


def _evidence_of(factory):
    def args(w):
        commitment = factory(w)
        pdf = SimpleUploadedFile("bilan.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
        return [commitment.pk, services.add_evidence(None, commitment, title="Bilan", uploaded=pdf).pk]

    return args


def _pillar_of(factory):
    def args(w):
        contract = factory(w)
        pillar = Pillar.objects.create(contract=contract, title="Santé (matrice)", order=5)
        return [contract.pk, "pilier", pillar.pk]

    return args


def _objective_data(factory):
    def data(w):
        return {"under": f"p{factory(w).pillars.first().pk}", "title": "Accès aux soins"}

    return data


def _pdf(w):
    return {"title": "Bilan 2025", "file": SimpleUploadedFile("cr.pdf", b"%PDF-1.4\n%x\n")}


def _new_commitment_of(org_key):
    return lambda w: {
        "kind": "signataire",
        "organisation": w.orgs[org_key].pk,
        "title": "Ouvrir un guichet emploi",
        "indicator_label": "Personnes reçues",
        "indicator_unit": "personnes",
        "indicator_target": "100",
    }


def _caf(w):
    return Organisation.objects.get_or_create(
        name="Caisse d'allocations familiales (test)", defaults={"kind": "autre"}
    )[0]


COMMITMENT_WRITES = [
    ("contracts:commitment_status", {"status": "abandonne", "comment": "Abandon"}, _pk),
    (
        "contracts:indicator_add",
        {"indicator_label": "Heures", "indicator_unit": "heures", "indicator_target": "5"},
        _pk,
    ),
    ("contracts:measurement_add", {"measured_on": "31/12/2025", "value": "4"}, _indicator_of),
    ("contracts:evidence_add", _pdf, _pk),
    ("contracts:measurement_delete", {"reason": "Erreur de saisie"}, _measurement_of),
    ("contracts:evidence_delete", {"reason": "Doublon"}, _evidence_of),
]

CONTRACT_WRITES = [
    ("contracts:commitment_create", _new_commitment_of("agglo"), _pk),
    ("contracts:amendment_create", {"kind": "perr_2019", "title": "PERR", "signed_on": "12/12/2019"}, _pk),
    ("contracts:signatory_add", lambda w: {"organisation": _caf(w).pk, "signed_on": "01/03/2024"}, _pk),
    ("contracts:contract_edit", {"signed_on": "01/03/2024", "summary": "Présentation (matrice)"}, _pk),
    ("contracts:pillar_add", {"title": "Santé", "cross_cutting": "1"}, _pk),
    ("contracts:objective_add", _objective_data, None),
    ("contracts:node_rename", {"title": "Santé et sport"}, _pillar_of),
    ("contracts:node_move", {"direction": "up"}, _pillar_of),
    ("contracts:node_delete", {}, _pillar_of),
    ("contracts:document_add", _pdf, _pk),
]


def _cases():
    cases = []
    for url, data, args in COMMITMENT_WRITES:
        for scenario, (factory, allowed) in COMMITMENTS.items():
            cases.append(write(url, scenario, allowed, args=args(factory), data=data))
        cases.append(
            write(
                url,
                OTHER_TERRITORY,
                CHEFS_THERE,
                args=args(bailleur_dunkerque_commitment),
                data=data,
                label=f"{url} [autre_territoire] (engagement du bailleur à Dunkerque)",
            )
        )
        cases += not_applicable(url, ELEVATION, reason=NO_RIGHTS_FIELD)
    for url, data, args in CONTRACT_WRITES:
        for scenario, (factory, allowed) in CONTRACTS.items():
            # The contract belongs to its territory (its local pilot is the agglomeration): the bailleur is refused.
            payload = data(factory) if url == "contracts:objective_add" else data
            cases.append(write(url, scenario, allowed, args=(args or _pk)(factory), data=payload))
    return cases


WRITES = [
    *_cases(),
    write(
        "contracts:contract_create",
        OTHER_TERRITORY,
        CHEFS_THERE,
        data={"generation": "2015-2023", "territory": "245900428"},
        label="contracts:contract_create [autre_territoire] (CU de Dunkerque)",
    ),
    *not_applicable(
        "contracts:contract_create",
        OTHER_ORGANISATION,
        reason="Un contrat n'a pas d'organisation propriétaire : il appartient à son territoire.",
    ),
    write(
        "contracts:contract_create",
        ELEVATION,
        CHEFS_HERE,
        data={"generation": "2024-2030", "reference": "CN06207M"},
        label="contracts:contract_create [elevation] (le partenaire crée le contrat de son territoire)",
    ),
    # Elevation: the bailleur partner puts his own organisation where it would gain rights.
    write(
        "contracts:commitment_create",
        ELEVATION,
        CHEFS_HERE,
        args=_pk(make_contract),
        data=_new_commitment_of("bailleur"),
        label="contracts:commitment_create [elevation] (engagement du bailleur par lui-même)",
    ),
    write(
        "contracts:signatory_add",
        ELEVATION,
        CHEFS_HERE,
        args=_pk(make_contract),
        data=lambda w: {"organisation": w.orgs["bailleur"].pk, "signed_on": "01/03/2024"},
        label="contracts:signatory_add [elevation] (le bailleur se déclare signataire)",
    ),
    write(
        "contracts:contract_edit",
        ELEVATION,
        CHEFS_HERE,
        args=_pk(make_contract),
        data=lambda w: {"local_pilot": w.orgs["bailleur"].pk, "summary": "Piloté par le bailleur"},
        label="contracts:contract_edit [elevation] (le bailleur se fait pilote local)",
    ),
    *[
        entry
        for url, *_ in CONTRACT_WRITES
        if url not in ("contracts:commitment_create", "contracts:signatory_add", "contracts:contract_edit")
        for entry in not_applicable(url, ELEVATION, reason=NO_RIGHTS_FIELD)
    ],
]


# --- The API (quartiers/contracts/api_routes.py): same policy as the forms, by session here (tokens: test_api_writes).
API_REFUSED = (401, 403, 404, 422)  # 422: a batch whose rows name an indicator one may not change (nothing written)
API_NO_RIGHTS = "Le corps ne porte ni organisation, ni territoire, ni rôle : rien qui élève des droits."


def _api_indicator(factory):
    return lambda w: [first_indicator(factory(w)).pk]


def _api_batch(factory):
    return lambda w: {"mesures": [{"indicateur": first_indicator(factory(w)).pk, "date": "2025-12-31", "valeur": 4}]}


def _api_file(factory):
    def data(w):
        pk = first_indicator(factory(w)).pk
        text = f"indicateur;date;valeur;source\r\n{pk};31/12/2025;4,5;SI du bailleur\r\n"
        return {"fichier": SimpleUploadedFile("mesures.csv", text.encode("cp1252"), content_type="text/csv")}

    return data


API_WRITES = [
    ("api:measurement_create", lambda f: {"date": "2025-12-31", "valeur": "4", "source": "SI"}, _api_indicator, True),
    ("api:commitment_status", lambda f: {"statut": "abandonne", "commentaire": "Abandon"}, _pk, True),
    ("api:measurement_batch", _api_batch, None, True),
    ("api:measurement_file", _api_file, None, False),
]


def _api_cases():
    cases = []
    scenarios = [*COMMITMENTS.items(), (OTHER_TERRITORY, (bailleur_dunkerque_commitment, CHEFS_THERE))]
    for url, data, args, is_json in API_WRITES:
        for number, (scenario, (factory, allowed)) in enumerate(scenarios):
            cases.append(
                write(
                    url,
                    scenario,
                    allowed,
                    args=args(factory) if args else (),
                    data=data(factory),
                    content_type="application/json" if is_json else None,
                    refused=API_REFUSED,
                    label=f"{url} [{scenario}]" + (" (engagement du bailleur à Dunkerque)" if number == 2 else ""),
                )
            )
        cases += not_applicable(url, ELEVATION, reason=API_NO_RIGHTS)
    return cases


WRITES += _api_cases()
