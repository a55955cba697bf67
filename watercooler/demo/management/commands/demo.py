"""``manage.py demo``: fill an empty database with the demo organisation.

``make run`` calls ``manage.py demo --if-empty`` on every start, so that path is a single query.
The demo never touches a database that already has people in it: it refuses (or, with
``--if-empty``, quietly does nothing) rather than mixing invented people into real ones.
"""

import time
from argparse import ArgumentParser, BooleanOptionalAction
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from watercooler.demo.builder import run_demo
from watercooler.demo.context import DemoError


class Command(BaseCommand):
    help = (
        "Create a believable demo organisation (people, departments, locations, photos and "
        "whatever each app adds) in an empty database. The same --seed gives the same demo."
    )
    # `make run` runs this on every start right after `migrate`, which has just run the
    # system checks; running them again would only slow the start down.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--people",
            type=int,
            default=300,
            help="How many people (default 300; benchmarks use 10000).",
        )
        parser.add_argument("--seed", type=int, default=42, help="Random seed (default 42).")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (successfully) when the database already has people.",
        )
        parser.add_argument(
            "--photos",
            action=BooleanOptionalAction,
            default=True,
            help=(
                "Draw profile photos for about 70%% of people, community covers and the "
                "pictures and documents attached to posts (default: yes; --no-photos writes "
                "no files)."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        people: int = options["people"]
        try:
            has_people = get_user_model().objects.exists()
        except DatabaseError as exc:
            raise CommandError(
                f"The database is not ready ({exc}). Run `manage.py migrate` first."
            ) from None
        if has_people:
            if options["if_empty"]:
                self.stdout.write(
                    "The database already has people: not loading the demo (--if-empty)."
                )
                return
            raise CommandError(
                "The database already has people. The demo only fills an empty database and never "
                "changes existing data: point DATABASE_URL (or WATERCOOLER_VAR_DIR) at a new "
                "database, run `manage.py migrate`, then run `manage.py demo` again."
            )
        verbose = options["verbosity"] >= 2
        started = time.perf_counter()
        self.stdout.write(
            f"Building the demo organisation ({people} people, seed {options['seed']})…"
        )
        try:
            ctx = run_demo(
                people=people,
                seed=options["seed"],
                photos=options["photos"],
                log=(lambda message: self.stdout.write(f"  {message}")) if verbose else None,
            )
        except DemoError as exc:
            raise CommandError(f"{exc} Nothing was written.") from None
        for note in ctx.notes:
            self.stdout.write(note)
        self.stdout.write(
            self.style.SUCCESS(f"Demo ready in {time.perf_counter() - started:.1f} s.")
        )
