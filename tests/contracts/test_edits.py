"""Edits after creation: the strategic tree, the contract's information and documents, corrections."""

import datetime as dt
import html

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quartiers.contracts import services
from quartiers.contracts.models import ContractDocument, Evidence, Measurement, Objective, Pillar
from quartiers.core.models import AuditEvent
from tests.contracts.helpers import bailleur_commitment, first_indicator, make_commitment, make_contract


def _text(response):
    return html.unescape(response.content.decode())


def _titles(contract, cross_cutting=False):
    return list(
        contract.pillars.filter(cross_cutting=cross_cutting).order_by("order", "title").values_list("title", flat=True)
    )


# ---- Strategic tree ----


def test_chef_builds_the_tree(world, login):
    contract = make_contract(world)
    client = login(world.users["chef"])
    url = reverse("contracts:pillar_add", args=[contract.pk])
    assert client.post(url, {"title": "Santé", "cross_cutting": "0"}).status_code == 302
    assert client.post(url, {"title": "Numérique", "cross_cutting": "1"}).status_code == 302
    assert _titles(contract) == ["Emploi et développement économique", "Santé"]
    assert _titles(contract, cross_cutting=True) == ["Jeunesse", "Numérique"]

    sante = contract.pillars.get(title="Santé")
    add = reverse("contracts:objective_add", args=[contract.pk])
    assert client.post(add, {"under": f"p{sante.pk}", "title": "Accès aux soins"}).status_code == 302
    strategic = Objective.objects.get(title="Accès aux soins")
    assert (strategic.level, strategic.pillar, strategic.parent) == ("strategique", sante, None)
    assert client.post(add, {"under": f"o{strategic.pk}", "title": "Maison de santé"}).status_code == 302
    operational = Objective.objects.get(title="Maison de santé")
    assert (operational.level, operational.pillar, operational.parent) == ("operationnel", sante, strategic)

    page = _text(client.get(reverse("contracts:detail", args=[contract.pk])))
    assert "Accès aux soins" in page and "Maison de santé" in page and "Axe transversal : Numérique" in page
    actions = set(AuditEvent.objects.filter(object_id=str(contract.pk)).values_list("action", flat=True))
    assert {"pilier ajouté", "axe transversal ajouté", "objectif ajouté"} <= actions


def test_rename_and_reorder(world, login):
    contract = make_contract(world)
    client = login(world.users["chef"])
    sante = services.add_pillar(None, contract, title="Santé")
    rename = reverse("contracts:node_rename", args=[contract.pk, "pilier", sante.pk])
    assert client.post(rename, {"title": "Santé et sport"}).status_code == 302
    move = reverse("contracts:node_move", args=[contract.pk, "pilier", sante.pk])
    assert client.post(move, {"direction": "up"}).status_code == 302
    assert _titles(contract) == ["Santé et sport", "Emploi et développement économique"]
    # Already first: refused with a French message, nothing moves.
    response = client.post(move, {"direction": "up"})
    assert response.status_code == 400
    assert "Cet élément est déjà en bout de liste." in _text(response)
    assert _titles(contract) == ["Santé et sport", "Emploi et développement économique"]
    event = AuditEvent.objects.get(action="pilier renommé")
    assert event.changes == {"intitulé": ["Santé", "Santé et sport"]}


def test_objectives_reorder_among_their_siblings(world):
    contract = make_contract(world)
    pillar = contract.pillars.get(title="Emploi et développement économique")
    first = pillar.objectives.get(level="strategique")
    second = services.add_objective(None, contract, pillar=pillar, title="Créer des entreprises")
    services.move_node(None, contract, second, "up")
    ordered = list(pillar.objectives.filter(level="strategique").order_by("order").values_list("pk", flat=True))
    assert ordered == [second.pk, first.pk]


def test_removal_refused_while_commitments_point_to_it(world, login):
    contract = make_contract(world)
    objective = Objective.objects.get(title="Mobilité")
    make_commitment(world, pillar=objective.pillar, objective=objective)
    client = login(world.users["chef"])
    for kind, node in (("pilier", objective.pillar), ("objectif", objective.parent), ("objectif", objective)):
        url = reverse("contracts:node_delete", args=[contract.pk, kind, node.pk])
        page = _text(client.get(url))
        assert "Recruter des habitants des QPV pour l'entretien" in page  # the blocking commitment is listed
        response = client.post(url)
        assert response.status_code == 400
        assert "Suppression impossible : 1 engagement relève de cet élément." in _text(response)
    assert Objective.objects.filter(pk=objective.pk).exists()
    assert contract.pillars.count() == 2
    assert not AuditEvent.objects.filter(action__endswith="supprimé").exists()


def test_removal_takes_the_objectives_under_it(world, login):
    contract = make_contract(world)
    pillar = contract.pillars.get(title="Emploi et développement économique")
    response = login(world.users["chef"]).post(
        reverse("contracts:node_delete", args=[contract.pk, "pilier", pillar.pk])
    )
    assert response.status_code == 302
    assert not Pillar.objects.filter(pk=pillar.pk).exists()
    assert not Objective.objects.filter(pillar__contract=contract).exists()
    assert AuditEvent.objects.get(action="pilier supprimé").changes == {"intitulé": pillar.title}


def test_tree_bad_input(world, login):
    contract = make_contract(world)
    other = make_contract_dunkerque(world)
    client = login(world.users["chef"])
    before = (Pillar.objects.count(), Objective.objects.count())

    response = client.post(reverse("contracts:pillar_add", args=[contract.pk]), {"title": " ", "cross_cutting": "0"})
    assert response.status_code == 400 and "Donnez un intitulé." in _text(response)
    response = client.post(
        reverse("contracts:pillar_add", args=[contract.pk]), {"title": "jeunesse", "cross_cutting": "1"}
    )
    assert "Ce contrat a déjà un pilier ou un axe de cet intitulé." in _text(response)
    foreign = other.pillars.first()
    response = client.post(
        reverse("contracts:objective_add", args=[contract.pk]), {"under": f"p{foreign.pk}", "title": "Intrus"}
    )
    assert response.status_code == 400 and "Choisissez où rattacher l'objectif." in _text(response)
    operational = Objective.objects.get(title="Mobilité")
    response = client.post(
        reverse("contracts:objective_add", args=[contract.pk]), {"under": f"o{operational.pk}", "title": "Trop bas"}
    )
    assert response.status_code == 400  # only three levels: nothing under an operational objective
    rename = reverse("contracts:node_rename", args=[contract.pk, "objectif", operational.pk])
    assert "Donnez un intitulé." in _text(client.post(rename, {"title": ""}))
    assert client.post(reverse("contracts:node_move", args=[contract.pk, "feuille", 1])).status_code == 404
    # A node of another contract is not reachable through this contract.
    assert client.post(reverse("contracts:node_delete", args=[contract.pk, "pilier", foreign.pk])).status_code == 404
    assert (Pillar.objects.count(), Objective.objects.count()) == before
    assert Objective.objects.get(pk=operational.pk).title == "Mobilité"


def make_contract_dunkerque(world):
    from quartiers.contracts.models import Contract

    contract = Contract.objects.create(
        generation="2015-2023", name="Contrat de Dunkerque (test)", departement=world.nord, epci=world.dunkerque_cu
    )
    Pillar.objects.create(contract=contract, title="Cadre de vie")
    return contract


def test_structure_page_query_count_does_not_grow(world, login, django_assert_num_queries):
    contract = make_contract(world)
    client = login(world.users["chef"])
    url = reverse("contracts:structure", args=[contract.pk])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # the reference cache warm (the EPCI's communes, territories/refcache.py)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(6):
        pillar = services.add_pillar(None, contract, title=f"Pilier {i}", cross_cutting=bool(i % 2))
        for j in range(3):
            strategic = services.add_objective(None, contract, pillar=pillar, title=f"OS {i}.{j}")
            services.add_objective(None, contract, parent=strategic, title=f"OO {i}.{j}")
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert "OO 5.2" in _text(page)


# ---- General information and documents ----


def test_chef_edits_the_contract_information(world, login):
    contract = make_contract(world)
    contract.qpvs.remove(world.qpv_beau_marais)
    client = login(world.users["chef"])
    url = reverse("contracts:contract_edit", args=[contract.pk])
    form = _text(client.get(url))
    assert "<legend>Quartiers prioritaires couverts" in form and world.qpv_beau_marais.nom in form
    response = client.post(
        url,
        {
            "local_pilot": world.orgs["agglo"].pk,
            "state_pilot": world.orgs["irev"].pk,
            "signed_on": "15/03/2024",
            "summary": "Un contrat pour quatre quartiers.",
            "qpvs": [world.qpv.pk, world.qpv_beau_marais.pk],
        },
    )
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.signed_on == dt.date(2024, 3, 15) and contract.state_pilot == world.orgs["irev"]
    assert set(contract.qpvs.all()) == {world.qpv, world.qpv_beau_marais}
    event = AuditEvent.objects.get(action="contrat de ville modifié")
    assert event.changes["signed_on"] == ["", "2024-03-15"] and "qpv" in event.changes
    assert "Un contrat pour quatre quartiers." in _text(client.get(reverse("contracts:detail", args=[contract.pk])))


def test_contract_information_bad_input(world, login):
    contract = make_contract(world)
    client = login(world.users["chef"])
    url = reverse("contracts:contract_edit", args=[contract.pk])
    response = client.post(url, {"signed_on": "2024-15-03", "summary": "Changé", "qpvs": [world.qpv.pk]})
    assert response.status_code == 400 and "Date invalide : utilisez le format jj/mm/aaaa." in _text(response)
    # A QPV of another territory (Dunkerque) cannot be covered by the Calais contract.
    response = client.post(url, {"summary": "Changé", "qpvs": [world.qpv_dunkerque.pk]})
    assert response.status_code == 400 and "Ce quartier n'est pas dans le territoire du contrat." in _text(response)
    contract.refresh_from_db()
    assert contract.summary == "" and contract.qpvs.count() == 2
    assert not AuditEvent.objects.filter(action="contrat de ville modifié").exists()


def _pdf(name="contrat.pdf", body=b"%PDF-1.4\n%contrat\n"):
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def test_documents_upload_list_download(world, login):
    contract = make_contract(world)
    client = login(world.users["chef"])
    response = client.post(
        reverse("contracts:document_add", args=[contract.pk]),
        {"title": "Contrat signé", "published_on": "01/03/2024", "file": _pdf()},
    )
    assert response.status_code == 302
    document = ContractDocument.objects.get()
    assert (document.content_type, document.uploaded_by) == ("application/pdf", world.users["chef"])
    page = _text(login(world.users["lecteur"]).get(reverse("contracts:detail", args=[contract.pk])))
    assert "Contrat signé" in page and "01/03/2024" in page
    download = login(world.users["lecteur"]).get(
        reverse("contracts:document_download", args=[contract.pk, document.pk])
    )
    assert download.status_code == 200 and download.content == b"%PDF-1.4\n%contrat\n"
    assert download["Content-Type"] == "application/pdf"


def test_documents_bad_input(world, login, settings):
    contract = make_contract(world)
    client = login(world.users["chef"])
    url = reverse("contracts:document_add", args=[contract.pk])
    response = client.post(url, {"title": "Faux PDF", "file": _pdf("faux.pdf", b"MZ\x90\x00 not a pdf")})
    assert response.status_code == 400
    assert "Type de fichier refusé : seuls les PDF, PNG, JPEG et documents bureautiques sont acceptés." in _text(
        response
    )
    settings.UPLOAD_MAX_ATTACHMENT_MB = 0.00001  # the limit of core.filetypes.LIMITS, as a deployment sets it
    response = client.post(url, {"title": "Trop gros", "file": _pdf()})
    assert response.status_code == 400 and "la taille maximale est de 10" in _text(response)
    response = client.post(url, {"title": "", "file": _pdf()})
    assert "Donnez un titre au document." in _text(response)
    assert not ContractDocument.objects.exists()
    assert not AuditEvent.objects.filter(action="document du contrat ajouté").exists()


def test_contract_page_query_count_with_documents(world, login):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    contract = make_contract(world)
    client = login(world.users["lecteur"])
    url = reverse("contracts:detail", args=[contract.pk])
    services.add_document(None, contract, title="Doc 0", uploaded=_pdf())
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(1, 8):
        services.add_document(None, contract, title=f"Doc {i}", uploaded=_pdf())
    cache.clear()  # documents are not in the cached fragments: compare two pages built from scratch
    with CaptureQueriesContext(connection) as many:
        assert "Doc 7" in _text(client.get(url))
    assert len(few.captured_queries) == len(many.captured_queries)


# ---- Corrections ----


def test_owner_partner_deletes_a_wrong_measured_value(world, login):
    commitment = bailleur_commitment(world)
    indicator = first_indicator(commitment)
    good = services.record_measurement(None, indicator, measured_on=dt.date(2025, 3, 31), value=2)
    wrong = services.record_measurement(None, indicator, measured_on=dt.date(2025, 6, 30), value=200)
    client = login(world.users["partenaire"])
    url = reverse("contracts:measurement_delete", args=[commitment.pk, indicator.pk, wrong.pk])
    confirm = _text(client.get(url))
    assert "Supprimer la valeur 200 du 30/06/2025 (Recrutements)" in confirm
    assert Measurement.objects.filter(pk=wrong.pk).exists()  # the confirmation page deletes nothing
    assert client.post(url, {"reason": "Erreur de saisie"}).status_code == 302
    assert list(Measurement.objects.all()) == [good]
    event = AuditEvent.objects.get(action="valeur mesurée supprimée")
    assert (event.actor, event.changes["valeur"], event.changes["motif"]) == (
        world.users["partenaire"],
        "200.00",
        "Erreur de saisie",
    )
    page = _text(client.get(reverse("contracts:commitment_detail", args=[commitment.pk])))
    assert "Corrections" in page and "Valeur mesurée supprimée" in page and "Erreur de saisie" in page


def test_measured_value_of_another_indicator_is_not_reachable(world, login):
    commitment = bailleur_commitment(world)
    other = make_commitment(world, title="Autre engagement")
    m = services.record_measurement(None, first_indicator(other), measured_on=dt.date(2025, 1, 1), value=1)
    url = reverse("contracts:measurement_delete", args=[commitment.pk, first_indicator(commitment).pk, m.pk])
    assert login(world.users["chef"]).post(url).status_code == 404
    assert Measurement.objects.filter(pk=m.pk).exists()


def test_evidence_removed_but_kept_in_the_history(world, login):
    commitment = bailleur_commitment(world)
    evidence = services.add_evidence(None, commitment, title="Bilan faux", uploaded=_pdf("bilan.pdf"))
    client = login(world.users["chef"])
    url = reverse("contracts:evidence_delete", args=[commitment.pk, evidence.pk])
    assert "Retirer la pièce « Bilan faux »" in _text(client.get(url))
    assert client.post(url, {"reason": "Mauvais fichier"}).status_code == 302
    evidence.refresh_from_db()
    assert evidence.removed_by == world.users["chef"] and evidence.removal_reason == "Mauvais fichier"
    assert evidence.file.storage.exists(evidence.file.name)  # kept on disk
    page = _text(client.get(reverse("contracts:commitment_detail", args=[commitment.pk])))
    assert "Pièces retirées" in page and "Mauvais fichier" in page
    assert reverse("contracts:evidence_download", args=[commitment.pk, evidence.pk]) not in page
    assert client.get(reverse("contracts:evidence_download", args=[commitment.pk, evidence.pk])).status_code == 404
    # Removing twice: the piece is no longer in the list of removable pieces.
    assert client.post(url).status_code == 404
    assert AuditEvent.objects.filter(action="pièce justificative retirée").count() == 1
    assert Evidence.objects.count() == 1


def test_partner_cannot_correct_another_organisations_values(world, login):
    from tests.contracts.helpers import state_commitment

    commitment = state_commitment(world)
    indicator = first_indicator(commitment)
    m = services.record_measurement(None, indicator, measured_on=dt.date(2025, 1, 1), value=1)
    client = login(world.users["partenaire"])
    url = reverse("contracts:measurement_delete", args=[commitment.pk, indicator.pk, m.pk])
    assert client.post(url).status_code == 403
    assert Measurement.objects.filter(pk=m.pk).exists()
    page = _text(client.get(reverse("contracts:commitment_detail", args=[commitment.pk])))
    assert url not in page


def test_checkbox_groups_are_fieldsets(world, login):
    contract = make_contract(world)
    page = _text(login(world.users["chef"]).get(reverse("contracts:commitment_create", args=[contract.pk])))
    assert '<fieldset class="choices"' in page and "<legend>Quartiers concernés</legend>" in page
    assert '<label for="id_qpvs">' not in page  # no label pointing at the group's container


def test_commitment_page_query_count_with_corrections(world, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    commitment = bailleur_commitment(world)
    indicator = first_indicator(commitment)
    client = login(world.users["chef"])
    url = reverse("contracts:commitment_detail", args=[commitment.pk])

    def correct(n, start):
        for i in range(start, start + n):
            m = services.record_measurement(None, indicator, measured_on=dt.date(2025, 1, 1 + i), value=i)
            services.delete_measurement(world.users["chef"], m, f"motif {i}")
            e = services.add_evidence(None, commitment, title=f"Pièce {i}", uploaded=_pdf())
            services.remove_evidence(world.users["chef"], e, f"retrait {i}")
            services.add_evidence(None, commitment, title=f"Gardée {i}", uploaded=_pdf())

    correct(1, 0)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    correct(8, 1)
    with CaptureQueriesContext(connection) as many:
        page = _text(client.get(url))
    assert "motif 8" in page and "retrait 8" in page and "Gardée 8" in page
    assert len(few.captured_queries) == len(many.captured_queries)
