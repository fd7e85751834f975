from datetime import timedelta

import pytest
from django.utils import timezone

from quartiers.gup import services, stats
from quartiers.gup.models import Report
from tests.gup import helpers as h

DAY = 86400


def _resolved(world, days, category="parties_communes", manager_user="partenaire"):
    created = timezone.now() - timedelta(days=30)
    report = h.report(world, category=category, now=created)
    services.transition(world.users[manager_user], report, "resoudre", now=created + timedelta(days=days))
    return report


def test_medians_and_counts(world):
    h.ville_area(world, categories=["voirie"])  # the agglo: voirie in the square
    for days in (1, 2, 10):
        _resolved(world, days)
    for days in (3, 5):
        _resolved(world, days, category="voirie", manager_user="chef")
    h.report(world)  # one open report of the landlord
    figures = stats.dashboard({})
    assert figures["totals"] == {"total": 6, "open": 1, "resolved": 5, "rejected": 0}
    by_manager = {r["label"]: r for r in figures["per_manager"]}
    landlord = by_manager["Bailleur social (test)"]
    assert (landlord["total"], landlord["open"], landlord["resolved"], landlord["median_n"]) == (4, 1, 3, 3)
    assert landlord["median_seconds"] == pytest.approx(2 * DAY)  # median of 1, 2, 10 days
    agglo = by_manager["CA Grand Calais Terres et Mers (test)"]
    assert agglo["median_seconds"] == pytest.approx(4 * DAY) and agglo["median_n"] == 2  # mean of 3 and 5
    by_cat = {r["key"]: r for r in figures["per_category"]}
    assert by_cat["voirie"]["median_label"] == "4,0 j"


def test_late_reports_are_counted(world):
    old = timezone.now() - timedelta(days=60)
    h.report(world, now=old)
    figures = stats.dashboard({})
    assert figures["per_manager"][0]["late"] == 1


def _many(world, n):
    for i in range(n):
        _resolved(world, i + 1) if i % 2 else h.report(world, category="voirie")


def test_dashboard_queries_do_not_grow(world, login, django_assert_num_queries):
    client = login(world.users["lecteur"])
    h.ville_area(world, categories=["voirie"])
    _many(world, 2)
    client.get("/gup/tableau-de-bord/")  # warm the session
    with django_assert_num_queries(9) as few:  # 8 + the names offered in the filters, in one query
        assert client.get("/gup/tableau-de-bord/").status_code == 200
    _many(world, 12)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/gup/tableau-de-bord/")


def test_map_data_queries_do_not_grow(world, login, django_assert_num_queries):
    client = login(world.users["lecteur"])
    url = f"/gup/carte/{world.qpv_beau_marais.code}/donnees.json"
    h.report(world)
    client.get(url)
    # Kept: session, user, memberships, the GUP tables' version, the reference data's version.
    with django_assert_num_queries(5):
        data = client.get(url).json()
    assert len(data["features"]) == 1
    for _ in range(8):
        h.report(world, point=(1.88, 50.95))
    # Built again after the writes: the same, the quartier with its communes' outlines (one query), its reports.
    with django_assert_num_queries(7):
        assert len(client.get(url).json()["features"]) == 9


def test_the_kept_map_follows_any_write_and_the_day(world, login, monkeypatch):
    import datetime

    from django.db import transaction
    from django.utils import timezone

    from quartiers.gup.models import Report, Status

    client = login(world.users["lecteur"])
    url = f"/gup/carte/{world.qpv_beau_marais.code}/donnees.json"
    report = h.report(world)
    assert [f["properties"]["statut"] for f in client.get(url).json()["features"]] == ["Transmis"]
    Report.objects.filter(pk=report.pk).update(status=Status.PRIS_EN_CHARGE)  # no signal sent
    assert [f["properties"]["statut"] for f in client.get(url).json()["features"]] == ["Pris en charge"]
    try:
        with transaction.atomic():
            Report.objects.filter(pk=report.pk).update(status=Status.RESOLU)
            assert client.get(url).json()["features"] == []
            raise RuntimeError("annulé")
    except RuntimeError:
        pass
    assert [f["properties"]["statut"] for f in client.get(url).json()["features"]] == ["Pris en charge"]
    late = report.deadline + datetime.timedelta(days=1)  # the next day the report is late, without any write
    assert not client.get(url).json()["features"][0]["properties"]["en_retard"]
    monkeypatch.setattr(timezone, "localdate", lambda *args: late)
    assert client.get(url).json()["features"][0]["properties"]["en_retard"]


def test_map_data_is_revalidated_with_an_etag(world, login):
    client = login(world.users["lecteur"])
    url = f"/gup/carte/{world.qpv_beau_marais.code}/donnees.json"
    report = h.report(world)
    first = client.get(url)
    data = first.json()
    assert data["quartier"] == {"code": world.qpv_beau_marais.code, "nom": world.qpv_beau_marais.nom}
    assert [f["properties"]["reference"] for f in data["features"]] == [report.reference]
    assert first["Cache-Control"] == "private, no-cache"
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    # A report moves: the same ETag no longer matches, the new state is sent.
    services.transition(world.users["partenaire"], report, "resoudre")
    changed = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200 and changed.json()["features"] == []
    assert client.get("/gup/carte/QN00000X/donnees.json").status_code == 404


def test_map_data_draws_the_communes_when_the_quartier_has_no_outline(world, login):
    calais = world.qpv_beau_marais.communes.get()
    calais.outline_simplified = {
        "type": "Polygon",
        "coordinates": [[[1.8, 50.9], [1.9, 50.9], [1.9, 51.0], [1.8, 50.9]]],
    }
    calais.save()
    client = login(world.users["lecteur"])
    contours = client.get(f"/gup/carte/{world.qpv_beau_marais.code}/donnees.json").json()["contours"]
    assert [f["properties"]["nom"] for f in contours["features"]] == [calais.nom]
    assert contours["features"][0]["geometry"] == calais.outline_simplified


def test_list_queries_do_not_grow(world, login, django_assert_num_queries):
    client = login(world.users["chef"])
    h.report(world)
    client.get("/gup/signalements/")
    with django_assert_num_queries(6) as few:  # 5 + the quartiers offered in the filter, in one query
        client.get("/gup/signalements/")
    for _ in range(10):
        h.report(world, point=(1.88, 50.95))
    with django_assert_num_queries(len(few.captured_queries)):
        assert "GUP-" in client.get("/gup/signalements/").content.decode()
    for url in ("/gup/", "/gup/diagnostics/", "/gup/tfpb/"):
        client.get(url)


def test_exports(world, login):
    _resolved(world, 2)
    client = login(world.users["lecteur"])
    csv = client.get("/gup/signalements/export/?format=csv").content.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("Référence;Catégorie;Statut") and "Résolu" in csv
    xlsx = client.get("/gup/tableau-de-bord/export/?format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    dash = client.get("/gup/tableau-de-bord/export/?format=csv").content.decode("utf-8-sig")
    assert "Bailleur social (test);1;0;0;1;2,0;1" in dash


def test_public_map_shows_only_resolved(world, client):
    _resolved(world, 2)
    h.report(world)
    assert client.get("/gup/public/epci/200090751/donnees.json").status_code == 404
    h.coordination(world, public=True)
    data = client.get("/gup/public/epci/200090751/donnees.json").json()
    assert [f["properties"]["statut"] for f in data["features"]] == ["Résolu"]
    assert "description" not in data["features"][0]["properties"]


def test_counters_kept_by_the_services_match_a_full_recount(world):
    from quartiers.gup.models import ReportStat

    h.ville_area(world, categories=["voirie"])
    a, b, c = h.report(world), h.report(world, category="voirie"), h.report(world)
    services.transition(world.users["partenaire"], a, "rediriger", motif="Pas chez nous", manager=world.orgs["agglo"])
    services.transition(world.users["chef"], a, "resoudre")
    services.transition(world.users["chef"], b, "rejeter", motif="Doublon")
    services.transition(world.users["partenaire"], c, "prendre_en_charge")

    def snapshot():
        fields = ("qpv_id", "manager_id", "category", "year", "transmis", "pris_en_charge", "resolu", "rejete")
        return sorted(
            tuple(r[f] for f in fields) for r in ReportStat.objects.values(*fields) if any(r[f] for f in fields[4:])
        )

    live = snapshot()
    services.rebuild_stats()
    assert live == snapshot()
    expected = {"total": 3, "open": 1, "resolved": 1, "rejected": 1}
    # Each territory filter takes its own index path (SQLite index hints): all must agree.
    for params in ({"qpv": "QN06254M"}, {"epci": "200090751"}, {"commune": "62193"}, {"annee": str(a.created_at.year)}):
        figures = stats.dashboard(params)
        assert figures["totals"] == expected, params
        assert sum(r["median_n"] for r in figures["per_manager"]) == 1
    assert stats.dashboard({"qpv": "QN05962M"})["totals"]["total"] == 0


def test_open_map_features_keep_a_restricted_policy(world):
    """The precompiled map query serves an unrestricted `visible_to`; a restricting one goes through the ORM."""
    hall = h.report(world)
    h.report(world, category="voirie", point=(1.88, 50.95))
    qpv_id = world.qpv_beau_marais.pk
    every = stats.open_map_features(Report.objects.all(), qpv_id)
    assert len(every) == 2
    restricted = stats.open_map_features(Report.objects.filter(category="parties_communes"), qpv_id)
    assert [f["properties"]["reference"] for f in restricted] == [hall.reference]
    assert stats.open_map_features(Report.objects.none(), qpv_id) == []
