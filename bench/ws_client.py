"""The websocket load client: one process holding many sockets, driven over stdin/stdout.

    .venv/bin/python -m bench.ws_client --url ws://127.0.0.1:8000/ws/ \\
        --tokens-file tokens.txt --offset 0 --count 5000

Runs apart from the server (bench.scenario_ws starts one or more of these), opens ``--count``
sockets with the ``websockets`` library on asyncio, each with the token on line
``offset + i`` of ``--tokens-file`` as ``?token=`` (no file: the bare URL, for the baseline
server). A socket counts as open once it answered a ``ping`` message: the app replies
``pong`` only after its consumer has authenticated the person and joined their groups, the
baseline echoes it. Every line on stdout is one JSON object:

* ``{"event": "ready", "opened", "errors", "error_kinds", "skipped", "seconds",
  "connect_ms": {...}}`` once every socket is open or has failed (``skipped``: handshakes not
  started because ``--budget`` seconds had passed);
* then, for each command read from stdin (one JSON object a line):
  ``{"cmd": "reset"}`` forgets the receive stamps → ``{"event": "reset"}``;
  ``{"cmd": "collect", "type": T, "timeout": s}`` waits until every open socket received a
  message of type ``T`` since the last reset (or ``s`` seconds passed) →
  ``{"event": "collected", "type", "stamps": [time.time() of each first receipt], "missing",
  "closed"}``;
  ``{"cmd": "close"}`` (or end of input) closes every socket → ``{"event": "closed"}``.

Stamps are ``time.time()`` taken as soon as ``recv`` hands the message over, so the parent
(same machine, same clock) can subtract its own ``time.time()`` from before the publish.
"""

import argparse
import asyncio
import contextlib
import json
import math
import resource
import sys
import time
from collections import Counter
from typing import Any
from urllib.parse import quote, urlsplit

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.typing import Origin


def raise_fd_limit() -> int:
    """Raise the soft open-files limit to the hard one; every socket is a file descriptor."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def percentiles(values: list[float]) -> dict[str, float]:
    """p50/p95/p99/max by nearest rank (no interpolation: every figure is a measured one)."""
    if not values:
        return {}
    ordered = sorted(values)

    def rank(p: float) -> float:
        index = max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))
        return ordered[index]

    return {"p50": rank(50), "p95": rank(95), "p99": rank(99), "max": ordered[-1]}


def emit(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(payload, separators=(",", ":")) + "\n")
    sys.stdout.flush()


class Socket:
    """One connection and the first time each message type reached it since the last reset."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.stamps: dict[str, float] = {}
        self.closed = False
        self.reader: asyncio.Task[None] | None = None

    async def read(self, arrived: asyncio.Event) -> None:
        try:
            async for message in self.ws:
                now = time.time()
                kind = _message_type(message)
                if kind not in self.stamps:
                    self.stamps[kind] = now
                    arrived.set()
        except ConnectionClosed:
            pass
        finally:
            self.closed = True
            arrived.set()


def _message_type(message: str | bytes) -> str:
    try:
        data = json.loads(message)
    except ValueError:
        return "raw"
    kind = data.get("type") if isinstance(data, dict) else None
    return kind if isinstance(kind, str) else "raw"


async def open_socket(url: str, origin: str, compression: bool, timeout: float) -> ClientConnection:
    ws = await connect(
        url,
        origin=Origin(origin),  # Channels refuses sockets without an allowed Origin
        open_timeout=timeout,
        # Browsers send no pings of their own; the server's keep-alive pings are answered.
        ping_interval=None,
        compression="deflate" if compression else None,
        max_size=2**20,
    )
    try:
        # Open means usable: the app answers once its consumer has authenticated the person and
        # joined their groups (it closes with 4401 instead when the token is refused).
        await ws.send('{"type":"ping"}')
        await asyncio.wait_for(ws.recv(), timeout)
    except BaseException:
        await ws.close()
        raise
    return ws


def _error_kind(exc: BaseException) -> str:
    if isinstance(exc, ConnectionClosed):
        code = exc.rcvd.code if exc.rcvd is not None else None
        return f"closed {code}"
    if isinstance(exc, InvalidStatus):
        return f"http {exc.response.status_code}"
    if isinstance(exc, OSError) and exc.errno is not None:
        return f"{type(exc).__name__} errno {exc.errno}"
    return type(exc).__name__


async def run(args: argparse.Namespace) -> None:
    tokens: list[str] = []
    if args.tokens_file:
        with open(args.tokens_file) as handle:
            every = [line.strip() for line in handle if line.strip()]
        # More sockets than tokens: people with several tabs open.
        tokens = [every[(args.offset + i) % len(every)] for i in range(args.count)]
    sep = "&" if "?" in args.url else "?"
    urls = (
        [f"{args.url}{sep}token={quote(t)}" for t in tokens] if tokens else [args.url] * args.count
    )

    sockets: list[Socket] = []
    connect_ms: list[float] = []
    errors: Counter[str] = Counter()
    arrived = asyncio.Event()
    limit = asyncio.Semaphore(args.concurrency)
    progress_at = time.monotonic()
    # Past the budget no new handshake starts: the run reports how far it got instead of
    # holding the machine (shared with other benchmarks) for as long as opening takes.
    deadline = time.monotonic() + args.budget if args.budget else float("inf")
    skipped: list[str] = []

    async def one(url: str) -> None:
        nonlocal progress_at
        async with limit:
            if time.monotonic() > deadline:
                skipped.append(url)
                return
            started = time.perf_counter()
            try:
                ws = await open_socket(url, args.origin, args.compression, args.timeout)
            except Exception as exc:  # every failure is counted by kind, none stops the run
                errors[_error_kind(exc)] += 1
                return
            connect_ms.append((time.perf_counter() - started) * 1000)
            sock = Socket(ws)
            sock.reader = asyncio.create_task(sock.read(arrived))
            sockets.append(sock)
        if args.progress and time.monotonic() - progress_at > args.progress:
            progress_at = time.monotonic()
            emit({"event": "progress", "opened": len(sockets), "errors": sum(errors.values())})

    started = time.perf_counter()
    await asyncio.gather(*(one(url) for url in urls))
    seconds = time.perf_counter() - started
    emit(
        {
            "event": "ready",
            "opened": len(sockets),
            "errors": sum(errors.values()),
            "error_kinds": dict(errors),
            "skipped": len(skipped),
            "seconds": round(seconds, 3),
            "connect_ms": {k: round(v, 2) for k, v in percentiles(connect_ms).items()},
        }
    )

    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            break
        command = json.loads(line)
        cmd = command.get("cmd")
        if cmd == "reset":
            for sock in sockets:
                sock.stamps.clear()
            emit({"event": "reset"})
        elif cmd == "collect":
            kind = str(command["type"])
            deadline = time.monotonic() + float(command.get("timeout", 30))
            while True:
                waiting = [s for s in sockets if kind not in s.stamps and not s.closed]
                left = deadline - time.monotonic()
                if not waiting or left <= 0:
                    break
                arrived.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(arrived.wait(), left)
            stamps = [s.stamps[kind] for s in sockets if kind in s.stamps]
            emit(
                {
                    "event": "collected",
                    "type": kind,
                    "stamps": stamps,
                    "missing": len(sockets) - len(stamps),
                    "closed": sum(1 for s in sockets if s.closed),
                }
            )
        elif cmd == "close":
            break
    await asyncio.gather(*(s.ws.close() for s in sockets), return_exceptions=True)
    emit({"event": "closed"})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", required=True, help="ws:// URL of the socket endpoint")
    parser.add_argument("--origin", default=None, help="Origin header (default: from --url)")
    parser.add_argument("--tokens-file", default=None, help="API tokens, one a line")
    parser.add_argument("--offset", type=int, default=0, help="first line of --tokens-file")
    parser.add_argument("--count", type=int, required=True, help="sockets to open")
    parser.add_argument("--concurrency", type=int, default=50, help="handshakes at once")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per handshake")
    parser.add_argument(
        "--budget", type=float, default=0.0, help="start no handshake after s seconds (0: none)"
    )
    parser.add_argument("--progress", type=float, default=0.0, help="progress line every s")
    parser.add_argument(
        "--no-compression",
        dest="compression",
        action="store_false",
        help="do not offer permessage-deflate (browsers do; on by default)",
    )
    args = parser.parse_args(argv)
    if args.origin is None:
        parts = urlsplit(args.url)
        args.origin = f"{'https' if parts.scheme == 'wss' else 'http'}://{parts.netloc}"
    raise_fd_limit()
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
