"""Typed API of the contracts: measured values of a commitment's indicators (one, or a batch as JSON or CSV) and
a commitment's status — by token with the write scope on « contracts », through the same services as the pages
(contracts.services: permission asked again, one transaction, audit trail naming the token)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from quartiers.contracts import api_views, services
from quartiers.contracts.models import Commitment, Indicator
from quartiers.core.api_ninja import ERRORS, PAGE_PARAMS, WRITE, page_of, param, read, require
from quartiers.core.permissions import authorize

PREFIX = "api/contrats/"
MODULE = "contracts"
router = Router(tags=["Contrats de ville"])
VALUE = Field(description="Valeur mesurée (point décimal en JSON)", ge=-(10**12), le=10**12)


class MeasurementIn(Schema):
    date: date
    valeur: Decimal = VALUE
    source: str = Field("", max_length=200, description="D'où vient la valeur (SI, enquête…)")
    commentaire: str = Field("", max_length=300)


class MeasurementOut(Schema):
    indicateur: int
    engagement: int
    date: date
    valeur: Decimal
    source: str
    commentaire: str
    avancement: int = Field(description="Avancement de l'indicateur (0–100 %) après cette mesure")


class BatchRow(MeasurementIn):
    indicateur: int = Field(ge=1)


class BatchIn(Schema):
    mesures: list[BatchRow] = Field(max_length=5000)


class RejectedRow(Schema):
    ligne: int
    motif: str


class BatchReport(Schema):
    creees: int
    corrigees: int
    rejetees: list[RejectedRow]
    ecrit: bool
    notes: list[str]


class StatusIn(Schema):
    statut: Literal["prevu", "engage", "realise", "abandonne"]
    commentaire: str = Field("", max_length=2000)


class StatusOut(Schema):
    engagement: int
    statut: str
    statut_libelle: str
    change_le: datetime


def _indicator(request, pk):
    require(request, MODULE, WRITE)
    indicator = get_object_or_404(
        Indicator.objects.select_related("commitment__contract").filter(
            commitment__in=Commitment.objects.visible_to(request.auth)
        ),
        pk=pk,
    )
    authorize(request.auth, "change", indicator.commitment)
    return indicator


@router.post(
    "indicateurs/{int:pk}/mesures",
    response={201: MeasurementOut, **ERRORS},
    url_name="measurement_create",
    summary="Enregistrer la valeur mesurée d'un indicateur",
)
def measurement_create(request, pk: int, payload: MeasurementIn):
    """Une valeur par indicateur et par date : une deuxième valeur à la même date corrige la première."""
    indicator = _indicator(request, pk)
    measurement = services.record_measurement(
        request.auth,
        indicator,
        measured_on=payload.date,
        value=payload.valeur,
        comment=payload.commentaire,
        source=payload.source,
    )
    indicator = Indicator.objects.prefetch_related("measurements").get(pk=indicator.pk)
    return Status(
        201,
        {
            "indicateur": indicator.pk,
            "engagement": indicator.commitment_id,
            "date": measurement.measured_on,
            "valeur": measurement.value,
            "source": measurement.source,
            "commentaire": measurement.comment,
            "avancement": indicator.progress,
        },
    )


def _batch_answer(report):
    return Status(201 if report.written else 422, report.as_dict())


@router.post(
    "mesures/lot",
    response={201: BatchReport, 422: BatchReport, **ERRORS},
    url_name="measurement_batch",
    summary="Envoyer un lot de valeurs mesurées (JSON) : tout ou rien, avec un rapport par ligne",
)
def measurement_batch(request, payload: BatchIn):
    require(request, MODULE, WRITE)
    rows = [(number, row.dict()) for number, row in enumerate(payload.mesures, start=1)]
    return _batch_answer(services.import_measurements(request.auth, rows))


@router.post(
    "mesures/fichier",
    response={201: BatchReport, 422: BatchReport, **ERRORS},
    url_name="measurement_file",
    summary="Envoyer un fichier CSV ou XLSX de valeurs mesurées : tout ou rien, avec un rapport par ligne",
)
def measurement_file(request, fichier: File[UploadedFile]):
    """Colonnes : indicateur, date (jj/mm/aaaa), valeur (virgule décimale), source, commentaire ; CSV en
    CP1252 ou UTF-8, séparateur « ; »."""
    require(request, MODULE, WRITE)
    try:
        rows, notes = services.read_measurements_file(fichier)
    except ValidationError as error:
        rejected = [{"ligne": 0, "motif": m} for m in error.messages]
        return Status(422, {"creees": 0, "corrigees": 0, "rejetees": rejected, "ecrit": False, "notes": []})
    return _batch_answer(services.import_measurements(request.auth, rows, notes))


@router.post(
    "engagements/{int:pk}/statut",
    response={200: StatusOut, **ERRORS},
    url_name="commitment_status",
    summary="Changer le statut d'un engagement (prévu, engagé, réalisé, abandonné)",
)
def commitment_status(request, pk: int, payload: StatusIn):
    require(request, MODULE, WRITE)
    commitment = get_object_or_404(Commitment.objects.visible_to(request.auth), pk=pk)
    authorize(request.auth, "change", commitment)
    change = services.change_status(request.auth, commitment, payload.statut, payload.commentaire)
    return {
        "engagement": commitment.pk,
        "statut": commitment.status,
        "statut_libelle": commitment.get_status_display(),
        "change_le": change.changed_at,
    }


# --- Reads (moved from the first registry: same paths, parameters and JSON; the views of `api_views`) ---


class ContractOut(Schema):
    id: int
    code: str | None
    nom: str
    generation: str
    departement: str | None
    epci: str | None
    commune: str | None
    engagements: int
    engagements_realises: int


class MeasuredValueOut(Schema):
    date: str
    valeur: float


class IndicatorOut(Schema):
    libelle: str
    unite: str
    depart: float | None
    cible: float | None
    additionnable: bool
    valeurs: list[MeasuredValueOut]


class CommitmentOut(Schema):
    id: int
    organisation: str
    type: str
    engagement: str
    pilier: str | None
    mesure: str | None
    domaine_pacte_dijon: str | None
    axe_paqte: str | None
    echeance: str | None
    statut: str
    avancement: int | None
    indicateurs: list[IndicatorOut]


@read(
    router,
    "",
    url_name="contracts_api_list",
    summary="Contrats de ville suivis",
    response=page_of(ContractOut, "ContractPage"),
    params=[param("generation", "2015-2023 ou 2024-2030"), param("departement", "Code du département"), *PAGE_PARAMS],
)
def contracts_api_list(request):
    return api_views.contract_list(request)


@read(
    router,
    "{int:pk}/engagements/",
    url_name="contracts_api_commitments",
    summary="Engagements d'un contrat, avec leurs indicateurs et valeurs mesurées",
    response=page_of(CommitmentOut, "CommitmentPage"),
    params=[param("statut", "prevu, engage, realise ou abandonne"), *PAGE_PARAMS],
)
def contracts_api_commitments(request, pk: int):
    return api_views.commitment_list(request, pk)
