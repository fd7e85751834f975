"""Every `quartiers …` command the documentation, the pages and the messages name exists, with its options.

The command lines are extracted from README.md, every Markdown file under docs/ and quartiers/, every
template, every Python message and docstring of the package, the Makefile and scripts/: code spans
(`…`), <code>…</code>, « … », code blocks, and any `quartiers some-command` spelled like a command.
Each command answers `quartiers <command> --help` with rc 0, and each `--option` a line shows is one the
command accepts. Management commands are named in one convention: lower case words joined by hyphens.
"""

import io
import os
import re
import shlex
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class

from quartiers import cli

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
COMMAND = re.compile(r"(?:^|[\s/(])quartiers\s+([a-z][a-z0-9_-]*)(.*)")
CONTEXTS = [
    re.compile(r"`([^`\n]+)`"),
    re.compile(r"<code>(.*?)</code>", re.S),
    re.compile(r"^(?:\s{4,}|\t|\$ )\s*(\S*quartiers\s.*)$", re.M),  # indented code, Makefile recipes, shell
    re.compile(r"\$\(BIN\)/(quartiers\s.*)$", re.M),  # Makefile
    re.compile(r'"\$BIN/(quartiers)"(\s.*)$', re.M),  # scripts/
    re.compile(r"(?:^|[\s(])(quartiers\s+[a-z0-9]+[-_][a-z0-9_-]*.*?)(?:[)»`<]|$)", re.M),  # prose naming a command
]
# « … » quotes a command in messages (.py, .html), and prose too (« quartiers prioritaires » in a docstring):
# a quoted « quartiers <word> » is a command unless <word> is one of these French words.
QUOTED = re.compile(r"«\s*(quartiers\s[^»]+?)\s*»")
PROSE = {"prioritaires", "prioritaire", "populaires", "de", "des", "du", "en", "et", "sensibles"}
FENCE = re.compile(r"```[a-z]*\n(.*?)```", re.S)
SHELL_END = re.compile(r"\s(?:&|;|\||>|2>|\\$)")


def documented_files():
    yield ROOT / "README.md"
    yield ROOT / "Makefile"
    yield from sorted((ROOT / "docs").rglob("*.md"))
    yield from sorted((ROOT / "scripts").glob("*"))
    for path in sorted((ROOT / "quartiers").rglob("*")):
        if path.suffix in (".md", ".html", ".txt", ".py") and "migrations" not in path.parts:
            yield path


def command_lines():
    """{(command, args line): first place it is written}."""
    found = {}
    for path in documented_files():
        text = path.read_text(errors="replace")
        chunks = [m.group(1) for m in FENCE.finditer(text)]
        for pattern in CONTEXTS:
            chunks += ["".join(m.groups()) for m in pattern.finditer(text)]
        if path.suffix in (".py", ".html"):
            chunks += [quoted for quoted in QUOTED.findall(text) if quoted.split()[1] not in PROSE]
        for chunk in chunks:
            for line in chunk.splitlines():
                for match in COMMAND.finditer(line):
                    rest = SHELL_END.split(match.group(2))[0]
                    found.setdefault((match.group(1), rest.strip()), str(path.relative_to(ROOT)))
    return found


LINES = command_lines()
COMMANDS = sorted({name for name, _ in LINES})


def test_the_documentation_names_the_commands_users_need():
    assert {"demo", "worker", "serve", "import-ban", "import-qpv", "reindex-resources"} <= set(COMMANDS), COMMANDS


@pytest.mark.parametrize("name", COMMANDS)
def test_documented_command_answers_help(name):
    where = next(place for (command, _), place in LINES.items() if command == name)
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err), pytest.raises(SystemExit) as exit_info:
        cli.main(["quartiers", name, "--help"])
    assert exit_info.value.code in (0, None), f"`quartiers {name}` ({where}) : {err.getvalue().strip()}"
    assert "usage: quartiers " + name in out.getvalue()


@pytest.mark.parametrize("name, line", sorted(LINES), ids=[f"{n} {a}"[:60] for n, a in sorted(LINES)])
def test_documented_options_exist(name, line):
    options = [word.split("=")[0] for word in _words(line) if word.startswith("--")]
    if not options or name not in get_commands():
        return  # the command itself is checked above
    parser = load_command_class(get_commands()[name], name).create_parser("quartiers", name)
    unknown = [option for option in options if option not in parser._option_string_actions]
    assert not unknown, f"`quartiers {name} {line}` ({LINES[name, line]}) : options inconnues {unknown}"


def _words(line):
    try:
        return shlex.split(line)
    except ValueError:
        return line.split()


def test_our_commands_follow_one_naming_convention():
    """Lower-case words joined by hyphens: `quartiers import-ban`, never `import_ban`."""
    ours = {name: app for name, app in get_commands().items() if app.startswith("quartiers.")}
    assert "import-ban" in ours and "reindex-resources" in ours
    badly_named = sorted(name for name in ours if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name))
    assert not badly_named, badly_named


def test_an_unknown_command_fails_this_check():
    err = io.StringIO()
    with redirect_stdout(io.StringIO()), redirect_stderr(err), pytest.raises(SystemExit) as exit_info:
        cli.main(["quartiers", "import_ban", "--help"])
    assert exit_info.value.code == 1
    assert "Unknown command: 'import_ban'" in err.getvalue()


def test_the_installed_console_script_runs_a_documented_command():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}  # the command's own default
    result = subprocess.run(
        [str(BIN / "quartiers"), "import-ban", "--help"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert "--officiel" in result.stdout
