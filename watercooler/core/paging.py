"""Keyset (cursor) paging: every list in the product pages through this.

A cursor encodes the sort key of the last row shown, so the next page is one indexed range scan
however deep the reader goes, and rows added meanwhile do not shift what they see.
"""

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, Q, QuerySet


class InvalidCursorError(ValueError):
    """The cursor was not produced by this server (or was tampered with)."""


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
    except (ValueError, TypeError):
        raise InvalidCursorError("cursor is not valid") from None
    if not isinstance(values, list) or len(values) != size:
        raise InvalidCursorError("cursor is not valid")
    if not all(isinstance(v, str | int) and not isinstance(v, bool) for v in values):
        raise InvalidCursorError("cursor is not valid")
    return values


def paginate[T: Model](
    queryset: QuerySet[T], *, keys: Sequence[str], cursor: str | None, limit: int
) -> Page[T]:
    """Return one page of ``queryset`` ordered ascending by ``keys`` (the last key unique).

    ``keys`` must be backed by an index whose leading columns match the queryset's filters.
    """
    if cursor:
        after = decode_cursor(cursor, len(keys))
        # (k1, k2, ...) > (v1, v2, ...), spelled out so both SQLite and PostgreSQL use the index.
        condition = Q()
        for i, key in enumerate(keys):
            step = Q(**{f"{key}__gt": after[i]})
            for prev_key, prev_value in zip(keys[:i], after[:i], strict=True):
                step &= Q(**{prev_key: prev_value})
            condition |= step
        queryset = queryset.filter(condition)
    rows = list(queryset.order_by(*keys)[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = encode_cursor([getattr(last, key) for key in keys])
    return Page(items=rows, next_cursor=next_cursor)
