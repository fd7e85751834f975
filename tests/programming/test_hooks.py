"""The programming in the other modules' pages: the funded actions on the QPV fiche, the amounts per year and
pillar on the contract page — only what the user may see, in a constant number of queries."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quartiers.programming import hooks
from quartiers.territories.hooks import links_for
from tests.programming.opendata_data import granted_world, subsidy


def _target(world):
    granted_world(world)
    for funding in world.extra["subsidies"][:3]:
        funding.application.qpvs.add(world.qpv)
        funding.application.objectives.add(world.extra["objective"])
    return world


def _queries(fn):
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_qpv_fiche_lists_the_funded_actions_the_user_may_see(world, login):
    _target(world)
    labels = [label for label, _ in links_for(world.qpv, world.users["chef"])]
    assert any("Action financée 2026 : Accompagnement à la scolarité" in label for label in labels)
    assert any("12\u202f500 € accordés" in label for label in labels)
    # The bailleur sees its own dossiers only; the other structure's action is not listed to him.
    partner = [label for label, _ in links_for(world.qpv, world.users["partenaire"])]
    assert partner and not any("Atelier sans SIRET" in label for label in partner)
    assert hooks.qpv_links(world.qpv, world.users["lecteur"]) == []
    assert hooks.qpv_links(world.qpv, world.users["anonyme"]) == []
    page = login(world.users["chef"]).get(reverse("territories:qpv_detail", args=[world.qpv.code]))
    assert "Action financée 2026 : Accompagnement à la scolarité" in page.content.decode()


def test_qpv_links_run_a_constant_number_of_queries(world):
    _target(world)
    user = world.users["chef"]
    hooks.qpv_links(world.qpv, user)  # the user's memberships, read once per request
    before = _queries(lambda: hooks.qpv_links(world.qpv, user))
    state = world.extra["subsidies"][0].call_financer
    for n in range(5):
        subsidy(state, world.extra["carrier"], "100", title=f"Action {n}").application.qpvs.add(world.qpv)
    assert _queries(lambda: hooks.qpv_links(world.qpv, user)) == before <= 3


def test_contract_page_shows_amounts_per_year_and_pillar(world, login):
    _target(world)
    contract = world.extra["calais_contract"]
    html = login(world.users["chef"]).get(reverse("contracts:detail", args=[contract.pk])).content.decode()
    assert "Programmation : montants accordés par année et pilier" in html
    title, section = hooks.contract_programming(contract, world.users["chef"])
    assert title.startswith("Programmation")
    rows = section.split("<tr>")
    assert any("Cohésion sociale" in r and "<td>3</td>" in r for r in rows)
    assert any("Sans pilier renseigné" in r for r in rows)  # the action without convention, granted too
    # A reader of the contract sees no dossier: no section.
    assert hooks.contract_programming(contract, world.users["lecteur"]) is None
    other = login(world.users["lecteur"]).get(reverse("contracts:detail", args=[contract.pk])).content.decode()
    assert "montants accordés par année et pilier" not in other


def test_contract_section_runs_a_constant_number_of_queries(world):
    _target(world)
    contract, user = world.extra["calais_contract"], world.users["chef"]
    hooks.contract_programming(contract, user)
    before = _queries(lambda: hooks.contract_programming(contract, user))
    state = world.extra["subsidies"][0].call_financer
    for n in range(5):
        subsidy(state, world.extra["carrier"], "100", title=f"Action {n}")
    assert _queries(lambda: hooks.contract_programming(contract, user)) == before <= 3


def test_the_cached_fiche_sees_a_new_funded_action_at_once(world, login):
    granted_world(world)
    client = login(world.users["chef"])
    url = reverse("territories:qpv_detail", args=[world.qpv.code])
    assert "Accompagnement à la scolarité" not in client.get(url).content.decode()
    world.extra["subsidies"][0].application.qpvs.add(world.qpv)  # a many-to-many write, no model saved
    assert "Action financée 2026 : Accompagnement à la scolarité" in client.get(url).content.decode()


def test_each_link_opens_a_page_the_user_may_see(world, login):
    _target(world)
    for role in ("chef", "partenaire", "delegue"):
        client = login(world.users[role])
        for _label, url in links_for(world.qpv, world.users[role]):
            if url.startswith("/programmation/"):
                assert client.get(url).status_code == 200, (role, url)


def test_a_dossier_serving_two_objectives_of_a_pillar_counts_once(world):
    _target(world)
    contract, user = world.extra["calais_contract"], world.users["chef"]
    _title, before = hooks.contract_programming(contract, user)
    pillar = world.extra["objective"].pillar
    second = pillar.objectives.create(title="Réussite éducative")
    for funding in world.extra["subsidies"][:3]:
        funding.application.objectives.add(second)
    _title, after = hooks.contract_programming(contract, user)
    assert after == before  # same actions, same amounts: not doubled by the second objective


def test_the_cached_contract_section_follows_any_write(world, login):
    # The section is cached per user (contracts.hooks.sections_for): a write without a signal, another user's
    # rights, a rolled-back write are all seen or forgotten at the next request.
    from django.db import transaction

    from quartiers.programming.models import Funding

    _target(world)
    contract = world.extra["calais_contract"]
    client = login(world.users["chef"])
    url = reverse("contracts:detail", args=[contract.pk])
    assert "Programmation : montants accordés" in client.get(url).content.decode()
    Funding.objects.filter(application__call__contract=contract).update(granted_amount=0)  # no signal sent
    assert "Programmation : montants accordés" not in client.get(url).content.decode()
    try:
        with transaction.atomic():
            Funding.objects.filter(application__call__contract=contract).update(granted_amount=777)
            assert "777" in client.get(url).content.decode()
            raise RuntimeError("annulé")
    except RuntimeError:
        pass
    assert "Programmation : montants accordés" not in client.get(url).content.decode()
