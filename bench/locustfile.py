"""Locust user for make bench: GET one path at a constant overall rate, recording every response time.

Run by ``bench.load.latency_at_rate`` (never by hand): the environment names the path, the file
of rotating headers (one ``Name: value`` line per identity), each user's rate, the warm-up to
leave out and the JSON file to write. Locust's own percentiles round to whole milliseconds below
100 ms, too coarse next to a sub-millisecond baseline, so the exact times are written out and
``bench.load`` computes the percentiles.
"""

import itertools
import json
import os
import time
from pathlib import Path
from typing import Any

from locust import FastHttpUser, constant_throughput, events, task

PATH = os.environ["BENCH_PATH"]
HEADERS = [
    tuple(part.strip() for part in line.split(":", 1))
    for line in Path(os.environ["BENCH_HEADERS"]).read_text().splitlines()
    if ":" in line
]
PER_USER_RATE = float(os.environ["BENCH_PER_USER_RATE"])
WARMUP_SECONDS = float(os.environ["BENCH_WARMUP_SECONDS"])
OUTPUT = Path(os.environ["BENCH_OUTPUT"])

_next = itertools.count()
_started = time.monotonic()
_times_ms: list[float] = []
_errors: list[str] = []
_window: list[float] = []  # monotonic time of the first and the last recorded response


class Reader(FastHttpUser):
    wait_time = constant_throughput(PER_USER_RATE)

    @task
    def get(self) -> None:
        headers = {}
        if HEADERS:
            name, value = HEADERS[next(_next) % len(HEADERS)]
            headers[name] = value
        with self.client.get(PATH, headers=headers, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")


@events.request.add_listener  # type: ignore[untyped-decorator]  # locust's EventHook: unannotated
def _record(response_time: float, exception: Any, **_: Any) -> None:
    now = time.monotonic()
    if now - _started < WARMUP_SECONDS:
        return
    if not _window:
        _window.append(now)
    if len(_window) == 2:
        _window[1] = now
    else:
        _window.append(now)
    if exception is not None:
        _errors.append(str(exception)[:200])
    _times_ms.append(response_time)


@events.quitting.add_listener  # type: ignore[untyped-decorator]
def _write(**_: Any) -> None:
    seconds = _window[1] - _window[0] if len(_window) == 2 else 0.0
    OUTPUT.write_text(
        json.dumps(
            {
                "times_ms": _times_ms,
                "errors": _errors[:20],
                "error_count": len(_errors),
                "seconds": seconds,
            }
        )
    )
