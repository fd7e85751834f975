from quartiers.network.models import Theme


def test_standard_themes_are_loaded(db):
    assert Theme.objects.filter(slug="npnru").exists()
