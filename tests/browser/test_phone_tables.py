"""The main lists on a phone (360 px): key columns (Statut, Avancement…) visible without scrolling sideways."""

import pytest
from django.urls import reverse

from tests.contracts.helpers import make_commitment, make_contract
from tests.gup import helpers as gup
from tests.network.helpers import make_meeting, make_network
from tests.renewal.helpers import make_project
from tests.world import build_world

PHONE = {"width": 360, "height": 740}
# The first row's cell under the column headed `label` (found by its header, whatever the layout), on screen.
CELL_BOX = """(label) => {
  for (const table of document.querySelectorAll("main table")) {
    const heads = Array.from(table.querySelectorAll("thead th")).map((th) => th.textContent.trim());
    const index = heads.indexOf(label);
    const row = table.tBodies[0] && table.tBodies[0].rows[0];
    if (index < 0 || !row || !row.cells[index]) continue;
    const r = row.cells[index].getBoundingClientRect();
    return {left: r.left, right: r.right, width: r.width, height: r.height};
  }
  return null;
}"""


def _lists(w):
    contract = make_contract(w)
    make_commitment(w)
    project = make_project(w)
    gup.report(w)
    make_meeting(w)
    network = make_network(w)
    return [
        (reverse("territories:qpv_list"), ["Nom", "Contour"]),
        (reverse("contracts:index"), ["Contrat", "En retard"]),
        (reverse("contracts:detail", args=[contract.pk]), ["Engagement", "Statut", "Avancement"]),
        (reverse("renewal:index"), ["Projet", "Opérations"]),
        (reverse("renewal:project_detail", args=[project.pk]), ["Opération", "Statut", "Avancement"]),
        (reverse("gup:report_list"), ["Référence", "Statut", "Échéance"]),
        (reverse("network:meeting_list", args=[network.slug]), ["Rencontre", "Inscrits"]),
        (reverse("resources:index"), []),
    ]


@pytest.mark.parametrize("role", ["chef"])
def test_main_lists_keep_their_key_columns_on_a_phone(page, browser_login, assert_accessible, transactional_db, role):
    w = build_world()
    lists = _lists(w)
    browser_login(w.users[role])
    page.set_viewport_size(PHONE)
    for url, labels in lists:
        page.goto(url)
        page.wait_for_load_state()
        overflow = page.evaluate("() => document.documentElement.scrollWidth")
        assert overflow <= PHONE["width"], f"{url}: the page scrolls sideways ({overflow} px)"
        for label in labels:
            box = page.evaluate(CELL_BOX, label)
            assert box, f"{url}: no column « {label} »"
            assert box["width"] > 0 and box["height"] > 0, f"{url}: « {label} » hidden"
            assert 0 <= box["left"] and box["right"] <= PHONE["width"], f"{url}: « {label} » off screen ({box})"
        assert_accessible(page)
