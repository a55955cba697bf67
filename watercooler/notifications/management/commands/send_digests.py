"""``manage.py send_digests [--now] [--person USERNAME]``: send the digests that are due (each
person's, at 7:00 their time on their day); ``--now`` sends them whatever the hour, and
``--now --person USERNAME`` sends that person's at once. The task worker runs the due ones
every few minutes on its own (``core/periodic.py``); this is for cron and for trying it."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from watercooler.core import mail
from watercooler.core.management.commands.serve import email_help as mail_help
from watercooler.notifications import digests
from watercooler.people.models import User


class Command(BaseCommand):
    help = "Send the digests that are due (--now: whatever the hour; --person: one person's)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--now", action="store_true", help="Send now, whatever the hour.")
        parser.add_argument("--person", metavar="USERNAME", help="Only this person's digest.")

    def handle(self, *args: Any, **options: Any) -> None:
        only = None
        if options["person"]:
            person = User.objects.filter(username=options["person"]).first()
            if person is None:
                raise CommandError(f"Nobody has the username {options['person']!r}.")
            if not person.is_active or not person.email:
                raise CommandError(f"{person.username} is deactivated or has no email address.")
            only = [person.pk]
        queued = digests.send_due_digests(force=options["now"], only=only)
        # Hand them to the mail server now rather than at the worker's next turn.
        sent = mail.send_due()
        self.stdout.write(
            f"{queued} digest{'s' if queued != 1 else ''} queued; {sent} email"
            f"{'s' if sent != 1 else ''} handed to the mailer. {mail_help()}"
        )
