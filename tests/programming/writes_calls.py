"""Write cases of the calls pages and the register of carriers."""

from tests.programming import space
from tests.write_matrix import ELEVATION, OTHER_ORGANISATION, OTHER_TERRITORY, not_applicable, write

# A form that refuses a forbidden choice shows itself again with the French error (400), writing nothing.
FORM_REFUSAL = (400, 403, 404)
NOT_AN_ORGANISATION = "Un appel appartient à un contrat de ville (un territoire), à aucune organisation."


def _call_data(w, contract):
    return {
        "contract": contract.pk,
        "year": "2027",
        "title": "Appel à projets 2027",
        "rules": "Règlement",
        "opens_on": "01/10/2026",
        "closes_on": "30/11/2026",
        "technical_committee_on": "15/01/2027",
        "steering_committee_on": "",
    }


def _calais_call_data(w):
    return _call_data(w, space.ensure(w).extra["calais_contract"])


def _move_to_dunkerque(w):
    return {**_call_data(w, space.ensure(w).extra["dunkerque_contract"]), "title": "Appel déplacé"}


def _carrier_data(w, organisation=None, name="Centre social du Beau-Marais"):
    return {
        "name": name,
        "kind": "association",
        "siret": "732 829 320 00074",
        "rna": "W623001234",
        "organisation": organisation.pk if organisation else "",
    }


WRITES = [
    write("programming:call_create", OTHER_TERRITORY, "chef admin", data=_calais_call_data, refused=FORM_REFUSAL),
    *not_applicable("programming:call_create", OTHER_ORGANISATION, reason=NOT_AN_ORGANISATION),
    *not_applicable(
        "programming:call_create",
        ELEVATION,
        reason="Le contrat se choisit parmi ceux que l'on pilote : l'autre territoire est refusé.",
    ),
    write(
        "programming:call_edit",
        OTHER_TERRITORY,
        "chef admin",
        args=lambda w: [space.ensure(w).extra["call"].pk],
        data=_calais_call_data,
    ),
    *not_applicable("programming:call_edit", OTHER_ORGANISATION, reason=NOT_AN_ORGANISATION),
    write(
        "programming:call_edit",
        ELEVATION,
        "admin",
        args=lambda w: [space.ensure(w).extra["call"].pk],
        data=_move_to_dunkerque,
        refused=FORM_REFUSAL,
        label="déplacer l'appel vers un contrat que l'on ne pilote pas",
    ),
    write(
        "programming:call_financer",
        OTHER_TERRITORY,
        "chef admin",
        args=lambda w: [space.ensure(w).extra["call"].pk],
        data=lambda w: {"organisation": w.orgs["irev"].pk, "envelope": "12 500,50"},
    ),
    *not_applicable("programming:call_financer", OTHER_ORGANISATION, reason=NOT_AN_ORGANISATION),
    *not_applicable(
        "programming:call_financer",
        ELEVATION,
        reason="Seul l'instructeur de l'appel ajoute un financeur ; il voit déjà tout ce que le financeur lira.",
    ),
    write(
        "programming:carrier_create",
        ELEVATION,
        "admin",
        data=lambda w: _carrier_data(w, w.orgs["irev"]),
        refused=FORM_REFUSAL,
        label="rattacher la structure à une organisation dont on n'est pas membre",
    ),
    write(
        "programming:carrier_create",
        OTHER_ORGANISATION,
        "partenaire admin",
        data=lambda w: _carrier_data(w, w.orgs["bailleur"]),
        refused=FORM_REFUSAL,
        label="rattacher la structure à sa propre organisation (le bailleur)",
    ),
    *not_applicable(
        "programming:carrier_create", OTHER_TERRITORY, reason="Une structure porteuse n'a pas de territoire."
    ),
    write(
        "programming:carrier_edit",
        OTHER_ORGANISATION,
        "admin",
        args=lambda w: [space.ensure(w).extra["other_carrier"].pk],
        data=lambda w: _carrier_data(w, name="Association voisine (renommée)"),
        label="la structure d'une autre organisation",
    ),
    write(
        "programming:carrier_edit",
        OTHER_TERRITORY,
        "autre_chef admin",
        args=lambda w: [space.dunkerque_carrier(w).pk],
        data=lambda w: _carrier_data(w, name="Centre social dunkerquois (corrigé)"),
        label="une structure dont le seul dossier est à Dunkerque",
    ),
    write(
        "programming:carrier_edit",
        ELEVATION,
        "admin",
        args=lambda w: [space.ensure(w).extra["carrier"].pk],
        data=lambda w: _carrier_data(w, w.orgs["irev"], name="Bailleur social (porteur)"),
        refused=FORM_REFUSAL,
        label="rattacher sa structure à une autre organisation",
    ),
]
