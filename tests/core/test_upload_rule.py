"""Issue 14 §6: one upload rule. Every upload goes through `core.filetypes.check_upload(uploaded, purpose=…)`:
the type read from the content, the size from the one LIMITS table, archives checked. No module keeps its own
sniffing, archive check or hard-coded limit — help texts read `filetypes.limit_text(purpose)`."""

import ast
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from quartiers.core import filetypes

PACKAGE = Path(__file__).resolve().parents[2] / "quartiers"
RULE = PACKAGE / "core" / "filetypes.py"
OWN_CHECKS = re.compile(r"\b(?:filetypes\.)?(?:sniff|archive_problem)\(")
HARD_LIMIT = re.compile(r"\b\d+ ?(?:Mo|Mio|MB)\b")


def _sources():
    for path in sorted(PACKAGE.rglob("*.py")):
        if path != RULE and "migrations" not in path.parts:
            yield path


def _string_parts(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value


def test_no_module_checks_uploads_its_own_way():
    offenders = []
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        code = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
        offenders += [f"{path.relative_to(PACKAGE)}: {m.group(0)}" for m in OWN_CHECKS.finditer(code)]
    assert not offenders, "Appelez filetypes.check_upload(uploaded, purpose=…) au lieu de : " + ", ".join(offenders)


def test_no_upload_limit_is_hard_coded_in_texts():
    offenders = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        offenders += [f"{path.relative_to(PACKAGE)}:{n}: {s!r}" for n, s in _string_parts(tree) if HARD_LIMIT.search(s)]
    for path in sorted(PACKAGE.rglob("templates/**/*.html")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if HARD_LIMIT.search(line):
                offenders.append(f"{path.relative_to(PACKAGE)}:{n}")
    assert not offenders, "Limites écrites en dur (lisez filetypes.limit_text) : " + ", ".join(offenders)


def test_the_limit_in_help_texts_follows_the_table(settings):
    settings.UPLOAD_MAX_ATTACHMENT_MB = 3
    assert filetypes.limit_text("piece_jointe") == "3 Mo"
    assert filetypes.limit_text("membres") == "2 Mo"


@pytest.mark.parametrize("purpose", sorted(filetypes.LIMITS))
def test_every_purpose_refuses_a_file_over_its_limit(settings, purpose):
    setting, _default = filetypes.LIMITS[purpose]
    setattr(settings, setting, 0.00001)  # 10 bytes
    with pytest.raises(Exception, match="la taille maximale est de 10"):
        filetypes.check_upload(SimpleUploadedFile("gros.pdf", b"%PDF-1.4" + b"0" * 20), purpose=purpose)
