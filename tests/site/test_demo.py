"""`quartiers demo`: the site layer runs every app's demo, then prints the demo accounts."""

import io

from django.core.management import call_command, get_commands

from quartiers.site.management.commands.demo import demo_modules


def test_the_demo_command_belongs_to_the_site_layer():
    assert get_commands()["demo"] == "quartiers.site"


def test_demo_modules_follow_installed_apps():
    names = [module.__name__ for module in demo_modules()]
    assert names.index("quartiers.territories.demo") < names.index("quartiers.contracts.demo")
    assert names.index("quartiers.accounts.demo") < names.index("quartiers.network.demo")
    assert not any(name.startswith("quartiers.core") for name in names)


def test_demo_prints_the_accounts_last(world):
    out = io.StringIO()
    call_command("demo", "--sans-reference", "--date", "2030-02-01", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[-1] == "Données de démonstration chargées."
    table = lines.index("Comptes de démonstration (un par rôle) :")
    assert all("@" in line for line in lines[table + 2 : -1]), lines[table:]
    assert len(lines[table + 2 : -1]) >= 6  # one account per role
