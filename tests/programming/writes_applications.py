"""Write cases of the carrier's space: create (or renew) a dossier, edit it, its budget, its attachments,
submit it. Another structure's dossier is refused to the bailleur's partner."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.programming import space
from tests.write_matrix import ELEVATION, OTHER_ORGANISATION, OTHER_TERRITORY, not_applicable, write

FORM_REFUSAL = (400, 403, 404)
NO_RIGHTS_FIELD = "Le formulaire ne porte ni structure, ni statut, ni organisation : rien qui élève des droits."


def _dossier_data(w, carrier_key="carrier", **extra):
    space.open_call(w)
    return {
        "carrier": w.extra[carrier_key].pk,
        "title": "Permanence d'accès aux droits",
        "description": "Une permanence hebdomadaire.",
        "public": "Habitants du Beau-Marais",
        "objectives": [w.extra["objective"].pk],
        "qpvs": [w.qpv.pk],
        "starts_on": "01/01/2027",
        "ends_on": "31/12/2027",
        **extra,
    }


def _edit_data(w):
    data = _dossier_data(w)
    data.pop("carrier")
    return {**data, "title": "Titre corrigé"}


def _budget(w):
    return {"c64": "1 250,50", f"f{space.ensure(w).extra['state_financer'].pk}": "1 000", "lcommune": "250,50"}


def _budget_elsewhere(w):
    return {"c64": "900", "lcaf": "900"}


def _attachment(w):
    return {"label": "Statuts", "file": SimpleUploadedFile("statuts.pdf", b"%PDF-1.4\n%x\n", "application/pdf")}


def _renew(carrier_key, call_key="call"):
    def data(w):
        space.open_call(w)
        return {"previous": space.last_year(w, carrier_key, call_key).pk}

    return data


CALL = lambda w: [space.open_call(w).pk]  # noqa: E731


WRITES = [
    write(
        "programming:application_create",
        OTHER_ORGANISATION,
        "admin",
        args=CALL,
        data=lambda w: _dossier_data(w, "other_carrier"),
        refused=FORM_REFUSAL,
        label="déposer pour une structure dont on n'est pas membre",
    ),
    write(
        "programming:application_create",
        OTHER_TERRITORY,
        "",
        args=CALL,
        data=lambda w: _dossier_data(w, qpvs=[w.qpv_dunkerque.pk]),
        refused=FORM_REFUSAL,
        label="cibler un quartier hors du contrat de l'appel",
    ),
    write(
        "programming:application_create",
        ELEVATION,
        "partenaire admin",
        args=CALL,
        data=lambda w: _dossier_data(w, status="accepte"),
        refused=FORM_REFUSAL,
        label="un statut posté est ignoré : le dossier naît brouillon",
    ),
    write(
        "programming:application_renew",
        OTHER_ORGANISATION,
        "admin",
        args=CALL,
        data=_renew("other_carrier"),
        label="reconduire le dossier d'une autre structure",
    ),
    write(
        "programming:application_renew",
        OTHER_TERRITORY,
        "",
        args=CALL,
        data=_renew("carrier", "call_dk"),
        refused=(400, 403, 404),
        label="reconduire à Calais un dossier de Dunkerque",
    ),
    write(
        "programming:application_renew",
        ELEVATION,
        "partenaire admin",
        args=CALL,
        data=_renew("carrier"),
        label="sa propre action de l'an dernier : reconduite en brouillon, sans droit nouveau",
    ),
    write(
        "programming:application_edit",
        OTHER_ORGANISATION,
        "chef admin",
        args=lambda w: [space.theirs(w).pk],
        data=_edit_data,
    ),
    write(
        "programming:application_edit",
        OTHER_TERRITORY,
        "partenaire autre_chef admin",
        args=lambda w: [space.dunkerque(w).pk],
        data=lambda w: {"title": "Titre corrigé"},
    ),
    *not_applicable("programming:application_edit", ELEVATION, reason=NO_RIGHTS_FIELD),
    write(
        "programming:application_budget",
        OTHER_ORGANISATION,
        "chef admin",
        args=lambda w: [space.theirs(w).pk],
        data=_budget,
    ),
    write(
        "programming:application_budget",
        OTHER_TERRITORY,
        "partenaire autre_chef admin",
        args=lambda w: [space.dunkerque(w).pk],
        data=_budget_elsewhere,
    ),
    *not_applicable("programming:application_budget", ELEVATION, reason=NO_RIGHTS_FIELD),
    write("programming:application_submit", OTHER_ORGANISATION, "admin", args=lambda w: [space.theirs(w).pk]),
    write(
        "programming:application_submit", OTHER_TERRITORY, "partenaire admin", args=lambda w: [space.dunkerque(w).pk]
    ),
    *not_applicable(
        "programming:application_submit",
        ELEVATION,
        reason="Déposer ne change que le statut, dans la table des transitions : aucun droit n'en dépend.",
    ),
    write(
        "programming:attachment_add",
        OTHER_ORGANISATION,
        "chef admin",
        args=lambda w: [space.theirs(w).pk],
        data=_attachment,
    ),
    write(
        "programming:attachment_add",
        OTHER_TERRITORY,
        "partenaire autre_chef admin",
        args=lambda w: [space.dunkerque(w).pk],
        data=_attachment,
    ),
    *not_applicable("programming:attachment_add", ELEVATION, reason=NO_RIGHTS_FIELD),
]
