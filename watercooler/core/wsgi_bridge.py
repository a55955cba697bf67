"""HTTP under an ASGI server in one thread hop: each request handed whole to Django's WSGI handler.

Django's own ASGI handler runs a synchronous project (our views and middleware are sync) by
crossing between the event loop and threads five or six times a request and starting a
thread-sensitive context per request; measured, that halves what a process serves
(docs/performance.md, "Serving"). Here the event loop reads the request body, one worker
thread runs the whole WSGI application (middleware, view, template, ``request_finished``) and
hands back the finished response, and the loop writes it out: one hop there and back, as under a
WSGI server with synchronous workers, while websockets stay on the same event loop and port.

A streaming response (a file, a CSV export) comes back in batches of up to ``BATCH_BYTES``, one
hop per batch, and is closed in the worker thread whatever happens to the client.
"""

import asyncio
import logging
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Any
from urllib.parse import unquote_to_bytes

from django.conf import settings

logger = logging.getLogger(__name__)

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
Scope = dict[str, Any]
Receive = Callable[[], Any]
Send = Callable[[dict[str, Any]], Any]

# What one hop brings back of a streaming response before the loop writes it out.
BATCH_BYTES = 256 * 1024


class _Response:
    """What the worker thread hands back: status, headers, the body so far, and the rest."""

    __slots__ = ("chunks", "headers", "iterable", "rest", "status")

    def __init__(self) -> None:
        self.status = 500
        self.headers: list[tuple[bytes, bytes]] = []
        self.chunks: list[bytes] = []
        self.rest: Iterator[bytes] | None = None
        self.iterable: Iterable[bytes] | None = None

    def start_response(
        self, status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Callable[[bytes], None]:
        self.status = int(status.split(" ", 1)[0])
        self.headers = [
            (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers
        ]
        return self.chunks.append


def _batch(rest: Iterator[bytes], into: list[bytes]) -> bool:
    """Move chunks from ``rest`` into ``into`` up to ``BATCH_BYTES``; True when ``rest`` ended."""
    size = 0
    for chunk in rest:
        if chunk:
            into.append(chunk)
            size += len(chunk)
            if size >= BATCH_BYTES:
                return False
    return True


def _close(iterable: Iterable[bytes] | None) -> None:
    close = getattr(iterable, "close", None)
    if close is not None:
        close()


def _environ(scope: Scope, body: IO[bytes], length: int, threaded: bool) -> dict[str, Any]:
    """The WSGI environ (PEP 3333) for an ASGI HTTP scope."""
    root_path: str = scope.get("root_path", "")
    raw_path: bytes | None = scope.get("raw_path")
    # PATH_INFO is the percent-decoded path as bytes, read as latin-1 (Django re-reads it as
    # UTF-8 and keeps malformed bytes percent-encoded, as under any WSGI server).
    path = unquote_to_bytes(raw_path) if raw_path else scope["path"].encode()
    root = root_path.encode()
    if root and path.startswith(root):
        path = path[len(root) :]
    server = scope.get("server") or ("localhost", 80)
    client = scope.get("client")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": root_path.encode().decode("latin-1"),
        "PATH_INFO": path.decode("latin-1"),
        "QUERY_STRING": scope.get("query_string", b"").decode("latin-1"),
        "SERVER_NAME": str(server[0]),
        "SERVER_PORT": str(server[1] if server[1] is not None else 80),
        "SERVER_PROTOCOL": f"HTTP/{scope.get('http_version', '1.1')}",
        "CONTENT_LENGTH": str(length),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": body,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": threaded,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if client:
        environ["REMOTE_ADDR"] = client[0]
        environ["REMOTE_PORT"] = str(client[1])
    for raw_name, raw_value in scope.get("headers", ()):
        name = raw_name.decode("latin-1").upper().replace("-", "_")
        value = raw_value.decode("latin-1")
        if name == "CONTENT_LENGTH":
            continue  # the body's real length, set above
        if name != "CONTENT_TYPE":
            name = "HTTP_" + name
        if name in environ:
            value = environ[name] + ("; " if name == "HTTP_COOKIE" else ",") + value
        environ[name] = value
    return environ


class WsgiBridge:
    """An ASGI application for HTTP scopes that runs ``app`` (WSGI) in ``threads`` worker
    threads, one hop a request. Threads of one process share the interpreter: a second one helps
    while a request waits on its database, more add contention (docs/performance.md)."""

    def __init__(
        self,
        app: WsgiApp,
        threads: int = 1,
        on_loop: Callable[[asyncio.AbstractEventLoop], None] | None = None,
    ) -> None:
        self.app = app
        self.threads = threads
        # Called once with the server's event loop, at the first request.
        self._on_loop = on_loop
        self._executor: ThreadPoolExecutor | None = None

    @property
    def executor(self) -> ThreadPoolExecutor:
        # Made on first use, in the process that serves: uvicorn may fork or spawn workers
        # after importing the application.
        if self._executor is None:
            self._executor = ThreadPoolExecutor(self.threads, thread_name_prefix="http")
        return self._executor

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = await self._read_body(receive)
        if body is None:
            return  # the client left before sending its whole request
        loop = asyncio.get_running_loop()
        if self._on_loop is not None:
            self._on_loop(loop)
            self._on_loop = None
        length = body.tell()
        body.seek(0)
        environ = _environ(scope, body, length, self.threads > 1)
        try:
            response = await loop.run_in_executor(self.executor, self._run, environ)
        finally:
            body.close()
        await send({"type": "http.response.start", "status": response.status,
                    "headers": response.headers})  # fmt: skip
        try:
            while True:
                for chunk in response.chunks:
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
                rest = response.rest
                if rest is None:
                    break
                response.chunks = []
                if await loop.run_in_executor(self.executor, _batch, rest, response.chunks):
                    response.rest = None
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            if response.iterable is not None:
                await loop.run_in_executor(self.executor, _close, response.iterable)

    def _run(self, environ: dict[str, Any]) -> _Response:
        """In the worker thread: the whole application, and the body as far as one batch goes.
        A response whose body is all here is closed here (Django's ``request_finished``)."""
        response = _Response()
        iterable: Iterable[bytes] | None = None
        try:
            iterable = self.app(environ, response.start_response)
            if isinstance(iterable, (list, tuple)):
                response.chunks.extend(chunk for chunk in iterable if chunk)
            else:
                rest = iter(iterable)
                if not _batch(rest, response.chunks):
                    response.rest, response.iterable = rest, iterable
                    return response
        except Exception:
            # Django answers its own errors; this is a failure outside it (or in a stream).
            logger.exception(
                "Request %s %s failed", environ["REQUEST_METHOD"], environ["PATH_INFO"]
            )
            response.status, response.headers = 500, [(b"content-type", b"text/plain")]
            response.chunks, response.rest = [b"Server error"], None
        _close(iterable)
        return response

    @staticmethod
    async def _read_body(receive: Receive) -> IO[bytes] | None:
        # As Django's ASGI handler does: in memory up to FILE_UPLOAD_MAX_MEMORY_SIZE, then on
        # disk. Django checks the size limits when the view reads the body.
        body: IO[bytes] = tempfile.SpooledTemporaryFile(  # noqa: SIM115 (closed by the caller)
            max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE, mode="w+b"
        )
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                body.close()
                return None
            chunk = message.get("body")
            if chunk:
                body.write(chunk)
            if not message.get("more_body", False):
                return body
