"""Limits on failed sign-in attempts, counted in the cache, that cannot be used to lock someone out.

A lock-out per account alone hands a denial of service to anyone who knows a colleague's
username: a few wrong passwords and the right one is refused too. So failures are counted three
ways, and each count refuses only what it is about:

* per account *and* client address, strictly: guessing one person's secret from one place stops
  quickly, while the owner signing in from their own address is not affected;
* per client address: one place trying many accounts stops (set higher, because an office or a
  depot shares one address);
* per account, with a far higher ceiling: a guess spread over many addresses stops too. Once it
  is reached, only addresses the account signed in from successfully in the last
  ``KNOWN_ADDRESS_DAYS`` days may still try, so the owner keeps signing in from where they
  usually do.

Each count is a fixed window that starts at the first failure. ``cache.add`` then ``incr`` is
atomic on Redis and in local memory, so processes that share a Redis cache share the counts. The
client address is the socket's (``REMOTE_ADDR``); uvicorn sets it from ``X-Forwarded-For`` only
for a proxy listed in ``FORWARDED_ALLOW_IPS`` (docs/deploy.md), so a client cannot pick its own.
"""

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest

KNOWN_ADDRESS_DAYS = 30


def client_address(request: HttpRequest) -> str:
    """The client's IP address, trusting proxies exactly as the sign-in page (allauth) does."""
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter(request).get_client_ip(request) or "unknown"
    except Exception:  # a misconfigured proxy count raises; fall back to the socket's address
        return str(request.META.get("REMOTE_ADDR") or "unknown")


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class FailureLimit:
    """Within ``window_seconds``: at most ``per_account_address`` failures for one account from
    one client address, ``per_address`` from one address, and ``per_account`` for one account
    from addresses it has not signed in from lately. ``scope`` keeps the counts of different
    forms apart. The account is the name typed in (username or email), case-insensitive."""

    scope: str
    per_account_address: int
    per_account: int
    per_address: int
    window_seconds: int

    def _keys(self, request: HttpRequest, account: str) -> tuple[str, str, str, str]:
        name = _digest(account.strip().casefold())
        address = _digest(client_address(request))
        return (
            f"{self.scope}:pair:{name}:{address}",
            f"{self.scope}:addr:{address}",
            f"{self.scope}:user:{name}",
            f"{self.scope}:known:{name}:{address}",
        )

    def is_reached(self, request: HttpRequest, account: str) -> bool:
        """True when this client may not try ``account`` now (even with the right secret)."""
        pair, address, user, known = self._keys(request, account)
        counts = cache.get_many([pair, address, user, known])
        if counts.get(pair, 0) >= self.per_account_address:
            return True
        if counts.get(address, 0) >= self.per_address:
            return True
        return counts.get(user, 0) >= self.per_account and not counts.get(known)

    def record_failure(self, request: HttpRequest, account: str) -> None:
        for key in self._keys(request, account)[:3]:
            cache.add(key, 0, timeout=self.window_seconds)
            try:
                cache.incr(key)
            except ValueError:  # expired between add() and incr()
                cache.set(key, 1, timeout=self.window_seconds)

    def record_success(self, request: HttpRequest, account: str) -> None:
        """Forget this client's failures for the account (its own typos) and remember the
        address as one the account signs in from. The address and account counts stay: the
        address may be guessing at others, and the account may be under attack elsewhere."""
        pair, _, _, known = self._keys(request, account)
        cache.delete(pair)
        cache.set(known, 1, timeout=KNOWN_ADDRESS_DAYS * 24 * 60 * 60)


# Password checks (the sign-in page and the API's token exchange share these counts, so using
# both does not double a guesser's budget). About 5 guesses per account per address and 30 per
# address per quarter of an hour; 50 per account from unknown addresses, i.e. under 5,000 a day
# however many addresses guess.
PASSWORD_FAILURES = FailureLimit(
    scope="password-failures",
    per_account_address=5,
    per_account=50,
    per_address=30,
    window_seconds=15 * 60,
)
