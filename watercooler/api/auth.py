"""API authentication: a personal bearer token, or the browser's session (with CSRF)."""

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from watercooler.core.models import SiteSettings
from watercooler.people.actions import authenticate_api_token


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = authenticate_api_token(token)
        if user is not None:
            request.user = user
        return user


class ActiveSessionAuth(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        return user if user.is_authenticated and user.is_active else None


def mfa_missing(user: Any) -> bool:
    """True when the organisation requires two-factor authentication and ``user`` has none."""
    return (
        SiteSettings.load().require_mfa
        and not user.authenticator_set.filter(type="totp").exists()
    )


api_auth = [TokenAuth(), ActiveSessionAuth()]
