"""What one demo run knows (``DemoContext``), and the rules every part of the demo follows.

Each part of the demo organisation is a builder, ``build(ctx: DemoContext) -> None``, in a
module of this app named after what it fills (``people``, ``communities``, ``feed``, …).
``builder.py`` runs them in the app order, each after the ones it builds on, in one
transaction, so a failure leaves the database as empty as it was::

    def build(ctx: DemoContext) -> None:
        for author in ctx.rng.sample(ctx.people, k=min(50, len(ctx.people))):
            ...

Rules for builders, so the demo stays fast and repeatable:

* Draw every random choice from ``ctx.rng``. It is seeded from the demo seed *and the builder's
  name*, so adding a builder, or changing one, never changes what the others make.
* Use ``ctx.now`` as the present, never ``timezone.now()``. (While the demo runs, the product's
  code reads it too: ``clock.py``.)
* Build through the actions what a visitor meets one by one (a community, an event, the story's
  posts, replies, reactions, announcements and RSVPs), as the person who would do it, inside
  ``with ctx.at(moment):``, so the rows carry that moment and the product's rules, events and
  notifications are the real ones. An action sees the database as the builders before it left
  it, future rows included, so use them where that world is the right one.
* Write the volume in bulk (``bulk_create`` in batches; no query per person): people,
  memberships, six months of conversation, receipts and RSVPs, which at 300 people are tens of
  thousands of rows and at ``--people 10000`` many more, where an action per row would cost
  minutes. Keep a bulk path where measuring shows an action per row would slow the build
  noticeably (``manage.py demo -v 2`` prints each builder's seconds), and say so at the top of
  the module. Bulk writes send no signals and bypass ``save()``: follow the actions' rules by
  construction, set derived fields (counters, rendered bodies) yourself and create dependent
  rows in your own builder.
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
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage

from watercooler.demo.clock import Clock
from watercooler.people.models import Department, Location, User

Builder = Callable[["DemoContext"], None]


class DemoError(Exception):
    """The demo cannot be built as asked (a size out of range, say); the message says why."""


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

    # The organisation, filled by the people builder (the first).
    company: str = ""
    email_domain: str = ""
    people: list[User] = field(default_factory=list, repr=False)
    departments: dict[str, Department] = field(default_factory=dict, repr=False)
    locations: dict[str, Location] = field(default_factory=dict, repr=False)
    # Person id -> their manager's id (None for the head of the organisation).
    managers: dict[int, int | None] = field(default_factory=dict, repr=False)
    # Well-known people by role: "ceo", "admin", "comms", "member", "guest".
    accounts: dict[str, User] = field(default_factory=dict, repr=False)

    # Anything else a later builder needs, keyed "<app>.<name>".
    extra: dict[str, Any] = field(default_factory=dict, repr=False)
    # Lines for the person who ran the demo (what was made, how to sign in).
    notes: list[str] = field(default_factory=list)
    # Files written so far, as (storage, name); deleted again if the demo fails.
    files: list[tuple[Storage, str]] = field(default_factory=list, repr=False)
    # The present as the product's code reads it while the demo runs (``at``).
    clock: Clock = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.clock = Clock(self.now)

    def at(self, moment: dt.datetime) -> contextlib.AbstractContextManager[None]:
        """Run actions as if at ``moment``, and what they leave for the commit right after
        (``clock.Clock.at``): ``with ctx.at(when): do_create_reply(...)``."""
        return self.clock.at(moment)

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
