"""Scenario "home feed": the feed API, a community feed and the HTML home page over real sockets.

    .venv/bin/python -m bench.scenario_feed --size smoke

Each page is measured twice, load coming from other processes (``bench.load``): its maximum
throughput (wrk, 32 connections) with the server's CPU per request, then its latency percentiles
at half that rate (locust, a steady rate). Every identity rotates: API requests carry the bearer
tokens of many readers, page requests the session cookies of several signed-in readers.

Baselines, same run, same uvicorn options, one process each (``bench.server``):
- the API rows: the raw ASGI hello-world (``bench.baselines:hello``): its maximum throughput, and
  its latency at the same rate as the row's;
- the HTML row: Django's own minimal view (``/bench/minimal/`` in ``bench.settings_bench``),
  served by the same process as the home page, through the same middleware, with the same cookies.

And two permanent pairs, each measured in the same run:
- serving: the minimal view and the feed API through our WSGI path (``watercooler.asgi``, one
  thread hop a request) against the same project through Django's ASGI handler
  (``bench.django_asgi``), which is how it was served before;
- middleware: the minimal view through our middleware with a signed-in cookie against the same
  view with no middleware at all (``bench.settings_bare``).
"""

import hashlib
import http.cookiejar
import re
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bench.load import Latency, Throughput, latency_at_rate, max_throughput, require_tools
from bench.report import Figure, Row
from bench.server import ROOT, Server, child_env, serve

if TYPE_CHECKING:
    from bench.data import BenchOrg

APP = "watercooler.asgi:application"
DJANGO_ASGI_APP = "bench.django_asgi:application"
HELLO = "bench.baselines:hello"
BENCH_SETTINGS = "bench.settings_bench"
BARE_SETTINGS = "bench.settings_bare"
MINIMAL_PATH = "/bench/minimal/"
CONNECTIONS = 32
API_P99_MS = 10.0
API_CPU_MS = 3.0
PAGE_P99_MS = 25.0
PAGE_CPU_MS = 8.0
MIDDLEWARE_RATIO = 0.8
# The serving pair's floor: our path must never be slower than the handler it replaced.
SERVING_RATIO = 1.0
MAX_TOKENS = 100
MAX_SESSIONS = 8
STATIC_ROOT = ROOT / "var" / "bench" / "static"


@dataclass(frozen=True)
class Timing:
    warm_seconds: float  # a wrk run before each page's maximum, not recorded (0: a few requests)
    max_seconds: float  # each wrk run
    latency_seconds: float  # each locust run, after its warm-up
    warmup_seconds: float
    # wrk's connections. The smoke run has one second: with 32 connections on a slow page few
    # requests would complete inside it, so it keeps a few.
    connections: int = CONNECTIONS


TIMINGS = {
    "full": Timing(warm_seconds=3, max_seconds=10, latency_seconds=12, warmup_seconds=2),
    "smoke": Timing(
        warm_seconds=0, max_seconds=1, latency_seconds=1, warmup_seconds=0.3, connections=4
    ),
}
WARM_REQUESTS = 10


@dataclass(frozen=True)
class Most:
    """A page's maximum throughput and the server's CPU per request while it ran."""

    throughput: Throughput
    cpu_ms: float

    @property
    def per_second(self) -> float:
        return self.throughput.per_second

    @property
    def errors(self) -> int:
        return self.throughput.errors


def _check(url: str, headers: Sequence[str], timing: Timing) -> None:
    """Requests first, each checked: a page answering 4xx/5xx (or redirecting to the login page)
    would otherwise be timed as fast. Then warm up (imports, URL patterns, the database's cache)
    so the maximum is not an average with the first cold seconds."""
    for index in range(min(WARM_REQUESTS, max(1, len(headers)))):
        request = urllib.request.Request(url)  # noqa: S310 (our own server)
        if headers:
            name, value = headers[index].split(":", 1)
            request.add_header(name, value.strip())
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                if response.status != 200 or response.url != url:
                    raise RuntimeError(f"GET {url}: HTTP {response.status} at {response.url}")
        except urllib.error.HTTPError as exc:
            raise RuntimeError(f"GET {url}: HTTP {exc.code}\n{exc.read()[:500]!r}") from exc
    if timing.warm_seconds:
        max_throughput(url, headers, connections=timing.connections, seconds=timing.warm_seconds)


def _most(server: Server, path: str, headers: Sequence[str], timing: Timing) -> Most:
    """Checked and warmed up, the maximum throughput and the CPU per request it cost."""
    _check(server.url + path, headers, timing)
    cpu_before = server.cpu_seconds()
    most = max_throughput(
        server.url + path, headers, connections=timing.connections, seconds=timing.max_seconds
    )
    cpu = server.cpu_seconds() - cpu_before
    return Most(most, 1000 * cpu / most.requests if most.requests else 0.0)


def _measure(
    server: Server, path: str, headers: Sequence[str], timing: Timing, rate: float | None = None
) -> tuple[Most | None, Latency]:
    """The maximum (unless ``rate`` is given), then latency at ``rate`` or half the maximum."""
    most = None
    if rate is None:
        most = _most(server, path, headers, timing)
        rate = most.per_second / 2
    latency = latency_at_rate(
        server.url,
        path,
        rate,
        headers,
        seconds=timing.latency_seconds,
        warmup=timing.warmup_seconds,
    )
    return most, latency


def sign_in(base_url: str, username: str, password: str) -> str:
    """POST the login form like a browser; return the ``sessionid`` cookie's value."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login_url = f"{base_url}/accounts/login/"
    with opener.open(login_url, timeout=30) as response:
        form = response.read().decode()
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    if match is None:
        raise RuntimeError("no CSRF token in the login form")
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": match.group(1), "login": username, "password": password}
    ).encode()
    request = urllib.request.Request(login_url, data=data, headers={"Referer": login_url})  # noqa: S310
    with opener.open(request, timeout=30) as response:
        response.read()
    for cookie in jar:
        if cookie.name == "sessionid" and cookie.value:
            return cookie.value
    raise RuntimeError(f"signing in as {username} gave no session (wrong password? MFA?)")


def collected_static(
    env: dict[str, str], root: Path = STATIC_ROOT, ignore: Sequence[str] = ()
) -> dict[str, str]:
    """Production static files for the page server (hashed names, ``.gz``/``.br`` beside them)
    in ``root``, without the apps named in ``ignore``: ``collectstatic`` once per change of the
    sources (a stamp holds their hash); returns the environment that points the settings at them."""
    digest = hashlib.sha256(" ".join(ignore).encode())
    sources = sorted(ROOT.glob("static/**/*")) + sorted(ROOT.glob("watercooler/*/static/**/*"))
    for path in [*sources, ROOT / ".venv" / ".installed"]:
        if path.is_file():
            stat = path.stat()
            digest.update(f"{path.relative_to(ROOT)} {stat.st_size} {stat.st_mtime_ns}\n".encode())
    stamp = root / ".bench-stamp"
    extra = {"DJANGO_SETTINGS_MODULE": BENCH_SETTINGS, "BENCH_STATIC_ROOT": str(root)}
    if not stamp.exists() or stamp.read_text() != digest.hexdigest():
        print("Collecting static files for the page server (once)…", flush=True)
        ignored = [arg for name in ignore for arg in ("-i", name)]
        command = [sys.executable, "manage.py", "collectstatic", "--noinput", "--clear", "-v", "0"]
        subprocess.run(  # noqa: S603 (our own interpreter and arguments)
            [*command, *ignored],
            cwd=ROOT,
            env=child_env({**env, **extra}),
            check=True,
        )
        stamp.write_text(digest.hexdigest())
    return extra


def _mib(size: int) -> float:
    return size / 2**20


def _verdict(checks: list[tuple[bool, str]]) -> str:
    missed = [text for ok, text in checks if not ok]
    if missed:
        return "missed: " + "; ".join(missed)
    return "met: " + "; ".join(text for _, text in checks)


def _figures(most: Most | None, latency: Latency, peak_rss: int) -> dict[str, Figure]:
    figures: dict[str, Figure] = {}
    if most is not None:
        figures["max req/s"] = most.per_second
        figures["CPU ms/req"] = most.cpu_ms
    figures |= {
        "at req/s": latency.per_second,
        "p50 ms": latency.p50_ms,
        "p95 ms": latency.p95_ms,
        "p99 ms": latency.p99_ms,
        "errors": (most.errors if most else 0) + latency.errors,
        "peak RSS MiB": _mib(peak_rss),
    }
    return figures


def run(org: "BenchOrg", report: list[Row]) -> None:
    require_tools()
    timing = TIMINGS.get(org.size, TIMINGS["full"])
    tokens = [org.tokens[name] for name in org.readers if name in org.tokens][:MAX_TOKENS]
    if not tokens:
        raise RuntimeError("the bench organisation has no reader tokens")
    api_headers = [f"Authorization: Bearer {token}" for token in tokens]
    feed_path = "/api/v1/feed?limit=20"
    community_path = f"/api/v1/communities/{org.community_handle}/feed?limit=20"

    # 1. The API on the real app and settings.
    api: dict[str, tuple[Most, Latency]] = {}
    with serve(APP, env=org.env) as server:
        for name, path in (("feed", feed_path), ("community", community_path)):
            most, latency = _measure(server, path, api_headers, timing)
            assert most is not None
            api[name] = (most, latency)
        api_rss = server.peak_rss_bytes()

    # 2. The raw ASGI hello-world: its maximum, then its latency at each API row's rate.
    hello: dict[str, Latency] = {}
    with serve(HELLO, env={}) as server:
        hello_max = _most(server, "/", api_headers, timing)
        for name, (_, latency) in api.items():
            _, hello[name] = _measure(server, "/", api_headers, timing, rate=latency.rate)
        hello_rss = server.peak_rss_bytes()

    for name, label in (
        ("feed", "home feed API `GET /api/v1/feed` (20 items)"),
        ("community", f"community feed API `GET /api/v1/communities/{org.community_handle}/feed`"),
    ):
        most, latency = api[name]
        errors = most.errors + latency.errors
        report.append(
            Row(
                scenario=label,
                target=f"CPU ≤ {API_CPU_MS:g} ms a request; p99 ≤ {API_P99_MS:g} ms at ½ max",
                figures=_figures(most, latency, api_rss),
                baseline={
                    "hello-world " + k: v
                    for k, v in _figures(hello_max, hello[name], hello_rss).items()
                },
                ratio=most.per_second / hello_max.per_second if hello_max.per_second else 0.0,
                verdict=_verdict(
                    [
                        (most.cpu_ms <= API_CPU_MS, f"CPU {most.cpu_ms:.2f} ms"),
                        (latency.p99_ms <= API_P99_MS, f"p99 {latency.p99_ms:.2f} ms"),
                        (errors == 0, f"{errors} errors"),
                    ]
                ),
            )
        )

    # 3. The HTML home page and Django's minimal view, one server, same middleware and cookies.
    # The smoke size skips collectstatic (see bench.settings_bench): seconds, not half a minute.
    page_env = {**org.env, "DJANGO_SETTINGS_MODULE": BENCH_SETTINGS}
    if org.size != "smoke":
        page_env |= collected_static(org.env)
    with serve(APP, env=page_env) as server:
        sessions = [sign_in(server.url, name, org.password) for name in org.readers[:MAX_SESSIONS]]
        cookies = [f"Cookie: sessionid={session}" for session in sessions]
        home_max, home_latency = _measure(server, "/", cookies, timing)
        assert home_max is not None
        minimal_max = _most(server, MINIMAL_PATH, cookies, timing)
        _, minimal_latency = _measure(server, MINIMAL_PATH, cookies, timing, rate=home_latency.rate)
        page_rss = server.peak_rss_bytes()
    page_errors = home_max.errors + home_latency.errors
    report.append(
        Row(
            scenario="home page HTML `GET /` (signed in)",
            target=f"CPU ≤ {PAGE_CPU_MS:g} ms a request; p99 ≤ {PAGE_P99_MS:g} ms at ½ max",
            figures=_figures(home_max, home_latency, page_rss),
            baseline={
                "minimal view " + k: v
                for k, v in _figures(minimal_max, minimal_latency, page_rss).items()
                if k != "peak RSS MiB"  # one process served both
            },
            ratio=home_max.per_second / minimal_max.per_second if minimal_max.per_second else 0.0,
            verdict=_verdict(
                [
                    (home_max.cpu_ms <= PAGE_CPU_MS, f"CPU {home_max.cpu_ms:.2f} ms"),
                    (home_latency.p99_ms <= PAGE_P99_MS, f"p99 {home_latency.p99_ms:.2f} ms"),
                    (page_errors == 0, f"{page_errors} errors"),
                ]
            ),
        )
    )

    # 4. The serving pair: the same project and cookies through Django's ASGI handler.
    with serve(DJANGO_ASGI_APP, env=page_env) as server:
        asgi_minimal = _most(server, MINIMAL_PATH, cookies, timing)
        asgi_feed = _most(server, feed_path, api_headers, timing)
    for label, ours, theirs in (
        ("Django's minimal view (signed in)", minimal_max, asgi_minimal),
        ("home feed API", api["feed"][0], asgi_feed),
    ):
        report.append(
            _pair_row(
                f"serving pair: {label}, our WSGI path vs Django's ASGI handler",
                f"≥ {SERVING_RATIO:g}x the ASGI handler",
                ours,
                theirs,
                "ASGI handler",
                SERVING_RATIO,
            )
        )

    # 5. The middleware pair: the minimal view with no middleware at all.
    with serve(APP, env={**page_env, "DJANGO_SETTINGS_MODULE": BARE_SETTINGS}) as server:
        bare_minimal = _most(server, MINIMAL_PATH, cookies, timing)
    report.append(
        _pair_row(
            "middleware pair: Django's minimal view through our middleware (signed in) vs none",
            f"≥ {MIDDLEWARE_RATIO:g}x the view without middleware",
            minimal_max,
            bare_minimal,
            "no middleware",
            MIDDLEWARE_RATIO,
        )
    )


def _pair_row(
    scenario: str,
    target: str,
    ours: Most,
    theirs: Most,
    their_name: str,
    target_ratio: float,
) -> Row:
    ratio = ours.per_second / theirs.per_second if theirs.per_second else 0.0
    errors = ours.errors + theirs.errors
    checks = [(ratio >= target_ratio, f"{ratio:.2f}x"), (errors == 0, f"{errors} errors")]
    return Row(
        scenario=scenario,
        target=target,
        figures={"max req/s": ours.per_second, "CPU ms/req": ours.cpu_ms, "errors": ours.errors},
        baseline={
            f"{their_name} max req/s": theirs.per_second,
            f"{their_name} CPU ms/req": theirs.cpu_ms,
            f"{their_name} errors": theirs.errors,
        },
        ratio=ratio,
        verdict=_verdict(checks),
    )


def main(argv: Sequence[str] | None = None) -> int:
    from bench.run import main as run_main

    return run_main(["--only", "feed", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    sys.exit(main())
