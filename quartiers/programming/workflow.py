"""The workflow of an application, as a table: every transition names its sources, its target and who acts.

Who acts: the carrier (« porteur ») — a member of the carrier's organisation, `contribute` on the application — or
the instructor — whoever steers the call (`change` on the call: the chefs de projet of the contract's territory).
`services.py` runs a transition (permission, one transaction, audit); this module only says what is allowed, so the
pages can list it (`Application.allowed_transitions(user)`).
"""

from dataclasses import dataclass

from django.db import models

from quartiers.core.permissions import can


class Status(models.TextChoices):
    DRAFT = "brouillon", "Brouillon"
    SUBMITTED = "depose", "Déposé"
    INSTRUCTION = "en_instruction", "En instruction"
    INCOMPLETE = "a_completer", "À compléter"
    OPINIONS = "avis_rendus", "Avis rendus"
    ACCEPTED = "accepte", "Décidé : accepté"
    REFUSED = "refuse", "Décidé : refusé"
    POSTPONED = "ajourne", "Décidé : ajourné"
    AGREED = "conventionne", "Conventionné"
    PAID = "paye", "Payé"
    REPORTED = "bilan_depose", "Bilan déposé"
    CLOSED = "solde", "Soldé"


CARRIER = "porteur"
INSTRUCTOR = "instructeur"


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: tuple
    target: str
    actor: str

    def permitted(self, user, application):
        if self.actor == CARRIER:
            return can(user, "contribute", application)
        return can(user, "change", application.call)


S = Status
TRANSITIONS = {
    t.name: t
    for t in (
        Transition("submit", "Déposer le dossier", (S.DRAFT, S.INCOMPLETE), S.SUBMITTED, CARRIER),
        Transition("start_instruction", "Mettre en instruction", (S.SUBMITTED,), S.INSTRUCTION, INSTRUCTOR),
        Transition("request_information", "Demander des compléments", (S.INSTRUCTION,), S.INCOMPLETE, INSTRUCTOR),
        Transition("record_opinions", "Clore les avis", (S.INSTRUCTION,), S.OPINIONS, INSTRUCTOR),
        Transition("accept", "Accepter", (S.OPINIONS,), S.ACCEPTED, INSTRUCTOR),
        Transition("refuse", "Refuser", (S.OPINIONS,), S.REFUSED, INSTRUCTOR),
        Transition("postpone", "Ajourner", (S.OPINIONS,), S.POSTPONED, INSTRUCTOR),
        Transition("resume", "Reprendre l'instruction", (S.POSTPONED,), S.INSTRUCTION, INSTRUCTOR),
        Transition("sign_agreement", "Enregistrer la convention", (S.ACCEPTED,), S.AGREED, INSTRUCTOR),
        Transition("record_payment", "Enregistrer le paiement", (S.AGREED,), S.PAID, INSTRUCTOR),
        Transition("file_report", "Déposer le bilan", (S.PAID,), S.REPORTED, CARRIER),
        Transition("close", "Solder le dossier", (S.REPORTED,), S.CLOSED, INSTRUCTOR),
    )
}


def from_status(status):
    """The transitions that leave `status`, in the table's order."""
    return [t for t in TRANSITIONS.values() if status in t.sources]


def allowed(user, application):
    """The transitions `user` may run on `application` now."""
    return [t for t in from_status(application.status) if t.permitted(user, application)]
