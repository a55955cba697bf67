"""``manage.py run_periodic``: run the periodic jobs that are due (digests, missed-activity
email, the email outbox) once, for cron in scale-out. ``manage.py serve``'s worker runs them on
its own; running both is safe: each job is claimed for its period (``core/periodic.py``)."""

from typing import Any

from django.core.management.base import BaseCommand

from watercooler.core import periodic


class Command(BaseCommand):
    help = "Run the periodic jobs that are due (digests, missed-activity email, the outbox)."

    def handle(self, *args: Any, **options: Any) -> None:
        for name, result in periodic.run_due().items():
            self.stdout.write(f"{name}: {result}")
