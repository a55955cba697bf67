"""The product's domain errors, their HTTP statuses, and turning validation errors into the
product's error shape.

Actions raise four kinds of error, and pages and the API map them to the same statuses:

* not found — Django's ``Http404`` (404): the object does not exist *or the reader may not know
  it exists*, so an outsider cannot tell the two apart;
* forbidden — Django's ``PermissionDenied`` (403): the reader may see it but not do this;
* conflict — ``Conflict`` (409): the request clashes with the current state (joined already,
  acknowledged already, the event was cancelled);
* invalid — Django's ``ValidationError`` (422), with messages per field: a person or a client
  always learns which field was wrong and why (``field_errors``; ``FieldErrors`` collects them).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404


class Conflict(Exception):
    """The change clashes with the current state (already a member, already reacted, the event
    has started...). The message says what is in the way."""


# The status each domain error answers with, on pages and in the API alike.
DOMAIN_ERROR_STATUS: dict[type[Exception], int] = {
    Http404: 404,
    PermissionDenied: 403,
    Conflict: 409,
    ValidationError: 422,
}


def status_of(error: Exception) -> int | None:
    """The HTTP status for a domain error (subclasses included), None for any other error."""
    for kind in type(error).__mro__:
        if kind in DOMAIN_ERROR_STATUS:
            return DOMAIN_ERROR_STATUS[kind]
    return None


class FieldErrors:
    """Collects every problem of a request before refusing it, so a person fixes all fields at
    once: ``errors.add("name", "...")`` or ``with errors.collect("name"): ...`` for each, then
    ``errors.raise_if_any()``."""

    def __init__(self) -> None:
        self.messages: dict[str, list[str]] = {}

    def add(self, field: str, *messages: str) -> None:
        self.messages.setdefault(field, []).extend(messages)

    def merge(self, error: ValidationError, *, field: str | None = None) -> None:
        """Add ``error``'s messages: all under ``field`` when given, else under their own."""
        for name, messages in messages_by_field(error).items():
            self.add(field or name, *messages)

    @contextmanager
    def collect(self, field: str | None = None) -> Iterator[None]:
        """Record a ``ValidationError`` raised inside the block instead of raising it."""
        try:
            yield
        except ValidationError as error:
            self.merge(error, field=field)

    def __contains__(self, field: str) -> bool:
        return field in self.messages

    def __bool__(self) -> bool:
        return bool(self.messages)

    def raise_if_any(self) -> None:
        if self.messages:
            raise ValidationError(self.messages)


def raise_field(field: str, message: str) -> NoReturn:
    """Refuse a request over one field at once (when nothing else can be checked after it)."""
    raise ValidationError({field: [message]})


def messages_by_field(error: ValidationError) -> dict[str, list[str]]:
    """``{field: [message, ...]}``; messages about no one field are under ``"__all__"``."""
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {NON_FIELD_ERRORS: list(error.messages)}


def field_errors(error: ValidationError) -> list[dict[str, str | None]]:
    """The API's ``errors`` list: ``[{"field": ..., "message": ...}]`` (field None for a message
    about no one field)."""
    return [
        {"field": None if field == NON_FIELD_ERRORS else field, "message": message}
        for field, messages in messages_by_field(error).items()
        for message in messages
    ]


def one_line(error: Exception) -> str:
    """The error's messages as one sentence, for a page that shows it above the form."""
    if isinstance(error, ValidationError):
        return " ".join(m for ms in messages_by_field(error).values() for m in ms)
    return str(error) or "That did not work."
