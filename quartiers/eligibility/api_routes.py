"""Eligibility by token (typed API): one address or point, and batches — a file deposited, processed by a
background job (core.jobs, the same job as the batch page), polled, then downloaded once. Reading scope
« eligibility »; every call is counted on the token (accounts.api_tokens). Where outlines or the BAN are missing,
the answer is « indetermine » with the command that would answer, never a confident « hors_qpv »."""

import math
import uuid
from typing import Literal

from django.http import Http404, HttpResponse
from django.urls import reverse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import Field

from quartiers.core.api_ninja import ERRORS, READ, param, read, require
from quartiers.core.models import Job
from quartiers.core.tabular import TabularError
from quartiers.eligibility import answers, api_views
from quartiers.eligibility import batch as batches

PREFIX = "api/eligibilite/"
MODULE = "eligibility"
router = Router(tags=["Éligibilité"])


class Check(Schema):
    adresse: str | None = Field(None, max_length=300, description="Adresse en texte libre")
    code_postal: str | None = Field(None, max_length=5)
    commune: str | None = Field(None, max_length=100)
    lon: float | None = Field(None, ge=-180, le=180)
    lat: float | None = Field(None, ge=-90, le=90)
    generation: int = Field(answers.DEFAULT_GENERATION, description="2024 (par défaut) ou 2015")


class QpvOut(Schema):
    generation: int | None = None
    code: str | None = None
    nom: str | None = None
    dans_le_qpv: bool | None = None
    distance_m: int | None = None


class AnswerOut(Schema):
    resultat: Literal["en_qpv", "hors_qpv", "indetermine"] = Field(
        description="indetermine quand les données nécessaires (contours, BAN) ne sont pas chargées"
    )
    statut: Literal[tuple(sorted(answers.STATUTS))]
    statut_libelle: str | None = None
    generation: int
    departement: str | None
    commande: str | None = Field(description="La commande serveur qui permettrait de répondre")
    requete: str | None
    lon: float | None
    lat: float | None
    adresse: dict | None
    qpv: list[QpvOut]
    phrases: list[str]


class BatchOut(Schema):
    id: str
    statut: str = Field(description="en_attente, en_cours, termine ou echoue")
    progression: int = Field(description="0–100 %")
    message: str
    lignes: int
    resume: dict | None
    suivi: str
    resultat: str | None = Field(description="Adresse du fichier résultat (une seule fois), quand il est prêt")


def _generation(value):
    if value not in answers.GENERATIONS:
        raise HttpError(400, "« generation » vaut 2024 (par défaut) ou 2015.")
    return value


@router.get("verifier", response={200: AnswerOut, **ERRORS, 503: ERRORS[400]}, url_name="eligibility_check")
def eligibility_check(request, payload: Query[Check]):
    """Une adresse (ou un point lon / lat) est-elle dans un QPV ?"""
    require(request, MODULE, READ)
    generation = _generation(payload.generation)
    if payload.lon is not None and payload.lat is not None:
        if not (math.isfinite(payload.lon) and math.isfinite(payload.lat)):
            raise HttpError(400, "Coordonnées impossibles.")
        answer = answers.check_point(payload.lon, payload.lat, generation=generation)
        if answer.statut == "hors_france":
            raise HttpError(400, answer.sentences[0])
        return answer.as_json()
    if not (payload.adresse or "").strip():
        raise HttpError(400, "Indiquez « adresse », ou « lon » et « lat ».")
    try:
        answer = answers.check_address(
            payload.adresse.strip(),
            postcode=payload.code_postal or "",
            city=payload.commune or "",
            generation=generation,
        )
    except answers.GeocoderUnavailable as exc:
        return Status(503, {"erreur": str(exc), "details": []})
    return answer.as_json()


STATUS_WORDS = {
    Job.Status.QUEUED: "en_attente",
    Job.Status.RUNNING: "en_cours",
    Job.Status.DONE: "termine",
    Job.Status.FAILED: "echoue",
}


def _batch(request, job):
    done = job.status == Job.Status.DONE and batches.result_path(job) is not None
    return {
        "id": str(job.pk),
        "statut": STATUS_WORDS.get(job.status, str(job.status)),
        "progression": job.percent,
        "message": job.message or "",
        "lignes": job.total or 0,
        "resume": (job.result or {}).get("summary"),
        "suivi": reverse("api:eligibility_batch", args=[job.pk]),
        "resultat": reverse("api:eligibility_batch_result", args=[job.pk]) if done else None,
    }


@router.post("lots", response={202: BatchOut, **ERRORS}, url_name="eligibility_batches")
def eligibility_batches(request, fichier: File[UploadedFile], generation: Form[int] = answers.DEFAULT_GENERATION):
    """Dépose un fichier d'adresses (CSV en CP1252 ou UTF-8, « ; », ou XLSX) : colonnes reconnues par leur nom
    (adresse, code_postal, commune, ou lon et lat) ; le traitement tourne en tâche de fond."""
    require(request, MODULE, READ)
    generation = _generation(generation)
    try:
        token, meta = batches.save_upload(fichier, request.auth)
    except TabularError as exc:
        raise HttpError(400, str(exc)) from None
    mapping = answers.detect_columns(meta["headers"])
    if not (mapping.get("adresse") or mapping.get("commune") or (mapping.get("lon") and mapping.get("lat"))):
        raise HttpError(
            400,
            "Colonnes non reconnues : nommez-les « adresse », « code_postal », « commune » (ou « lon » et « lat »). "
            f"En-têtes lus : {', '.join(meta['headers'])}.",
        )
    job = batches.start(token, meta, mapping, generation, request.auth)
    return Status(202, _batch(request, job))


def _job(request, pk):
    require(request, MODULE, READ)
    try:
        return batches.job_for(request.auth, uuid.UUID(str(pk)))
    except (Http404, ValueError):
        raise HttpError(404, "Lot introuvable (ou d'un autre compte).") from None


@router.get("lots/{uuid:pk}", response={200: BatchOut, **ERRORS}, url_name="eligibility_batch")
def eligibility_batch(request, pk: uuid.UUID):
    """Où en est le lot : statut, progression, résumé, et l'adresse du résultat quand il est prêt."""
    return _batch(request, _job(request, pk))


@router.get(
    "lots/{uuid:pk}/resultat",
    response={200: str, **ERRORS},
    url_name="eligibility_batch_result",
    openapi_extra={
        "responses": {"200": {"description": "Le fichier CSV", "content": {"text/csv": {"schema": {"type": "string"}}}}}
    },
)
def eligibility_batch_result(request, pk: uuid.UUID):
    """Le fichier résultat (CSV pour Excel) : téléchargeable une fois, puis supprimé (données personnelles)."""
    job = _job(request, pk)
    fh = batches.take_result(job)
    if fh is None:
        raise HttpError(404, "Résultat introuvable : déjà téléchargé, supprimé après 24 h ou traitement inachevé.")
    with fh:
        response = HttpResponse(fh.read(), content_type="text/csv; charset=utf-8")
    stem = (job.result or {}).get("filename", "adresses").rsplit(".", 1)[0]
    response["Content-Disposition"] = f'attachment; filename="{stem}-qpv.csv"'
    return response


# --- Open reads (moved from the first registry: same paths, parameters and JSON; the views of `api_views`) ---

GENERATION_PARAM = param("generation", "Géographie prioritaire : 2024 (par défaut) ou 2015", kind="integer")


@read(
    router,
    "adresse",
    url_name="api_eligibilite_adresse",
    summary="Une adresse est-elle dans un QPV ?",
    description=api_views.RESULT_HELP,
    response=AnswerOut,
    statuses={503: ERRORS[400]},
    params=[
        param("q", "Adresse en texte libre", required=True),
        param("code_postal", "Code postal (facultatif)"),
        param("commune", "Commune (facultatif)"),
        GENERATION_PARAM,
    ],
)
def api_eligibilite_adresse(request):
    return api_views.adresse(request)


@read(
    router,
    "point",
    url_name="api_eligibilite_point",
    summary="Un point (lon, lat WGS84) est-il dans un QPV ?",
    description=api_views.RESULT_HELP,
    response=AnswerOut,
    params=[
        param("lon", "Longitude WGS84", required=True, kind="number"),
        param("lat", "Latitude WGS84", required=True, kind="number"),
        GENERATION_PARAM,
    ],
)
def api_eligibilite_point(request):
    return api_views.point(request)
