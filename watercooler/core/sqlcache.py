"""Compiled-query templates: build a hot query with the ORM once per process and shape, then run
its SQL with each caller's values.

Building and compiling a queryset made of several subqueries is pure Python and costs more than
the database's answer: the home feed's page query took ~9 ms to build and compile on a 2-core
machine and ~2 ms to run (docs/performance.md). The rule itself stays written once, in the ORM
(``feed.queries.visible_posts_q``); this module only remembers what it compiled to.

How the values are found: the builder is called with two different sets of sentinel values, and
again with one value changed at a time. The SQL text must be the same every time (otherwise the
shape depends on a value and a template would be wrong: ``TemplateError``), and the parameter
positions that change with a value are where that value goes. At run time the template's
parameters are copied and those positions filled with the caller's values, prepared as Django
prepares them for the field type (integers as they are, datetimes through the backend's
adaptation).
"""

import datetime as dt
import threading
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import QuerySet


class TemplateError(RuntimeError):
    """The builder's SQL changed with a value, or a value never reached the SQL."""


# Two sentinel sets: integers far outside any primary key, datetimes nobody stores.
_SENTINEL_INTS = (-7_300_001, -7_300_002)
_SENTINEL_TIMES = (
    dt.datetime(1901, 2, 3, 4, 5, 6, 70801, tzinfo=dt.UTC),
    dt.datetime(1902, 3, 4, 5, 6, 7, 80902, tzinfo=dt.UTC),
)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    positions: Mapping[str, tuple[int, ...]]
    kinds: Mapping[str, type]


_templates: dict[Hashable, _Compiled] = {}
_lock = threading.Lock()


def _sentinel(kind: type, which: int, index: int) -> Any:
    if kind is int:
        return _SENTINEL_INTS[which] - 10 * index
    if kind is dt.datetime:
        return _SENTINEL_TIMES[which] + dt.timedelta(seconds=index)
    raise TemplateError(f"values of type {kind.__name__} are not supported")


def _prepare(value: Any, using: str) -> Any:
    """``value`` as Django passes it to the database for a field of its type."""
    if isinstance(value, dt.datetime):
        return connections[using].ops.adapt_datetimefield_value(value)
    return value


def _compile(queryset: QuerySet[Any, Any]) -> tuple[str, tuple[Any, ...]]:
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    return sql, tuple(params)


def _build_template(
    build: Callable[..., QuerySet[Any, Any]], kinds: Mapping[str, type], using: str
) -> _Compiled:
    names = list(kinds)
    first = {n: _sentinel(kinds[n], 0, i) for i, n in enumerate(names)}
    second = {n: _sentinel(kinds[n], 1, i) for i, n in enumerate(names)}
    sql, params = _compile(build(**first))
    other_sql, other_params = _compile(build(**second))
    if other_sql != sql or len(other_params) != len(params):
        raise TemplateError("the query's SQL depends on the values; it cannot be a template")
    changing = {i for i, (a, b) in enumerate(zip(params, other_params, strict=True)) if a != b}
    positions: dict[str, tuple[int, ...]] = {}
    for name in names:
        one_sql, one_params = _compile(build(**{**first, name: second[name]}))
        if one_sql != sql:
            raise TemplateError(f"the query's SQL depends on {name!r}")
        moved = tuple(i for i, (a, b) in enumerate(zip(params, one_params, strict=True)) if a != b)
        if not moved:
            raise TemplateError(f"{name!r} does not reach the query's parameters")
        for index in moved:
            if params[index] != _prepare(first[name], using) or one_params[index] != _prepare(
                second[name], using
            ):
                raise TemplateError(f"a parameter is computed from {name!r}, not {name!r} itself")
        positions[name] = moved
    covered = {i for moved in positions.values() for i in moved}
    if covered != changing:
        raise TemplateError("some parameters change with the values but belong to none of them")
    return _Compiled(sql, params, positions, dict(kinds))


def run_template(
    key: Hashable,
    build: Callable[..., QuerySet[Any, Any]],
    values: Mapping[str, int | dt.datetime],
    *,
    using: str = "default",
) -> list[Sequence[Any]]:
    """Rows of ``build(**values)`` (a ``values_list`` queryset), compiled once per ``key`` and
    database. ``key`` must name everything else the builder's SQL depends on (the viewer's role,
    the page size, whether there is a cursor…); ``values`` are ints or aware datetimes."""
    connection = connections[using]
    cache_key = (connection.alias, connection.vendor, key)
    compiled = _templates.get(cache_key)
    if compiled is None:
        with _lock:
            compiled = _templates.get(cache_key) or _build_template(
                build, {name: type(value) for name, value in values.items()}, using
            )
            _templates[cache_key] = compiled
    params = list(compiled.params)
    for name, value in values.items():
        if not isinstance(value, compiled.kinds[name]):
            raise TypeError(f"{name!r} must be {compiled.kinds[name].__name__}")
        prepared = _prepare(value, using)
        for index in compiled.positions[name]:
            params[index] = prepared
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        return list(cursor.fetchall())


def clear_templates() -> None:
    """Forget every compiled template (tests that change the schema or settings)."""
    with _lock:
        _templates.clear()
