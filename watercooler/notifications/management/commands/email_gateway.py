"""``manage.py email_gateway [--host H] [--port P]``: an SMTP listener (aiosmtpd) for replies
by email. It accepts mail only for reply addresses of ours (``notifications.inbound``) and
posts each as the reply of the person it was sent to; anything else is refused during the SMTP
conversation, so the sender's server tells them why. Point the MX of ``EMAIL_REPLY_DOMAIN`` (or
a relay) at it (docs/notifications.md, "Reply by email")."""

import logging
import threading
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from watercooler.core.env import env_int, env_str
from watercooler.notifications import inbound

logger = logging.getLogger(__name__)

# The largest email taken: a reply's words, not attachments.
MAX_BYTES = 10 * 1024 * 1024


def _receive(raw: bytes, recipients: list[str]) -> str:
    close_old_connections()
    try:
        received = inbound.receive(raw, recipients)
    except inbound.Refused as refused:
        return f"550 5.7.1 {refused}"
    except Exception:  # an unexpected failure: the sender's server will try again
        logger.exception("A reply by email could not be posted")
        return "451 4.3.0 Could not post the reply now, try again later"
    finally:
        close_old_connections()
    if received.duplicate:
        return "250 2.0.0 Already posted"
    return "250 2.0.0 Posted"


class ReplyHandler:
    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if not inbound.is_reply_address(address):
            return "550 5.1.1 Not a reply address"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        return await sync_to_async(_receive)(raw, list(envelope.rcpt_tos))


class Command(BaseCommand):
    help = "Listen for replies by email (SMTP) and post them in their threads."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--host",
            default=env_str("EMAIL_GATEWAY_HOST", "127.0.0.1") or "127.0.0.1",
            help="Address to listen on (default: $EMAIL_GATEWAY_HOST or 127.0.0.1).",
        )
        parser.add_argument(
            "--port",
            type=int,
            default=env_int("EMAIL_GATEWAY_PORT", 2525, minimum=1),
            help="Port to listen on (default: $EMAIL_GATEWAY_PORT or 2525).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.EMAIL_REPLY_DOMAIN:
            raise CommandError(
                "Set EMAIL_REPLY_DOMAIN first: emails carry reply addresses at that domain."
            )
        controller = Controller(
            ReplyHandler(),
            hostname=options["host"],
            port=options["port"],
            data_size_limit=MAX_BYTES,
        )
        controller.start()
        self.stdout.write(
            f"Taking replies for reply+…@{settings.EMAIL_REPLY_DOMAIN} on"
            f" {options['host']}:{options['port']} (Ctrl-C to stop)."
        )
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
