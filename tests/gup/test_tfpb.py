from decimal import Decimal

from quartiers.gup.models import TfpbAgreement
from tests.gup import helpers as h


def test_landlord_creates_its_agreement_and_plan(world, login):
    client = login(world.users["partenaire"])
    response = client.post(
        "/gup/tfpb/nouvelle/",
        {
            "bailleur": world.orgs["bailleur"].pk,
            "qpv": world.qpv_beau_marais.pk,
            "year": 2026,
            "abatement_amount": "85000,50",
        },
    )
    agreement = TfpbAgreement.objects.get()
    assert response.status_code == 302 and agreement.abatement_amount == Decimal("85000.50")
    walk = h.walk(world)
    report = h.report(world)
    response = client.post(
        f"/gup/tfpb/{agreement.pk}/actions/nouvelle/",
        {
            "axis": "sur_entretien",
            "title": "Nettoyage renforcé des halls",
            "planned_amount": "20000",
            "spent_amount": "18000",
            "done": "on",
            "reports": [report.pk],
            "walks": [walk.pk],
        },
    )
    assert response.status_code == 302
    action = agreement.actions.get()
    assert list(action.reports.all()) == [report] and list(action.walks.all()) == [walk]
    page = client.get(f"/gup/tfpb/{agreement.pk}/").content.decode()
    assert "Sur-entretien" in page and report.reference in page and "18" in page
    response = client.post(
        f"/gup/tfpb/{agreement.pk}/bilan/", {"abatement_amount": "85000.50", "bilan": "Halls refaits."}
    )
    agreement.refresh_from_db()
    assert agreement.bilan == "Halls refaits."


def test_duplicate_agreement_and_other_landlord_refused(world, login):
    h.agreement(world, year=2026)
    client = login(world.users["chef"])
    data = {
        "bailleur": world.orgs["bailleur"].pk,
        "qpv": world.qpv_beau_marais.pk,
        "year": 2026,
        "abatement_amount": "1",
    }
    response = client.post("/gup/tfpb/nouvelle/", data)
    assert "existe déjà" in response.content.decode()
    response = client.post("/gup/tfpb/nouvelle/", {**data, "year": 2040})
    assert "Année hors" in response.content.decode()
    assert TfpbAgreement.objects.count() == 1


def test_export_lists_agreements(world, login):
    h.agreement(world)
    content = login(world.users["lecteur"]).get("/gup/tfpb/export/?format=csv").content.decode("utf-8-sig")
    assert "QN06254M" in content and "Bailleur social (test)" in content
