"""The contract page's structure and commitments are cached per contract version: a second visit costs fewer
queries, and every write of what they show is on the next page — through the services, a bulk move, a plain
model save, a rename in another module."""

import datetime as dt
import html
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quartiers.contracts import services
from quartiers.contracts.models import Commitment, Contract, Measurement, Objective
from quartiers.mobilisation.catalogue import seed_measures
from quartiers.mobilisation.models import Measure
from tests.contracts.helpers import first_indicator, make_commitment


def _page(client, contract, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("contracts:detail", args=[contract.pk]), params)
    assert response.status_code == 200
    return html.unescape(response.content.decode()), len(ctx.captured_queries)


def _without_csrf(page):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def test_second_visit_is_served_from_the_cache_with_the_same_page(world, login):
    commitment = make_commitment(world)
    services.record_measurement(None, first_indicator(commitment), measured_on=dt.date(2025, 1, 1), value=4)
    client = login(world.users["lecteur"])
    first, built = _page(client, commitment.contract)
    second, cached = _page(client, commitment.contract)
    assert _without_csrf(second) == _without_csrf(first) and "40 %" in second
    assert cached < built
    # Another user of other rights gets the same fragments (they hold no per-user link) but his own page.
    chef_page, _ = _page(login(world.users["chef"]), commitment.contract)
    assert "Ajouter un engagement" in chef_page and "Ajouter un engagement" not in second


def test_every_write_of_what_the_fragments_show_is_on_the_next_page(world, login):
    seed_measures()
    commitment = make_commitment(world)
    contract = commitment.contract
    client = login(world.users["lecteur"])
    indicator = first_indicator(commitment)

    def shows(text):
        page, _ = _page(client, contract)
        return text in page

    assert shows("Recruter des habitants") and not shows("70 %")
    services.record_measurement(None, indicator, measured_on=dt.date(2025, 6, 1), value=7)
    assert shows("70 %")
    services.record_measurement(None, indicator, measured_on=dt.date(2025, 6, 1), value=9)  # corrected
    assert shows("90 %")
    services.delete_measurement(None, Measurement.objects.get(value=9))
    assert not shows("90 %")
    services.change_status(None, commitment, "realise")
    assert shows("Réalisé")
    pillar = commitment.pillar
    services.rename_node(None, contract, pillar, "Emploi, insertion et économie")
    assert shows("Emploi, insertion et économie")
    services.add_objective(None, contract, pillar=pillar, title="Soutenir les créations d'entreprises")
    assert shows("Soutenir les créations d'entreprises")
    Objective.objects.filter(title="Soutenir les créations d'entreprises").get().delete()
    assert not shows("Soutenir les créations d'entreprises")


def test_writes_that_send_no_signal_or_come_from_other_modules_change_the_version(world, login):
    seed_measures()
    measure = Measure.objects.get(code="emplois-francs")
    commitment = make_commitment(world, kind="deploiement", measure=measure, title="Déployer les emplois francs")
    contract = commitment.contract
    client = login(world.users["lecteur"])
    jeunesse = contract.pillars.get(title="Jeunesse")
    services.add_pillar(None, contract, title="Santé", cross_cutting=True)
    page, _ = _page(client, contract)
    assert page.index("Jeunesse") < page.index("Santé")
    before = Contract.objects.get(pk=contract.pk).version
    services.move_node(None, contract, jeunesse, "down")  # a bulk update: no signal
    assert Contract.objects.get(pk=contract.pk).version != before
    page, _ = _page(client, contract)
    assert page.index("Santé") < page.index("Jeunesse")
    organisation = commitment.organisation
    organisation.name = "Habitat du Littoral (nouveau nom)"
    organisation.save()
    measure.title = "Emplois francs (intitulé 2026)"
    measure.save()
    page, _ = _page(client, contract)
    assert "Habitat du Littoral (nouveau nom)" in page and "Emplois francs (intitulé 2026)" in page


def test_a_commitment_turns_late_at_midnight_without_any_write(world, login):
    from unittest import mock

    commitment = make_commitment(world, due_on=dt.date(2026, 3, 1))
    Commitment.objects.filter(pk=commitment.pk).update(status="engage")
    Contract.objects.filter(pk=commitment.contract_id).update(version=1)  # the update above sent no signal
    client = login(world.users["lecteur"])
    with mock.patch("django.utils.timezone.localdate", return_value=dt.date(2026, 2, 28)):
        before, _ = _page(client, commitment.contract)
    with mock.patch("django.utils.timezone.localdate", return_value=dt.date(2026, 3, 2)):
        after, _ = _page(client, commitment.contract)
    assert "En retard" not in before and "En retard" in after


def test_the_page_number_in_the_key_is_normalised(world, login):
    commitment = make_commitment(world)
    client = login(world.users["lecteur"])
    for page in ("abc", "-1", "99999999999"):
        text, _ = _page(client, commitment.contract, page=page)
        assert "Recruter des habitants" in text


def test_documents_signatories_avenants_and_funded_posts_are_on_the_next_page(world, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from quartiers.accounts.models import Organisation

    commitment = make_commitment(world)
    contract = commitment.contract
    client = login(world.users["lecteur"])
    assert "Aucun avenant." in _page(client, contract)[0]
    pdf = SimpleUploadedFile("contrat.pdf", b"%PDF-1.4\n%contrat\n")
    services.add_document(None, contract, title="Contrat signé", uploaded=pdf)
    caf = Organisation.objects.create(name="CAF du Pas-de-Calais (test)", kind="autre")
    services.add_signatory(None, contract, organisation=caf, role="Directrice")
    amendment = services.create_amendment(None, contract, kind="autre", title="Avenant n° 1")
    page, _ = _page(client, contract)
    assert "Contrat signé" in page and "Directrice" in page and "Avenant n° 1" in page
    amendment.signatories.add(caf)  # an avenant's signatories (m2m)
    assert "Signataires : CAF du Pas-de-Calais (test)" in _page(client, contract)[0]
    caf.name = "Caisse d'allocations familiales (test)"
    caf.save()
    assert "Signataires : Caisse d'allocations familiales (test)" in _page(client, contract)[0]
    row = {"id_poste": "A9", "raison_sociale": "ASSO NOUVELLE", "montant": 7164, "annee": "2025"}
    services.import_posts([row | {"code_cv": contract.code}], "adultes_relais")  # bulk: no signal
    assert "ASSO NOUVELLE" in _page(client, contract)[0]
