"""The WSGI bridge (core/wsgi_bridge.py): the environ a WSGI application sees for an ASGI request,
the body and the response carried whole, streaming in batches, and every response closed in the
worker thread, also when the client leaves early."""

import asyncio
import threading
from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from watercooler.core import wsgi_bridge
from watercooler.core.wsgi_bridge import WsgiBridge


def _scope(**overrides: Any) -> dict[str, Any]:
    scope: dict[str, Any] = {
        "type": "http",
        "http_version": "1.1",
        "method": "GET",
        "scheme": "https",
        "path": "/",
        "raw_path": b"/",
        "root_path": "",
        "query_string": b"",
        "headers": [],
        "client": ("10.0.0.7", 51234),
        "server": ("social.example.com", 443),
    }
    return scope | overrides


def _call(app: Any, scope: dict[str, Any], body: list[bytes] | None = None) -> list[dict[str, Any]]:
    """Run ``WsgiBridge(app)`` for one request; the messages it sent."""
    chunks = list(body or [b""])
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        if chunks:
            chunk = chunks.pop(0)
            return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(WsgiBridge(app)(scope, receive, send))
    return sent


class Recorder:
    """A WSGI app that answers "ok" and keeps the environ and the body it was given."""

    def __init__(self) -> None:
        self.environ: dict[str, Any] = {}
        self.body = b""

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        self.environ = environ
        self.body = environ["wsgi.input"].read()
        start_response("201 Created", [("Content-Type", "text/plain"), ("X-One", "1")])
        return [b"o", b"", b"k"]


def test_the_environ_follows_pep_3333() -> None:
    app = Recorder()
    # "/café/%2F" as a client sends it: UTF-8 bytes, percent-encoded.
    scope = _scope(
        method="POST",
        path="/café//",
        raw_path=b"/caf%C3%A9/%2F",
        query_string=b"q=%C3%A9&x=1",
        headers=[
            (b"content-type", b"application/json"),
            (b"content-length", b"999"),  # a lie: the body's real length counts
            (b"cookie", b"a=1"),
            (b"cookie", b"b=2"),
            (b"accept", b"text/html"),
            (b"accept", b"*/*"),
            (b"x-forwarded-for", b"192.0.2.1"),
        ],
    )
    sent = _call(app, scope, [b'{"a":', b" 1}"])
    environ = app.environ
    assert environ["REQUEST_METHOD"] == "POST"
    assert environ["PATH_INFO"].encode("latin-1").decode() == "/café//"
    assert environ["SCRIPT_NAME"] == ""
    assert environ["QUERY_STRING"] == "q=%C3%A9&x=1"
    assert environ["CONTENT_TYPE"] == "application/json"
    assert environ["CONTENT_LENGTH"] == "8"
    assert app.body == b'{"a": 1}'
    assert environ["HTTP_COOKIE"] == "a=1; b=2"
    assert environ["HTTP_ACCEPT"] == "text/html,*/*"
    assert environ["HTTP_X_FORWARDED_FOR"] == "192.0.2.1"
    assert environ["REMOTE_ADDR"] == "10.0.0.7"
    assert (environ["SERVER_NAME"], environ["SERVER_PORT"]) == ("social.example.com", "443")
    assert environ["wsgi.url_scheme"] == "https"
    assert environ["SERVER_PROTOCOL"] == "HTTP/1.1"
    assert sent[0] == {
        "type": "http.response.start",
        "status": 201,
        "headers": [(b"content-type", b"text/plain"), (b"x-one", b"1")],
    }
    assert b"".join(m.get("body", b"") for m in sent[1:]) == b"ok"
    assert sent[-1] == {"type": "http.response.body", "body": b"", "more_body": False}


def test_a_root_path_becomes_the_script_name() -> None:
    app = Recorder()
    _call(app, _scope(path="/social/feed/", raw_path=b"/social/feed/", root_path="/social"))
    assert (app.environ["SCRIPT_NAME"], app.environ["PATH_INFO"]) == ("/social", "/feed/")


def test_a_client_that_leaves_before_its_body_ends_reaches_no_application() -> None:
    app = Recorder()
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(WsgiBridge(app)(_scope(method="POST"), receive, send))
    assert app.environ == {}
    assert sent == []


class Streaming:
    """A WSGI app streaming ``count`` chunks of ``size`` bytes; records the threads it ran and
    closed in."""

    def __init__(self, count: int, size: int) -> None:
        self.count, self.size = count, size
        self.threads: set[str] = set()
        self.closed_in: list[str] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        start_response("200 OK", [("Content-Type", "application/octet-stream")])
        app = self

        class Body:
            def __iter__(self) -> Iterator[bytes]:
                for index in range(app.count):
                    app.threads.add(threading.current_thread().name)
                    yield bytes([index % 256]) * app.size

            def close(self) -> None:
                app.closed_in.append(threading.current_thread().name)

        return Body()


def test_a_stream_comes_in_batches_and_is_closed_in_the_worker_thread() -> None:
    app = Streaming(count=40, size=32 * 1024)  # 1.25 MiB: five batches of 256 KiB
    sent = _call(app, _scope())
    body = b"".join(m.get("body", b"") for m in sent[1:])
    assert len(body) == 40 * 32 * 1024
    assert body[: 32 * 1024] == b"\x00" * 32 * 1024
    assert app.threads == {"http_0"}
    assert app.closed_in == ["http_0"]


def test_a_stream_whose_client_left_is_still_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    app = Streaming(count=40, size=32 * 1024)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body":
            raise OSError("the client went away")

    with pytest.raises(OSError, match="went away"):
        asyncio.run(WsgiBridge(app)(_scope(), receive, send))
    assert app.closed_in == ["http_0"]


def test_an_application_that_raises_gives_a_500_and_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        raise RuntimeError("boom")

    sent = _call(broken, _scope(path="/x", raw_path=b"/x"))
    assert sent[0]["status"] == 500
    assert "Request GET /x failed" in caplog.text


def test_one_thread_runs_one_request_at_a_time() -> None:
    """With one thread (the default) requests queue instead of sharing the interpreter."""
    running = 0
    most = 0
    lock = threading.Lock()

    def slow(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        threading.Event().wait(0.02)
        with lock:
            running -= 1
        start_response("200 OK", [])
        return [b"."]

    bridge = WsgiBridge(slow)

    async def one() -> None:
        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            pass

        await bridge(_scope(), receive, send)

    async def many() -> None:
        await asyncio.gather(*(one() for _ in range(5)))

    asyncio.run(many())
    assert most == 1


def test_the_batch_size_is_what_one_hop_carries() -> None:
    chunks: list[bytes] = []
    rest = iter([b"x" * 100_000] * 5)
    assert wsgi_bridge._batch(rest, chunks) is False
    assert len(chunks) == 3  # 300,000 bytes ≥ 256 KiB
    assert wsgi_bridge._batch(rest, chunks) is True
