"""Smoke run of the benchmark harness (``make bench`` at the "smoke" size, a few seconds).

Runs ``python -m bench.run --size smoke`` in a child process, as ``make bench`` does: the tiny
organisation (built once, then cached under var/bench/cache), real uvicorn servers, wrk and
locust in their own processes. It checks the harness, not the figures (this machine is busy
running the rest of the suite): a report is written, with every row of every scenario in
SMOKE_SCENARIOS, and no failed scenario.

Needs wrk (``make bench-tools``), locust (the ``bench`` group, which the test group includes) and
Chromium (the front-line scenario, as the browser tests); without them it is skipped, except in
CI (CI=true), where it must run.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from watercooler.testing.fixtures import CHROMIUM

ROOT = Path(settings.BASE_DIR)
IN_CI = os.environ.get("CI") == "true"
# The scenarios whose smoke run takes seconds. Posting's took over a minute when this was
# written: add it here once its smoke size is as short.
SMOKE_SCENARIOS = ("feed", "ws", "capacity", "frontline", "messaging", "digests", "push")
EXPECTED_ROWS = [
    "home feed API",
    "community feed API",
    "home page HTML",
    "serving pair: Django's minimal view",
    "serving pair: home feed API",
    "middleware pair",
    "capacity (",
    "front-line home page on slow 3G",
    "message send → delivered, 1:1",
    "message send → delivered, 50-person group",
    "inbox `/api/v1/conversations`",
]
TIMEOUT_SECONDS = 300

pytestmark = pytest.mark.bench


def _tools_missing() -> str | None:
    if shutil.which("wrk") is None:
        return "wrk is not installed (make bench-tools)"
    if not (Path(sys.executable).parent / "locust").exists():
        return "locust is not installed (make setup-test or make setup-bench installs it)"
    if not Path(CHROMIUM).exists():
        return f"Chromium is not installed at {CHROMIUM} (the front-line scenario drives it)"
    return None


def test_smoke_run_writes_a_report_with_every_row(tmp_path: Path) -> None:
    missing = _tools_missing()
    if missing:
        if IN_CI:
            pytest.fail(f"the bench smoke run must run in CI: {missing}")
        pytest.skip(missing)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.run",
            "--size=smoke",
            f"--only={','.join(SMOKE_SCENARIOS)}",
            f"--results-dir={tmp_path}",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    output = f"--- stdout ---\n{done.stdout[-6000:]}\n--- stderr ---\n{done.stderr[-6000:]}"
    assert done.returncode == 0, output
    reports = list(tmp_path.glob("*-smoke.md"))
    assert len(reports) == 1, output
    text = reports[0].read_text()
    assert "FAILED" not in text, text
    table = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    rows = table[1:]  # past the header
    for row in EXPECTED_ROWS:
        assert any(line.startswith(f"| {row}") for line in rows), f"no {row!r} row:\n{text}"
    for line in rows:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        assert len(cells) == 6, line
        assert re.search(r"\d", cells[2]), f"a row without figures: {line}"
        assert cells[5].startswith(("met", "missed")), f"a row without a verdict: {line}"
    for name in SMOKE_SCENARIOS:
        assert f"Scenario '{name}' took" in text, f"scenario {name} did not run:\n{text}"
    # The machine is described beside the figures.
    assert "- CPU: " in text, text
    assert "- SQLite: " in text, text
