"""Dashboard figures with a constant number of queries, fast on 200,000 reports.

- Counts come from the pre-aggregated `ReportStat` table (quartier × manager × category × year, one
  column per status), kept up to date by the services.
- Late reports are read live, through the (status, deadline) index: only late open reports are touched.
- Medians are exact: `resolution_seconds` is stored on resolve, and for each group one ordered
  LIMIT/OFFSET lookup reads the middle row(s) along an index; all groups go in one UNION ALL query.
  (SQLite has no percentile function; PostgreSQL runs the same SQL.)
"""

import json
from datetime import date, datetime

from django.db import connection
from django.db.models import Count, Sum
from django.utils import timezone

from quartiers.accounts.models import Organisation
from quartiers.gup.models import CATEGORIES, OPEN_STATUSES, Report, ReportStat, Status
from quartiers.territories.models import QPV

MAX_UNION = 400  # SQLite allows 500 terms in a compound SELECT


def scope_filters(params):
    """(ReportStat filters, Report filters) from the dashboard's query string: epci, commune, qpv, categorie, annee."""
    stat, report = {}, {}
    if params.get("epci"):
        stat["epci_id"] = report["epci_id"] = params["epci"]
    if params.get("commune"):
        stat["commune_id"] = report["commune_id"] = params["commune"]
    if params.get("qpv"):
        # The id, not a join on the code: the index walks below start from qpv_id = constant.
        qpv_id = QPV.objects.filter(code=params["qpv"]).values_list("pk", flat=True).first()
        stat["qpv_id"] = report["qpv_id"] = qpv_id or 0
    if params.get("categorie") in CATEGORIES:
        stat["category"] = report["category"] = params["categorie"]
    year = params.get("annee", "")
    if year.isdigit() and 2000 < int(year) < 2100:
        year = int(year)
        stat["year"] = year
        tz = timezone.get_current_timezone()
        # A range, not __year: comparisons keep the index walks of the medians cheap.
        report["created_at__gte"] = datetime(year, 1, 1, tzinfo=tz)
        report["created_at__lt"] = datetime(year + 1, 1, 1, tzinfo=tz)
    return stat, report


def _index_hint(report_filters, kind):
    """SQLite's planner, without value statistics, prefers the created_at index for a year filter and then
    sorts tens of thousands of rows; name the index that answers from its own entries instead.
    PostgreSQL plans well on its own."""
    if connection.vendor != "sqlite":
        return None
    prefix = "qpv" if "qpv_id" in report_filters else "epci" if "epci_id" in report_filters else ""
    if "commune_id" in report_filters:
        return None
    if kind == "open":
        return f"gup_open_{prefix}" if prefix else "gup_open"
    return f"gup_med_{prefix}_{kind}" if prefix else f"gup_med_{kind}"


def _hinted(sql, index):
    if not index:
        return sql
    return sql.replace('FROM "gup_report"', f'FROM "gup_report" INDEXED BY "{index}"', 1)


def _fetch(queryset, index):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(_hinted(sql, index), params)
        return cursor.fetchall()


SENTINELS = {"manager_id": -424242, "category": "__gup_group__"}  # stand-ins no real row has


def _middle_sql(report_qs, field, group, hint):
    """SQL + params of "resolution times of one group, in order"; LIMIT/OFFSET are appended per group."""
    lookup = {f"{field}__isnull": True} if group is None else {field: group}
    ordered = (
        report_qs.filter(resolution_seconds__isnull=False, **lookup)
        .order_by("resolution_seconds")
        .values_list("resolution_seconds", flat=True)
    )
    sql, params = ordered.query.sql_with_params()
    return _hinted(sql, hint), list(params)


def medians(report_qs, field, resolved_counts, report_filters=None):
    """{group: median seconds} from {group: number of resolved reports}, in one query.

    The ORM builds the per-group SQL once (with a stand-in value swapped for each group): building one
    queryset per group costs more than the index lookups themselves.
    """
    groups = [(g, n) for g, n in resolved_counts.items() if n > 0]
    hint = _index_hint(report_filters or {}, "manager" if field == "manager_id" else "category")
    template = None
    result = {}
    for start in range(0, len(groups), MAX_UNION):
        parts, params = [], []
        chunk = groups[start : start + MAX_UNION]
        for i, (group, n) in enumerate(chunk):
            if group is None:
                sql, p = _middle_sql(report_qs, field, None, hint)
            else:
                sentinel = SENTINELS[field]
                if template is None:
                    template = _middle_sql(report_qs, field, sentinel, hint)
                sql, p = template[0], [group if v == sentinel else v for v in template[1]]
            offset = (n - 1) // 2
            sql = f"{sql} LIMIT {1 if n % 2 else 2} OFFSET {offset}"
            parts.append(f"SELECT {i} AS g, AVG(t{i}.resolution_seconds) AS m FROM ({sql}) t{i}")
            params.extend(p)
        if not parts:
            continue
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for i, median in cursor.fetchall():
                result[chunk[i][0]] = float(median) if median is not None else None
    return result


def human_duration(seconds):
    if seconds is None:
        return "—"
    days = seconds / 86400
    if days >= 1:
        return f"{days:.1f} j".replace(".", ",")
    return f"{seconds / 3600:.1f} h".replace(".", ",")


def _aggregate(cells, late):
    """Sum the counter cells per manager and per category ({key: {group: counts}}) and overall per status."""
    statuses = Status.values
    per = {"manager_id": {}, "category": {}}
    by_status = dict.fromkeys(statuses, 0)
    for cell in cells:
        counts = {s: cell[f"n_{s}"] or 0 for s in statuses}
        for s in statuses:
            by_status[s] += counts[s]
        for key in per:
            acc = per[key].setdefault(cell[key], {"total": 0, "open": 0, "resolved": 0, "late": 0})
            acc["total"] += sum(counts.values())
            acc["open"] += sum(counts[s] for s in OPEN_STATUSES)
            acc["resolved"] += counts[Status.RESOLU]
    for (manager_id, category), n in late.items():
        for key, value in (("manager_id", manager_id), ("category", category)):
            per[key].setdefault(value, {"total": 0, "open": 0, "resolved": 0, "late": 0})["late"] += n
    return per, by_status


def _rows(groups, medians_by_group, label):
    """Dashboard rows of one grouping, biggest first."""
    out = []
    for value, acc in groups.items():
        median = medians_by_group.get(value)
        out.append(
            {
                "key": value,
                "label": label(value),
                **acc,
                "median_n": acc["resolved"],
                "median_seconds": median,
                "median_label": human_duration(median),
            }
        )
    return sorted(out, key=lambda r: (-r["total"], r["label"]))


def dashboard(params, today=None):
    """Every figure of the dashboard for the query-string filters `params` (5 or 6 queries whatever the data)."""
    today = today or timezone.localdate()
    stat_filters, report_filters = scope_filters(params)
    cells = list(
        ReportStat.objects.filter(**stat_filters)
        .values("manager_id", "category")
        .annotate(**{f"n_{s}": Sum(s) for s in Status.values})
        .order_by()
    )
    reports = Report.objects.filter(**report_filters)
    late_qs = (
        reports.filter(status__in=OPEN_STATUSES, deadline__lt=today)
        .values("manager_id", "category")
        .annotate(n=Count("pk"))
        .order_by()
    )
    late = {
        (manager_id, category): n for manager_id, category, n in _fetch(late_qs, _index_hint(report_filters, "open"))
    }
    per, by_status = _aggregate(cells, late)
    med = {key: medians(reports, key, {g: a["resolved"] for g, a in per[key].items()}, report_filters) for key in per}
    names = dict(Organisation.objects.filter(pk__in=[k for k in per["manager_id"] if k]).values_list("pk", "name"))
    return {
        "totals": {
            "total": sum(by_status.values()),
            "open": sum(by_status[s] for s in OPEN_STATUSES),
            "resolved": by_status[Status.RESOLU],
            "rejected": by_status[Status.REJETE],
        },
        "per_status": [(Status(s).label, by_status[s]) for s in Status.values],
        "per_manager": _rows(per["manager_id"], med["manager_id"], lambda k: names.get(k, "Non orienté")),
        "per_category": _rows(per["category"], med["category"], lambda k: CATEGORIES.get(k, (k,))[0]),
    }


# A dict, not Status(status).label: the enum's lookup was 60 % of a map's cost (6 µs a report).
STATUS_LABELS = dict(Status.choices)


def _feature(pk, ref, cat, status, lon, lat, deadline, today):
    if isinstance(deadline, str):  # raw SQLite rows: the ORM's date converter did not run
        deadline = date.fromisoformat(deadline)
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
        "properties": {
            "id": pk,
            "reference": ref,
            "categorie": CATEGORIES.get(cat, (cat,))[0],
            "statut": STATUS_LABELS.get(status, status),
            "en_retard": status in OPEN_STATUSES and deadline < today,
        },
    }


MAP_FIELDS = ("pk", "reference", "category", "status", "lon", "lat", "deadline")


def map_features(queryset, limit=5000):
    """GeoJSON features of reports (one query), light enough for a phone."""
    rows = queryset.order_by().values_list(*MAP_FIELDS)[:limit]
    today = timezone.localdate()
    return [_feature(*row, today) for row in rows]


# The map JSON is read on every pan of every phone's map: its two queries are built by the ORM once per process
# (with a stand-in value swapped for the real one, as `medians` does), not on every request.
_COMPILED = {}
SENTINEL_CODE = "__gup_qpv__"
SENTINEL_ID = -424242


def _compiled(name, build, sentinel, value):
    if name not in _COMPILED:
        _COMPILED[name] = build().query.sql_with_params()
    sql, params = _COMPILED[name]
    with connection.cursor() as cursor:
        cursor.execute(sql, [value if p == sentinel else p for p in params])
        return cursor.fetchall()


def open_map_features(visible, qpv_id, limit=5000):
    """`map_features` of the open reports of a QPV among `visible` (a `Report.objects.visible_to(user)`)."""
    reports = visible.filter(qpv_id=qpv_id, status__in=OPEN_STATUSES)
    if visible.query.where:  # the policy restricts this user's reports: let the ORM build that query
        return map_features(reports, limit)

    def build():
        return Report.objects.filter(qpv_id=SENTINEL_ID, status__in=OPEN_STATUSES).values_list(*MAP_FIELDS)[:limit]

    today = timezone.localdate()
    return [_feature(*row, today) for row in _compiled(f"open:{limit}", build, SENTINEL_ID, qpv_id)]


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def qpv_contours(code):
    """({"id", "code", "nom"}, outlines FeatureCollection) of a QPV for the map — its own outline when known, and
    its communes' — in one query; None for an unknown code."""

    def build():
        return (
            QPV.objects.filter(code=SENTINEL_CODE)
            .order_by("communes__nom")
            .values_list("pk", "code", "nom", "outline_simplified", "communes__nom", "communes__outline_simplified")
        )

    rows = _compiled("contours", build, SENTINEL_CODE, code)
    if not rows:
        return None
    pk, code, nom, outline, _c, _o = rows[0]
    outline = _json(outline)
    features = [{"type": "Feature", "geometry": outline, "properties": {"nom": nom}}] if outline else []
    for *_q, name, geom in rows:
        if geom is not None and _json(geom):
            features.append({"type": "Feature", "geometry": _json(geom), "properties": {"nom": name}})
    return {"id": pk, "code": code, "nom": nom}, {"type": "FeatureCollection", "features": features}


def filter_choices():
    """The EPCI, communes and quartiers the dashboard can be narrowed to — those with reports — by name, in one
    query over the pre-aggregated counts, so the filters never ask for a SIREN or a code."""
    rows = (
        ReportStat.objects.values_list("epci_id", "epci__nom", "commune_id", "commune__nom", "qpv__code", "qpv__nom")
        .distinct()
        .order_by()
    )
    epcis, communes, qpvs = {}, {}, {}
    for epci_id, epci_nom, insee, commune_nom, qpv_code, qpv_nom in rows:
        if epci_id:
            epcis[epci_id] = epci_nom
        communes[insee] = commune_nom
        if qpv_code:
            qpvs[qpv_code] = f"{qpv_nom} ({commune_nom})"

    def by_name(d):
        return sorted(d.items(), key=lambda item: item[1].casefold())

    return {"epcis": by_name(epcis), "communes": by_name(communes), "qpvs": by_name(qpvs)}
