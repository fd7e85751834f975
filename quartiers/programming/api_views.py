"""JSON API of the programming (read only): calls, one call, the granted subsidies of a call. Same policy as the
pages: calls are read by everyone signed in, a subsidy by whoever may see its dossier (its carrier, the call's
instructors, the members of its financers)."""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404

from quartiers.core import api

from .models import Call, Funding

AUTH_REQUIRED = "Authentification requise (session ou en-tête « Authorization: Token … »)."


def _user(request):
    user = api.user_from_request(request)
    return user if user is not None and user.is_authenticated else None


def _amount(value):
    return None if value is None else float(value)


def _call(call):
    return {
        "id": call.pk,
        "annee": call.year,
        "titre": call.title,
        "contrat": call.contract_id,
        "ouverture": call.opens_on.isoformat(),
        "date_limite": call.closes_on.isoformat(),
    }


def call_list(request):
    user = _user(request)
    if user is None:
        return api.error(AUTH_REQUIRED, 401)
    calls = Call.objects.visible_to(user).order_by("-year", "title", "pk")
    year = request.GET.get("annee")
    if year:
        if not year.isdigit() or len(year) != 4:
            return api.error("Le paramètre « annee » est une année sur quatre chiffres.")
        calls = calls.filter(year=int(year))
    contract = request.GET.get("contrat")
    if contract:
        if not contract.isdigit() or len(contract) > 18:
            return api.error("Le paramètre « contrat » est l'identifiant numérique du contrat.")
        calls = calls.filter(contract_id=int(contract))
    return api.paginate(request, calls, _call)


def call_detail(request, pk):
    user = _user(request)
    if user is None:
        return api.error(AUTH_REQUIRED, 401)
    call = get_object_or_404(Call.objects.visible_to(user), pk=pk)
    financers = call.financers.select_related("organisation")
    body = _call(call) | {
        "financeurs": [
            {
                "organisation": f.organisation.name,
                "siret": f.organisation.siret or None,
                "enveloppe": _amount(f.envelope),
            }
            for f in financers
        ]
    }
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


def _subsidy(funding):
    application = funding.application
    return {
        "id": funding.pk,
        "dossier": application.pk,
        "action": application.title,
        "porteur": application.carrier.name,
        "siret_porteur": application.carrier.siret or None,
        "financeur": funding.call_financer.organisation.name,
        "montant_accorde": _amount(funding.granted_amount),
        "statut": application.status,
    }


def call_subsidies(request, pk):
    user = _user(request)
    if user is None:
        return api.error(AUTH_REQUIRED, 401)
    call = get_object_or_404(Call.objects.visible_to(user), pk=pk)
    fundings = (
        Funding.objects.visible_to(user)
        .filter(application__call=call, granted_amount__gt=0)
        .select_related("application__carrier", "call_financer__organisation")
        .order_by("application__title", "call_financer__organisation__name", "pk")
    )
    return api.paginate(request, fundings, _subsidy)
