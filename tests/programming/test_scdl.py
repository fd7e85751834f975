"""The SCDL « subventions » 2.1.1 export: rows, refusals with their French reason, one file per financer and year,
files validated by frictionless against the official schema (plus the schema's two custom checks)."""

import csv
import datetime as dt
import io
import json
from pathlib import Path

import frictionless
import pytest
from stdnum.fr import siret

from quartiers.programming import scdl
from quartiers.programming.models import Convention, Payment
from tests.programming.opendata_data import PREFECTURE_SIRET, granted_world, subsidy

SCHEMA = Path(__file__).parent / "files" / "schema-subventions-2.1.1.json"


def validate(text, tmp_path):
    """Validate the CSV text as the national portal does: the Table Schema with frictionless, then its custom checks
    (SIRET keys, « idBeneficiaire or rnaBeneficiaire »)."""
    path = tmp_path / "subventions.csv"
    path.write_bytes(text.encode("utf-8"))
    schema = frictionless.Schema.from_descriptor(json.loads(SCHEMA.read_text(encoding="utf-8")))
    report = frictionless.Resource(path=path.name, basepath=str(tmp_path), schema=schema).validate()
    errors = report.flatten(["rowNumber", "fieldName", "type", "note"])
    for row in csv.DictReader(io.StringIO(text)):
        if not siret.is_valid(row["idAttribuant"]):
            errors.append(["idAttribuant", row["idAttribuant"]])
        if row["idBeneficiaire"] and not siret.is_valid(row["idBeneficiaire"]):
            errors.append(["idBeneficiaire", row["idBeneficiaire"]])
        if not (row["idBeneficiaire"] or row["rnaBeneficiaire"]):
            errors.append(["one-of-required", row["nomBeneficiaire"]])
    return errors


@pytest.fixture
def granted(world):
    return granted_world(world)


def test_one_publication_per_financer_and_year_with_refusals(granted):
    found = scdl.publications(granted.users["admin"])
    orgs = granted.orgs
    assert [(p.organisation, p.year, len(p.rows), len(p.refused)) for p in found] == sorted(
        [(orgs["agglo"], 2026, 0, 1), (orgs["cud"], 2026, 0, 1), (orgs["prefecture"], 2026, 1, 1)],
        key=lambda item: item[0].name,
    )
    by_name = {p.organisation.name: p for p in found}
    prefecture = by_name["Préfecture du Pas-de-Calais (test)"]
    assert [r["objet"] for r in prefecture.rows] == ["Accompagnement à la scolarité"]
    assert prefecture.total == pytest.approx(12500.50)
    reasons = [reason for _, reason in prefecture.refused]
    assert reasons == [
        "Le porteur « Association voisine » n'a pas de SIRET : le SCDL l'exige, sauf pour une aide en nature à une "
        "association identifiée par son numéro RNA."
    ]
    agglo = by_name["CA Grand Calais Terres et Mers (test)"]
    assert agglo.rows == []
    assert "n'a pas de SIRET" in agglo.refused[0][1] and "attribuant" in agglo.refused[0][1]
    # A subsidy without convention is not a published subsidy (nothing to date it): absent, not refused.
    assert all("sans convention" not in f.application.title for p in found for f, _ in p.refused)


def test_the_file_validates_against_the_schema(granted, tmp_path):
    found = scdl.publication(granted.users["admin"], granted.orgs["prefecture"].pk, 2026)
    text = scdl.csv_text(found.rows)
    assert validate(text, tmp_path) == []
    row = next(csv.DictReader(io.StringIO(text)))
    assert row == {
        "nomAttribuant": "Préfecture du Pas-de-Calais (test)",
        "idAttribuant": PREFECTURE_SIRET,
        "dateConvention": "2026-03-01",
        "referenceDecision": "DEL-2026-042",
        "nomBeneficiaire": "Bailleur social (porteur)",
        "idBeneficiaire": "73282932000074",
        "rnaBeneficiaire": "",
        "objet": "Accompagnement à la scolarité",
        "montant": "12500.50",
        "nature": "aide en numéraire",
        "conditionsVersement": "échelonné",
        "datesPeriodeVersement": "2026-03-15/2026-12-15",
        "idRAE": "",
        "notificationUE": "non",
        "pourcentageSubvention": "1.00",
        "dispositifAide": "",
    }
    assert not text.startswith("\ufeff") and "\r\n" in text


def test_in_kind_aid_to_an_association_with_rna_only_is_published(granted, tmp_path):
    other = granted.extra["other_carrier"]
    other.rna = "W623001234"
    other.save()
    state = granted.extra["subsidies"][0].call_financer
    funding = subsidy(
        state, other, "1500", title='=HYPERLIEN("x") prêt de salle', nature=Convention.Nature.IN_KIND, payments=()
    )
    funding.convention.terms = Convention.Terms.SINGLE
    funding.convention.save()
    Payment.objects.create(convention=funding.convention, kind="solde", amount=1500, due_on=dt.date(2026, 5, 1))
    found = scdl.publication(granted.users["admin"], state.organisation_id, 2026)
    rows = {r["objet"]: r for r in found.rows}
    row = rows['\'=HYPERLIEN("x") prêt de salle']  # a formula is neutralised, still a valid string
    assert (row["idBeneficiaire"], row["rnaBeneficiaire"], row["nature"]) == ("", "W623001234", "aide en nature")
    assert (row["conditionsVersement"], row["datesPeriodeVersement"]) == ("unique", "2026-05-01")
    assert validate(scdl.csv_text(found.rows), tmp_path) == []


def test_a_siren_only_financer_and_a_missing_period_are_refused_in_french(granted):
    prefecture = granted.orgs["prefecture"]
    prefecture.siret = PREFECTURE_SIRET[:9]
    prefecture.save()
    found = scdl.publication(granted.users["admin"], prefecture.pk, 2026)
    assert found.rows == []
    assert "n'a qu'un SIREN (176200012)" in found.refused[0][1]
    prefecture.siret = PREFECTURE_SIRET
    prefecture.save()
    funding = granted.extra["subsidies"][0]
    funding.convention.payments.all().delete()
    found = scdl.publication(granted.users["admin"], prefecture.pk, 2026)
    assert any("date ou période de versement" in reason for _, reason in found.refused)


def test_who_may_export_follows_the_policy(granted):
    def names(role):
        return {(p.organisation.name, len(p.rows)) for p in scdl.publications(granted.users[role])}

    # The délégué du préfet is a member of the préfecture: its files only.
    assert {name for name, _ in names("delegue")} == {"Préfecture du Pas-de-Calais (test)"}
    # The chef de projet steers the Calais call: every financer of it, not Dunkerque's.
    assert {name for name, _ in names("chef")} == {
        "Préfecture du Pas-de-Calais (test)",
        "CA Grand Calais Terres et Mers (test)",
    }
    assert names("autre_chef") == {(granted.orgs["cud"].name, 0)}
    assert names("lecteur") == set() and names("partenaire") == set()


def test_the_validation_catches_a_file_off_the_schema(granted, tmp_path):
    found = scdl.publication(granted.users["admin"], granted.orgs["prefecture"].pk, 2026)
    bad = [dict(found.rows[0], montant="12500,50", nature="subvention", idBeneficiaire="73282932000075")]
    errors = validate(scdl.csv_text(bad), tmp_path)
    assert {e[1] for e in errors if len(e) > 2} >= {"montant", "nature"}
    assert ["idBeneficiaire", "73282932000075"] in errors
