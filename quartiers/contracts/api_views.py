"""JSON API of the contracts: same permission policy as the pages (members read)."""

from django.shortcuts import get_object_or_404

from quartiers.core import api
from quartiers.core.permissions import can

from .models import Commitment, Contract


def _reader(request):
    user = api.user_from_request(request)
    if user is None or not can(user, "view", Contract):
        return None
    return user


def _decimal(value):
    return None if value is None else float(value)


def contract_list(request):
    user = _reader(request)
    if user is None:
        return api.error("Authentification requise (session ou en-tête « Authorization: Token … »).", 401)
    contracts = Contract.objects.visible_to(user).with_list_data()
    if request.GET.get("generation"):
        contracts = contracts.filter(generation=request.GET["generation"])
    if request.GET.get("departement"):
        contracts = contracts.filter(departement_id=request.GET["departement"])
    return api.paginate(
        request,
        contracts,
        lambda c: {
            "id": c.pk,
            "code": c.code or None,
            "nom": c.name,
            "generation": c.generation,
            "departement": c.departement_id,
            "epci": c.epci_id,
            "commune": c.commune_id,
            "engagements": c.commitment_count,
            "engagements_realises": c.done_count,
        },
    )


def commitment_list(request, pk):
    user = _reader(request)
    if user is None:
        return api.error("Authentification requise (session ou en-tête « Authorization: Token … »).", 401)
    contract = get_object_or_404(Contract.objects.visible_to(user), pk=pk)
    commitments = Commitment.objects.filter(contract=contract).with_progress_data()
    if request.GET.get("statut"):
        commitments = commitments.filter(status=request.GET["statut"])
    return api.paginate(request, commitments, _commitment)


def _commitment(c):
    return {
        "id": c.pk,
        "organisation": c.organisation.name,
        "type": c.kind,
        "engagement": c.title,
        "pilier": c.pillar.title if c.pillar else None,
        "mesure": c.measure.code if c.measure else None,
        "domaine_pacte_dijon": c.dijon_domain or None,
        "axe_paqte": c.paqte_axis or None,
        "echeance": c.due_on.isoformat() if c.due_on else None,
        "statut": c.status,
        "avancement": c.progress,
        "indicateurs": [
            {
                "libelle": i.label,
                "unite": i.unit,
                "depart": _decimal(i.baseline),
                "cible": _decimal(i.target),
                "additionnable": i.summable,
                "valeurs": [
                    {"date": m.measured_on.isoformat(), "valeur": float(m.value)} for m in i.measurements.all()
                ],
            }
            for i in c.indicators.all()
        ],
    }
