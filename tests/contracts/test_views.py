import datetime as dt
import html

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quartiers.contracts import services
from quartiers.contracts.models import Commitment, Contract, Evidence, Indicator, Measurement
from tests.contracts.helpers import (
    bailleur_commitment,
    first_indicator,
    make_commitment,
    make_contract,
    state_commitment,
)


def _text(response):
    return html.unescape(response.content.decode())


def _measure_url(commitment):
    return reverse("contracts:measurement_add", args=[commitment.pk, first_indicator(commitment).pk])


def test_partner_records_a_measured_value_on_its_own_commitment(world, login):
    commitment = bailleur_commitment(world)
    client = login(world.users["partenaire"])
    response = client.post(_measure_url(commitment), {"measured_on": "31/12/2025", "value": "7,5", "comment": "Bilan"})
    assert response.status_code == 302
    measurement = Measurement.objects.get()
    assert (measurement.measured_on, str(measurement.value), measurement.recorded_by) == (
        dt.date(2025, 12, 31),
        "7.50",
        world.users["partenaire"],
    )
    page = _text(client.get(reverse("contracts:commitment_detail", args=[commitment.pk])))
    assert "<svg" in page and "7,5" in page and "Valeur mesurée enregistrée." in page


def test_partner_cannot_update_another_organisations_commitment(world, login):
    commitment = state_commitment(world)
    client = login(world.users["partenaire"])
    assert client.post(_measure_url(commitment), {"measured_on": "31/12/2025", "value": "1"}).status_code == 403
    page = _text(client.get(reverse("contracts:commitment_detail", args=[commitment.pk])))
    assert "Enregistrer la valeur" not in page
    assert not Measurement.objects.exists()


def test_measured_value_not_a_number(world, login):
    commitment = bailleur_commitment(world)
    response = login(world.users["partenaire"]).post(
        _measure_url(commitment), {"measured_on": "31/12/2025", "value": "douze"}
    )
    assert response.status_code == 400
    assert "La valeur doit être un nombre (ex. 12 ou 12,5)." in _text(response)
    assert not Measurement.objects.exists()


def test_date_in_the_wrong_format(world, login):
    commitment = bailleur_commitment(world)
    response = login(world.users["chef"]).post(_measure_url(commitment), {"measured_on": "2025/31/12", "value": "3"})
    assert response.status_code == 400
    assert "Date invalide : utilisez le format jj/mm/aaaa." in _text(response)
    assert not Measurement.objects.exists()


def _new_commitment_data(world, **extra):
    data = {
        "kind": "signataire",
        "organisation": world.orgs["agglo"].pk,
        "title": "Guichet emploi",
        "indicator_label": "Personnes reçues",
        "indicator_unit": "personnes",
        "indicator_target": "100",
    }
    data.update(extra)
    return data


def test_chef_creates_a_commitment_with_its_indicator(world, login):
    contract = make_contract(world)
    response = login(world.users["chef"]).post(
        reverse("contracts:commitment_create", args=[contract.pk]),
        _new_commitment_data(world, due_on="31/12/2026", indicator_baseline="12,5"),
    )
    commitment = Commitment.objects.get(title="Guichet emploi")
    assert response["Location"] == reverse("contracts:commitment_detail", args=[commitment.pk])
    indicator = commitment.indicators.get()
    assert (str(indicator.baseline), str(indicator.target), commitment.due_on) == (
        "12.50",
        "100.00",
        dt.date(2026, 12, 31),
    )
    assert commitment.history.get().to_status == "prevu"


def test_commitment_without_target_nothing_written(world, login):
    contract = make_contract(world)
    response = login(world.users["chef"]).post(
        reverse("contracts:commitment_create", args=[contract.pk]), _new_commitment_data(world, indicator_target="")
    )
    assert response.status_code == 400
    assert "La cible de l'indicateur est obligatoire." in _text(response)
    assert not Commitment.objects.exists() and not Indicator.objects.exists()


def test_commitment_kind_rules(world, login):
    contract = make_contract(world)
    url = reverse("contracts:commitment_create", args=[contract.pk])
    client = login(world.users["chef"])
    response = client.post(url, _new_commitment_data(world, kind="paqte"))
    assert "Un engagement PAQTE relève d'un axe" in _text(response)
    response = client.post(url, _new_commitment_data(world, kind="deploiement", due_on="demain"))
    page = _text(response)
    assert "Le déploiement local porte sur une mesure nationale." in page and "Date invalide" in page
    assert not Commitment.objects.exists()


def test_evidence_of_the_wrong_type(world, login):
    commitment = bailleur_commitment(world)
    exe = SimpleUploadedFile("bilan.pdf", b"MZ\x90\x00\x03", content_type="application/pdf")
    response = login(world.users["partenaire"]).post(
        reverse("contracts:evidence_add", args=[commitment.pk]), {"title": "Bilan", "file": exe}
    )
    assert response.status_code == 400
    assert "Type de fichier refusé" in _text(response)
    assert not Evidence.objects.exists()


def test_evidence_download_keeps_the_content(world, login):
    commitment = bailleur_commitment(world)
    login(world.users["partenaire"]).post(
        reverse("contracts:evidence_add", args=[commitment.pk]),
        {"title": "Bilan", "file": SimpleUploadedFile("b.pdf", b"%PDF-1.4 contenu")},
    )
    evidence = Evidence.objects.get()
    response = login(world.users["lecteur"]).get(
        reverse("contracts:evidence_download", args=[commitment.pk, evidence.pk])
    )
    assert response.content == b"%PDF-1.4 contenu" and response["Content-Type"] == "application/pdf"


def test_status_change_through_the_page(world, login):
    commitment = bailleur_commitment(world)
    client = login(world.users["partenaire"])
    url = reverse("contracts:commitment_status", args=[commitment.pk])
    response = client.post(url, {"status": "abandonne", "comment": ""})
    assert response.status_code == 400 and "Dites pourquoi" in _text(response)
    client.post(url, {"status": "engage", "comment": "Lancé"})
    commitment.refresh_from_db()
    assert commitment.status == "engage"


def test_contract_page_shows_structure_signatories_and_posts(world, login):
    from quartiers.contracts.models import FundedPost

    contract = make_contract(world)
    bailleur_commitment(world)
    FundedPost.objects.create(
        programme="adultes_relais", post_id="A1", year=2025, structure="ASSO TEST", amount=7164, code_cv="CN06207M"
    )
    FundedPost.objects.create(
        programme="adultes_relais", post_id="A2", year=2025, structure="ASSO TEST", amount=7164, code_cv="CN06207M"
    )
    FundedPost.objects.create(
        programme="fonjep", post_id="D1", year=2025, structure="ASSO AUTRE", amount=7164, code_cv="CN05908M"
    )
    page = _text(login(world.users["lecteur"]).get(reverse("contracts:detail", args=[contract.pk])))
    for text in (
        "Lever les freins à l'emploi",
        "Mobilité",
        "Axe transversal : Jeunesse",
        "CA Grand Calais Terres et Mers (test)",
        "Bailleur social (test)",
        "ASSO TEST",
        "14",
    ):
        assert text in page
    assert "ASSO AUTRE" not in page


def test_matrix_page(world, login):
    contract = make_contract(world)
    bailleur_commitment(world)
    page = _text(login(world.users["lecteur"]).get(reverse("contracts:matrix", args=[contract.pk])))
    assert "Qui s'est engagé à quoi" in page and "Bailleur social (test)" in page
    assert "Emploi et développement économique" in page


def test_pdf_summary(world, login):
    contract = make_contract(world)
    bailleur_commitment(world)
    response = login(world.users["lecteur"]).get(reverse("contracts:pdf", args=[contract.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    from io import BytesIO

    from pypdf import PdfReader

    text = " ".join("".join(p.extract_text() for p in PdfReader(BytesIO(response.content)).pages).split())
    assert "Recruter des habitants des QPV" in text


def test_exports(world, login):
    contract = make_contract(world)
    bailleur_commitment(world)
    client = login(world.users["lecteur"])
    csv = client.get(reverse("contracts:commitments_export", args=[contract.pk]) + "?format=csv").content
    assert csv.startswith("\ufeff".encode()) and b"Bailleur social (test)" in csv
    listing = client.get(reverse("contracts:export") + "?format=csv&generation=2024-2030").content.decode("utf-8-sig")
    assert "CN06207M" in listing
    assert client.get(reverse("contracts:export") + "?format=pdf").status_code == 400


def _many(world, count):
    contract = make_contract(world)
    for i in range(count):
        other = Contract.objects.create(
            generation="2015-2023", name=f"Contrat {i}", departement=world.nord, epci=world.dunkerque_cu
        )
        services.create_commitment(
            None,
            other,
            kind="signataire",
            organisation=world.orgs["cud"],
            title=f"E{i}",
            indicator={"label": "x", "unit": "u", "target": 1},
        )
        c = services.create_commitment(
            None,
            contract,
            kind="signataire",
            organisation=world.orgs["bailleur"],
            title=f"C{i}",
            pillar=contract.pillars.first(),
            indicator={"label": "x", "unit": "u", "target": 10},
        )
        services.record_measurement(None, c.indicators.get(), measured_on=dt.date(2025, 1, 1 + i), value=i)
    return contract


def _count(client, url, warm=True):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if warm:  # caches warm (the reference data's, the page's own): the count of a page as it is served
        client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_query_counts_do_not_grow(world, login):
    client = login(world.users["lecteur"])
    contract = _many(world, 2)
    urls = [
        reverse("contracts:index"),
        reverse("contracts:detail", args=[contract.pk]),
        reverse("contracts:matrix", args=[contract.pk]),
        reverse("mobilisation:consolidation"),
    ]
    few = [_count(client, url) for url in urls]
    _many(world, 12)
    many = [_count(client, url) for url in urls]
    assert few == many
    assert max(few) < 25, few


def test_amendment_with_signatories(world, login):
    from quartiers.contracts.models import Amendment

    contract = make_contract(world)
    client = login(world.users["chef"])
    url = reverse("contracts:amendment_create", args=[contract.pk])
    response = client.post(url, {"kind": "perr_2019", "title": "PERR", "signed_on": "2019-13-45"})
    assert response.status_code == 400 and "Date invalide" in _text(response)
    assert not Amendment.objects.exists()
    client.post(
        url,
        {
            "kind": "perr_2019",
            "title": "PERR",
            "signed_on": "12/12/2019",
            "changes": "Révision",
            "signatories": [world.orgs["agglo"].pk],
        },
    )
    amendment = Amendment.objects.get()
    assert amendment.signed_on == dt.date(2019, 12, 12)
    assert list(amendment.signatories.all()) == [world.orgs["agglo"]]
    assert "Protocole d'engagements renforcés et réciproques (2019)" in _text(
        client.get(reverse("contracts:detail", args=[contract.pk]))
    )


def test_signatory_twice_is_refused(world, login):
    contract = make_contract(world)
    response = login(world.users["chef"]).post(
        reverse("contracts:signatory_add", args=[contract.pk]), {"organisation": world.orgs["agglo"].pk}
    )
    assert response.status_code == 400
    assert "Cette organisation est déjà signataire du contrat." in _text(response)


def test_follow_a_reference_contract_and_a_2015_contract(world, login):
    client = login(world.users["chef"])
    url = reverse("contracts:contract_create")
    response = client.post(url, {"generation": "2024-2030", "reference": "cn06207m"})
    contract = Contract.objects.get(reference__code="CN06207M")
    assert response["Location"] == reverse("contracts:detail", args=[contract.pk])
    assert set(contract.qpvs.values_list("code", flat=True)) == {"QN06253M", "QN06254M"}
    assert contract.pillars.filter(cross_cutting=False).count() == 3
    response = client.post(url, {"generation": "2024-2030", "reference": "CN06207M"})
    assert response.status_code == 400 and "Ce contrat de ville est déjà suivi." in _text(response)
    client.post(url, {"generation": "2015-2023", "territory": "200090751"})
    old = Contract.objects.get(generation="2015-2023")
    assert (old.reference, old.epci_id) == (None, "200090751")
    assert Contract.objects.count() == 2


def test_follow_contract_bad_input_and_other_territory(world, login):
    url = reverse("contracts:contract_create")
    client = login(world.users["chef"])
    for data, message in [
        ({"generation": "2024-2030", "reference": "CN99999X"}, "Aucun contrat de ville de référence n'a le code"),
        ({"generation": "2015-2023", "reference": "CN06207M"}, "génération 2024–2030"),
        ({"generation": "2015-2023", "territory": "12"}, "Aucune intercommunalité ni commune « 12 »"),
        ({"generation": "2015-2023"}, "Indiquez le contrat de référence ou le territoire"),
        ({"generation": "2015-2023", "territory": "99999"}, "Aucune commune n'a le code INSEE 99999."),
    ]:
        response = client.post(url, data)
        assert response.status_code == 400 and message in _text(response), data
    other = login(world.users["autre_chef"]).post(url, {"generation": "2015-2023", "territory": "200090751"})
    assert other.status_code == 403
    assert not Contract.objects.exists()


def test_commitment_with_objective_and_qpvs(world, login):
    from quartiers.contracts.models import Objective

    contract = make_contract(world)
    operational = Objective.objects.get(level="operationnel")
    other_pillar = contract.pillars.get(title="Jeunesse")
    url = reverse("contracts:commitment_create", args=[contract.pk])
    client = login(world.users["chef"])
    response = client.post(url, _new_commitment_data(world, objective=operational.pk, pillar=other_pillar.pk))
    assert "Cet objectif relève d'un autre pilier." in _text(response)
    client.post(url, _new_commitment_data(world, objective=operational.pk, qpvs=[world.qpv.pk]))
    commitment = Commitment.objects.get()
    assert commitment.pillar == operational.pillar
    assert list(commitment.qpvs.values_list("code", flat=True)) == ["QN06253M"]


def test_late_commitments_are_counted_and_flagged(world, login):
    make_commitment(world, due_on=dt.date(2020, 6, 30), title="Engagement oublié")
    make_commitment(world, due_on=dt.date(2020, 6, 30), title="Engagement tenu", status="realise")
    client = login(world.users["lecteur"])
    csv = client.get(reverse("contracts:export") + "?format=csv").content.decode("utf-8-sig").splitlines()
    header, row = csv[0].split(";"), csv[1].split(";")
    assert dict(zip(header, row, strict=True))["Engagements en retard"] == "1"
    page = _text(client.get(reverse("contracts:detail", args=[make_contract(world).pk])))
    assert page.count("En retard") == 1


def test_qpv_fiche_links_to_followed_contract(world, login):
    contract = Contract.objects.create(
        reference=world.contrat,
        generation="2024-2030",
        name="Contrat suivi test",
        departement=world.pas_de_calais,
        epci=world.grand_calais,
    )
    url = reverse("territories:qpv_detail", args=[world.qpv.code])
    page = login(world.users["lecteur"]).get(url).content.decode()
    assert reverse("contracts:detail", args=[contract.pk]) in page
    assert reverse("contracts:detail", args=[contract.pk]) not in login(None).get(url).content.decode()


def _commitments(world, contract, count, start=0):
    for i in range(start, start + count):
        c = services.create_commitment(
            None,
            contract,
            kind="signataire",
            organisation=world.orgs["bailleur" if i % 2 else "agglo"],
            title=f"Engagement {i:03d}",
            indicator={"label": "x", "unit": "u", "baseline": 0, "target": 10},
        )
        indicator = c.indicators.get()
        services.record_measurement(None, indicator, measured_on=dt.date(2025, 1, 1), value=2)
        services.record_measurement(None, indicator, measured_on=dt.date(2025, 6, 1), value=i % 11)


def test_contract_page_queries_stay_constant_from_24_to_240_commitments(world, login):
    client = login(world.users["lecteur"])
    contract = make_contract(world)
    url = reverse("contracts:detail", args=[contract.pk])
    client.get(url)  # the reference cache warm; every count below builds the page (a new contract version)
    _commitments(world, contract, 24)
    few = _count(client, url, warm=False)
    _commitments(world, contract, 216, start=24)
    assert _count(client, url, warm=False) == few
    page = client.get(url).content.decode()
    assert "Engagements 1 à 50 sur 240" in page and page.count('href="/contrats/engagements/') == 50
    last = client.get(url, {"page": 5}).content.decode()
    assert "Engagements 201 à 240 sur 240" in last


def test_progress_from_the_latest_value_annotation_matches_the_measurement_history(world):
    contract = make_contract(world)
    _commitments(world, contract, 12)
    history = {c.pk: c.progress for c in contract.commitments.with_progress_data()}
    annotated = {c.pk: c.progress for c in contract.commitments.with_progress()}
    assert annotated == history
    assert sorted(set(history.values())) == [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
