"""A small, real slice of geography (Calais and Dunkerque) and the eight users of the permission matrix.

Codes and names are the official ones (COG 2026, QPV 2024 list, contrats de ville 2024); only what
the tests need is created. "This territory" is the CA Grand Calais Terres et Mers; "another
territory" is the CU de Dunkerque. The délégué du préfet belongs to the préfecture du Pas-de-Calais
(scope: département 62); the animateur to the resource centre (IREV), which animates the test network.
"""

from dataclasses import dataclass, field

from quartiers.accounts.models import Organisation
from quartiers.territories.models import EPCI, QPV, Commune, ContratDeVille, Departement, Region
from tests.factories import MembershipFactory, OrganisationFactory

ROLES = ("anonyme", "lecteur", "partenaire", "delegue", "animateur", "autre_chef", "chef", "admin")


@dataclass
class World:
    region: Region
    pas_de_calais: Departement
    nord: Departement
    grand_calais: EPCI
    dunkerque_cu: EPCI
    calais: Commune
    dunkerque: Commune
    qpv: QPV
    qpv_beau_marais: QPV
    qpv_dunkerque: QPV
    contrat: ContratDeVille
    users: dict = field(default_factory=dict)
    orgs: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)


def build_geography():
    region, _ = Region.objects.get_or_create(code="32", defaults={"nom": "Hauts-de-France"})
    pdc, _ = Departement.objects.get_or_create(code="62", defaults={"nom": "Pas-de-Calais", "region": region})
    nord, _ = Departement.objects.get_or_create(code="59", defaults={"nom": "Nord", "region": region})
    grand_calais, _ = EPCI.objects.get_or_create(
        siren="200090751", defaults={"nom": "CA Grand Calais Terres et Mers", "type": "CA"}
    )
    cud, _ = EPCI.objects.get_or_create(siren="245900428", defaults={"nom": "CU de Dunkerque", "type": "CU"})
    calais, _ = Commune.objects.get_or_create(
        insee="62193",
        defaults={
            "nom": "Calais",
            "siren": "216201939",
            "departement": pdc,
            "epci": grand_calais,
            "population": 67571,
            "codes_postaux": ["62100"],
        },
    )
    dunkerque, _ = Commune.objects.get_or_create(
        insee="59183",
        defaults={
            "nom": "Dunkerque",
            "siren": "200027159",
            "departement": nord,
            "epci": cud,
            "population": 86263,
            "codes_postaux": ["59140", "59240", "59640"],
        },
    )
    qpv, _ = QPV.objects.get_or_create(
        code="QN06253M",
        defaults={
            "nom": "Fort Nieulay - Cailloux - Saint-Pierre",
            "generation": 2024,
            "departement": pdc,
            "epci": grand_calais,
        },
    )
    qpv.communes.add(calais)
    beau_marais, _ = QPV.objects.get_or_create(
        code="QN06254M",
        defaults={"nom": "Beau Marais", "generation": 2024, "departement": pdc, "epci": grand_calais},
    )
    beau_marais.communes.add(calais)
    qpv_dk, _ = QPV.objects.get_or_create(
        code="QN05962M",
        defaults={"nom": "Soubise - Basse Ville", "generation": 2024, "departement": nord, "epci": cud},
    )
    qpv_dk.communes.add(dunkerque)
    contrat, _ = ContratDeVille.objects.get_or_create(
        code="CN06207M",
        defaults={"nom": "62 - CA Grand Calais Terres et Mers", "departement": pdc, "epci": grand_calais},
    )
    contrat.qpvs.add(qpv, beau_marais)
    return World(region, pdc, nord, grand_calais, cud, calais, dunkerque, qpv, beau_marais, qpv_dk, contrat)


def build_world():
    w = build_geography()
    irev = OrganisationFactory(name="IREV (test)", kind=Organisation.Kind.CENTRE_RESSOURCES)
    bailleur = OrganisationFactory(name="Bailleur social (test)", kind=Organisation.Kind.BAILLEUR)
    agglo = OrganisationFactory(name="CA Grand Calais Terres et Mers (test)", kind=Organisation.Kind.EPCI)
    cud = OrganisationFactory(name="CU de Dunkerque (test)", kind=Organisation.Kind.EPCI)
    prefecture = OrganisationFactory(name="Préfecture du Pas-de-Calais (test)", kind=Organisation.Kind.ETAT)
    w.orgs = {"irev": irev, "bailleur": bailleur, "agglo": agglo, "cud": cud, "prefecture": prefecture}
    w.users["anonyme"] = None
    w.users["lecteur"] = MembershipFactory(
        organisation=irev, role="lecteur", scope_level="region", scope_code="32"
    ).user
    w.users["partenaire"] = MembershipFactory(
        organisation=bailleur, role="partenaire", scope_level="epci", scope_code="200090751"
    ).user
    w.users["autre_chef"] = MembershipFactory(
        organisation=cud, role="chef_de_projet", scope_level="epci", scope_code="245900428"
    ).user
    w.users["chef"] = MembershipFactory(
        organisation=agglo, role="chef_de_projet", scope_level="epci", scope_code="200090751"
    ).user
    w.users["delegue"] = MembershipFactory(
        organisation=prefecture, role="delegue_prefet", scope_level="departement", scope_code="62"
    ).user
    w.users["animateur"] = MembershipFactory(
        organisation=irev, role="animateur", scope_level="region", scope_code="32"
    ).user
    w.users["admin"] = MembershipFactory(
        organisation=irev, role="administrateur", scope_level="region", scope_code="32"
    ).user
    return w
