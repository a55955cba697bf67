"""``manage.py send_event_reminders``: remind people going to events that start within the hour.

The task worker does this on its own (a task enqueued for each event's reminder time); this
command is the periodic safety net for cron or a systemd timer, next to ``send_reminders``. It is
idempotent, so running it every few minutes from several hosts is safe.
"""

from typing import Any

from django.core.management.base import BaseCommand

from watercooler.events.tasks import send_event_reminders


class Command(BaseCommand):
    help = "Remind people going to events that start within the hour (once per event)."

    def handle(self, *args: Any, **options: Any) -> None:
        reminded = send_event_reminders()
        if options["verbosity"] >= 1:
            self.stdout.write(f"Reminded {reminded} person(s) of upcoming events.")
