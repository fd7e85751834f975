"""Write matrix of the bilan: the form, the address list for the QPV share, filing (carrier), closing (instructor)."""

from django.core.files.uploadedfile import SimpleUploadedFile

from quartiers.programming.models import Report
from tests.programming.followup_helpers import agreed_application, setup
from tests.programming.helpers import make_application
from tests.write_matrix import ELEVATION, OTHER_ORGANISATION, OTHER_TERRITORY, not_applicable, write

NO_RIGHTS = "Le bilan ne porte que des montants, des décomptes et du texte : aucun rôle, organisation ni territoire."
FORM = {
    "line-depense_64-amount": "1 000,00",
    "line-recette_74-amount": "1000",
    "ben-f-26-64": "12",
    "ind-0-label": "Ateliers tenus",
    "ind-0-target": "10",
    "ind-0-achieved": "9",
    "summary": "Dix ateliers prévus, neuf tenus.",
}


def _dossier(kind, status="paye", filled=False):
    def args(world):
        if kind == "dunkerque":
            # The association's dossier in Dunkerque: its carrier is no world role; Dunkerque's chef instructs it.
            app = make_application(setup(world).extra["call_dk"], world.extra["other_carrier"], status=status)
            app.budget_lines.create(side="depense", account_class="64", amount=1000)
        else:
            carrier = setup(world).extra["other_carrier"] if kind == "other_org" else None
            app, _ = agreed_application(world, status=status, carrier=carrier)
        if filled:
            report = Report.objects.create(application=app, summary="Bilan rempli.")
            for line in app.budget_lines.all():
                report.lines.create(side=line.side, account_class=line.account_class, amount=line.amount)
        return [app.pk]

    return args


def _list(world):
    content = "Nom;Adresse;CP;Ville\r\nA;1 rue de la Mer;62100;Calais\r\n".encode("cp1252")
    return {"liste": SimpleUploadedFile("beneficiaires.csv", content)}


OUTSIDE = "MEDIA_ROOT/programmation-qpv/ : la liste attend sa tâche, qui la supprime"


def _cases(url, allowed_here, allowed_dk, data=None, **kwargs):
    status, filled = kwargs.pop("status", "paye"), kwargs.pop("filled", False)
    return [
        write(url, "nominal", allowed_here, args=_dossier("calais", status, filled), data=data, **kwargs),
        write(url, OTHER_TERRITORY, allowed_dk, args=_dossier("dunkerque", status, filled), data=data, **kwargs),
        write(url, OTHER_ORGANISATION, "admin", args=_dossier("other_org", status, filled), data=data, **kwargs)
        if "partenaire" in allowed_here
        else write(url, OTHER_ORGANISATION, allowed_here, args=_dossier("other_org", status, filled), data=data),
        *not_applicable(url, ELEVATION, reason=NO_RIGHTS),
    ]


WRITES = [
    *_cases("programming:report_save", "partenaire admin", "admin", data=FORM),
    *_cases("programming:report_qpv", "partenaire admin", "admin", data=_list, writes_outside_db=OUTSIDE),
    *_cases("programming:report_file", "partenaire admin", "admin", data={}, filled=True),
    *_cases("programming:report_close", "chef admin", "autre_chef admin", data={}, status="bilan_depose"),
]
