"""Scale-out smoke test: two real server processes share one PostgreSQL database and one Redis.

The websocket test connects a follower to process B and posts through process A: the event must
cross Redis (``RedisPubSubChannelLayer``) and arrive within a second.

Runs in the PostgreSQL + Redis pass (``make test-postgres``); on SQLite it is skipped, and in CI
(CI=true) with PostgreSQL it must run. The servers are ``manage.py serve --no-worker`` processes
pointed at pytest-django's test database, so the test's rows must be committed
(``transaction=True``). They run the production code paths: no pytest in their ``sys.modules``,
so real password hashers and real rate limits.
"""

import getpass
import gzip
import http.client
import json
import os
import secrets
import shutil
import signal
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from watercooler.core.ratelimit import PASSWORD_FAILURES
from watercooler.feed.models import PersonFollow
from watercooler.people.actions import do_create_api_token
from watercooler.people.models import User
from watercooler.testing.fixtures import free_port

POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
IN_CI = os.environ.get("CI") == "true"
START_SECONDS = 60

pytestmark = pytest.mark.skipif(
    not POSTGRES, reason="needs PostgreSQL and Redis: run `make test-postgres`"
)


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path
    redis_prefix: str

    def request(
        self, method: str, path: str, body: Any = None, token: str | None = None
    ) -> tuple[int, Any]:
        headers = {"Accept": "application/json"}
        payload = None
        if body is not None:
            payload = json.dumps(body)
            headers["Content-Type"] = "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=payload, headers=headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        if response.getheader("Content-Type", "").startswith("application/json"):
            return response.status, json.loads(data)
        return response.status, data.decode(errors="replace")

    def output(self) -> str:
        return f"--- {self.name} output ---\n{self.log.read_text(errors='replace')[-4000:]}"


def _test_database_url() -> str:
    """A URL for the database this test runs in (pytest-django's ``test_<name>``)."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    at = "@" if credentials else ""
    return f"postgres://{credentials}{at}{host}{port}/{quote(db['NAME'], safe='')}"


def _wait_until_healthy(server: Server) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"{server.name} exited with {server.process.returncode}\n{server.output()}")
        try:
            status, _ = server.request("GET", "/healthz")
        except OSError:
            status = 0
        if status == 200:
            return
        time.sleep(0.2)
    pytest.fail(f"{server.name} did not answer /healthz in {START_SECONDS} s\n{server.output()}")


def _stop(server: Server) -> None:
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


@pytest.fixture
def servers(transactional_db: None, tmp_path: Path) -> Iterator[tuple[Server, Server]]:
    if not settings.REDIS_URL:
        message = "scale-out needs REDIS_URL beside a PostgreSQL DATABASE_URL"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    # A prefix of their own: the two servers share it, nothing else in Redis sees it.
    redis_prefix = f"watercooler-scale-out-{secrets.token_hex(6)}"
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "REDIS_PREFIX": redis_prefix,
        "SECRET_KEY": settings.SECRET_KEY,
        "DATABASE_CONN_MAX_AGE": "0",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    started: list[Server] = []
    try:
        for name in ("A", "B"):
            port = free_port()
            log = tmp_path / f"server-{name}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    [
                        sys.executable,
                        str(Path(settings.BASE_DIR) / "manage.py"),
                        "serve",
                        "--no-worker",
                        "--host=127.0.0.1",
                        f"--port={port}",
                        "--no-access-log",
                        "--log-level=warning",
                    ],
                    cwd=settings.BASE_DIR,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            started.append(Server(name, port, process, log, redis_prefix))
        for server in started:
            _wait_until_healthy(server)
        yield started[0], started[1]
    finally:
        for server in started:
            _stop(server)


def test_two_processes_share_database_and_cache(servers: tuple[Server, Server]) -> None:
    a, b = servers
    password = secrets.token_urlsafe(16)
    # The servers use the production hashers (not the tests' fast one), so hash with one of them.
    User.objects.create(
        username="scale-out",
        email="scale-out@example.com",
        display_name="Scale Out",
        password=PBKDF2PasswordHasher().encode(password, PBKDF2PasswordHasher().salt()),
    )

    # Both processes are healthy.
    for server in servers:
        status, body = server.request("GET", "/healthz")
        assert status == 200, f"{body}\n{server.output()}"

    # A token issued by A (a row in the shared database) is accepted by B.
    status, body = a.request(
        "POST", "/api/v1/auth/token", {"username": "scale-out", "password": password}
    )
    assert status == 200, f"{body}\n{a.output()}"
    token = body["token"]
    status, body = b.request("GET", "/api/v1/me", token=token)
    assert status == 200, f"{body}\n{b.output()}"
    assert body["username"] == "scale-out"

    # Failed token requests are counted in the shared Redis cache: split the limit between the
    # two processes (each stays under it, together they reach it) and both then refuse.
    wrong = {"username": "nobody-here", "password": "wrong"}
    share_a = (PASSWORD_FAILURES.per_account_address + 1) // 2
    share_b = PASSWORD_FAILURES.per_account_address - share_a
    assert share_a < PASSWORD_FAILURES.per_account_address, (
        "each process alone must stay under the limit"
    )

    def fail(server: Server, times: int) -> list[int]:
        return [server.request("POST", "/api/v1/auth/token", wrong)[0] for _ in range(times)]

    # The two processes work at once: each hashes a password per failure, which takes a while.
    with ThreadPoolExecutor(max_workers=2) as pool:
        on_a, on_b = pool.submit(fail, a, share_a), pool.submit(fail, b, share_b)
        statuses = on_a.result() + on_b.result()
    assert statuses == [401] * PASSWORD_FAILURES.per_account_address, (
        f"{statuses}\n{a.output()}\n{b.output()}"
    )
    for server in servers:
        status, body = server.request("POST", "/api/v1/auth/token", wrong)
        assert status == 429, f"{server.name} did not see the shared count: {status} {body}"


# --- Real time across processes ---------------------------------------------------------------

# A post made through process A's JSON API must reach a websocket held by process B, via Redis.
DELIVERY_SECONDS = 1.0


def _author_and_follower(prefix: str) -> tuple[str, str]:
    """An author and a follower of theirs (committed rows the servers see): their API tokens."""
    author = User.objects.create(username=f"{prefix}-author", email=f"{prefix}-author@example.com")
    follower = User.objects.create(
        username=f"{prefix}-follower", email=f"{prefix}-follower@example.com"
    )
    PersonFollow.objects.create(follower=follower, followee=author)
    _, author_token = do_create_api_token(user=author, name="scale-out")
    _, follower_token = do_create_api_token(user=follower, name="scale-out")
    return author_token, follower_token


def test_post_through_one_process_reaches_a_websocket_on_the_other(
    servers: tuple[Server, Server],
) -> None:
    from websockets.sync.client import connect
    from websockets.typing import Origin

    a, b = servers
    author_token, follower_token = _author_and_follower("rt")
    # Warm A up, so the timing below measures delivery rather than a first request's imports.
    status, body = a.request("GET", "/api/v1/me", token=author_token)
    assert status == 200, f"{body}\n{a.output()}"

    uri = f"ws://127.0.0.1:{b.port}/ws/?token={follower_token}"
    with connect(uri, origin=Origin(f"http://127.0.0.1:{b.port}"), open_timeout=10) as ws:
        # The pong comes after the consumer has joined its groups (messages run in order).
        ws.send(json.dumps({"type": "ping"}))
        assert json.loads(ws.recv(timeout=5)) == {"type": "pong"}, b.output()

        started = time.monotonic()
        status, body = a.request(
            "POST", "/api/v1/posts", {"body": "Hello from A"}, token=author_token
        )
        assert status == 201, f"{status} {body}\n{a.output()}"
        post_id = body["id"]
        received: dict[str, Any] = {}
        while not received:
            left = DELIVERY_SECONDS - (time.monotonic() - started)
            try:
                event = json.loads(ws.recv(timeout=max(left, 0.01)))
            except TimeoutError:
                pytest.fail(f"no post.created within {DELIVERY_SECONDS} s\n{b.output()}")
            if event.get("type") == "post.created":
                received = event
        elapsed = time.monotonic() - started
    assert received["post"]["id"] == post_id
    assert received["post"]["author"]["username"] == "rt-author"
    assert elapsed < DELIVERY_SECONDS, f"post.created took {elapsed:.3f} s"


# --- Behind nginx, with the documented configuration -------------------------------------------

NGINX_SITE = Path(settings.BASE_DIR) / "deploy" / "nginx" / "watercooler.conf"
# What the test changes in the site file, each found exactly once: the rest is served as written.
PLACEHOLDERS = (
    "server 127.0.0.1:8000;",
    "server 127.0.0.1:8001;",
    "listen 443 ssl http2;",
    "listen 80;",
    "/etc/ssl/social.example.com.crt",
    "/etc/ssl/social.example.com.key",
    "/srv/watercooler/var/static/",
    "/mnt/shared/watercooler-media/",
)
STYLESHEET = "body { color: #1a1a2e; }\n" * 200


@dataclass
class Nginx:
    port: int  # TLS
    plain_port: int
    process: subprocess.Popen[bytes]
    directory: Path

    def request(
        self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None
    ) -> tuple[http.client.HTTPResponse, bytes]:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        conn = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=30, context=context)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response, response.read()
        finally:
            conn.close()

    def routed(self) -> list[str]:
        """The access log: one "<uri> <upstream address> <status>" line per request."""
        log = self.directory / "access.log"
        return log.read_text().splitlines() if log.exists() else []

    def output(self) -> str:
        log = self.directory / "error.log"
        return f"--- nginx error log ---\n{log.read_text() if log.exists() else ''}"


def _nginx_binary() -> str:
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )
    if found is None:
        message = "nginx is not installed (Debian: apt-get install nginx-light; .ci/run does)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture
def nginx(servers: tuple[Server, Server], tmp_path: Path) -> Iterator[Nginx]:
    """nginx serving ``deploy/nginx/watercooler.conf`` with A as the HTTP upstream and B as the
    websocket upstream, a self-signed certificate, and Debian's gzip defaults around it."""
    binary = _nginx_binary()
    a, b = servers
    directory = tmp_path / "nginx"
    static, media = directory / "static", directory / "media"
    for folder in (
        static,
        media,
        *(directory / t for t in ("body", "proxy", "fastcgi", "uwsgi", "scgi")),
    ):
        folder.mkdir(parents=True)
    (static / "app.css").write_text(STYLESHEET)
    (static / "app.css.gz").write_bytes(gzip.compress(STYLESHEET.encode()))
    certificate, key = directory / "site.crt", directory / "site.key"
    subprocess.run(
        [shutil.which("openssl") or "/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=social.example.com", "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    port, plain_port = free_port(), free_port()
    values = (
        f"server 127.0.0.1:{a.port};",
        f"server 127.0.0.1:{b.port};",
        f"listen 127.0.0.1:{port} ssl http2;",
        f"listen 127.0.0.1:{plain_port};",
        str(certificate),
        str(key),
        f"{static}/",
        f"{media}/",
    )
    site = NGINX_SITE.read_text()
    for placeholder, value in zip(PLACEHOLDERS, values, strict=True):
        assert site.count(placeholder) == 1, f"{placeholder!r} is not once in {NGINX_SITE}"
        site = site.replace(placeholder, value)
    (directory / "site.conf").write_text(site)
    temp_paths = "\n".join(
        f"    {kind}_temp_path {directory / folder};"
        for kind, folder in (("client_body", "body"), ("proxy", "proxy"), ("fastcgi", "fastcgi"),
                             ("uwsgi", "uwsgi"), ("scgi", "scgi"))
    )  # fmt: skip
    # As root, nginx's workers would otherwise run as nobody, who cannot read the test's files.
    user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
    (directory / "nginx.conf").write_text(
        f"""{user}
worker_processes 1;
error_log {directory / "error.log"} warn;
pid {directory / "nginx.pid"};
events {{ worker_connections 256; }}
http {{
    types {{ text/css css; text/html html; }}
    default_type application/octet-stream;
    log_format routed '$request_uri $upstream_addr $status';
    access_log {directory / "access.log"} routed;
{temp_paths}
    # Debian's nginx.conf turns gzip on: the site file must keep it off where it matters.
    gzip on;
    gzip_types text/css application/json application/javascript;
    include {directory / "site.conf"};
}}
"""
    )
    process = subprocess.Popen(
        [binary, "-p", str(directory), "-c", str(directory / "nginx.conf"), "-g", "daemon off;"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    served = Nginx(port, plain_port, process, directory)
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"nginx exited with {process.returncode}\n{served.output()}")
            try:
                if served.request("GET", "/healthz")[0].status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"nginx did not answer in {START_SECONDS} s\n{served.output()}")
            time.sleep(0.1)
        yield served
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_nginx_routes_websockets_and_http_to_their_own_processes(
    nginx: Nginx, servers: tuple[Server, Server]
) -> None:
    from websockets.sync.client import connect

    a, b = servers
    author_token, follower_token = _author_and_follower("ng")

    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    uri = f"wss://127.0.0.1:{nginx.port}/ws/?token={follower_token}"
    with connect(uri, ssl=context, open_timeout=10) as ws:
        ws.send(json.dumps({"type": "ping"}))
        assert json.loads(ws.recv(timeout=10)) == {"type": "pong"}, nginx.output()
        response, body = nginx.request(
            "POST",
            "/api/v1/posts",
            json.dumps({"body": "Through nginx"}),
            {"Authorization": f"Bearer {author_token}", "Content-Type": "application/json"},
        )
        assert response.status == 201, body
        post_id = json.loads(body)["id"]
        deadline = time.monotonic() + 10
        while True:
            event = json.loads(ws.recv(timeout=max(deadline - time.monotonic(), 0.01)))
            if event.get("type") == "post.created":
                break
        assert event["post"]["id"] == post_id

    routed = nginx.routed()
    assert f"/api/v1/posts 127.0.0.1:{a.port} 201" in routed, routed
    assert any(
        line.startswith("/ws/?token=") and line.endswith(f"127.0.0.1:{b.port} 101")
        for line in routed
    ), routed


def test_nginx_leaves_compression_to_the_app_and_serves_static_files(nginx: Nginx) -> None:
    # An answer the app renders: gzipped once, by the app.
    response, body = nginx.request(
        "GET", "/api/v1/openapi.json", headers={"Accept-Encoding": "gzip"}
    )
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert json.loads(gzip.decompress(body))["openapi"]

    # A secret (a new token) stays uncompressed although gzip is on for JSON around the site.
    response, body = nginx.request(
        "POST",
        "/api/v1/auth/token",
        json.dumps({"username": "nobody", "password": "wrong"}),
        {"Accept-Encoding": "gzip", "Content-Type": "application/json"},
    )
    assert response.status == 401
    assert response.getheader("Content-Encoding") is None
    assert json.loads(body)["detail"]

    # Static files: nginx's own, the .gz beside each one, cached for good.
    response, body = nginx.request("GET", "/static/app.css", headers={"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(body).decode() == STYLESHEET
    assert "max-age=315360000" in (response.getheader("Cache-Control") or "")

    # Plain HTTP is sent to HTTPS.
    conn = http.client.HTTPConnection("127.0.0.1", nginx.plain_port, timeout=10)
    try:
        conn.request("GET", "/feed/", headers={"Host": "social.example.com"})
        redirect = conn.getresponse()
    finally:
        conn.close()
    assert redirect.status == 301
    assert redirect.getheader("Location") == "https://social.example.com/feed/"
