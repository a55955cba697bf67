"""Limits on failed sign-in attempts, counted in the cache per username and per client address.

The per-username count stops guessing one person's secret; the per-address count, set higher
because an office or a depot shares one address, stops trying many usernames from one place.
Each count is a fixed window that starts at the first failure. ``cache.add`` then ``incr`` is
atomic on Redis and in local memory, so processes that share a Redis cache share the counts.
"""

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's IP address, trusting proxies exactly as the sign-in page (allauth) does."""
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter(request).get_client_ip(request) or "unknown"
    except Exception:  # a misconfigured proxy count raises; fall back to the socket's address
        return str(request.META.get("REMOTE_ADDR") or "unknown")


@dataclass(frozen=True)
class FailureLimit:
    """At most ``per_username`` failures for one username and ``per_address`` from one client
    address within ``window_seconds``; ``scope`` keeps the counts of different forms apart."""

    scope: str
    per_username: int
    per_address: int
    window_seconds: int

    def _counters(self, request: HttpRequest, username: str) -> list[tuple[str, int]]:
        name = hashlib.sha256(username.strip().casefold().encode()).hexdigest()[:32]
        address = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
        return [
            (f"{self.scope}:user:{name}", self.per_username),
            (f"{self.scope}:addr:{address}", self.per_address),
        ]

    def is_reached(self, request: HttpRequest, username: str) -> bool:
        """True once this username or this address has failed too often in the window."""
        counters = self._counters(request, username)
        counts = cache.get_many([key for key, _ in counters])
        return any(counts.get(key, 0) >= limit for key, limit in counters)

    def record_failure(self, request: HttpRequest, username: str) -> None:
        for key, _ in self._counters(request, username):
            cache.add(key, 0, timeout=self.window_seconds)
            try:
                cache.incr(key)
            except ValueError:  # expired between add() and incr()
                cache.set(key, 1, timeout=self.window_seconds)

    def record_success(self, request: HttpRequest, username: str) -> None:
        """Forget the username's failures (the address keeps its count: it may be guessing)."""
        cache.delete(self._counters(request, username)[0][0])
