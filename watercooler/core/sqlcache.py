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
prepares them for the field type (integers as they are, dates and datetimes through the
backend's adaptation).

What comes back is what the ORM would give: ``run_template`` applies the columns' converters
(SQLite's datetimes, JSON, booleans) to a ``values_list`` query's rows, and ``instances`` turns a
model query's rows into model instances, with ``select_related`` objects attached, the way
Django's own iterator does. A list of values (``pk__in``) is one named value per item; the list's
length is part of the template's key.
"""

import datetime as dt
import threading
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.fetch_modes import FETCH_ONE
from django.db.models.query import get_related_populators
from django.db.models.sql.compiler import SQLCompiler


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
    # The first build's compiler: which columns the SQL selects, their converters and, for a
    # model query, how a row becomes instances (its values are sentinels, never run).
    compiler: SQLCompiler
    converters: dict[int, Any]
    # For a model query without annotations: the model's columns (their slice of a row and
    # attribute names) and the select_related populators, worked out once.
    model_columns: tuple[int, int, list[str]] | None
    populators: list[Any]


_templates: dict[Hashable, _Compiled] = {}
_lock = threading.Lock()


def _sentinel(kind: type, which: int, index: int) -> Any:
    if kind is int:
        return _SENTINEL_INTS[which] - 10 * index
    if kind is str:
        return f"\x1esqlcache-{which}-{index}"
    if kind is dt.datetime:
        return _SENTINEL_TIMES[which] + dt.timedelta(seconds=index)
    if kind is dt.date:
        return _SENTINEL_TIMES[which].date() + dt.timedelta(days=index)
    raise TemplateError(f"values of type {kind.__name__} are not supported")


def _prepare(value: Any, using: str) -> Any:
    """``value`` as Django passes it to the database for a field of its type."""
    if isinstance(value, dt.datetime):
        return connections[using].ops.adapt_datetimefield_value(value)
    if isinstance(value, dt.date):
        return connections[using].ops.adapt_datefield_value(value)
    return value


def _compile(queryset: QuerySet[Any, Any], using: str) -> tuple[str, tuple[Any, ...], SQLCompiler]:
    compiler = queryset.query.get_compiler(using=using)
    sql, params = compiler.as_sql()
    return sql, tuple(params), compiler


def _build_template(
    build: Callable[..., QuerySet[Any, Any]], kinds: Mapping[str, type], using: str
) -> _Compiled:
    names = list(kinds)
    first = {n: _sentinel(kinds[n], 0, i) for i, n in enumerate(names)}
    second = {n: _sentinel(kinds[n], 1, i) for i, n in enumerate(names)}
    sql, params, compiler = _compile(build(**first), using)
    other_sql, other_params, _ = _compile(build(**second), using)
    if other_sql != sql or len(other_params) != len(params):
        raise TemplateError("the query's SQL depends on the values; it cannot be a template")
    changing = {i for i, (a, b) in enumerate(zip(params, other_params, strict=True)) if a != b}
    positions: dict[str, tuple[int, ...]] = {}
    for name in names:
        one_sql, one_params, _ = _compile(build(**{**first, name: second[name]}), using)
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
    converters = compiler.get_converters(
        [column[0] for column in compiler.select[: compiler.col_count]]
    )
    klass_info, select = compiler.klass_info, compiler.select
    model_columns, populators = None, []
    if klass_info is not None and not compiler.annotation_col_map:
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        model_columns = (start, end, [column[0].target.attname for column in select[start:end]])
        # Fetching a deferred field later loads it for that instance alone, as a query does.
        populators = get_related_populators(klass_info, select, using, FETCH_ONE)
    return _Compiled(
        sql, params, positions, dict(kinds), compiler, converters, model_columns, populators
    )


def _rows(
    key: Hashable,
    build: Callable[..., QuerySet[Any, Any]],
    values: Mapping[str, int | str | dt.date],
    using: str,
) -> tuple[_Compiled, list[Sequence[Any]]]:
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
        # Exactly the type: a datetime is a date too, and would go in where a date was compiled.
        if type(value) is not compiled.kinds[name]:
            raise TypeError(f"{name!r} must be {compiled.kinds[name].__name__}")
        prepared = _prepare(value, using)
        for index in compiled.positions[name]:
            params[index] = prepared
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        rows: list[Sequence[Any]] = list(cursor.fetchall())
    if compiled.converters:
        rows = [tuple(row) for row in compiled.compiler.apply_converters(rows, compiled.converters)]
    return compiled, rows


def run_template(
    key: Hashable,
    build: Callable[..., QuerySet[Any, Any]],
    values: Mapping[str, int | str | dt.date],
    *,
    using: str = "default",
) -> list[Sequence[Any]]:
    """Rows of ``build(**values)`` (a ``values_list`` queryset), compiled once per ``key`` and
    database. ``key`` must name everything else the builder's SQL depends on (the viewer's role,
    the page size, whether there is a cursor…); ``values`` are ints, strings, dates or
    aware datetimes."""
    return _rows(key, build, values, using)[1]


def instances[M: Model](
    key: Hashable,
    build: Callable[..., QuerySet[M]],
    values: Mapping[str, int | str | dt.date],
    *,
    using: str = "default",
) -> list[M]:
    """The model instances of ``build(**values)`` (a model queryset: ``only``, ``defer`` and
    ``select_related`` allowed, no annotations), as ``list(build(**values))`` gives them,
    compiled once per ``key`` and database (see ``run_template``)."""
    compiled, rows = _rows(key, build, values, using)
    if compiled.model_columns is None:
        raise TemplateError("instances() takes a model query without annotations")
    start, end, names = compiled.model_columns
    model: type[M] = compiled.compiler.klass_info["model"]
    found = []
    for row in rows:
        obj = model.from_db(using, names, row[start:end], fetch_mode=FETCH_ONE)
        for populator in compiled.populators:
            populator.populate(row, obj)
        found.append(obj)
    return found


def listed(name: str, items: Sequence[int]) -> dict[str, int]:
    """``items`` as named values for a template (``name0``, ``name1``…): a builder takes them
    as ``**kwargs`` and filters on ``__in=list(kwargs.values())``; add ``len(items)`` to the
    key."""
    return {f"{name}{index}": item for index, item in enumerate(items)}


def clear_templates() -> None:
    """Forget every compiled template (tests that change the schema or settings)."""
    with _lock:
        _templates.clear()
