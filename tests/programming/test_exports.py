"""Every list of the programming is exportable with its filters (CSV for French Excel, XLSX), showing only the rows
the page shows, with formula cells neutralised: the instruction list, the carriers register, the payments due."""

import csv
import io

import openpyxl
from django.urls import reverse

from quartiers.programming.models import Carrier
from tests.programming.followup_helpers import agreed_application, granted_application


def _csv(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_instruction_list_exports_its_filtered_rows(world, login):
    granted_application(world, status="en_instruction", title="Atelier numérique")
    granted_application(world, status="avis_rendus", title='=HYPERLINK("http://exemple.test")')
    url = reverse("programming:instruction_list", args=[world.extra["call"].pk])
    chef = login(world.users["chef"])
    page = chef.get(url, {"status": "en_instruction"}).content.decode()
    assert "status=en_instruction&amp;format=csv" in page
    rows = _csv(chef.get(url, {"status": "en_instruction", "format": "csv"}))
    assert rows[0][:2] == ["Action", "Porteur"]
    assert [r[0] for r in rows[1:]] == ["Atelier numérique"]
    everything = _csv(chef.get(url, {"format": "csv"}))
    assert any(r[0].startswith("'=HYPERLINK") for r in everything[1:])  # neutralised
    book = openpyxl.load_workbook(io.BytesIO(chef.get(url, {"format": "xlsx"}).content))
    assert book.active.max_row == 3
    assert chef.get(url, {"format": "pdf"}).status_code == 400
    assert login(world.users["lecteur"]).get(url, {"format": "csv"}).status_code == 403


def test_carriers_register_exports_what_the_user_sees(world, login):
    agreed_application(world)
    url = reverse("programming:carrier_list")
    partner = _csv(login(world.users["partenaire"]).get(url, {"format": "csv"}))
    names = [r[0] for r in partner[1:]]
    assert world.extra["carrier"].name in names
    assert world.extra["other_carrier"].name not in names  # another structure, none of its dossiers seen
    chef = _csv(login(world.users["chef"]).get(url, {"format": "csv"}))
    assert len(chef) - 1 == Carrier.objects.visible_to(world.users["chef"]).count()


def test_payments_due_export_flags_the_late_ones(world, login):
    agreed_application(world)
    url = reverse("programming:followup_due", args=[world.extra["call"].pk])
    rows = _csv(login(world.users["chef"]).get(url, {"format": "csv"}))
    assert rows[0][:2] == ["Échéance", "En retard"]
    assert len(rows) == 3 and {r[5] for r in rows[1:]} == {"Avance", "Solde (après le bilan)"}
    assert login(world.users["partenaire"]).get(url, {"format": "csv"}).status_code == 403
