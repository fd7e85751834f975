"""Every URL × the eight users of tests/world.py → the expected answer (see tests/permission_matrix.py);
every model of every app → its declared rules (quartiers/<app>/rules.py)."""

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.test.utils import isolate_apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from quartiers.core import permissions
from quartiers.gup.models import Walk
from tests.conftest import matrix_modules
from tests.permission_matrix import LOGIN
from tests.world import ROLES

ALL_CASES = [case for module in matrix_modules() for case in module.CASES]
IGNORED_NAMESPACES = {"djdt"}


def _resolve(value, world):
    return value(world) if callable(value) else value


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", ALL_CASES, ids=str)
def test_matrix(case, role, world, login):
    client = login(world.users[role])
    url = reverse(case.url_name, args=list(_resolve(case.args, world))) + case.query
    data = _resolve(case.data, world)
    response = getattr(client, case.method)(url, data) if data is not None else getattr(client, case.method)(url)
    expected = case.expect[role]
    if expected == LOGIN:
        assert response.status_code == 302, f"{url} ({role}) : {response.status_code}, connexion attendue"
        assert response["Location"].startswith(reverse("accounts:login")), response["Location"]
    else:
        assert response.status_code == expected, f"{case.method.upper()} {url} ({role})"


def _named_urls(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    names = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            if ns in IGNORED_NAMESPACES:
                continue
            names |= _named_urls(entry, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}{entry.name}")
    return names


def test_every_url_is_in_the_matrix():
    covered = {case.url_name for case in ALL_CASES}
    missing = sorted(_named_urls() - covered)
    assert not missing, f"URL absentes de la matrice des permissions : {missing}"


def test_every_url_is_named():
    """An unnamed URL would escape the matrix."""

    def walk(resolver):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                if entry.namespace in IGNORED_NAMESPACES:
                    continue
                yield from walk(entry)
            elif not entry.name and "static" not in str(entry.pattern) and "media" not in str(entry.pattern):
                yield str(entry.pattern)

    assert not list(walk(get_resolver()))


# --- the declarations -----------------------------------------------------------------------------------


def policy_models():
    """Every model of every quartiers.* app, internals included (join tables, jobs, audit rows)."""
    return [m for m in apps.get_models() if m.__module__.startswith("quartiers.")]


def undeclared_models(models=None):
    return [m._meta.label for m in permissions.undeclared(policy_models() if models is None else models)]


def test_every_model_declares_its_rules():
    missing = undeclared_models()
    assert not missing, f"Modèles sans règles déclarées (à ajouter au rules.py de leur application) : {missing}"


def test_every_declaration_answers_view_create_change_delete():
    for model in policy_models():
        rules = permissions.rules_for(model)
        assert set(permissions.DECLARED_VERBS) <= set(rules.verbs), model._meta.label


def test_a_model_without_rules_fails_the_check_by_name(monkeypatch):
    """Show it: remove one declaration, the check names the model; a throwaway model is reported too."""
    monkeypatch.delitem(permissions.REGISTRY, Walk)
    assert undeclared_models() == ["gup.Walk"]
    with pytest.raises(AssertionError, match="gup.Walk"):
        test_every_model_declares_its_rules()
    with pytest.raises(ImproperlyConfigured, match="gup.Walk : aucune règle déclarée"):
        Walk.objects.visible_to(AnonymousUser())

    with isolate_apps("quartiers.core"):

        class Throwaway(models.Model):
            class Meta:
                app_label = "core"

            def __str__(self):
                return "jetable"

        def __str__(self):
            return "jetable"

        assert undeclared_models([*policy_models(), Throwaway]) == ["gup.Walk", "core.Throwaway"]
