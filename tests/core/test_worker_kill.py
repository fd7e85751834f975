"""A real `quartiers worker` killed with SIGKILL in the middle of a job, then a worker started again.

The job must end — resumed to completion (resumable handlers: the batch eligibility) or failed with a clear
French message (the territories import) — never stay « en cours »; and nothing half-written may be visible.

Each scenario runs on its own SQLite file (a copy of the migrated test database), with subprocesses only:
the test reads the job's row with the sqlite3 module, as an outside observer would.
"""

import csv
import io
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
QUARTIERS = Path(sys.executable).parent / "quartiers"
STALE_SECONDS = 3  # the workers of this test recover a silent job after 3 s (production: 120 s)
BATCH_ROWS = 150_000
IMPORT_QPVS = 8000


# ---- run inside the subprocesses (after django.setup()) ----


def setup_batch(rows):
    """The world, the test outlines, an uploaded file of `rows` points and its queued eligibility job."""
    from quartiers.eligibility import batch
    from tests.geocoding.outlines import INSIDE_SQUARE, load_test_outlines
    from tests.world import build_world

    owner = build_world().users["chef"]
    load_test_outlines()
    token = str(uuid.uuid4())
    folder = batch.root() / token
    folder.mkdir(parents=True)
    lines = ["id;longitude;latitude"]
    for i in range(rows):
        lon, lat = INSIDE_SQUARE if i % 2 == 0 else (-30.0, 45.0)  # every other point in the test QPV
        lines.append(f"{i};{lon};{lat}")
    (folder / "points.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    meta = {
        "owner": owner.pk,
        "filename": "points.csv",
        "source": "points.csv",
        "size": (folder / "points.csv").stat().st_size,
        "rows": rows,
        "headers": ["id", "longitude", "latitude"],
        "encoding": "utf-8",
        "delimiter": ";",
        "created": time.time(),
    }
    job = batch.start(token, meta, {"lon": "longitude", "lat": "latitude"}, 2024, owner)
    return str(job.pk)


def setup_import(qpvs):
    """A GeoJSON of `qpvs` invented QPVs (département 99, codes QNT…) queued as an import from the admin page."""
    from django.conf import settings

    from quartiers.core import jobs
    from quartiers.territories import jobs as territories_jobs  # noqa: F401 (registers the handler, as the view does)
    from quartiers.territories.models import QPV
    from tests.geocoding.outlines import test_departement
    from tests.world import build_world

    world = build_world()
    test_departement()
    features = []
    for i in range(qpvs):
        x, y = 1.0 + (i % 60) * 0.01, 45.0 + (i // 60) * 0.01
        ring = [[x, y], [x + 0.008, y], [x + 0.008, y + 0.008], [x, y + 0.008], [x, y]]
        features.append(
            {
                "type": "Feature",
                "properties": {"code_qp": f"QNT{i:05d}", "lib_qp": f"Quartier de test {i}", "departement": "99"},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    folder = Path(settings.MEDIA_ROOT) / "territoires" / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "qpv-test.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    params = {"path": str(path), "name": "qpv-test.geojson", "kind": "qpv", "generation": "2024", "source": "test"}
    job = jobs.enqueue("territories.import", owner=world.users["admin"], label="Import de test", params=params)
    return json.dumps({"job": str(job.pk), "qpvs_before": QPV.objects.count()})


# ---- the test side ----


class Instance:
    """A Quartiers instance on its own SQLite file and media folder, driven by subprocesses."""

    def __init__(self, folder, template):
        self.folder = folder
        self.db = folder / "quartiers.sqlite3"
        shutil.copy(template, self.db)
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "quartiers.settings",
            "DATABASE_URL": f"sqlite:///{self.db}",
            "QUARTIERS_VAR_DIR": str(folder / "var"),
            "MEDIA_ROOT": str(folder / "media"),
            "JOBS_STALE_SECONDS": str(STALE_SECONDS),
            "LOG_LEVEL": "ERROR",
        }
        self.workers = []

    def python(self, code):
        done = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup()\n{code}"],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout.strip().splitlines()[-1]

    def start_worker(self):
        log = open(self.folder / f"worker-{len(self.workers)}.log", "w")  # noqa: SIM115 (closed with the process)
        proc = subprocess.Popen([str(QUARTIERS), "worker"], cwd=ROOT, env=self.env, stdout=log, stderr=log)
        self.workers.append((proc, log))
        return proc

    def stop_workers(self):
        for proc, log in self.workers:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            log.close()

    def logs(self):
        return "\n".join((self.folder / f"worker-{i}.log").read_text()[-2000:] for i in range(len(self.workers)))

    def query(self, sql, params=()):
        with sqlite3.connect(self.db, timeout=30) as db:
            return db.execute(sql, params).fetchone()

    def job(self, job_id):
        row = self.query(
            "SELECT status, done, attempts, message, result_file, result FROM core_job WHERE id = ?",
            [uuid.UUID(job_id).hex],
        )
        return dict(zip(("status", "done", "attempts", "message", "result_file", "result"), row, strict=True))

    def wait_for(self, job_id, condition, timeout, what):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            job = self.job(job_id)
            if condition(job):
                return job
            time.sleep(0.05)
        pytest.fail(f"{what} : pas atteint en {timeout} s, tâche {self.job(job_id)}\n{self.logs()}")


@pytest.fixture
def template_db(tmp_path_factory, transactional_db):
    """A migrated, empty SQLite file: the test database copied (SQLite), or migrated afresh (PostgreSQL runs)."""
    from django.db import connection

    target = tmp_path_factory.mktemp("modele") / "modele.sqlite3"
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        return target
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "quartiers.settings", "DATABASE_URL": f"sqlite:///{target}"}
    subprocess.run([str(QUARTIERS), "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=600)
    return target


@pytest.fixture
def instance(tmp_path, template_db):
    inst = Instance(tmp_path, template_db)
    yield inst
    inst.stop_workers()


def _kill(proc):
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)


def test_killed_batch_geocoding_is_resumed_to_a_complete_result(instance):
    job_id = instance.python(f"from tests.core.test_worker_kill import setup_batch; print(setup_batch({BATCH_ROWS}))")
    worker = instance.start_worker()
    instance.wait_for(job_id, lambda j: j["done"] > 0, 120, "progression > 0")
    _kill(worker)
    at_kill = instance.job(job_id)
    assert at_kill["status"] == "en_cours", f"tâche finie avant l'arrêt forcé, agrandir le fichier : {at_kill}"
    assert 0 < at_kill["done"] < BATCH_ROWS
    time.sleep(1.5)
    assert instance.job(job_id)["done"] == at_kill["done"], "un processus survit au kill -9 du worker et continue"

    instance.start_worker()
    job = instance.wait_for(job_id, lambda j: j["status"] in ("termine", "echoue"), 240, "fin de la tâche reprise")
    assert job["status"] == "termine", job
    assert job["attempts"] == 2
    assert json.loads(job["result"])["summary"]["lignes"] == BATCH_ROWS
    # The result is whole: every row once, in order, with the right answer — no hole, no row twice.
    content = (instance.folder / "media" / job["result_file"]).read_bytes()
    assert b"\x00" not in content
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert [r["id"] for r in rows] == [str(i) for i in range(BATCH_ROWS)]
    assert {r["qpv_code"] for r in rows[0::2]} == {"QNTEST01"}
    assert {r["qpv_code"] for r in rows[1::2]} == {""}
    assert not list((instance.folder / "media").rglob("*.part"))


def test_killed_territories_import_fails_clearly_and_writes_nothing(instance):
    setup = json.loads(
        instance.python(f"from tests.core.test_worker_kill import setup_import; print(setup_import({IMPORT_QPVS}))")
    )
    job_id = setup["job"]
    worker = instance.start_worker()
    instance.wait_for(job_id, lambda j: j["status"] == "en_cours", 120, "import commencé")
    # Kill it while it writes: its uncommitted pages spill into SQLite's write-ahead log, which grows.
    wal = instance.db.with_name(instance.db.name + "-wal")
    baseline = wal.stat().st_size if wal.exists() else 0
    deadline = time.monotonic() + 120
    while (wal.stat().st_size if wal.exists() else 0) < baseline + 512 * 1024 and time.monotonic() < deadline:
        time.sleep(0.005)
    _kill(worker)
    at_kill = instance.job(job_id)
    assert at_kill["status"] == "en_cours", f"import fini avant l'arrêt forcé, agrandir le fichier : {at_kill}"

    instance.start_worker()
    job = instance.wait_for(job_id, lambda j: j["status"] in ("termine", "echoue"), 120, "fin de l'import")
    assert job["status"] == "echoue", job
    assert "interrompu" in job["message"] and "relancez" in job["message"]
    # All or nothing: not one QPV of the file was written.
    assert instance.query("SELECT COUNT(*) FROM territories_qpv")[0] == setup["qpvs_before"]
    assert instance.query("SELECT COUNT(*) FROM territories_qpv WHERE code LIKE 'QNT0%'")[0] == 0
