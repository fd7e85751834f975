"""Typed API of accounts: what the token in use is (its scopes, its use count)."""

from datetime import datetime

from ninja import Router, Schema

from quartiers.core.api_ninja import ERRORS

PREFIX = "api/jetons/"
router = Router(tags=["Jetons"])


class TokenOut(Schema):
    libelle: str | None
    type: str
    organisation: str | None
    portees: dict[str, str]
    utilisations: int
    dernier_usage: datetime | None
    utilisateur: str


@router.get("moi", response={200: TokenOut, **ERRORS}, url_name="token_me", summary="Le jeton utilisé (ou la session)")
def token_me(request):
    """Le jeton de la requête : libellé, portées, nombre d'utilisations (celle-ci comprise)."""
    token = getattr(request.auth, "api_token", None)
    if token is None:
        return {
            "libelle": None,
            "type": "session",
            "organisation": None,
            "portees": {},
            "utilisations": 0,
            "dernier_usage": None,
            "utilisateur": request.auth.display_name,
        }
    return {
        "libelle": token.label,
        "type": "service" if token.is_service else "personnel",
        "organisation": str(token.organisation) if token.organisation else None,
        "portees": token.scopes,
        "utilisations": token.use_count,
        "dernier_usage": token.last_used_at,
        "utilisateur": token.user.display_name,
    }
