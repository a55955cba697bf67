"""The demo registry: each app adds its part of the demo organisation with a builder.

An app puts a ``demo.py`` module beside its models and registers one or more builders::

    from watercooler.core.demo import DemoContext, register

    @register(order=30)
    def build(ctx: DemoContext) -> None:
        for author in ctx.rng.sample(ctx.people, k=min(50, len(ctx.people))):
            ...

``run_demo`` imports every ``watercooler.<app>.demo`` module, then runs the builders by
``order`` (people is 10; later apps take 20, 30, … following the app order in ARCHITECTURE.md)
in one transaction, so a failure leaves the database as empty as it was.

Rules for builders, so the demo stays fast and repeatable:

* Draw every random choice from ``ctx.rng``. It is seeded from the demo seed *and the builder's
  name*, so adding a builder, or changing one, never changes what the others make.
* Use ``ctx.now`` as the present, never ``timezone.now()``.
* Write in bulk (``bulk_create`` in batches; no query per person): ``manage.py demo --people
  10000`` is what the benchmarks load. Bulk writes send no signals and bypass ``save()``, so set
  derived fields yourself and create dependent rows in your own builder.
* Files saved to storage go through ``ctx.save_file`` so they are removed again if the demo fails.
* Leave objects that later builders need on the context: the typed fields below for the
  organisation, ``ctx.extra["<app>.<name>"]`` for anything else.
* Scale with ``ctx.people_count`` (30 to 100,000), and raise ``DemoError`` for a request the
  builder cannot honour; ``manage.py demo`` shows its message.
* Add a line to ``ctx.notes`` if the person who ran the demo should know something.
"""

import contextlib
import datetime as dt
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

if TYPE_CHECKING:  # types only: core does not import apps above it at run time
    from watercooler.people.models import Department, Location, User

Builder = Callable[["DemoContext"], None]


class DemoError(Exception):
    """The demo cannot be built as asked (a size out of range, say); the message says why."""


@dataclass(frozen=True)
class RegisteredBuilder:
    order: int
    name: str
    build: Builder


_registry: dict[str, RegisteredBuilder] = {}


def register(order: int, *, name: str | None = None) -> Callable[[Builder], Builder]:
    """Register ``build(ctx)`` to run at ``order`` (lower first; ties by name).

    The name (by default ``module.function``) also seeds the builder's random generator, so
    renaming a builder changes what it makes. Registering the same name again replaces it.
    """

    def decorator(build: Builder) -> Builder:
        key = name or f"{build.__module__}.{build.__qualname__}"
        _registry[key] = RegisteredBuilder(order=order, name=key, build=build)
        return build

    return decorator


def unregister(name: str) -> None:
    _registry.pop(name, None)


def discover() -> None:
    """Import the ``demo`` module of every Watercooler app, which registers its builders."""
    for app_config in apps.get_app_configs():
        if app_config.name.startswith("watercooler.") and module_has_submodule(
            app_config.module, "demo"
        ):
            import_module(f"{app_config.name}.demo")


def registered() -> list[RegisteredBuilder]:
    """Every registered builder, in the order ``run_demo`` runs them."""
    discover()
    return sorted(_registry.values(), key=lambda b: (b.order, b.name))


@dataclass
class DemoContext:
    """What one demo run knows: its size, its randomness, and what earlier builders made."""

    seed: int
    people_count: int
    now: dt.datetime
    photos: bool = True
    # Set to the running builder's own generator before each builder runs.
    rng: random.Random = field(default_factory=random.Random)
    log: Callable[[str], None] = field(default=lambda message: None, repr=False)

    # The organisation, filled by the people builder (order 10).
    company: str = ""
    email_domain: str = ""
    people: list["User"] = field(default_factory=list, repr=False)
    departments: dict[str, "Department"] = field(default_factory=dict, repr=False)
    locations: dict[str, "Location"] = field(default_factory=dict, repr=False)
    # Person id -> their manager's id (None for the head of the organisation).
    managers: dict[int, int | None] = field(default_factory=dict, repr=False)
    # Well-known people by role: "ceo", "admin", "comms", "member", "guest".
    accounts: dict[str, "User"] = field(default_factory=dict, repr=False)

    # Anything else a later builder needs, keyed "<app>.<name>".
    extra: dict[str, Any] = field(default_factory=dict, repr=False)
    # Lines for the person who ran the demo (what was made, how to sign in).
    notes: list[str] = field(default_factory=list)
    # Files written so far, as (storage, name); deleted again if the demo fails.
    files: list[tuple[Storage, str]] = field(default_factory=list, repr=False)

    def rng_for(self, name: str) -> random.Random:
        """A generator seeded by the demo seed and ``name`` (string seeds are stable across runs)."""
        return random.Random(f"{self.seed}:{name}")  # noqa: S311 (invented data, not secrets)

    def reports(self) -> dict[int, list[int]]:
        """Manager id -> ids of their direct reports, in the order people were made."""
        result: dict[int, list[int]] = {}
        for person_id, manager_id in self.managers.items():
            if manager_id is not None:
                result.setdefault(manager_id, []).append(person_id)
        return result

    def save_file(self, name: str, content: bytes, *, storage: Storage | None = None) -> str:
        """Save ``content`` under ``name`` and return the name the storage chose."""
        storage = storage or default_storage
        saved = storage.save(name, ContentFile(content))
        self.files.append((storage, saved))
        return saved


def run_demo(
    *,
    people: int = 300,
    seed: int = 42,
    photos: bool = True,
    now: dt.datetime | None = None,
    log: Callable[[str], None] | None = None,
    builders: Sequence[RegisteredBuilder] | None = None,
) -> DemoContext:
    """Run the builders (all registered ones by default) into the database, in one transaction.

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
    chosen = registered() if builders is None else list(builders)
    try:
        with transaction.atomic():
            for builder in chosen:
                ctx.rng = ctx.rng_for(builder.name)
                started = time.perf_counter()
                builder.build(ctx)
                ctx.log(f"{builder.name}: {time.perf_counter() - started:.2f} s")
    except BaseException:
        _delete_files(ctx.files)
        raise
    return ctx


def _delete_files(files: Iterable[tuple[Storage, str]]) -> None:
    for storage, name in files:
        with contextlib.suppress(OSError):
            storage.delete(name)
