"""Websocket authentication by personal API token: ``/ws/?token=wc_…``.

Browsers send the session cookie, which Channels' ``AuthMiddlewareStack`` (in ``asgi.py``) turns
into ``scope["user"]``. Scripts and other clients cannot set cookies or headers on every websocket
library, so they may pass a personal API token in the query string instead. When a ``token``
parameter is present it decides alone: a wrong, revoked or deactivated token leaves the socket
anonymous (and the consumer closes it with 4401) even if a session cookie came along.

Tokens in URLs can end up in proxy logs; docs/events.md says so and recommends the cookie for
browsers. The token is never logged here.

``SessionOriginValidator`` wraps everything: the browser's ``Origin`` check protects cookie
sessions from other sites' pages (a cookie comes along with any page's socket), so a socket
without a token must present an allowed Origin. A socket with a token skips the check: the token
is the credential, the cookie is then ignored, and scripts and apps send no Origin at all.
"""

from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.security.websocket import AllowedHostsOriginValidator, WebsocketDenier
from django.contrib.auth.models import AnonymousUser

from watercooler.people.actions import authenticate_api_token
from watercooler.people.models import ApiToken, User

MAX_TOKEN_LENGTH = 200


def token_from_scope(scope: dict[str, Any]) -> str | None:
    """The ``token`` query parameter, or None when there is none."""
    query: str = scope.get("query_string", b"").decode("latin1")
    values = parse_qs(query, keep_blank_values=True).get("token")
    if not values:
        return None
    return values[-1]


@database_sync_to_async  # type: ignore[untyped-decorator]  # channels ships no types
def _user_for_token(token: str) -> User | None:
    if len(token) > MAX_TOKEN_LENGTH:
        return None
    return authenticate_api_token(token)


class TokenAuthMiddleware:
    """Sets ``scope["user"]`` (and ``scope["auth"] = "token"``) from ``?token=``."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        token = token_from_scope(scope)
        if token is None:
            return await self.app({**scope, "auth": "session"}, receive, send)
        user = await _user_for_token(token)
        return await self.app(
            {
                **scope,
                "user": user or AnonymousUser(),
                "auth": "token",
                # Kept to notice a revoked token later; the token itself is not kept.
                "token_hash": ApiToken.hash(token),
            },
            receive,
            send,
        )


class SessionOriginValidator:
    """Refuses (403) a socket that would be authenticated by its session cookie unless it
    presents an Origin header naming an allowed host; passes a socket carrying ``?token=``."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.checked = AllowedHostsOriginValidator(app)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        # The same test as TokenAuthMiddleware's: whenever we skip the check, it ignores cookies.
        if token_from_scope(scope) is not None:
            return await self.app(scope, receive, send)
        if not any(name == b"origin" for name, _ in scope.get("headers", [])):
            # Allowed hosts "*" lets a missing Origin through; a cookie session never gets it.
            return await WebsocketDenier()(scope, receive, send)
        return await self.checked(scope, receive, send)
