from tests.gup import helpers as h
from tests.permission_matrix import LOGIN, MEMBERS, PUBLIC, Case, expect

CHEFS_AND_PARTNERS = expect(LOGIN, 403, 200, 200, 200, 200)
CHEFS = expect(LOGIN, 403, 403, 200, 200, 200)
MANAGER_OR_CHEF = expect(LOGIN, 403, 302, 403, 302, 302)
NOBODY = expect(404, 404, 404, 404, 404, 404)


def _report(w):
    return [h.report(w).pk]


def _new_report_data(w):
    h.bailleur_area(w)
    return {"category": "parties_communes", "qpv": w.qpv_beau_marais.code, "lon": "1.8735", "lat": "50.9513"}


def _public(w):
    h.coordination(w, public=True)
    return ["epci", w.grand_calais.siren]


CASES = [
    Case("gup:index", MEMBERS),
    Case("gup:report_list", MEMBERS),
    Case("gup:report_export", MEMBERS, query="?format=csv"),
    Case("gup:report_create", CHEFS_AND_PARTNERS),
    # The other territory's chef gets the form back: Beau Marais is not in the quartiers offered to them.
    Case(
        "gup:report_create",
        expect(LOGIN, 403, 302, 200, 302, 302),
        method="post",
        data=_new_report_data,
        label="POST gup:report_create",
    ),
    Case("gup:nearby", MEMBERS, query="?categorie=voirie&lon=1.87&lat=50.95"),
    Case("gup:report_detail", MEMBERS, args=_report),
    Case(
        "gup:report_transition",
        MANAGER_OR_CHEF,
        args=_report,
        method="post",
        data={"verb": "prendre_en_charge"},
    ),
    Case("gup:report_comment", MANAGER_OR_CHEF, args=_report, method="post", data={"text": "Vu sur place."}),
    Case("gup:report_follow", expect(LOGIN, 302, 302, 302, 302, 302), args=_report, method="post", data={}),
    Case("gup:report_photo", MEMBERS, args=lambda w: [h.report_with_photo(w)[1].pk]),
    Case("gup:map", MEMBERS),
    Case("gup:map_data", MEMBERS, args=lambda w: [w.qpv_beau_marais.code]),
    Case("gup:dashboard", MEMBERS),
    Case("gup:dashboard_export", MEMBERS, query="?format=xlsx"),
    Case("gup:public_map", PUBLIC, args=_public),
    Case("gup:public_map", NOBODY, args=lambda w: ["epci", w.dunkerque_cu.siren], label="public_map non publiée"),
    Case("gup:public_map_data", PUBLIC, args=_public),
    Case("gup:public_map_data", NOBODY, args=lambda w: ["commune", "59183"], label="public_map_data non publiée"),
    Case("gup:managers", MEMBERS),
    Case("gup:area_create", CHEFS),
    Case(
        "gup:area_delete",
        expect(LOGIN, 403, 403, 403, 302, 302),
        args=lambda w: [h.bailleur_area(w).pk],
        method="post",
        data={},
    ),
    Case("gup:coordination_create", CHEFS),
    Case("gup:walk_list", MEMBERS),
    Case("gup:walk_create", CHEFS_AND_PARTNERS),
    Case("gup:walk_detail", MEMBERS, args=lambda w: [h.walk(w).pk]),
    Case("gup:walk_capture", expect(LOGIN, 403, 200, 403, 200, 200), args=lambda w: [h.walk(w).pk]),
    # Form-encoded instead of JSON: whoever passes the permission check gets the French 400.
    Case(
        "gup:walk_sync",
        expect(LOGIN, 403, 400, 403, 400, 400),
        args=lambda w: [h.walk(w).pk],
        method="post",
        data={"x": "1"},
    ),
    Case("gup:walk_pdf", MEMBERS, args=lambda w: [h.walk(w).pk]),
    Case("gup:tfpb_list", MEMBERS),
    Case("gup:tfpb_export", MEMBERS, query="?format=csv"),
    Case("gup:tfpb_create", CHEFS_AND_PARTNERS),
    Case("gup:tfpb_detail", MEMBERS, args=lambda w: [h.agreement(w).pk]),
    Case("gup:tfpb_edit", expect(LOGIN, 403, 200, 403, 200, 200), args=lambda w: [h.agreement(w).pk]),
    Case("api:gup_api_reports", expect(401, 200, 200, 200, 200, 200), query="?statut=transmis"),
    Case("api:gup_api_report", expect(401, 200, 200, 200, 200, 200), args=_report),
    Case("gup:tfpb_action_create", expect(LOGIN, 403, 200, 403, 200, 200), args=lambda w: [h.agreement(w).pk]),
]


def _open311_calais(w):
    return {
        "jurisdiction_id": "200090751",
        "service_code": "proprete",
        "lat": str(h.CALAIS[1]),
        "long": str(h.CALAIS[0]),
        "attribute[qpv]": w.qpv_beau_marais.code,
    }


# Open311 GeoReport v2 (by session here; tokens and api_key in tests/gup/test_api_open311.py).
CASES += [
    Case("api:open311_services", PUBLIC),
    Case("api:open311_requests", expect(401, 200, 200, 200, 200, 200)),
    Case("api:open311_request", expect(401, 200, 200, 200, 200, 200), args=lambda w: [h.report(w).reference]),
    Case(
        "api:open311_requests",
        expect(401, 403, 200, 403, 200, 200, delegue=403, animateur=403),
        method="post",
        data=_open311_calais,
    ),
]
