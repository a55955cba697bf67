"""``manage.py send_reminders``: publish due announcements and send due must-read reminders.

The task worker does both on its own (tasks enqueued with ``run_after``); this command is the
periodic safety net for cron or a systemd timer in scale-out (docs/deploy.md, "Scheduled work").
It is idempotent, so running it every minute from several hosts is safe.
"""

from typing import Any

from django.core.management.base import BaseCommand

from watercooler.announcements.tasks import publish_due_announcements, send_announcement_reminders


class Command(BaseCommand):
    help = "Publish announcements whose time has come and send due must-read reminders."

    def handle(self, *args: Any, **options: Any) -> None:
        published = publish_due_announcements()
        reminded = send_announcement_reminders()
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"Published {published} announcement(s); reminded {reminded} person(s)."
            )
