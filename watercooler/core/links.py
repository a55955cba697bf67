"""Paths of named URL patterns that take one argument, reversed once per process.

``{% url %}`` resolves the pattern on every call (~25 µs here); a feed page of 20 cards made
~180 such calls, a tenth of the page's time (docs/performance.md). ``path_to`` reverses each name
once with a marker argument and then only substitutes, quoting the argument as ``reverse`` does.
The argument is not checked against the pattern's converter: callers pass primary keys and
usernames read from the database.
"""

import functools
from urllib.parse import quote

from django.urls import get_script_prefix, reverse
from django.utils.http import RFC3986_SUBDELIMS

# Digits, so every converter (int, slug, str) accepts it; long enough never to occur in a path.
_MARKER = "90817263544536271809"


@functools.cache
def _halves(name: str, prefix: str) -> tuple[str, str]:
    path = reverse(name, args=[_MARKER])
    if path.count(_MARKER) != 1:
        raise ValueError(f"{name!r} is not a pattern with one argument")
    before, _, after = path.partition(_MARKER)
    return before, after


def path_to(name: str, arg: int | str) -> str:
    """``reverse(name, args=[arg])``, without resolving the pattern again."""
    before, after = _halves(name, get_script_prefix())
    return f"{before}{quote(str(arg), safe=RFC3986_SUBDELIMS + '/~:@')}{after}"
