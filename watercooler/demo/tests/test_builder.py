"""The demo build: the builders' order, per-builder randomness, all-or-nothing runs."""

from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from pytest_django import Settings

from watercooler.demo.builder import STEPS, Step, run_demo
from watercooler.demo.context import DemoContext
from watercooler.people.models import Department


def test_every_part_runs_once_after_the_parts_it_builds_on() -> None:
    names = [step.name for step in STEPS]
    assert len(set(names)) == len(names)
    # People first (everything else is about them), the story after the conversation,
    # communities and events it is told on top of, then the expertise on top of the story, the
    # insights (reading, roll-ups, the network, campaigns) on top of all that conversation, a
    # few private conversations, member's notification settings (a mute of a #topic the feed
    # made), and the search index's names last (people were written in bulk, without signals).
    assert names[0] == "people"
    assert names[-6:] == [
        "feed.story",
        "expertise",
        "insights",
        "messaging",
        "notifications",
        "search",
    ]
    assert names.index("communities") < names.index("feed.communities")
    assert names.index("feed") < names.index("feed.communities")


def _recorder(calls: list[tuple[str, float]], name: str) -> Step:
    def build(ctx: DemoContext) -> None:
        calls.append((name, ctx.rng.random()))

    return Step(name, build)


def test_each_builder_has_its_own_repeatable_randomness(db: None) -> None:
    calls: list[tuple[str, float]] = []
    run_demo(seed=1, steps=[_recorder(calls, "a"), _recorder(calls, "b")])
    first = list(calls)
    assert [name for name, _ in first] == ["a", "b"]
    assert first[0][1] != first[1][1]

    calls.clear()
    run_demo(seed=1, steps=[_recorder(calls, "a"), _recorder(calls, "b")])
    assert calls == first

    # A builder added in front changes nothing for the others.
    calls.clear()
    run_demo(seed=1, steps=[_recorder(calls, "new"), _recorder(calls, "b")])
    assert calls[1] == first[1]

    calls.clear()
    run_demo(seed=2, steps=[_recorder(calls, "a")])
    assert calls[0][1] != first[0][1]


def test_later_builders_see_what_earlier_ones_left(db: None) -> None:
    def first(ctx: DemoContext) -> None:
        ctx.extra["test.thing"] = 42
        ctx.notes.append("first was here")

    seen: list[Any] = []
    ctx = run_demo(
        people=99,
        steps=[
            Step("first", first),
            Step("second", lambda ctx: seen.append(ctx.extra["test.thing"])),
        ],
    )
    assert seen == [42]
    assert ctx.people_count == 99
    assert ctx.notes == ["first was here"]


def test_a_failing_builder_leaves_no_rows_and_no_files(
    db: None, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    saved: list[str] = []

    def writes(ctx: DemoContext) -> None:
        Department.objects.create(name="Half-built")
        saved.append(ctx.save_file("demo/test.txt", b"hello"))

    def fails(ctx: DemoContext) -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        run_demo(steps=[Step("writes", writes), Step("fails", fails)])
    assert not Department.objects.filter(name="Half-built").exists()
    assert saved
    assert not default_storage.exists(saved[0])
