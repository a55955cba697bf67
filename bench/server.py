"""Start an ASGI app under uvicorn in a child process for a benchmark, and measure its memory.

    with serve("watercooler.asgi:application", env=org.env) as server:
        ...  # drive server.url / server.ws_url from another process
        server.rss_bytes(), server.peak_rss_bytes()

The options are the ones ``manage.py serve`` gives uvicorn for the real app (``ws="auto"``,
``lifespan="off"``), with the access log off as ``serve --no-access-log`` does: printing a line
per request would measure the terminal. The baselines in ``bench.baselines`` are served the same
way, so both sides of a comparison run the same server software with the same options.

Process counts: ``serve()`` without ``workers`` starts as many uvicorn processes as
``BENCH_WORKERS`` says (default 1), and a server with a database (``DATABASE_URL`` in ``env``)
gets ``BENCH_TASK_WORKERS`` task workers (``manage.py db_worker``, default 0), each its own
process, as in the production layout of docs/deploy.md. ``bench.run --workers 1,2`` sets them,
so scenario modules run unchanged at each count. With more than one uvicorn process, ``serve()``
yields only once every process has accepted a connection, samples the established connections
of each process while the block runs, and every server appends a ``Served`` summary (CPU,
connections and peak memory per process) to ``HISTORY`` when it stops.
"""

import contextlib
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOG_DIR = ROOT / "var" / "bench" / "logs"
START_SECONDS = 60
STOP_SECONDS = 15
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
WORKERS_ENV = "BENCH_WORKERS"
TASK_WORKERS_ENV = "BENCH_TASK_WORKERS"
# How often the connections of each process are counted (only with several processes). A count
# lists every socket of the server: ~60 ms of CPU at 8,000 connections.
SAMPLE_SECONDS = 3.0


def _env_count(name: str, default: int, minimum: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, not {value}")
    return value


def default_workers() -> int:
    """uvicorn processes for a ``serve()`` that does not say: ``BENCH_WORKERS``, default 1."""
    return _env_count(WORKERS_ENV, 1, 1)


def default_task_workers() -> int:
    """Task workers beside a server of the real app: ``BENCH_TASK_WORKERS``, default 0."""
    return _env_count(TASK_WORKERS_ENV, 0, 0)


@dataclass
class ProcessFigures:
    """One uvicorn process that served: what it did while the ``serve()`` block ran."""

    pid: int
    cpu_seconds: float
    peak_rss_mib: float
    # Established connections to the server's port held by this process, highest sample (the
    # readiness probes included); None with one process, where nothing is sampled.
    peak_connections: int | None


@dataclass
class Served:
    """What one ``serve()`` block ran, for the report's notes (``HISTORY``)."""

    app: str
    workers: int
    processes: list[ProcessFigures]
    # VmHWM summed over every process of the server: the supervisor too when workers > 1.
    peak_rss_mib: float
    task_workers: int = 0
    task_worker_peak_rss_mib: float = 0.0
    # Served with a database (the real app, not a baseline).
    with_database: bool = False

    def describe(self) -> str:
        """One line, e.g. ``watercooler.asgi:application, 2 processes: CPU s 10.1/9.7, …``."""
        cpu = "/".join(f"{p.cpu_seconds:.1f}" for p in self.processes)
        plural = "es" if self.workers > 1 else ""
        text = f"`{self.app}`, {self.workers} process{plural}: CPU s {cpu}"
        connections = [p.peak_connections for p in self.processes]
        if all(c is not None for c in connections):
            text += f"; peak connections {'/'.join(str(c) for c in connections)}"
        text += f"; peak RSS {self.peak_rss_mib:.0f} MiB"
        if self.task_workers:
            text += (
                f"; {self.task_workers} task worker(s), peak RSS"
                f" {self.task_worker_peak_rss_mib:.0f} MiB"
            )
        return text


HISTORY: list[Served] = []


@dataclass
class Server:
    """A running uvicorn: where it listens and which processes it is made of."""

    app: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path
    workers: int = 1
    # The task workers (``manage.py db_worker``): their own processes, not in ``pids``.
    extra: list[subprocess.Popen[bytes]] = field(default_factory=list)
    # Highest count of established connections per serving process (several processes only).
    peak_connections: dict[int, int] = field(default_factory=dict)

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

    @property
    def serving_pids(self) -> list[int]:
        """The processes that accept connections: uvicorn itself, or its worker processes."""
        if self.workers == 1:
            return [self.process.pid]
        # uvicorn starts its workers with multiprocessing's "spawn"; other children (its
        # resource tracker) are not workers.
        return [pid for pid in self.pids[1:] if "spawn_main" in _cmdline(pid)]

    @property
    def task_worker_pids(self) -> list[int]:
        return [p.pid for p in self.extra if p.poll() is None]

    def cpu_seconds(self) -> float:
        """CPU used so far by the processes that serve (not the task workers)."""
        return sum(cpu_seconds(pid) for pid in self.serving_pids)

    def connections(self) -> dict[int, int]:
        """Established connections to the server's port, per serving process, now."""
        return _connections(self.port, self.serving_pids)

    def rss_bytes(self) -> int:
        """Resident memory of the server processes now (VmRSS summed over ``pids``)."""
        return sum(_status_kib(pid, "VmRSS") for pid in self.pids) * 1024

    def peak_rss_bytes(self) -> int:
        """Peak resident memory since each server process started (VmHWM summed over ``pids``)."""
        return sum(_status_kib(pid, "VmHWM") for pid in self.pids) * 1024

    def output(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:]


def _cmdline(pid: int) -> str:
    try:
        return (
            Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        )
    except OSError:
        return ""


def cpu_seconds(pid: int) -> float:
    """User + system CPU of one process so far (0 once it is gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _established_inodes(port: int) -> set[int]:
    """Socket inodes of the established TCP connections whose local port is ``port``.

    ``ss`` asks the kernel over netlink with the filter applied there: a fifth of the CPU of
    reading /proc/net/tcp, which the kernel writes out whole (~100 ms at 8,000 connections)."""
    ss = shutil.which("ss")
    if ss:
        done = subprocess.run(  # noqa: S603 (a fixed command)
            [ss, "-tnHe", "state", "established", f"( sport = :{port} )"],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode == 0:
            return {int(m) for m in re.findall(r"\bino:(\d+)", done.stdout)}
    suffix = f":{port:04X}"
    inodes: set[int] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if parts[3] == "01" and parts[1].endswith(suffix):  # 01: ESTABLISHED
                inodes.add(int(parts[9]))
    return inodes


def _socket_inodes(pid: int) -> set[int]:
    inodes: set[int] = set()
    with contextlib.suppress(OSError):
        for entry in os.scandir(f"/proc/{pid}/fd"):
            with contextlib.suppress(OSError):
                target = os.readlink(entry.path)
                if target.startswith("socket:["):
                    inodes.add(int(target[8:-1]))
    return inodes


def _connections(port: int, pids: list[int]) -> dict[int, int]:
    established = _established_inodes(port)
    return {pid: len(_socket_inodes(pid) & established) for pid in pids}


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
    workers: int | None = None,
    db_worker: bool | int | None = None,
    ready_path: str = "/",
) -> Iterator[Server]:
    """Run ``uvicorn <app>`` until the block ends; yield once it answers HTTP on ``ready_path``.

    ``workers``: uvicorn processes (None: ``default_workers()``). ``db_worker``: task workers
    (``manage.py db_worker``, as ``manage.py serve`` starts one), each its own process: a number,
    True for at least one, False for none, None for ``default_task_workers()`` when ``env`` has a
    database (baselines get none). Any HTTP status counts as an answer; with several processes
    ``serve()`` probes with fresh connections until each process has answered one, so the load
    that follows finds every process ready.
    """
    workers = default_workers() if workers is None else workers
    if workers < 1:
        raise ValueError(f"workers must be at least 1, not {workers}")
    task_workers = _task_workers(db_worker, env)
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
        server = Server(app=app, port=chosen, process=process, log=log, workers=workers)
        try:
            _wait_until_answering(server, ready_path)
            if workers > 1:
                _wait_until_spread(server, ready_path)
        except _PortTaken:
            _stop(process)
            if attempt + 1 < attempts:
                continue  # another process took the free port between our check and uvicorn's bind
            raise RuntimeError(f"{app}: port {chosen} is taken\n{server.output()}") from None
        except BaseException:
            _stop(process)
            raise
        break
    stop_sampling = threading.Event()
    sampler = None
    cpu_before: dict[int, float] = {}
    try:
        for index in range(task_workers):
            server.extra.append(_start_db_worker(process_env, index))
        cpu_before = {pid: cpu_seconds(pid) for pid in server.serving_pids}
        if workers > 1:
            sampler = threading.Thread(
                target=_sample_connections, args=(server, stop_sampling), daemon=True
            )
            sampler.start()
        yield server
    finally:
        stop_sampling.set()
        if sampler is not None:
            sampler.join()
        with contextlib.suppress(Exception):  # a summary must never hide the block's own error
            HISTORY.append(_summary(server, cpu_before, with_database="DATABASE_URL" in env))
        for extra in server.extra:
            _stop(extra)
        _stop(server.process)


def _task_workers(db_worker: bool | int | None, env: dict[str, str]) -> int:
    if db_worker is None:
        return default_task_workers() if "DATABASE_URL" in env else 0
    if isinstance(db_worker, bool):
        return max(1, default_task_workers()) if db_worker else 0
    if db_worker < 0:
        raise ValueError(f"db_worker must be at least 0, not {db_worker}")
    return db_worker


def _sample_connections(server: Server, stop: threading.Event) -> None:
    while not stop.wait(SAMPLE_SECONDS):
        _record_connections(server)


def _record_connections(server: Server) -> None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for pid, count in server.connections().items():
            server.peak_connections[pid] = max(count, server.peak_connections.get(pid, 0))


def _summary(server: Server, cpu_before: dict[int, float], *, with_database: bool) -> Served:
    if server.workers > 1:
        _record_connections(server)
    processes = [
        ProcessFigures(
            pid=pid,
            cpu_seconds=round(cpu_seconds(pid) - cpu_before.get(pid, 0.0), 2),
            peak_rss_mib=round(_status_kib(pid, "VmHWM") / 1024, 1),
            peak_connections=server.peak_connections.get(pid, 0) if server.workers > 1 else None,
        )
        for pid in server.serving_pids
    ]
    return Served(
        app=server.app,
        workers=server.workers,
        processes=processes,
        peak_rss_mib=round(server.peak_rss_bytes() / 2**20, 1),
        task_workers=len(server.extra),
        task_worker_peak_rss_mib=round(
            sum(_status_kib(pid, "VmHWM") for pid in server.task_worker_pids) / 1024, 1
        ),
        with_database=with_database,
    )


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


def _wait_until_spread(server: Server, path: str) -> None:
    """Probe with one new connection at a time until every uvicorn process has accepted one.

    The processes share one listening socket and the kernel hands each connection to whichever
    accepts first, so a process still importing the app would leave the first burst of load to
    the others. Probing also runs each process's first request (URL map, templates) before any
    measurement."""
    deadline = time.monotonic() + START_SECONDS
    accepted: dict[int, int] = {}
    while time.monotonic() < deadline:
        pids = server.serving_pids
        if len(pids) == server.workers and all(accepted.get(pid) for pid in pids):
            return
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.app} exited while starting:\n{server.output()}")
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        try:
            conn.request("GET", path)
            conn.getresponse().read()
            for pid, count in server.connections().items():  # ours is the only connection
                if count:
                    accepted[pid] = accepted.get(pid, 0) + 1
        except (OSError, http.client.HTTPException):
            time.sleep(0.1)
        finally:
            conn.close()
    raise RuntimeError(
        f"{server.app}: not every one of {server.workers} processes accepted a connection within"
        f" {START_SECONDS} s (accepted per process: {accepted})\n{server.output()}"
    )


def _start_db_worker(env: dict[str, str], index: int = 0) -> subprocess.Popen[bytes]:
    log = LOG_DIR / f"db_worker-{os.getpid()}-{index}.log"
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
