"""Demo data of the programming, after the seed story: the 2019 call for projects of the Grand Calais contract
(the 2015–2023 contract, revised by its PERR that year), decided and mostly soldé with its bilans, and the current
year's call of the Grand Calais 2024–2030 contract (dates relative to the day of loading) holding the dossiers
still in progress — so every stage of the workflow has dossiers.

The carriers are real structures of that contract: the employers of the adultes-relais and FONJEP posts bundled
with the contracts module (ANCT, Ci.Ville 2025, Licence Ouverte 2.0), with the SIRET the file gives (blank where
it gives none). **Every amount, every beneficiary count and every action title is fictitious** — the dossiers say
so in their description. Idempotent: carriers by name, calls by (contract, year, title), dossiers by (call,
carrier, title), their parts by their natural keys; a re-run moves the current call's dates.
"""

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from stdnum.fr import siret as stdnum_siret

from quartiers.accounts.demo import DEMO_PASSWORD, DOMAIN
from quartiers.accounts.models import Membership, Organisation, User
from quartiers.contracts import hooks as contracts
from quartiers.core import jobs
from quartiers.core.permissions import PARTNER

from . import qpv_share
from .models import (
    Application,
    BeneficiaryCount,
    BudgetLine,
    Call,
    CallFinancer,
    Carrier,
    Convention,
    Funding,
    InformationRequest,
    Payment,
    Report,
    ReportIndicator,
    ReportLine,
)
from .workflow import Status

GRAND_CALAIS = "200090751"
CODE_CV = "CN06207M"
FICTITIOUS = "Montants, bénéficiaires et contenu de l'action fictifs (données de démonstration)."
CARRIER_ACCOUNT = f"porteur@{DOMAIN}"
CARRIER_ACCOUNT_STRUCTURE = "ASS LA SPIRALE"
# Financers of both calls: the contracts demo's organisations (State, EPCI, commune, Département, CAF).
FINANCERS = ("etat", "epci", "ville", "departement", "caf")
ENVELOPES_2019 = {"etat": 180000, "epci": 120000, "ville": 90000, "departement": 40000, "caf": 30000}
ENVELOPES_NOW = {"etat": 200000, "epci": 130000, "ville": 95000, "departement": 45000, "caf": 35000}
# Each financer's share of a dossier's subsidies (the rest: the carrier's own funds, class 75).
SHARES = {
    "etat": Decimal("0.40"),
    "epci": Decimal("0.20"),
    "ville": Decimal("0.15"),
    "departement": Decimal("0.05"),
    "caf": Decimal("0.05"),
}
KINDS = {"COM CALAIS": Carrier.Kind.COMMUNE, "CCAS CALAIS": Carrier.Kind.CCAS}
NAMES = {"COM CALAIS": "Ville de Calais (porteur)", "CCAS CALAIS": "CCAS de Calais"}

S = Status
# 2019: (title, carrier index, status, forecast total in euros) — all fictitious.
DOSSIERS_2019 = [
    ("Accompagnement vers l'emploi des jeunes du Beau-Marais", 0, S.CLOSED, 24000),
    ("Permanences d'accès aux droits", 1, S.CLOSED, 18000),
    ("Ateliers sociolinguistiques", 2, S.CLOSED, 15000),
    ("Chantier d'insertion espaces verts", 3, S.CLOSED, 42000),
    ("Médiation sociale de proximité", 4, S.CLOSED, 30000),
    ("Parrainage vers l'emploi", 5, S.CLOSED, 21000),
    ("Soutien à la parentalité", 6, S.CLOSED, 12000),
    ("Accueil jeunes en soirée", 7, S.CLOSED, 16000),
    ("Fête de quartier du Fort-Nieulay", 2, S.CLOSED, 8000),
    ("Jardins partagés", 3, S.CLOSED, 9500),
    ("Coup de pouce clé (lecture CP)", 0, S.CLOSED, 11000),
    ("Forum des métiers", 5, S.CLOSED, 7000),
    ("Sport santé au féminin", 6, S.CLOSED, 10000),
    ("Ludothèque itinérante", 7, S.REPORTED, 13000),
    ("Prévention des expulsions locatives", 1, S.REPORTED, 14000),
    ("Atelier vélo solidaire", 4, S.PAID, 9000),
    ("Auto-école sociale", 3, S.AGREED, 26000),
    ("Théâtre forum sur les discriminations", 2, S.ACCEPTED, 6000),
    ("Cours de cuisine intergénérationnels", 6, S.REFUSED, 5000),
    ("Séjours familles", 7, S.REFUSED, 20000),
    ("Plateforme numérique de quartier", 5, S.POSTPONED, 17000),
]
# The current year's call: the dossiers still in progress (title, carrier index, status, total, renewal of).
DOSSIERS_NOW = [
    (
        "Accompagnement vers l'emploi des jeunes",
        0,
        S.DRAFT,
        25000,
        "Accompagnement vers l'emploi des jeunes du Beau-Marais",
    ),
    ("Ateliers d'écriture au collège", 3, S.DRAFT, 7000, None),
    ("Permanences d'accès aux droits", 1, S.SUBMITTED, 18500, "Permanences d'accès aux droits"),
    ("Chantier d'insertion patrimoine", 3, S.SUBMITTED, 45000, None),
    ("Médiation sociale de proximité", 4, S.INSTRUCTION, 31000, "Médiation sociale de proximité"),
    ("Soutien à la parentalité", 6, S.INSTRUCTION, 12500, "Soutien à la parentalité"),
    ("Accueil jeunes en soirée", 7, S.INCOMPLETE, 16500, "Accueil jeunes en soirée"),
    ("Parrainage vers l'emploi", 5, S.OPINIONS, 21500, "Parrainage vers l'emploi"),
    ("Numérique pour tous", 2, S.OPINIONS, 9000, None),
]
AFTER_DECISION = {S.ACCEPTED, S.AGREED, S.PAID, S.REPORTED, S.CLOSED}
WITH_CONVENTION = {S.AGREED, S.PAID, S.REPORTED, S.CLOSED}
WITH_ADVANCE = {S.PAID, S.REPORTED, S.CLOSED}
WITH_REPORT = {S.REPORTED, S.CLOSED}


def load_demo(stdout, today=None):
    today = today or timezone.localdate()
    calais = contracts.contracts().filter(epci_id=GRAND_CALAIS)
    old, new = calais.filter(generation="2015-2023").first(), calais.filter(generation="2024-2030").first()
    if old is None or new is None:
        stdout.write("Programmation : contrats de ville du Grand Calais absents, démonstration ignorée.")
        return
    carriers = load_carriers()
    if not carriers:
        stdout.write(
            "Programmation : postes adultes-relais / FONJEP du Grand Calais absents (données de référence "
            "du module Contrats de ville), démonstration ignorée."
        )
        return
    orgs = {key: contracts.demo_organisation(key) for key in FINANCERS}
    with transaction.atomic():
        call_2019 = build_call_2019(old, orgs)
        previous = {
            title: build_dossier(call_2019, carriers[i], title, status, total, dt.date(2019, 2, 1))
            for title, i, status, total in DOSSIERS_2019
        }
        current = build_current_call(new, orgs, today)
        for title, i, status, total, renewal in DOSSIERS_NOW:
            application = build_dossier(current, carriers[i], title, status, total, today)
            if renewal and application.renewal_of_id != previous[renewal].pk:
                application.renewal_of = previous[renewal]
                application.save(update_fields=["renewal_of"])
        account = carrier_account(carriers)
    share = demo_qpv_share(account, call_2019)
    stdout.write(
        f"Programmation : appel 2019 du Grand Calais ({call_2019.applications.count()} dossiers) et appel "
        f"{current.year} ({current.applications.count()} dossiers en cours), {len(carriers)} structures porteuses "
        "réelles (postes adultes-relais et FONJEP) ; montants et bénéficiaires fictifs."
    )
    if share:
        stdout.write(
            f"Programmation : part QPV du bilan « {share.application.title} » calculée depuis une liste "
            f"d'adresses fictives ({share.qpv_inside} en QPV, {share.qpv_outside} hors QPV, "
            f"{share.qpv_undetermined} indéterminée(s) : pas de BAN du Pas-de-Calais dans la démonstration)."
        )


def load_carriers():
    """The employers of the Grand Calais contract's funded posts, one carrier per structure (SIRET when given)."""
    seen = {}
    for post in contracts.funded_posts().filter(code_cv=CODE_CV).order_by("programme", "post_id"):
        raw = post.structure.strip()
        siret = post.structure_siret if stdnum_siret.is_valid(post.structure_siret or "") else ""
        key = siret[:9] or raw.replace("'", " ")  # one structure, even when its establishments differ
        seen.setdefault(key, (raw, siret))
    carriers = []
    for raw, siret in seen.values():
        carrier, _ = Carrier.objects.update_or_create(
            name=NAMES.get(raw, raw),
            defaults={
                "kind": KINDS.get(raw, Carrier.Kind.ASSOCIATION),
                "siret": siret,
                "address": "Calais",
                "contact_name": "Contact fictif (démonstration)",
            },
        )
        carriers.append(carrier)
    return carriers


def _call(contract, year, title, orgs, envelopes, **dates):
    call, _ = Call.objects.update_or_create(
        contract=contract,
        year=year,
        title=title,
        defaults={
            "rules": "Actions au bénéfice des habitants des quartiers prioritaires du Grand Calais, cofinancées par "
            "l'État, l'agglomération, la ville de Calais, le Département et la CAF. Dépôt en ligne, budget "
            "prévisionnel équilibré (CERFA 12156). Enveloppes fictives (démonstration).",
            **dates,
        },
    )
    for key, amount in envelopes.items():
        CallFinancer.objects.update_or_create(call=call, organisation=orgs[key], defaults={"envelope": amount})
    return call


def build_call_2019(contract, orgs):
    return _call(
        contract,
        2019,
        "Appel à projets 2019 du contrat de ville du Calaisis",
        orgs,
        ENVELOPES_2019,
        opens_on=dt.date(2018, 10, 15),
        closes_on=dt.date(2018, 12, 14),
        technical_committee_on=dt.date(2019, 2, 12),
        steering_committee_on=dt.date(2019, 3, 19),
    )


def build_current_call(contract, orgs, today):
    call = _call(
        contract,
        today.year,
        f"Appel à projets {today.year} du Grand Calais",
        orgs,
        ENVELOPES_NOW,
        opens_on=today - dt.timedelta(days=45),
        closes_on=today + dt.timedelta(days=20),
        technical_committee_on=today + dt.timedelta(days=50),
        steering_committee_on=today + dt.timedelta(days=80),
    )
    objectives = Application(call=call).allowed_objectives()
    call.priorities.set(objectives[:3])
    return call


def build_dossier(call, carrier, title, status, total, start):
    application, _ = Application.objects.update_or_create(
        call=call,
        carrier=carrier,
        title=title,
        defaults={
            "status": status,
            "description": f"Action de démonstration. {FICTITIOUS}",
            "public": "Habitants des quartiers prioritaires du Grand Calais",
            "starts_on": start,
            "ends_on": start.replace(month=12, day=31),
        },
    )
    qpvs = list(application.allowed_qpvs().order_by("code")[:2])
    application.qpvs.set(qpvs)
    application.objectives.set(list(application.allowed_objectives().order_by("pk")[:1]))
    financers = {f.organisation_id: f for f in call.financers.all()}
    budget(application, Decimal(total), financers)
    if status in (S.OPINIONS, *AFTER_DECISION, S.REFUSED, S.POSTPONED):
        decide(application, status)
    if status == S.INCOMPLETE:
        InformationRequest.objects.get_or_create(
            application=application,
            defaults={"message": "Merci de joindre le budget de la structure et le dernier rapport d'activité."},
        )
    return application


def budget(application, total, financers):
    """A balanced forecast: charges 64 / 60 / 61 / 62; produits 74 per financer of the call, the rest 75."""
    application.budget_lines.all().delete()
    lines = [("depense", "64", total * Decimal("0.6")), ("depense", "60", total * Decimal("0.15"))]
    lines += [("depense", "61", total * Decimal("0.1")), ("depense", "62", total * Decimal("0.15"))]
    granted = Decimal("0")
    for key, share in SHARES.items():
        organisation = contracts.demo_organisation(key)
        amount = (total * share).quantize(Decimal("1"))
        BudgetLine(
            application=application,
            side="recette",
            account_class="74",
            amount=amount,
            call_financer=financers.get(organisation.pk),
        ).save()
        granted += amount
    lines.append(("recette", "75", total - granted))
    for side, account, amount in lines:
        BudgetLine(
            application=application, side=side, account_class=account, amount=amount.quantize(Decimal("0.01"))
        ).save()


def decide(application, status):
    """Opinions (and, once decided, grants, conventions, payments and the bilan), straight into the models."""
    requested = application.requested_amounts()
    for financer in application.call.financers.all():
        asked = requested.get(financer.pk)
        if asked is None:
            continue
        favourable = status not in (S.REFUSED, S.POSTPONED)
        funding, _ = Funding.objects.update_or_create(
            application=application,
            call_financer=financer,
            defaults={
                "opinion": Funding.Opinion.FAVOURABLE if favourable else Funding.Opinion.UNFAVOURABLE,
                "proposed_amount": asked if favourable else Decimal("0"),
                "opinion_comment": "Avis fictif (démonstration).",
                "granted_amount": asked if status in AFTER_DECISION else None,
            },
        )
        if status in WITH_CONVENTION:
            follow_up(funding, application, status)
    if status in WITH_REPORT:
        report(application, status)


def follow_up(funding, application, status):
    year = application.call.year
    convention, _ = Convention.objects.update_or_create(
        funding=funding,
        defaults={
            "signed_on": dt.date(year, 4, 15),
            "decided_on": application.call.steering_committee_on,
            "decision_reference": f"CP-{year}-{application.pk:03d}",
        },
    )
    half = (funding.granted_amount / 2).quantize(Decimal("0.01"))
    Payment.objects.update_or_create(
        convention=convention,
        kind=Payment.Kind.ADVANCE,
        defaults={
            "amount": half,
            "due_on": dt.date(year, 5, 15),
            "paid_on": dt.date(year, 5, 28) if status in WITH_ADVANCE else None,
        },
    )
    Payment.objects.update_or_create(
        convention=convention,
        kind=Payment.Kind.BALANCE,
        defaults={
            "amount": funding.granted_amount - half,
            "due_on": dt.date(year + 1, 4, 30),
            "paid_on": dt.date(year + 1, 5, 20) if status == S.CLOSED else None,
        },
    )


def report(application, status):
    """The bilan (CERFA 15059): realised lines close to the forecast, beneficiaries by sex and age, one indicator.
    The QPV share is left to compute from an address list (a Calais address answers « indéterminé » in the demo)."""
    beneficiaries = 20 + (application.pk * 7) % 60
    bilan, _ = Report.objects.update_or_create(
        application=application,
        defaults={
            "summary": f"Bilan de démonstration : l'action s'est déroulée comme prévu. {FICTITIOUS}",
            "beneficiaries_total": beneficiaries,
            "submitted_at": timezone.make_aware(dt.datetime(application.call.year + 1, 3, 15, 10)),
        },
    )
    for line in application.budget_lines.exclude(account_class="74").order_by("pk"):
        realised = (line.amount * Decimal("0.95")).quantize(Decimal("0.01"))
        ReportLine.objects.update_or_create(
            report=bilan, side=line.side, account_class=line.account_class, defaults={"amount": realised}
        )
    women = beneficiaries // 2
    for sex, count in (("f", women), ("h", beneficiaries - women)):
        BeneficiaryCount.objects.update_or_create(report=bilan, sex=sex, age_band="26-64", defaults={"count": count})
    ReportIndicator.objects.update_or_create(
        report=bilan,
        label="Participants accompagnés",
        defaults={"target": Decimal(beneficiaries + 5), "achieved": Decimal(beneficiaries), "unit": "personnes"},
    )


def carrier_account(carriers):
    """porteur@quartiers.example: a partner of one association carrier (its dossiers only)."""
    carrier = next((c for c in carriers if c.name == CARRIER_ACCOUNT_STRUCTURE), None)
    carrier = carrier or next(c for c in carriers if c.kind == Carrier.Kind.ASSOCIATION)
    organisation, _ = Organisation.objects.get_or_create(
        name=f"{carrier.name} (structure porteuse)", defaults={"kind": Organisation.Kind.ASSOCIATION}
    )
    if carrier.organisation_id != organisation.pk:
        carrier.organisation = organisation
        carrier.save(update_fields=["organisation"])
    user, created = User.objects.get_or_create(
        email=CARRIER_ACCOUNT, defaults={"first_name": "Paula", "last_name": "Porteuse"}
    )
    if created or not user.has_usable_password():
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    Membership.objects.update_or_create(
        user=user,
        organisation=organisation,
        role=PARTNER,
        scope_level="epci",
        scope_code=GRAND_CALAIS,
        defaults={"function": "Coordinatrice de projets (structure porteuse)", "active": True},
    )
    return user


# The beneficiaries' address list of the demo bilan: obviously fictitious addresses (the file is read by the job,
# then deleted; only the three counts stay on the bilan).
DEMO_ADDRESSES = (
    "1 rue de la Démonstration",
    "2 rue de la Démonstration",
    "3 impasse de l'Exemple",
    "4 allée Fictive",
    "5 place de l'Essai",
)


def demo_address_list():
    """The uploaded file, as a carrier's spreadsheet saves it: CSV, `;`, CP1252, CRLF."""
    lines = ["Nom;Adresse;Code postal;Commune"]
    lines += [f"Bénéficiaire fictif {n};{street};62100;Calais" for n, street in enumerate(DEMO_ADDRESSES, 1)]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def demo_qpv_share(user, call):
    """One 2019 bilan of the demo carrier account gets its QPV share through the real path: the carrier uploads the
    address list (`qpv_share.start`), the job runs inline (`core.jobs.run_pending`'s runner). The upload is open while
    the dossier is « payé » (before the bilan is filed), so the dossier goes through that stage again for the time of
    the upload and comes back to its status. In the demo Calais has no BAN: the counts come out « indéterminé » and
    the job's message names the command that fixes it (GUIDE §1, « Demo geography »). Idempotent: done once."""
    organisations = Membership.objects.filter(user=user).values("organisation")
    application = (
        Application.objects.filter(call=call, carrier__organisation__in=organisations, status__in=WITH_REPORT)
        .order_by("pk")
        .first()
    )
    if application is None:
        return None
    existing = Report.objects.filter(application=application).first()
    if existing and existing.qpv_computed_at:
        return existing
    status = application.status
    Application.objects.filter(pk=application.pk).update(status=S.PAID)
    try:
        upload = SimpleUploadedFile("beneficiaires-fictifs.csv", demo_address_list(), content_type="text/csv")
        with transaction.atomic():
            job = qpv_share.start(user, application, upload, {})
        jobs.run_job.call(str(job.pk))
    finally:
        Application.objects.filter(pk=application.pk).update(status=status)
    return Report.objects.select_related("application").get(application=application)
