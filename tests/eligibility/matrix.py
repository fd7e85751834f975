"""Eligibility pages and API × the six users.

Decision: the single lookups (address, point, completion, API) are open to everyone, like the national map
site (a resident may check their own address; nothing is stored). The batch handles beneficiaries' personal
data: any logged-in user may run one, and only its owner (and administrators) may see or download it.
"""

import json
import time
import uuid

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from quartiers.core.models import Job
from tests.permission_matrix import LOGIN, PUBLIC, Case, expect

MEMBERS = expect(LOGIN, 200, 200, 200, 200, 200)
OWNER_ONLY = expect(LOGIN, 404, 404, 404, 200, 200)


def _upload_of_chef(w):
    from quartiers.eligibility import batch

    token = str(uuid.uuid4())
    folder = batch.root() / token
    folder.mkdir(parents=True)
    (folder / "source.csv").write_bytes("adresse;cp\n12 rue du Carré;99100\n".encode())
    meta = {
        "owner": w.users["chef"].pk,
        "filename": "b.csv",
        "source": "source.csv",
        "size": 33,
        "rows": 1,
        "headers": ["adresse", "cp"],
        "encoding": "utf-8",
        "delimiter": ";",
        "created": time.time(),
    }
    (folder / "meta.json").write_text(json.dumps(meta))
    return [token]


def _job_of_chef(w, done=False):
    from quartiers.eligibility import batch

    job = Job.objects.create(kind=batch.JOB_KIND, label="Éligibilité de test", owner=w.users["chef"], params={})
    if done:
        folder = batch.root() / str(uuid.uuid4())
        folder.mkdir(parents=True)
        (folder / "resultat.csv").write_bytes(b"\xef\xbb\xbfadresse;qpv_code\r\n")
        job.finish(
            result={"summary": {}, "filename": "b.csv"},
            result_file=str((folder / "resultat.csv").relative_to(settings.MEDIA_ROOT)),
        )
    return [job.pk]


def _upload_data(w):
    return {"fichier": SimpleUploadedFile("adresses.csv", b"adresse;cp\n1 rue Loin;99200\n", "text/csv")}


CASES = [
    Case("eligibility:lookup", PUBLIC),
    Case("eligibility:lookup", PUBLIC, query="?q=", label="GET eligibility:lookup vide"),
    Case("eligibility:complete", PUBLIC, query="?q=rue"),
    Case("eligibility:point", PUBLIC, query="?lon=1.85&lat=50.95"),
    Case("eligibility:batch", MEMBERS),
    Case(
        "eligibility:batch",
        expect(LOGIN, 302, 302, 302, 302, 302),
        method="post",
        data=_upload_data,
        label="POST eligibility:batch (dépôt)",
    ),
    Case("eligibility:batch_sample", MEMBERS),
    Case("eligibility:batch_mapping", OWNER_ONLY, args=_upload_of_chef),
    Case(
        "eligibility:batch_mapping",
        expect(LOGIN, 404, 404, 404, 302, 302),
        args=_upload_of_chef,
        method="post",
        data={"adresse": "adresse", "code_postal": "cp"},
        label="POST eligibility:batch_mapping (lancement)",
    ),
    Case("eligibility:batch_detail", OWNER_ONLY, args=_job_of_chef),
    Case("eligibility:batch_download", OWNER_ONLY, args=lambda w: _job_of_chef(w, done=True)),
    Case("api:api_eligibilite_point", PUBLIC, query="?lon=1.85&lat=50.95"),
    Case(
        "api:api_eligibilite_adresse",
        expect(400, 400, 400, 400, 400, 400),
        query="?q=",
        label="GET api_eligibilite_adresse sans adresse (ouvert à tous)",
    ),
]

# The typed API (quartiers/eligibility/api_routes.py), by session here (tokens: test_api_tokens.py).
API_MEMBERS = expect(401, 200, 200, 200, 200, 200)
API_OWNER_ONLY = expect(401, 404, 404, 404, 200, 200)
CASES += [
    Case("api:eligibility_check", API_MEMBERS, query="?lon=1.85&lat=50.95"),
    Case("api:eligibility_batches", expect(401, 202, 202, 202, 202, 202), method="post", data=_upload_data),
    Case("api:eligibility_batch", API_OWNER_ONLY, args=_job_of_chef),
    Case("api:eligibility_batch_result", API_OWNER_ONLY, args=lambda w: _job_of_chef(w, done=True)),
]
