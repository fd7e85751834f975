"""Batch eligibility: upload → column mapping → background job → summary → download (then deleted)."""

import csv
import io
import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quartiers.core.models import Job
from quartiers.eligibility import batch

HEADER = "Nom;Adresse;CP;Ville\r\n"
ROWS = [
    "Dupont;12 rue du Carré;99100;Testville",
    "Lefèvre;5 place du Trou;99100;Testville",
    "Martin;3 chemin de l'Îlot;99100;Testville",
    "Bernard;rue de l'Ouest;99100;Testville",
    "Petit;;;",  # blank row: skipped
    "Durand;;99100;",  # no street: adresse_vide? only a postcode -> geocoder decides
    "Moreau;nulle part;99100;Testville",
    "Leroy;1 avenue du Large;99100;Testville",
]


def _csv(encoding="cp1252", bom=b"", rows=ROWS):
    return bom + (HEADER + "\r\n".join(rows) + "\r\n").encode(encoding)


def _upload(client, content, name="beneficiaires.csv"):
    response = client.post(reverse("eligibility:batch"), {"fichier": SimpleUploadedFile(name, content, "text/csv")})
    return response


def _read_result(content):
    text = content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def _run_batch(client, run_jobs, content, name="beneficiaires.csv", mapping=None):
    response = _upload(client, content, name)
    assert response.status_code == 302, response.content.decode()[:2000]
    mapping_url = response["Location"]
    page = client.get(mapping_url)
    assert page.status_code == 200
    form = page.context["form"]
    data = {key: form[key].value() or "" for key in ("adresse", "numero", "code_postal", "commune", "lon", "lat")}
    data["generation"] = 2024
    data.update(mapping or {})
    response = client.post(mapping_url, data)
    assert response.status_code == 302
    run_jobs()
    job = Job.objects.get()
    return job, page


@pytest.mark.usefixtures("outlines", "stub_geocoder")
@pytest.mark.parametrize(
    "encoding, bom",
    [("cp1252", b""), ("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16", b"")],
    ids=["cp1252", "utf8", "utf8-bom", "utf16-excel-unicode"],
)
def test_batch_end_to_end(client, world, run_jobs, encoding, bom):
    client.force_login(world.users["lecteur"])
    job, mapping_page = _run_batch(client, run_jobs, _csv(encoding, bom))
    html = mapping_page.content.decode()
    assert "Lefèvre" in html  # preview decoded right
    form = mapping_page.context["form"]
    assert (form["adresse"].value(), form["code_postal"].value(), form["commune"].value()) == ("Adresse", "CP", "Ville")
    assert job.status == Job.Status.DONE, job.message
    detail = client.get(reverse("eligibility:batch_detail", args=[job.pk])).content.decode()
    assert "Télécharger le résultat" in detail and "supprimés dès le téléchargement" in detail
    assert "(25,0 % des lignes)" in detail
    summary = job.result["summary"]
    assert summary["lignes"] == 8 and summary["en_qpv"] == 2
    assert summary["par_qpv"] == {"QNTEST01": 1, "QNTEST02": 1}
    response = client.get(reverse("eligibility:batch_download", args=[job.pk]))
    assert response.status_code == 200
    rows = _read_result(response.content)
    assert list(rows[0])[:4] == ["Nom", "Adresse", "CP", "Ville"]
    assert list(rows[0])[4:] == [
        "qpv_code",
        "qpv_nom",
        "generation",
        "distance_qpv_m",
        "qpv_proche",
        "id_ban",
        "score",
        "label_ban",
        "type",
        "lon",
        "lat",
        "statut",
    ]
    by_name = {r["Nom"]: r for r in rows}
    assert by_name["Dupont"]["qpv_code"] == "QNTEST01" and by_name["Dupont"]["statut"] == "ok"
    assert by_name["Lefèvre"]["qpv_code"] == "" and by_name["Lefèvre"]["statut"] == "ok"  # in the hole
    assert by_name["Martin"]["qpv_code"] == "QNTEST02"
    assert by_name["Bernard"]["statut"] == "ok_voie" and by_name["Bernard"]["distance_qpv_m"] == "158"
    assert by_name["Moreau"]["statut"] == "introuvable"
    assert by_name["Leroy"]["statut"] == "hors_france"
    assert by_name["Petit"]["statut"] == by_name["Durand"]["statut"] == "adresse_vide"
    # Downloaded once: deleted from the server.
    assert client.get(reverse("eligibility:batch_download", args=[job.pk])).status_code == 404
    assert not any(batch.root().iterdir())
    assert "Résultat téléchargé" in client.get(reverse("eligibility:batch_detail", args=[job.pk])).content.decode()


@pytest.mark.usefixtures("outlines", "stub_geocoder")
def test_batch_xlsx_with_separate_number_column(client, world, run_jobs):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["numero", "voie", "code_postal", "commune"])
    ws.append([12, "rue du Carré", "99100", "Testville"])
    ws.append([3, "chemin de l'Îlot", "99100", "Testville"])
    buffer = io.BytesIO()
    wb.save(buffer)
    client.force_login(world.users["chef"])
    job, page = _run_batch(client, run_jobs, buffer.getvalue(), name="liste.xlsx")
    assert page.context["form"]["numero"].value() == "numero"
    assert page.context["form"]["adresse"].value() == "voie"
    assert job.result["summary"]["par_qpv"] == {"QNTEST01": 1, "QNTEST02": 1}


@pytest.mark.usefixtures("outlines", "stub_geocoder")
def test_batch_coordinates_columns_and_quoted_newlines_and_ragged(client, world, run_jobs):
    content = (
        "id,commentaire,longitude,latitude\n"
        '1,"sur deux\nlignes",1.003,45.003\n'
        "2,loin,-30.0,45.0\n"
        "3,illisible,abc,45\n"
        "4,trop,1.003,45.003,en trop\n"
        '5,virgule décimale,"1,032","45,002"\n'
    ).encode()
    client.force_login(world.users["partenaire"])
    job, page = _run_batch(client, run_jobs, content)
    assert page.context["form"]["lon"].value() == "longitude"
    response = client.get(reverse("eligibility:batch_download", args=[job.pk]))
    rows = {r["id"]: r for r in _read_result(response.content)}
    assert rows["1"]["commentaire"] == "sur deux\nlignes" and rows["1"]["qpv_code"] == "QNTEST01"
    assert rows["1"]["statut"] == "ok_coordonnees"
    assert rows["2"]["statut"] == "hors_france"
    assert rows["3"]["statut"] == "coordonnees_invalides"
    assert rows["4"]["statut"] == "ligne_irreguliere" and rows["4"]["latitude"].endswith("en trop")
    assert rows["5"]["qpv_code"] == "QNTEST02"


@pytest.mark.parametrize(
    "content, name, message",
    [
        (b"", "vide.csv", "Le fichier soumis est vide."),
        (b"\r\n\r\n  \r\n", "blanc.csv", "Le fichier est vide."),
        (b"adresse;cp\r\n", "entetes.csv", "ne contient que la ligne d&#x27;en-têtes"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "ancien.xls", "Format non reconnu"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "ancien.csv", "Ancien format Excel"),
        (b"\x00\x01\x02binaire" * 10, "binaire.csv", "n&#x27;est pas un fichier texte"),
        (b"PK\x03\x04pas un classeur", "faux.xlsx", "pas un classeur Excel"),
        (b'adresse;cp\r\n"guillemet jamais ferme;62100\r\n' + b"x" * 1_100_000, "casse.csv", "illisible"),
    ],
)
def test_bad_uploads_give_a_french_error_and_keep_nothing(client, world, content, name, message):
    client.force_login(world.users["lecteur"])
    response = _upload(client, content, name)
    assert response.status_code == 200
    assert message in response.content.decode()
    root = batch.root()
    assert not root.exists() or not any(root.iterdir())


def test_upload_size_limit(client, world, settings):
    settings.GEOCODING_MAX_UPLOAD_MB = 1
    client.force_login(world.users["lecteur"])
    response = _upload(client, b"adresse\n" + b"1 rue du Carre\n" * 71_000)  # just over 1 Mo: past the header check
    html = response.content.decode()
    assert "la limite est de 1 Mo par envoi" in html and "quartiers eligibilite" in html


def test_a_gigabyte_upload_is_refused_before_reading_it(client, world):
    client.force_login(world.users["lecteur"])
    response = client.post(
        reverse("eligibility:batch"),
        data=b"x" * 10,
        content_type="multipart/form-data; boundary=b",
        CONTENT_LENGTH=str(1024**3),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Le fichier pèse 1,0 Go : la limite est de 50 Mo par envoi." in html


@pytest.mark.usefixtures("outlines", "stub_geocoder")
def test_mapping_requires_an_address_column(client, world):
    client.force_login(world.users["lecteur"])
    url = _upload(client, _csv())["Location"]
    response = client.post(url, {"generation": 2024})
    assert "Choisissez au moins la colonne de l&#x27;adresse" in response.content.decode()
    assert not Job.objects.exists()


@pytest.mark.usefixtures("outlines", "stub_geocoder")
def test_resume_after_a_crash_continues_from_the_last_row_written(client, world, run_jobs, monkeypatch):
    rows = [f"P{i};12 rue du Carré;99100;Testville" for i in range(1200)]
    monkeypatch.setattr(batch, "CHUNK_ROWS", 500)
    calls = {"n": 0}
    real = batch.answers.process_chunk

    def crash_on_second_chunk(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker tué")
        return real(*args, **kwargs)

    monkeypatch.setattr(batch.answers, "process_chunk", crash_on_second_chunk)
    client.force_login(world.users["chef"])
    job, _ = _run_batch(client, run_jobs, _csv(rows=rows))
    assert job.status == Job.Status.FAILED
    assert job.state["next_row"] == 500
    assert client.get(reverse("eligibility:batch_download", args=[job.pk])).status_code == 404  # no partial result
    # What recover_stale does for a resumable job: re-queue it; it goes on from row 500.
    Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED)
    run_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.result["summary"]["lignes"] == 1200
    result = _read_result(client.get(reverse("eligibility:batch_download", args=[job.pk])).content)
    assert [r["Nom"] for r in result] == [f"P{i}" for i in range(1200)]
    assert calls["n"] == 4  # chunk 1, crash, then chunks 2 and 3 only


@pytest.mark.usefixtures("outlines", "stub_geocoder")
def test_only_the_owner_sees_and_downloads(client, world, run_jobs):
    client.force_login(world.users["chef"])
    job, _ = _run_batch(client, run_jobs, _csv())
    client.force_login(world.users["autre_chef"])
    assert client.get(reverse("eligibility:batch_detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("eligibility:batch_download", args=[job.pk])).status_code == 404
    client.force_login(world.users["admin"])
    assert client.get(reverse("eligibility:batch_download", args=[job.pk])).status_code == 200


def test_purge_after_24_hours(client, world, settings):
    client.force_login(world.users["lecteur"])
    url = _upload(client, _csv())["Location"]
    token = url.rstrip("/").split("/")[-1]
    folder = batch.batch_dir(token)
    meta = json.loads((folder / "meta.json").read_text())
    assert batch.purge_expired() == 0
    meta["created"] = time.time() - 25 * 3600
    (folder / "meta.json").write_text(json.dumps(meta))
    html = client.get(reverse("eligibility:batch")).content.decode()  # the page load purges
    assert "au plus tard 24 heures après le dépôt" in html
    assert not folder.exists()
    assert client.get(url).status_code == 404


def test_recent_batches_query_count_does_not_grow(client, world, django_assert_num_queries):
    client.force_login(world.users["chef"])
    Job.objects.create(kind=batch.JOB_KIND, label="lot", owner=world.users["chef"])
    client.get(reverse("eligibility:batch"))  # warm the spatial index and the session
    with django_assert_num_queries(QUERIES_BATCH_PAGE):
        client.get(reverse("eligibility:batch"))
    for i in range(12):
        Job.objects.create(kind=batch.JOB_KIND, label=f"lot {i}", owner=world.users["chef"])
    with django_assert_num_queries(QUERIES_BATCH_PAGE):
        response = client.get(reverse("eligibility:batch"))
    assert response.content.decode().count("lot ") >= 10


QUERIES_BATCH_PAGE = 7  # session, user, memberships, index fingerprint (2), purge, recent jobs
