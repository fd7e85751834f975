"""The architecture, checked (docs/architecture.md).

1. The import contracts of pyproject.toml (`[tool.importlinter]`: layers, independence of the domain apps,
   no cycle) are kept — and a wrong arrow added to the real import graph breaks them.
2. The length rule: no view module over 400 lines, no function over 60 lines, in `quartiers/` (migrations
   excluded). Today's outliers are listed in KNOWN_OUTLIERS, which may only shrink.

`python -m tests.test_architecture` prints the longest view modules and functions.
"""

import ast
import copy
import subprocess
import sys
from pathlib import Path

import grimp
import pytest
from importlinter import api  # noqa: F401  (configures import-linter: option readers, graph builder)
from importlinter.application import use_cases
from importlinter.contracts.acyclic_siblings import AcyclicSiblingsContract
from importlinter.contracts.independence import IndependenceContract
from importlinter.contracts.layers import LayersContract

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "quartiers"
CONTRACT_TYPES = {
    "layers": LayersContract,
    "independence": IndependenceContract,
    "acyclic_siblings": AcyclicSiblingsContract,
}

MAX_VIEW_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60

# Exceptions to the limits, one per line with the reason. None left since issue 14: fix a new outlier rather
# than list it; an entry no longer over the limit fails test_known_outliers_are_not_stale.
KNOWN_OUTLIERS: set[str] = set()


# --- import contracts ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def options():
    return use_cases.read_user_options(str(ROOT / "pyproject.toml"))


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("quartiers", cache_dir=None)


def _contract(options, contract_id):
    raw = next(c for c in options.contracts_options if c["id"] == contract_id)
    cls = CONTRACT_TYPES[raw["type"]]
    return cls(name=raw["name"], session_options=options.session_options, contract_options=raw)


def _kept(options, graph, contract_id, *extra_imports):
    """Check one contract of pyproject.toml against the real graph plus the given (importer, imported) pairs."""
    graph = copy.deepcopy(graph)
    for importer, imported in extra_imports:
        graph.add_import(importer=importer, imported=imported, line_number=1, line_contents="import (test)")
    return _contract(options, contract_id).check(graph, verbose=False).kept


def test_lint_imports_passes():
    """What `make test` runs: every contract kept, no ignored import that no longer exists."""
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--no-cache", "--no-logo"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_every_domain_app_is_in_the_independence_contract(options):
    """A domain app that lands (eligibility, programming) must join the `domain-apps` contract too."""
    raw = {c["id"]: c for c in options.contracts_options}
    domain_layer = next(layer for layer in raw["layers"]["layers"] if "contracts" in layer)
    domain_apps = {name.strip().strip("()") for name in domain_layer.split(":")}
    existing = {app for app in domain_apps if (PACKAGE / app / "__init__.py").exists()}
    assert {"contracts", "mobilisation", "network", "resources", "gup", "renewal"} <= existing
    assert {f"quartiers.{app}" for app in existing} == set(raw["domain-apps"]["modules"])
    # A stale ignore_imports entry must fail (import-linter's default), so the known violations only shrink.
    assert all("unmatched_ignore_imports_alerting" not in c for c in options.contracts_options)


@pytest.mark.parametrize("contract_id", ["layers", "domain-apps", "acyclic"])
def test_contract_is_kept(options, graph, contract_id):
    assert _kept(options, graph, contract_id)


@pytest.mark.parametrize(
    "importer, imported",
    [
        ("quartiers.core.permissions", "quartiers.accounts.models"),  # core reaching up
        ("quartiers.core.views", "quartiers.site.views"),  # today's fixed arrow: the home page was in core
        ("quartiers.territories.models", "quartiers.accounts.models"),  # accounts sits on territories
        ("quartiers.geocoding.spatial", "quartiers.contracts.models"),  # the engine under the products
        ("quartiers.gup.models", "quartiers.site.context_processors"),  # nothing imports the site
        ("quartiers.core.models", "quartiers.settings"),  # settings are read through django.conf
    ],
)
def test_an_upward_arrow_breaks_the_layers(options, graph, importer, imported):
    assert not _kept(options, graph, "layers", (importer, imported))


def test_domain_apps_talk_only_through_hooks(options, graph):
    assert not _kept(options, graph, "domain-apps", ("quartiers.gup.views", "quartiers.network.models"))
    # Indirect: gup → renewal → network is as much a dependency as gup → network.
    assert not _kept(
        options,
        graph,
        "domain-apps",
        ("quartiers.gup.views", "quartiers.renewal.services"),
        ("quartiers.renewal.services", "quartiers.network.models"),
    )
    # Through the other app's declared surface: allowed (the hook module imports its own app's models).
    assert _kept(
        options,
        graph,
        "domain-apps",
        ("quartiers.gup.views", "quartiers.network.hooks"),
        ("quartiers.network.hooks", "quartiers.network.models"),
    )


def test_a_cycle_breaks_the_acyclic_contract(options, graph):
    # territories.importers imports territories.models; the other way round closes a cycle.
    assert graph.direct_import_exists(
        importer="quartiers.territories.importers", imported="quartiers.territories.models"
    )
    assert not _kept(options, graph, "acyclic", ("quartiers.territories.models", "quartiers.territories.importers"))


def layer_diagram(options):
    """The layers contract drawn top to bottom, as docs/architecture.md shows it."""
    raw = next(c for c in options.contracts_options if c["id"] == "layers")
    return "\n    ↓\n".join(raw["layers"])


def app_dependencies(graph):
    """{app: [apps it imports]} between the top-level modules of quartiers/, read from the code."""
    tops = sorted(m for m in graph.modules if m.count(".") == 1)
    return {
        a.split(".")[1]: [
            b.split(".")[1]
            for b in tops
            if a != b and graph.direct_import_exists(importer=a, imported=b, as_packages=True)
        ]
        for a in tops
    }


def test_docs_show_the_layers_of_the_contract(options):
    docs = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert layer_diagram(options) in docs, "docs/architecture.md : recopier `python -m tests.test_architecture`"


# --- the length rule ----------------------------------------------------------------------------------


def _python_files():
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def _is_view_module(path):
    return path.name == "views.py" or path.parent.name == "views"


def _functions(tree, prefix=""):
    """(qualified name, lines from the def line to the last line) of every function and method, nested ones too."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            name = f"{prefix}{node.name}"
            yield name, node.end_lineno - node.lineno + 1
            yield from _functions(node, f"{name}.")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node, f"{prefix}{node.name}.")
        else:
            yield from _functions(node, prefix)


def measure():
    """({view module: lines}, {"path::function": lines}) over quartiers/."""
    modules, functions = {}, {}
    for path in _python_files():
        rel = path.relative_to(ROOT).as_posix()
        source = path.read_text(encoding="utf-8")
        if _is_view_module(path):
            modules[rel] = len(source.splitlines())
        for name, lines in _functions(ast.parse(source)):
            functions[f"{rel}::{name}"] = max(lines, functions.get(f"{rel}::{name}", 0))
    return modules, functions


def over_the_limit():
    modules, functions = measure()
    over = {k: n for k, n in modules.items() if n > MAX_VIEW_MODULE_LINES}
    over |= {k: n for k, n in functions.items() if n > MAX_FUNCTION_LINES}
    return over


def longest():
    modules, functions = measure()
    module = max(modules.items(), key=lambda item: item[1])
    function = max(functions.items(), key=lambda item: item[1])
    return (
        f"plus long module de vues : {module[0]} ({module[1]} lignes) ; "
        f"plus longue fonction : {function[0]} ({function[1]} lignes)"
    )


def test_no_view_module_or_function_is_too_long():
    print(longest())  # shown with -s / -rP, and on failure
    new = {k: n for k, n in over_the_limit().items() if k not in KNOWN_OUTLIERS}
    assert not new, f"trop long (vues ≤ {MAX_VIEW_MODULE_LINES}, fonctions ≤ {MAX_FUNCTION_LINES} lignes) : {new}"


def test_known_outliers_are_not_stale():
    fixed = KNOWN_OUTLIERS - set(over_the_limit())
    assert not fixed, f"plus trop longs : retirez-les de KNOWN_OUTLIERS : {sorted(fixed)}"


def test_the_measure_sees_methods_nested_functions_and_views_packages():
    tree = ast.parse("class A:\n    def m(self):\n        def inner():\n            pass\n\n        return 1\n")
    assert dict(_functions(tree)) == {"A.m": 5, "A.m.inner": 2}
    assert _is_view_module(Path("quartiers/gup/views/reports.py")) and not _is_view_module(Path("x/services.py"))


if __name__ == "__main__":
    user_options = use_cases.read_user_options(str(ROOT / "pyproject.toml"))
    print("Couches (pyproject.toml, du haut vers le bas) :\n")
    print(layer_diagram(user_options), end="\n\n")
    print("Imports entre les modules de quartiers/ (lus dans le code) :")
    for app, deps in app_dependencies(grimp.build_graph("quartiers", cache_dir=None)).items():
        print(f"  {app} → {', '.join(deps) or '—'}")
    print()
    modules, functions = measure()
    for title, sizes, limit in (("Modules de vues", modules, 400), ("Fonctions", functions, 60)):
        print(f"{title} (limite {limit} lignes) :")
        for name, lines in sorted(sizes.items(), key=lambda item: -item[1])[:10]:
            print(f"  {lines:5d}  {name}{'  ← trop long' if lines > limit else ''}")
