"""An uploaded programming file waiting for its column mapping: kept on disk (never in the database) under
MEDIA_ROOT/programmation/imports/<token>/, with who uploaded it and for which contract. Only that person (and the
administrators) may map and import it; the report's rejected rows are kept beside it for their CSV export."""

import json
import shutil
import uuid
from pathlib import Path

from django.conf import settings

from quartiers.core.permissions import is_admin

SOURCE = "source"
META = "meta.json"


def root():
    return Path(settings.MEDIA_ROOT) / "programmation" / "imports"


def save(user, contract, name, data):
    token = str(uuid.uuid4())
    folder = root() / token
    folder.mkdir(parents=True)
    (folder / SOURCE).write_bytes(data)
    meta = {"owner": user.pk, "contract": contract.pk, "filename": name}
    (folder / META).write_text(json.dumps(meta), encoding="utf-8")
    return token


def load(user, token):
    """(meta, bytes) of the pending file, or None when it does not exist or is someone else's."""
    folder = root() / str(token)
    try:
        meta = json.loads((folder / META).read_text(encoding="utf-8"))
        data = (folder / SOURCE).read_bytes()
    except (OSError, ValueError):
        return None
    if meta.get("owner") != getattr(user, "pk", None) and not is_admin(user):
        return None
    return meta, data


def remember(token, key, value):
    """Keep `value` (JSON) beside the file: the last mapping, the rejected rows of the last import."""
    folder = root() / str(token)
    meta = json.loads((folder / META).read_text(encoding="utf-8"))
    meta[key] = value
    (folder / META).write_text(json.dumps(meta), encoding="utf-8")


def drop(token):
    shutil.rmtree(root() / str(token), ignore_errors=True)
