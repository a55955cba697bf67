"""API authentication: a personal bearer token, or the browser's session (with CSRF). Exchanging a
password for a token is the people app's (``people.credentials``)."""

from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth

from watercooler.core.middleware import mfa_missing
from watercooler.people.actions import authenticate_api_token
from watercooler.people.credentials import MfaRequired


class TokenAuth(HttpBearer):
    """``Authorization: Bearer wc_…`` with a personal token (see ``POST /auth/token``)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = authenticate_api_token(token)
        if user is None:
            return None
        if mfa_missing(user):
            raise MfaRequired
        request.user = user
        return user


class ActiveSessionAuth(SessionAuth):
    """The browser's signed-in session; unsafe methods need the CSRF token (``X-CSRFToken``).

    Without a signed-in session this answers "not authenticated" before looking at CSRF, so an
    anonymous or wrong-token call gets 401 rather than a confusing CSRF 403.
    """

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        try:
            return super().__call__(request)
        except HttpError as exc:
            if exc.status_code == 403:
                raise HttpError(
                    403,
                    "CSRF check failed: send the csrftoken cookie's value in an X-CSRFToken"
                    " header, or use a bearer token.",
                ) from None
            raise

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if not (user.is_authenticated and user.is_active):
            return None
        if mfa_missing(user):
            raise MfaRequired
        return user


api_auth = [TokenAuth(), ActiveSessionAuth()]
