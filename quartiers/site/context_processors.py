"""The header navigation: it names every module, so it lives in the site layer above them."""

import functools

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse

from quartiers.core.permissions import is_admin

# The header navigation: one entry per module. A module not installed yet is skipped.
NAVIGATION = [
    ("territories:qpv_list", "Quartiers prioritaires"),
    ("territories:map", "Carte"),
    ("eligibility:lookup", "Éligibilité"),
    ("contracts:index", "Contrats de ville"),
    ("mobilisation:index", "Mobilisation"),
    ("programming:index", "Programmation"),
    ("renewal:index", "NPNRU"),
    ("gup:index", "GUP"),
    ("network:index", "Réseau"),
    ("resources:index", "Ressources"),
]
# Shown to administrators only; the pages themselves check the policy.
ADMIN_NAVIGATION = [("accounts:user_list", "Administration")]
# Pages of the administration that light up the « Administration » entry.
ADMIN_PREFIXES = ("accounts:user_list", "accounts:organisation_list", "accounts:audit_list", "accounts:invite")


def _reverse(name):
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


@functools.lru_cache(maxsize=8)
def _urls(urlconf, script_prefix):
    """{name: url or None} of every entry, reversed once per URLconf and prefix rather than on every page."""
    names = [name for name, _ in NAVIGATION + ADMIN_NAVIGATION] + list(ADMIN_PREFIXES)
    return {name: _reverse(name) for name in names}


def navigation(request):
    path = request.path
    admin = is_admin(request.user) if hasattr(request, "user") else False
    urls = _urls(get_urlconf(settings.ROOT_URLCONF), get_script_prefix())
    entries = NAVIGATION + (ADMIN_NAVIGATION if admin else [])
    items = []
    for name, label in entries:
        url = urls[name]
        if url is None:
            continue
        if name in dict(ADMIN_NAVIGATION):
            current = any(path.startswith(u) for u in (urls[p] for p in ADMIN_PREFIXES) if u)
        else:
            current = url != "/" and path.startswith(url)
        items.append({"url": url, "label": label, "current": current})
    return {"nav_items": items, "user_is_admin": admin}
