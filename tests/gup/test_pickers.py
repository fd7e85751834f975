"""Forms ask for names, never for a SIREN or a code: dashboard and list filters, the « Rediriger » target."""

import re

from django.urls import reverse

from quartiers.gup.models import Report, Status
from tests.gup import helpers as h


def _select(html, name):
    match = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no <select name={name}>"
    return dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', match.group(1)))


def test_dashboard_filters_offer_names_not_codes(world, login):
    h.report(world)
    html = login(world.users["lecteur"]).get("/gup/tableau-de-bord/").content.decode()
    assert "SIREN" not in html and "Code du quartier" not in html
    assert _select(html, "epci")["200090751"] == "CA Grand Calais Terres et Mers"
    assert _select(html, "commune")["62193"] == "Calais"
    assert _select(html, "qpv")["QN06254M"] == "Beau Marais (Calais)"
    # Only territories with reports: Dunkerque has none, so it is not offered.
    assert "245900428" not in _select(html, "epci")


def test_dashboard_filter_by_commune_name_choice(world, login):
    h.report(world)
    client = login(world.users["lecteur"])
    assert client.get("/gup/tableau-de-bord/?commune=62193").context["figures"]["totals"]["total"] == 1
    assert client.get("/gup/tableau-de-bord/?commune=59183").context["figures"]["totals"]["total"] == 0


def test_report_list_quartier_filter_is_a_list_of_names(world, login):
    h.report(world)
    html = login(world.users["chef"]).get("/gup/signalements/").content.decode()
    assert "QN06254M" not in re.sub(r'value="[^"]*"', "", html.split("<table")[0])  # no code shown in the filters
    assert _select(html, "qpv") == {"": "Tous", "QN06254M": "Beau Marais (Calais)"}


def test_redirect_offers_only_the_managers_of_this_territory(world, login):
    h.ville_area(world, categories=["voirie"])  # the agglo handles the roads of Calais, not this category
    h.coordination(world)  # … but coordinates the GUP of the territory
    report = h.report(world)  # routed to the bailleur (its area covers Beau Marais)
    html = login(world.users["partenaire"]).get(report.get_absolute_url()).content.decode()
    offered = _select(html, "manager")  # the first form with a manager select: « Rediriger »
    assert "CA Grand Calais Terres et Mers (test)" in offered.values()
    assert "CU de Dunkerque (test)" not in offered.values()  # another territory
    assert "IREV (test)" not in offered.values()  # manages nothing here
    assert "Bailleur social (test)" not in offered.values()  # already in charge


def test_redirect_to_an_unrelated_organisation_is_refused_in_french(world, login):
    report = h.report(world)
    client = login(world.users["partenaire"])
    response = client.post(
        reverse("gup:report_transition", args=[report.pk]),
        {"verb": "rediriger", "motif": "pas chez nous", "manager": world.orgs["cud"].pk},
        follow=True,
    )
    assert "intervient pas sur ce territoire" in response.content.decode()
    report.refresh_from_db()
    assert report.status == Status.TRANSMIS and report.manager == world.orgs["bailleur"]
    assert Report.objects.get().history.count() == 1
