"""``manage.py import_people FILE``: import people from an HR export (see docs/import.md).

The same importer as the Import page: a plan first, then (without --dry-run) that plan applied
in one transaction. Any bad row means nothing changes and the command exits with status 1.
"""

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from watercooler.people import importer
from watercooler.people.models import Role, User


class Command(BaseCommand):
    help = "Import people from a CSV file exported by an HR system (see docs/import.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the CSV file (UTF-8, ',' or ';' separated)")
        parser.add_argument(
            "--dry-run", action="store_true", help="show what would change, change nothing"
        )
        parser.add_argument(
            "--deactivate-missing",
            action="store_true",
            help="deactivate people with an employee id who are not in the file",
        )
        parser.add_argument(
            "--as",
            dest="actor",
            metavar="USERNAME",
            help="the administrator recorded as doing the import (default: the first superuser)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = self._actor(options["actor"])
        path: Path = options["file"]
        try:
            with path.open("rb") as file:
                plan = importer.plan_import(
                    actor=actor, file=file, deactivate_missing=options["deactivate_missing"]
                )
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        self._show_plan(plan, verbose=options["verbosity"] >= 2)
        if plan.errors:
            self._fail(plan)
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was changed.")
            return
        result = importer.do_apply_import(actor=actor, plan=plan)
        if not result.applied:
            self.stderr.write("The data changed since the file was read:")
            self._fail(result.plan)
        self.stdout.write(self.style.SUCCESS(f"Imported: {result.summary()}"))

    def _actor(self, username: str | None) -> User:
        if username:
            actor = User.objects.filter(username=username).first()
            if actor is None:
                raise CommandError(f"No person has the username {username!r}.")
            if not actor.is_administrator:
                raise CommandError(f"{username} is not an active administrator.")
            return actor
        actor = (
            User.objects.filter(is_active=True)
            .filter(Q(is_superuser=True) | Q(role=Role.ADMIN))
            .order_by("-is_superuser", "pk")
            .first()
        )
        if actor is None:
            raise CommandError(
                "There is no administrator to record as doing the import. Create one with "
                "`manage.py createsuperuser`, or pass --as USERNAME."
            )
        return actor

    def _show_plan(self, plan: importer.ImportPlan, *, verbose: bool) -> None:
        for warning in plan.warnings:
            self.stdout.write(self.style.WARNING(f"Note: {warning}"))
        if plan.errors:
            return
        self.stdout.write(
            f"Plan for {plan.rows} row{'s' if plan.rows != 1 else ''}: {plan.summary()}"
        )
        if plan.new_departments:
            self.stdout.write(f"New departments: {', '.join(plan.new_departments)}")
        if plan.new_locations:
            self.stdout.write(f"New locations: {', '.join(plan.new_locations)}")
        for change in plan.location_changes:
            self.stdout.write(f"Location {change.field}: {change.old or '—'} → {change.new}")
        if not verbose:
            return
        for create in plan.creates:
            self.stdout.write(
                f"  create row {create.row}: @{create.username} {create.display_name}"
            )
        for update in plan.updates:
            changes = "; ".join(
                f"{c.field}: {c.old or '—'} → {c.new or '—'}" for c in update.changes
            )
            self.stdout.write(f"  update row {update.row}: @{update.username} {changes}")
        for gone in plan.deactivations:
            self.stdout.write(f"  deactivate @{gone.username} ({gone.employee_id})")

    def _fail(self, plan: importer.ImportPlan) -> None:
        for error in plan.errors:
            self.stderr.write(str(error))
        raise CommandError(plan.summary())
