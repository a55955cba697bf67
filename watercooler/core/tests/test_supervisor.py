"""The supervisor's restart policy, with real child processes: a back-off that doubles up to a
cap and starts over after a long life, every death logged with its exit code, and no end to it
until ``stop()``."""

import logging
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from watercooler.core import supervisor as supervision
from watercooler.core.supervisor import Supervisor

DEADLINE_SECONDS = 60
DELAY = re.compile(r"restarting it in ([\d.]+) s")


def _wait_until(what: str, condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    pytest.fail(f"timed out waiting for {what}")


def _delays(caplog: pytest.LogCaptureFixture) -> list[float]:
    return [float(m.group(1)) for r in caplog.records if (m := DELAY.search(r.getMessage()))]


def test_a_child_that_keeps_dying_is_restarted_with_a_capped_back_off(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger=supervision.__name__)
    crashing = Supervisor(
        "crashing worker",
        [sys.executable, "-c", "import sys; sys.exit(3)"],
        base_delay=0.05,
        max_delay=0.2,
        stable_seconds=3600,
    )
    crashing.start()
    try:
        _wait_until("five restarts", lambda: crashing.state().restarts >= 5)
    finally:
        crashing.stop()
    assert _delays(caplog)[:5] == [0.05, 0.1, 0.2, 0.2, 0.2]
    deaths = [r for r in caplog.records if "exited with code 3" in r.getMessage()]
    assert len(deaths) >= 5
    assert all(r.levelno == logging.ERROR for r in deaths)
    assert "Restarted the crashing worker" in caplog.text
    assert crashing.state().last_exit_code == 3
    # Stopped: no child left, and nothing supervised in this process any more.
    assert crashing.process is not None
    assert crashing.process.poll() is not None
    assert supervision.current_state() is None


def test_a_child_that_lived_long_enough_is_restarted_after_the_shortest_pause(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger=supervision.__name__)
    # Each child lives ~0.3 s: "long" for this supervisor, so the back-off never grows.
    sleeper = Supervisor(
        "sleeper",
        [sys.executable, "-c", "import time; time.sleep(0.3)"],
        base_delay=0.05,
        max_delay=10,
        stable_seconds=0.2,
    )
    sleeper.start()
    try:
        _wait_until("three restarts", lambda: sleeper.state().restarts >= 3)
    finally:
        sleeper.stop()
    assert _delays(caplog)[:3] == [0.05, 0.05, 0.05]


def test_a_command_that_cannot_start_is_retried_and_shown_as_restarting(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    caplog.set_level(logging.INFO, logger=supervision.__name__)
    missing = Supervisor("ghost", [f"{tmp_path}/no-such-program"], base_delay=0.05, max_delay=0.1)
    assert missing.start() is None
    try:
        state = supervision.current_state()
        assert state is not None
        assert state.state == "restarting"
        _wait_until("retries", lambda: caplog.text.count("could not be started") >= 3)
    finally:
        missing.stop()
    assert missing.state().state == "restarting"
