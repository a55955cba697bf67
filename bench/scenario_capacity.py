"""Capacity scenario of ``make bench``: how many active people one app process holds.

    .venv/bin/python -m bench.scenario_capacity --size smoke      # ~20 s, checks the harness
    .venv/bin/python -m bench.scenario_capacity --size full [--max-seconds 180] [--step 100]

``run(org, report)`` serves the real app (``watercooler.asgi:application``, one uvicorn process,
in-memory channel layer; posting, replying and reacting queue no background task, so no task
worker) and ramps simulated people with locust, headless in its own process
(``bench/locust_capacity.py``, driven by the pure ``Ramp``/``StopRule``/``Controller`` below).

**A simulated person** is a member signed in with their own API bearer token (tokens created
for as many people as the ramp may need, as the posting scenario creates its authors'), holds one
websocket to ``/ws/`` as a browser tab does (``ping`` every 25 s, a missing ``pong`` within 10 s
counts as a failed socket, the page's posts subscribed to), counts the live events it receives
and, with think time, loops over:

| action | weight | request |
| --- | --- | --- |
| read the home feed | 75 | ``GET /api/v1/feed?limit=20`` |
| react to a post on that page | 12 | ``POST /api/v1/posts/<id>/reactions`` (a kind not yet given) |
| post | 8 | ``POST /api/v1/posts`` (Markdown with a #topic, a third with an @mention) |
| reply to a post on that page | 5 | ``POST /api/v1/posts/<id>/replies`` |

Why these: reading dominates an intranet feed; the writes are split as the organisation's own
rows are (~900,000 reactions : 600,000 posts : 400,000 replies), and a quarter of the actions
being writes is what an *active* person looks like, not an idle tab. Think time 5-15 s (mean
10 s) between actions: a person scrolling, reading a post, then acting; so 2,000 people make
about 200 requests per second. Each person starts after a random 0-15 s, so a step's newcomers
do not all click in the same second.

**The ramp** adds ``step`` people every ``step_seconds`` (smoke: +50 every 3 s up to the 200
people of the smoke organisation; full: +100 every 20 s, longer than the longest think time, so
each level is seen in its steady state) up to a cap (4,000 people, or the tokens available) or
a time budget. **The stop rule**, checked every second over a sliding window (the last
``window_seconds``, stretched to the newest ``min_samples`` requests when fewer arrived): p99 of
the HTTP requests > 250 ms, or errors > 0.025 % of everything tried (HTTP answers >= 400 or
failed requests, websockets that failed to open, closed by the server or left a ping
unanswered). p99 is only judged on at least ``min_samples`` requests; errors always. A level is
*held* when its whole step passed without the rule firing; the row reports the largest level
held, its p50/p95/p99 and requests/s, the live events received and their delivery latency
(``created_at`` of the post or reply in the event vs the receive time, same machine and
clock), the pong round trip, the server's CPU per request over the run and its peak RSS. The
baseline column is the first level of the same ramp (the latency of a barely loaded server).
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.load import percentile
from bench.report import Row, table

if TYPE_CHECKING:
    from bench.data import BenchOrg

APP = "watercooler.asgi:application"
LOCUSTFILE = Path(__file__).resolve().parent / "locust_capacity.py"

TARGET_PEOPLE = 2000
P99_LIMIT_MS = 250.0
ERROR_LIMIT = 0.00025  # 0.025 %
TARGET = "hold ≥ 2,000 concurrent active people (p99 ≤ 250 ms, errors ≤ 0.025 %)"
CAP = 4000

# Action weights and think time (see the module docstring for why).
WEIGHTS = {"feed": 75, "react": 12, "post": 8, "reply": 5}
THINK_SECONDS = (5.0, 15.0)
# As static/js/live.js: a ping every 25 s, the socket given up when no pong came within 10 s.
PING_EVERY_SECONDS = 25.0
PONG_WITHIN_SECONDS = 10.0
REPLIES = [
    "Thanks, that helps a lot.",
    "+1, same here.",
    "Good point, let's pick it up at the next sync.",
    "Could you share the link? I can't find it.",
    "Nice work, congrats to the team!",
    "I'll take a look this afternoon.",
    "Is this written down somewhere? Happy to help with the docs.",
    "We saw the same thing last week; restarting the job fixed it.",
]


# --- The ramp and the stop rule (pure: tested in bench/tests/test_capacity.py) ----------------


@dataclass(frozen=True)
class Ramp:
    """``step`` more people every ``step_seconds`` up to ``cap``; the cap is held for one step,
    then the run ends. ``spawn_rate`` people start per second within a step; the run also ends
    after ``max_seconds``."""

    step: int
    step_seconds: float
    cap: int
    max_seconds: float
    spawn_rate: float

    @property
    def stages(self) -> int:
        return max(1, math.ceil(self.cap / self.step))

    def stage_at(self, elapsed: float) -> int | None:
        """The index of the level in force ``elapsed`` seconds in, or None once the run is over."""
        if elapsed >= self.max_seconds:
            return None
        stage = int(elapsed // self.step_seconds)
        return stage if stage < self.stages else None

    def users(self, stage: int) -> int:
        return min(self.cap, self.step * (stage + 1))


@dataclass
class StopRule:
    """p99 and error share over a sliding window of samples.

    A sample is one thing tried: an HTTP request (``ms`` set: it counts for the p99) or a
    websocket open, ping or unexpected close (``ms`` None). The window holds the last
    ``window_seconds``, or the newest ``min_samples`` timed samples when fewer arrived in that
    time; p99 is judged only with ``min_samples`` timed samples (below that it is the maximum of
    a handful), errors always.
    """

    window_seconds: float
    min_samples: int = 100
    p99_limit_ms: float = P99_LIMIT_MS
    error_limit: float = ERROR_LIMIT
    samples: deque[tuple[float, float | None, bool]] = field(default_factory=deque)
    timed: int = 0

    def add(self, now: float, ms: float | None, error: bool) -> None:
        self.samples.append((now, ms, error))
        if ms is not None:
            self.timed += 1

    def _prune(self, now: float) -> None:
        while self.samples and self.samples[0][0] < now - self.window_seconds:
            first_ms = self.samples[0][1]
            if first_ms is not None and self.timed <= self.min_samples:
                break
            self.samples.popleft()
            if first_ms is not None:
                self.timed -= 1

    def p99_ms(self) -> float | None:
        times = sorted(ms for _, ms, _ in self.samples if ms is not None)
        return percentile(times, 0.99) if len(times) >= self.min_samples else None

    def error_share(self) -> float:
        if not self.samples:
            return 0.0
        return sum(error for _, _, error in self.samples) / len(self.samples)

    def breach(self, now: float) -> str | None:
        """Why the limits are broken now, or None while they hold."""
        self._prune(now)
        share = self.error_share()
        if share > self.error_limit:
            errors = sum(error for _, _, error in self.samples)
            return f"errors {100 * share:.3g} % ({errors} of {len(self.samples)})"
        p99 = self.p99_ms()
        if p99 is not None and p99 > self.p99_limit_ms:
            return f"p99 {p99:.0f} ms"
        return None


@dataclass
class Stage:
    users: int
    started: float  # seconds since the ramp started
    ended: float | None = None
    completed: bool = False
    times_ms: list[float] = field(default_factory=list)
    samples: int = 0
    errors: int = 0
    sockets_open: int = 0

    def summary(self) -> dict[str, Any]:
        times = sorted(self.times_ms)
        seconds = (self.ended or self.started) - self.started
        return {
            "users": self.users,
            "started": round(self.started, 2),
            "ended": round(self.ended, 2) if self.ended is not None else None,
            "completed": self.completed,
            "requests": len(times),
            "requests_per_s": len(times) / seconds if seconds > 0 else 0.0,
            "samples": self.samples,
            "errors": self.errors,
            "p50_ms": percentile(times, 0.50),
            "p95_ms": percentile(times, 0.95),
            "p99_ms": percentile(times, 0.99),
            "sockets_open": self.sockets_open,
        }


class Controller:
    """The ramp and the stop rule together; the locust shape calls ``tick`` every second and
    every sample goes through ``record``. ``held`` is the largest level that completed a whole
    step with the limits respected."""

    def __init__(self, ramp: Ramp, rule: StopRule) -> None:
        self.ramp = ramp
        self.rule = rule
        self.started: float | None = None
        self.stages: list[Stage] = []
        self.stopped: str | None = None

    @property
    def held(self) -> int:
        return max((s.users for s in self.stages if s.completed), default=0)

    def record(self, now: float, ms: float | None, error: bool) -> None:
        if self.started is None or self.stopped is not None or not self.stages:
            return  # before the first level or after the end: not part of any level
        self.rule.add(now, ms, error)
        stage = self.stages[-1]
        stage.samples += 1
        stage.errors += error
        if ms is not None:
            stage.times_ms.append(ms)

    def tick(self, now: float, sockets_open: int = 0) -> tuple[int, float] | None:
        """(people, spawn rate) to run now, or None to stop (``stopped`` says why)."""
        if self.stopped is not None:
            return None
        if self.started is None:
            self.started = now
        elapsed = now - self.started
        if self.stages:
            self.stages[-1].sockets_open = sockets_open
        reason = self.rule.breach(now) if self.stages else None
        if reason is not None:
            self._end(elapsed, completed=False)
            self.stopped = f"{reason} at {self.stages[-1].users:,} people"
            return None
        stage = self.ramp.stage_at(elapsed)
        if stage is None:
            over_time = elapsed >= self.ramp.max_seconds
            # The last level is held only if it ran its whole step.
            complete = bool(self.stages) and elapsed - self.stages[-1].started >= (
                self.ramp.step_seconds
            )
            self._end(elapsed, completed=complete)
            self.stopped = "time budget" if over_time else f"cap of {self.ramp.cap:,} people"
            return None
        if len(self.stages) <= stage:
            if self.stages:
                self._end(elapsed, completed=True)
            self.stages.append(Stage(users=self.ramp.users(stage), started=elapsed))
        return self.stages[-1].users, self.ramp.spawn_rate

    def _end(self, elapsed: float, *, completed: bool) -> None:
        if self.stages and self.stages[-1].ended is None:
            self.stages[-1].ended = elapsed
            self.stages[-1].completed = completed

    def summary(self) -> dict[str, Any]:
        return {
            "held": self.held,
            "stopped": self.stopped,
            "stages": [s.summary() for s in self.stages],
        }


# --- Sizes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    ramp: Ramp
    window_seconds: float
    min_samples: int


PLANS = {
    # Smoke: seconds, to check the harness (few requests: the p99 rule barely engages).
    "smoke": Plan(
        Ramp(step=50, step_seconds=3.0, cap=200, max_seconds=16.0, spawn_rate=50.0),
        window_seconds=3.0,
        min_samples=100,
    ),
    # Full: a step outlasts the longest think time, so each level is seen in its steady state.
    "full": Plan(
        Ramp(step=100, step_seconds=20.0, cap=CAP, max_seconds=900.0, spawn_rate=50.0),
        window_seconds=15.0,
        min_samples=200,
    ),
}


# --- The row (pure) -----------------------------------------------------------------------------


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None or math.isnan(value) else round(value, digits)


def capacity_row(result: dict[str, Any], peak_rss: int, ramp: Ramp) -> Row:
    """The report's row from the locust process's result (``Controller.summary`` plus the live
    figures) and the server's peak RSS."""
    stages = result["stages"]
    held = int(result["held"])
    held_stage = next((s for s in reversed(stages) if s["completed"] and s["users"] == held), None)
    last = stages[-1] if stages else None
    live = result["live"]
    figures: dict[str, Any] = {"people held": held}
    if held_stage is not None:
        figures |= {
            "p50 ms": _round(held_stage["p50_ms"]),
            "p95 ms": _round(held_stage["p95_ms"]),
            "p99 ms": _round(held_stage["p99_ms"]),
            "req/s": _round(held_stage["requests_per_s"]),
            "sockets open": held_stage["sockets_open"],
        }
    figures |= {
        "stopped": result["stopped"] or "—",
        "requests": result["requests"],
        "errors": result["errors"],
        "live events": live["received"],
        "delivery p50 ms": _round(live["delivery_ms"].get("p50")),
        "delivery p99 ms": _round(live["delivery_ms"].get("p99")),
        "pong p99 ms": _round(live["pong_ms"].get("p99")),
        # Over the whole run (every level): what one request of the mix costs the server.
        "server CPU ms/req": _round(
            1000 * result["server_cpu_seconds"] / result["requests"]
            if result.get("server_cpu_seconds") is not None and result["requests"]
            else None
        ),
        "peak RSS MiB": round(peak_rss / 2**20),
        "ramp": f"+{ramp.step} every {ramp.step_seconds:g} s",
    }
    if last is not None and last is not held_stage:
        figures["last level"] = f"{last['users']:,} people, p99 {_round(last['p99_ms'])} ms"
    baseline: dict[str, Any] = {}
    if stages:
        first = stages[0]
        baseline = {
            f"at {first['users']} people p50 ms": _round(first["p50_ms"]),
            "p99 ms": _round(first["p99_ms"]),
            "req/s": _round(first["requests_per_s"]),
        }
    if held >= TARGET_PEOPLE:
        verdict = f"met: {held:,} people held"
    else:
        verdict = f"missed: {held:,} people held (stopped: {result['stopped'] or 'no level'})"
    return Row(
        scenario="capacity (people reading, posting, replying, reacting, live over /ws/)",
        target=TARGET,
        figures=figures,
        baseline=baseline,
        ratio=held / TARGET_PEOPLE,
        verdict=verdict,
    )


# --- Running it ---------------------------------------------------------------------------------


def _warm_up(url: str, token: str) -> None:
    """One feed read before the ramp: first-use imports and caches are not a person's cost."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)
    try:
        conn.request("GET", "/api/v1/feed?limit=20", headers={"Authorization": f"Bearer {token}"})
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"GET /api/v1/feed answered {response.status}: {body[:300]!r}")
    finally:
        conn.close()


def run_locust(url: str, config: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Run bench/locust_capacity.py headless with ``config``; its result."""
    from bench.server import LOG_DIR, child_env

    LOG_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-capacity-") as tmp:
        config_path = Path(tmp) / "config.json"
        output = Path(tmp) / "result.json"
        config_path.write_text(json.dumps({**config, "output": str(output)}))
        command = [
            str(Path(sys.executable).parent / "locust"),
            f"--locustfile={LOCUSTFILE}",
            "--headless",
            f"--host={url}",
            "--only-summary",
            "--loglevel=WARNING",
            "--exit-code-on-error=0",
            "--skip-log-setup",
            "--stop-timeout=0",
        ]
        log = LOG_DIR / f"locust_capacity-{int(time.time())}.log"
        with log.open("w") as out:
            done = subprocess.run(  # noqa: S603 - our own interpreter's locust
                command,
                env=child_env({"BENCH_CAPACITY_CONFIG": str(config_path)}),
                cwd=tmp,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=timeout,
                check=False,
            )
        if done.returncode != 0 or not output.exists():
            text = log.read_text(errors="replace")[-4000:]
            raise RuntimeError(f"locust failed ({done.returncode}), log {log}:\n{text}")
        result: dict[str, Any] = json.loads(output.read_text())
        return result


def run(
    org: BenchOrg,
    report: list[Row],
    *,
    step: int | None = None,
    step_seconds: float | None = None,
    cap: int | None = None,
    max_seconds: float | None = None,
) -> None:
    """The capacity ramp at the org's size, one Row appended to ``report`` (bench/run.py)."""
    from bench.scenario_posting import db_task, make_bodies
    from bench.server import cpu_seconds, serve
    from bench.ws_client import raise_fd_limit

    plan = PLANS.get(org.size, PLANS["full"])
    base = plan.ramp
    wanted_cap = cap or base.cap
    # Tokens for as many people as the ramp may need (the org's readers' first).
    prep = db_task(org, "prepare_authors", n=wanted_cap, have=sorted(org.tokens), seed=17)
    tokens = {**{u: t for u, t in org.tokens.items() if u in prep["authors"]}, **prep["tokens"]}
    people = [tokens[u] for u in prep["authors"] if u in tokens]
    ramp = Ramp(
        step=step or base.step,
        step_seconds=step_seconds or base.step_seconds,
        cap=min(wanted_cap, len(people)),
        max_seconds=max_seconds or base.max_seconds,
        spawn_rate=base.spawn_rate,
    )
    # Every person holds an HTTP connection and a websocket: two descriptors on each side.
    limit = raise_fd_limit()
    if limit < 2 * ramp.cap + 1000:
        print(f"warning: open-files limit {limit} is low for {ramp.cap} people", flush=True)
    config = {
        "tokens": people[: ramp.cap],
        "bodies": make_bodies(500, prep["topics"], prep["mentionable"], seed=17),
        "replies": REPLIES,
        "ramp": asdict(ramp),
        "window_seconds": plan.window_seconds,
        "min_samples": plan.min_samples,
        "weights": WEIGHTS,
        "think_seconds": THINK_SECONDS,
        "ping_every_seconds": PING_EVERY_SECONDS,
        "pong_within_seconds": PONG_WITHIN_SECONDS,
    }
    with serve(APP, env=org.env) as server:
        _warm_up(server.url, people[0])
        config["ws_url"] = f"{server.ws_url}/ws/"
        config["origin"] = server.url
        pids = server.pids
        cpu_before = sum(cpu_seconds(pid) for pid in pids)
        result = run_locust(server.url, config, timeout=ramp.max_seconds + 300)
        result["server_cpu_seconds"] = sum(cpu_seconds(pid) for pid in pids) - cpu_before
        peak_rss = server.peak_rss_bytes()
    report.append(capacity_row(result, peak_rss, ramp))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--size", default="smoke", choices=["smoke", "full"])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--step", type=int, default=None, help="people added per step")
    parser.add_argument("--step-seconds", type=float, default=None, help="seconds per step")
    parser.add_argument("--cap", type=int, default=None, help="most people (default 4,000)")
    parser.add_argument("--max-seconds", type=float, default=None, help="time budget")
    args = parser.parse_args(argv)

    from bench.data import ensure_org

    org = ensure_org(args.size, database_url=args.database_url)
    rows: list[Row] = []
    run(
        org,
        rows,
        step=args.step,
        step_seconds=args.step_seconds,
        cap=args.cap,
        max_seconds=args.max_seconds,
    )
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
