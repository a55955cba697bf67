"""``make bench``: build (or reuse) the organisation, run every scenario, print and save the report.

    .venv/bin/python -m bench.run [--size full|smoke] [--only feed,posting,ws,capacity,frontline,search,insights]
        [--database-url URL] [--redis-url URL] [--workers 1,2] [--task-workers N]

Scenarios run in order, each a module with ``run(org, report)`` that appends its Rows: the feed
first (it only reads), then posting (it writes), then websockets, then capacity, then the
front-line page (a phone on slow 3G, in Chromium), then search (which posts a little while it
measures findability), then insights (the network job against networkx, impressions, the
dashboards). A scenario that fails is reported as failed and the others still run.

Scale-out: ``--redis-url`` puts ``REDIS_URL`` in the organisation's environment (the app then
uses Redis for its channel layer and cache, as in docs/deploy.md), and ``--workers 1,2`` runs
each chosen scenario once per count of app processes, one count after the other (``feed`` at 1
then 2, then ``posting`` at 1 then 2, …: every count of a scenario finds the database as the
previous scenarios left it). The count reaches ``bench.server.serve`` through ``BENCH_WORKERS``,
and ``--task-workers`` (default 1 with Redis, else 0) through ``BENCH_TASK_WORKERS``, so the
scenario modules need no option of their own. Rows are tagged with their count, and
``bench.report.scale_out_rows`` adds the ratios of each count to the first.

The table is printed at the end and saved as ``bench/results/<YYYY-MM-DD><suffixes>.md``:
``-smoke`` for the smoke size, ``-pg`` for PostgreSQL, ``-redis``, ``-workers1-2`` for process
counts other than one, so no run replaces the figures of a run of another kind.
"""

import argparse
import datetime as dt
import importlib
import os
import sys
import time
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.report import (
    RESULTS_DIR,
    Row,
    machine_description,
    scale_out_rows,
    tag_rows,
    write_report,
)
from bench.server import HISTORY, TASK_WORKERS_ENV, WORKERS_ENV

SCENARIOS = {
    "feed": "bench.scenario_feed",
    "posting": "bench.scenario_posting",
    "ws": "bench.scenario_ws",
    "capacity": "bench.scenario_capacity",
    "frontline": "bench.scenario_frontline",
    "search": "bench.scenario_search",
    "insights": "bench.scenario_insights",
    "messaging": "bench.scenario_messaging",
    "digests": "bench.scenario_digests",
    "push": "bench.scenario_push",
}
TOOLS = {"uvicorn": [sys.executable, "-m", "uvicorn", "--version"], "wrk": ["wrk", "--version"]}
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def _counts(text: str) -> list[int]:
    """``"1,2"`` → ``[1, 2]``: distinct whole numbers ≥ 1, in the order given."""
    counts: list[int] = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or int(part) < 1:
            raise argparse.ArgumentTypeError(f"{part!r} is not a process count (1, 2, …)")
        if int(part) not in counts:
            counts.append(int(part))
    if not counts:
        raise argparse.ArgumentTypeError("give at least one process count, e.g. 1 or 1,2")
    return counts


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--size", choices=["full", "smoke"], default="full")
    parser.add_argument(
        "--only",
        default="",
        help=f"comma-separated scenarios to run, of {', '.join(SCENARIOS)} (default: all)",
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="PostgreSQL database to build into (its name must contain 'bench'); default SQLite",
    )
    parser.add_argument(
        "--redis-url",
        default=None,
        help="Redis for the app's channel layer and cache (REDIS_URL); default: none (in-memory)",
    )
    parser.add_argument(
        "--workers",
        type=_counts,
        default=[1],
        help="app (uvicorn) processes, comma-separated to run each scenario at each count"
        " (e.g. 1,2; more than 1 needs --redis-url); default 1",
    )
    parser.add_argument(
        "--task-workers",
        type=int,
        default=None,
        help="task worker processes (manage.py db_worker) beside every server of the app;"
        " default 1 with --redis-url, else 0",
    )
    parser.add_argument(
        "--results-dir", type=Path, default=RESULTS_DIR, help="where the report is saved"
    )
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in args.only.split(",") if name.strip()] or list(SCENARIOS)
    unknown = [name for name in chosen if name not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario {', '.join(unknown)}: choose from {', '.join(SCENARIOS)}")
    args.scenarios = chosen
    if args.redis_url and not args.redis_url.startswith(REDIS_SCHEMES):
        parser.error(f"--redis-url must start with {', '.join(REDIS_SCHEMES)}")
    if max(args.workers) > 1 and not args.redis_url:
        # Without Redis each process has its own channel layer and cache: a post made through
        # one process would never reach the sockets of another, and rate limits count apart.
        parser.error("more than one app process needs --redis-url")
    if args.task_workers is None:
        args.task_workers = 1 if args.redis_url else 0
    elif args.task_workers < 0:
        parser.error("--task-workers must be 0 or more")
    return args


def result_name(args: argparse.Namespace, day: dt.date) -> str:
    """The report's file name (without ``.md``): the day, then what sets the run apart."""
    name = f"{day:%Y-%m-%d}"
    if args.size != "full":
        name += f"-{args.size}"
    if args.database_url:
        name += "-pg"
    if args.redis_url:
        name += "-redis"
    if args.workers != [1]:
        name += "-workers" + "-".join(str(n) for n in args.workers)
    return name


def _redact(url: str) -> str:
    """The URL without a password (it goes into the saved report)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username or ''}:***@{parts.hostname}" + (
        f":{parts.port}" if parts.port else ""
    )
    return parts._replace(netloc=netloc).geturl()


def _redis(url: str) -> Any:
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.RedisError as exc:
        raise SystemExit(f"Redis at {_redact(url)} does not answer: {exc}") from None
    return client


def _drop_keys(client: Any, prefix: str) -> int:
    """Delete the run's cache keys (every pass had its own prefix under ``prefix``)."""
    dropped = 0
    batch: list[bytes] = []
    for key in client.scan_iter(match=f"{prefix}*", count=1000):
        batch.append(key)
        if len(batch) >= 1000:
            dropped += client.unlink(*batch)
            batch.clear()
    if batch:
        dropped += client.unlink(*batch)
    return dropped


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """Set ``values`` in this process's environment (servers inherit it) for the block."""
    previous = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _layout(args: argparse.Namespace) -> str:
    counts = ", then ".join(str(n) for n in args.workers)
    processes = "one uvicorn process" if args.workers == [1] else f"{counts} uvicorn processes"
    text = (
        f"Database: {'PostgreSQL' if args.database_url else 'SQLite'}; "
        f"{'Redis channel layer and cache' if args.redis_url else 'in-memory channel layer and cache'}"
        f"; {processes} per scenario (`--ws auto --lifespan off`, as `manage.py serve`, access"
        " log off)"
    )
    if args.task_workers:
        text += (
            f"; {args.task_workers} task worker process(es) (`manage.py db_worker`) beside every"
            " server of the app"
        )
    return text + "."


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    from bench.data import ensure_org

    started = time.monotonic()
    redis_client = _redis(args.redis_url) if args.redis_url else None
    org = ensure_org(args.size, database_url=args.database_url)
    notes = [
        f"Size {org.size!r}: {org.people:,} people, {org.posts:,} posts and replies"
        + (
            f" ({', '.join(f'{k} {v:,}' for k, v in org.counts.items())})"
            if getattr(org, "counts", None)
            else ""
        )
        + f"; {'reused from the cache' if org.cached else f'built in {org.build_seconds:.0f} s'}.",
        _layout(args),
    ]
    if len(args.workers) > 1:
        cores = len(os.sched_getaffinity(0))
        notes.append(
            f"Scale-out on one machine of {cores} cores: the load generators run on it too, so"
            " the processes share the cores with them; the baselines' own ratios (hello-world"
            " at each count) show what this machine allows."
        )
        if args.database_url:
            notes.append(
                "PostgreSQL keeps every write: a scenario's later count sees the posts its"
                " earlier count (and earlier scenarios) added."
            )
    redis_prefix = f"bench-{os.getpid()}-{int(time.time())}"
    rows: list[Row] = []
    by_count: dict[int, list[Row]] = {n: [] for n in args.workers}
    failed: list[str] = []
    tag = args.workers != [1]
    for name in args.scenarios:
        module_name = SCENARIOS[name]
        module = importlib.import_module(module_name)
        for count in args.workers:
            label = f"{name}, {count} app process{'es' if count > 1 else ''}" if tag else name
            print(f"==> {label} ({module_name})", flush=True)
            if args.redis_url:
                # A prefix per pass: one pass's cached values and rate-limit counters are not
                # the next one's.
                org.env["REDIS_URL"] = args.redis_url
                org.env["REDIS_PREFIX"] = f"{redis_prefix}-{name}-{count}"
            begun = time.monotonic()
            served = len(HISTORY)
            pass_rows: list[Row] = []
            environment = {WORKERS_ENV: str(count), TASK_WORKERS_ENV: str(args.task_workers)}
            try:
                with _environment(environment):
                    module.run(org, pass_rows)
            except Exception:
                traceback.print_exc()
                failed.append(label)
                notes.append(
                    f"Scenario {label!r} FAILED (traceback on the console); only the rows it"
                    " added before failing are in the table."
                )
                continue
            finally:
                # The count the app really ran with: a scenario may ask for its own.
                ran = sorted({s.workers for s in HISTORY[served:] if s.with_database})
                honest = not ran or ran == [count]
                if tag:
                    tag_rows(pass_rows, count if honest else ran[-1])
                rows.extend(pass_rows)
                if honest:
                    by_count[count].extend(pass_rows)
                else:
                    notes.append(
                        f"{label}: the app ran with {'/'.join(map(str, ran))} process(es), not"
                        f" {count} (the scenario sets its own count); its rows say so and are"
                        " left out of the scale-out rows."
                    )
            notes.append(f"Scenario {label!r} took {time.monotonic() - begun:.0f} s.")
            notes.extend(f"{label}: {s.describe()}." for s in HISTORY[served:] if s.workers > 1)
    if len(args.workers) > 1:
        rows.extend(scale_out_rows(by_count))
    if redis_client is not None:
        dropped = _drop_keys(redis_client, redis_prefix)
        notes.append(f"Redis: {dropped:,} keys the run left behind deleted.")
    notes.append(f"Whole run: {time.monotonic() - started:.0f} s.")
    machine = machine_description(args.database_url, TOOLS, redis_url=args.redis_url)
    path = write_report(
        rows,
        machine,
        title=f"Watercooler benchmark ({args.size})",
        notes=notes,
        results_dir=args.results_dir,
        name=result_name(args, dt.datetime.now(dt.UTC).astimezone().date()),
    )
    print(f"\nSaved {path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
