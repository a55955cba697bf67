"""Insights scenarios of ``make bench``: the network job against networkx, impressions ingested
over HTTP against raw inserts, and the dashboards on the organisation.

    .venv/bin/python -m bench.scenario_insights --size smoke

1. **The network job.** A synthetic organisation of 100,000 people and 1,000,000 weighted ties
   (smoke: 5,000 and 50,000): planted communities of about 200 people that keep 85 % of their
   ties inside, departments that mostly follow them. In a child process, the product's whole
   analysis (``insights.network.analyse``: Leiden, PageRank, sampled betweenness, participation,
   brokers, silos, agreement, the map's layout): seconds and peak memory, targets ≤ 10 s and
   ≤ 2 GB. In another child, the same analysis with networkx (Louvain, PageRank, betweenness
   from the same number of sampled sources, on the same graph): target ≥ 10x slower than ours,
   and our modularity within 1 % of its (both scored by the same function).
2. **Sampled betweenness against exact.** On the 20,000 most connected people of that graph
   (smoke: 2,000): exact betweenness against our estimate (as many sources as the product
   would use on a network that size): the rank
   correlation and how many of the exact top 1 % the estimate's top 1 % finds.
3. **Impressions.** Readers POST batches of 500 impressions to ``/api/v1/insights/impressions``
   as fast as the server takes them: impressions per second, target ≥ 20,000, next to the same
   rows upserted in-process with raw SQL.
4. **Dashboards.** ``/insights/organisation/`` (28 and 90 days) and ``GET
   /api/v1/insights/overview`` as a communications person: p99 at half the maximum, target
   ≤ 100 ms, next to the maximum.
5. **The map in Chromium.** The product's network job on the organisation itself (the last 90
   days of its replies, mentions, reactions and quotes, from the database), then
   ``/insights/network/`` opened in Chromium as a communications person: the time to the map's
   first frame (targets ≤ 3 s after navigation), the frames while the mouse wheels in and out and
   drags the map (p95 ≤ 50 ms, at least 20 frames a second), and the time from finding a person
   by name or switching the colours to the next frame drawn (≤ 100 ms, a response that feels
   instant). Chromium runs headless with software WebGL: there is no GPU on the bench machine.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import resource
import sys
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from bench.load import require_tools
from bench.report import Figure, Row
from bench.scenario_feed import (
    BENCH_SETTINGS,
    TIMINGS,
    _measure,
    _verdict,
    collected_static,
    sign_in,
)
from bench.scenario_frontline import CHROMIUM, launch_args
from bench.scenario_posting import db_task, scenario_main
from bench.server import serve

if TYPE_CHECKING:
    from bench.data import BenchOrg

APP = "watercooler.asgi:application"
MODULE = "bench.scenario_insights"
GRAPHS = {"full": (100_000, 1_000_000), "smoke": (5_000, 50_000)}
# Betweenness sources for both analyses: the product's own rule at full size (64 for a million
# ties); at the smoke size a few, or networkx's pure-Python betweenness alone takes minutes.
SOURCES: dict[str, int | None] = {"full": None, "smoke": 8}
EXACT_SUBGRAPH = {"full": 20_000, "smoke": 2_000}
COMMUNITY_SIZE = 200
INSIDE = 0.85
JOB_SECONDS = 10.0
JOB_MEMORY_MIB = 2048.0
SPEEDUP = 10.0
MODULARITY_GAP = 0.01
INGEST_PER_SECOND = 20_000.0
DASHBOARD_P99_MS = 100.0
BATCH = 500
INGEST_CLIENTS = 8
INGEST_SECONDS = {"full": 10.0, "smoke": 2.0}
SEED = 11
MAP_WINDOW_DAYS = 90
MAP_FIRST_FRAME_MS = 3000.0
MAP_FRAME_P95_MS = 50.0
MAP_RESPONSE_MS = 100.0


# --- The synthetic network (child processes) -------------------------------------------------


def _graph(people: int, ties: int) -> Any:
    """The same planted-community graph in every process (numpy, seeded)."""
    import numpy as np

    from watercooler.insights.network import InteractionGraph

    rng = np.random.default_rng(SEED)
    a = rng.integers(0, people, ties)
    inside = rng.random(ties) < INSIDE
    community_start = (a // COMMUNITY_SIZE) * COMMUNITY_SIZE
    width = np.minimum(COMMUNITY_SIZE, people - community_start)
    b = np.where(
        inside,
        community_start + rng.integers(0, 1 << 30, ties) % width,
        rng.integers(0, people, ties),
    )
    weights = rng.integers(1, 6, ties).astype(float)
    departments = [f"D{(i // COMMUNITY_SIZE) % 40:02d}" for i in range(people)]
    # One person in ten works in another department than their community's.
    for i in rng.choice(people, people // 10, replace=False).tolist():
        departments[i] = f"D{int(rng.integers(0, 40)):02d}"
    return InteractionGraph(
        size=people,
        sources=a,
        targets=b,
        weights=weights,
        groups={"department": departments, "location": [f"L{i % 9}" for i in range(people)]},
    )


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _task_ours(people: int, ties: int, sources: int | None) -> dict[str, Any]:
    from watercooler.insights.network import analyse, summed_ties

    graph = _graph(people, ties)
    before = _peak_mib()
    started = time.perf_counter()
    result = analyse(graph, sources=sources)
    seconds = time.perf_counter() - started
    summed = summed_ties(graph, directed=False)
    return {
        "seconds": seconds,
        "peak_mib": _peak_mib(),
        "input_mib": before,
        "modularity": result.modularity,
        "communities": len(result.community_sizes),
        "ties": len(summed.w),
        "drawn": len(result.positions),
        "brokers": sum(result.brokers),
        "sources": result.betweenness_sources,
    }


def _task_networkx(people: int, ties: int, sources: int) -> dict[str, Any]:
    import igraph
    import networkx as nx

    from watercooler.insights.network import summed_ties

    graph = _graph(people, ties)
    undirected = summed_ties(graph, directed=False)
    directed = summed_ties(graph, directed=True)
    started = time.perf_counter()
    g = nx.Graph()
    g.add_nodes_from(range(people))
    g.add_weighted_edges_from(
        zip(undirected.a.tolist(), undirected.b.tolist(), undirected.w.tolist(), strict=True)
    )
    d = nx.DiGraph()
    d.add_nodes_from(range(people))
    d.add_weighted_edges_from(
        zip(directed.a.tolist(), directed.b.tolist(), directed.w.tolist(), strict=True)
    )
    found = nx.community.louvain_communities(g, weight="weight", seed=SEED)
    nx.pagerank(d, weight="weight")
    nx.betweenness_centrality(g, k=sources, seed=SEED)
    seconds = time.perf_counter() - started
    membership = [0] * people
    for i, members in enumerate(found):
        for node in members:
            membership[node] = i
    scorer = igraph.Graph(n=people, edges=undirected.pairs())
    modularity = scorer.modularity(membership, weights=undirected.w.tolist())
    return {
        "seconds": seconds,
        "peak_mib": _peak_mib(),
        "modularity": float(modularity),
        "communities": len(found),
    }


def _task_betweenness(people: int, ties: int, subgraph: int) -> dict[str, Any]:
    import random as stdlib_random

    import igraph
    import numpy as np

    from watercooler.insights import network
    from watercooler.insights.network import summed_ties

    graph = _graph(people, ties)
    undirected = summed_ties(graph, directed=False)
    full = igraph.Graph(n=people, edges=undirected.pairs())
    top = sorted(np.argsort(-np.asarray(full.degree()), kind="stable")[:subgraph].tolist())
    sub = full.induced_subgraph(top)
    started = time.perf_counter()
    exact = sub.betweenness(directed=False)
    exact_seconds = time.perf_counter() - started
    limit = network.EXACT_BETWEENNESS_LIMIT
    network.EXACT_BETWEENNESS_LIMIT = 0  # force the estimate on this size
    try:
        started = time.perf_counter()
        estimate, sources = network.betweenness(sub, stdlib_random.Random(SEED))  # noqa: S311
        estimate_seconds = time.perf_counter() - started
    finally:
        network.EXACT_BETWEENNESS_LIMIT = limit
    exact_rank = np.argsort(np.argsort(exact))
    estimate_rank = np.argsort(np.argsort(estimate))
    spearman = float(np.corrcoef(exact_rank, estimate_rank)[0, 1])
    k = max(1, len(top) // 100)
    best = set(np.argsort(exact)[-k:].tolist())
    guessed = set(np.argsort(estimate)[-k:].tolist())
    return {
        "people": len(top),
        "sources": sources,
        "exact_seconds": exact_seconds,
        "estimate_seconds": estimate_seconds,
        "spearman": spearman,
        "top_found": len(best & guessed) / k,
    }


# --- Impressions ------------------------------------------------------------------------------


def _task_posts(limit: int) -> dict[str, Any]:
    """Recent posts every member may see (to everyone, outside communities)."""
    from watercooler.feed.models import Post

    ids = list(
        Post.objects.filter(audience="everyone", community__isnull=True, deleted_at__isnull=True)
        .exclude(announcement__isnull=False)
        .order_by("-created_at")
        .values_list("pk", flat=True)[:limit]
    )
    return {"ids": ids}


def _task_raw_inserts(post_ids: list[int], rows: int) -> dict[str, Any]:
    """The same upserts as the impressions action, in-process with raw SQL, in batches of 500:
    the rate the database itself takes them at."""
    from django.db import connection, transaction
    from django.utils import timezone

    from watercooler.insights.actions import _UPSERT_VIEWS
    from watercooler.people.models import User

    people = list(User.objects.filter(is_active=True).values_list("pk", flat=True)[:2000])
    rng = random.Random(SEED)  # noqa: S311
    moment = connection.ops.adapt_datetimefield_value(timezone.now())
    started = time.perf_counter()
    done = 0
    while done < rows:
        params: list[Any] = []
        seen: set[tuple[int, int]] = set()
        while len(seen) < BATCH:
            pair = (rng.choice(post_ids), rng.choice(people))
            if pair not in seen:
                seen.add(pair)
                params += [pair[0], pair[1], moment, None]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                _UPSERT_VIEWS.format(rows=", ".join(["(%s, %s, %s, %s)"] * BATCH)), params
            )
        done += BATCH
    return {"per_second": done / (time.perf_counter() - started)}


def _task_map_run() -> dict[str, Any]:
    """The product's network job on the organisation's own interactions, as the worker runs it."""
    from django.utils import timezone

    from watercooler.insights import tasks
    from watercooler.insights.models import NetworkPerson, NetworkRun

    now = timezone.now()
    run = NetworkRun.objects.create(window_days=MAP_WINDOW_DAYS, window_end=now, requested_at=now)
    started = time.perf_counter()
    assert tasks.run_network(run.pk)
    seconds = time.perf_counter() - started
    run.refresh_from_db()
    drawn = NetworkPerson.objects.filter(run=run, x__isnull=False).count()
    return {
        "seconds": seconds,
        "status": run.status,
        "people": run.people,
        "ties": run.ties,
        "drawn": drawn,
        "map_ties": len(run.map_ties),
    }


DB_TASKS: dict[str, Callable[..., dict[str, Any]]] = {
    "ours": _task_ours,
    "networkx": _task_networkx,
    "betweenness": _task_betweenness,
    "posts": _task_posts,
    "raw_inserts": _task_raw_inserts,
    "map_run": _task_map_run,
}


# --- The map in Chromium -----------------------------------------------------------------------

# Every frame's start while the page is being used: requestAnimationFrame runs once a frame, so
# the gaps between its calls are the frame times a person sees.
_RECORD_FRAMES = """() => {
  window.__frames = [];
  window.__recording = true;
  const tick = (at) => { window.__frames.push(at); if (window.__recording) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
}"""
_FRAME_GAPS = """() => {
  window.__recording = false;
  const at = window.__frames;
  return at.slice(1).map((t, i) => t - at[i]);
}"""
# From an input's change event to the first frame after the map responded (sigma redraws within
# the handler; the second animation frame starts once that drawing was painted).
_RESPONSE = """([selector, value]) => new Promise((resolve) => {
  const input = document.querySelector(selector);
  if (value !== null) input.value = value; else input.checked = true;
  const started = performance.now();
  input.dispatchEvent(new Event("change", { bubbles: true }));
  requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - started)));
})"""


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def _map_in_browser(base_url: str, session: str) -> dict[str, Any]:
    """Open the network page once to warm the server, then again (a fresh browser context, so
    an empty cache) to measure it, and use the map."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=launch_args())
        try:
            for measured in (False, True):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                context.add_cookies([{"name": "sessionid", "value": session, "url": base_url}])
                page = context.new_page()
                page.goto(f"{base_url}/insights/network/")
                page.wait_for_selector('[data-network-map][data-state="drawn"]', timeout=180_000)
                if measured:
                    result: dict[str, Any] = {
                        "first_frame_ms": page.evaluate(
                            "performance.getEntriesByName('network-map-drawn')[0].startTime"
                        ),
                        "map_kb": page.evaluate(
                            """performance.getEntriesByType("resource")
                              .filter((r) => r.name.includes("/network/map"))
                              .reduce((sum, r) => sum + r.encodedBodySize, 0) / 1000"""
                        ),
                        "nodes": page.evaluate(
                            "document.querySelectorAll('#map-people option').length"
                        ),
                        **_use_map(page),
                    }
                context.close()
            return result
        finally:
            browser.close()


def _use_map(page: Any) -> dict[str, Any]:
    """Wheel in, drag, wheel out with the mouse while recording frames; then find a person and
    switch the colours, timing the response."""
    page.locator("[data-network-map]").scroll_into_view_if_needed()
    box = page.locator("[data-network-map]").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.evaluate(_RECORD_FRAMES)
    started = time.perf_counter()
    for _ in range(8):
        page.mouse.wheel(0, -240)
        page.wait_for_timeout(60)
    page.mouse.down()
    page.mouse.move(x - 200, y - 100, steps=30)
    page.mouse.up()
    for _ in range(8):
        page.mouse.wheel(0, 240)
        page.wait_for_timeout(60)
    page.wait_for_timeout(300)
    seconds = time.perf_counter() - started
    gaps = page.evaluate(_FRAME_GAPS)
    someone = page.evaluate("document.querySelector('#map-people option')?.value ?? ''")
    find_ms = page.evaluate(_RESPONSE, ["[data-map-find]", someone])
    page.wait_for_timeout(500)  # the camera's move to them
    colour_ms = page.evaluate(_RESPONSE, ['input[name="colour"][value="department"]', None])
    return {
        "frames": len(gaps),
        "fps": len(gaps) / seconds if seconds else 0.0,
        "frame_p50_ms": _percentile(gaps, 0.5),
        "frame_p95_ms": _percentile(gaps, 0.95),
        "frame_max_ms": max(gaps, default=0.0),
        "find_ms": find_ms,
        "colour_ms": colour_ms,
        "found": someone,
    }


def _map_row(computed: dict[str, Any], used: dict[str, Any]) -> Row:
    return Row(
        scenario=f"network map in Chromium: {used['nodes']:,} named people of"
        f" {computed['drawn']:,} drawn, {computed['map_ties']:,} ties (`/insights/network/`,"
        " software WebGL)",
        target=f"first frame ≤ {MAP_FIRST_FRAME_MS / 1000:g} s; p95 frame ≤"
        f" {MAP_FRAME_P95_MS:g} ms while zooming and dragging; finding a person and recolouring"
        f" ≤ {MAP_RESPONSE_MS:g} ms",
        figures={
            "first frame ms": round(used["first_frame_ms"]),
            "map kB": round(used["map_kb"]),
            "fps": _r(used["fps"], 1),
            "frame p50 ms": _r(used["frame_p50_ms"], 1),
            "frame p95 ms": _r(used["frame_p95_ms"], 1),
            "frame max ms": _r(used["frame_max_ms"], 1),
            "find ms": _r(used["find_ms"], 1),
            "recolour ms": _r(used["colour_ms"], 1),
        },
        baseline={
            "network job s": _r(computed["seconds"]),
            "people connected": computed["people"],
            "ties": computed["ties"],
        },
        verdict=_verdict(
            [
                (
                    used["first_frame_ms"] <= MAP_FIRST_FRAME_MS,
                    f"first frame {used['first_frame_ms']:.0f} ms",
                ),
                (
                    used["frame_p95_ms"] <= MAP_FRAME_P95_MS,
                    f"p95 frame {used['frame_p95_ms']:.1f} ms",
                ),
                (used["find_ms"] <= MAP_RESPONSE_MS, f"find {used['find_ms']:.0f} ms"),
                (used["colour_ms"] <= MAP_RESPONSE_MS, f"recolour {used['colour_ms']:.0f} ms"),
            ]
        ),
    )


async def _ingest(
    base: str, tokens: Sequence[str], post_ids: Sequence[int], seconds: float
) -> dict[str, Any]:
    import aiohttp

    rng = random.Random(SEED)  # noqa: S311
    stop = time.monotonic() + seconds
    totals = {"accepted": 0, "ignored": 0, "requests": 0, "errors": 0}
    latencies: list[float] = []

    async def client(token: str, session: aiohttp.ClientSession) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        while time.monotonic() < stop:
            at = dt.datetime.now(dt.UTC).isoformat()
            items = [
                {
                    "post_id": rng.choice(post_ids),
                    "kind": rng.choice(("seen", "seen", "read")),
                    "at": at,
                }
                for _ in range(BATCH)
            ]
            started = time.perf_counter()
            async with session.post(
                f"{base}/api/v1/insights/impressions", json={"items": items}, headers=headers
            ) as response:
                body = await response.json()
            latencies.append(1000 * (time.perf_counter() - started))
            totals["requests"] += 1
            if response.status != 200:
                totals["errors"] += 1
                continue
            totals["accepted"] += body["accepted"]
            totals["ignored"] += body["ignored"]

    started = time.perf_counter()
    async with aiohttp.ClientSession() as session:
        await asyncio.gather(
            *(client(tokens[i % len(tokens)], session) for i in range(INGEST_CLIENTS))
        )
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        **totals,
        "per_second": (totals["accepted"] + totals["ignored"]) / elapsed,
        "p99_ms": latencies[int(0.99 * (len(latencies) - 1))] if latencies else None,
    }


# --- The scenario -----------------------------------------------------------------------------


def _r(value: float, digits: int = 2) -> Figure:
    return round(value, digits)


def _network_rows(org: BenchOrg, report: list[Row]) -> None:
    people, ties = GRAPHS.get(org.size, GRAPHS["full"])
    sources = SOURCES.get(org.size)
    ours = db_task(org, "ours", module=MODULE, people=people, ties=ties, sources=sources)
    theirs = db_task(
        org, "networkx", module=MODULE, people=people, ties=ties, sources=ours["sources"]
    )
    speedup = theirs["seconds"] / ours["seconds"] if ours["seconds"] else 0.0
    gap = (theirs["modularity"] - ours["modularity"]) / theirs["modularity"]
    report.append(
        Row(
            scenario=f"network job: {people:,} people, {ours['ties']:,} weighted ties"
            " (communities, PageRank, betweenness from"
            f" {ours['sources']} sources, brokers, silos, map layout)",
            target=f"≤ {JOB_SECONDS:g} s, ≤ {JOB_MEMORY_MIB / 1024:g} GB peak, ≥ {SPEEDUP:g}x"
            f" networkx, modularity within {MODULARITY_GAP:.0%} of networkx's",
            figures={
                "seconds": _r(ours["seconds"]),
                "peak MiB": round(ours["peak_mib"]),
                "modularity": _r(ours["modularity"], 4),
                "communities": ours["communities"],
                "people drawn": ours["drawn"],
                "brokers": ours["brokers"],
            },
            baseline={
                "networkx seconds": _r(theirs["seconds"]),
                "networkx peak MiB": round(theirs["peak_mib"]),
                "networkx modularity": _r(theirs["modularity"], 4),
                "networkx communities": theirs["communities"],
            },
            ratio=speedup,
            verdict=_verdict(
                [
                    (ours["seconds"] <= JOB_SECONDS, f"{ours['seconds']:.1f} s"),
                    (ours["peak_mib"] <= JOB_MEMORY_MIB, f"{ours['peak_mib']:.0f} MiB"),
                    (speedup >= SPEEDUP, f"{speedup:.1f}x networkx"),
                    (gap <= MODULARITY_GAP, f"modularity {-gap:+.2%} against networkx"),
                ]
            ),
        )
    )
    subgraph = EXACT_SUBGRAPH.get(org.size, EXACT_SUBGRAPH["full"])
    between = db_task(
        org, "betweenness", module=MODULE, people=people, ties=ties, subgraph=subgraph
    )
    report.append(
        Row(
            scenario=f"betweenness from {between['sources']} sampled sources against exact"
            f" ({between['people']:,} most connected people)",
            target="reported: how close the estimate ranks people",
            figures={
                "estimate s": _r(between["estimate_seconds"]),
                "rank correlation": _r(between["spearman"], 3),
                "top 1 % found": _r(between["top_found"], 3),
            },
            baseline={"exact s": _r(between["exact_seconds"])},
            ratio=between["exact_seconds"] / between["estimate_seconds"]
            if between["estimate_seconds"]
            else None,
            verdict="reported",
        )
    )


def run(org: BenchOrg, report: list[Row]) -> None:
    require_tools()
    _network_rows(org, report)
    timing = TIMINGS.get(org.size, TIMINGS["full"])
    tokens = [org.tokens[name] for name in org.readers if name in org.tokens]
    post_ids = db_task(org, "posts", module=MODULE, limit=5000)["ids"]
    seconds = INGEST_SECONDS.get(org.size, INGEST_SECONDS["full"])
    computed = db_task(org, "map_run", module=MODULE)
    # Pages need the production static files (the map draws with the vendored sigma).
    page_env = {**org.env, "DJANGO_SETTINGS_MODULE": BENCH_SETTINGS, **collected_static(org.env)}
    with serve(APP, env=page_env) as server:
        ingest = asyncio.run(_ingest(server.url, tokens, post_ids, seconds))
        session = sign_in(server.url, org.comms, org.password)
        page_headers = [f"Cookie: sessionid={session}"]
        api_headers = [f"Authorization: Bearer {org.tokens[org.comms]}"]
        dashboards = {
            "/insights/organisation/": _measure(
                server, "/insights/organisation/", page_headers, timing
            ),
            "/insights/organisation/?days=90": _measure(
                server, "/insights/organisation/?days=90", page_headers, timing
            ),
            "/api/v1/insights/overview": _measure(
                server, "/api/v1/insights/overview", api_headers, timing
            ),
        }
        used = _map_in_browser(server.url, session)
    raw = db_task(
        org,
        "raw_inserts",
        module=MODULE,
        post_ids=post_ids,
        rows=max(BATCH, int(ingest["accepted"] + ingest["ignored"]) // 2),
    )
    report.append(
        Row(
            scenario=f"impressions `POST /api/v1/insights/impressions`, {BATCH} a request,"
            f" {INGEST_CLIENTS} clients",
            target=f"≥ {INGEST_PER_SECOND:,.0f} impressions/s",
            figures={
                "impressions/s": round(ingest["per_second"]),
                "requests": ingest["requests"],
                "p99 ms a request": _r(ingest["p99_ms"]) if ingest["p99_ms"] else None,
                "errors": ingest["errors"],
            },
            baseline={"raw upserts/s in-process": round(raw["per_second"])},
            ratio=ingest["per_second"] / raw["per_second"] if raw["per_second"] else None,
            verdict=_verdict(
                [
                    (
                        ingest["per_second"] >= INGEST_PER_SECOND,
                        f"{ingest['per_second']:,.0f}/s",
                    ),
                    (ingest["errors"] == 0, f"{ingest['errors']} errors"),
                ]
            ),
        )
    )
    for path, (most, latency) in dashboards.items():
        assert most is not None
        errors = most.errors + latency.errors
        report.append(
            Row(
                scenario=f"dashboard `{path}` ({org.people:,} people)",
                target=f"p99 ≤ {DASHBOARD_P99_MS:g} ms at ½ max",
                figures={
                    "max req/s": round(most.per_second, 1),
                    "CPU ms/req": _r(most.cpu_ms),
                    "p50 ms at ½ max": _r(latency.p50_ms),
                    "p99 ms at ½ max": _r(latency.p99_ms),
                },
                verdict=_verdict(
                    [
                        (latency.p99_ms <= DASHBOARD_P99_MS, f"p99 {latency.p99_ms:.1f} ms"),
                        (errors == 0, f"{errors} errors"),
                    ]
                ),
            )
        )
    report.append(_map_row(computed, used))


def main(argv: Sequence[str] | None = None) -> None:
    scenario_main(argv, doc=__doc__ or "", db_tasks=DB_TASKS, run=run)


if __name__ == "__main__":
    main(sys.argv[1:])
