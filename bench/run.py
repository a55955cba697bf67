"""``make bench``: build (or reuse) the organisation, run every scenario, print and save the report.

    .venv/bin/python -m bench.run [--size full|smoke] [--only feed,posting,ws] [--database-url URL]

Scenarios run in order, each a module with ``run(org, report)`` that appends its Rows: the feed
first (it only reads), then posting (it writes), then websockets. A scenario that fails is
reported as failed and the others still run.
The table is printed at the end and saved as ``bench/results/<YYYY-MM-DD>.md`` (a smoke run as
``<YYYY-MM-DD>-smoke.md``, so it never replaces a full run's figures).
"""

import argparse
import datetime as dt
import importlib
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

from bench.report import RESULTS_DIR, Row, machine_description, write_report

SCENARIOS = {
    "feed": "bench.scenario_feed",
    "posting": "bench.scenario_posting",
    "ws": "bench.scenario_ws",
}
TOOLS = {"uvicorn": [sys.executable, "-m", "uvicorn", "--version"], "wrk": ["wrk", "--version"]}


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
        "--results-dir", type=Path, default=RESULTS_DIR, help="where the report is saved"
    )
    args = parser.parse_args(argv)
    chosen = [name.strip() for name in args.only.split(",") if name.strip()] or list(SCENARIOS)
    unknown = [name for name in chosen if name not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario {', '.join(unknown)}: choose from {', '.join(SCENARIOS)}")
    args.scenarios = chosen
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    from bench.data import ensure_org

    started = time.monotonic()
    org = ensure_org(args.size, database_url=args.database_url)
    notes = [
        f"Size {org.size!r}: {org.people:,} people, {org.posts:,} posts and replies"
        + (
            f" ({', '.join(f'{k} {v:,}' for k, v in org.counts.items())})"
            if getattr(org, "counts", None)
            else ""
        )
        + f"; {'reused from the cache' if org.cached else f'built in {org.build_seconds:.0f} s'}.",
        f"Database: {'PostgreSQL' if args.database_url else 'SQLite'}; one uvicorn process"
        " (`--ws auto --lifespan off`, as `manage.py serve`, access log off).",
    ]
    rows: list[Row] = []
    failed: list[str] = []
    for name in args.scenarios:
        module_name = SCENARIOS[name]
        module = importlib.import_module(module_name)
        print(f"==> {name} ({module_name})", flush=True)
        begun = time.monotonic()
        try:
            module.run(org, rows)
        except Exception:
            traceback.print_exc()
            failed.append(name)
            notes.append(f"Scenario {name!r} FAILED (traceback on the console); no rows from it.")
            continue
        notes.append(f"Scenario {name!r} took {time.monotonic() - begun:.0f} s.")
    notes.append(f"Whole run: {time.monotonic() - started:.0f} s.")
    machine = machine_description(args.database_url, TOOLS)
    name = f"{dt.datetime.now(dt.UTC).astimezone():%Y-%m-%d}" + (
        "" if args.size == "full" else f"-{args.size}"
    )
    path = write_report(
        rows,
        machine,
        title=f"Watercooler benchmark ({args.size})",
        notes=notes,
        results_dir=args.results_dir,
        name=name,
    )
    print(f"\nSaved {path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
