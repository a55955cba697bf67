"""The demo build: every part of the demo organisation, in the app order, in one transaction.

The demo app sits on top of every other app, so it knows them all and runs their builders in an
explicit order: each after the ones whose rows it builds on (people before the communities they
join, the bulk conversation before the story told on top of it). The rules every builder
follows are in ``context.py``.
"""

import contextlib
import datetime as dt
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.core.files.storage import Storage
from django.db import transaction
from django.utils import timezone

from watercooler.demo import (
    calendar,
    communities,
    community_content,
    expertise,
    feed,
    insights,
    messaging,
    notifications,
    people,
    search,
    story,
)
from watercooler.demo.context import Builder, DemoContext


@dataclass(frozen=True)
class Step:
    """A builder and its name. The name seeds the builder's random generator, so renaming a
    step changes what it makes (the names below are those the demo has always used)."""

    name: str
    build: Builder


STEPS: tuple[Step, ...] = (
    Step("people", people.build),
    Step("communities", communities.build),
    Step("feed", feed.build),
    Step("feed.communities", community_content.build),
    Step("events", calendar.build),
    Step("feed.story", story.build),
    Step("expertise", expertise.build),
    Step("insights", insights.build),
    Step("messaging", messaging.build),
    Step("notifications", notifications.build),
    Step("search", search.build),
)


def run_demo(
    *,
    people: int = 300,
    seed: int = 42,
    photos: bool = True,
    now: dt.datetime | None = None,
    log: Callable[[str], None] | None = None,
    steps: Sequence[Step] = STEPS,
) -> DemoContext:
    """Run ``steps`` (the whole demo by default) into the database, in one transaction.

    The caller checks the database is empty first: builders create, they never look for or
    change what is already there. Returns the context, with ``notes`` for the person.
    """
    ctx = DemoContext(
        seed=seed,
        people_count=people,
        now=now or timezone.now(),
        photos=photos,
        log=log or (lambda message: None),
    )
    try:
        with transaction.atomic(), ctx.clock.running():
            for step in steps:
                ctx.rng = ctx.rng_for(step.name)
                started = time.perf_counter()
                step.build(ctx)
                ctx.log(f"{step.name}: {time.perf_counter() - started:.2f} s")
    except BaseException:
        _delete_files(ctx.files)
        raise
    return ctx


def _delete_files(files: Iterable[tuple[Storage, str]]) -> None:
    for storage, name in files:
        with contextlib.suppress(OSError):
            storage.delete(name)
