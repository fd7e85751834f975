"""The programming table's page, cell by cell: its content and layout are pinned on a small call (captured before
the table was rebuilt for speed, see bench/programming/run.py) — amounts in the French format, free text escaped,
dossiers in the order of their carrier and title, totals per financer, pillar, QPV and carrier."""

from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from quartiers.contracts.models import Objective
from quartiers.programming import committee
from quartiers.programming.models import Application, Funding
from quartiers.programming.workflow import Status
from tests.programming.instruction_helpers import decided, dossier, financers

pytestmark = pytest.mark.django_db


EXPECTED = [
    {
        "caption": "Demandé, proposé et accordé par financeur, face à son enveloppe",
        "rows": [
            [
                ("th", "scope=col", "Financeur", ""),
                ("th", "scope=col class=num", "Enveloppe", ""),
                ("th", "scope=col class=num", "Demandé", ""),
                ("th", "scope=col class=num", "Proposé", ""),
                ("th", "scope=col class=num", "Accordé", ""),
                ("th", "scope=col class=num", "Reste à programmer", ""),
            ],
            [
                ("th", "scope=row", "CA Grand Calais Terres et Mers (test)", ""),
                ("td", "class=num", "30 000,00", ""),
                ("td", "class=num", "3 200,50", ""),
                ("td", "class=num", "0,00", ""),
                ("td", "class=num", "300,00", ""),
                ("td", "class=num", "29 700,00", ""),
            ],
            [
                ("th", "scope=row", "Préfecture du Pas-de-Calais (test)", ""),
                ("td", "class=num", "1 000,00", ""),
                ("td", "class=num", "1 237 367,89", ""),
                ("td", "class=num", "800,00", ""),
                ("td", "class=num", "1 100,00", ""),
                ("td", "class=num", "-100,00 enveloppe dépassée", ""),
            ],
        ],
    },
    {
        "caption": "Une ligne par action ; pour chaque financeur : demandé, proposé, accordé",
        "rows": [
            [
                ("th", "scope=col rowspan=2", "Porteur", ""),
                ("th", "scope=col rowspan=2", "Action", ""),
                ("th", "scope=col rowspan=2", "Statut", ""),
                ("th", "scope=colgroup colspan=3", "CA Grand Calais Terres et Mers (test)", ""),
                ("th", "scope=colgroup colspan=3", "Préfecture du Pas-de-Calais (test)", ""),
            ],
            [
                ("th", "scope=col class=num", "demandé", ""),
                ("th", "scope=col class=num", "proposé", ""),
                ("th", "scope=col class=num", "accordé", ""),
                ("th", "scope=col class=num", "demandé", ""),
                ("th", "scope=col class=num", "proposé", ""),
                ("th", "scope=col class=num", "accordé", ""),
            ],
            [
                ("td", "", "Association voisine", ""),
                ("td", "", '=HYPERLINK("x")', 'dossier =HYPERLINK("x")'),
                ("td", "", "Déposé", ""),
                ("td", "class=num", "400,00", ""),
                ("td", "class=num", "—", ""),
                ("td", "class=num", "—", ""),
                ("td", "class=num", "600,00", ""),
                ("td", "class=num", "—", ""),
                ("td", "class=num", "—", ""),
            ],
            [
                ("td", "", "Bailleur social (porteur)", ""),
                ("td", "", '<b>Tom & "Jerry"</b>', 'dossier <b>Tom & "Jerry"</b>'),
                ("td", "", "Décidé : refusé", ""),
                ("td", "class=num", "0,50", ""),
                ("td", "class=num", "—", ""),
                ("td", "class=num", "—", ""),
                ("td", "class=num", "1 234 567,89", ""),
                ("td", "class=num", "—", ""),
                ("td", "class=num", "—", ""),
            ],
            [
                ("td", "", "Bailleur social (porteur)", ""),
                ("td", "", "Chantier jeunes", "dossier Chantier jeunes"),
                ("td", "", "Avis rendus", ""),
                ("td", "class=num", "2 000,00", ""),
                ("td", "class=num", "—", ""),
                ("td", "class=num", "—", ""),
                ("td", "class=num", "1 000,00", ""),
                ("td", "class=num", "800,00", ""),
                ("td", "class=num", "—", ""),
            ],
            [
                ("td", "", "Bailleur social (porteur)", ""),
                ("td", "", "Deuxième action", "dossier Deuxième action"),
                ("td", "", "Décidé : accepté", ""),
                ("td", "class=num", "400,00", ""),
                ("td", "class=num", "—", ""),
                ("td", "class=num", "0,00", ""),
                ("td", "class=num", "600,00", ""),
                ("td", "class=num", "—", ""),
                ("td", "class=num", "600,00", ""),
            ],
            [
                ("td", "", "Bailleur social (porteur)", ""),
                ("td", "", "Permanence juridique", "dossier Permanence juridique"),
                ("td", "", "Décidé : accepté", ""),
                ("td", "class=num", "400,00", ""),
                ("td", "class=num", "—", ""),
                ("td", "class=num", "300,00", ""),
                ("td", "class=num", "600,00", ""),
                ("td", "class=num", "—", ""),
                ("td", "class=num", "500,00", ""),
            ],
            [
                ("th", "scope=row colspan=3", "Total", ""),
                ("td", "class=num", "3 200,50", ""),
                ("td", "class=num", "0,00", ""),
                ("td", "class=num", "300,00", ""),
                ("td", "class=num", "1 237 367,89", ""),
                ("td", "class=num", "800,00", ""),
                ("td", "class=num", "1 100,00", ""),
            ],
        ],
    },
    {
        "caption": "Dossiers et montants par pilier (un dossier compte dans chacun de ses piliers)",
        "rows": [
            [
                ("th", "scope=col", "Pilier", ""),
                ("th", "scope=col class=num", "Dossiers", ""),
                ("th", "scope=col class=num", "Demandé", ""),
                ("th", "scope=col class=num", "Proposé", ""),
                ("th", "scope=col class=num", "Accordé", ""),
            ],
            [
                ("th", "scope=row", "(sans pilier)", ""),
                ("td", "class=num", "3", ""),
                ("td", "class=num", "5 000,00", ""),
                ("td", "class=num", "800,00", ""),
                ("td", "class=num", "600,00", ""),
            ],
            [
                ("th", "scope=row", "Cohésion sociale", ""),
                ("td", "class=num", "2", ""),
                ("td", "class=num", "1 235 568,39", ""),
                ("td", "class=num", "0,00", ""),
                ("td", "class=num", "800,00", ""),
            ],
        ],
    },
    {
        "caption": "Dossiers et montants par quartier (un dossier compte dans chacun de ses quartiers)",
        "rows": [
            [
                ("th", "scope=col", "Quartier", ""),
                ("th", "scope=col class=num", "Dossiers", ""),
                ("th", "scope=col class=num", "Demandé", ""),
                ("th", "scope=col class=num", "Proposé", ""),
                ("th", "scope=col class=num", "Accordé", ""),
            ],
            [
                ("th", "scope=row", "(sans quartier)", ""),
                ("td", "class=num", "3", ""),
                ("td", "class=num", "5 000,00", ""),
                ("td", "class=num", "800,00", ""),
                ("td", "class=num", "600,00", ""),
            ],
            [
                ("th", "scope=row", "Beau Marais", ""),
                ("td", "class=num", "1", ""),
                ("td", "class=num", "1 234 568,39", ""),
                ("td", "class=num", "0,00", ""),
                ("td", "class=num", "0,00", ""),
            ],
            [
                ("th", "scope=row", "Fort Nieulay - Cailloux - Saint-Pierre", ""),
                ("td", "class=num", "2", ""),
                ("td", "class=num", "1 235 568,39", ""),
                ("td", "class=num", "0,00", ""),
                ("td", "class=num", "800,00", ""),
            ],
        ],
    },
    {
        "caption": "Dossiers et montants par porteur (un dossier compte dans chacun)",
        "rows": [
            [
                ("th", "scope=col", "Porteur", ""),
                ("th", "scope=col class=num", "Dossiers", ""),
                ("th", "scope=col class=num", "Demandé", ""),
                ("th", "scope=col class=num", "Proposé", ""),
                ("th", "scope=col class=num", "Accordé", ""),
            ],
            [
                ("th", "scope=row", "Association voisine", ""),
                ("td", "class=num", "1", ""),
                ("td", "class=num", "1 000,00", ""),
                ("td", "class=num", "0,00", ""),
                ("td", "class=num", "0,00", ""),
            ],
            [
                ("th", "scope=row", "Bailleur social (porteur)", ""),
                ("td", "class=num", "4", ""),
                ("td", "class=num", "1 239 568,39", ""),
                ("td", "class=num", "800,00", ""),
                ("td", "class=num", "1 400,00", ""),
            ],
        ],
    },
]


class Tables(HTMLParser):
    """Every <table> of the page: its caption and its rows, each cell as (tag, scope/colspan/rowspan/class, text,
    link target with the ids replaced by the names of `names`)."""

    def __init__(self, names):
        super().__init__()
        self.names, self.tables, self.cell, self.caption = names, [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self.tables.append({"caption": "", "rows": []})
        elif tag == "caption":
            self.caption = ""
        elif tag == "tr":
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th"):
            shape = " ".join(f"{k}={attrs[k]}" for k in ("scope", "colspan", "rowspan", "class") if k in attrs)
            self.cell = [tag, shape, "", ""]
        elif tag == "a" and self.cell is not None:
            self.cell[3] = self.names.get(attrs["href"], attrs["href"])

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.cell[2] = " ".join(self.cell[2].split())
            self.tables[-1]["rows"][-1].append(tuple(self.cell))
            self.cell = None
        elif tag == "caption":
            self.tables[-1]["caption"], self.caption = self.caption, None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[2] += data
        elif self.caption is not None:
            self.caption += data


def _small_call(prog):
    """Five dossiers of two carriers (and a draft, left out): decided (with two objectives of one pillar), waiting
    with a proposal, refused, a title of markup linked to both QPVs, a big amount, an envelope overrun (remaining
    below zero)."""
    state, agglo = financers(prog)
    won = decided(prog, title="Permanence juridique")
    won.qpvs.add(prog.qpv)
    # Two objectives of one pillar: the dossier counts once in it.
    same_pillar = Objective.objects.create(pillar=prog.extra["objective"].pillar, title="Autre objectif")
    won.objectives.add(prog.extra["objective"], same_pillar)
    waiting = dossier(prog, status=Status.OPINIONS, title="Chantier jeunes", asks=("1000", "2000"))
    Funding.objects.create(application=waiting, call_financer=state, opinion="favorable", proposed_amount=800)
    dossier(prog, status=Status.SUBMITTED, title='=HYPERLINK("x")', carrier=prog.extra["other_carrier"])
    marked = dossier(prog, status=Status.REFUSED, title='<b>Tom & "Jerry"</b>', asks=("1234567.89", "0.5"))
    marked.qpvs.add(prog.qpv, prog.qpv_beau_marais)
    marked.objectives.add(prog.extra["objective"])
    decided(prog, title="Deuxième action", granted=("600", "0"))
    dossier(prog, status=Status.DRAFT, title="Brouillon")
    state.envelope = Decimal("1000")
    state.save()
    apps = Application.objects.filter(call=prog.extra["call"])
    return {reverse("programming:instruction_detail", args=[a.pk]): f"dossier {a.title}" for a in apps}


def _tables(client, prog, names):
    call = prog.extra["call"]
    response = client.get(reverse("programming:committee_table", args=[call.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<b>Tom" not in html and "&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;" in html
    parser = Tables(names)
    parser.feed(html)
    return parser.tables


def test_table_content_and_layout_pinned(prog, login):
    names = _small_call(prog)
    tables = _tables(login(prog.users["chef"]), prog, names)
    assert [t["caption"] for t in tables] == [t["caption"] for t in EXPECTED]
    for table, expected in zip(tables, EXPECTED, strict=True):
        assert table["rows"] == expected["rows"], table["caption"]


def test_empty_call(prog, login):
    response = login(prog.users["chef"]).get(reverse("programming:committee_table", args=[prog.extra["call"].pk]))
    html = response.content.decode()
    assert '<tr><td colspan="3">Aucun dossier déposé.</td></tr>' in html
    assert "0 dossier déposé." in html


def test_row_and_column_totals_add_up(prog):
    """The database sums each row (the XLSX and CSV « Total » columns) and Python each column: they agree with the
    cells, in Decimal (build) as in integer cents (grid)."""
    _small_call(prog)
    call = prog.extra["call"]
    table = committee.build(call)
    for row in table["rows"]:
        for k, key in enumerate(committee.AMOUNTS):
            assert row[key] == sum(filter(None, row["amounts"][k::3]), Decimal(0)), (row["title"], key)
    assert {r["title"]: r["granted"] for r in table["rows"]}["Permanence juridique"] == Decimal("800")
    grid = committee.grid(call)
    for n, (_financer, *amounts, _envelope) in enumerate(grid["by_financer"]):
        for k in range(3):
            assert amounts[k] == sum(filter(None, (r[committee.HEAD + 3 * n + k] for r in grid["rows"])))
    assert grid["total"] == [5, 124056839, 80000, 140000]  # the « Total » row of the page: 3 200,50 + 1 237 367,89…


def test_free_text_stays_inert(prog, login):
    """A carrier's name and a title made of markup come out escaped in the rows, the totals and the letters' list."""
    from quartiers.programming.models import Carrier

    payload = '<img src=x onerror=alert(1)>"><svg onload=alert(1)>'
    carrier = Carrier.objects.create(name=payload, kind=Carrier.Kind.ASSOCIATION)
    decided(prog, title=payload, carrier=carrier)
    html = login(prog.users["chef"]).get(reverse("programming:committee_table", args=[prog.extra["call"].pk]))
    html = html.content.decode()
    assert "<img" not in html and "<svg" not in html
    escaped = "&lt;img src=x onerror=alert(1)&gt;&quot;&gt;&lt;svg onload=alert(1)&gt;"
    assert html.count(escaped) == 4  # carrier and title of the row, carriers' totals, the letter's link
