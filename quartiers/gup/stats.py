"""Dashboard figures: counts and median time to resolution, in SQL with a constant number of queries.

Medians use window functions (ROW_NUMBER / COUNT OVER a partition), which SQLite (3.25+) and
PostgreSQL both have: one query per grouping whatever the number of managers or categories.
`resolution_seconds` is stored when a report is resolved, so no date arithmetic runs per row.
"""

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from quartiers.accounts.models import Organisation
from quartiers.gup.models import CATEGORIES, OPEN_STATUSES, Status


def medians(queryset, field):
    """{group value: (n, median seconds)} over resolved reports of `queryset`, grouped by `field`."""
    base = queryset.filter(resolution_seconds__isnull=False).order_by().values(field, "resolution_seconds")
    sql, params = base.query.sql_with_params()
    wrapped = (
        "SELECT g, n, AVG(s) FROM ("
        " SELECT g, s, ROW_NUMBER() OVER (PARTITION BY g ORDER BY s) AS rn, COUNT(*) OVER (PARTITION BY g) AS n"
        f" FROM (SELECT {_cols(base)} FROM ({sql}) AS b0) AS b"
        ") AS r WHERE rn IN ((n + 1) / 2, (n + 2) / 2) GROUP BY g, n"
    )
    with connection.cursor() as cursor:
        cursor.execute(wrapped, params)
        return {g: (n, float(m)) for g, n, m in cursor.fetchall()}


def _cols(base):
    # The inner SELECT aliases its columns with the names given to values().
    names = list(base.query.values_select)
    return f'"{names[0]}" AS g, "{names[1]}" AS s'


def human_duration(seconds):
    if seconds is None:
        return "—"
    days = seconds / 86400
    if days >= 1:
        return f"{days:.1f} j".replace(".", ",")
    return f"{seconds / 3600:.1f} h".replace(".", ",")


def dashboard(queryset, today=None):
    """Figures of the dashboard for an already filtered queryset (6 queries whatever the data)."""
    today = today or timezone.localdate()
    open_q = Q(status__in=OPEN_STATUSES)
    by_status = dict(queryset.order_by().values_list("status").annotate(n=Count("pk")))
    totals = {
        "total": sum(by_status.values()),
        "open": sum(by_status.get(s, 0) for s in OPEN_STATUSES),
        "resolved": by_status.get(Status.RESOLU, 0),
        "rejected": by_status.get(Status.REJETE, 0),
    }
    per_status = [(Status(s).label, by_status.get(s, 0)) for s in Status.values]
    counts = {}
    for key in ("manager", "category"):
        counts[key] = {
            row[key]: row
            for row in queryset.order_by()
            .values(key)
            .annotate(
                total=Count("pk"),
                open=Count("pk", filter=open_q),
                late=Count("pk", filter=open_q & Q(deadline__lt=today)),
                resolved=Count("pk", filter=Q(status=Status.RESOLU)),
            )
        }
    med_manager = medians(queryset, "manager")
    med_category = medians(queryset, "category")
    names = dict(Organisation.objects.filter(pk__in=[k for k in counts["manager"] if k]).values_list("pk", "name"))

    def rows(key, med, label):
        out = []
        for value, row in counts[key].items():
            n, median = med.get(value, (0, None))
            out.append(
                {
                    "key": value,
                    "label": label(value),
                    "total": row["total"],
                    "open": row["open"],
                    "late": row["late"],
                    "resolved": row["resolved"],
                    "median_n": n,
                    "median_seconds": median,
                    "median_label": human_duration(median),
                }
            )
        return sorted(out, key=lambda r: (-r["total"], r["label"]))

    return {
        "totals": totals,
        "per_status": per_status,
        "per_manager": rows("manager", med_manager, lambda k: names.get(k, "Non orienté")),
        "per_category": rows("category", med_category, lambda k: CATEGORIES.get(k, (k,))[0]),
    }


def map_features(queryset, limit=5000):
    """GeoJSON features of reports (one query), light enough for a phone."""
    rows = queryset.order_by().values_list("pk", "reference", "category", "status", "lon", "lat", "deadline")[:limit]
    today = timezone.localdate()
    return [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
            "properties": {
                "id": pk,
                "reference": ref,
                "categorie": CATEGORIES.get(cat, (cat,))[0],
                "statut": Status(status).label,
                "en_retard": status in OPEN_STATUSES and deadline < today,
            },
        }
        for pk, ref, cat, status, lon, lat, deadline in rows
    ]
