"""Scenario "front-line home page on slow 3G": what a phone on a poor link downloads, and when it loads.

    .venv/bin/python -m bench.scenario_frontline --size smoke        # through bench.run
    .venv/bin/python -m bench.scenario_frontline --url http://127.0.0.1:8000 \\
        --username member --password watercooler-demo                # any running server

A member with a full home feed opens ``/`` in Chromium (Playwright, Debian's build) at 360x640
with an empty cache, through Chrome DevTools' network emulation: 400 ms of latency per request,
400 kbit/s down (50,000 bytes/s) and up. Recorded: the bytes on the wire (the sum of every
request's ``encodedDataLength``, headers included, from ``Network.loadingFinished``) once the
network is quiet after the load event, the number of requests, DOMContentLoaded and the load
event (the navigation timing entry, from the start of the navigation), and the heaviest
resources. Target: under 100 kB (100,000 bytes) and the load event under 2 s.

The server runs the production static files (hashed, pre-compressed by WhiteNoise) from a
collection of its own that leaves out the Django admin's and the API docs' files, so even the
smoke run collects in seconds. Time depends on this machine; bytes hardly do, which is why the
test suite keeps a bytes budget of its own (``watercooler/feed/tests/test_page_weight.py``).
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from playwright.sync_api import Browser, ViewportSize

from bench.report import Row, machine_description, write_report
from bench.scenario_feed import collected_static, sign_in
from bench.server import ROOT, serve

if TYPE_CHECKING:
    from bench.data import BenchOrg

APP = "watercooler.asgi:application"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
STATIC_ROOT = ROOT / "var" / "bench" / "static-frontline"
# Apps whose static files no page of a member's phone asks for: leaving them out of the
# collection makes it seconds instead of a minute (ninja's are the API docs' Swagger/Redoc).
STATIC_IGNORE = ("admin", "ninja")

VIEWPORT: ViewportSize = {"width": 360, "height": 640}
LATENCY_MS = 400
THROUGHPUT_BYTES_PER_SECOND = 50_000  # 400 kbit/s
BUDGET_BYTES = 100_000
BUDGET_LOAD_MS = 2_000.0
QUIET_SECONDS = 1.0  # the network counts as settled after this long without a request in flight
SETTLE_SECONDS = 15.0  # give up waiting for it to settle after this long
RUNS = {"smoke": 1, "full": 3}


@dataclass
class Resource:
    url: str
    kind: str  # CDP's resource type: Document, Stylesheet, Script, Image, Font, Fetch, …
    status: int = 0
    encoding: str = ""
    bytes: int = 0
    finished: bool = False


@dataclass
class Visit:
    """One cold visit of the page under the emulated link."""

    bytes: int
    requests: int
    dom_content_loaded_ms: float
    load_ms: float
    resources: list[Resource] = field(default_factory=list)

    def heaviest(self, count: int = 5) -> list[Resource]:
        return sorted(self.resources, key=lambda r: r.bytes, reverse=True)[:count]

    def bytes_by_kind(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for resource in self.resources:
            totals[resource.kind] = totals.get(resource.kind, 0) + resource.bytes
        return dict(sorted(totals.items(), key=lambda item: -item[1]))


def launch_args() -> list[str]:
    return [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]


def visit(browser: Browser, base_url: str, session_cookie: str, path: str = "/") -> Visit:
    """Open ``path`` signed in (the ``sessionid`` cookie), cold, on the emulated slow 3G link.

    A new browser context has an empty cache. Requests are followed through the DevTools
    protocol: WebSocket traffic has no ``loadingFinished`` and is not counted (the live socket
    opens after the load and carries only what happens next).
    """
    context = browser.new_context(
        viewport=VIEWPORT, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    try:
        context.add_cookies([{"name": "sessionid", "value": session_cookie, "url": base_url}])
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        resources: dict[str, Resource] = {}
        last_activity = [time.monotonic()]

        def sent(event: dict[str, Any]) -> None:
            last_activity[0] = time.monotonic()
            request_id = event["requestId"]
            if request_id in resources and event.get("redirectResponse"):
                # A redirect reuses the id: the hop is its own exchange on the wire.
                hop = resources.pop(request_id)
                hop.finished = True
                hop.bytes = int(event["redirectResponse"].get("encodedDataLength", 0))
                resources[f"{request_id}:{len(resources)}"] = hop
            resources[request_id] = Resource(
                url=event["request"]["url"], kind=event.get("type", "Other")
            )

        def received(event: dict[str, Any]) -> None:
            resource = resources.get(event["requestId"])
            if resource is not None:
                headers = {k.lower(): v for k, v in event["response"].get("headers", {}).items()}
                resource.status = int(event["response"].get("status", 0))
                resource.encoding = headers.get("content-encoding", "")

        def finished(event: dict[str, Any]) -> None:
            last_activity[0] = time.monotonic()
            resource = resources.get(event["requestId"])
            if resource is not None:
                resource.bytes = int(event.get("encodedDataLength", 0))
                resource.finished = True

        def failed(event: dict[str, Any]) -> None:
            last_activity[0] = time.monotonic()
            resource = resources.get(event["requestId"])
            if resource is not None:
                resource.finished = True

        cdp.on("Network.requestWillBeSent", sent)
        cdp.on("Network.responseReceived", received)
        cdp.on("Network.loadingFinished", finished)
        cdp.on("Network.loadingFailed", failed)
        cdp.send("Network.enable")
        cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": LATENCY_MS,
                "downloadThroughput": THROUGHPUT_BYTES_PER_SECOND,
                "uploadThroughput": THROUGHPUT_BYTES_PER_SECOND,
            },
        )
        response = page.goto(base_url + path, wait_until="load", timeout=60_000)
        if response is None or response.status != 200 or "/accounts/login" in page.url:
            status = response.status if response is not None else "no response"
            raise RuntimeError(f"GET {path}: {status} at {page.url} (not signed in?)")
        deadline = time.monotonic() + SETTLE_SECONDS
        while time.monotonic() < deadline:
            # Events arrive while Playwright waits, so wait in its loop rather than sleep.
            page.wait_for_timeout(200)
            busy = any(not r.finished for r in resources.values())
            if not busy and time.monotonic() - last_activity[0] >= QUIET_SECONDS:
                break
        timing = page.evaluate(
            "(() => { const n = performance.getEntriesByType('navigation')[0];"
            " return [n.domContentLoadedEventStart, n.loadEventStart]; })()"
        )
        done = [r for r in resources.values() if r.finished]
        return Visit(
            bytes=sum(r.bytes for r in done),
            requests=len(done),
            dom_content_loaded_ms=float(timing[0]),
            load_ms=float(timing[1]),
            resources=done,
        )
    finally:
        context.close()


def measure(base_url: str, session_cookie: str, runs: int = 1) -> list[Visit]:
    """One warm-up visit (the server's own caches and imports, not the browser's: each visit
    has a fresh context), then ``runs`` measured visits."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=launch_args())
        try:
            visit(browser, base_url, session_cookie)
            return [visit(browser, base_url, session_cookie) for _ in range(runs)]
        finally:
            browser.close()


def _kb(size: float) -> float:
    return size / 1000


def row(visits: Sequence[Visit], who: str) -> Row:
    """The report's row: the median visit's figures (bytes barely vary; times do)."""
    load_ms = statistics.median(v.load_ms for v in visits)
    median = min(visits, key=lambda v: abs(v.load_ms - load_ms))
    kinds = median.bytes_by_kind()
    heaviest = ", ".join(
        f"{r.url.rsplit('/', 1)[-1].split('?')[0] or '/'} {_kb(r.bytes):.1f}"
        for r in median.heaviest(3)
    )
    met_bytes = median.bytes < BUDGET_BYTES
    met_load = load_ms < BUDGET_LOAD_MS
    verdict = ("met" if met_bytes and met_load else "missed") + (
        f": {_kb(median.bytes):.1f} kB {'<' if met_bytes else '≥'} {_kb(BUDGET_BYTES):g} kB;"
        f" load {load_ms:.0f} ms {'<' if met_load else '≥'} {BUDGET_LOAD_MS:g} ms"
    )
    return Row(
        scenario=f"front-line home page on slow 3G (`GET /` as {who}, 360x640, empty cache)",
        target=(
            f"< {_kb(BUDGET_BYTES):g} kB transferred; load event < {BUDGET_LOAD_MS:g} ms"
            f" (latency {LATENCY_MS} ms, {THROUGHPUT_BYTES_PER_SECOND * 8 // 1000} kbit/s)"
        ),
        figures={
            "kB transferred": _kb(median.bytes),
            "requests": median.requests,
            "DOMContentLoaded ms": statistics.median(v.dom_content_loaded_ms for v in visits),
            "load event ms": load_ms,
            "visits": len(visits),
            "kB by type": ", ".join(f"{k} {_kb(v):.1f}" for k, v in kinds.items()),
            "heaviest kB": heaviest,
        },
        verdict=verdict,
    )


def run(org: "BenchOrg", report: list[Row]) -> None:
    env = {**org.env, **collected_static(org.env, STATIC_ROOT, STATIC_IGNORE)}
    reader = org.readers[0]
    with serve(APP, env=env) as server:
        session = sign_in(server.url, reader, org.password)
        visits = measure(server.url, session, runs=RUNS.get(org.size, 3))
    report.append(row(visits, "a reader"))


def _describe(visits: Sequence[Visit]) -> str:
    lines = []
    for number, one in enumerate(visits, 1):
        lines.append(
            f"visit {number}: {one.bytes:,} bytes in {one.requests} requests;"
            f" DOMContentLoaded {one.dom_content_loaded_ms:.0f} ms, load {one.load_ms:.0f} ms"
        )
        for resource in sorted(one.resources, key=lambda r: -r.bytes):
            lines.append(
                f"  {resource.bytes:>8,}  {resource.kind:<10} {resource.status} "
                f"{resource.encoding or '-':<4} {resource.url}"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scenario_frontline")
    parser.add_argument("--url", help="measure this running server instead of the bench's own")
    parser.add_argument("--username", help="with --url: who signs in")
    parser.add_argument("--password", help="with --url: their password")
    parser.add_argument("--runs", type=int, default=3)
    args, rest = parser.parse_known_args(argv if argv is not None else sys.argv[1:])
    if not args.url:
        from bench.run import main as run_main

        return run_main(["--only", "frontline", *rest])
    if not (args.username and args.password):
        parser.error("--url needs --username and --password")
    base_url = args.url.rstrip("/")
    visits = measure(base_url, sign_in(base_url, args.username, args.password), runs=args.runs)
    print(_describe(visits))
    path = write_report(
        [row(visits, args.username)],
        machine_description(None, {}),
        title="Watercooler front-line page weight",
        notes=[f"Server: {base_url}, signed in as {args.username}."],
        results_dir=ROOT / "var" / "bench" / "results",
        name=f"frontline-{time.strftime('%Y-%m-%d')}",
    )
    print(f"\nSaved {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
