"""HTTP load generators for make bench, each in its own process: wrk for the maximum, locust for latency.

- ``max_throughput``: ``wrk`` (Debian) with a fixed number of connections for a fixed time,
  rotating a header over many identities (``bench/wrk_rotate.lua``). wrk is a closed loop: it
  finds how many requests per second the server completes, but its latencies are those of a
  saturated server, so they are not reported.
- ``latency_at_rate``: ``locust`` headless (``bench/locustfile.py``), users paced with
  ``constant_throughput`` so the server sees a steady rate spread over the second. wrk cannot
  limit its rate; wrk2 and vegeta are not packaged by Debian, and autocannon's ``-R`` lets each
  connection send its quota for a second back to back at the start of the second, which turns
  "half the maximum" into bursts at the maximum. Locust is kept up to date, runs from PyPI (the
  ``bench`` extra) and easily drives a few thousand requests per second from one core, which is
  well above half of what one app process serves.
"""

import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.server import ROOT

WRK_SCRIPT = ROOT / "bench" / "wrk_rotate.lua"
LOCUSTFILE = ROOT / "bench" / "locustfile.py"


class ToolMissing(RuntimeError):
    pass


def require_tools() -> None:
    if shutil.which("wrk") is None:
        raise ToolMissing("wrk is not installed: `make bench-tools` (apt-get install -y wrk)")
    if not (Path(sys.executable).parent / "locust").exists():
        raise ToolMissing("locust is not installed: `make setup` (the `bench` extra)")


@dataclass
class Throughput:
    requests: int
    seconds: float
    errors: int  # socket errors, timeouts and non-2xx/3xx answers

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class Latency:
    rate: float  # the rate asked for
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    first_errors: list[str]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _headers_file(headers: Sequence[str], directory: Path) -> Path:
    path = directory / "headers.txt"
    path.write_text("".join(f"{line}\n" for line in headers))
    return path


def max_throughput(
    url: str,
    headers: Sequence[str] = (),
    *,
    connections: int = 32,
    seconds: float = 10,
    threads: int = 1,
) -> Throughput:
    """Requests per second the server completes with ``connections`` always busy.

    ``headers`` are ``"Name: value"`` lines, one per identity, rotated request by request. One wrk
    thread leaves the other core to the server on a two-core machine.
    """
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as tmp:
        command = [
            "wrk",
            f"--threads={threads}",
            f"--connections={connections}",
            f"--duration={max(1, round(seconds))}s",
            "--timeout=10s",
            f"--script={WRK_SCRIPT}",
            url,
            "--",
            str(_headers_file(headers, Path(tmp))),
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("WRKJSON ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    data = json.loads(line.removeprefix("WRKJSON "))
    errors = sum(
        data[key]
        for key in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts")
    )
    return Throughput(
        requests=int(data["requests"]), seconds=data["duration_us"] / 1e6, errors=int(errors)
    )


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest value with at least ``fraction`` of values <= it."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def latency_at_rate(
    url: str,
    path: str,
    rate: float,
    headers: Sequence[str] = (),
    *,
    seconds: float = 12,
    warmup: float = 2,
    users: int | None = None,
) -> Latency:
    """Latency percentiles with the server receiving ``rate`` requests per second for ``seconds``.

    The first ``warmup`` seconds (users starting, connections opening) are left out.
    """
    if rate <= 0:
        raise ValueError(f"cannot hold a rate of {rate} requests per second")
    # Each user paces itself (``constant_throughput``); spawning them at ``rate`` users per
    # second spreads their phases over one period, so requests arrive evenly, not in bursts.
    users = users or max(1, min(64, math.ceil(rate / 4)))
    warmup = max(warmup, users / rate + 0.2)
    with tempfile.TemporaryDirectory(prefix="bench-locust-") as tmp:
        output = Path(tmp) / "times.json"
        env = {
            **os.environ,
            "BENCH_PATH": path,
            "BENCH_HEADERS": str(_headers_file(headers, Path(tmp))),
            "BENCH_PER_USER_RATE": repr(rate / users),
            "BENCH_WARMUP_SECONDS": repr(warmup),
            "BENCH_OUTPUT": str(output),
        }
        command = [
            str(Path(sys.executable).parent / "locust"),
            f"--locustfile={LOCUSTFILE}",
            "--headless",
            f"--host={url}",
            f"--users={users}",
            f"--spawn-rate={rate:.3f}",
            f"--run-time={math.ceil(seconds + warmup)}s",
            "--stop-timeout=2",
            "--only-summary",
            "--loglevel=WARNING",
            "--exit-code-on-error=0",
            "--skip-log-setup",
        ]
        done = subprocess.run(  # noqa: S603
            command, capture_output=True, text=True, env=env, cwd=tmp, check=False
        )
        if done.returncode != 0 or not output.exists():
            raise RuntimeError(f"locust failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        data = json.loads(output.read_text())
    times = sorted(data["times_ms"])
    return Latency(
        rate=rate,
        requests=len(times),
        seconds=float(data["seconds"]),
        errors=int(data["error_count"]),
        p50_ms=percentile(times, 0.50),
        p95_ms=percentile(times, 0.95),
        p99_ms=percentile(times, 0.99),
        first_errors=list(data["errors"]),
    )


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else math.nan
