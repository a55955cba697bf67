"""Keeps a child process running: the background-task worker that ``manage.py serve`` starts.

When the child dies it is started again after a back-off that doubles with each quick death
(``BASE_DELAY`` … ``MAX_DELAY`` seconds) and starts over once a child has lived
``STABLE_SECONDS``. It never gives up: a worker that cannot start is retried every
``MAX_DELAY`` seconds, and each death (with its exit code) and each restart is logged. The state
is kept in memory for ``/healthz`` of the same process (``current_state``).
"""

import logging
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

BASE_DELAY = 1.0
MAX_DELAY = 60.0
STABLE_SECONDS = 60.0
STOP_SECONDS = 10.0


@dataclass(frozen=True)
class SupervisorState:
    """What ``/healthz`` shows of the supervised worker (no pid, no command line)."""

    state: str  # "running", or "restarting" while waiting out the back-off
    restarts: int
    last_exit_code: int | None
    down_seconds: float | None


def describe_exit(code: int | None) -> str:
    if code is None:
        return "could not be started"
    if code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name} (exit code {code})"
        except ValueError:
            return f"was killed by signal {-code} (exit code {code})"
    return f"exited with code {code}"


class Supervisor:
    """Runs ``command`` as a child process and restarts it whenever it dies, until ``stop()``."""

    def __init__(
        self,
        name: str,
        command: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        popen_kwargs: Mapping[str, Any] | None = None,
        base_delay: float = BASE_DELAY,
        max_delay: float = MAX_DELAY,
        stable_seconds: float = STABLE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self.command = list(command)
        self.env = dict(env) if env is not None else None
        self.popen_kwargs = dict(popen_kwargs or {})
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.stable_seconds = stable_seconds
        self.clock = clock
        self.process: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        self.last_exit_code: int | None = None
        self.down_since: float | None = None
        self._quick_deaths = 0
        self._started_at = 0.0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    # --- lifecycle ------------------------------------------------------------------------------
    def start(self) -> subprocess.Popen[bytes] | None:
        """Start the child and the thread that watches it; returns the first child (or None if
        it could not be started: the watcher keeps trying)."""
        global _current
        with self._lock:
            self._spawn()
            first = self.process
        self._thread = threading.Thread(target=self._watch, name=f"{self.name}-supervisor")
        self._thread.daemon = True
        self._thread.start()
        _current = self
        return first

    def stop(self) -> None:
        """Stop restarting, then ask the child to stop (SIGTERM: a task worker finishes its
        current task), killing it after ``STOP_SECONDS``."""
        global _current
        with self._lock:
            self._stopping.set()
            process = self.process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._thread is not None:
            self._thread.join(timeout=STOP_SECONDS)
        if _current is self:
            _current = None

    def state(self) -> SupervisorState:
        with self._lock:
            down = None if self.down_since is None else self.clock() - self.down_since
            return SupervisorState(
                state="running" if self.down_since is None else "restarting",
                restarts=self.restarts,
                last_exit_code=self.last_exit_code,
                down_seconds=None if down is None else round(down, 1),
            )

    # --- the watcher thread ---------------------------------------------------------------------
    def _spawn(self) -> None:
        """Start a child (the caller holds the lock). A failure to start counts as a death."""
        try:
            self.process = subprocess.Popen(self.command, env=self.env, **self.popen_kwargs)  # noqa: S603
        except OSError as exc:
            logger.error("The %s could not be started: %s", self.name, exc)
            self.process = None
            self.last_exit_code = None
            if self.down_since is None:
                self.down_since = self.clock()
            return
        self._started_at = self.clock()
        self.down_since = None
        logger.info("The %s is running (pid %d).", self.name, self.process.pid)

    def _watch(self) -> None:
        while not self._stopping.is_set():
            process = self.process
            code = process.wait() if process is not None else None
            with self._lock:
                if self._stopping.is_set():
                    return
                lived = self.clock() - self._started_at if process is not None else 0.0
                # A child that ran for a while died of something new: start the back-off over.
                self._quick_deaths = 0 if lived >= self.stable_seconds else self._quick_deaths + 1
                delay = min(self.base_delay * 2 ** max(self._quick_deaths - 1, 0), self.max_delay)
                if process is not None:
                    self.last_exit_code = code
                    self.down_since = self.clock()
                    logger.error(
                        "The %s (pid %d) %s after %.0f s; restarting it in %g s.",
                        self.name,
                        process.pid,
                        describe_exit(code),
                        lived,
                        delay,
                    )
                else:
                    logger.error("Starting the %s again in %g s.", self.name, delay)
            if self._stopping.wait(delay):
                return
            with self._lock:
                if self._stopping.is_set():
                    return
                self.restarts += 1
                self._spawn()
                if self.process is not None:
                    logger.warning(
                        "Restarted the %s (pid %d), restart number %d.",
                        self.name,
                        self.process.pid,
                        self.restarts,
                    )


_current: Supervisor | None = None


def current_state() -> SupervisorState | None:
    """The task worker supervised by this process, if ``manage.py serve`` runs one here."""
    supervisor = _current
    return supervisor.state() if supervisor is not None else None
