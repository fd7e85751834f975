"""Import of a network's members from the files resource centres keep (CSV CP1252 / UTF-8 BOM, XLSX)."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from quartiers.accounts.models import Organisation
from quartiers.core.models import AuditEvent
from quartiers.network.importers import ImportFileError, import_members
from quartiers.network.models import NetworkMember
from tests.network.helpers import SLUG, make_network, member

FIXTURES = Path(__file__).parent / "fixtures"


def _snapshot(network):
    return (
        sorted(network.members.values_list("email", "full_name", "function", "commune_id", "organisation_id")),
        Organisation.objects.count(),
    )


def test_excel_cp1252_file_creates_updates_and_rejects_with_reasons(world):
    network = make_network(world)
    report = import_members(network, FIXTURES / "membres-excel-cp1252.csv", world.users["animateur"])
    assert report.encoding == "cp1252"
    assert [line for line, _ in report.created] == [2, 3]
    assert [(line, name) for line, name, _ in report.updated] == [(8, "Agnès Ruelle")]
    assert dict(report.rejected) == {
        4: "adresse e-mail invalide : « gaelle.martin@exemple »",
        5: "commune inconnue : « Sangatte » (indiquez son code INSEE)",
        6: "adresse e-mail manquante",
        7: "adresse e-mail déjà présente ligne 2",
        9: "code INSEE inconnu : « 99999 »",
    }
    helene = network.members.get(email="helene.lefebvre@exemple.test")
    assert (helene.full_name, helene.commune_id, helene.phone) == ("Hélène Lefèbvre", "62193", "03 21 46 00 00")
    assert helene.organisation.name == "Ville de Calais" and helene.organisation.kind == "autre"
    dupre = network.members.get(email="f.dupre@exemple.test")
    assert dupre.commune == world.dunkerque
    assert dupre.organisation == world.orgs["cud"]  # an existing organisation is matched by name, not duplicated
    chef = member(world, "chef")
    assert chef.function == "Cheffe de projet contrat de ville" and chef.commune_id == "62193"
    assert report.organisations_created == ["Ville de Calais"]
    assert "2 membre(s) ont été créé(s), 1 mis à jour, 0 inchangé(s), 5 rejetée(s)" in report.summary()
    assert AuditEvent.objects.filter(action="import de membres du réseau").count() == 1


def test_import_is_idempotent_on_email(world):
    network = make_network(world)
    import_members(network, FIXTURES / "membres-excel-cp1252.csv")
    before = _snapshot(network)
    again = import_members(network, FIXTURES / "membres-excel-cp1252.csv")
    assert again.created == [] and again.updated == []
    assert len(again.unchanged) == 3
    assert _snapshot(network) == before


def test_new_member_is_linked_to_the_account_with_the_same_email(world):
    network = make_network(world)
    data = "nom;prénom;e-mail\nDeuxième;Chef;{}\n".format(world.users["autre_chef"].email)
    import_members(network, data.encode("utf-8"))
    created = network.members.get(email=world.users["autre_chef"].email.lower())
    assert created.user == world.users["autre_chef"]
    assert network.is_member(world.users["autre_chef"])


def test_utf8_bom_file_with_other_column_names(world):
    network = make_network(world)
    report = import_members(network, FIXTURES / "membres-utf8-bom.csv")
    assert report.encoding == "utf-8-sig"
    assert [name for _, name in report.created] == ["Sophie Delattre", "Karim Benali"]
    karim = network.members.get(email="k.benali@exemple.test")
    assert (karim.function, karim.commune_id) == ("Directeur", "59183")
    assert karim.organisation.name == "Association Échanges Côte d'Opale"


def test_xlsx_file(world):
    network = make_network(world)
    report = import_members(network, FIXTURES / "membres.xlsx")
    assert report.encoding == "xlsx"
    assert [name for _, name in report.created] == ["Pauline Lemaire", "Luc Fournier"]
    assert report.rejected == [(4, "adresse e-mail invalide : « pas-une-adresse »")]
    # A code INSEE typed as a number in Excel is still found.
    assert network.members.get(email="pauline.lemaire@exemple.test").commune == world.calais


def test_dry_run_writes_nothing(world):
    network = make_network(world)
    before = _snapshot(network)
    report = import_members(network, FIXTURES / "membres-excel-cp1252.csv", dry_run=True)
    assert len(report.created) == 2 and report.organisations_created == ["Ville de Calais"]
    assert "seraient créé(s)" in report.summary()
    assert _snapshot(network) == before
    assert not AuditEvent.objects.filter(action="import de membres du réseau").exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("vide.csv", "Le fichier est vide."),
        ("sans-colonne-email.csv", "Colonne manquante : e-mail (ou « courriel »)"),
        ("ancien-excel.xls", "Ancien format Excel (.xls)"),
    ],
)
def test_unreadable_file_writes_nothing(world, name, message):
    network = make_network(world)
    before = _snapshot(network)
    with pytest.raises(ImportFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        import_members(network, FIXTURES / name)
    assert _snapshot(network) == before


def test_a_failure_mid_import_rolls_everything_back(world, monkeypatch):
    network = make_network(world)
    before = _snapshot(network)
    calls = []
    original = NetworkMember.save

    def failing_save(self, *args, **kwargs):
        calls.append(self.email)
        if len(calls) == 2:
            raise RuntimeError("disque plein")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(NetworkMember, "save", failing_save)
    with pytest.raises(RuntimeError):
        import_members(network, FIXTURES / "membres-excel-cp1252.csv")
    assert _snapshot(network) == before


def test_command_prints_the_report(world):
    make_network(world)
    out = StringIO()
    call_command("import-membres", SLUG, str(FIXTURES / "membres-utf8-bom.csv"), stdout=out)
    assert "2 ligne(s) lue(s) : 2 membre(s) ont été créé(s)" in out.getvalue()
    assert NetworkMember.objects.filter(email="sophie.delattre@exemple.test").exists()


def test_command_refuses_unknown_network_and_bad_file(world):
    make_network(world)
    with pytest.raises(CommandError, match="Réseau inconnu : inconnu"):
        call_command("import-membres", "inconnu", str(FIXTURES / "vide.csv"))
    with pytest.raises(CommandError, match="Rien n'a été importé : Le fichier est vide."):
        call_command("import-membres", SLUG, str(FIXTURES / "vide.csv"))
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("import-membres", SLUG, "/nulle/part.csv")


def _upload(name):
    return SimpleUploadedFile(name, (FIXTURES / name).read_bytes())


def test_upload_page_previews_then_confirms(world, login):
    network = make_network(world)
    client = login(world.users["animateur"])
    url = reverse("network:member_import", args=[SLUG])
    preview = client.post(url, {"file": _upload("membres-excel-cp1252.csv")})
    page = preview.content.decode()
    assert "Aperçu de l'import (rien n'est encore enregistré)" in page
    assert "commune inconnue : « Sangatte » (indiquez son code INSEE)" in page
    assert not network.members.filter(email="helene.lefebvre@exemple.test").exists()
    done = client.post(url, {"confirmer": "1"}).content.decode()
    assert "Import terminé" in done
    assert network.members.filter(email="helene.lefebvre@exemple.test").exists()
    # The kept file is used once: confirming again imports nothing more.
    again = client.post(url, {"confirmer": "1"}).content.decode()
    assert "Aucun fichier en attente : déposez de nouveau le fichier." in again


def test_upload_page_shows_the_french_error_of_an_unreadable_file(world, login):
    network = make_network(world)
    before = _snapshot(network)
    response = login(world.users["animateur"]).post(
        reverse("network:member_import", args=[SLUG]), {"file": _upload("sans-colonne-email.csv")}
    )
    assert "Colonne manquante : e-mail (ou « courriel »)" in response.content.decode()
    assert "Confirmer l'import" not in response.content.decode()
    assert _snapshot(network) == before


def test_upload_page_is_for_managers_only(world, login):
    make_network(world)
    response = login(world.users["lecteur"]).post(
        reverse("network:member_import", args=[SLUG]), {"file": _upload("membres-utf8-bom.csv")}
    )
    assert response.status_code == 403
    assert not NetworkMember.objects.filter(email="sophie.delattre@exemple.test").exists()


def test_full_name_column_and_leading_zero_lost_by_excel(world):
    from quartiers.territories.models import Commune

    Commune.objects.create(insee="01053", nom="Bourg-en-Bresse", departement=world.nord)
    network = make_network(world)
    data = "Prénom Nom;Courriel;Code INSEE\r\nLéa Caron;lea.caron@exemple.test;1053\r\n".encode("cp1252")
    report = import_members(network, data)
    assert report.rejected == []
    lea = network.members.get(email="lea.caron@exemple.test")
    assert (lea.full_name, lea.commune_id) == ("Léa Caron", "01053")


def test_commune_name_without_accents_and_homonyms(world):
    from quartiers.territories.models import Commune

    network = make_network(world)
    Commune.objects.create(insee="59998", nom="Sainte-Marie", departement=world.nord)
    Commune.objects.create(insee="59999", nom="Sainte-Marie", departement=world.nord)
    # Homonyms outside the network's départements (62 here): the one of the network's département wins.
    Commune.objects.create(insee="59997", nom="Saint-Rémy", departement=world.nord)
    Commune.objects.create(insee="62999", nom="Saint-Rémy", departement=world.pas_de_calais)
    data = "nom;e-mail;commune\nA;a@exemple.test;CALAIS\nB;b@exemple.test;Sainte-Marie\nC;c@exemple.test;Saint Remy\n"
    report = import_members(network, data.encode())
    assert [line for line, _ in report.created] == [2, 4]
    assert report.rejected == [(3, "plusieurs communes s'appellent « Sainte-Marie » : indiquez le code INSEE")]
    assert network.members.get(email="a@exemple.test").commune == world.calais
    assert network.members.get(email="c@exemple.test").commune_id == "62999"


def test_upload_limit_is_the_one_upload_table(world, login, settings):
    """The 2 Mo of the member import live in core.filetypes.LIMITS (UPLOAD_MAX_MEMBERS_MB for a deployment)."""
    from quartiers.core import filetypes

    assert filetypes.max_size("membres") == 2 * filetypes.MB
    network = make_network(world)
    before = _snapshot(network)
    settings.UPLOAD_MAX_MEMBERS_MB = 1
    rows = "".join(f"Nom {i};nom{i}@exemple.test\r\n" for i in range(40_000))
    big = SimpleUploadedFile("gros.csv", ("nom;e-mail\r\n" + rows).encode())
    assert big.size > filetypes.MB
    response = login(world.users["animateur"]).post(reverse("network:member_import", args=[SLUG]), {"file": big})
    assert "Le fichier dépasse 1 Mo : découpez-le en plusieurs imports." in response.content.decode()
    assert _snapshot(network) == before


TITLED_WITH_NULS = (
    "Annuaire du réseau Littoral — mise à jour 2026\r\nnom;prénom;e-mail\r\nCaron\x00;Léa;lea.caron@exemple.test\r\n"
).encode("cp1252")
FIXED_NOTES = (
    "En-têtes lus à la ligne 2 : ligne(s) de titre ignorée(s) (« Annuaire du réseau Littoral — mise à jour 2026 »).",
    "Octets nuls (NUL) supprimés du fichier : 1.",
)


def test_report_says_what_the_reader_fixed(world, login, tmp_path):
    """A title row above the header and a NUL byte are fixed by the reader: the preview and the command say so."""
    network = make_network(world)
    client = login(world.users["animateur"])
    url = reverse("network:member_import", args=[SLUG])
    page = client.post(url, {"file": SimpleUploadedFile("annuaire.csv", TITLED_WITH_NULS)}).content.decode()
    assert "1 ligne(s) lue(s) : 1 membre(s) seraient créé(s)" in page
    assert all(note in page for note in FIXED_NOTES)
    path = tmp_path / "annuaire.csv"
    path.write_bytes(TITLED_WITH_NULS)
    out = StringIO()
    call_command("import-membres", SLUG, str(path), stdout=out)
    assert all(note in out.getvalue() for note in FIXED_NOTES)
    assert network.members.get(email="lea.caron@exemple.test").full_name == "Léa Caron"


def test_only_the_animators_import(world):
    network = make_network(world)
    before = _snapshot(network)
    with pytest.raises(PermissionDenied):
        import_members(network, FIXTURES / "membres-excel-cp1252.csv", world.users["chef"])
    assert _snapshot(network) == before
