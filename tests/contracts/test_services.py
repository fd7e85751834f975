import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from quartiers.contracts import services
from quartiers.contracts.models import Commitment, Evidence, Indicator, Measurement, StatusChange
from quartiers.core.models import AuditEvent
from tests.contracts.helpers import bailleur_commitment, first_indicator, make_company, make_contract, measures


def test_status_change_writes_history_and_audit(world):
    commitment = bailleur_commitment(world)
    chef = world.users["chef"]
    services.change_status(chef, commitment, "engage", "Premier recrutement")
    services.change_status(chef, commitment, "realise", "")
    steps = list(StatusChange.objects.filter(commitment=commitment).values_list("from_status", "to_status", "actor"))
    assert steps == [("", "prevu", None), ("prevu", "engage", chef.pk), ("engage", "realise", chef.pk)]
    assert AuditEvent.objects.filter(action="statut d'engagement changé", object_id=str(commitment.pk)).count() == 2


def test_status_same_or_dropped_without_reason_is_refused(world):
    commitment = bailleur_commitment(world)
    with pytest.raises(ValidationError, match="déjà ce statut"):
        services.change_status(None, commitment, "prevu")
    with pytest.raises(ValidationError, match="pourquoi"):
        services.change_status(None, commitment, "abandonne", "  ")
    commitment.refresh_from_db()
    assert commitment.status == "prevu"
    assert StatusChange.objects.filter(commitment=commitment).count() == 1


def test_indicator_progress_from_baseline_to_target(world):
    commitment = bailleur_commitment(world)
    indicator = first_indicator(commitment)
    indicator.baseline = Decimal(2)
    indicator.save()
    assert indicator.progress == 0
    services.record_measurement(None, indicator, measured_on=dt.date(2025, 6, 30), value="6")
    services.record_measurement(None, indicator, measured_on=dt.date(2024, 12, 31), value="9")
    indicator = Indicator.objects.prefetch_related("measurements").get(pk=indicator.pk)
    # Latest by date (06/2025: 6), not by entry order: (6 - 2) / (10 - 2) = 50 %.
    assert indicator.latest.value == 6
    assert indicator.progress == 50
    services.record_measurement(None, indicator, measured_on=dt.date(2026, 1, 1), value="25")
    indicator = Indicator.objects.prefetch_related("measurements").get(pk=indicator.pk)
    assert indicator.progress == 100


def test_measurement_same_date_is_corrected_not_duplicated(world):
    indicator = first_indicator(bailleur_commitment(world))
    services.record_measurement(None, indicator, measured_on=dt.date(2025, 1, 1), value="3")
    services.record_measurement(None, indicator, measured_on=dt.date(2025, 1, 1), value="4,5")
    assert list(Measurement.objects.filter(indicator=indicator).values_list("value", flat=True)) == [Decimal("4.5")]


def test_measurement_not_a_number(world):
    indicator = first_indicator(bailleur_commitment(world))
    with pytest.raises(ValidationError, match="doit être un nombre"):
        services.record_measurement(None, indicator, measured_on=dt.date(2025, 1, 1), value="douze")
    assert not Measurement.objects.exists()


def test_commitment_without_target_is_not_half_written(world):
    contract = make_contract(world)
    with pytest.raises(ValidationError, match="cible"):
        services.create_commitment(
            None,
            contract,
            kind="signataire",
            organisation=world.orgs["agglo"],
            title="Sans cible",
            indicator={"label": "Personnes", "unit": "personnes", "target": None},
        )
    assert not Commitment.objects.filter(title="Sans cible").exists()


def test_evidence_type_is_checked_on_content(world):
    commitment = bailleur_commitment(world)
    fake = SimpleUploadedFile("bilan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match="Type de fichier refusé"):
        services.add_evidence(None, commitment, title="Faux", uploaded=fake)
    zip_named_pdf = SimpleUploadedFile("archive.zip", b"PK\x03\x04rest", content_type="application/zip")
    with pytest.raises(ValidationError):
        services.add_evidence(None, commitment, title="Archive", uploaded=zip_named_pdf)
    png = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 20, content_type="image/png")
    evidence = services.add_evidence(None, commitment, title="Photo", uploaded=png)
    assert evidence.content_type == "image/png"
    assert Evidence.objects.count() == 1


def test_evidence_size_limit(world, settings):
    settings.UPLOAD_MAX_ATTACHMENT_MB = 0.00001  # 10 bytes: the one limit of core.filetypes.LIMITS
    pdf = SimpleUploadedFile("gros.pdf", b"%PDF-1.4" + b"0" * 20)
    with pytest.raises(ValidationError, match="la taille maximale est de 10"):
        services.add_evidence(None, bailleur_commitment(world), title="Gros", uploaded=pdf)


def test_paqte_axes_sum_summable_indicators(world):
    from quartiers.mobilisation.services import paqte_axes

    company = make_company(world)
    contract = make_contract(world)
    org = company.organisation
    specs = [
        ("sensibiliser", "Stages", "stages", "8", True),
        ("sensibiliser", "Stages", "stages", "4", True),
        ("acheter", "Achats", "euros", "52000", True),
        ("recruter", "Part de QPV", "%", "30", False),
    ]
    for axis, label, unit, value, summable in specs:
        c = services.create_commitment(
            None,
            contract,
            kind="paqte",
            paqte_axis=axis,
            organisation=org,
            title=f"{label} {value}",
            indicator={"label": label, "unit": unit, "target": 100, "summable": summable},
        )
        services.record_measurement(None, c.indicators.get(), measured_on=dt.date(2025, 1, 1), value=value)
    axes = paqte_axes(Commitment.objects.filter(organisation=org).with_progress_data())
    assert axes["sensibiliser"]["totals"] == {"stages": Decimal(12)}
    assert axes["acheter"]["totals"] == {"euros": Decimal(52000)}
    assert axes["recruter"]["totals"] == {}  # a rate is not added up
    assert len(axes["recruter"]["commitments"]) == 1
    assert axes["former"]["commitments"] == []


def test_consolidation_sums_only_summable_measures(world):
    from quartiers.contracts.models import Contract
    from quartiers.mobilisation.services import consolidation

    catalogue = measures()
    calais = make_contract(world)
    dunkerque = Contract.objects.create(
        generation="2024-2030", name="Dunkerque (test)", departement=world.nord, epci=world.dunkerque_cu
    )
    for contract, francs, rate in [(calais, "40", "60"), (dunkerque, "25", "80")]:
        for code, value in [("emplois-francs", francs), ("cites-educatives", rate)]:
            measure = catalogue[code]
            c = services.create_commitment(
                None,
                contract,
                kind="deploiement",
                measure=measure,
                organisation=world.orgs["agglo"],
                title=f"Déploiement {code}",
                indicator={
                    "label": measure.indicator_label,
                    "unit": measure.indicator_unit,
                    "target": 100,
                    "summable": measure.summable,
                },
            )
            services.record_measurement(None, c.indicators.get(), measured_on=dt.date(2025, 12, 31), value=value)
    data = consolidation(Contract.objects.all(), [catalogue["emplois-francs"], catalogue["cites-educatives"]])
    assert data["totals"] == [Decimal(65), None]
    row = dict((c.name, cells) for c, cells in data["rows"])["Dunkerque (test)"]
    assert [cell.value for cell in row] == [Decimal(25), Decimal(80)]
    assert row[0].status_label == "Prévu"


def test_late_commitments(world):
    commitment = bailleur_commitment(world)
    assert not commitment.is_late  # no due date
    commitment.due_on = dt.date(2020, 1, 1)
    assert commitment.is_late
    commitment.status = "realise"
    assert not commitment.is_late
    commitment.status, commitment.due_on = "engage", dt.date(2999, 1, 1)
    assert not commitment.is_late


def test_services_ask_the_policy_themselves_and_write_nothing_when_refused(world):
    """A state change does not rely on its view: called with a user who may not make it, the service refuses
    (PermissionDenied) and nothing is written; actor=None is the platform (demo, imports)."""
    from django.core.exceptions import PermissionDenied

    commitment = bailleur_commitment(world)
    indicator = first_indicator(commitment)
    contract = commitment.contract
    attempts = [
        lambda u: services.record_measurement(u, indicator, measured_on=dt.date(2025, 6, 30), value=3),
        lambda u: services.change_status(u, commitment, "engage"),
        lambda u: services.add_indicator(u, commitment, label="x", unit="u", target=1),
        lambda u: services.create_commitment(
            u, contract, kind="signataire", organisation=commitment.organisation, title="t"
        ),
        lambda u: services.add_pillar(u, contract, title="Santé"),
        lambda u: services.create_amendment(u, contract, kind="autre", title="Avenant"),
    ]
    before = (
        Measurement.objects.count(),
        StatusChange.objects.count(),
        Indicator.objects.count(),
        AuditEvent.objects.count(),
    )
    for role in ("lecteur", "autre_chef", "delegue"):
        for attempt in attempts:
            with pytest.raises(PermissionDenied):
                attempt(world.users[role])
    after = (
        Measurement.objects.count(),
        StatusChange.objects.count(),
        Indicator.objects.count(),
        AuditEvent.objects.count(),
    )
    assert after == before
    # The bailleur updates its own commitment, not the contract; the chef de projet both.
    services.record_measurement(world.users["partenaire"], indicator, measured_on=dt.date(2025, 6, 30), value=3)
    with pytest.raises(PermissionDenied):
        services.add_pillar(world.users["partenaire"], contract, title="Santé")
    services.add_pillar(world.users["chef"], contract, title="Santé")
