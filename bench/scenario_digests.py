"""The digest scenario of ``make bench``: every digest of the organisation built and handed to a
local SMTP server, next to raw SMTP hand-offs of the same number of messages.

    .venv/bin/python -m bench.scenario_digests --size smoke

An aiosmtpd server listens on loopback in this process and counts what arrives. In a child
process on the organisation's database, ``send_due_digests(force=True)`` builds everyone's
digest (a batch of 1,000 people at a time) and queues the ones worth sending; ``core.mail``'s
``send_due`` then hands them to the server over one connection per 500. Measured: the seconds of
each step and in all (target ≤ 60 s for 10,000 people), the queries of the largest batch
(target: bounded per batch, whoever is in it: at most ``QUERY_BOUND``, however many people
the batch holds), and how many the server received. Baseline: the same number of small messages sent with smtplib in a
loop over one connection, the cost of SMTP alone.

The digests' marks (``digest_sent_at``) and the queued emails are removed at the end, so a
cached organisation stays as it was built.
"""

from __future__ import annotations

import itertools
import smtplib
import socket
import sys
import threading
import time
from collections.abc import Sequence
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

from bench.report import Figure, Row
from bench.scenario_feed import _verdict
from bench.scenario_posting import db_task, scenario_main

if TYPE_CHECKING:
    from bench.data import BenchOrg

MODULE = "bench.scenario_digests"
TARGET_SECONDS = 60.0
# What a batch may cost whoever is in it: who may see each of the 130 candidate posts and
# questions (notifications.digests.CANDIDATE_POSTS + CANDIDATE_QUESTIONS) is asked in at most
# five queries (feed.queries.people_who_can_see), plus a few dozen for the rest of the batch.
QUERY_BOUND = 5 * 130 + 50


def _digests(port: int) -> dict[str, Any]:
    """Child side: build, queue and send every digest to the server on ``port``."""
    from django.db import connection
    from django.test.utils import override_settings

    from watercooler.core import mail
    from watercooler.core.models import OutgoingEmail
    from watercooler.notifications import digests
    from watercooler.notifications.models import NotificationPreferences

    # The queries made so far, at the start of each batch's build: their differences are what
    # each batch cost (its build and queueing, and the next one's settings and claim).
    marks: list[int] = []
    queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    original = digests.build_digests

    def counted_build(*args: Any, **kwargs: Any) -> Any:
        marks.append(queries)
        return original(*args, **kwargs)

    mailer = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 30},
        }
    }
    first = OutgoingEmail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    digests.build_digests = counted_build
    try:
        with override_settings(MAILERS=mailer), connection.execute_wrapper(count):
            started = time.perf_counter()
            queued = digests.send_due_digests(force=True)
            marks.append(queries)
            built = time.perf_counter()
            sent = mail.send_due()
            done = time.perf_counter()
    finally:
        digests.build_digests = original
        OutgoingEmail.objects.filter(pk__gt=first).delete()
        NotificationPreferences.objects.update(digest_sent_at=None)
    return {
        "queued": queued,
        "sent": sent,
        "build_seconds": built - started,
        "send_seconds": done - built,
        "batches": [after - before for before, after in itertools.pairwise(marks)],
    }


DB_TASKS = {"digests": _digests}


class _Counter:
    def __init__(self) -> None:
        self.received = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            self.received += 1
        return "250 OK"


def _raw_smtp(port: int, count: int) -> float:
    """Seconds to send ``count`` small messages over one connection with smtplib."""
    message = EmailMessage()
    message["From"] = "bench@localhost"
    message["To"] = "someone@localhost"
    message["Subject"] = "Raw hand-off"
    message.set_content("A plain message of a few words.")
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        for _ in range(count):
            client.send_message(message)
    return time.perf_counter() - started


def _r(value: float | None, digits: int = 1) -> Figure:
    return None if value is None else round(value, digits)


def run(org: BenchOrg, report: list[Row]) -> None:
    from aiosmtpd.controller import Controller

    counter = _Counter()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        found = db_task(org, "digests", module=MODULE, port=port)
        received = counter.received
        raw_count = max(found["sent"], 1)
        raw_seconds = _raw_smtp(port, raw_count)
    finally:
        controller.stop()
    total = found["build_seconds"] + found["send_seconds"]
    batches: list[int] = found["batches"]
    most = max(batches) if batches else 0
    report.append(
        Row(
            scenario=f"digests for {org.people:,} people → local SMTP",
            target=f"≤ {TARGET_SECONDS:g} s in all; queries bounded per batch of 1,000",
            figures={
                "digests sent": found["sent"],
                "received": received,
                "build + queue s": _r(found["build_seconds"], 2),
                "hand to SMTP s": _r(found["send_seconds"], 2),
                "total s": _r(total, 2),
                "batches": len(batches),
                "queries per batch (max)": max(batches) if batches else 0,
            },
            baseline={f"raw smtplib, {raw_count:,} messages, s": _r(raw_seconds, 2)},
            ratio=total / raw_seconds if raw_seconds else None,
            verdict=_verdict(
                [
                    (total <= TARGET_SECONDS, f"{total:.1f} s"),
                    (received == found["sent"], f"{received} of {found['sent']} received"),
                    (most <= QUERY_BOUND, f"{most} queries in a batch (bound {QUERY_BOUND})"),
                ]
            ),
        )
    )


def main(argv: Sequence[str] | None = None) -> None:
    scenario_main(argv, doc=__doc__ or "", db_tasks=DB_TASKS, run=run)


if __name__ == "__main__":
    main(sys.argv[1:])
