"""Import of an existing programming (importer.py and `quartiers import-programmation`): real French files,
atomic, idempotent, a report row by row."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from quartiers.core.models import AuditEvent
from quartiers.programming import importer
from quartiers.programming.models import Application, BudgetLine, Call, Carrier, Convention, Funding

FILES = Path(__file__).parent / "files"
CP1252 = FILES / "programmation-2019-cp1252.csv"
XLSX = FILES / "programmation-2020-titre.xlsx"
BAD = FILES / "programmation-ligne-invalide.csv"


def mapping_2019(w):
    mapping = importer.guess_mapping(importer.read(CP1252).headers)
    mapping.financers = {w.orgs["prefecture"].pk: "Montant État (€)", w.orgs["agglo"].pk: "Montant Agglo (€)"}
    return mapping


def counts():
    return [m.objects.count() for m in (Call, Carrier, Application, Funding, BudgetLine, Convention)]


def test_the_headers_are_guessed_below_the_title_rows(prog):
    table = importer.read(CP1252)
    mapping = importer.guess_mapping(table.headers)
    assert mapping.columns == {
        "annee": "Année",
        "porteur": "Porteur",
        "siret": "SIRET",
        "intitule": "Intitulé de l'action",
        "statut": "Statut",
        "debut": "Date de début",
        "fin": "Date de fin",
        "date_convention": "Date de la convention",
    }
    assert table.header_line == 4 and "ligne(s) de titre ignorée(s)" in table.notes()[0]


def test_cp1252_file_creates_calls_carriers_dossiers_and_fundings(prog):
    contract = prog.extra["calais_contract"]
    report = importer.import_programming(contract, CP1252, mapping_2019(prog), actor=prog.users["chef"])
    assert report.written and [r.outcome for r in report.rows] == ["créée"] * 3, report.rows
    call = Call.objects.get(contract=contract, year=2019)
    assert call.title == "Programmation 2019"
    centre = Application.objects.get(call=call, title="Accompagnement à la scolarité")
    assert centre.carrier.siret == "77582008700010" and centre.status == "solde"
    assert str(centre.starts_on) == "2019-09-01" and str(centre.ends_on) == "2020-06-30"
    granted = {f.call_financer.organisation.name: f.granted_amount for f in centre.fundings.all()}
    assert granted == {prog.orgs["prefecture"].name: Decimal("12500.00"), prog.orgs["agglo"].name: Decimal("4000.00")}
    assert centre.requested_amounts() == {f.call_financer_id: f.granted_amount for f in centre.fundings.all()}
    assert (
        str(
            Convention.objects.get(
                funding__application=centre, funding__call_financer__organisation=prog.orgs["prefecture"]
            ).signed_on
        )
        == "2019-04-15"
    )
    epicerie = Application.objects.get(title="Épicerie solidaire du Beau-Marais")
    assert epicerie.status == "accepte" and epicerie.carrier.name == "Les Restos du Cœur du Calaisis"
    assert [f.granted_amount for f in epicerie.fundings.all()] == [Decimal("3000")]
    assert AuditEvent.objects.filter(action="import d'une programmation").count() == 1


def test_reimport_updates_and_never_duplicates(prog):
    contract = prog.extra["calais_contract"]
    importer.import_programming(contract, CP1252, mapping_2019(prog), actor=prog.users["chef"])
    before = counts()
    report = importer.import_programming(contract, CP1252, mapping_2019(prog), actor=prog.users["chef"])
    assert [r.outcome for r in report.rows] == ["mise à jour"] * 3
    assert counts() == before


def test_xlsx_with_a_title_row_into_the_same_carriers(prog):
    contract = prog.extra["calais_contract"]
    importer.import_programming(contract, CP1252, mapping_2019(prog), actor=prog.users["chef"])
    table = importer.read(XLSX)
    mapping = importer.guess_mapping(table.headers)
    assert mapping.columns["annee"] == "Exercice" and mapping.columns["porteur"] == "Structure"
    mapping.financers = {prog.orgs["prefecture"].pk: "Préfecture", prog.orgs["agglo"].pk: "Agglomération"}
    report = importer.import_programming(contract, XLSX, mapping, actor=prog.users["chef"])
    assert [r.outcome for r in report.rows] == ["créée", "créée"], report.rows
    assert Carrier.objects.filter(name="Centre social Le Fort-Nieulay").count() == 1
    scolarite = Application.objects.get(call__year=2020, title="Accompagnement à la scolarité")
    assert sorted(f.granted_amount for f in scolarite.fundings.all()) == [Decimal("4000.50"), Decimal("13000")]
    assert Application.objects.get(call__year=2020, title="Permanence d'accès aux droits").status == "conventionne"


def test_a_bad_row_writes_nothing_unless_valid_rows_are_chosen(prog):
    contract = prog.extra["calais_contract"]
    mapping = importer.guess_mapping(importer.read(BAD).headers)
    mapping.financers = {prog.orgs["prefecture"].pk: "Montant État (€)", prog.orgs["agglo"].pk: "Montant Agglo (€)"}
    before = counts()
    report = importer.import_programming(contract, BAD, mapping, actor=prog.users["chef"])
    assert not report.written and counts() == before
    assert [(r.line, r.outcome) for r in report.rejected] == [(3, "rejetée"), (4, "rejetée")]
    assert "SIRET" in report.rejected[0].reason and "clé de contrôle" in report.rejected[0].reason
    assert "« douze cents » n'est pas un nombre" in report.rejected[1].reason
    assert report.summary().startswith("Rien n'a été importé : 2 dossier(s) créé(s)")
    report = importer.import_programming(contract, BAD, mapping, actor=prog.users["chef"], valid_only=True)
    assert report.written and report.created == 2 and len(report.rejected) == 2
    assert set(Application.objects.values_list("title", flat=True)) == {
        "Accompagnement à la scolarité",
        "Épicerie solidaire du Beau-Marais",
    }
    assert not Carrier.objects.filter(name="Association sans clé").exists()


def test_the_preview_writes_nothing(prog):
    before = counts()
    report = importer.import_programming(
        prog.extra["calais_contract"], CP1252, mapping_2019(prog), actor=prog.users["chef"], dry_run=True
    )
    assert report.created == 3 and not report.written and counts() == before


def test_a_chef_of_another_territory_cannot_import_into_calais(prog):
    before = counts()
    report = importer.import_programming(
        prog.extra["calais_contract"], CP1252, mapping_2019(prog), actor=prog.users["autre_chef"], valid_only=True
    )
    assert len(report.rejected) == 3 and "Vous ne pouvez pas importer" in report.rejected[0].reason
    assert counts() == before


def test_a_mapping_without_required_fields_is_refused_in_french(prog):
    with pytest.raises(importer.ImportFileError, match="Choisissez la colonne du champ « Intitulé de l'action »"):
        importer.import_programming(
            prog.extra["calais_contract"], CP1252, importer.Mapping(columns={"porteur": "Porteur"})
        )


def test_the_command_imports_and_reports(prog, capsys):
    contract = prog.extra["calais_contract"]
    call_command(
        "import-programmation",
        str(CP1252),
        "--contrat",
        str(contract.pk),
        "--financeur",
        f"{prog.orgs['prefecture'].name}=Montant État (€)",
        "--financeur",
        f"{prog.orgs['agglo'].name}=Montant Agglo (€)",
    )
    out = capsys.readouterr().out
    assert "Import terminé : 3 dossier(s) créé(s)" in out and "Ligne 5 (Accompagnement à la scolarité) : créée" in out
    with pytest.raises(CommandError, match="rien n'a été importé"):
        call_command(
            "import-programmation",
            str(BAD),
            "--contrat",
            str(contract.pk),
            "--financeur",
            f"{prog.orgs['prefecture'].name}=Montant État (€)",
        )
    with pytest.raises(CommandError, match="Financeur inconnu"):
        call_command("import-programmation", str(CP1252), "--contrat", str(contract.pk), "--financeur", "Personne=X")


def test_odd_cells_are_rejected_row_by_row_in_french(prog, tmp_path):
    path = tmp_path / "bizarre.csv"
    path.write_bytes(
        (
            "Année;Porteur;Intitulé de l'action;Statut;Montant État (€)\r\n"
            "NaN;Asso A;Action A;Soldé;100\r\n"
            "2019;Asso B;Action B;Soldé;99999999999999\r\n"
            "2019;Asso C;Action C;Soldé;s\r\n"
            "2019;Asso D;Action D;En cours de réflexion;100\r\n"
            "2019;Asso E;Action E;Soldé;12,345\r\n"
            f"2019;Asso F;{'x' * 250};Soldé;100\r\n"
        ).encode("cp1252")
    )
    mapping = importer.guess_mapping(importer.read(path).headers)
    mapping.financers = {prog.orgs["prefecture"].pk: "Montant État (€)"}
    report = importer.import_programming(prog.extra["calais_contract"], path, mapping, valid_only=True)
    reasons = [r.reason for r in report.rejected]
    assert reasons == [
        "« NaN » n'est pas une année.",
        "Colonne « Montant État (€) » : « 99999999999999 » dépasse le montant le plus grand admis.",
        "Colonne « Montant État (€) » : « s » n'est pas un montant.",
        reasons[3],
        "Colonne « Montant État (€) » : « 12,345 » a plus de deux décimales.",
    ]
    assert reasons[3].startswith("Statut inconnu : « En cours de réflexion »")
    assert report.created == 1
    again = importer.import_programming(prog.extra["calais_contract"], path, mapping, valid_only=True)
    assert again.updated == 1 and again.created == 0  # a long title is cut once, found again
