"""Posting scenarios of ``make bench``: sustained posting, and a publish to thousands of followers.

    .venv/bin/python -m bench.scenario_posting --size smoke [--profile [--gil]] [--seconds 15]

Both drive the real server (``bench.server.serve`` → uvicorn ``watercooler.asgi:application``)
over real sockets from load processes separate from it:

1. **Sustained posting.** ``wrk`` (a generated Lua script rotating bearer tokens of many authors
   and realistic Markdown bodies with a #topic and sometimes an @mention) POSTs
   ``/api/v1/posts`` for ``--seconds``. Reported: posts/s, p50/p95/p99 latency (wrk's own
   histogram), non-201 answers, and — counted in the database afterwards — that every accepted
   post is stored. Baseline from the same run: raw ``sqlite3`` inserts of rows shaped like the
   app's posts into ``feed_post`` of a scratch copy of the same database, one transaction per
   row, with the app's PRAGMAs. ``--profile`` samples the server with py-spy meanwhile
   (speedscope file under ``var/bench/profiles/``) and prints where the time goes; with
   ``--gil`` it samples only the thread holding the GIL, so the shares are of CPU, not of
   threads waiting. After the server stops, the same bodies are posted one at a time through
   Django's test client in one process: the app's own ms/post and the statements each post
   runs (``queries/post``, after-commit work included).
2. **Publish to followers.** The org's ``heavy_author`` posts through the API; as soon as the
   POST returns, followers (a sample, tokens created in the run database) fetch
   ``GET /api/v1/feed`` (aiohttp, one keep-alive connection each) until the post is in it. Per
   follower: the time from the POST's start until seen. Followers look ``READERS_AT_ONCE`` at a
   time (about the feed's load at half its maximum throughput), a new group for each post, so
   every sampled follower looks once; then one more post is read by all of them at the same
   instant, reported beside it (that measures a queue of simultaneous reads in one process more
   than the post's propagation). For context, the same followers' concurrent reads without a
   new post, and one read alone.

Database work the scenarios need besides the load (choosing authors, creating tokens, counting
rows) runs in a child process with the org's environment (``--db-task``), so this module works
whether or not the calling process has Django set up, and against SQLite or PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

if TYPE_CHECKING:
    from bench.data import BenchOrg
    from bench.report import Row

APP = "watercooler.asgi:application"
ROOT = Path(__file__).resolve().parent.parent
PROFILE_DIR = ROOT / "var" / "bench" / "profiles"

SUSTAINED_TARGET = 2000.0  # posts/s
PUBLISH_TARGET_MS = 100.0  # p99 until visible
AUTHORS = 100  # rotating authors for sustained posting
IN_PROCESS_POSTS = 300  # posts measured one at a time in one process, after the server run
IN_PROCESS_AUTHORS = 20
IN_PROCESS_BODIES = 100  # a few KiB each at most: they travel on the child's command line
FOLLOWERS_SAMPLED = 200
READERS_AT_ONCE = 8
PUBLISH_POSTS = FOLLOWERS_SAMPLED // READERS_AT_ONCE  # every sampled follower looks once
POLL_GIVE_UP_S = 120.0  # a follower that has not seen the post by then counts as not seen
JSON_MARK = "BENCH_JSON "


# --- Database tasks (run in a child process with the org's environment) ----------------------


def _task_prepare_authors(n: int, have: list[str], seed: int) -> dict[str, Any]:
    """``n`` members who may post (active, not guests), preferring those in ``have`` (tokens
    the org already gives); tokens created for the others. Also usernames to @mention and
    topic names to tag, taken from the org so bodies look like its real ones."""
    from watercooler.feed.models import Topic
    from watercooler.people.models import Role, User

    rng = random.Random(seed)  # noqa: S311 - bench data
    members = User.objects.filter(is_active=True).exclude(role=Role.GUEST)
    chosen = list(members.filter(username__in=have).values_list("username", flat=True))[:n]
    if len(chosen) < n:
        others = list(members.exclude(username__in=have).values_list("username", flat=True))
        chosen += rng.sample(others, min(n - len(chosen), len(others)))
    created = _create_tokens([u for u in chosen if u not in have])
    mentionable = list(members.values_list("username", flat=True)[:2000])
    topics = list(Topic.objects.order_by("-post_count").values_list("label", flat=True)[:50]) or [
        "general",
        "release",
        "lunch",
        "design",
        "oncall",
        "hiring",
        "random",
    ]
    return {
        "authors": chosen,
        "tokens": created,
        "mentionable": rng.sample(mentionable, min(200, len(mentionable))),
        "topics": topics,
    }


def _task_prepare_followers(author: str, n: int, seed: int) -> dict[str, Any]:
    """A random sample of ``n`` of ``author``'s followers who may read the home feed (active,
    not guests: a guest never sees posts outside communities), with a fresh token each."""
    from watercooler.feed.models import PersonFollow
    from watercooler.people.models import Role

    rng = random.Random(seed)  # noqa: S311 - bench data
    follows = PersonFollow.objects.filter(followee__username=author)
    total = follows.count()
    readers = list(
        follows.filter(follower__is_active=True)
        .exclude(follower__role=Role.GUEST)
        .values_list("follower__username", flat=True)
    )
    sample = rng.sample(readers, min(n, len(readers)))
    return {"followers_total": total, "tokens": _create_tokens(sample)}


def _create_tokens(usernames: list[str]) -> dict[str, str]:
    from django.db import transaction

    from watercooler.people.models import ApiToken, User

    tokens = {u: ApiToken.generate() for u in usernames}
    users = dict(User.objects.filter(username__in=usernames).values_list("username", "id"))
    with transaction.atomic():
        ApiToken.objects.bulk_create(
            [
                ApiToken(
                    user_id=users[u],
                    name="bench posting",
                    key_hash=ApiToken.hash(t),
                    hint=t[: len(ApiToken.PREFIX) + 4],
                )
                for u, t in tokens.items()
            ],
            batch_size=500,
        )
    return tokens


def _task_max_post_id() -> dict[str, Any]:
    from django.db.models import Max

    from watercooler.feed.models import Post

    return {"max_id": Post.objects.aggregate(m=Max("id"))["m"] or 0}


def _task_count_posts_after(post_id: int) -> dict[str, Any]:
    from watercooler.feed.models import Mention, Post

    posts = Post.objects.filter(id__gt=post_id)
    return {
        "posts": posts.count(),
        "with_topics": posts.filter(topics__isnull=False).distinct().count(),
        "mentions": Mention.objects.filter(post_id__gt=post_id).count(),
    }


def _task_in_process(tokens: list[str], bodies: list[str], n: int) -> dict[str, Any]:
    """``n`` posts through Django's test client in this process: no server, no sockets, one
    request at a time. The time per post is the app's own work (view, ORM, SQLite, the work
    after commit); the queries are every statement the request ran, after-commit work
    included. A few posts first, so every token's last use is already recorded."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME="localhost")

    def post(i: int) -> None:
        response = client.post(
            "/api/v1/posts",
            {"body": bodies[i % len(bodies)]},
            content_type="application/json",
            headers={"Authorization": f"Bearer {tokens[i % len(tokens)]}"},
        )
        if response.status_code != 201:
            raise RuntimeError(f"POST /api/v1/posts answered {response.status_code}")

    for i in range(len(tokens)):
        post(i)
    seconds: list[float] = []
    queries: list[int] = []
    kinds: Counter[str] = Counter()
    for i in range(n):
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            post(i)
            seconds.append(time.perf_counter() - t0)
        queries.append(len(captured.captured_queries))
        kinds.update(q["sql"].split(None, 1)[0].upper() for q in captured.captured_queries)
    seconds.sort()
    return {
        "ms_mean": round(1000 * sum(seconds) / n, 2),
        "ms_p50": round(1000 * seconds[n // 2], 2),
        "queries_mean": round(sum(queries) / n, 1),
        "queries_min": min(queries),
        "queries_max": max(queries),
        "statements": {kind: round(count / n, 2) for kind, count in kinds.most_common()},
    }


DB_TASKS: dict[str, Callable[..., dict[str, Any]]] = {
    "prepare_authors": _task_prepare_authors,
    "prepare_followers": _task_prepare_followers,
    "max_post_id": _task_max_post_id,
    "count_posts_after": _task_count_posts_after,
    "in_process": _task_in_process,
}


def _run_db_task(name: str, args: dict[str, Any]) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "watercooler.settings")
    django.setup()
    print(JSON_MARK + json.dumps(DB_TASKS[name](**args)))


def db_task(
    org: BenchOrg, name: str, *, module: str = "bench.scenario_posting", **args: Any
) -> dict[str, Any]:
    """Run ``DB_TASKS[name](**args)`` of ``module`` (its ``--db-task``) in a child process on
    the org's database."""
    env = {**os.environ, **org.env, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", module, "--db-task", name, json.dumps(args)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    for line in reversed(done.stdout.splitlines()):
        if line.startswith(JSON_MARK):
            result: dict[str, Any] = json.loads(line[len(JSON_MARK) :])
            return result
    raise RuntimeError(f"db task {name} failed ({done.returncode}):\n{done.stderr[-3000:]}")


def scenario_main(
    argv: Sequence[str] | None,
    *,
    doc: str,
    db_tasks: dict[str, Callable[..., dict[str, Any]]],
    run: Callable[[BenchOrg, list[Row]], None],
) -> None:
    """A scenario module run alone: ``--size`` and ``--database-url`` build (or reuse) the
    organisation and print the scenario's rows; ``--db-task`` is ``db_task``'s child side."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--size", default="smoke", choices=["full", "smoke"])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--db-task", nargs=2, metavar=("NAME", "JSON"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.db_task:
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "watercooler.settings")
        django.setup()
        print(JSON_MARK + json.dumps(db_tasks[args.db_task[0]](**json.loads(args.db_task[1]))))
        return
    from bench.data import ensure_org

    org = ensure_org(args.size, database_url=args.database_url)
    rows: list[Row] = []
    run(org, rows)
    for row in rows:
        print(row)


# --- Bodies ------------------------------------------------------------------------------------

SENTENCES = [
    "Shipped the new onboarding checklist, feedback welcome before Friday.",
    "The staging database migration finished in 14 minutes, well under the window.",
    "Reminder: the quarterly planning doc closes for comments tomorrow at noon.",
    "Anyone know who owns the **billing export** job? It failed twice last night.",
    "Great talk at the all-hands today, slides are in the shared drive.",
    "We moved the design review to Thursday so more people can join.",
    "Lunch order for the offsite is in, vegetarian options included.",
    "The flaky integration test was a timezone bug; fixed in the latest build.",
    "Please update your laptop before Monday, IT will start enforcing it.",
    "Customer interviews this week surfaced three themes, summary below.",
]
EXTRAS = [
    "",
    "\n\n- first point\n- second point\n- a third, longer point with `code` in it",
    "\n\nDetails: https://intranet.example.com/wiki/page-42",
    "\n\n> Quoting the earlier thread: let's keep it simple.",
]


def make_bodies(n: int, topics: list[str], mentionable: list[str], seed: int) -> list[str]:
    """``n`` Markdown bodies, each with a #topic, a third with an @mention (as people write)."""
    rng = random.Random(seed)  # noqa: S311 - bench data
    bodies = []
    for _ in range(n):
        text = " ".join(rng.sample(SENTENCES, rng.randint(1, 3)))
        text += f" #{rng.choice(topics)}"
        if mentionable and rng.random() < 0.33:
            text += f" cc @{rng.choice(mentionable)}"
        bodies.append(text + rng.choice(EXTRAS))
    return bodies


# --- Sustained posting: wrk ------------------------------------------------------------------

WRK_LUA = r"""
-- Generated by bench/scenario_posting.py: POST /api/v1/posts, rotating tokens and bodies,
-- counting answers by status; done() prints one JSON line for the bench to read.
local tokens = {%(tokens)s}
local bodies = {%(bodies)s}
local threads = {}
local counter = 0
statuses = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  counter = tid * 7919
end

function request()
  counter = counter + 1
  local headers = {}
  headers["Authorization"] = "Bearer " .. tokens[(counter %% #tokens) + 1]
  headers["Content-Type"] = "application/json"
  return wrk.format("POST", nil, headers, bodies[(counter %% #bodies) + 1])
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local agg = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("statuses")) do agg[k] = (agg[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(agg) do table.insert(parts, string.format('"%%d": %%d', k, v)) end
  local e = summary.errors
  io.write(string.format(
    '%(mark)s{"requests": %%d, "duration_us": %%d, "statuses": {%%s}, '
    .. '"errors": {"connect": %%d, "read": %%d, "write": %%d, "status": %%d, "timeout": %%d}, '
    .. '"latency_us": {"p50": %%d, "p95": %%d, "p99": %%d, "max": %%d, "mean": %%f}}\n',
    summary.requests, summary.duration, table.concat(parts, ", "),
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    latency.mean))
end
"""


def _lua_string(value: str) -> str:
    # A long bracket needs no escaping as long as its closing form does not occur inside.
    assert "]==]" not in value
    return f"[==[{value}]==]"


def wrk_script(path: Path, tokens: list[str], bodies: list[str]) -> Path:
    payloads = [json.dumps({"body": b}) for b in bodies]
    path.write_text(
        WRK_LUA
        % {
            "tokens": ", ".join(_lua_string(t) for t in tokens),
            "bodies": ",\n  ".join(_lua_string(p) for p in payloads),
            "mark": JSON_MARK,
        }
    )
    return path


def run_wrk(url: str, script: Path, *, seconds: float, connections: int) -> dict[str, Any]:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError("wrk is not installed: apt-get install -y wrk")
    done = subprocess.run(  # noqa: S603 - wrk with our arguments
        [
            wrk,
            "-t1",  # one load thread is plenty for a few thousand req/s and leaves a core
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    for line in done.stdout.splitlines():
        if line.startswith(JSON_MARK):
            result: dict[str, Any] = json.loads(line[len(JSON_MARK) :])
            result["raw"] = done.stdout
            return result
    raise RuntimeError(f"wrk failed ({done.returncode}): {done.stdout}\n{done.stderr}")


# --- Baseline: raw SQLite inserts -------------------------------------------------------------


def sqlite_file(env: dict[str, str]) -> Path | None:
    """The SQLite database file the org's server uses, or None on PostgreSQL."""
    url = env.get("DATABASE_URL", "")
    if url:
        parsed = urlparse(url)
        return Path(parsed.path) if parsed.scheme == "sqlite" and parsed.path else None
    var_dir = env.get("WATERCOOLER_VAR_DIR")
    return Path(var_dir) / "watercooler.sqlite3" if var_dir else None


def raw_sqlite_inserts(db: Path, bodies: list[str], *, seconds: float) -> dict[str, Any]:
    """Rows shaped like the newest post (same author, columns and body lengths) inserted into
    ``feed_post`` of a scratch copy of ``db`` (so with all its rows and indexes), one
    ``BEGIN IMMEDIATE … COMMIT`` per row as the app commits each post, for ``seconds``."""
    with tempfile.TemporaryDirectory(prefix="bench-posting-", dir=db.parent) as scratch:
        copy = Path(scratch) / "copy.sqlite3"
        t0 = time.perf_counter()
        with sqlite3.connect(db) as src, sqlite3.connect(copy) as dst:
            src.backup(dst)  # consistent, WAL included
        copy_s = time.perf_counter() - t0
        con = sqlite3.connect(copy, isolation_level=None)
        try:
            # The app's connection settings (watercooler/settings.py).
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=NORMAL")
            con.execute("PRAGMA foreign_keys=ON")
            con.row_factory = sqlite3.Row
            template = dict(
                con.execute("SELECT * FROM feed_post ORDER BY id DESC LIMIT 1").fetchone()
            )
            columns = [c for c in template if c != "id"]
            sql = (
                f"INSERT INTO feed_post ({', '.join(columns)}) "  # noqa: S608 - the table's own columns
                f"VALUES ({', '.join('?' for _ in columns)})"
            )
            n = 0
            start = time.perf_counter()
            deadline = start + seconds
            while time.perf_counter() < deadline:
                body = bodies[n % len(bodies)]
                now = time.strftime("%Y-%m-%d %H:%M:%S.000000", time.gmtime())
                row = {**template, "body": body, "body_html": f"<p>{body}</p>"}
                row.update({k: now for k in ("created_at", "last_activity_at") if k in row})
                con.execute("BEGIN IMMEDIATE")
                con.execute(sql, [row[c] for c in columns])
                con.execute("COMMIT")
                n += 1
            elapsed = time.perf_counter() - start
        finally:
            con.close()
    return {"rows_per_s": n / elapsed, "rows": n, "seconds": elapsed, "copy_s": copy_s}


# --- Server CPU ----------------------------------------------------------------------------------


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes have used (/proc/<pid>/stat)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


# --- Profiling with py-spy ---------------------------------------------------------------------


def py_spy() -> str | None:
    local = Path(sys.executable).parent / "py-spy"
    return str(local) if local.exists() else shutil.which("py-spy")


@contextmanager
def profiled(pids: list[int], seconds: float, out: Path, *, gil: bool = False) -> Iterator[None]:
    """py-spy records the server processes (non-idle threads, 200 Hz) while the block runs;
    with ``gil``, only the thread holding the GIL: where the CPU goes, not where threads wait
    (for SQLite's write lock, for the event loop)."""
    exe = py_spy()
    if exe is None:
        raise RuntimeError("py-spy is not installed: uv pip install py-spy")
    out.parent.mkdir(parents=True, exist_ok=True)
    procs = [
        subprocess.Popen(  # noqa: S603 - py-spy with our arguments
            [
                exe,
                "record",
                "--pid",
                str(pid),
                "--duration",
                str(max(1, round(seconds))),
                "--rate",
                "200",
                "--format",
                "speedscope",
                "--output",
                str(out.with_suffix(f".{pid}.speedscope.json")),
                "--nonblocking",
                *(["--gil"] if gil else []),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for pid in pids
    ]
    try:
        yield
    finally:
        for proc in procs:
            try:
                proc.wait(timeout=seconds + 30)
            except subprocess.TimeoutExpired:
                proc.terminate()


# Where a post's server time goes: (label, a function whose frame marks it). Shares are of the
# samples inside request handling (the sync view thread, ``SyncToAsync.thread_handler``), so idle loops do not dilute them.
PROFILE_BUCKETS = [
    ("request handling (all)", "SyncToAsync.thread_handler"),
    ("token auth: authenticate_api_token", "authenticate_api_token"),
    ("check_post_input", "check_post_input"),
    ("do_create_post (transaction body; on-commit work is below, outside it)", "do_create_post"),
    ("  render_body (Markdown, mention lookup)", "render_body"),
    ("  _use_topics (one upsert of the topics, counted)", "_use_topics"),
    ("  _post_payload (serialise for post.created, no re-read)", "_post_payload"),
    ("  on-commit: mention notifications", "on_post_mentions"),
    ("  on-commit: realtime send_now (async_to_sync)", "send_now"),
    ("  commit", "BaseDatabaseWrapper._commit"),
    ("_new_post_out (response: serialise, no re-read)", "_new_post_out"),
    ("waiting for SQLite's write lock (BEGIN IMMEDIATE)", "_start_transaction_under_autocommit"),
    ("connection open (per request, CONN_MAX_AGE=0)", "get_new_connection"),
    ("connection close", "BaseDatabaseWrapper._close"),
    ("SQLite C calls (cursor.execute)", "SQLiteCursorWrapper.execute"),
    ("Django SQL compiling", "SQLCompiler.as_sql"),
]


@dataclass
class ProfileSummary:
    seconds: float = 0.0  # sampled thread-seconds
    inclusive: Counter[str] = field(default_factory=Counter)
    self_time: Counter[str] = field(default_factory=Counter)
    buckets: Counter[str] = field(default_factory=Counter)


def summarize_speedscope(path: Path) -> ProfileSummary:
    """Inclusive and self thread-seconds per function (``name (file:line)``), and per bucket of
    ``PROFILE_BUCKETS``, over all sampled threads."""
    data = json.loads(path.read_text())
    frames = data["shared"]["frames"]

    def label(i: int) -> str:
        f = frames[i]
        file = str(f.get("file", ""))
        for marker in ("site-packages/", f"{ROOT}/", "/lib/python3.12/"):
            if marker in file:
                file = file.split(marker, 1)[1]
        return f"{f['name']} ({file}:{f.get('line', '?')})"

    summary = ProfileSummary()
    for profile in data["profiles"]:
        for stack, weight in zip(profile["samples"], profile["weights"], strict=True):
            summary.seconds += weight
            names = {frames[i]["name"] for i in stack}
            for name in {label(i) for i in stack}:
                summary.inclusive[name] += weight
            if stack:
                summary.self_time[label(stack[-1])] += weight
            for bucket, marker in PROFILE_BUCKETS:
                if any(marker in name for name in names):
                    summary.buckets[bucket] += weight
    return summary


def print_profile(summary: ProfileSummary, top: int = 30) -> str:
    total = summary.buckets["request handling (all)"] or summary.seconds
    lines = [f"py-spy: {summary.seconds:.2f} thread-seconds sampled (non-idle threads)"]
    lines.append("\nShare of request handling:")
    for bucket, _ in PROFILE_BUCKETS:
        lines.append(f"  {100 * summary.buckets[bucket] / total:5.1f}%  {bucket}")
    lines.append(f"\nTop {top} by inclusive share of all samples:")
    for name, n in summary.inclusive.most_common(top):
        lines.append(f"  {100 * n / summary.seconds:5.1f}%  {name}")
    lines.append(f"\nTop {top} by self share of all samples:")
    for name, n in summary.self_time.most_common(top):
        lines.append(f"  {100 * n / summary.seconds:5.1f}%  {name}")
    text = "\n".join(lines)
    print(text)
    return text


# --- Scenario 1: sustained posting -------------------------------------------------------------


def _ms(us: float) -> float:
    return round(us / 1000, 1)


def sustained_posting(
    org: BenchOrg,
    report: list[Row],
    *,
    seconds: float = 15.0,
    connections: int = 32,
    profile: bool = False,
    gil: bool = False,
) -> None:
    from bench.report import Row
    from bench.server import serve

    prep = db_task(org, "prepare_authors", n=AUTHORS, have=sorted(org.tokens), seed=5)
    tokens = {**{u: t for u, t in org.tokens.items() if u in prep["authors"]}, **prep["tokens"]}
    authors = [u for u in prep["authors"] if u != org.heavy_author]
    bodies = make_bodies(500, prep["topics"], prep["mentionable"], seed=5)

    # The baseline first, while nothing else runs: it must not share the cores with the server.
    db = sqlite_file(org.env)
    baseline: dict[str, Any] = {}
    raw: dict[str, Any] | None = None
    if db is not None:
        raw = raw_sqlite_inserts(db, bodies, seconds=min(seconds, 5.0))
        baseline["raw SQLite inserts/s (1 row per commit)"] = round(raw["rows_per_s"])
    else:
        baseline["raw SQLite inserts/s"] = "n/a (PostgreSQL org)"

    before = db_task(org, "max_post_id")["max_id"]
    with (
        tempfile.TemporaryDirectory(prefix="bench-posting-") as tmp,
        serve(APP, env=org.env) as srv,
    ):
        script = wrk_script(Path(tmp) / "post.lua", [tokens[u] for u in authors], bodies)
        url = srv.url.rstrip("/") + "/api/v1/posts"
        stamp = time.strftime("%Y%m%d-%H%M%S")
        profile_base = PROFILE_DIR / f"posting-{org.size}-{stamp}"
        cpu0 = cpu_seconds(srv.pids)
        if profile:
            with profiled(list(srv.pids), seconds, profile_base, gil=gil):
                result = run_wrk(url, script, seconds=seconds, connections=connections)
        else:
            result = run_wrk(url, script, seconds=seconds, connections=connections)
        server_cpu = cpu_seconds(srv.pids) - cpu0
        time.sleep(1.0)  # requests in flight when wrk stopped finish (and commit) meanwhile
        peak_rss = srv.peak_rss_bytes()
    stored = db_task(org, "count_posts_after", post_id=before)
    # The same posting in one process without the server: what a post costs the app itself,
    # and how many statements it runs (after the server stopped, so nothing competes).
    alone = db_task(
        org,
        "in_process",
        tokens=[tokens[u] for u in authors[:IN_PROCESS_AUTHORS]],
        bodies=bodies[:IN_PROCESS_BODIES],
        n=IN_PROCESS_POSTS,
    )

    statuses = {int(k): v for k, v in result["statuses"].items()}
    accepted = statuses.get(201, 0)
    duration = result["duration_us"] / 1e6
    posts_per_s = accepted / duration
    errors = sum(v for k, v in statuses.items() if k != 201) + sum(
        v for k, v in result["errors"].items() if k != "status"
    )
    missing = max(0, accepted - stored["posts"])
    figures: dict[str, Any] = {
        "posts/s": round(posts_per_s),
        "p50 ms": _ms(result["latency_us"]["p50"]),
        "p95 ms": _ms(result["latency_us"]["p95"]),
        "p99 ms": _ms(result["latency_us"]["p99"]),
        "accepted (201)": accepted,
        "stored": stored["posts"],
        "missing": missing,
        "errors": errors,
        "429": statuses.get(429, 0),
        "5xx": sum(v for k, v in statuses.items() if k >= 500),
        "server CPU ms/post": round(1000 * server_cpu / max(1, accepted), 1),
        "server CPU cores busy": round(server_cpu / duration, 2),
        "connections": connections,
        "authors": len(authors),
        "peak RSS MiB": round(peak_rss / 2**20),
    }
    figures["in-process ms/post"] = alone["ms_mean"]
    figures["in-process ms/post p50"] = alone["ms_p50"]
    figures["queries/post"] = alone["queries_mean"]
    figures["queries/post min-max"] = f"{alone['queries_min']} to {alone['queries_max']}"
    figures["statements/post"] = ", ".join(f"{k} {v}" for k, v in alone["statements"].items())
    if prep["tokens"]:
        figures["tokens created"] = len(prep["tokens"])
    ratio = posts_per_s / raw["rows_per_s"] if raw else None
    if posts_per_s < SUSTAINED_TARGET:
        verdict = f"missed: {posts_per_s:,.0f} posts/s"
    elif missing or errors:
        verdict = f"missed: {missing} accepted posts not stored, {errors} errors"
    else:
        verdict = f"met: {posts_per_s:,.0f} posts/s"
    report.append(
        Row(
            scenario="sustained posting (POST /api/v1/posts, wrk)",
            target=f"≥ {SUSTAINED_TARGET:,.0f} posts/s incl. indexing and fan-out",
            figures=figures,
            baseline=baseline,
            ratio=ratio,
            verdict=verdict,
        )
    )
    if profile:
        for path in sorted(PROFILE_DIR.glob(profile_base.name + ".*.speedscope.json")):
            print(f"\nProfile: {path}")
            text = print_profile(summarize_speedscope(path))
            path.with_suffix(".txt").write_text(text + "\n")


# --- Scenario 2: publish to followers ----------------------------------------------------------


def _pct(values: list[float], q: float) -> float:
    """The ``q``-th percentile (nearest rank, as the other scenarios) in ms, to 0.1 ms."""
    from bench.load import percentile

    return round(percentile(sorted(values), q / 100) * 1000, 1)


@dataclass
class PublishResult:
    seen_s: list[float] = field(default_factory=list)  # POST start → post in a follower's feed
    post_s: list[float] = field(default_factory=list)  # POST start → POST answered
    polls: list[int] = field(default_factory=list)  # feed fetches each follower needed
    not_seen: int = 0
    read_s: list[float] = field(default_factory=list)  # concurrent feed reads, no new post
    alone_s: list[float] = field(default_factory=list)  # one feed read at a time
    herd_s: list[float] = field(default_factory=list)  # one post, every follower at once
    herd_not_seen: int = 0


async def _publish(
    base: str,
    author_token: str,
    follower_tokens: list[str],
    bodies: list[str],
) -> PublishResult:
    import aiohttp

    result = PublishResult()
    connector = aiohttp.TCPConnector(limit=0)  # one keep-alive connection per follower
    timeout = aiohttp.ClientTimeout(total=POLL_GIVE_UP_S)
    async with aiohttp.ClientSession(base, connector=connector, timeout=timeout) as session:

        async def feed_ids(token: str) -> list[int]:
            headers = {"Authorization": f"Bearer {token}"}
            async with session.get("/api/v1/feed", params={"limit": "20"}, headers=headers) as r:
                if r.status != 200:
                    raise RuntimeError(f"GET /api/v1/feed answered {r.status}: {await r.text()}")
                return [item["id"] for item in (await r.json())["items"]]

        async def timed_read(token: str) -> float:
            t0 = time.perf_counter()
            await feed_ids(token)
            return time.perf_counter() - t0

        # Every follower reads once (opening its connection), then all at once, timed: what
        # the same concurrent reads cost without anything new to see.
        for token in follower_tokens:
            await feed_ids(token)
        for token in follower_tokens[:50]:
            result.alone_s.append(await timed_read(token))
        result.read_s = list(await asyncio.gather(*(timed_read(t) for t in follower_tokens)))

        async def publish(body: str, readers: list[str], seen: list[float]) -> int:
            """Post ``body``; ``readers`` look for it as soon as the POST answers. Returns how
            many never saw it."""
            await asyncio.sleep(0.3)
            t0 = time.perf_counter()
            headers = {"Authorization": f"Bearer {author_token}"}
            async with session.post("/api/v1/posts", json={"body": body}, headers=headers) as r:
                if r.status != 201:
                    raise RuntimeError(f"POST /api/v1/posts answered {r.status}: {await r.text()}")
                post_id = (await r.json())["id"]
            result.post_s.append(time.perf_counter() - t0)

            async def until_seen(token: str) -> bool:
                polls = 0
                while time.perf_counter() - t0 < POLL_GIVE_UP_S:
                    polls += 1
                    if post_id in await feed_ids(token):
                        seen.append(time.perf_counter() - t0)
                        result.polls.append(polls)
                        return True
                return False

            found = await asyncio.gather(*(until_seen(t) for t in readers))
            return found.count(False)

        *grouped, last = bodies
        for index, body in enumerate(grouped):
            start = index * READERS_AT_ONCE % len(follower_tokens)
            readers = (follower_tokens * 2)[start : start + READERS_AT_ONCE]
            result.not_seen += await publish(body, readers, result.seen_s)
        result.herd_not_seen = await publish(last, follower_tokens, result.herd_s)
    return result


def publish_to_followers(
    org: BenchOrg,
    report: list[Row],
    *,
    followers: int = FOLLOWERS_SAMPLED,
    posts: int = PUBLISH_POSTS,
) -> None:
    from bench.report import Row
    from bench.server import serve

    prep = db_task(org, "prepare_followers", author=org.heavy_author, n=followers, seed=7)
    tokens = list(prep["tokens"].values())
    if not tokens:
        raise RuntimeError(f"{org.heavy_author} has no followers who read the home feed")
    bodies = make_bodies(posts + 1, ["announcements"], [], seed=11)  # + the all-at-once post
    with serve(APP, env=org.env) as srv:
        result = asyncio.run(
            _publish(srv.url.rstrip("/"), org.tokens[org.heavy_author], tokens, bodies)
        )
        peak_rss = srv.peak_rss_bytes()
    seen = result.seen_s
    figures: dict[str, Any] = {
        "followers of author": prep["followers_total"],
        "sampled (tokens created)": len(tokens),
        "posts": posts,
        "followers looking at once": READERS_AT_ONCE,
        "p50 ms": _pct(seen, 50),
        "p95 ms": _pct(seen, 95),
        "p99 ms": _pct(seen, 99),
        "max ms": round(max(seen) * 1000, 1),
        "not seen": result.not_seen,
        "seen on 1st fetch %": round(
            100 * sum(p == 1 for p in result.polls) / len(result.polls), 1
        ),
        "POST p50 ms": _pct(result.post_s, 50),
        f"one post, all {len(tokens)} at once: p50 ms": _pct(result.herd_s, 50),
        "all at once p99 ms": _pct(result.herd_s, 99),
        "all at once not seen": result.herd_not_seen,
        "peak RSS MiB": round(peak_rss / 2**20),
    }
    baseline: dict[str, Any] = {
        "one feed read alone p50 ms": _pct(result.alone_s, 50),
        f"{len(tokens)} concurrent feed reads (no new post) p50 ms": _pct(result.read_s, 50),
        "p99 ms": _pct(result.read_s, 99),
    }
    p99 = _pct(seen, 99)
    if result.not_seen or result.herd_not_seen:
        verdict = f"missed: {result.not_seen + result.herd_not_seen} followers never saw it"
    else:
        verdict = f"{'met' if p99 <= PUBLISH_TARGET_MS else 'missed'}: p99 {p99} ms"
    if prep["followers_total"] < 5000:
        verdict += f" (author has {prep['followers_total']:,} followers, not 5,000)"
    report.append(
        Row(
            scenario=f"publish by @{org.heavy_author} → followers' GET /api/v1/feed",
            target=f"visible to every follower, p99 ≤ {PUBLISH_TARGET_MS:.0f} ms",
            figures=figures,
            baseline=baseline,
            ratio=None,
            verdict=verdict,
        )
    )


# --- Entry points --------------------------------------------------------------------------------


def run(org: BenchOrg, report: list[Row], *, profile: bool = False) -> None:
    """Both posting scenarios, adding one ``Row`` each to ``report`` (called by bench/run.py)."""
    profile = profile or os.environ.get("BENCH_PROFILE", "") not in ("", "0")
    sustained_posting(org, report, profile=profile)
    publish_to_followers(org, report)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="smoke", choices=["smoke", "full"])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--seconds", type=float, default=15.0, help="sustained posting length")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections")
    parser.add_argument("--followers", type=int, default=FOLLOWERS_SAMPLED)
    parser.add_argument("--posts", type=int, default=PUBLISH_POSTS)
    parser.add_argument("--only", choices=["sustained", "publish"], default=None)
    parser.add_argument("--profile", action="store_true", help="py-spy the server meanwhile")
    parser.add_argument(
        "--gil", action="store_true", help="with --profile: sample only the GIL holder (CPU)"
    )
    parser.add_argument("--db-task", nargs=2, metavar=("NAME", "JSON"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.db_task:
        _run_db_task(args.db_task[0], json.loads(args.db_task[1]))
        return

    from bench.data import ensure_org

    org = ensure_org(args.size, database_url=args.database_url)
    rows: list[Row] = []
    try:
        if args.only in (None, "sustained"):
            sustained_posting(
                org,
                rows,
                seconds=args.seconds,
                connections=args.connections,
                profile=args.profile,
                gil=args.gil,
            )
        if args.only in (None, "publish"):
            publish_to_followers(org, rows, followers=args.followers, posts=args.posts)
    finally:  # what was measured is printed even when a later scenario fails
        for row in rows:
            print(f"\n{row.scenario}  [{row.verdict}]  target: {row.target}")
            print(f"  figures:  {row.figures}")
            print(f"  baseline: {row.baseline}  ratio: {row.ratio}")


if __name__ == "__main__":
    main()
