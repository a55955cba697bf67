"""Websocket scenarios: sockets held by the server, and live delivery of a post to all of them.

    .venv/bin/python -m bench.scenario_ws --size smoke      # 200 sockets, seconds
    .venv/bin/python -m bench.scenario_ws --size full       # 10,000 sockets

``run(org, report)`` (called by bench.run) does, for the real app (``watercooler.asgi:application``
in the run's uvicorn processes: one by default, with the in-memory channel layer; two with Redis
under ``bench.run --workers 2``) and then for the baseline (one process)
(``bench.baselines:ws_echo`` on the same uvicorn with the same options):

1. open N sockets from separate client processes (bench.ws_client), each authenticated with
   its own person's API token, and read the server's resident memory before and after;
2. publish once — the app: ``POST /api/v1/posts`` as the org's heavy author, which reaches the
   sockets through the ``author.<id>`` group their people joined as followers; the baseline: one
   ``{"broadcast": …}`` frame carrying the same ``post.created`` event, which it sends to every
   held socket — and take, in the clients, the time until each socket received it.

The socket owners are N distinct active non-guest people, the heavy author's followers first.
When fewer than N people follow the author, the others are made followers for the duration of
the scenario (rows added before the server starts and deleted afterwards) so that the audience
is every connected person; the tokens are created for the scenario the same way (named
``bench-ws``) and deleted afterwards. Both are written in a child process with Django set up
on the org's environment, before the server starts.
"""

import argparse
import contextlib
import http.client
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from bench.report import Row
from bench.server import LOG_DIR, ROOT, Server, child_env, serve
from bench.ws_client import percentiles, raise_fd_limit

if TYPE_CHECKING:
    from bench.data import BenchOrg

APP = "watercooler.asgi:application"
BASELINE = "bench.baselines:ws_echo"
SOCKETS = {"full": 10_000, "smoke": 200}
# One client process holds this many sockets at most; more processes share the client work
# (receiving 10,000 frames in one asyncio loop is itself a measurable delay).
SOCKETS_PER_CLIENT = 5_000
# Seconds the clients may spend opening sockets; past it they report how many they opened.
OPEN_BUDGET = {"full": 300.0, "smoke": 60.0}
TOKEN_NAME = "bench-ws"  # noqa: S105 (an ApiToken name, not a secret)
# After the last socket opened: let the server settle before reading its memory.
SETTLE_SECONDS = 1.0
DELIVERY_TIMEOUT = 60.0
# Generous: with many sockets the app's event loop can be busy for minutes after a broadcast
# (see bench/README.md, "Websocket scenarios"), and the answer's delay is itself a figure.
API_TIMEOUT = 900.0
# How long to wait for the measured POST's answer after the sockets had their chance.
POST_WAIT = 120.0
MEMORY_TARGET = 1.5
DELIVERY_MARGIN_MS = 100.0
MIB = 1024 * 1024


# --- the socket owners (a child process with Django) -------------------------------------------


def _prepare_in_django(count: int, author: str, out: Path) -> dict[str, Any]:
    import django

    django.setup()
    from django.db import transaction

    from watercooler.feed.models import PersonFollow
    from watercooler.people.models import ApiToken, Role, User

    author_user = User.objects.get(username=author)
    followers = set(
        PersonFollow.objects.filter(followee=author_user).values_list("follower_id", flat=True)
    )
    candidates = (
        User.objects.filter(is_active=True)
        .exclude(role=Role.GUEST)
        .exclude(pk=author_user.pk)
        .values_list("id", flat=True)
    )
    ids = sorted(candidates, key=lambda pk: (pk not in followers, pk))[:count]
    added = [pk for pk in ids if pk not in followers]
    tokens = [ApiToken.generate() for _ in ids]
    with transaction.atomic():
        PersonFollow.objects.bulk_create(
            [PersonFollow(follower_id=pk, followee=author_user) for pk in added], batch_size=2000
        )
        ApiToken.objects.bulk_create(
            [
                ApiToken(user_id=pk, name=TOKEN_NAME, key_hash=ApiToken.hash(t), hint=t[:12])
                for pk, t in zip(ids, tokens, strict=True)
            ],
            batch_size=2000,
        )
    out.write_text("".join(f"{t}\n" for t in tokens))
    return {
        "people": len(ids),
        "followers_before": len(followers),
        "follows_added": added,
    }


def _cleanup_in_django(author: str, added: list[int]) -> dict[str, Any]:
    import django

    django.setup()
    from watercooler.feed.models import PersonFollow
    from watercooler.people.models import ApiToken

    follows, _ = PersonFollow.objects.filter(
        followee__username=author, follower_id__in=added
    ).delete()
    tokens, _ = ApiToken.objects.filter(name=TOKEN_NAME).delete()
    return {"follows_deleted": follows, "tokens_deleted": tokens}


def _django_child(org: "BenchOrg", args: list[str]) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "bench.scenario_ws", *args],
        cwd=ROOT,
        env=child_env(org.env),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench.scenario_ws {args[0]} failed:\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@contextlib.contextmanager
def socket_owners(org: "BenchOrg", count: int, tokens_file: Path) -> Iterator[dict[str, Any]]:
    """Tokens for ``count`` followers of the heavy author in ``tokens_file``; undone afterwards."""
    prepared = _django_child(
        org,
        ["prepare", "--count", str(count), "--author", org.heavy_author, "--out", str(tokens_file)],
    )
    try:
        yield prepared
    finally:
        _django_child(
            org,
            [
                "cleanup",
                "--author",
                org.heavy_author,
                "--added",
                json.dumps(prepared["follows_added"]),
            ],
        )


# --- client processes ---------------------------------------------------------------------------


@dataclass
class Client:
    process: subprocess.Popen[str]
    count: int

    @property
    def stdin(self) -> IO[str]:
        assert self.process.stdin is not None
        return self.process.stdin

    def send(self, command: dict[str, Any]) -> None:
        self.stdin.write(json.dumps(command) + "\n")
        self.stdin.flush()

    def read(self, event: str) -> dict[str, Any]:
        """The next line with ``event`` (progress lines are skipped)."""
        assert self.process.stdout is not None
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError(
                    f"ws_client exited ({self.process.wait()}) before {event!r}; see {LOG_DIR}"
                )
            data: dict[str, Any] = json.loads(line)
            if data.get("event") == event:
                return data


@contextlib.contextmanager
def clients(
    url: str, count: int, tokens_file: Path | None, budget: float
) -> Iterator[list[Client]]:
    """Client processes holding ``count`` sockets between them, all connecting at once."""
    processes = max(1, -(-count // SOCKETS_PER_CLIENT))
    started: list[Client] = []
    try:
        offset = 0
        for index in range(processes):
            share = count // processes + (1 if index < count % processes else 0)
            command = [
                sys.executable,
                "-m",
                "bench.ws_client",
                f"--url={url}",
                f"--offset={offset}",
                f"--count={share}",
                f"--budget={budget}",
            ]
            if tokens_file is not None:
                command.append(f"--tokens-file={tokens_file}")
            log = (LOG_DIR / f"ws_client-{os.getpid()}-{index}.log").open("w")
            process = subprocess.Popen(  # noqa: S603
                command,
                cwd=ROOT,
                env=child_env({}),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
            )
            log.close()
            started.append(Client(process, share))
            offset += share
        yield started
    finally:
        for client in started:
            with contextlib.suppress(OSError, ValueError):
                client.send({"cmd": "close"})
                client.stdin.close()
        for client in started:
            try:
                client.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                client.process.kill()
                client.process.wait()


def _ready(started: list[Client]) -> dict[str, Any]:
    """Wait for every client's ``ready`` line; their figures together."""
    t0 = time.perf_counter()
    ready = [c.read("ready") for c in started]
    kinds: dict[str, int] = {}
    for r in ready:
        for kind, n in r["error_kinds"].items():
            kinds[kind] = kinds.get(kind, 0) + n
    return {
        "opened": sum(r["opened"] for r in ready),
        "errors": sum(r["errors"] for r in ready),
        "error_kinds": kinds,
        "skipped": sum(r["skipped"] for r in ready),
        "seconds": max([r["seconds"] for r in ready] + [time.perf_counter() - t0]),
        # The worst client's percentiles: the processes ran at the same time.
        "connect_ms": {
            k: max(r["connect_ms"].get(k, 0.0) for r in ready) for k in ("p50", "p95", "p99", "max")
        },
    }


def _collect(started: list[Client], kind: str, since: float) -> dict[str, Any]:
    for client in started:
        client.send({"cmd": "collect", "type": kind, "timeout": DELIVERY_TIMEOUT})
    answers = [c.read("collected") for c in started]
    latencies = [(stamp - since) * 1000 for a in answers for stamp in a["stamps"]]
    return {
        "received": len(latencies),
        "missing": sum(a["missing"] for a in answers),
        "closed": sum(a["closed"] for a in answers),
        "ms": percentiles(latencies),
    }


def _reset(started: list[Client]) -> None:
    for client in started:
        client.send({"cmd": "reset"})
    for client in started:
        client.read("reset")


# --- one server -------------------------------------------------------------------------------


def _warm_up(server: Server, token: str | None) -> None:
    """One socket opened and closed before the memory baseline: first-use imports and caches
    are not per-connection costs."""
    from websockets.sync.client import connect
    from websockets.typing import Origin

    url = f"{server.ws_url}/ws/" + (f"?token={token}" if token else "")
    with connect(url, origin=Origin(server.url), open_timeout=30) as ws:
        ws.send('{"type":"ping"}')
        ws.recv(timeout=30)


@dataclass
class Held:
    rss_before: int
    rss_after: int
    peak: int
    ready: dict[str, Any]

    @property
    def per_socket(self) -> float | None:
        opened: int = self.ready["opened"]
        if not opened:
            return None
        return (self.rss_after - self.rss_before) / opened


def _hold(server: Server, started: list[Client], rss_before: int) -> Held:
    ready = _ready(started)
    time.sleep(SETTLE_SECONDS)
    return Held(rss_before, server.rss_bytes(), server.peak_rss_bytes(), ready)


def _api(server: Server, method: str, path: str, token: str, body: Any = None) -> Any:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=API_TIMEOUT)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        conn.request(method, f"/api/v1{path}", body=payload, headers=headers)
        response = conn.getresponse()
        data = response.read()
        if response.status >= 400:
            raise RuntimeError(f"{method} {path}: {response.status} {data[:500]!r}")
        return json.loads(data) if data else None
    finally:
        conn.close()


def measure_app(
    org: "BenchOrg", count: int, tokens_file: Path, budget: float
) -> tuple[Held, dict[str, Any], str]:
    """Sockets held by the real app, then one post delivered to them. Also returns the
    ``post.created`` event as text, for the baseline to broadcast the same bytes."""
    author_token = org.tokens[org.heavy_author]
    first_token = tokens_file.read_text().split("\n", 1)[0]

    def publish() -> tuple[Any, float]:
        body = f"Live delivery bench {secrets.token_hex(4)}: to everyone who follows me."
        post = _api(server, "POST", "/posts", author_token, {"body": body, "audience": "everyone"})
        return post, time.time()

    # The run's process count (bench.run --workers): with two, the sockets spread over both and
    # the post crosses processes through Redis. The raw baseline stays one process.
    with serve(APP, env=org.env) as server:
        _warm_up(server, first_token)
        # A server that has published before: first-use imports are not delivery time.
        warm, _ = publish()
        rss_before = server.rss_bytes()
        with clients(f"{server.ws_url}/ws/", count, tokens_file, budget) as started:
            held = _hold(server, started, rss_before)
            _reset(started)
            # The POST in a thread: the sockets may all have the post before its answer comes
            # (events go out on commit, before the response), and collecting must not wait.
            pool = ThreadPoolExecutor(max_workers=1)
            t0 = time.time()
            publishing = pool.submit(publish)
            delivery = _collect(started, "post.created", t0)
            try:
                post, answered = publishing.result(timeout=POST_WAIT)
                delivery["post_ms"] = (answered - t0) * 1000
            except TimeoutError:
                # Stopping the server ends the request; its thread then ends with an error.
                post, delivery["post_ms"] = None, f"> {POST_WAIT:.0f} s"
            pool.shutdown(wait=False)
            if post is not None:
                # The bench's posts leave the org as they found it, for scenarios after this.
                for pk in (warm["id"], post["id"]):
                    try:
                        _api(server, "DELETE", f"/posts/{pk}", author_token)
                    except RuntimeError as exc:  # tidying up must not lose the figures
                        print(f"warning: could not delete bench post: {exc}", flush=True)
    # For the baseline: a post.created event of the same shape and size (the warm-up post, as
    # the API shows it, without the viewer's fields, as events carry it).
    warm.pop("my_reactions", None)
    if isinstance(warm.get("poll"), dict):
        warm["poll"].pop("my_vote", None)
    event = json.dumps({"type": "post.created", "post": warm}, separators=(",", ":"))
    return held, delivery, event


def measure_baseline(count: int, event: str, budget: float) -> tuple[Held, dict[str, Any]]:
    from websockets.sync.client import connect
    from websockets.typing import Origin

    with serve(BASELINE, env={}, workers=1) as server:
        _warm_up(server, None)
        rss_before = server.rss_bytes()
        with clients(f"{server.ws_url}/ws/", count, None, budget) as started:
            held = _hold(server, started, rss_before)
            _reset(started)
            with connect(f"{server.ws_url}/ws/", origin=Origin(server.url)) as trigger:
                t0 = time.time()
                trigger.send(json.dumps({"broadcast": event}))
                delivery = _collect(started, "post.created", t0)
    return held, delivery


# --- rows ---------------------------------------------------------------------------------------


def _kib(value: float | None) -> float | None:
    return round(value / 1024, 1) if value is not None else None


def _held_figures(held: Held) -> dict[str, Any]:
    figures: dict[str, Any] = {
        "sockets": held.ready["opened"],
        "errors": held.ready["errors"],
        "KiB/socket": _kib(held.per_socket),
        "RSS MiB before": round(held.rss_before / MIB, 1),
        "after": round(held.rss_after / MIB, 1),
        "peak": round(held.peak / MIB, 1),
        "open all s": round(held.ready["seconds"], 2),
        "connect p50 ms": held.ready["connect_ms"]["p50"],
        "p99 ms": held.ready["connect_ms"]["p99"],
    }
    if held.ready["skipped"]:
        figures["not opened (time budget)"] = held.ready["skipped"]
    if held.ready["error_kinds"]:
        figures["error kinds"] = ", ".join(
            f"{k}: {n}" for k, n in held.ready["error_kinds"].items()
        )
    return figures


def _delivery_figures(delivery: dict[str, Any], audience: int) -> dict[str, Any]:
    ms = delivery["ms"]
    figures: dict[str, Any] = {"received": f"{delivery['received']:,}/{audience:,}"}
    figures |= {f"{k} ms": round(v, 1) for k, v in ms.items()}
    if isinstance(delivery.get("post_ms"), float):
        figures["POST answered ms"] = round(delivery["post_ms"], 1)
    elif "post_ms" in delivery:
        figures["POST answered"] = delivery["post_ms"]
    return figures


def rows(
    count: int,
    app: tuple[Held, dict[str, Any]],
    baseline: tuple[Held, dict[str, Any]],
    people: dict[str, Any],
) -> list[Row]:
    app_held, app_delivery = app
    base_held, base_delivery = baseline
    app_per, base_per = app_held.per_socket, base_held.per_socket
    ratio = round(app_per / base_per, 2) if app_per and base_per else None
    all_open = app_held.ready["opened"] == count and app_held.ready["errors"] == 0
    held_ok = all_open and ratio is not None and ratio <= MEMORY_TARGET
    held_row = Row(
        scenario=f"websockets held ({count:,} sockets, {people['people']:,} people)",
        target=f"{count:,} authenticated connections, ≤ {MEMORY_TARGET}x baseline memory/socket",
        figures=_held_figures(app_held),
        baseline=_held_figures(base_held),
        ratio=ratio,
        verdict=(
            f"{'met' if held_ok else 'missed'}: {app_held.ready['opened']:,} open, "
            f"{app_held.ready['errors']} errors, {ratio}x memory/socket"
        ),
    )
    audience = app_held.ready["opened"]
    app_max = app_delivery["ms"].get("max")
    base_max = base_delivery["ms"].get("max")
    all_got = app_delivery["received"] == audience and audience == count
    delivery_ok = (
        all_got
        and app_max is not None
        and base_max is not None
        and app_max <= base_max + DELIVERY_MARGIN_MS
    )
    margin = round(app_max - base_max, 1) if app_max is not None and base_max is not None else None
    delivery_row = Row(
        scenario=(
            f"live delivery (a post to {audience:,} connected followers; "
            f"{len(people['follows_added']):,} of the people made followers for the run)"
        ),
        target="all receive within baseline + 100 ms",
        figures=_delivery_figures(app_delivery, audience),
        baseline=_delivery_figures(base_delivery, base_held.ready["opened"]),
        ratio=f"+{margin} ms" if margin is not None and margin >= 0 else f"{margin} ms",
        verdict=(
            f"{'met' if delivery_ok else 'missed'}: last of {app_delivery['received']:,} "
            f"after {app_max and round(app_max, 1)} ms vs baseline {base_max and round(base_max, 1)} ms"
        ),
    )
    return [held_row, delivery_row]


def run(
    org: "BenchOrg",
    report: list[Row],
    *,
    sockets: int | None = None,
    budget: float | None = None,
) -> None:
    """Both websocket scenarios at the org's size (``sockets`` overrides the count, ``budget``
    the seconds allowed for opening them)."""
    count = sockets or SOCKETS.get(org.size, SOCKETS["smoke"])
    budget = OPEN_BUDGET.get(org.size, OPEN_BUDGET["smoke"]) if budget is None else budget
    # The servers and clients inherit the limit: every socket is a file descriptor.
    limit = raise_fd_limit()
    if limit < count + 1000:
        print(f"warning: open-files limit {limit} is below {count} sockets + slack", flush=True)
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-ws-") as scratch:
        tokens_file = Path(scratch) / "tokens.txt"
        with socket_owners(org, count, tokens_file) as people:
            app = measure_app(org, count, tokens_file, budget)
        held, delivery, event = app
        baseline = measure_baseline(count, event, budget)
    report.extend(rows(count, (held, delivery), baseline, people))


# --- command line -------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command")
    prepare = sub.add_parser("prepare", help="(internal) create the socket owners' tokens")
    prepare.add_argument("--count", type=int, required=True)
    prepare.add_argument("--author", required=True)
    prepare.add_argument("--out", type=Path, required=True)
    cleanup = sub.add_parser("cleanup", help="(internal) delete what prepare added")
    cleanup.add_argument("--author", required=True)
    cleanup.add_argument("--added", required=True, help="JSON list of follower ids")
    parser.add_argument("--size", choices=["full", "smoke"], default="smoke")
    parser.add_argument("--sockets", type=int, default=None, help="override the socket count")
    parser.add_argument("--budget", type=float, default=None, help="seconds to open sockets")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    if args.command == "prepare":
        print(json.dumps(_prepare_in_django(args.count, args.author, args.out)))
        return
    if args.command == "cleanup":
        print(json.dumps(_cleanup_in_django(args.author, json.loads(args.added))))
        return

    from bench.data import ensure_org
    from bench.report import write_report

    org = ensure_org(args.size, database_url=args.database_url)
    report: list[Row] = []
    run(org, report, sockets=args.sockets, budget=args.budget)
    # bench/results/ is for bench.run's full report; a standalone run's table goes under var/.
    path = write_report(
        report,
        results_dir=ROOT / "var" / "bench" / "results",
        name=f"ws-{args.size}-{time.strftime('%Y-%m-%d')}",
    )
    print(f"Saved {path}")


if __name__ == "__main__":
    main()
