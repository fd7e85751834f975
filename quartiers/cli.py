"""The `quartiers` console command: a thin wrapper around Django's management commands.

`quartiers serve`, `quartiers demo`, `quartiers worker` and the import commands are management
commands of the apps; this wrapper only sets the settings module.
"""

import os
import sys


def main(argv=None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quartiers.settings")
    from django.core.management import execute_from_command_line

    argv = list(argv if argv is not None else sys.argv)
    argv[0] = "quartiers"
    execute_from_command_line(argv)
    return 0
