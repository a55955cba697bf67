"""How to sign in, as ``manage.py serve`` says it when it starts.

The demo app knows its accounts and registers its help here from its ``ready`` (core may not
import the apps above it); without it the banner says how to create the first account.
"""

from collections.abc import Callable

FALLBACK = (
    "No demo data here. Create the first administrator with\n"
    "    .venv/bin/python manage.py createsuperuser\n"
    "then sign in at /accounts/login/ with that username and password."
)

# The registered helper: text read from the database, "" when it has nothing to say.
_helper: list[Callable[[], str]] = []


def register_sign_in_help(helper: Callable[[], str]) -> None:
    _helper[:] = [helper]


def sign_in_help() -> str:
    """The registered help, else ``FALLBACK``.

    Call it before the server starts: the helper reads the database, which is not allowed from
    inside the server's event loop.
    """
    if not _helper:
        return FALLBACK
    try:
        text = _helper[0]()
    except Exception as exc:  # the banner must never stop the server from starting
        return f"{FALLBACK}\n(The demo sign-in help failed: {exc!r})"
    return text.strip() or FALLBACK
