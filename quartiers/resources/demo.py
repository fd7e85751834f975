"""Demo of the resource library: the seed story (Littoral network, Calais, 25 January 2019).

The meeting's « point d'actualité » is the IREV page text (demo_data/), searchable; with it a compte
rendu, the circular and pacts it talks about, a guide, and a « point d'actualité » series.
Summaries describe public texts without quoting official figures. Idempotent.
"""

import datetime
import zoneinfo
from pathlib import Path

from quartiers.accounts.models import Organisation
from quartiers.network import hooks as network_hooks
from quartiers.resources import services
from quartiers.resources.models import Digest, DigestItem, Document, Theme
from quartiers.territories.models import Commune

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
SEED = Path(__file__).resolve().parent / "demo_data" / "rencontre-reseau-littoral-2019.txt"
IREV = "IREV — centre de ressources politique de la ville Hauts-de-France"
SOURCE_URL = "https://www.irev.fr/thematiques/politique-de-la-ville-dsu/animation-du-reseau-chefs-de-projet-politique-de-la/reseau-0"
PDF_URL = "https://www.irev.fr/sites/default/files/atoms/files/2019.01.25_-_calais.pdf"
LITTORAL = {
    "62160": "Boulogne-sur-Mer",
    "62193": "Calais",
    "59183": "Dunkerque",
    "59295": "Hazebrouck",
    "62758": "Saint-Martin-Boulogne",
    "62765": "Saint-Omer",
}
THEMES = {
    "etat-des-lieux-qpv": "État des lieux des QPV",
    "revision-contrats-de-ville": "Révision des contrats de ville",
    "npnru": "NPNRU",
    "gup": "Gestion urbaine de proximité",
    "mobilisation-nationale": "Mobilisation nationale pour les quartiers",
    "paqte": "PAQTE",
    "pacte-de-dijon": "Pacte de Dijon",
    "axes-prioritaires": "Axes prioritaires du réseau",
}
MEETING_DATE = datetime.date(2019, 1, 25)


def _documents():
    return [_point_actualite(), _compte_rendu(), _circulaire(), _pacte_de_dijon(), _guide_paqte(), _guide_gup()]


def _point_actualite():
    return {
        "title": "Point d'actualité politique de la ville — rencontre du réseau des chefs de projet du Littoral",
        "type": Document.Type.POINT_ACTUALITE,
        "date": MEETING_DATE,
        "public": True,
        "summary": "Résumé des éléments récents d'actualité de la politique de la ville présenté aux chefs de "
        "projet des territoires du Littoral réunis à Calais le 25 janvier 2019 : circulaire du Premier "
        "ministre sur la mobilisation nationale pour les habitants des quartiers (révision des contrats de "
        "ville, PAQTE, suivi des mesures du plan), Pacte de Dijon.",
        "text": SEED.read_text(encoding="utf-8"),
        "source_url": SOURCE_URL,
        "source_modified_at": datetime.datetime(2019, 2, 28, 17, 13, tzinfo=PARIS),
        "links": [PDF_URL, "https://www.irev.fr/javascript%3A%3B"],
        "themes": list(THEMES),
        "meeting": True,
    }


def _compte_rendu():
    return {
        "title": "Compte rendu de la rencontre du réseau des chefs de projet du Littoral (Calais, 25 janvier 2019)",
        "type": Document.Type.COMPTE_RENDU,
        "date": MEETING_DATE,
        "public": False,
        "summary": "Les chefs de projet politique de la ville de Boulogne-sur-Mer, Calais, Dunkerque, Hazebrouck, "
        "Saint-Martin-Boulogne et Saint-Omer ont échangé sur l'état des lieux des quartiers prioritaires, la "
        "révision des contrats de ville, le NPNRU et la gestion urbaine de proximité, puis ont commencé à "
        "identifier des axes prioritaires à travailler ensemble.",
        "text": "Ordre du jour :\n- L'état des lieux des quartiers prioritaires de chaque territoire ;\n"
        "- La révision des contrats de ville ;\n- Le NPNRU ;\n- La gestion urbaine de proximité.\n\n"
        "Les participants ont réfléchi à l'identification d'axes prioritaires sur lesquels travailler en "
        "collaboration au sein du réseau. Le point d'actualité présenté en séance est publié séparément.",
        "themes": ["etat-des-lieux-qpv", "revision-contrats-de-ville", "npnru", "gup", "axes-prioritaires"],
        "meeting": True,
    }


def _circulaire():
    return {
        "title": "Circulaire du Premier ministre du 22 janvier 2019 sur la mobilisation nationale pour les "
        "habitants des quartiers",
        "type": Document.Type.CIRCULAIRE,
        "date": datetime.date(2019, 1, 22),
        "public": True,
        "summary": "Circulaire adressée aux préfets sur la mise en œuvre de la mobilisation nationale pour les "
        "habitants des quartiers : rénovation des contrats de ville par des protocoles d'engagements "
        "renforcés et réciproques, déploiement du PAQTE, suivi des mesures du plan de mobilisation "
        "nationale et mise en œuvre du Pacte de Dijon.",
        "text": "",
        "themes": ["revision-contrats-de-ville", "mobilisation-nationale", "paqte", "pacte-de-dijon"],
    }


def _pacte_de_dijon():
    return {
        "title": "Pacte de Dijon — Cohésion urbaine et sociale : nous nous engageons",
        "type": Document.Type.AUTRE,
        "date": datetime.date(2018, 7, 5),
        "public": True,
        "summary": "Pacte entre l'État et les intercommunalités pour les quartiers : les intercommunalités "
        "s'engagent sur le développement économique, l'emploi, l'habitat et les mobilités ; l'État sur "
        "l'éducation, la sécurité, la justice et la santé.",
        "text": "",
        "themes": ["pacte-de-dijon", "revision-contrats-de-ville"],
    }


def _guide_paqte():
    return {
        "title": "Le PAQTE, pacte avec les quartiers pour toutes les entreprises : guide pour les territoires",
        "type": Document.Type.GUIDE,
        "date": datetime.date(2019, 2, 15),
        "public": True,
        "summary": "Les entreprises signataires s'engagent sur quatre axes en faveur des habitants des quartiers "
        "prioritaires : sensibiliser (stages de troisième), former (apprentissage), recruter et acheter de "
        "façon inclusive. Ce guide présente le rôle des chefs de projet dans son déploiement local.",
        "text": "Sensibiliser : accueillir des élèves de troisième des quartiers prioritaires en stage.\n"
        "Former : ouvrir des places d'apprentissage aux jeunes des quartiers.\n"
        "Recruter : diversifier les recrutements, notamment par les emplois francs.\n"
        "Acheter : développer les achats inclusifs auprès des entreprises des quartiers.",
        "themes": ["paqte", "mobilisation-nationale"],
    }


def _guide_gup():
    return {
        "title": "Gestion urbaine de proximité : diagnostics en marchant et abattement de TFPB",
        "type": Document.Type.GUIDE,
        "date": datetime.date(2019, 3, 1),
        "public": True,
        "summary": "Repères pour organiser la gestion urbaine de proximité dans les quartiers prioritaires : "
        "diagnostics en marchant avec les habitants et les gestionnaires, suivi des signalements, "
        "conventions d'abattement de la taxe foncière sur les propriétés bâties (TFPB) des bailleurs sociaux.",
        "text": "Le diagnostic en marchant réunit habitants, élus, bailleurs et services gestionnaires pour "
        "parcourir le quartier et relever les dysfonctionnements du cadre de vie. Chaque signalement est "
        "confié au gestionnaire responsable (ville, intercommunalité, bailleur) et suivi jusqu'à sa "
        "résolution. Les bailleurs sociaux bénéficient d'un abattement de TFPB dans les quartiers "
        "prioritaires en contrepartie d'un programme d'actions.",
        "themes": ["gup"],
    }


def _meeting():
    return network_hooks.meeting_on(MEETING_DATE)


def load_demo(stdout):
    irev, _ = Organisation.objects.get_or_create(name=IREV, defaults={"kind": Organisation.Kind.CENTRE_RESSOURCES})
    themes = {}
    for slug, name in THEMES.items():
        themes[slug], _ = Theme.objects.update_or_create(slug=slug, defaults={"name": name})
    communes = list(Commune.objects.filter(insee__in=LITTORAL))
    for code in sorted(set(LITTORAL) - {c.insee for c in communes}):
        stdout.write(f"  ressources : commune {LITTORAL[code]} ({code}) absente, document non rattaché.")
    meeting = _meeting()
    if meeting is None:
        stdout.write("  ressources : rencontre du 25/01/2019 absente, documents non rattachés à une rencontre.")
    docs = {}
    for spec in _documents():
        spec = dict(spec)
        theme_slugs = spec.pop("themes")
        linked = spec.pop("meeting", False)
        spec["meeting"] = meeting if linked else None
        doc, _ = Document.objects.update_or_create(
            title=spec.pop("title"), defaults={**spec, "author_organisation": irev}
        )
        doc.themes.set([themes[s] for s in theme_slugs])
        doc.communes.set(communes)
        services.reindex_document(doc)
        docs[doc.type if doc.type != Document.Type.GUIDE else doc.title] = doc
    _digest(irev, docs)
    stdout.write(f"  ressources : {len(docs)} documents, 1 série de points d'actualité.")


def _digest(irev, docs):
    digest, _ = Digest.objects.update_or_create(
        slug="actualite-reseau-littoral",
        defaults={
            "title": "Point d'actualité politique de la ville — réseau du Littoral",
            "description": "Les brèves d'actualité présentées aux rencontres du réseau des chefs de projet "
            "politique de la ville du Littoral.",
            "public": True,
            "author_organisation": irev,
        },
    )
    items = [
        (
            datetime.date(2019, 1, 22),
            "Circulaire du Premier ministre sur la mobilisation nationale pour les habitants des quartiers",
            "Révision des contrats de ville par des engagements renforcés et réciproques, déploiement du PAQTE, "
            "suivi des mesures du plan de mobilisation nationale, Pacte de Dijon.",
            [Document.Type.CIRCULAIRE, Document.Type.AUTRE],
        ),
        (
            MEETING_DATE,
            "Rencontre du réseau des chefs de projet du Littoral à Calais",
            "État des lieux des QPV, révision des contrats de ville, NPNRU, gestion urbaine de proximité et choix "
            "d'axes prioritaires de travail en commun.",
            [Document.Type.POINT_ACTUALITE, Document.Type.COMPTE_RENDU],
        ),
        (
            datetime.date(2019, 2, 28),
            "Le point d'actualité de la rencontre de Calais est en ligne",
            "Le résumé des éléments récents d'actualité présenté le 25 janvier est téléchargeable.",
            [Document.Type.POINT_ACTUALITE],
        ),
    ]
    for day, title, text, keys in items:
        item, _ = DigestItem.objects.update_or_create(digest=digest, date=day, title=title, defaults={"text": text})
        item.documents.set([docs[k] for k in keys if k in docs])
