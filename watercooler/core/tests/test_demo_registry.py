"""The demo registry: discovery, order, per-builder randomness, all-or-nothing runs."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage

from watercooler.core.demo import (
    DemoContext,
    RegisteredBuilder,
    register,
    registered,
    run_demo,
    unregister,
)
from watercooler.people.models import Department


@pytest.fixture
def scratch_builders() -> Iterator[list[str]]:
    """Names of builders a test registers; they are removed again afterwards."""
    names: list[str] = []
    yield names
    for name in names:
        unregister(name)


def test_discovery_finds_the_apps_builders() -> None:
    names = [builder.name for builder in registered()]
    assert "people" in names
    orders = [builder.order for builder in registered()]
    assert orders == sorted(orders)


def test_builders_run_by_order_then_name(scratch_builders: list[str]) -> None:
    for order, name in ((900, "test.late"), (5, "test.b"), (5, "test.a")):
        register(order, name=name)(lambda ctx: None)
        scratch_builders.append(name)
    names = [b.name for b in registered() if b.name.startswith("test.")]
    assert names == ["test.a", "test.b", "test.late"]
    assert registered()[0].name == "test.a"


def test_registering_a_name_again_replaces_it(scratch_builders: list[str]) -> None:
    register(1, name="test.same")(lambda ctx: None)
    register(2, name="test.same")(lambda ctx: None)
    scratch_builders.append("test.same")
    assert [b.order for b in registered() if b.name == "test.same"] == [2]


def _recorder(calls: list[tuple[str, float]], name: str) -> RegisteredBuilder:
    def build(ctx: DemoContext) -> None:
        calls.append((name, ctx.rng.random()))

    return RegisteredBuilder(order=0, name=name, build=build)


def test_each_builder_has_its_own_repeatable_randomness(db: None) -> None:
    calls: list[tuple[str, float]] = []
    run_demo(seed=1, builders=[_recorder(calls, "a"), _recorder(calls, "b")])
    first = list(calls)
    assert [name for name, _ in first] == ["a", "b"]
    assert first[0][1] != first[1][1]

    calls.clear()
    run_demo(seed=1, builders=[_recorder(calls, "a"), _recorder(calls, "b")])
    assert calls == first

    # A builder added in front changes nothing for the others.
    calls.clear()
    run_demo(seed=1, builders=[_recorder(calls, "new"), _recorder(calls, "b")])
    assert calls[1] == first[1]

    calls.clear()
    run_demo(seed=2, builders=[_recorder(calls, "a")])
    assert calls[0][1] != first[0][1]


def test_later_builders_see_what_earlier_ones_left(db: None) -> None:
    def first(ctx: DemoContext) -> None:
        ctx.extra["test.thing"] = 42
        ctx.notes.append("first was here")

    seen: list[Any] = []
    ctx = run_demo(
        people=99,
        builders=[
            RegisteredBuilder(1, "first", first),
            RegisteredBuilder(2, "second", lambda ctx: seen.append(ctx.extra["test.thing"])),
        ],
    )
    assert seen == [42]
    assert ctx.people_count == 99
    assert ctx.notes == ["first was here"]


def test_a_failing_builder_leaves_no_rows_and_no_files(
    db: None, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    saved: list[str] = []

    def writes(ctx: DemoContext) -> None:
        Department.objects.create(name="Half-built")
        saved.append(ctx.save_file("demo/test.txt", b"hello"))

    def fails(ctx: DemoContext) -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        run_demo(
            builders=[RegisteredBuilder(1, "writes", writes), RegisteredBuilder(2, "fails", fails)]
        )
    assert not Department.objects.filter(name="Half-built").exists()
    assert saved
    assert not default_storage.exists(saved[0])
