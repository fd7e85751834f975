"""The carrier's space: create a dossier in an open call, targets of the contract only, the CERFA budget form
with decimal commas, submit refused with the gap named, renewal, attachments, and a carrier reaching only its
own dossiers (another structure's partner, a financer outside the call)."""

import html
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quartiers.core import filetypes
from quartiers.programming.models import Application, Attachment, BudgetLine, CallFinancer
from tests.factories import MembershipFactory
from tests.programming import space

pytestmark = pytest.mark.django_db


def _text(response):
    return html.unescape(response.content.decode())


def _dossier(prog, **extra):
    return {
        "carrier": prog.extra["carrier"].pk,
        "title": "Permanence d'accès aux droits",
        "description": "Chaque mardi.",
        "public": "Familles",
        "objectives": [prog.extra["objective"].pk],
        "qpvs": [prog.qpv.pk],
        "starts_on": "01/01/2027",
        "ends_on": "31/12/2027",
        **extra,
    }


def test_carrier_creates_a_dossier_in_an_open_call(prog, login):
    call = space.open_call(prog)
    response = login(prog.users["partenaire"]).post(
        reverse("programming:application_create", args=[call.pk]), _dossier(prog)
    )
    application = Application.objects.get(title="Permanence d'accès aux droits")
    assert response.status_code == 302 and response["Location"].endswith(f"/dossiers/{application.pk}/budget/")
    assert application.status == Application.Status.DRAFT
    assert list(application.qpvs.all()) == [prog.qpv]
    assert application.created_by == prog.users["partenaire"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"ends_on": "01/06/2026"}, "La fin de l'action ne peut pas précéder son début."),
        ({"starts_on": "31/02/2027"}, "Date invalide"),
        ({"qpvs": "QPV_DK"}, "Un dossier ne cible que des quartiers du contrat de ville de l'appel."),
        ({"title": ""}, "Donnez un intitulé à l'action."),
    ],
)
def test_bad_dossier_input_writes_nothing(prog, login, extra, message):
    call = space.open_call(prog)
    if extra.get("qpvs") == "QPV_DK":
        extra = {"qpvs": [prog.qpv_dunkerque.pk]}
    before = Application.objects.count()
    response = login(prog.users["partenaire"]).post(
        reverse("programming:application_create", args=[call.pk]), _dossier(prog, **extra)
    )
    assert response.status_code == 400
    assert message in _text(response)
    assert Application.objects.count() == before


def test_no_dossier_in_a_closed_call(prog, login):
    call = prog.extra["call"]  # closed since 30/11/2025
    response = login(prog.users["partenaire"]).post(
        reverse("programming:application_create", args=[call.pk]), _dossier(prog)
    )
    assert response.status_code == 400
    assert "L'appel à projets n'est pas ouvert" in _text(response)
    assert not Application.objects.exists()


def test_only_for_a_structure_one_is_a_member_of(prog, login):
    call = space.open_call(prog)
    data = _dossier(prog, carrier=prog.extra["other_carrier"].pk)
    response = login(prog.users["partenaire"]).post(reverse("programming:application_create", args=[call.pk]), data)
    assert response.status_code == 400
    assert "Vous ne déposez que pour une structure dont vous êtes membre." in _text(response)
    assert not Application.objects.exists()


def _budget_url(application):
    return reverse("programming:application_budget", args=[application.pk])


def test_budget_form_with_decimal_commas_then_submit(prog, login):
    application = space.mine(prog)
    state = prog.extra["state_financer"]
    client = login(prog.users["partenaire"])
    page = client.get(_budget_url(application)).content.decode()
    assert "64 – Charges de personnel" in page and "74 – Préfecture du Pas-de-Calais (test)" in page
    unbalanced = {"c64": "1 250,50", "c61": "300", f"f{state.pk}": "1 000", "lcommune": "250,50"}
    response = client.post(_budget_url(application), unbalanced, follow=True)
    assert "les charges (1 550,50 €) dépassent les produits (1 250,50 €) de 300,00 €" in _text(response)
    lines = {
        (line.account_class, line.financer, line.call_financer_id): line.amount
        for line in application.budget_lines.all()
    }
    assert lines == {
        ("64", "", None): Decimal("1250.50"),
        ("61", "", None): Decimal("300"),
        ("74", "", state.pk): Decimal("1000"),
        ("74", "commune", None): Decimal("250.50"),
    }
    submit = reverse("programming:application_submit", args=[application.pk])
    response = client.post(submit)
    assert response.status_code == 400
    assert "dépassent les produits (1 250,50 €) de 300,00 €" in _text(response)
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT
    client.post(_budget_url(application), {**unbalanced, "c75": "300"})
    assert client.post(submit).status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert application.requested_amounts() == {state.pk: Decimal("1000")}
    page = _text(client.get(reverse("programming:application_detail", args=[application.pk])))
    assert "Déposé" in page and "Préfecture du Pas-de-Calais (test) : 1 000,00 €" in page
    response = client.post(_budget_url(application), unbalanced)  # submitted: the budget is closed
    assert response.status_code == 400 and "ne se modifie plus une fois le dossier déposé" in _text(response)


@pytest.mark.parametrize("bad", ["-100", "douze", "12,345"])
def test_bad_amounts_write_nothing(prog, login, bad):
    application = space.mine(prog)
    before = list(application.budget_lines.values_list("amount", flat=True))
    response = login(prog.users["partenaire"]).post(_budget_url(application), {"c64": bad, "c60": "10"})
    assert response.status_code == 400
    assert any(word in _text(response) for word in ("négatif", "pas un nombre", "deux décimales"))
    assert list(application.budget_lines.values_list("amount", flat=True)) == before


def test_renewal_copies_last_years_dossier(prog, login):
    call = space.open_call(prog)
    previous = space.last_year(prog)
    previous.qpvs.add(prog.qpv)
    previous.objectives.add(prog.extra["objective"])
    old_call = previous.call
    agglo_then = CallFinancer.objects.create(call=old_call, organisation=prog.orgs["agglo"], envelope=Decimal("10"))
    irev_then = CallFinancer.objects.create(call=old_call, organisation=prog.orgs["irev"], envelope=Decimal("10"))
    BudgetLine.objects.create(application=previous, side="depense", account_class="60", amount=Decimal("300"))
    BudgetLine.objects.create(
        application=previous, side="recette", account_class="74", call_financer=agglo_then, amount=Decimal("200")
    )
    BudgetLine.objects.create(
        application=previous, side="recette", account_class="74", call_financer=irev_then, amount=Decimal("100")
    )
    client = login(prog.users["partenaire"])
    create_page = client.get(reverse("programming:application_create", args=[call.pk])).content.decode()
    assert "Action 2025" in create_page
    response = client.post(reverse("programming:application_renew", args=[call.pk]), {"previous": previous.pk})
    renewal = Application.objects.get(call=call, renewal_of=previous)
    assert response.status_code == 302
    assert (renewal.title, renewal.status) == ("Action 2025", Application.Status.DRAFT)
    assert list(renewal.qpvs.all()) == [prog.qpv]
    agglo_now = CallFinancer.objects.get(call=call, organisation=prog.orgs["agglo"])
    lines = {
        (line.account_class, line.financer, line.call_financer_id, line.label, line.amount)
        for line in renewal.budget_lines.all()
    }
    assert ("74", "", agglo_now.pk, "", Decimal("200")) in lines
    assert ("74", "autre", None, prog.orgs["irev"].name, Decimal("100")) in lines
    assert renewal.budget_totals() == previous.budget_totals()
    # Renewed once: a second renewal is refused in French and writes nothing.
    response = client.post(reverse("programming:application_renew", args=[call.pk]), {"previous": previous.pk})
    assert response.status_code == 400 and "ne peut pas être reconduit" in _text(response)
    assert Application.objects.filter(renewal_of=previous).count() == 1


def test_attachment_through_the_upload_rule(prog, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    application = space.mine(prog)
    client = login(prog.users["partenaire"])
    url = reverse("programming:attachment_add", args=[application.pk])
    assert filetypes.limit_text("piece_jointe") in client.get(url).content.decode()
    fake = SimpleUploadedFile("statuts.pdf", b"MZ\x90\x00\x03 not a pdf at all \x00\x01\x02", "application/pdf")
    response = client.post(url, {"label": "Statuts", "file": fake})
    assert response.status_code == 400 and "Type de fichier refusé" in _text(response)
    assert not Attachment.objects.exists()
    pdf = SimpleUploadedFile("statuts.pdf", b"%PDF-1.4\n%test\n", "application/pdf")
    assert client.post(url, {"label": "Statuts", "file": pdf}).status_code == 302
    attachment = Attachment.objects.get()
    download = client.get(reverse("programming:attachment_download", args=[attachment.pk]))
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    other = login(prog.extra["other_member"])
    assert other.get(reverse("programming:attachment_download", args=[attachment.pk])).status_code == 404


def test_a_carrier_sees_only_its_own_dossiers(prog, login):
    mine, theirs = space.mine(prog), space.theirs(prog)
    other = login(prog.extra["other_member"])
    for name in ("application_detail", "application_edit", "application_budget", "attachment_add"):
        assert other.get(reverse(f"programming:{name}", args=[mine.pk])).status_code == 404
    assert other.post(reverse("programming:application_submit", args=[mine.pk])).status_code == 404
    assert other.get(reverse("programming:application_detail", args=[theirs.pk])).status_code == 200
    index = other.get(reverse("programming:index")).content.decode()
    assert "Dossier voisin" in index and "Dossier du bailleur" not in index
    call_page = other.get(reverse("programming:call_detail", args=[mine.call.pk])).content.decode()
    assert "Dossier voisin" in call_page and "Dossier du bailleur" not in call_page


def test_a_financer_outside_the_call_sees_nothing(prog, login):
    mine = space.mine(prog)
    CallFinancer.objects.create(call=prog.extra["call_dk"], organisation=prog.orgs["cud"], envelope=Decimal("5"))
    outsider = MembershipFactory(
        organisation=prog.orgs["cud"], role="partenaire", scope_level="epci", scope_code="245900428"
    ).user
    client = login(outsider)
    assert client.get(reverse("programming:application_detail", args=[mine.pk])).status_code == 404
    assert client.post(reverse("programming:application_submit", args=[mine.pk])).status_code == 404


def test_dossier_page_shows_transitions_and_inert_text(prog, login):
    application = space.mine(prog)
    application.title = '<script>alert("x")</script>'
    application.description = '<img src=x onerror="alert(1)">'
    application.save()
    page = login(prog.users["partenaire"]).get(reverse("programming:application_detail", args=[application.pk]))
    content = page.content.decode()
    assert "<script>alert" not in content and "<img src=x" not in content
    assert "Déposer le dossier" in content
    chef_page = login(prog.users["chef"]).get(reverse("programming:application_detail", args=[application.pk]))
    assert "Déposer le dossier" not in chef_page.content.decode()


def test_edit_limits_targets_to_the_contract(prog, login):
    application = space.mine(prog)
    client = login(prog.users["partenaire"])
    url = reverse("programming:application_edit", args=[application.pk])
    data = {"title": "Nouveau titre", "qpvs": [prog.qpv_dunkerque.pk]}
    response = client.post(url, data)
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.title == "Dossier du bailleur"
    assert client.post(url, {"title": "Nouveau titre", "qpvs": [prog.qpv_beau_marais.pk]}).status_code == 302
    application.refresh_from_db()
    assert application.title == "Nouveau titre" and list(application.qpvs.all()) == [prog.qpv_beau_marais]
