"""The SCDL page and files, and the import pages (upload → preview and mapping → report, rejected rows as CSV)."""

import csv
import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quartiers.programming.models import Application, Call
from tests.programming.opendata_data import PREFECTURE_SIRET, granted_world, mapping_post, subsidy

FILES = Path(__file__).parent / "files"


def test_scdl_page_lists_files_and_refusals(world, login):
    granted_world(world)
    response = login(world.users["chef"]).get(reverse("programming:opendata"))
    html = response.content.decode()
    assert f"subventions-{PREFECTURE_SIRET}-2026.csv" in html
    assert "Association voisine" in html and "n&#x27;a pas de SIRET" in html
    assert "Action à Dunkerque" not in html  # not the chef's call, nor a financer he belongs to


def test_scdl_page_query_count_does_not_grow(world, login, django_assert_max_num_queries):
    granted_world(world)
    client = login(world.users["chef"])
    url = reverse("programming:opendata")
    client.get(url)
    with django_assert_max_num_queries(40) as first:
        client.get(url)
    state = world.extra["subsidies"][0].call_financer
    for n in range(6):
        subsidy(state, world.extra["carrier"], "100", title=f"Action {n}")
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(url)


def test_scdl_file_download_and_list_export(world, login):
    granted_world(world)
    client = login(world.users["delegue"])
    response = client.get(reverse("programming:scdl_file", args=[world.orgs["prefecture"].pk, 2026]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"subventions-{PREFECTURE_SIRET}-2026.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert [r["montant"] for r in rows] == ["12500.50"]
    export = client.get(reverse("programming:opendata") + "?format=csv").content.decode("utf-8-sig")
    assert "non publiable" in export and "publiable" in export and ";" in export.splitlines()[0]
    assert client.get(reverse("programming:opendata") + "?format=pdf").status_code == 400
    assert client.get(reverse("programming:scdl_file", args=[world.orgs["agglo"].pk, 2026])).status_code == 404


def _upload(client, world, path, contract="calais_contract"):
    upload = SimpleUploadedFile(path.name, path.read_bytes(), "text/csv")
    return client.post(reverse("programming:import"), {"contract": world.extra[contract].pk, "file": upload})


def test_upload_preview_then_import(world, login):
    granted_world(world)
    client = login(world.users["chef"])
    response = _upload(client, world, FILES / "programmation-2019-cp1252.csv")
    assert response.status_code == 302
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Centre social Le Fort-Nieulay" in html and "775 820 087 00010" in html  # the preview
    assert 'value="Intitulé de l&#x27;action" selected' in html  # the guessed mapping
    preview = client.post(response["Location"], mapping_post(world, action="apercu"))
    assert "Aperçu, rien n&#x27;est écrit : 3 dossier(s) créé(s)" in preview.content.decode()
    assert not Call.objects.filter(year=2019).exists()
    done = client.post(response["Location"], mapping_post(world))
    assert "Import terminé : 3 dossier(s) créé(s)" in done.content.decode()
    assert Application.objects.filter(call__year=2019).count() == 3
    # The mapping is remembered with the file: the form shows it again.
    again = client.get(response["Location"]).content.decode()
    assert f'<option value="{world.orgs["prefecture"].pk}" selected>' in again


def test_rejected_rows_and_their_csv(world, login):
    granted_world(world)
    client = login(world.users["chef"])
    location = _upload(client, world, FILES / "programmation-ligne-invalide.csv")["Location"]
    response = client.post(location, mapping_post(world))
    html = response.content.decode()
    assert "Rien n&#x27;a été importé" in html and "rejetée" in html
    assert not Application.objects.filter(call__year=2019).exists()
    rejected = client.get(location + "rejets/?format=csv").content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(rejected), delimiter=";"))
    assert lines[0][:3] == ["Ligne", "Motif du rejet", "Année"]
    assert [line[0] for line in lines[1:]] == ["3", "4"] and "douze cents" in lines[2][1]
    valid = dict(mapping_post(world), valid_only="on")
    client.post(location, valid)
    assert Application.objects.filter(call__year=2019).count() == 2


def test_bad_uploads_are_refused_in_french(world, login):
    granted_world(world)
    client = login(world.users["chef"])
    old_excel = SimpleUploadedFile(
        "prog.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "application/vnd.ms-excel"
    )
    response = client.post(
        reverse("programming:import"), {"contract": world.extra["calais_contract"].pk, "file": old_excel}
    )
    assert response.status_code == 200 and "Ancien format Excel" in response.content.decode()
    response = _upload(client, world, FILES / "programmation-2019-cp1252.csv", contract="dunkerque_contract")
    assert response.status_code == 200 and "n&#x27;est pas un choix valide" in response.content.decode().replace(
        "Sélectionnez un choix valide", "n&#x27;est pas un choix valide"
    )


def test_free_text_of_the_file_is_rendered_inert(world, login, tmp_path):
    granted_world(world)
    client = login(world.users["chef"])
    path = tmp_path / "xss.csv"
    path.write_bytes(
        "Année;Porteur;Intitulé de l'action;Montant État (€)\r\n"
        "2019;<script>alert(1)</script>;<img src=x onerror=alert(1)>;=1+1\r\n".encode("cp1252")
    )
    location = _upload(client, world, path)["Location"]
    data = {
        key: value
        for key, value in mapping_post(world, action="apercu").items()
        if key not in ("col_siret", "col_statut")
    }
    html = client.post(location, data).content.decode()
    assert "rejetée" in html
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html
    rejected = client.get(location + "rejets/?format=csv").content.decode("utf-8-sig")
    assert ";'=1+1" in rejected  # the formula is neutralised in the export


def test_a_file_too_long_for_the_page_points_to_the_command(world, login, tmp_path, monkeypatch):
    from quartiers.programming import import_forms

    granted_world(world)
    path = tmp_path / "longue.csv"
    lines = ["Année;Porteur;Intitulé de l'action"] + [f"2019;Asso {n};Action {n}" for n in range(6)]
    path.write_bytes("\r\n".join(lines).encode("cp1252"))
    monkeypatch.setattr(import_forms, "MAX_PAGE_ROWS", 5)
    response = _upload(login(world.users["chef"]), world, path)
    html = response.content.decode()
    assert response.status_code == 200 and "Le fichier compte 6 lignes" in html
    assert "quartiers import-programmation" in html
