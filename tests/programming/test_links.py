"""The links between the programming's pages: every link of the call page and of the dossier page opens for whoever
sees it (no link answers 403 or 404), and the working pages are linked for those who may open them."""

import re

import pytest
from django.urls import reverse

from quartiers.programming.workflow import Status
from tests.programming.followup_helpers import agreed_application
from tests.programming.helpers import make_application

pytestmark = pytest.mark.django_db
HREF = re.compile(r'href="(/programmation/[^"?#]*)"')
ROLES = ("lecteur", "partenaire", "delegue", "animateur", "autre_chef", "chef", "admin")


def _links(client, url):
    answer = client.get(url)
    assert answer.status_code == 200
    return set(HREF.findall(answer.content.decode()))


def _all_open(client, links):
    for link in links:
        assert client.get(link).status_code == 200, link


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.PAID, Status.CLOSED])
def test_no_link_of_the_dossier_and_call_pages_is_refused(prog, login, role, status):
    app, _convention = agreed_application(prog, status=status)
    renewal = make_application(app.call, app.carrier, Status.DRAFT, "Reconduction")
    renewal.renewal_of = app
    renewal.save()
    client = login(prog.users[role])
    _all_open(client, _links(client, reverse("programming:call_detail", args=[app.call.pk])))
    if client.get(reverse("programming:application_detail", args=[app.pk])).status_code == 200:
        _all_open(client, _links(client, reverse("programming:application_detail", args=[app.pk])))


def test_the_instructor_finds_every_page_from_the_call_and_the_dossier(prog, login):
    app, _convention = agreed_application(prog, status=Status.PAID)
    client = login(prog.users["chef"])
    call_links = _links(client, reverse("programming:call_detail", args=[app.call.pk]))
    for name in ("instruction_list", "instruction_grid", "committee_table", "followup_due"):
        assert reverse(f"programming:{name}", args=[app.call.pk]) in call_links
    assert {reverse("programming:opendata"), reverse("programming:import")} <= call_links
    dossier_links = _links(client, reverse("programming:application_detail", args=[app.pk]))
    for name in ("instruction_detail", "followup", "report"):
        assert reverse(f"programming:{name}", args=[app.pk]) in dossier_links
    assert reverse("programming:carrier_years", args=[app.carrier.pk]) in dossier_links


def test_the_carrier_gets_its_pages_and_the_action_as_a_link(prog, login):
    app, _convention = agreed_application(prog, status=Status.PAID)
    client = login(prog.users["partenaire"])
    assert not {
        reverse("programming:instruction_list", args=[app.call.pk]),
        reverse("programming:followup_due", args=[app.call.pk]),
    } & _links(client, reverse("programming:call_detail", args=[app.call.pk]))
    page = client.get(reverse("programming:application_detail", args=[app.pk])).content.decode()
    report = reverse("programming:report", args=[app.pk])
    assert f'href="{report}">Déposer le bilan</a>' in page  # the workflow action, as a link to its page
    assert reverse("programming:instruction_detail", args=[app.pk]) not in page
    assert reverse("programming:followup", args=[app.pk]) in page
