"""Benchmark of the eligibility module: a (point-in-polygon, pip.py) then b (geocoding, geocoding.py).

    .venv/bin/python bench/eligibility/run.py [--seulement pip|geocodage] [options passed to pip.py]

Each part runs in its own process pinned to core 0 (`taskset -c 0`, GUIDE §6) and prints its figures;
both sides of each comparison are measured in the same run. Part b is the geocoder's benchmark
(bench/eligibility/geocoding.py), run when present.
"""

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def pinned(script, extra):
    cmd = [sys.executable, str(script), *extra]
    return (["taskset", "-c", "0"] + cmd) if shutil.which("taskset") else cmd


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seulement", choices=["pip", "geocodage"], default=None)
    args, extra = parser.parse_known_args()
    status = 0
    if args.seulement in (None, "pip"):
        print("== a. Point dans polygone ==", flush=True)
        status |= subprocess.run(pinned(HERE / "pip.py", extra)).returncode
    if args.seulement in (None, "geocodage"):
        geocoding = HERE / "geocoding.py"
        print("\n== b. Géocodage ==", flush=True)
        if geocoding.exists():
            status |= subprocess.run(pinned(geocoding, [])).returncode
        else:
            print("bench/eligibility/geocoding.py absent : partie b non mesurée.")
    return status


if __name__ == "__main__":
    sys.exit(main())
