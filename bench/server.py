"""Start an ASGI app under uvicorn in a child process for a benchmark, and measure its memory.

    with serve("watercooler.asgi:application", env=org.env) as server:
        ...  # drive server.url / server.ws_url from another process
        server.rss_bytes(), server.peak_rss_bytes()

The options are the ones ``manage.py serve`` gives uvicorn for the real app (``ws="auto"``,
``lifespan="off"``), with the access log off as ``serve --no-access-log`` does: printing a line
per request would measure the terminal. The baselines in ``bench.baselines`` are served the same
way, so both sides of a comparison run the same server software with the same options.
"""

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOG_DIR = ROOT / "var" / "bench" / "logs"
START_SECONDS = 60
STOP_SECONDS = 15
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Server:
    """A running uvicorn: where it listens and which processes it is made of."""

    app: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path
    extra: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    @property
    def pids(self) -> list[int]:
        """The uvicorn process and its descendants (the worker processes when workers > 1)."""
        return _descendants(self.process.pid)

    def rss_bytes(self) -> int:
        """Resident memory of the server processes now (VmRSS summed over ``pids``)."""
        return sum(_status_kib(pid, "VmRSS") for pid in self.pids) * 1024

    def peak_rss_bytes(self) -> int:
        """Peak resident memory since each server process started (VmHWM summed over ``pids``)."""
        return sum(_status_kib(pid, "VmHWM") for pid in self.pids) * 1024

    def output(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:]


def _descendants(pid: int) -> list[int]:
    pids = [pid]
    for current in pids:  # grows while we walk: breadth first
        for children in Path(f"/proc/{current}/task").glob("*/children"):
            with contextlib.suppress(OSError):
                pids.extend(int(child) for child in children.read_text().split())
    return [p for p in dict.fromkeys(pids) if Path(f"/proc/{p}").exists()]


def _status_kib(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1])
    except OSError:  # the process ended between listing and reading
        pass
    return 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def child_env(env: dict[str, str]) -> dict[str, str]:
    """This process's environment, then ``env``; the repository importable (``bench.*`` apps)."""
    merged = {**os.environ, **env}
    path = merged.get("PYTHONPATH", "")
    merged["PYTHONPATH"] = f"{ROOT}{os.pathsep}{path}" if path else str(ROOT)
    # A server started from pytest must run the production code paths (real hashers, limits).
    merged.pop("PYTEST_CURRENT_TEST", None)
    return merged


def uvicorn_command(app: str, port: int, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--host=127.0.0.1",
        f"--port={port}",
        f"--workers={workers}",
        # As manage.py serve: websockets through the best installed library, and no lifespan
        # (Django's ASGI handler does not speak it).
        "--ws=auto",
        "--lifespan=off",
        "--log-level=warning",
        "--no-access-log",
        "--timeout-graceful-shutdown=5",
    ]


@contextlib.contextmanager
def serve(
    app: str,
    *,
    env: dict[str, str],
    port: int | None = None,
    workers: int = 1,
    db_worker: bool = False,
    ready_path: str = "/",
) -> Iterator[Server]:
    """Run ``uvicorn <app>`` until the block ends; yield once it answers HTTP on ``ready_path``.

    ``db_worker`` also starts ``manage.py db_worker`` as ``manage.py serve`` does (for scenarios
    whose requests queue background tasks). Any HTTP status counts as an answer.
    """
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    process_env = child_env(env)
    attempts = 1 if port is not None else 3
    for attempt in range(attempts):
        chosen = port if port is not None else free_port()
        log = LOG_DIR / f"{app.replace(':', '.').split('.')[-1]}-{chosen}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
                uvicorn_command(app, chosen, workers),
                cwd=ROOT,
                env=process_env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = Server(app=app, port=chosen, process=process, log=log)
        try:
            _wait_until_answering(server, ready_path)
        except _PortTaken:
            _stop(process)
            if attempt + 1 < attempts:
                continue  # another process took the free port between our check and uvicorn's bind
            raise RuntimeError(f"{app}: port {chosen} is taken\n{server.output()}") from None
        except BaseException:
            _stop(process)
            raise
        break
    try:
        if db_worker:
            server.extra.append(_start_db_worker(process_env))
        yield server
    finally:
        for extra in server.extra:
            _stop(extra)
        _stop(server.process)


class _PortTaken(Exception):
    pass


def _wait_until_answering(server: Server, path: str) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            output = server.output()
            if "address already in use" in output.lower():
                raise _PortTaken
            raise RuntimeError(
                f"{server.app} exited with {server.process.returncode} before answering:\n{output}"
            )
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        try:
            conn.request("GET", path)
            conn.getresponse().read()
            return
        except (OSError, http.client.HTTPException):
            time.sleep(0.1)
        finally:
            conn.close()
    raise RuntimeError(f"{server.app} did not answer within {START_SECONDS} s:\n{server.output()}")


def _start_db_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    log = LOG_DIR / f"db_worker-{os.getpid()}.log"
    with log.open("wb") as out:
        return subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                str(ROOT / "manage.py"),
                "db_worker",
                "--queue-name=*",
                "--no-reload",
                "--verbosity=1",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (uvicorn shuts down gracefully and stops its workers), then SIGKILL the group."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=STOP_SECONDS)
    # The session holds uvicorn's worker processes too: none may outlive the benchmark.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
