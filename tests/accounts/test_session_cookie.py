"""The session cookie in production: Secure, HttpOnly, SameSite=Lax, on a real response."""

import json

from tests.test_settings import _production, _run

LOGIN_COOKIE_SCRIPT = """
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.test import Client
from quartiers.accounts.models import User
User.objects.create_user("cookie@exemple.test", "un mot de passe solide 2019")
client = Client(HTTP_HOST="quartiers.example.org")
response = client.post(
    "/comptes/connexion/",
    {"username": "cookie@exemple.test", "password": "un mot de passe solide 2019"},
    secure=True,
)
morsel = response.cookies["sessionid"]
print(json.dumps({"status": response.status_code, "secure": bool(morsel["secure"]),
                  "httponly": bool(morsel["httponly"]), "samesite": morsel["samesite"]}))
"""


def test_production_session_cookie_is_secure_httponly_lax(tmp_path):
    result = _run(["-c", LOGIN_COOKIE_SCRIPT], _production(tmp_path))
    assert result.returncode == 0, result.stderr[-2000:]
    cookie = json.loads(result.stdout.strip().splitlines()[-1])
    assert cookie == {"status": 302, "secure": True, "httponly": True, "samesite": "Lax"}
