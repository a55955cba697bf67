"""The push scenario of ``make bench``: one notification pushed to 5,000 subscribed devices,
next to raw HTTP POSTs of the same number to the same receiver.

    .venv/bin/python -m bench.scenario_push --size smoke

A push service stands in on loopback in this process (HTTP, answering 201 and counting what
arrives). In a child process on the organisation's database, 5,000 people (fewer on a smaller
organisation) each get a subscribed device pointing at it, one must-read notification is made
for all of them, and ``push.push_notifications`` sends it: each payload encrypted for its device
(RFC 8291) and signed (VAPID), one POST each over one HTTP session. Baseline: the same number of
POSTs of a payload of the same size over one session with requests, the cost of HTTP alone.
Everything made for the run is deleted at the end.
"""

from __future__ import annotations

import base64
import os
import socket
import sys
import threading
import time
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from bench.report import Figure, Row
from bench.scenario_feed import _verdict
from bench.scenario_posting import db_task, scenario_main

if TYPE_CHECKING:
    from bench.data import BenchOrg

MODULE = "bench.scenario_push"
DEVICES = {"full": 5_000, "smoke": 150}


def _push(url: str, devices: int) -> dict[str, Any]:
    """Child side: subscribe ``devices`` people, make one notification for them, push it."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
    from django.test.utils import override_settings

    from watercooler.notifications import push
    from watercooler.notifications.models import (
        Notification,
        NotificationKind,
        PushSubscription,
    )
    from watercooler.people.models import User

    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    p256dh = b64(key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint))
    auth = b64(os.urandom(16))
    people = list(
        User.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)[:devices]
    )
    PushSubscription.objects.bulk_create(
        [
            PushSubscription(person_id=pk, endpoint=f"{url}/push/{pk}", p256dh=p256dh, auth=auth)
            for pk in people
        ],
        batch_size=1_000,
    )
    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient_id=pk,
                kind=NotificationKind.ANNOUNCEMENT_REMINDER,
                subject="Benchmark",
                link="/",
            )
            for pk in people
        ],
        batch_size=1_000,
    )
    ids = [row.pk for row in rows]
    try:
        with override_settings(WEBPUSH_TEST_HOSTS=["127.0.0.1"]):
            started = time.perf_counter()
            report = push.push_notifications(ids)
            seconds = time.perf_counter() - started
        sample = push.payload(rows[0], 1)
    finally:
        Notification.objects.filter(pk__in=ids).delete()
        PushSubscription.objects.filter(endpoint__startswith=url).delete()
    return {
        "devices": len(people),
        "pushed": report.pushed,
        "failed": report.failed,
        "seconds": seconds,
        "payload_bytes": len(sample.encode()),
    }


DB_TASKS = {"push": _push}


class _Receiver:
    def __init__(self) -> None:
        self.received = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver.lock:
                    receiver.received += 1
                self.send_response(201)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _raw_posts(url: str, count: int, size: int) -> float:
    import requests

    body = os.urandom(size + 103)  # an aes128gcm record: the payload plus its header and tag
    started = time.perf_counter()
    with requests.Session() as session:
        for index in range(count):
            session.post(f"{url}/push/raw-{index}", data=body, timeout=10).raise_for_status()
    return time.perf_counter() - started


def _r(value: float | None, digits: int = 1) -> Figure:
    return None if value is None else round(value, digits)


def run(org: BenchOrg, report: list[Row]) -> None:
    receiver = _Receiver()
    receiver.thread.start()
    try:
        found = db_task(
            org, "push", module=MODULE, url=receiver.url, devices=DEVICES.get(org.size, 5_000)
        )
        pushed_received = receiver.received
        raw_seconds = _raw_posts(receiver.url, found["devices"], found["payload_bytes"])
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()
    per_second = found["pushed"] / found["seconds"] if found["seconds"] else None
    raw_per_second = found["devices"] / raw_seconds if raw_seconds else None
    report.append(
        Row(
            scenario=f"push fan-out to {found['devices']:,} devices → local receiver",
            target="reported next to raw HTTP POSTs to the same receiver",
            figures={
                "pushed": found["pushed"],
                "received": pushed_received,
                "failed": found["failed"],
                "seconds": _r(found["seconds"], 2),
                "pushes/s": _r(per_second),
            },
            baseline={"raw POSTs/s": _r(raw_per_second)},
            ratio=(per_second / raw_per_second) if per_second and raw_per_second else None,
            verdict=_verdict(
                [
                    (found["failed"] == 0, f"{found['failed']} failed"),
                    (
                        pushed_received == found["pushed"] == found["devices"],
                        f"{pushed_received} of {found['devices']} received",
                    ),
                ]
            ),
        )
    )


def main(argv: Sequence[str] | None = None) -> None:
    scenario_main(argv, doc=__doc__ or "", db_tasks=DB_TASKS, run=run)


if __name__ == "__main__":
    main(sys.argv[1:])
