"""The tokens made while ApiToken lived in core survive its move to accounts (same rows, same keys), with every
scope of their holder (what they had)."""

import hashlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0003_roles_and_pending_memberships"), ("core", "0003_dataversion")]


@pytest.mark.django_db(transaction=True)
def test_tokens_are_kept_when_the_model_moves_to_accounts(client):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    User = old_apps.get_model("accounts", "User")
    OldToken = old_apps.get_model("core", "ApiToken")
    user = User.objects.create(email="ancien@exemple.test", password="!", is_active=True)
    OldToken.objects.create(user=user, label="tableur", key_hash=hashlib.sha256(b"ancienne-cle").hexdigest())

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from quartiers.accounts.models import ApiToken

    token = ApiToken.objects.get(label="tableur")
    assert token.user.email == "ancien@exemple.test" and token.scopes["contracts"] == "write"
    assert client.get("/api/jetons/moi", HTTP_AUTHORIZATION="Token ancienne-cle").json()["libelle"] == "tableur"
