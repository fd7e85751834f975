"""Meeting minutes are rendered from safe Markdown; the Borda table only shows in ranking mode."""

from quartiers.core import markdown
from quartiers.network.models import Network
from tests.network import helpers as h

MINUTES = """# Relevé de décisions

Présents : les chefs de projet du Littoral.

- Revue des **contrats de ville**
  - calendrier de la révision
  - engagements *renforcés*
- NPNRU : point d'étape

1. Choisir les axes
2. Fixer la prochaine rencontre

<script>alert("x")</script> <img src=x onerror=alert(1)> [site](javascript:alert(1))"""


def test_markdown_renders_lists_paragraphs_and_bold():
    html = markdown.render(MINUTES)
    assert "<h3>Relevé de décisions</h3>" in html
    assert "<p>Présents : les chefs de projet du Littoral.</p>" in html
    assert (
        "<ul><li>Revue des <strong>contrats de ville</strong><ul><li>calendrier de la révision</li><li>"
        "engagements <em>renforcés</em></li></ul></li><li>NPNRU : point d&#x27;étape</li></ul>"
    ) in html
    assert "<ol><li>Choisir les axes</li><li>Fixer la prochaine rencontre</li></ol>" in html


def test_markdown_never_lets_html_through():
    html = markdown.render(MINUTES)
    assert "<script" not in html and "<img" not in html and "javascript:" not in html.split("[site]")[0]
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert 'href="javascript' not in html
    assert markdown.render("[le site](https://www.exemple.test/a?b=1&c=2)") == (
        '<p><a href="https://www.exemple.test/a?b=1&amp;c=2" rel="nofollow noopener">le site</a></p>'
    )


def test_meeting_page_shows_minutes_as_lists_and_inert_script(world, login):
    meeting = h.make_meeting(world, days=-3, minutes=MINUTES)
    html = login(world.users["chef"]).get(meeting.get_absolute_url()).content.decode()
    minutes = html.split('<div class="minutes">')[1].split("</div>")[0]
    assert "<li>NPNRU : point d&#x27;étape" in minutes
    assert "<script>" not in minutes and "&lt;script&gt;" in minutes


def test_borda_table_hidden_in_support_mode(world, login):
    h.make_axis(world)
    network = h.make_network(world)
    client = login(world.users["chef"])
    url = f"/reseau/{network.slug}/axes/classement/"
    html = client.get(url).content.decode()
    assert "Borda" not in html.split("Mode de choix des axes")[0].replace(network.get_vote_mode_display(), "")
    assert "Soutiens par axe" in html
    Network.objects.filter(pk=network.pk).update(vote_mode=Network.VoteMode.RANKING)
    html = client.get(url).content.decode()
    assert "Points de Borda par axe" in html
