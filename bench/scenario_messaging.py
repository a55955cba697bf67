"""Messaging scenarios of ``make bench``: a message from send to every participant's socket, the
sustained sending rate next to raw inserts, and the inbox of a person in 1,000 conversations.

    .venv/bin/python -m bench.scenario_messaging --size smoke

1. **Send → delivered**, for a 1:1 conversation and a 50-person group made for the run from the
   organisation's people. Every participant holds one socket (``/ws/?token=…``, in this process).
   First the maximum: ``SENDERS`` clients post ``POST /api/v1/conversations/{id}/messages`` as
   fast as the server answers (the sender rotating among the participants); then, at half that
   rate and paced (each send on its own schedule, whatever the answers' times), the time from
   just before each POST until each participant's socket received that message's
   ``message.created``: p50 and p99 over every (message, socket), target p99 ≤ 50 ms. Run by
   ``bench.run --workers 1,2 --redis-url …`` it is measured on one process and across two over
   Redis (sockets and requests land on either).
2. **Sustained sending next to raw inserts**: the maximum above against rows inserted in a child
   process as a message's write does (the message, the conversation's last message, the seats'
   counters), one transaction each, in a loop.
3. **The inbox** of a person in 1,000 conversations (one message each, made for the run):
   ``GET /api/v1/conversations`` and the ``/messages/`` page, maximum (wrk) and p99 at half of it
   (locust), target ≤ 25 ms.

Everything made for the run (conversations, their messages and seats, API tokens) is deleted at
the end, so a cached organisation stays as it was built.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from bench.load import require_tools
from bench.report import Figure, Row
from bench.scenario_feed import (
    BENCH_SETTINGS,
    TIMINGS,
    _measure,
    _verdict,
    collected_static,
    sign_in,
)
from bench.scenario_posting import db_task, scenario_main
from bench.server import serve
from bench.ws_client import percentiles

if TYPE_CHECKING:
    from bench.data import BenchOrg

APP = "watercooler.asgi:application"
MODULE = "bench.scenario_messaging"
TOKEN_NAME = "bench-messaging"  # noqa: S105 (an ApiToken name, not a secret)
GROUP = 50
INBOX = {"full": 1000, "smoke": 1000}
DELIVERY_P99_MS = 50.0
INBOX_P99_MS = 25.0
SENDERS = 8
# (seconds at the maximum, seconds at half of it) per size.
SECONDS = {"full": (10.0, 15.0), "smoke": (1.5, 2.0)}
RAW_ROWS = {"full": 2000, "smoke": 200}
DELIVERY_WAIT = 10.0


# --- Database tasks (a child process with the org's environment) ------------------------------


def _prepare(inbox_owner: str, inbox_size: int) -> dict[str, Any]:
    """The 1:1 and the group, tokens for their people, and the inbox owner's conversations."""
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from watercooler.messaging import actions
    from watercooler.messaging.models import Conversation, Message, Seat
    from watercooler.people.actions import do_create_api_token
    from watercooler.people.models import Role, User

    owner = User.objects.get(username=inbox_owner)
    people = list(
        User.objects.filter(is_active=True)
        .exclude(role=Role.GUEST)
        .exclude(pk=owner.pk)
        .order_by("pk")[: max(GROUP, inbox_size)]
    )
    members = people[:GROUP]
    tokens = {p.username: do_create_api_token(user=p, name=TOKEN_NAME)[1] for p in members}
    one_to_one, _ = actions.do_start_conversation(actor=members[0], usernames=[members[1].username])
    group, _ = actions.do_start_conversation(
        actor=members[0], usernames=[p.username for p in members[1:]], title="Bench group"
    )
    made = [one_to_one.pk, group.pk]
    now = timezone.now()
    with transaction.atomic():
        others = [p for p in people if p.pk not in {m.pk for m in members[:2]}][:inbox_size]
        conversations = Conversation.objects.bulk_create(
            [
                Conversation(
                    title=f"Bench inbox {i}",
                    direct_key=None,
                    created_by=owner,
                    created_at=now,
                )
                for i in range(len(others))
            ]
        )
        messages = Message.objects.bulk_create(
            [
                Message(
                    conversation=conversation,
                    author=other,
                    body=f"Hello from {other.display_name}",
                    body_html=f"<p>Hello from {other.display_name}</p>",
                    created_at=now,
                )
                for conversation, other in zip(conversations, others, strict=True)
            ]
        )
        for conversation, message in zip(conversations, messages, strict=True):
            conversation.last_message = message
        Conversation.objects.bulk_update(conversations, ["last_message"])
        seats = []
        for i, (conversation, other) in enumerate(zip(conversations, others, strict=True)):
            at = now - dt.timedelta(minutes=i)
            seats.append(
                Seat(
                    conversation=conversation,
                    person=owner,
                    is_admin=True,
                    joined_at=at,
                    last_activity_at=at,
                    unread_count=i % 3,
                )
            )
            seats.append(
                Seat(conversation=conversation, person=other, joined_at=at, last_activity_at=at)
            )
        Seat.objects.bulk_create(seats)
    made += [c.pk for c in conversations]
    return {
        "one_to_one": {"id": one_to_one.pk, "people": [m.username for m in members[:2]]},
        "group": {"id": group.pk, "people": [m.username for m in members]},
        "tokens": tokens,
        "made": made,
        "inbox": len(conversations),
    }


def _cleanup(made: list[int]) -> dict[str, Any]:
    from watercooler.messaging.models import Conversation, Heartbeat, PresenceAnnounced
    from watercooler.notifications.models import Notification
    from watercooler.people.models import ApiToken

    Conversation.objects.filter(pk__in=made).update(last_message=None)
    deleted, _ = Conversation.objects.filter(pk__in=made).delete()
    Notification.objects.filter(group_key__in=[f"message:{pk}" for pk in made]).delete()
    Heartbeat.objects.all().delete()
    PresenceAnnounced.objects.all().delete()
    ApiToken.objects.filter(name=TOKEN_NAME).delete()
    return {"deleted": deleted}


def _raw_inserts(conversation_id: int, rows: int) -> dict[str, Any]:
    """Messages written as ``do_send_message`` writes them, without the rest of the request."""
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone

    from watercooler.messaging.models import PRESENT, Conversation, Message, Seat

    conversation = Conversation.objects.get(pk=conversation_id)
    author_id = Seat.objects.filter(conversation=conversation).values_list("person_id", flat=True)[
        0
    ]
    started = time.perf_counter()
    for i in range(rows):
        with transaction.atomic():
            message = Message.objects.create(
                conversation=conversation,
                author_id=author_id,
                body=f"raw {i}",
                body_html=f"<p>raw {i}</p>",
                created_at=timezone.now(),
            )
            Conversation.objects.filter(pk=conversation_id).update(last_message=message)
            seats = Seat.objects.filter(PRESENT, conversation=conversation)
            seats.exclude(person_id=author_id).update(unread_count=F("unread_count") + 1)
    elapsed = time.perf_counter() - started
    return {"per_second": rows / elapsed if elapsed else 0.0}


DB_TASKS: dict[str, Callable[..., dict[str, Any]]] = {
    "prepare": _prepare,
    "cleanup": _cleanup,
    "raw_inserts": _raw_inserts,
}


# --- Sockets and senders (this process) --------------------------------------------------------


class Sockets:
    """One socket per participant; each remembers when it first saw each message's marker."""

    def __init__(self) -> None:
        self.arrived: dict[str, dict[str, float]] = {}
        self.tasks: list[asyncio.Task[None]] = []
        self.connections: list[Any] = []

    async def open(self, ws_url: str, tokens: Sequence[str]) -> None:
        from websockets.asyncio.client import connect

        for index, token in enumerate(tokens):
            ws = await connect(f"{ws_url}?token={token}", compression=None, max_queue=None)
            await ws.send(json.dumps({"type": "ping"}))
            while json.loads(await ws.recv()).get("type") != "pong":
                pass
            self.connections.append(ws)
            stamps: dict[str, float] = {}
            self.arrived[str(index)] = stamps
            self.tasks.append(asyncio.create_task(self._read(ws, stamps)))

    @staticmethod
    async def _read(ws: Any, stamps: dict[str, float]) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            async for frame in ws:
                now = time.perf_counter()
                # Cheap before parsing: most frames are messages; presence and the rest pass.
                if '"message.created"' not in frame:
                    continue
                body = json.loads(frame)["message"]["body"]
                stamps.setdefault(body, now)
        except ConnectionClosed:
            pass

    async def close(self) -> None:
        for ws in self.connections:
            await ws.close()
        for task in self.tasks:
            task.cancel()


async def _post(session: Any, url: str, token: str, body: str) -> bool:
    async with session.post(
        url, json={"body": body}, headers={"Authorization": f"Bearer {token}"}
    ) as response:
        await response.read()
        created: bool = response.status == 201
        return created


async def _delivery(
    base: str, conversation: dict[str, Any], tokens: dict[str, str], seconds: tuple[float, float]
) -> dict[str, Any]:
    """The maximum send rate, then send → delivered at half of it."""
    import aiohttp

    people = conversation["people"]
    senders = [tokens[name] for name in people]
    url = f"{base}/api/v1/conversations/{conversation['id']}/messages"
    sockets = Sockets()
    await sockets.open(base.replace("http://", "ws://") + "/ws/", senders)
    connector = aiohttp.TCPConnector(limit=64)
    async with aiohttp.ClientSession(connector=connector) as session:
        # Warm: every process and statement cache.
        for i in range(10):
            await _post(session, url, senders[i % len(senders)], f"warm {i}")
        stop = time.perf_counter() + seconds[0]
        sent = errors = 0

        async def flat_out(index: int) -> None:
            nonlocal sent, errors
            n = 0
            while time.perf_counter() < stop:
                ok = await _post(
                    session, url, senders[(index + n) % len(senders)], f"max {index}.{n}"
                )
                sent += ok
                errors += not ok
                n += 1

        started = time.perf_counter()
        await asyncio.gather(*(flat_out(i) for i in range(SENDERS)))
        most = sent / (time.perf_counter() - started)
        await asyncio.sleep(1.0)  # the last deliveries of the maximum drain

        rate = most / 2
        count = max(10, int(rate * seconds[1]))
        sent_at: dict[str, float] = {}
        failures = 0

        async def one(i: int) -> None:
            nonlocal failures
            marker = f"paced {i}"
            sent_at[marker] = time.perf_counter()
            if not await _post(session, url, senders[i % len(senders)], marker):
                failures += 1

        begin = time.perf_counter()
        pending = []
        for i in range(count):
            delay = begin + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            pending.append(asyncio.create_task(one(i)))
        await asyncio.gather(*pending)
        deadline = time.perf_counter() + DELIVERY_WAIT
        while time.perf_counter() < deadline:
            if all(
                len([m for m in s if m.startswith("paced ")]) >= count
                for s in sockets.arrived.values()
            ):
                break
            await asyncio.sleep(0.05)
    await sockets.close()
    latencies = []
    missing = 0
    for stamps in sockets.arrived.values():
        for marker, at in sent_at.items():
            if marker in stamps:
                latencies.append(1000 * (stamps[marker] - at))
            else:
                missing += 1
    return {
        "max_per_second": most,
        "max_errors": errors,
        "rate": rate,
        "messages": count,
        "sockets": len(people),
        "failures": failures,
        "missing": missing,
        "latency": percentiles(latencies),
    }


def _r(value: float | None, digits: int = 1) -> Figure:
    return None if value is None else round(value, digits)


def run(org: BenchOrg, report: list[Row]) -> None:
    require_tools()
    timing = TIMINGS.get(org.size, TIMINGS["full"])
    seconds = SECONDS.get(org.size, SECONDS["full"])
    made = db_task(org, "prepare", module=MODULE, inbox_owner=org.comms, inbox_size=INBOX[org.size])
    # Pages need the production static files (as the feed's page scenario does).
    page_env = {**org.env, "DJANGO_SETTINGS_MODULE": BENCH_SETTINGS, **collected_static(org.env)}
    try:
        with serve(APP, env=page_env) as server:
            deliveries = {
                name: asyncio.run(_delivery(server.url, made[name], made["tokens"], seconds))
                for name in ("one_to_one", "group")
            }
            session = sign_in(server.url, org.comms, org.password)
            inbox = {
                "/api/v1/conversations": _measure(
                    server,
                    "/api/v1/conversations",
                    [f"Authorization: Bearer {org.tokens[org.comms]}"],
                    timing,
                ),
                "/messages/": _measure(
                    server, "/messages/", [f"Cookie: sessionid={session}"], timing
                ),
            }
        raw = db_task(
            org,
            "raw_inserts",
            module=MODULE,
            conversation_id=made["one_to_one"]["id"],
            rows=RAW_ROWS[org.size],
        )
    finally:
        db_task(org, "cleanup", module=MODULE, made=made["made"])
    for name, label in (("one_to_one", "1:1"), ("group", f"{GROUP}-person group")):
        found = deliveries[name]
        latency = found["latency"]
        p99 = latency.get("p99")
        lost = found["missing"] + found["failures"] + found["max_errors"]
        report.append(
            Row(
                scenario=f"message send → delivered, {label} ({found['sockets']} sockets)",
                target=f"p99 ≤ {DELIVERY_P99_MS:g} ms at ½ max; messages/s next to raw inserts",
                figures={
                    "max messages/s": _r(found["max_per_second"]),
                    "paced messages/s": _r(found["rate"]),
                    "deliveries": found["messages"] * found["sockets"] - found["missing"],
                    "p50 ms": _r(latency.get("p50")),
                    "p99 ms": _r(p99),
                    "lost or failed": lost,
                },
                baseline={"raw inserts/s in-process": _r(raw["per_second"])},
                ratio=found["max_per_second"] / raw["per_second"] if raw["per_second"] else None,
                verdict=_verdict(
                    [
                        (p99 is not None and p99 <= DELIVERY_P99_MS, f"p99 {_r(p99)} ms"),
                        (lost == 0, f"{lost} lost or failed"),
                    ]
                ),
            )
        )
    for path, (most, latency) in inbox.items():
        assert most is not None
        errors = most.errors + latency.errors
        report.append(
            Row(
                scenario=f"inbox `{path}` ({made['inbox']:,} conversations)",
                target=f"p99 ≤ {INBOX_P99_MS:g} ms at ½ max",
                figures={
                    "max req/s": _r(most.per_second),
                    "CPU ms/req": _r(most.cpu_ms, 2),
                    "p50 ms at ½ max": _r(latency.p50_ms, 2),
                    "p99 ms at ½ max": _r(latency.p99_ms, 2),
                },
                verdict=_verdict(
                    [
                        (latency.p99_ms <= INBOX_P99_MS, f"p99 {latency.p99_ms:.1f} ms"),
                        (errors == 0, f"{errors} errors"),
                    ]
                ),
            )
        )


def main(argv: Sequence[str] | None = None) -> None:
    scenario_main(argv, doc=__doc__ or "", db_tasks=DB_TASKS, run=run)


if __name__ == "__main__":
    main(sys.argv[1:])
