"""PAQTE company profile: edited by the company's own members or the chefs de projet of its territory."""

import datetime as dt
import html

from django.urls import reverse

from quartiers.core.models import AuditEvent
from quartiers.mobilisation.models import Company
from tests.contracts.helpers import make_company
from tests.factories import MembershipFactory


def _text(response):
    return html.unescape(response.content.decode())


def _member_of(company):
    """A partner user of the company's own organisation, scoped on its territory (the CA Grand Calais).

    The owner-organisation rule needs a membership whose scope covers the company (issue 12 §1)."""
    return MembershipFactory(
        organisation=company.organisation, role="partenaire", scope_level="epci", scope_code="200090751"
    ).user


def test_company_member_edits_its_profile(world, login):
    company = make_company(world)
    client = login(_member_of(company))
    url = reverse("mobilisation:company_edit", args=[company.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "siret": "12345678900012",
            "commune": "62193",
            "sector": "Transport",
            "headcount": "50 à 99",
            "joined_on": "02/07/2019",
        },
    )
    assert response.status_code == 302
    company.refresh_from_db()
    assert (company.sector, company.headcount, company.commune_id, company.joined_on) == (
        "Transport",
        "50 à 99",
        "62193",
        dt.date(2019, 7, 2),
    )
    assert company.organisation.siret == "12345678900012"
    event = AuditEvent.objects.get(action="profil d'entreprise PAQTE modifié")
    assert event.changes["sector"] == ["Logistique", "Transport"]
    page = _text(client.get(reverse("mobilisation:company_detail", args=[company.pk])))
    assert "Transport" in page and "Modifier le profil de l'entreprise" in page


def test_company_member_scoped_elsewhere_cannot_edit_it(world, login):
    company = make_company(world)
    elsewhere = MembershipFactory(
        organisation=company.organisation, role="partenaire", scope_level="epci", scope_code="245900428"
    ).user
    url = reverse("mobilisation:company_edit", args=[company.pk])
    assert login(elsewhere).post(url, {"commune": "59183", "sector": "Transport"}).status_code == 403
    company.refresh_from_db()
    assert (company.commune_id, company.sector) == ("62193", "Logistique")


def test_chef_cannot_move_a_company_out_of_its_territory(world, login):
    company = make_company(world)
    client = login(world.users["chef"])  # chef of the Grand Calais
    url = reverse("mobilisation:company_edit", args=[company.pk])
    assert client.post(url, {"commune": "59183", "sector": "Transport"}).status_code == 403
    company.refresh_from_db()
    assert (company.commune_id, company.sector) == ("62193", "Logistique")


def test_company_profile_bad_input(world, login):
    company = make_company(world)
    client = login(world.users["chef"])
    url = reverse("mobilisation:company_edit", args=[company.pk])
    response = client.post(url, {"commune": "99999", "siret": "123", "sector": "Transport", "joined_on": "2019"})
    assert response.status_code == 400
    page = _text(response)
    assert "Aucune commune n'a le code INSEE 99999." in page
    assert "Le SIREN a 9 chiffres, le SIRET 14." in page
    assert "Date invalide : utilisez le format jj/mm/aaaa." in page
    company.refresh_from_db()
    assert company.sector == "Logistique"
    assert not AuditEvent.objects.filter(action="profil d'entreprise PAQTE modifié").exists()


def test_other_partners_see_no_edit_link(world, login):
    company = make_company(world)
    page = _text(login(world.users["partenaire"]).get(reverse("mobilisation:company_detail", args=[company.pk])))
    assert "Modifier le profil de l'entreprise" not in page
    assert Company.objects.get().sector == "Logistique"


def test_moving_a_company_is_a_rule_of_the_policy(world):
    """Who may move a company to another commune is asked of `can`, not decided in the view."""
    from quartiers.core.permissions import can

    company = make_company(world)  # in Calais
    member = _member_of(company)
    chef, partner = world.users["chef"], world.users["partenaire"]
    assert can(chef, "change", company.moved_to(world.calais))
    assert not can(chef, "change", company.moved_to(world.dunkerque))  # out of the territory he answers for
    assert can(member, "change", company.moved_to(world.dunkerque))  # the company says where it is
    assert not can(partner, "change", company.moved_to(world.calais))  # another organisation's company
    assert can(world.users["autre_chef"], "change", company.moved_to(world.dunkerque)) is False
    assert can(world.users["admin"], "change", company.moved_to(world.dunkerque))


def test_company_member_moves_its_company(world, login):
    company = make_company(world)
    response = login(_member_of(company)).post(
        reverse("mobilisation:company_edit", args=[company.pk]), {"commune": "59183", "sector": "Transport"}
    )
    assert response.status_code == 302
    company.refresh_from_db()
    assert (company.commune_id, company.sector) == ("59183", "Transport")


def test_company_services_ask_the_policy_themselves(world):
    """Called without its view, a company service still refuses who may not write (nothing written)."""
    import pytest
    from django.core.exceptions import PermissionDenied

    from quartiers.mobilisation import services

    company = make_company(world)
    profile = {"siret": "", "commune": world.calais, "sector": "Autre", "headcount": "", "joined_on": None}
    for role in ("lecteur", "autre_chef", "partenaire"):
        with pytest.raises(PermissionDenied):
            services.update_company(world.users[role], company, **profile)
        with pytest.raises(PermissionDenied):
            services.register_company(world.users[role], name="Nouvelle entreprise (test)", commune=world.calais)
    company.refresh_from_db()
    assert company.sector == "Logistique" and not Company.objects.filter(organisation__name__startswith="Nouvelle")
    services.update_company(world.users["chef"], company, **profile)
    company.refresh_from_db()
    assert company.sector == "Autre"
