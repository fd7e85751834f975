"""Write cases of the GUP (tests/write_matrix.py): Calais and Dunkerque reports, areas, walks, TFPB agreements."""

import json
import uuid
from datetime import date

from quartiers.accounts.models import Organisation
from quartiers.gup import services
from quartiers.gup.models import ManagerArea, TfpbAgreement, Walk
from tests.gup import helpers as h
from tests.write_matrix import ELEVATION, OTHER_ORGANISATION, OTHER_TERRITORY, not_applicable, write

CHEFS_HERE = "chef admin"
CHEFS_THERE = "autre_chef admin"
FORM_REFUSAL = (200, 403, 404)
DUNKERQUE = (2.3700, 51.0300)  # a made-up point of Dunkerque (test data)
NO_RIGHTS_FIELD = "Le formulaire ne porte ni organisation, ni territoire, ni rôle : rien qui élève des droits."


def _org(name, kind):
    return Organisation.objects.get_or_create(name=name, defaults={"kind": kind})[0]


def dunkerque_report(w, author=None, platform=False):
    return services.create_report(
        None if platform else author or w.users["autre_chef"],
        category="eclairage",
        qpv=w.qpv_dunkerque,
        lon=DUNKERQUE[0],
        lat=DUNKERQUE[1],
    )


def ville_report(w):
    """A Calais report routed to the agglomeration (not to the bailleur partner)."""
    h.ville_area(w, categories=["eclairage"])
    return h.report(w, category="eclairage")


def dunkerque_walk(w):
    return Walk.objects.create(
        qpv=w.qpv_dunkerque, commune=w.dunkerque, title="Diagnostic (test)", date=date(2026, 5, 12)
    )


def dunkerque_area(w):
    return ManagerArea.objects.create(
        organisation=w.orgs["cud"], label="Soubise", qpv=w.qpv_dunkerque, commune=w.dunkerque, categories=["voirie"]
    )


def dunkerque_agreement(w):
    return TfpbAgreement.objects.create(
        bailleur=_org("Bailleur de Dunkerque (test)", "bailleur"),
        qpv=w.qpv_dunkerque,
        commune=w.dunkerque,
        year=2026,
        abatement_amount=1000,
    )


def other_landlord_agreement(w):
    return TfpbAgreement.objects.create(
        bailleur=_org("Autre bailleur (test)", "bailleur"),
        qpv=w.qpv_beau_marais,
        commune=w.calais,
        year=2026,
        abatement_amount=1000,
    )


def _pk(factory):
    return lambda w: [factory(w).pk]


def _report_data(qpv, point):
    return lambda w: {"category": "voirie", "qpv": qpv(w).code, "lon": str(point[0]), "lat": str(point[1])}


def _area_data(org_key, commune, qpv):
    return lambda w: {
        "organisation": w.orgs[org_key].pk,
        "label": "Périmètre (matrice)",
        "commune": commune(w).pk,
        "qpv": qpv(w).code,
        "categories": ["voirie"],
    }


def _coordination_data(epci, org_key):
    return lambda w: {"epci": epci(w).pk, "organisation": w.orgs[org_key].pk, "public_map": "on"}


def _walk_data(qpv):
    return lambda w: {
        "qpv": qpv(w).code,
        "title": "Diagnostic du printemps",
        "date": "2026-04-02",
        "route_text": json.dumps({"type": "LineString", "coordinates": [[1.87, 50.95], [1.88, 50.95]]}),
    }


def _sync_body(point):
    def body(w):
        item = {"uuid": str(uuid.uuid4()), "categorie": "proprete", "description": "Tags", "lon": point[0]}
        return json.dumps({"items": [{**item, "lat": point[1]}]})

    return body


def _tfpb_data(bailleur, qpv):
    return lambda w: {"bailleur": bailleur(w).pk, "qpv": qpv(w).pk, "year": 2026, "abatement_amount": "85000,50"}


ACTION = {"axis": "sur_entretien", "title": "Nettoyage renforcé des halls", "planned_amount": "20000"}
BILAN = {"abatement_amount": "1000", "bilan": "Halls refaits."}
REPORTS = {OTHER_TERRITORY: (dunkerque_report, CHEFS_THERE), OTHER_ORGANISATION: (ville_report, CHEFS_HERE)}
AGREEMENTS = {
    OTHER_TERRITORY: (dunkerque_agreement, CHEFS_THERE),
    OTHER_ORGANISATION: (other_landlord_agreement, CHEFS_HERE),
}
TRANSITION_NO_RIGHTS = (
    "Une transition agit sur le seul signalement ; la cible d'une redirection n'est pas le demandeur."
)


def _per_object(url, objects, data, elevation_reason):
    cases = [write(url, s, allowed, args=_pk(factory), data=data) for s, (factory, allowed) in objects.items()]
    return cases + not_applicable(url, ELEVATION, reason=elevation_reason)


WRITES = [
    # Reports: the other territory's quartier is not offered (the form comes back), another manager's report refused.
    write(
        "gup:report_create",
        OTHER_TERRITORY,
        CHEFS_THERE,
        data=_report_data(lambda w: w.qpv_dunkerque, DUNKERQUE),
        refused=FORM_REFUSAL,
    ),
    *not_applicable(
        "gup:report_create",
        OTHER_ORGANISATION,
        ELEVATION,
        reason="Un signalement est ouvert aux contributeurs du quartier ; son gestionnaire vient du routage.",
    ),
    *_per_object("gup:report_transition", REPORTS, {"verb": "prendre_en_charge"}, TRANSITION_NO_RIGHTS),
    # Contributors of the quartier (partners included) comment any report of it; the other territory cannot.
    write("gup:report_comment", OTHER_TERRITORY, CHEFS_THERE, args=_pk(dunkerque_report), data={"text": "Vu."}),
    write(
        "gup:report_comment", OTHER_ORGANISATION, "partenaire chef admin", args=_pk(ville_report), data={"text": "Vu."}
    ),
    *not_applicable("gup:report_comment", ELEVATION, reason=NO_RIGHTS_FIELD),
    write(
        "gup:report_follow",
        OTHER_TERRITORY,
        "lecteur partenaire delegue animateur autre_chef chef admin",
        # Filed by the platform (no reporter): nobody among the roles follows it yet.
        args=_pk(lambda w: dunkerque_report(w, platform=True)),
        label="gup:report_follow [autre_territoire] (suivre est ouvert à tout compte : lecture seule)",
    ),
    *not_applicable(
        "gup:report_follow",
        OTHER_ORGANISATION,
        ELEVATION,
        reason="Suivre n'écrit que l'abonnement du demandeur à un signalement qu'il voit déjà.",
    ),
    # Managers' areas and coordination: chefs de projet of the territory.
    write(
        "gup:area_create",
        OTHER_TERRITORY,
        CHEFS_THERE,
        data=_area_data("cud", lambda w: w.dunkerque, lambda w: w.qpv_dunkerque),
        refused=FORM_REFUSAL,
    ),
    write(
        "gup:area_create",
        OTHER_ORGANISATION,
        CHEFS_HERE,
        data=_area_data("agglo", lambda w: w.calais, lambda w: w.qpv_beau_marais),
        refused=FORM_REFUSAL,
    ),
    write(
        "gup:area_create",
        ELEVATION,
        CHEFS_HERE,
        data=_area_data("bailleur", lambda w: w.calais, lambda w: w.qpv),
        refused=FORM_REFUSAL,
        label="gup:area_create [elevation] (le bailleur se déclare gestionnaire d'un quartier)",
    ),
    write("gup:area_delete", OTHER_TERRITORY, CHEFS_THERE, args=_pk(dunkerque_area)),
    write("gup:area_delete", OTHER_ORGANISATION, CHEFS_HERE, args=_pk(lambda w: h.ville_area(w))),
    *not_applicable("gup:area_delete", ELEVATION, reason="Supprimer un périmètre ne désigne personne."),
    write(
        "gup:coordination_create",
        OTHER_TERRITORY,
        CHEFS_THERE,
        data=_coordination_data(lambda w: w.dunkerque_cu, "cud"),
        refused=FORM_REFUSAL,
    ),
    write(
        "gup:coordination_create",
        OTHER_ORGANISATION,
        CHEFS_HERE,
        data=_coordination_data(lambda w: w.grand_calais, "agglo"),
        refused=FORM_REFUSAL,
    ),
    write(
        "gup:coordination_create",
        ELEVATION,
        CHEFS_HERE,
        data=_coordination_data(lambda w: w.grand_calais, "bailleur"),
        refused=FORM_REFUSAL,
        label="gup:coordination_create [elevation] (le bailleur se fait coordinateur)",
    ),
    # Walks: contributors of the quartier.
    write(
        "gup:walk_create",
        OTHER_TERRITORY,
        CHEFS_THERE,
        data=_walk_data(lambda w: w.qpv_dunkerque),
        refused=FORM_REFUSAL,
    ),
    write(
        "gup:walk_capture",
        OTHER_TERRITORY,
        CHEFS_THERE,
        args=_pk(dunkerque_walk),
        data=lambda w: {"category": "mobilier", "qpv": w.qpv_dunkerque.code, "lon": "2.37", "lat": "51.03"},
    ),
    write(
        "gup:walk_sync",
        OTHER_TERRITORY,
        CHEFS_THERE,
        args=_pk(dunkerque_walk),
        data=_sync_body(DUNKERQUE),
        content_type="application/json",
    ),
    *[
        entry
        for url in ("gup:walk_create", "gup:walk_capture", "gup:walk_sync")
        for entry in not_applicable(
            url,
            OTHER_ORGANISATION,
            ELEVATION,
            reason="Un diagnostic appartient à son quartier, pas à une organisation, et ne porte aucun rôle.",
        )
    ],
    # TFPB: the landlord of the agreement and the chefs de projet of the territory.
    write(
        "gup:tfpb_create",
        OTHER_TERRITORY,
        CHEFS_THERE,
        data=_tfpb_data(lambda w: _org("Bailleur de Dunkerque (test)", "bailleur"), lambda w: w.qpv_dunkerque),
        refused=FORM_REFUSAL,
    ),
    write(
        "gup:tfpb_create",
        OTHER_ORGANISATION,
        CHEFS_HERE,
        data=_tfpb_data(lambda w: _org("Autre bailleur (test)", "bailleur"), lambda w: w.qpv_beau_marais),
        refused=FORM_REFUSAL,
    ),
    *not_applicable(
        "gup:tfpb_create", ELEVATION, reason="Le seul champ d'organisation est le bailleur : c'est le cas (b)."
    ),
    *_per_object("gup:tfpb_edit", AGREEMENTS, BILAN, NO_RIGHTS_FIELD),
    *_per_object("gup:tfpb_action_create", AGREEMENTS, ACTION, NO_RIGHTS_FIELD),
]


# --- Open311 GeoReport v2 (quartiers/gup/open311.py), by session here (tokens and api_key: test_api_open311).
def _open311_dunkerque(w):
    return {
        "jurisdiction_id": "245900428",
        "service_code": "eclairage",
        "lat": str(DUNKERQUE[1]),
        "long": str(DUNKERQUE[0]),
        "description": "Lampadaire éteint",
        "attribute[qpv]": w.qpv_dunkerque.code,
    }


WRITES += [
    write(
        "api:open311_requests",
        OTHER_TERRITORY,
        CHEFS_THERE,
        data=_open311_dunkerque,
        refused=(401, 403, 404),
        label="api:open311_create [autre_territoire] (signalement Open311 dans un QPV de Dunkerque)",
    ),
    *not_applicable(
        "api:open311_requests",
        OTHER_ORGANISATION,
        ELEVATION,
        reason="Aucun champ d'organisation, de gestionnaire ni de rôle : le routage choisit le gestionnaire.",
    ),
]
