"""The geocoding app is the engine only: no pages, and no arrow up to the product or the domain apps."""

import ast
from pathlib import Path

import quartiers.geocoding

ENGINE = Path(quartiers.geocoding.__file__).parent
ALLOWED = ("quartiers.core", "quartiers.territories", "quartiers.geocoding")


def _imports(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and not node.level and node.module:
            yield node.module
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def test_the_engine_has_no_pages():
    present = {p.name for p in ENGINE.iterdir()}
    assert not present & {"views.py", "views", "forms.py", "urls.py", "api_urls.py", "templates"}


def test_the_engine_imports_only_core_and_territories():
    wrong = [
        f"{path.relative_to(ENGINE)}: {module}"
        for path in ENGINE.rglob("*.py")
        for module in _imports(path)
        if module.startswith("quartiers.") and not module.startswith(ALLOWED)
    ]
    assert wrong == []
