from django.urls import NoReverseMatch, reverse

# The header navigation: one entry per module. A module not installed yet is skipped.
NAVIGATION = [
    ("territories:qpv_list", "Quartiers prioritaires"),
    ("territories:map", "Carte"),
    ("geocoding:lookup", "Éligibilité"),
    ("contracts:index", "Contrats de ville"),
    ("renewal:index", "NPNRU"),
    ("gup:index", "GUP"),
    ("network:index", "Réseau"),
    ("resources:index", "Ressources"),
]


def navigation(request):
    items = []
    path = request.path
    for name, label in NAVIGATION:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "current": url != "/" and path.startswith(url)})
    return {"nav_items": items}
