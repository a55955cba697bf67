"""Pytest fixtures shared by every app: the world, API clients, a real SMTP server, a real push
service, the browser."""

import base64
import json
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import http_ece
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test import Client, TransactionTestCase
from django.test.testcases import LiveServerThread
from playwright.sync_api import Browser, BrowserContext, Page
from pytest_django import Settings

from watercooler.people.actions import do_create_api_token
from watercooler.people.models import User
from watercooler.testing.world import PASSWORD, World, build_world

ARTIFACTS = Path(settings.BASE_DIR) / "var" / "test-artifacts"

# The types of the fixtures below that hand a test a callable, and of the apps' capture fixtures.
ClientAs = Callable[[User | None], Client]
Screenshot = Callable[[Page, str], Path]
# ``commit()``: django_capture_on_commit_callbacks(execute=True), the callbacks it ran.
Commit = Callable[[], AbstractContextManager[list[Callable[[], Any]]]]
# (groups, event) handed to ``core.events.send_now``; (signal name, kwargs) of domain signals.
SentEvents = list[tuple[list[str], dict[str, Any]]]
SentSignals = list[tuple[str, dict[str, Any]]]


@pytest.fixture
def media_served_from_tmp(settings: Settings, tmp_path: Path) -> Path:
    """Uploads go to a temporary folder, and /media/ serves from it (browser journeys:
    ``core.media.serve_media`` reads MEDIA_ROOT on each request)."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Each test starts with an empty cache: cached site settings or rate-limit counters from
    one test must not leak into the next (the database is rolled back, the cache is not)."""
    from django.core.cache import cache

    from watercooler.people.actions import forget_api_tokens

    cache.clear()
    forget_api_tokens()
    yield
    cache.clear()
    forget_api_tokens()


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture
def password() -> str:
    return PASSWORD


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@dataclass
class ApiClient:
    """A test client that talks to /api/v1 as one person with a bearer token."""

    user: User | None
    client: Client = field(default_factory=Client)
    token: str | None = None

    def __post_init__(self) -> None:
        if self.user is not None and self.token is None:
            _, self.token = do_create_api_token(user=self.user, name="tests")

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params, headers=self._headers())

    def post(self, path: str, data: Any = None) -> Any:
        return self.client.post(
            f"/api/v1{path}", data, content_type="application/json", headers=self._headers()
        )

    def patch(self, path: str, data: Any = None) -> Any:
        return self.client.patch(
            f"/api/v1{path}", data, content_type="application/json", headers=self._headers()
        )

    def delete(self, path: str, data: Any = None) -> Any:
        return self.client.delete(
            f"/api/v1{path}", data, content_type="application/json", headers=self._headers()
        )


@pytest.fixture
def api_as(db: None) -> type[ApiClient]:
    """``api_as(user)`` returns an ApiClient for that user (or anonymous for None)."""
    return ApiClient


@pytest.fixture
def client_as(db: None) -> ClientAs:
    """``client_as(user)`` returns a Django test client signed in as that user."""
    return client_for


# --- A real SMTP server -------------------------------------------------------------------------


@dataclass
class Mailbox:
    messages: list[Message] = field(default_factory=list)
    # While true the server answers every message "451 try again later", as a busy one does.
    refusing: bool = False

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if address in (m["To"] or "")]

    @staticmethod
    def body(message: Message) -> str:
        if message.is_multipart():
            parts = [p for p in message.walk() if p.get_content_type() == "text/plain"]
            message = parts[0] if parts else message
        payload = message.get_payload(decode=True)
        return payload.decode() if isinstance(payload, bytes) else str(message.get_payload())


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server(settings: Settings) -> Iterator[Mailbox]:
    """An aiosmtpd server on loopback; Django is pointed at it for the test."""
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
            if mailbox.refusing:
                return "451 4.3.0 Try again later"
            mailbox.messages.append(message_from_bytes(envelope.content))
            return "250 Message accepted for delivery"

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    try:
        yield mailbox
    finally:
        controller.stop()


# --- Browser (Playwright on Debian's Chromium) ------------------------------------------------

# Sync Playwright drives the browser from the test thread while live_server serves Django.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


# live_server runs the app for one request at a time, and the test's database is emptied between
# two requests, never during one (see below).
REQUEST_TURN = threading.Lock()


class OneRequestAtATimeServer(ThreadedWSGIServer):
    """live_server's server, running the app for one request at a time.

    On SQLite the tests' database lives in memory and live_server hands the test's one
    connection to every request thread. Two requests at once (a sign-in's POST while live.js
    tries ``/ws/``) then used one sqlite3 connection concurrently and one of them failed ("bad
    parameter or other API misuse"), losing the session now and then. Connections are still
    accepted in parallel and kept alive; only the application call, with its whole response,
    is taken in turn."""

    def set_app(self, application: Any) -> None:
        def in_turn(environ: dict[str, Any], start_response: Any) -> list[bytes]:
            with REQUEST_TURN:
                response = application(environ, start_response)
                try:
                    return list(response)
                finally:
                    close = getattr(response, "close", None)
                    if close is not None:
                        close()

        super().set_app(in_turn)


LiveServerThread.server_class = OneRequestAtATimeServer

# Django's private hook that empties the database after a transactional test (the stubs omit it).
_empty_database = TransactionTestCase._fixture_teardown  # type: ignore[attr-defined]


def _empty_database_between_requests(self: TransactionTestCase) -> None:
    """A browser may still send a request as its test ends: pages report what was read when
    they are hidden or closed, and keepalive lets that request outlive the page. Served while
    the database was being emptied, it wrote rows pointing at rows already deleted, and the
    emptying failed ("FOREIGN KEY constraint failed"). It now waits for the turn, and finds an
    empty database."""
    with REQUEST_TURN:
        _empty_database(self)


TransactionTestCase._fixture_teardown = _empty_database_between_requests  # type: ignore[attr-defined]


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run last (after pytest-django's own ordering, otherwise kept).

    Sync Playwright keeps an asyncio loop running on the main thread from the first browser
    test until the session ends; an ``async def`` test (the websocket tests) collected after it
    would fail with "Runner.run() cannot be called from a running event loop".
    """
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Screenshot:
    """``screenshot(page, "name")`` saves a full-page PNG under var/test-artifacts/screenshots/."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)

    def take(page: Page, name: str) -> Path:
        path = folder / f"{request.node.name.split('[')[0]}--{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def phone(browser: Browser) -> Iterator[BrowserContext]:
    """A 360 px wide phone-sized browser context."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    yield context
    context.close()


def sign_in(page: Page, base_url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login" not in url)


# --- A real ASGI server (websockets) ------------------------------------------------------------


@pytest.fixture
def asgi_server(transactional_db: None) -> Iterator[str]:
    """The real ASGI application under uvicorn in a thread of the test process.

    pytest-django's ``live_server`` speaks WSGI only, so it has no websockets. This server shares
    the test database (committed rows: use ``django_db(transaction=True)``) and the in-memory
    channel layer, and needs no second process. Yields its base URL.
    """
    import uvicorn

    from watercooler.asgi import application

    # Bound here and handed over, not a free_port() number bound later: on a busy machine
    # another process could take that port in between.
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = int(sock.getsockname()[1])
    config = uvicorn.Config(
        application, host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="asgi-test-server", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the ASGI test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def add_session_cookie(context: BrowserContext, base_url: str, user: User) -> None:
    """Sign ``user`` in for every page of ``context`` with a cookie from ``Client.force_login``."""
    client = client_for(user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base_url,
            }
        ]
    )


def signed_in_page(browser: Browser, base_url: str, user: User) -> Page:
    """A page in a new browser context, signed in as ``user``."""
    context = browser.new_context()
    add_session_cookie(context, base_url, user)
    return context.new_page()


# --- A real push service (RFC 8030) on loopback ---------------------------------------------


@dataclass
class PushDevice:
    """A browser's side of a push subscription: its keys, to decrypt what arrives."""

    name: str
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes

    @property
    def subscription(self) -> dict[str, Any]:
        public = self.private_key.public_key().public_bytes(
            Encoding.X962, PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": _b64url(public), "auth": _b64url(self.auth)},
        }


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class PushService:
    """What a push service received, decrypted with each device's keys after checking the
    VAPID signature (RFC 8292); ``answer`` sets the status a device's endpoint answers with
    (410: the subscription is gone)."""

    url: str
    received: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    answer: dict[str, int] = field(default_factory=dict)
    devices: dict[str, PushDevice] = field(default_factory=dict)

    def device(self, name: str) -> PushDevice:
        device = PushDevice(
            name, f"{self.url}/push/{name}", ec.generate_private_key(ec.SECP256R1()), os.urandom(16)
        )
        self.devices[name] = device
        return device

    def messages(self, name: str) -> list[dict[str, Any]]:
        """What reached device ``name``: each payload decrypted and its VAPID token checked."""
        device = self.devices[name]
        found = []
        for path, headers, body in self.received:
            if path != f"/push/{name}":
                continue
            claims = verify_vapid(headers["authorization"])
            assert claims["aud"] == self.url
            assert claims["exp"] > time.time()
            assert headers["content-encoding"] == "aes128gcm"
            plain = http_ece.decrypt(
                body, private_key=device.private_key, auth_secret=device.auth, version="aes128gcm"
            )
            found.append(json.loads(plain))
        return found


def verify_vapid(authorization: str) -> dict[str, Any]:
    """The claims of a ``vapid t=<JWT>, k=<key>`` header, once its ES256 signature checks out
    against the key it names (raises otherwise)."""
    scheme, _, rest = authorization.partition(" ")
    assert scheme == "vapid", authorization
    fields = dict(part.strip().split("=", 1) for part in rest.split(","))
    header, claims, signature = fields["t"].split(".")
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _b64url_decode(fields["k"]))
    raw = _b64url_decode(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32]), int.from_bytes(raw[32:]))
    key.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
    result: dict[str, Any] = json.loads(_b64url_decode(claims))
    return result


@pytest.fixture
def push_service(settings: Settings) -> Iterator[PushService]:
    """A push service on loopback (plain http, allowed through ``WEBPUSH_TEST_HOSTS``)."""
    port = free_port()
    service = PushService(url=f"http://127.0.0.1:{port}")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = {key.lower(): value for key, value in self.headers.items()}
            service.received.append((self.path, headers, body))
            name = self.path.rsplit("/", 1)[-1]
            self.send_response(service.answer.get(name, 201))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.WEBPUSH_TEST_HOSTS = ["127.0.0.1"]
    try:
        yield service
    finally:
        server.shutdown()
        server.server_close()
