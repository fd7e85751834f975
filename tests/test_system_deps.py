"""scripts/system-deps: what `make test` / `make demo` need besides Python, checked before anything runs.

The script is run for real, with fake `dpkg-query`, `id`, `sudo` and `apt-get` first on PATH, so the test
never installs anything and says what would happen on a fresh machine.
"""

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "system-deps"
APT_LINE = "apt-get install -y chromium libharfbuzz-subset0 fonts-dejavu-core"


def _fake(bin_dir, name, body):
    path = bin_dir / name
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)


@pytest.fixture
def machine(tmp_path):
    """A fake Debian: FAKE_INSTALLED lists installed packages; apt-get « installs » into that list."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    installed = tmp_path / "installed"
    installed.write_text("")
    calls = tmp_path / "calls"
    _fake(
        bin_dir,
        "dpkg-query",
        # dpkg-query -W -f='${Status}' PACKAGE
        f'for last; do :; done; grep -qx "$last" {installed} && printf "install ok installed" || exit 1',
    )
    _fake(bin_dir, "id", 'echo "${FAKE_UID:-1000}"')
    _fake(bin_dir, "sudo", "exit 1")  # no password-less sudo
    _fake(
        bin_dir,
        "apt-get",
        f'echo "apt-get $*" >> {calls}; '
        f'if [ "$1" = install ]; then for p in "$@"; do echo "$p" >> {installed}; done; fi',
    )

    def run(target, packages=(), **env):
        installed.write_text("".join(f"{p}\n" for p in packages))
        environment = {**os.environ, "PATH": f"{bin_dir}:/usr/bin:/bin", **env}
        environment.pop("QUARTIERS_INSTALL_SYSTEM_DEPS", None)
        environment.update(env)
        result = subprocess.run(
            ["bash", str(SCRIPT), target], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=30
        )
        result.apt_calls = calls.read_text().splitlines() if calls.exists() else []
        return result

    return run


def test_nothing_missing_runs_nothing(machine):
    result = machine("test", ["chromium", "libharfbuzz-subset0", "fonts-dejavu-core"])
    assert result.returncode == 0, result.stderr
    assert result.stdout == result.stderr == ""
    assert result.apt_calls == []


def test_missing_packages_without_root_stop_with_the_exact_command(machine):
    result = machine("test", ["fonts-dejavu-core"])
    assert result.returncode == 1
    assert "Paquets système manquants pour « make test »" in result.stderr
    assert "chromium : navigateur des tests de bout en bout" in result.stderr
    assert "libharfbuzz-subset0 : polices des PDF (WeasyPrint)" in result.stderr
    assert f"  {APT_LINE}\n" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.apt_calls == []


def test_missing_packages_as_root_are_installed_non_interactively(machine):
    result = machine("test", ["fonts-dejavu-core"], FAKE_UID="0")
    assert result.returncode == 0, result.stderr
    assert "Installation des paquets système manquants : chromium libharfbuzz-subset0" in result.stdout
    assert result.apt_calls == ["apt-get update -qq", "apt-get install -y -qq chromium libharfbuzz-subset0"]


def test_install_can_be_refused(machine):
    result = machine("test", [], FAKE_UID="0", QUARTIERS_INSTALL_SYSTEM_DEPS="non")
    assert result.returncode == 1
    assert APT_LINE in result.stderr
    assert result.apt_calls == []


def test_demo_needs_the_pdf_libraries_but_no_browser(machine):
    pdf = ["libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-dejavu-core"]
    assert machine("demo", pdf).returncode == 0
    result = machine("demo", ["fonts-dejavu-core"])
    assert result.returncode == 1
    assert f"apt-get install -y {' '.join(pdf)}" in result.stderr
    assert "libpango-1.0-0 : mise en page des PDF (WeasyPrint)" in result.stderr
    assert "chromium" not in result.stderr


def test_make_test_checks_system_packages_before_anything_else():
    # Run from `make test` itself (CI), make would announce the directory and inherit the outer flags.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    dry_run = subprocess.run(
        ["make", "--no-print-directory", "-n", "test"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=30
    )
    lines = [line for line in dry_run.stdout.splitlines() if line.strip()]
    assert lines[0] == "PY=python3 scripts/system-deps test"
    assert any("pytest" in line for line in lines)


def test_ci_calls_exactly_the_readme_test_command_and_installs_no_browser():
    ci = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "make test   #" in readme
    assert "\nmake test\n" in ci
    assert "chromium" not in ci
