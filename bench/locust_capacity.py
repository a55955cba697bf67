"""Locust users and load shape for bench.scenario_capacity: simulated people, ramped until the limits break.

Run by ``bench.scenario_capacity.run_locust`` (never by hand): ``BENCH_CAPACITY_CONFIG`` names a
JSON file with the people's API tokens, post bodies, reply texts, the ramp, the stop rule's
window, the action weights and think time, the websocket URL and Origin, and where to write the
result. Each ``Person`` reads, reacts, posts and replies over HTTP (locust's FastHttpUser, one
keep-alive connection) and holds a websocket with ``websocket-client``, which runs on the gevent
that locust monkey-patches in (one reader greenlet and one pinger greenlet per socket; the
client offers no permessage-deflate, unlike browsers). ``CapacityShape`` asks the scenario's
``Controller`` every second how many people to run and stops at the first breach.

Every HTTP answer and websocket outcome goes through ``events.request`` (websocket ones as
request type ``WS``, with no response time counted for the p99) into the controller. The result
file holds the controller's summary and the live figures: events received by type, delivery
latency of ``post.created`` and ``reply.created`` (receive time minus the ``created_at`` they carry)
and the ping → pong round trip.
"""

import contextlib
import datetime as dt
import itertools
import json
import os
import random
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote

import gevent
import websocket
from locust import FastHttpUser, LoadTestShape, between, events, task

from bench.scenario_capacity import Controller, Ramp, StopRule
from bench.ws_client import percentiles, raise_fd_limit

CONFIG: dict[str, Any] = json.loads(Path(os.environ["BENCH_CAPACITY_CONFIG"]).read_text())
TOKENS: list[str] = CONFIG["tokens"]
BODIES: list[str] = CONFIG["bodies"]
REPLIES: list[str] = CONFIG["replies"]
WEIGHTS: dict[str, int] = CONFIG["weights"]
THINK_MIN, THINK_MAX = CONFIG["think_seconds"]
PING_EVERY = float(CONFIG["ping_every_seconds"])
PONG_WITHIN = float(CONFIG["pong_within_seconds"])
WS_URL: str = CONFIG["ws_url"]
ORIGIN: str = CONFIG["origin"]
OUTPUT = Path(CONFIG["output"])
OPEN_TIMEOUT = 30.0
REACTION_KINDS = ("like", "love", "celebrate", "insightful", "funny", "support")
# Answers to a client's own messages, not live events.
ANSWERS = {"pong", "subscribed", "unsubscribed", "catch_up", "error"}

raise_fd_limit()
controller = Controller(
    Ramp(**CONFIG["ramp"]),
    StopRule(window_seconds=CONFIG["window_seconds"], min_samples=CONFIG["min_samples"]),
)
_next_token = itertools.count()
_live: Counter[str] = Counter()
_delivery_ms: list[float] = []
_pong_ms: list[float] = []
_first_errors: list[str] = []
_totals = Counter[str]()
_sockets_open = 0
_stopping = False


def _ws_outcome(name: str, started: float, exception: BaseException | None) -> None:
    events.request.fire(  # type: ignore[no-untyped-call]  # locust's EventHook: unannotated
        request_type="WS",
        name=name,
        response_time=(time.perf_counter() - started) * 1000,
        response_length=0,
        exception=exception,
        context={},
    )


def _created_at_ms(value: Any, now: float) -> float | None:
    if not isinstance(value, str):
        return None
    try:
        return (now - dt.datetime.fromisoformat(value).timestamp()) * 1000
    except ValueError:
        return None


class LiveSocket:
    """One tab's websocket: opened as live.js opens it (ping → pong, then catch_up), read by a
    greenlet that counts live events, pinged every 25 s by another."""

    def __init__(self, token: str) -> None:
        self.url = f"{WS_URL}?token={quote(token)}"
        self.ws: websocket.WebSocket | None = None
        self.closing = False
        self.ping_sent: float | None = None
        self.pong_seen = True
        self.subscribed: set[int] = set()
        self.greenlets: list[gevent.Greenlet] = []

    def open(self) -> bool:
        global _sockets_open
        started = time.perf_counter()
        try:
            ws = websocket.create_connection(
                self.url, origin=ORIGIN, timeout=OPEN_TIMEOUT, enable_multithread=True
            )
            ws.send('{"type":"ping"}')
            while True:  # the consumer answers once it authenticated and joined the groups
                answer = json.loads(ws.recv())
                if answer.get("type") == "pong":
                    break
            since = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=30)
            ws.send(json.dumps({"type": "catch_up", "since": since.isoformat()}))
            ws.settimeout(None)
        except Exception as exc:
            _ws_outcome("/ws/ open", started, exc)
            return False
        _ws_outcome("/ws/ open", started, None)
        self.ws = ws
        _sockets_open += 1
        self.greenlets = [gevent.spawn(self._read), gevent.spawn(self._ping)]
        return True

    def send(self, message: dict[str, Any]) -> None:
        if self.ws is not None and not self.closing:
            self.ws.send(json.dumps(message))

    def sync(self, post_ids: list[int]) -> None:
        """Follow the posts on the page, as live.js does after each render."""
        on_page = set(post_ids)
        removed, added = sorted(self.subscribed - on_page), sorted(on_page - self.subscribed)
        if removed:
            self.send({"type": "unsubscribe", "posts": removed})
        if added:
            self.send({"type": "subscribe", "posts": added})
        self.subscribed = on_page

    def _read(self) -> None:
        global _sockets_open
        assert self.ws is not None
        started = time.perf_counter()
        try:
            while True:
                message = self.ws.recv()
                now = time.time()
                event = json.loads(message)
                kind = event.get("type", "?") if isinstance(event, dict) else "?"
                if kind == "pong":
                    if self.ping_sent is not None:
                        _pong_ms.append((time.perf_counter() - self.ping_sent) * 1000)
                    self.pong_seen = True
                elif kind == "error":
                    _ws_outcome("/ws/ error event", started, RuntimeError(str(event)[:200]))
                elif kind not in ANSWERS:
                    _live[kind] += 1
                    created = None
                    if kind == "post.created":
                        created = _created_at_ms(event.get("post", {}).get("created_at"), now)
                    elif kind == "reply.created":
                        created = _created_at_ms(event.get("reply", {}).get("created_at"), now)
                    if created is not None:
                        _delivery_ms.append(created)
        except Exception as exc:
            if not self.closing and not _stopping:
                code = getattr(self.ws, "close_status", None) or type(exc).__name__
                _ws_outcome("/ws/ closed", started, RuntimeError(f"socket closed: {code}"))
        finally:
            _sockets_open -= 1

    def _ping(self) -> None:
        while not self.closing:
            gevent.sleep(PING_EVERY)
            if self.closing:
                return
            started = time.perf_counter()
            self.pong_seen = False
            self.ping_sent = started
            try:
                self.send({"type": "ping"})
            except Exception as exc:
                _ws_outcome("/ws/ ping", started, exc)
                return
            gevent.sleep(PONG_WITHIN)
            if self.closing:
                return
            _ws_outcome(
                "/ws/ ping",
                started,
                None if self.pong_seen else RuntimeError(f"no pong within {PONG_WITHIN:g} s"),
            )

    def close(self) -> None:
        self.closing = True
        for greenlet in self.greenlets:
            greenlet.kill(block=False)
        if self.ws is not None:
            # Closing at the end: nothing left to measure if the server already went.
            with contextlib.suppress(Exception):
                self.ws.close(timeout=1)


class Person(FastHttpUser):
    wait_time = between(THINK_MIN, THINK_MAX)

    def on_start(self) -> None:
        token = TOKENS[next(_next_token) % len(TOKENS)]
        self.headers = {"Authorization": f"Bearer {token}"}
        self.page: list[dict[str, Any]] = []
        self.reacted: set[tuple[int, str]] = set()
        self.socket = LiveSocket(token)
        self.socket.open()
        # People do not all click in the same second: the first action comes after a while.
        gevent.sleep(random.uniform(0, THINK_MAX))  # noqa: S311 - load pacing

    def on_stop(self) -> None:
        socket = getattr(self, "socket", None)  # None when stopped before on_start got there
        if socket is not None:
            socket.close()

    def _call(self, method: str, path: str, name: str, expect: int, body: Any = None) -> Any:
        with self.client.request(
            method, path, name=name, headers=self.headers, json=body, catch_response=True
        ) as response:
            if response.status_code != expect:
                response.failure(f"HTTP {response.status_code}: {(response.text or '')[:150]}")
                return None
            try:
                return response.json()
            except ValueError as exc:
                response.failure(f"not JSON: {exc}")
                return None

    @task(WEIGHTS["feed"])
    def read_feed(self) -> None:
        page = self._call("GET", "/api/v1/feed?limit=20", "GET /api/v1/feed", 200)
        if page is not None:
            self.page = [p for p in page["items"] if not p.get("is_deleted")]
            self.socket.sync([p["id"] for p in self.page])

    @task(WEIGHTS["react"])
    def react(self) -> None:
        choices = [
            (post["id"], kind)
            for post in self.page
            for kind in REACTION_KINDS
            if kind not in post.get("my_reactions", ()) and (post["id"], kind) not in self.reacted
        ]
        if not choices:
            self.read_feed()
            return
        post_id, kind = random.choice(choices)  # noqa: S311 - load data
        self.reacted.add((post_id, kind))
        self._call(
            "POST",
            f"/api/v1/posts/{post_id}/reactions",
            "POST /api/v1/posts/[id]/reactions",
            201,
            {"kind": kind},
        )

    @task(WEIGHTS["reply"])
    def reply(self) -> None:
        if not self.page:
            self.read_feed()
            return
        post = random.choice(self.page)  # noqa: S311 - load data
        self._call(
            "POST",
            f"/api/v1/posts/{post['id']}/replies",
            "POST /api/v1/posts/[id]/replies",
            201,
            {"body": random.choice(REPLIES)},  # noqa: S311 - load data
        )

    @task(WEIGHTS["post"])
    def post(self) -> None:
        body = random.choice(BODIES)  # noqa: S311 - load data
        self._call("POST", "/api/v1/posts", "POST /api/v1/posts", 201, {"body": body})


class CapacityShape(LoadTestShape):
    def tick(self) -> tuple[int, float] | None:
        global _stopping
        shape = controller.tick(time.monotonic(), _sockets_open)
        if shape is None:
            _stopping = True  # sockets closed from here on are ours, not failures
        return shape


@events.request.add_listener  # type: ignore[untyped-decorator]  # locust's EventHook: unannotated
def _record(request_type: str, name: str, response_time: float, exception: Any, **_: Any) -> None:
    timed = request_type != "WS"
    _totals["requests" if timed else "ws"] += 1
    if exception is not None:
        _totals["errors"] += 1
        if len(_first_errors) < 20:
            _first_errors.append(f"{request_type} {name}: {str(exception)[:200]}")
    controller.record(time.monotonic(), response_time if timed else None, exception is not None)


@events.quitting.add_listener  # type: ignore[untyped-decorator]
def _write(**_: Any) -> None:
    global _stopping
    _stopping = True
    OUTPUT.write_text(
        json.dumps(
            {
                **controller.summary(),
                "requests": _totals["requests"],
                "ws_outcomes": _totals["ws"],
                "errors": _totals["errors"],
                "first_errors": _first_errors,
                "live": {
                    "received": sum(_live.values()),
                    "by_type": dict(_live),
                    "delivery_ms": percentiles(_delivery_ms),
                    "delivery_samples": len(_delivery_ms),
                    "pong_ms": percentiles(_pong_ms),
                },
            }
        )
    )
