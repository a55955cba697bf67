"""The benchmark report: one Row per measured scenario, printed as Markdown and saved in bench/results/.

Every figure sits next to its baseline from the same run. ``write_report`` prints the table and
writes ``bench/results/<YYYY-MM-DD>.md`` with a description of the machine (CPU, memory, OS,
Python, SQLite, PostgreSQL and Redis versions) so a number is never read without the box it came
from. ``tag_rows`` and ``scale_out_rows`` serve runs at several counts of app processes: each
row says its count, and the scale-out rows compare each count with the first (throughput
ratios, the extra p99 of live delivery).
"""

import datetime as dt
import os
import platform
import sqlite3
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"

Figure = str | int | float | None


@dataclass
class Row:
    """One line of the table.

    ``figures`` and ``baseline`` map a label to a measured value, e.g. ``{"p99 ms": 4.2,
    "req/s": 1830.0, "peak RSS MiB": 96.1}``; ``ratio`` is the figure the target compares with
    the baseline (e.g. throughput / baseline throughput), or None where there is no baseline;
    ``verdict`` says "met" or "missed" with the figure that decided it.
    """

    scenario: str
    target: str
    figures: dict[str, Figure]
    baseline: dict[str, Figure] = field(default_factory=dict)
    ratio: float | str | None = None
    verdict: str = ""


def fmt(value: Figure) -> str:
    """Three significant figures for measurements; thousands separated; None as a dash."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value == 0:
            return "0"
        if abs(value) >= 100:
            return f"{value:,.0f}"
        if abs(value) >= 10:
            return f"{value:.1f}"
        if abs(value) >= 1:
            return f"{value:.2f}"
        return f"{value:.3g}"
    return str(value)


def _cell(values: Mapping[str, Figure]) -> str:
    if not values:
        return "—"
    return "; ".join(f"{label} {fmt(value)}" for label, value in values.items())


def _ratio(value: float | str | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{fmt(value)}x"
    return str(value)


def table(rows: Sequence[Row]) -> str:
    lines = [
        "| scenario | target | figures | baseline (same run) | ratio | verdict |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        cells = [
            row.scenario,
            row.target,
            _cell(row.figures),
            _cell(row.baseline),
            _ratio(row.ratio),
            row.verdict or "—",
        ]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def _cpu() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0))
    return f"{model or platform.processor() or 'unknown CPU'}, {cores} cores usable"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _os() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                pretty = line.split("=", 1)[1].strip('"')
                return f"{pretty}, Linux {platform.release()}"
    except OSError:
        pass
    return platform.platform()


def _postgres(database_url: str | None) -> str | None:
    if not database_url or not database_url.startswith(("postgres://", "postgresql://")):
        return None
    try:
        import psycopg

        with psycopg.connect(database_url, connect_timeout=5) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            return f"PostgreSQL {row[0]}" if row else None
    except Exception as exc:  # the description must not stop the report
        return f"PostgreSQL (version unknown: {exc.__class__.__name__})"


def _redis(redis_url: str | None) -> str | None:
    if not redis_url:
        return None
    try:
        import redis

        info = redis.Redis.from_url(redis_url, socket_timeout=5).info("server")
        return f"Redis {info.get('redis_version', '?')}"
    except Exception as exc:  # the description must not stop the report
        return f"Redis (version unknown: {exc.__class__.__name__})"


def _tool_version(command: list[str]) -> str | None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=10, check=False)  # noqa: S603
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (done.stdout or done.stderr).strip().splitlines()
    return text[0] if text else None


def machine_description(
    database_url: str | None = None,
    tools: Mapping[str, list[str]] | None = None,
    *,
    redis_url: str | None = None,
) -> dict[str, str]:
    """What the figures were measured on. ``tools`` maps a name to its version command."""
    description = {
        "CPU": _cpu(),
        "memory": _memory(),
        "OS": _os(),
        "Python": f"{platform.python_implementation()} {sys.version.split()[0]}",
        "SQLite": sqlite3.sqlite_version,
    }
    postgres = _postgres(database_url)
    if postgres:
        description["PostgreSQL"] = postgres
    redis_version = _redis(redis_url)
    if redis_version:
        description["Redis"] = redis_version
    for name, command in (tools or {}).items():
        version = _tool_version(command)
        if version:
            description[name] = version
    return description


# --- Scale-out: the same scenarios at several counts of app processes --------------------------


def processes(count: int) -> str:
    return f"{count} app process{'es' if count != 1 else ''}"


def tag_rows(rows: list[Row], count: int) -> None:
    """Say in each row (in place) how many app processes served it."""
    rows[:] = [replace(row, scenario=f"{row.scenario} [{processes(count)}]") for row in rows]


@dataclass(frozen=True)
class Measure:
    """A figure compared across process counts: from the row whose scenario contains ``find``.

    ``kind`` "ratio": higher count / lower count (throughputs); "extra": higher minus lower (ms).
    ``baseline``: the label of the same row's baseline figure, compared the same way."""

    name: str
    find: str
    label: str
    baseline: str | None = None
    kind: str = "ratio"


SCALE_OUT = (
    Measure("home feed API max req/s", "home feed API", "max req/s", "hello-world max req/s"),
    Measure(
        "community feed API max req/s", "community feed API", "max req/s", "hello-world max req/s"
    ),
    Measure("home page HTML max req/s", "home page HTML", "max req/s", "minimal view max req/s"),
    Measure("sustained posting posts/s", "sustained posting", "posts/s"),
    Measure("capacity: people held", "capacity", "people held"),
    Measure("live delivery p99", "live delivery", "p99 ms", "p99 ms", kind="extra"),
)


def figure(rows: Sequence[Row], find: str, label: str, *, baseline: bool = False) -> float | None:
    """The number under ``label`` in the first row whose scenario contains ``find``, if any."""
    for row in rows:
        if find in row.scenario:
            value = (row.baseline if baseline else row.figures).get(label)
            if isinstance(value, int | float) and not isinstance(value, bool):
                return float(value)
            return None
    return None


def _compare(kind: str, low: float, high: float) -> float | None:
    if kind == "extra":
        return round(high - low, 1)
    return round(high / low, 2) if low else None


def _said(kind: str, value: float) -> str:
    return f"{value:+.1f} ms" if kind == "extra" else f"{value:.2f}x"


def scale_out_rows(by_count: Mapping[int, Sequence[Row]]) -> list[Row]:
    """One row per ``SCALE_OUT`` figure and higher count, against the lowest count.

    A figure missing at either count (scenario not chosen, failed, or a label it no longer
    has) gives no row: nothing is guessed."""
    counts = sorted(by_count)
    if len(counts) < 2:
        return []
    low, result = counts[0], []
    for high in counts[1:]:
        for measure in SCALE_OUT:
            a = figure(by_count[low], measure.find, measure.label)
            b = figure(by_count[high], measure.find, measure.label)
            if a is None or b is None:
                continue
            value = _compare(measure.kind, a, b)
            if value is None:
                continue
            base: dict[str, Figure] = {}
            base_value = None
            if measure.baseline:
                base_a = figure(by_count[low], measure.find, measure.baseline, baseline=True)
                base_b = figure(by_count[high], measure.find, measure.baseline, baseline=True)
                if base_a is not None and base_b is not None:
                    base = {
                        f"{measure.baseline}, {processes(low)}": base_a,
                        processes(high): base_b,
                    }
                    base_value = _compare(measure.kind, base_a, base_b)
            verdict = f"reported: {_said(measure.kind, value)}"
            if base_value is not None:
                verdict += f" (baseline {_said(measure.kind, base_value)})"
            result.append(
                Row(
                    scenario=f"scale-out: {measure.name}, {high} vs {processes(low)}",
                    target=(
                        f"ratio {high}/{low} processes, reported"
                        if measure.kind == "ratio"
                        else f"extra ms with {high} processes, reported"
                    ),
                    figures={processes(low): a, processes(high): b},
                    baseline=base,
                    ratio=value if measure.kind == "ratio" else _said(measure.kind, value),
                    verdict=verdict,
                )
            )
    return result


def write_report(
    rows: Sequence[Row],
    machine: Mapping[str, str] | None = None,
    *,
    title: str = "Watercooler benchmark",
    notes: Sequence[str] = (),
    results_dir: Path | None = None,
    name: str | None = None,
) -> Path:
    """Print the table and save it with the machine's description; return the file written.

    The file is ``<results_dir>/<name>.md``, by default ``bench/results/<YYYY-MM-DD>.md`` (a
    second run on the same day replaces the first).
    """
    machine = machine if machine is not None else machine_description()
    now = dt.datetime.now(dt.UTC).astimezone()
    body = table(rows)
    print(body, flush=True)
    parts = [
        f"# {title} — {now:%Y-%m-%d %H:%M %Z}",
        "",
        body,
        "",
        "## Machine",
        "",
        *(f"- {key}: {value}" for key, value in machine.items()),
    ]
    if notes:
        parts += ["", "## Notes", "", *(f"- {note}" for note in notes)]
    directory = results_dir if results_dir is not None else RESULTS_DIR
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name or f'{now:%Y-%m-%d}'}.md"
    path.write_text("\n".join(parts) + "\n")
    return path
