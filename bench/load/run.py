"""Load test: gunicorn (2 workers) on a copy of the demo, a floor first, then many users reading and writing.

    .venv/bin/python bench/load/run.py                      # 50 users, 2 minutes (plus a 30 s floor)
    .venv/bin/python bench/load/run.py --duree 30 --plancher 10 --utilisateurs 20

1. The demo database is built once into var/bench-load/demo.sqlite3 (`quartiers migrate` + `quartiers demo`),
   then copied for each run: the run writes into the copy only.
2. gunicorn serves the product with DEBUG=false (bench/load/settings.py adds one bench-only URL, the floor:
   the cheapest Django view through the same middleware).
3. Floor phase: every user requests the floor. Mixed phase: every user, with its own account and session,
   reads the QPV list, a QPV fiche, a contract page, a resource search, the GUP map JSON and the network page,
   and writes: a GUP report, a registration to a meeting (then its cancellation), a commitment measurement.
4. One-page phases: every user requests one read page only, for each page in turn (--seule seconds): the
   page's own throughput and p95, comparable with the floor's (in the mixed phase every page waits in the same
   queue, so there the latencies are alike). They run in --tours rounds, each round measuring the floor again
   just before its pages: a page is compared with the floor of its own round, and the median over the rounds
   is printed. This machine has slow spells of tens of seconds (the same page, 5 then 10 ms); a single floor
   at the start compared a page met in such a spell with a floor that was not.
5. Prints per page: requests, throughput, p50/p95, errors, and throughput and p95 as a ratio to the floor;
   then the goal of issue 13 (every page alone ≥ 10 % of the floor's throughput), met or not, and checks
   0 errors and no lost write (rows added = write requests that succeeded). Exit code 1 on an error or a lost
   write (the goal is printed, not enforced: a figure of a noisy machine).

Plain Python threads and http.client (no extra dependency): each virtual user waits for its answer before
sending the next request, like a browser tab.
"""

import argparse
import http.client
import itertools
import json
import os
import platform
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DEMO_DIR = ROOT / "var" / "bench-load"
CSRF = "benchcsrftokenbenchcsrftoken0123"  # 32 characters: Django accepts it as the cookie and the form token
READ_WEIGHT = 85  # out of 100 actions; the rest are writes, in turn report / registration / measurement
GOAL = 0.10  # issue 13: every page alone serves at least 10 % of the floor's throughput


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--utilisateurs", type=int, default=50, help="utilisateurs simultanés (défaut 50)")
    parser.add_argument("--duree", type=float, default=120, help="durée de la phase mixte en secondes (défaut 120)")
    parser.add_argument("--plancher", type=float, default=30, help="durée de la mesure du plancher (défaut 30)")
    parser.add_argument(
        "--seule",
        type=float,
        default=5,
        help="puis chaque page de lecture seule, en secondes par tour (défaut 5 ; 0 : non)",
    )
    parser.add_argument(
        "--tours", type=int, default=3, help="tours des pages seules, chacun avec son plancher (défaut 3)"
    )
    parser.add_argument("--port", type=int, default=8201)
    parser.add_argument("--workers", type=int, default=2, help="workers gunicorn (défaut 2)")
    parser.add_argument("--demo", type=Path, default=DEMO_DIR, help="dossier de la base de démo à copier")
    return parser.parse_args(argv)


def env_for(folder):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.load.settings",
        "DEBUG": "false",
        "SECRET_KEY": "bench-load-secret-key-not-for-production-0123456789-abcdefghij",
        "DATABASE_URL": f"sqlite:///{folder / 'demo.sqlite3'}",
        "QUARTIERS_VAR_DIR": str(folder),
        "MEDIA_ROOT": str(folder / "media"),
        "LOG_LEVEL": "ERROR",
    }


def ensure_demo(folder):
    if (folder / "demo.sqlite3").exists():
        return
    print(f"Base de démo absente : construction dans {folder} (quartiers migrate + quartiers demo)…", flush=True)
    folder.mkdir(parents=True, exist_ok=True)
    env = {**env_for(folder), "DJANGO_SETTINGS_MODULE": "quartiers.settings", "DEBUG": "true"}
    for command in (["migrate", "-v0"], ["demo"]):
        subprocess.run([str(BIN / "quartiers"), *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def copy_demo(source, target):
    with subprocess.Popen(
        [sys.executable, "-c", "import sqlite3,sys; sqlite3.connect(sys.argv[1]).backup(sqlite3.connect(sys.argv[2]))"]
        + [str(source / "demo.sqlite3"), str(target / "demo.sqlite3")]
    ) as proc:
        proc.wait()
    if (source / "media").is_dir():
        shutil.copytree(source / "media", target / "media")


def django_json(env, *args):
    done = subprocess.run(
        [sys.executable, "-m", "bench.load.prepare", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        sys.exit(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def start_gunicorn(env, port, workers, folder):
    log = open(folder / "gunicorn.log", "w")  # noqa: SIM115 (kept open for the server's life)
    proc = subprocess.Popen(
        [str(BIN / "gunicorn"), "quartiers.wsgi:application", "-w", str(workers), "-b", f"127.0.0.1:{port}"]
        + ["--timeout", "120", "--backlog", "2048"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _, _ = request(port, "GET", "/sante/")
            if status == 200:
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    sys.exit(f"gunicorn ne répond pas : voir {folder / 'gunicorn.log'}")


def request(port, method, path, session=None, form=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Host": "127.0.0.1", "Cookie": f"csrftoken={CSRF}" + (f"; sessionid={session}" if session else "")}
    body = None
    if form is not None:
        body = urlencode({**form, "csrfmiddlewaretoken": CSRF})
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("Location", ""), response
    finally:
        conn.close()


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = defaultdict(list)
        self.errors = defaultdict(list)
        self.writes_ok = defaultdict(int)

    def wrote(self, kind, ok):
        with self.lock:
            self.writes_ok[kind] += ok

    def add(self, page, seconds, error=None):
        with self.lock:
            self.latencies[page].append(seconds)
            if error:
                self.errors[page].append(error)


def timed(recorder, page, port, method, path, session, form=None, expect=200, location_not=None):
    start = time.perf_counter()
    try:
        status, location, _ = request(port, method, path, session, form)
        error = None
        if status != expect:
            error = f"HTTP {status}"
        elif location_not and location.split("?")[0].endswith(location_not):
            error = f"refusé ({location})"
    except OSError as exc:
        error = f"{type(exc).__name__}: {exc}"
    recorder.add(page, time.perf_counter() - start, error)
    return error is None


class VirtualUser(threading.Thread):
    days = itertools.count()  # measurement dates: one per write, never twice (one value per indicator and date)
    days_lock = threading.Lock()

    def __init__(self, index, session, plan, port, recorder, stop, only):
        super().__init__(daemon=True)
        self.index, self.session, self.plan, self.port = index, session, plan, port
        self.recorder, self.stop, self.only = recorder, stop, only  # only: (page, path) for a one-page phase
        self.random = random.Random(index)
        self.registered = False
        self.writes = itertools.cycle(["report", "registration", "measurement"])
        for _ in range(index % 3):
            next(self.writes)

    def run(self):
        while not self.stop.is_set():
            if self.only:
                timed(self.recorder, self.only[0], self.port, "GET", self.only[1], self.session)
            elif self.random.randrange(100) < READ_WEIGHT:
                page, path = self.random.choice(list(self.plan["reads"].items()))
                timed(self.recorder, page, self.port, "GET", path, self.session)
            else:
                self.write(next(self.writes))

    def write(self, kind):
        writes, rec = self.plan["writes"], self.recorder
        if kind == "report":
            ok = timed(rec, "Signalement GUP (écriture)", self.port, "POST", writes["report"]["url"], self.session,
                       writes["report"]["data"], expect=302, location_not=writes["report"]["url"])  # fmt: skip
            rec.wrote("report", ok)
        elif kind == "registration" and writes["register"]:
            url = writes["unregister"] if self.registered else writes["register"]
            ok = timed(rec, "Inscription rencontre (écriture)", self.port, "POST", url, self.session, {}, expect=302)
            self.registered ^= ok
            rec.wrote("registration_events", ok)
        elif kind == "measurement":
            with self.days_lock:
                day = date.fromisoformat(writes["measurement_first_day"]) + timedelta(days=next(self.days))
            form = {"measured_on": day.strftime("%d/%m/%Y"), "value": str(self.index), "comment": "bench"}
            ok = timed(rec, "Mesure d'engagement (écriture)", self.port, "POST", writes["measurement"], self.session,
                       form, expect=302)  # fmt: skip
            rec.wrote("measurement", ok)


def phase(plan, port, users, seconds, only=None):
    recorder, stop = Recorder(), threading.Event()
    threads = [VirtualUser(i, plan["sessions"][i], plan, port, recorder, stop, only) for i in range(users)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    return recorder, time.perf_counter() - start


def solo_rounds(plan, args, errors):
    """{page: [(throughput / floor, p95 / floor) per round]}: each round measures the floor, then every page."""
    ratios = defaultdict(list)
    for number in range(1, args.tours + 1):
        print(f"Tour {number}/{args.tours} : plancher puis chaque page seule ({args.seule:.0f} s chacune)…", flush=True)
        floor, seconds = phase(plan, args.port, args.utilisateurs, args.seule, ("Plancher", plan["floor"]))
        errors[f"Plancher (tour {number})"] = floor.errors["Plancher"]
        floor_rps, floor_p95 = len(floor.latencies["Plancher"]) / seconds, percentile(floor.latencies["Plancher"], 0.95)
        for page, path in plan["reads"].items():
            rec, seconds = phase(plan, args.port, args.utilisateurs, args.seule, (page, path))
            rps, p95 = len(rec.latencies[page]) / seconds, percentile(rec.latencies[page], 0.95)
            ratios[page].append((rps / floor_rps, p95 / floor_p95))
            errors[f"{page} (seule, tour {number})"] = rec.errors[page]
    return ratios


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))] if ordered else float("nan")


def report(floor, floor_time, mixed, mixed_time, solos):
    floor_rps = len(floor.latencies["Plancher"]) / floor_time
    floor_p95 = percentile(floor.latencies["Plancher"], 0.95)
    header = f"{'page':34} {'req.':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'err.':>5}"
    header += f" {'débit/plancher':>15} {'p95/plancher':>13} {'seule : débit':>14} {'seule : p95':>12}"
    print(header)
    print("-" * len(header))
    rows = [("Plancher", floor.latencies["Plancher"], floor.errors["Plancher"], floor_time)]
    rows += [(page, lat, mixed.errors[page], mixed_time) for page, lat in sorted(mixed.latencies.items())]
    for page, latencies, errors, seconds in rows:
        rps = len(latencies) / seconds
        p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
        solo = solos.get(page)
        solo_text = (
            f"{median(r for r, _ in solo) * 100:13.1f}% {median(p for _, p in solo):11.1f}×"
            if solo
            else f"{'—':>14} {'—':>12}"
        )
        print(
            f"{page:34} {len(latencies):6d} {rps:7.1f} {p50 * 1000:8.0f} {p95 * 1000:8.0f} {len(errors):5d} "
            f"{rps / floor_rps * 100:14.1f}% {p95 / floor_p95:12.1f}× {solo_text}"
        )
    total = sum(len(v) for v in mixed.latencies.values())
    print(f"Phase mixte : {total} requêtes en {mixed_time:.0f} s, {total / mixed_time:.1f} req/s au total.")
    print(
        "(débit/plancher et p95/plancher : la page dans la phase mixte, rapportée au plancher ; « seule » : la page"
        " demandée seule par tous les utilisateurs pendant --seule secondes, débit et p95 rapportés au plancher"
        " mesuré juste avant, dans le même tour ; médiane des tours.)"
    )
    if solos:
        print_rounds(solos)


def print_rounds(solos):
    for page, rounds in solos.items():
        print(f"  {page:32} seule, débit / plancher par tour : " + " ; ".join(f"{r * 100:.1f} %" for r, _ in rounds))
    below = [page for page, rounds in solos.items() if median(r for r, _ in rounds) < GOAL]
    verdict = "atteint" if not below else "non atteint (" + ", ".join(below) + ")"
    print(f"Objectif de l'issue 13, chaque page seule ≥ {GOAL * 100:.0f} % du débit du plancher : {verdict}.")


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    ensure_demo(args.demo)
    with tempfile.TemporaryDirectory(prefix="quartiers-bench-load-") as tmp:
        folder = Path(tmp)
        copy_demo(args.demo, folder)
        env = env_for(folder)
        plan = django_json(env, "plan", str(args.utilisateurs))
        cpus = os.cpu_count()
        print(
            f"Machine : {platform.node()} — {cpus} cœur(s), {platform.python_implementation()} "
            f"{platform.python_version()}, charge {os.getloadavg()[0]:.1f} ; gunicorn {args.workers} workers (sync), "
            f"SQLite, DEBUG=false ; {args.utilisateurs} utilisateurs simultanés."
        )
        server = start_gunicorn(env, args.port, args.workers, folder)
        try:
            print(f"Plancher ({args.plancher:.0f} s)…", flush=True)
            floor, floor_time = phase(plan, args.port, args.utilisateurs, args.plancher, ("Plancher", plan["floor"]))
            print(f"Phase mixte ({args.duree:.0f} s)…", flush=True)
            mixed, mixed_time = phase(plan, args.port, args.utilisateurs, args.duree)
            solos = solo_rounds(plan, args, mixed.errors) if args.seule > 0 else {}
        finally:
            server.terminate()
            server.wait(timeout=30)
        after = django_json(env, "count")
        print()
        report(floor, floor_time, mixed, mixed_time, solos)
        return check(plan["counts"], after, mixed, floor, folder)


def check(before, after, mixed, floor, folder):
    failed = False
    errors = {page: errs for rec in (floor, mixed) for page, errs in rec.errors.items() if errs}
    if errors:
        failed = True
        for page, errs in errors.items():
            print(f"ERREURS {page} : {len(errs)} (ex. : {', '.join(sorted(set(errs))[:3])})")
    print("Écritures (lignes ajoutées / requêtes réussies) :")
    for key, label in (
        ("report", "signalements GUP"),
        ("registration_events", "inscriptions + désinscriptions"),
        ("measurement", "valeurs mesurées"),
    ):
        added, succeeded = after[key] - before[key], mixed.writes_ok[key]
        lost = added != succeeded
        failed |= lost
        print(f"  {label:32} {added:6d} / {succeeded:6d}  {'PERDUES' if lost else 'ok'}")
    print("RÉSULTAT : " + ("ÉCHEC" if failed else "0 erreur, aucune écriture perdue"))
    return 1 if failed else 0


if __name__ == "__main__":
    socket.setdefaulttimeout(120)
    sys.exit(main())
