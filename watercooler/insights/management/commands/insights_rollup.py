"""``manage.py insights_rollup``: bring the adoption roll-ups up to today.

Dashboards queue the same work when they find the roll-ups more than an hour old; this command is
the periodic safety net for cron or a systemd timer (docs/deploy.md, "Scheduled work"). Overlapping
runs are safe: the second finds the days already written and leaves them.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand

from watercooler.insights import rollups


class Command(BaseCommand):
    help = "Compute the adoption roll-ups that the insights dashboards read, up to today."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        start, end = rollups.due_range()
        rows = rollups.rollup(start, end)
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"Rolled up {start} to {end}: {rows} rows in {time.perf_counter() - started:.1f} s."
            )
