"""The resource list's costly parts, cached per data version and shared by everyone who may see the same rows.

The filter's choices (every theme, the territories holding documents) and a page of results (its documents with
their themes, ranks and highlighted excerpts, and the count) depend only on the library (the resources tables),
the organisations its rows name (accounts) and the reference data (territories' names and nesting). Their
version tokens key the cache: the apps' tokens change by database triggers in the writer's own transaction,
whatever the write (core/dataversions.py), the reference data's token at every territory saved or imported
(territories/refcache.py) — so a write committed by any process is seen by the next request, a rolled-back
write changes nothing. A page is keyed by its query's SQL, which holds the rows the user may see and the
filters: users with the same rights share it, a private document never reaches another's page. The search
index is derived (no trigger): the searched words' own tokens (`index_version`) join the key. The favourites
stay per user, read at every request.
"""

from collections import defaultdict

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.utils.functional import cached_property

from quartiers.core import dataversions
from quartiers.resources.models import Document, Theme
from quartiers.territories import refcache
from quartiers.territories.models import EPCI, QPV, Commune

PAGE_SIZE = 20
COUNT_CAP = 200  # a search's list counts and pages no further (SearchPaginator): ten pages
CACHE_SECONDS = 600
WATCHED = ("accounts", "resources")


def version():
    """The library's version: its apps' tokens and the reference data's (two queries)."""
    return f"{dataversions.tokens(WATCHED)};{refcache.version()}"


def filter_choices(library_version):
    """(every theme, [(territory key, label)] of the territories holding documents)."""
    return dataversions.cached(
        "resources:choices",
        (library_version,),
        lambda: (list(Theme.objects.all()), build_territory_choices()),
        CACHE_SECONDS,
    )


def build_territory_choices():
    # Only territories that have documents: three small queries whatever the number of documents.
    epcis = EPCI.objects.filter(Q(documents__isnull=False) | Q(communes__documents__isnull=False)).distinct()
    choices = [(f"epci:{e.siren}", f"{e.nom} (EPCI)") for e in epcis]
    choices += [
        (f"commune:{c.insee}", f"{c.nom} (commune)") for c in Commune.objects.filter(documents__isnull=False).distinct()
    ]
    choices += [
        (f"qpv:{q.code}", f"{q.nom} (QPV {q.code})") for q in QPV.objects.filter(documents__isnull=False).distinct()
    ]
    return choices


class SearchPaginator(Paginator):
    """A search's pages stop at COUNT_CAP results: counting every match of a broad query (« quartier »: most
    of the library) would cost more than ranking the page, and past ten pages people refine the query.
    `capped` says there are more: « Plus de 200 résultats »."""

    capped = False

    @cached_property
    def count(self):
        counted = self.object_list.count_upto(COUNT_CAP + 1)
        self.capped = counted > COUNT_CAP
        return min(counted, COUNT_CAP)


class _Known(Paginator):
    """A paginator whose count was kept with the page."""

    def __init__(self, count, capped):
        super().__init__([], PAGE_SIZE)
        self.count, self.capped = count, capped


def results_page(docs, number, themes, library_version):
    """Page `number` of `docs` (the user's filtered queryset, searched or not), each document with its
    `theme_list` taken from `themes`; from the cache while the library and the searched words are unchanged."""
    if docs.query.is_empty():  # a form in error, a word no document holds: nothing to fetch nor to keep
        return SearchPaginator(docs, PAGE_SIZE).get_page(number)

    def build():
        paginator = SearchPaginator(docs, PAGE_SIZE)
        page = paginator.get_page(number)
        return paginator.count, paginator.capped, page.number, with_themes(list(page.object_list), themes)

    parts = (library_version, docs.index_version(), str(docs.query), number, PAGE_SIZE, COUNT_CAP)
    count, capped, number, rows = dataversions.cached("resources:page", parts, build, CACHE_SECONDS)
    return Page(rows, number, _Known(count, capped))


def with_themes(docs, themes):
    """`docs` with their `theme_list`, taken from `themes` (every theme, in order) through one query on the link
    table: prefetch_related builds a join each time, which cost the list page more than its search."""
    linked = defaultdict(set)
    pairs = Document.themes.through.objects.filter(document_id__in=[d.pk for d in docs])
    for document_id, theme_id in pairs.values_list("document_id", "theme_id"):
        linked[document_id].add(theme_id)
    for doc in docs:
        doc.theme_list = [theme for theme in themes if theme.pk in linked[doc.pk]]
    return docs
