"""Websocket authentication by personal API token: ``/ws/?token=wc_…``.

Browsers send the session cookie, which Channels' ``AuthMiddlewareStack`` (in ``asgi.py``) turns
into ``scope["user"]``. Scripts and other clients cannot set cookies or headers on every websocket
library, so they may pass a personal API token in the query string instead. When a ``token``
parameter is present it decides alone: a wrong, revoked or deactivated token leaves the socket
anonymous (and the consumer closes it with 4401) even if a session cookie came along.

Tokens in URLs can end up in proxy logs; docs/events.md says so and recommends the cookie for
browsers. The token is never logged here.
"""

from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from django.contrib.auth.models import AnonymousUser

from watercooler.people.actions import authenticate_api_token
from watercooler.people.models import ApiToken

MAX_TOKEN_LENGTH = 200


def token_from_scope(scope: dict[str, Any]) -> str | None:
    """The ``token`` query parameter, or None when there is none."""
    query = scope.get("query_string", b"").decode("latin1")
    values = parse_qs(query, keep_blank_values=True).get("token")
    if not values:
        return None
    return values[-1]


@database_sync_to_async
def _user_for_token(token: str) -> Any:
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
