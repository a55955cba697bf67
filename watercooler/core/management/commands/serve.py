"""``manage.py serve``: uvicorn serving the app, plus a background-task worker beside it.

This is what ``make run`` ends in. One process serves HTTP and websockets on one address: each
HTTP request goes to Django's WSGI handler in one thread hop (``core/wsgi_bridge.py``, through
``watercooler.asgi``), websockets stay on uvicorn's event loop. A ``db_worker`` child
runs queued tasks and the periodic jobs (``core/periodic.py``), is restarted with a back-off whenever it dies (``core/supervisor.py``) and is
stopped when the server stops (Ctrl-C or SIGTERM). ``--workers N`` forks
N uvicorn processes on one socket (the scale-out layout in docs/deploy.md, where workers are
usually run separately with ``--no-worker``).
"""

import os
import signal
import sys
from argparse import ArgumentParser, ArgumentTypeError
from pathlib import Path
from types import FrameType
from typing import Any

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.tasks import task_backends
from django_tasks_db.backend import DatabaseBackend
from uvicorn.supervisors import Multiprocess

from watercooler.core import periodic
from watercooler.core.env import env_int, env_str
from watercooler.core.signin_help import sign_in_help
from watercooler.core.supervisor import Supervisor

APP = "watercooler.asgi:application"


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise ArgumentTypeError(f"not a port number: {value!r}") from None
    if not 0 <= port <= 65535:
        raise ArgumentTypeError(f"port must be between 0 and 65535, got {port}")
    return port


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise ArgumentTypeError("must be at least 1")
    return number


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _display_path(path: Path) -> str:
    try:
        return f"{path.relative_to(Path.cwd())}/"
    except ValueError:
        return f"{path}/"


def email_help() -> str:
    mailer: dict[str, Any] = settings.MAILERS["default"]
    options: dict[str, Any] = mailer.get("OPTIONS", {})
    if mailer["BACKEND"].endswith("filebased.EmailBackend"):
        return (
            "Email is not sent: each message is written to a file in "
            f"{_display_path(Path(options['file_path']))} (set EMAIL_HOST to send it)."
        )
    if mailer["BACKEND"].endswith("smtp.EmailBackend"):
        return f"Email is sent through SMTP at {options.get('host')}:{options.get('port')}."
    return f"Email goes through {mailer['BACKEND']}."


class Command(BaseCommand):
    help = "Serve Watercooler with uvicorn (HTTP + websockets) and a background-task worker."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--host",
            default=env_str("HOST", "127.0.0.1") or "127.0.0.1",
            help="Address to listen on (default: $HOST or 127.0.0.1).",
        )
        parser.add_argument(
            "--port",
            type=_port,
            default=env_int("PORT", 8000, minimum=0),
            help="Port to listen on (default: $PORT or 8000; 0 picks a free one).",
        )
        parser.add_argument(
            "--workers",
            type=_positive,
            default=1,
            help="Number of uvicorn worker processes sharing the socket (default: 1).",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not start the background-task worker (run `manage.py db_worker` yourself).",
        )
        parser.add_argument(
            "--log-level",
            default="info",
            choices=["critical", "error", "warning", "info", "debug", "trace"],
            help="uvicorn's log level (default: info).",
        )
        parser.add_argument("--no-access-log", action="store_true", help="Do not log each request.")

    def handle(self, *args: Any, **options: Any) -> None:
        host: str = options["host"]
        workers: int = options["workers"]
        config = uvicorn.Config(
            APP,
            host=host,
            port=options["port"],
            workers=workers,
            ws="auto",
            # Django's ASGI handler does not speak the lifespan protocol.
            lifespan="off",
            log_level=options["log_level"],
            access_log=not options["no_access_log"],
        )
        banner_lines = [
            sign_in_help(),
            email_help(),
        ]
        worker = None if options["no_worker"] else self.start_worker()
        if worker is not None:
            banner_lines.append("Background tasks: a db_worker process, restarted if it dies.")
        else:
            banner_lines.append("Background tasks: no worker here (run `manage.py db_worker`).")

        # uvicorn re-raises the signal that stopped it after restoring the previous handler, so
        # turn SIGTERM into an exception too: the `finally` below then stops the worker.
        previous_term = signal.signal(signal.SIGTERM, _raise_interrupt)
        try:
            if workers > 1:
                sock = config.bind_socket()
                # Listen before forking so the banner is true: early connections wait in the
                # backlog until a worker process accepts them.
                sock.listen(config.backlog)
                self.print_banner(host, sock.getsockname()[1], workers, banner_lines)
                Multiprocess(config, sockets=[sock]).run()
            else:
                config.load()
                server = BannerServer(config, self, banner_lines)
                try:
                    server.run()
                except SystemExit:  # uvicorn exits when it cannot listen
                    if server.started:
                        raise
                if not server.started:
                    raise CommandError(
                        f"Could not listen on {host}:{config.port} (see the error above). If"
                        " another server has that port, choose another with --port or PORT=."
                    )
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous_term)
            if worker is not None:
                worker.stop()
            self.stdout.write(f"{settings.SITE_NAME} stopped.")

    def start_worker(self) -> Supervisor | None:
        try:
            backend = task_backends["default"]
        except Exception as exc:
            raise CommandError(f"The task backend is not configured: {exc}") from exc
        if not isinstance(backend, DatabaseBackend):
            self.stderr.write(
                f"Not starting a task worker: the task backend is {type(backend).__name__}."
            )
            return None
        manage_py = Path(settings.BASE_DIR) / "manage.py"
        command = [
            sys.executable,
            str(manage_py),
            "db_worker",
            "--queue-name=*",
            "--no-reload",
            "--verbosity=1",
        ]
        supervisor = Supervisor(
            "task worker", command, popen_kwargs={"preexec_fn": _die_with_parent}
        )
        supervisor.start()
        # Digests, missed-activity email and the email outbox run on the worker's schedule.
        periodic.schedule()
        return supervisor

    def print_banner(self, host: str, port: int, workers: int, lines: list[str]) -> None:
        every_interface = host in ("0.0.0.0", "::", "")  # noqa: S104 (a comparison, not a bind)
        url_host = "127.0.0.1" if every_interface else host
        if ":" in url_host:
            url_host = f"[{url_host}]"
        url = f"http://{url_host}:{port}/"
        rule = "─" * 72
        out = [
            "",
            rule,
            f"  {settings.SITE_NAME} is running at {url}",
        ]
        if every_interface:
            out.append(f"  (listening on every interface, {host}:{port})")
        if workers > 1:
            out.append(f"  {workers} uvicorn worker processes share the socket.")
        out.append("")
        for line in lines:
            out.extend(f"  {part}" for part in line.splitlines())
            out.append("")
        out.append("  Press Ctrl-C to stop.")
        out.append(rule)
        self.stdout.write("\n".join(out))
        self.stdout.flush()


class BannerServer(uvicorn.Server):
    """A uvicorn server that prints the banner once its socket is listening."""

    def __init__(self, config: uvicorn.Config, command: Command, lines: list[str]) -> None:
        super().__init__(config)
        self.command = command
        self.lines = lines

    async def startup(self, sockets: Any = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            port = self.servers[0].sockets[0].getsockname()[1]
            self.command.print_banner(self.config.host, port, 1, self.lines)


def _die_with_parent() -> None:
    """Ask Linux to SIGTERM the worker if the server dies without stopping it (kill -9).

    Linux sends it when the *thread* that started the child ends: the supervisor's thread, which
    starts every restarted worker, lives as long as the server."""
    if sys.platform != "linux":
        return
    try:
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
    except OSError:
        pass
    # Out of the terminal's process group: Ctrl-C reaches only the server, which then stops
    # the worker itself (once, with SIGTERM, letting the running task finish).
    os.setpgrp()
