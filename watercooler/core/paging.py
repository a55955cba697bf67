"""Keyset (cursor) paging: every list in the product pages through this.

A cursor encodes the sort key of the last row shown, so the next page is one indexed range scan
however deep the reader goes, and rows added meanwhile do not shift what they see.
"""

import base64
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import DateField, DateTimeField, Model, Q, QuerySet

from watercooler.core.inputs import EARLIEST, LATEST, MAX_INT, moment_in_range, text_problem


class InvalidCursorError(ValueError):
    """The cursor was not produced by this server (or was tampered with)."""


def _valid_value(value: Any) -> bool:
    """Cursor values are sort keys: text the database can store (no NUL, no lone surrogate),
    or integers a 64-bit column can hold."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return -MAX_INT <= value <= MAX_INT
    return isinstance(value, str) and text_problem(value) is None


def _typed_value(queryset: QuerySet[Any], name: str, value: Any) -> Any:
    """``value`` as the key ``name``'s field reads it; a date or time must lie well inside the
    calendar, since the database adapter converts it to UTC (year 0001 at +14:00 overflows)."""
    annotation = queryset.query.annotations.get(name)
    try:
        field = (
            annotation.output_field
            if annotation is not None
            else queryset.model._meta.get_field(name)
        )
    except FieldDoesNotExist:
        return value
    if not isinstance(field, DateField | DateTimeField):
        return value
    try:
        typed = field.to_python(value)
    except (ValidationError, ValueError, TypeError, OverflowError):
        raise InvalidCursorError("cursor is not valid") from None
    if isinstance(typed, dt.datetime):
        in_range = moment_in_range(typed)
    else:
        in_range = typed is None or EARLIEST.date() <= typed < LATEST.date()
    if not in_range:
        raise InvalidCursorError("cursor is not valid")
    return typed


@dataclass(frozen=True)
class Page[T: Model]:
    items: list[T]
    next_cursor: str | None


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps(list(values), separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, size: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError, RecursionError):
        raise InvalidCursorError("cursor is not valid") from None
    if not isinstance(values, list) or len(values) != size:
        raise InvalidCursorError("cursor is not valid")
    if not all(_valid_value(v) for v in values):
        raise InvalidCursorError("cursor is not valid")
    return values


def decode_moment(value: Any) -> dt.datetime:
    """A cursor's ISO 8601 time with a zone, well inside the calendar (core.inputs): the pages
    that hand out such cursors subtract days from it and convert it to UTC."""
    if not isinstance(value, str):
        raise InvalidCursorError("cursor is not valid")
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise InvalidCursorError("cursor is not valid") from None
    if moment.tzinfo is None or not moment_in_range(moment):
        raise InvalidCursorError("cursor is not valid")
    return moment


def paginate[T: Model](
    queryset: QuerySet[T], *, keys: Sequence[str], cursor: str | None, limit: int
) -> Page[T]:
    """Return one page of ``queryset`` ordered by ``keys`` (the last key unique).

    Keys sort ascending; a key written ``"-name"`` sorts descending (newest first), as in
    ``order_by``. ``keys`` must be backed by an index whose leading columns match the queryset's
    filters (and, for descending keys, whose directions match or are all reversed).
    """
    names = [key.removeprefix("-") for key in keys]
    # "After the cursor" is "greater than" for an ascending key and "less than" for a descending one.
    lookups = ["lt" if key.startswith("-") else "gt" for key in keys]
    if cursor:
        after = [
            _typed_value(queryset, name, value)
            for name, value in zip(names, decode_cursor(cursor, len(keys)), strict=True)
        ]
        # (k1, k2, ...) > (v1, v2, ...), spelled out so both SQLite and PostgreSQL use the index.
        condition = Q()
        for i, name in enumerate(names):
            step = Q(**{f"{name}__{lookups[i]}": after[i]})
            for prev_name, prev_value in zip(names[:i], after[:i], strict=True):
                step &= Q(**{prev_name: prev_value})
            condition |= step
        try:
            queryset = queryset.filter(condition)
        except (ValueError, TypeError, ValidationError):  # e.g. text for an id, or not a date
            raise InvalidCursorError("cursor is not valid") from None
    rows = list(queryset.order_by(*keys)[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor([getattr(last, name) for name in names])
    return Page(items=rows, next_cursor=next_cursor)
