"""The eligibility reads of the first API, now on the typed API (`api_routes`): one address, one point — open like
the pages (anonymous included), nothing stored, same paths and JSON as before."""

import math

from django.http import JsonResponse

from quartiers.core import api
from quartiers.core.permissions import can
from quartiers.eligibility import answers
from quartiers.territories.models import QPV


def _json(data, status=200):
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def _generation(request):
    """2024 unless asked otherwise; None (an error) for a generation we do not have."""
    raw = (request.GET.get("generation") or "").strip()
    if not raw:
        return answers.DEFAULT_GENERATION
    return int(raw) if raw in {str(g) for g in answers.GENERATIONS} else None


GENERATION_ERROR = "Le paramètre « generation » vaut 2024 (par défaut) ou 2015."
RESULT_HELP = (
    "La réponse donne « resultat » : en_qpv, hors_qpv ou indetermine (jamais hors_qpv quand les contours des "
    "QPV du département ne sont pas chargés), « statut » (dont contours_manquants et ban_manquante) et "
    "« commande », la commande qui permet de répondre."
)


def _allowed(request):
    return can(api.user_from_request(request), "view", QPV)


def adresse(request):
    if not _allowed(request):
        return api.error("Accès refusé.", status=403)
    query = (request.GET.get("q") or "").strip()
    if not query:
        return api.error("Le paramètre « q » (l'adresse) est obligatoire.")
    if len(query) > 300:
        return api.error("L'adresse est trop longue (300 caractères au plus).")
    generation = _generation(request)
    if generation is None:
        return api.error(GENERATION_ERROR)
    try:
        answer = answers.check_address(
            query,
            postcode=request.GET.get("code_postal", ""),
            city=request.GET.get("commune", ""),
            generation=generation,
        )
    except answers.GeocoderUnavailable as exc:
        return api.error(str(exc), status=503)
    return _json(answer.as_json())


def point(request):
    if not _allowed(request):
        return api.error("Accès refusé.", status=403)
    try:
        lon = float(request.GET.get("lon", "").replace(",", "."))
        lat = float(request.GET.get("lat", "").replace(",", "."))
    except ValueError:
        return api.error("Les paramètres « lon » et « lat » doivent être des nombres (degrés WGS84).")
    if not (math.isfinite(lon) and math.isfinite(lat)) or abs(lon) > 180 or abs(lat) > 90:
        return api.error("Coordonnées impossibles : longitude entre -180 et 180, latitude entre -90 et 90.")
    generation = _generation(request)
    if generation is None:
        return api.error(GENERATION_ERROR)
    answer = answers.check_point(lon, lat, generation=generation)
    if answer.statut == "hors_france":
        return api.error(answer.sentences[0])
    return _json(answer.as_json())
