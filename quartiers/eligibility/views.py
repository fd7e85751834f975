"""Pages of the eligibility module: one address, one point, a whole file.

Who may use what (see tests/eligibility/matrix.py):
- the single lookups (address, point, completion) and their API are open to everyone, like the national
  map site: a resident may check their own address, and the QPV outlines are public reference data;
  the address typed is not stored.
- the batch (files of beneficiaries: personal data) needs an account, any role; a batch is seen only by
  the person who sent it and by administrators.
"""

import json
import os

import shapely
from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from quartiers.core.permissions import authorize, view_public
from quartiers.core.tabular import TabularError
from quartiers.eligibility import answers
from quartiers.eligibility import batch as batches
from quartiers.eligibility.forms import AddressForm, MappingForm, PointForm, UploadForm
from quartiers.geocoding import spatial
from quartiers.territories.models import QPV

STREAM_ABOVE = 20 * 1024 * 1024


def _loaded_summary():
    index = spatial.get_index()
    return [{"generation": gen, "count": n} for gen, n in sorted(index.loaded.items(), reverse=True)]


def _map_data(answer):
    if not answer or not answer.found or answer.statut in ("hors_france", "coordonnees_invalides"):
        return None
    pks = {m.pk for m in answer.matches}
    features = []
    for qpv in QPV.objects.filter(pk__in=pks).only("code", "nom", "generation", "outline_simplified", "outline_wkb"):
        geometry = qpv.outline_simplified
        if not geometry and qpv.outline_wkb is not None:
            geometry = json.loads(shapely.to_geojson(shapely.from_wkb(bytes(qpv.outline_wkb))))
        if geometry:
            inside = any(m.pk == qpv.pk and m.inside for m in answer.matches)
            features.append(
                {
                    "type": "Feature",
                    "geometry": geometry,
                    "properties": {"code": qpv.code, "nom": qpv.nom, "generation": qpv.generation, "dedans": inside},
                }
            )
    return {"point": [answer.lon, answer.lat], "qpv": features, "tiles": settings.MAP_TILES_URL}


@require_safe
@view_public
def lookup(request):
    authorize(request.user, "view", QPV)
    form = AddressForm(request.GET or None)
    answer = None
    problem = ""
    if form.is_bound and form.is_valid():
        try:
            answer = answers.check_address(
                form.cleaned_data["q"],
                postcode=form.cleaned_data["code_postal"],
                generation=form.cleaned_data.get("generation"),
            )
        except answers.GeocoderUnavailable as exc:
            problem = str(exc)
    context = {
        "form": form,
        "point_form": PointForm(auto_id="id_point_%s"),
        "answer": answer,
        "map_data": _map_data(answer),
        "problem": problem,
        "geocoder_problem": answers.geocoder_problem(),
        "loaded": _loaded_summary(),
    }
    return render(request, "eligibility/lookup.html", context)


@require_safe
@view_public
def complete(request):
    """htmx fragment: address suggestions as the user types (links that run the lookup)."""
    authorize(request.user, "view", QPV)
    prefix = (request.GET.get("q") or "").strip()[:200]
    suggestions = []
    if len(prefix) >= 3:
        try:
            items = answers.get_geocoder().complete(prefix, limit=8)
        except answers.GeocoderUnavailable:
            items = []
        suggestions = [getattr(item, "label", None) or str(item) for item in items]
    return render(request, "eligibility/_suggestions.html", {"suggestions": suggestions, "prefix": prefix})


@require_safe
@view_public
def point(request):
    authorize(request.user, "view", QPV)
    form = PointForm(request.GET or None, auto_id="id_point_%s")
    answer = None
    if form.is_bound and form.is_valid():
        answer = answers.check_point(
            form.cleaned_data["lon"], form.cleaned_data["lat"], generation=form.cleaned_data.get("generation")
        )
    context = {
        "form": AddressForm(),
        "point_form": form,
        "answer": answer,
        "map_data": _map_data(answer),
        "problem": "",
        "geocoder_problem": answers.geocoder_problem(),
        "loaded": _loaded_summary(),
        "by_point": True,
    }
    return render(request, "eligibility/lookup.html", context)


# ---- batch ----


def batch(request):
    authorize(request.user, "view", None)
    batches.purge_expired()
    too_big = request.method == "POST" and _declared_size(request) > batches.max_upload_bytes() + 65536
    upload_error = ""
    if too_big:
        # Refuse before Django reads (and spools to disk) a body of a gigabyte.
        form = UploadForm()
        upload_error = batches.too_big_message(_declared_size(request))
    else:
        form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and not too_big and form.is_valid():
        try:
            token, _meta = batches.save_upload(form.cleaned_data["fichier"], request.user)
        except TabularError as exc:
            form.add_error("fichier", str(exc))
        else:
            return redirect("eligibility:batch_mapping", token)
    from quartiers.core.models import Job

    recent = Job.objects.filter(owner=request.user, kind=batches.JOB_KIND)[:10]
    context = {
        "form": form,
        "upload_error": upload_error,
        "recent": recent,
        "max_mb": batches.max_upload_bytes() // (1024 * 1024),
        "geocoder_problem": answers.geocoder_problem(),
        "loaded": _loaded_summary(),
    }
    return render(request, "eligibility/batch.html", context)


def _declared_size(request):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@require_safe
def batch_sample(request):
    """A sample beneficiaries file over the FICTIONAL demo addresses (see demo.py), to try the batch."""
    authorize(request.user, "view", None)
    from quartiers.eligibility.demo import sample_beneficiaries_csv

    response = HttpResponse(sample_beneficiaries_csv(), content_type="text/csv; charset=windows-1252")
    response["Content-Disposition"] = content_disposition_header(True, "beneficiaires-exemple-fictif.csv")
    return response


def batch_mapping(request, token):
    authorize(request.user, "view", None)
    token = str(token)
    meta = batches.load_upload(token, request.user)
    if meta.get("job"):
        return redirect("eligibility:batch_detail", meta["job"])
    # Uploads stored before the header row and NUL bytes were recorded read as a plain file.
    meta = {"header_line": 1, "title_lines": [], "nul_bytes": 0, **meta}
    header_error = ""
    if request.method == "POST" and "ligne_entetes" in request.POST:
        header_error = _choose_header_line(request, token, meta)
        if not header_error:
            return redirect("eligibility:batch_mapping", token)
    generations = sorted(spatial.get_index().loaded, reverse=True)
    initial = answers.detect_columns(meta["headers"])
    initial["generation"] = answers.DEFAULT_GENERATION
    bound = request.POST if request.method == "POST" and "ligne_entetes" not in request.POST else None
    form = MappingForm(bound, headers=meta["headers"], generations=generations, initial=initial)
    if request.method == "POST" and form.is_valid():
        job = batches.start(token, meta, form.mapping(), form.cleaned_data.get("generation"), request.user)
        return redirect("eligibility:batch_detail", job.pk)
    try:
        rows = batches.preview(token, meta)
        lines = batches.first_lines(token, meta)
    except TabularError as exc:
        rows, lines, form_error = [], [], str(exc)
    else:
        form_error = ""
    context = {
        "meta": meta,
        "form": form,
        "preview": rows,
        "preview_error": form_error,
        "first_lines": lines,
        "header_error": header_error,
        "generations": generations,
        "token": token,
    }
    return render(request, "eligibility/batch_mapping.html", context)


def _choose_header_line(request, token, meta):
    """POST « ligne_entetes »: read the headers on that line. Returns a French error, or ""."""
    try:
        line = int(request.POST.get("ligne_entetes", ""))
    except ValueError:
        return "Indiquez le numéro de la ligne des en-têtes (un nombre)."
    try:
        batches.set_header_line(token, meta, line)
    except TabularError as exc:
        return str(exc)
    return ""


@require_safe
def batch_detail(request, pk):
    authorize(request.user, "view", None)
    batches.purge_expired()
    job = batches.job_for(request.user, pk)
    summary = (job.result or {}).get("summary") or {}
    if summary:
        summary = {**answers.new_summary(), **summary}  # results written before the newer counters
    per_qpv = sorted(
        ((code, summary.get("noms_qpv", {}).get(code, ""), n) for code, n in summary.get("par_qpv", {}).items()),
        key=lambda item: (-item[2], item[0]),
    )
    per_statut = [
        (statut, answers.STATUTS.get(statut, statut), n)
        for statut, n in sorted(summary.get("par_statut", {}).items(), key=lambda item: -item[1])
    ]
    gaps = _gaps(summary)
    lines = summary.get("lignes") or 0
    share = f"{100 * summary.get('en_qpv', 0) / lines:.1f} %".replace(".", ",") if lines else ""
    context = {
        "job": job,
        "summary": summary,
        "share_in_qpv": share,
        "per_qpv": per_qpv,
        "per_statut": per_statut,
        "gaps": gaps,
        "available": batches.result_path(job) is not None,
        "downloaded": bool((job.result or {}).get("telecharge")),
        "json_url": reverse("core:job_detail", args=[job.pk]) + "?format=json",
    }
    return render(request, "eligibility/batch_detail.html", context)


def _gaps(summary):
    """What the batch could not know, per département, with the command that fixes it."""
    from quartiers.geocoding import coverage

    out = []
    for dep, n in sorted((summary.get("sans_ban") or {}).items()):
        sentence = coverage.ban_sentence(dep) if dep else "aucune base d'adresses n'est importée"
        out.append({"n": n, "kind": "adresse introuvable", "sentence": sentence})
    for dep, n in sorted((summary.get("sans_contours") or {}).items()):
        where = f"du département {coverage.departement_name(dep)[0]}" if dep else "de ce secteur"
        sentence = f"les contours des QPV {where} ne sont pas chargés : « {answers.IMPORT_QPV} »"
        out.append({"n": n, "kind": "indéterminé", "sentence": sentence})
    return out


@require_safe
def batch_download(request, pk):
    authorize(request.user, "view", None)
    job = batches.job_for(request.user, pk)
    fh = batches.take_result(job)
    if fh is None:
        raise Http404("Résultat introuvable : déjà téléchargé, supprimé après 24 h ou traitement inachevé.")
    stem = (job.result or {}).get("filename", "adresses").rsplit(".", 1)[0]
    filename = f"{stem}-qpv.csv"
    size = os.fstat(fh.fileno()).st_size
    if size > STREAM_ABOVE:
        # The file is already unlinked: the open handle streams it, then it is gone for good.
        return FileResponse(fh, as_attachment=True, filename=filename, content_type="text/csv; charset=utf-8")
    with fh:
        response = HttpResponse(fh.read(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
