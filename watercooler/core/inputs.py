"""What the product accepts from anyone, checked once for the API's JSON, cursors and the websocket.

Text holds no NUL and no lone surrogate (``"\\ud800"`` is valid JSON, but neither SQLite nor
PostgreSQL can store it, nor can it be encoded as UTF-8); whole numbers fit a 64-bit column;
numbers are finite; moments lie well inside the calendar, so turning one into UTC or adding a
few years to it never overflows Python's ``datetime`` (years 1 to 9999). Input that breaks one
of these is bad input, answered with a 4xx naming the field, never a 500.
"""

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator

from watercooler.core.errors import FieldErrors
from watercooler.core.text import NUL_MESSAGE

MAX_INT = 2**63 - 1
# Wide enough for any real date (history, far-off plans), far from the calendar's edges.
EARLIEST = dt.datetime(1000, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(9000, 1, 1, tzinfo=dt.UTC)

SURROGATE_MESSAGE = "Text may not contain lone surrogates (\\ud800 to \\udfff): send valid Unicode."
INT_MESSAGE = f"Whole numbers must lie between {-MAX_INT} and {MAX_INT}."
NUMBER_MESSAGE = "Numbers must be finite."
MOMENT_MESSAGE = f"Dates must lie between the years {EARLIEST.year} and {LATEST.year - 1}."
NESTING_MESSAGE = "The data is nested too deeply."

# Deeper than any request of ours; past it the walk stops (and the decoder's recursion is near).
MAX_DEPTH = 64


def has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def text_problem(text: str) -> str | None:
    if "\x00" in text:
        return NUL_MESSAGE
    if has_lone_surrogate(text):
        return SURROGATE_MESSAGE
    return None


@dataclass(frozen=True)
class Problem:
    """A value nothing accepts: where (a dotted path such as ``links.0.url``, None for the
    whole), why, and whether it is unreadable (text no database stores, nesting nobody sends:
    400) rather than out of range (a number or date: 422)."""

    field: str | None
    message: str
    unreadable: bool


_UNREADABLE = {NUL_MESSAGE, SURROGATE_MESSAGE, NESTING_MESSAGE}


def _acceptable(data: Any) -> bool:
    """Whether every value of ``data`` is acceptable: ``first_problem``'s walk without building
    each value's path, which cost more than the checks (a third of a 500-item request)."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return False
        if isinstance(item, str):
            if text_problem(item):
                return False
        elif isinstance(item, bool):
            pass
        elif isinstance(item, int):
            if not -MAX_INT <= item <= MAX_INT:
                return False
        elif isinstance(item, float):
            if not math.isfinite(item):
                return False
        elif isinstance(item, dict):
            for key, value in item.items():
                if isinstance(key, str) and text_problem(key):
                    return False
                stack.append((value, depth + 1))
        elif isinstance(item, list | tuple):
            stack.extend((value, depth + 1) for value in item)
    return True


def first_problem(data: Any) -> Problem | None:
    """The first value in decoded JSON ``data`` that the product does not accept, or None if
    all is well. Keys are checked as text too."""
    if _acceptable(data):
        return None
    stack: list[tuple[tuple[str, ...], Any]] = [((), data)]
    while stack:
        path, item = stack.pop()
        problem: str | None = None
        if len(path) > MAX_DEPTH:
            problem = NESTING_MESSAGE
        elif isinstance(item, str):
            problem = text_problem(item)
        elif isinstance(item, bool):
            pass
        elif isinstance(item, int):
            problem = None if -MAX_INT <= item <= MAX_INT else INT_MESSAGE
        elif isinstance(item, float):
            problem = None if math.isfinite(item) else NUMBER_MESSAGE
        elif isinstance(item, dict):
            for key, value in reversed(item.items()):
                key_problem = text_problem(key) if isinstance(key, str) else None
                if key_problem:
                    return Problem(".".join(path) or None, key_problem, unreadable=True)
                stack.append(((*path, str(key)), value))
        elif isinstance(item, list | tuple):
            stack.extend(((*path, str(i)), value) for i, value in reversed(list(enumerate(item))))
        if problem:
            return Problem(".".join(path) or None, problem, unreadable=problem in _UNREADABLE)
    return None


def moment_in_range(value: dt.datetime) -> bool:
    """Whether ``value`` lies between EARLIEST and LATEST (a naive one read in any zone)."""
    if value.tzinfo is None or value.utcoffset() is None:
        return EARLIEST.replace(tzinfo=None) <= value < LATEST.replace(tzinfo=None)
    # Compare in the value's own zone: converting it to UTC is what may overflow.
    return EARLIEST.astimezone(value.tzinfo) <= value < LATEST.astimezone(value.tzinfo)


def _check_moment(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and not moment_in_range(value):
        raise ValueError(MOMENT_MESSAGE)
    return value


# A datetime field of an input schema: refused (422 on that field) outside EARLIEST..LATEST.
Moment = Annotated[dt.datetime, AfterValidator(_check_moment)]


def _check_day(value: dt.date | None) -> dt.date | None:
    if value is not None and not EARLIEST.date() <= value < LATEST.date():
        raise ValueError(MOMENT_MESSAGE)
    return value


# A date field of an input schema, with the same bounds.
Day = Annotated[dt.date, AfterValidator(_check_day)]


def text_field(
    errors: FieldErrors,
    data: Mapping[str, Any],
    field: str,
    *,
    limit: int,
    one_line: bool = False,
    required: bool = False,
) -> str:
    """The text of ``field`` in ``data`` ("" when absent), trimmed, with a one-line field's inner
    whitespace collapsed to single spaces (a description keeps its lines). A value that is not
    text, cannot be stored, is required but empty or is longer than ``limit`` is added to
    ``errors`` with its reason."""
    raw = data.get(field)
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        errors.add(field, "Must be text.")
        return ""
    problem = text_problem(raw)
    if problem:
        errors.add(field, problem)
        return ""
    value = " ".join(raw.split()) if one_line else raw.strip()
    if required and not value:
        errors.add(field, "This field is required.")
    if len(value) > limit:
        errors.add(field, f"At most {limit} characters (got {len(value)}).")
    return value
