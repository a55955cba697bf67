"""The bench's organisation: built once with bulk inserts, cached, handed to each run as a copy.

    .venv/bin/python -m bench.data --size full      # build (or reuse) and print what it is
    .venv/bin/python -m bench.data --size smoke --fresh

``ensure_org(size)`` returns a ``BenchOrg``: the environment a server process needs to serve
that organisation, who to read feeds as, their API tokens and the shared password. The build
runs in a child process (``python -m bench.data --build …``) so the caller's Django settings,
if it has any, are never touched.

SQLite: the organisation is built once into ``var/bench/cache/<key>.sqlite3`` (key: size + a
hash of the migrations, this file and the demo data it borrows names from), and every call
copies it to ``var/bench/run/<key>/watercooler.sqlite3``: a run's writes never reach the next.
PostgreSQL (``database_url``, a database whose name contains "bench"): built in place and
marked with the key in a ``bench_org_marker`` table; a later call with the same key reuses it
as it is, so runs on PostgreSQL DO accumulate each other's writes unless ``fresh=True``.

``populate(size)`` is the builder itself, for a process that already has Django set up on an
empty, migrated database (a test's database, say); ``check_org()`` verifies the counters.
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import datetime as dt
import hashlib
import json
import math
import os
import random
import re
import shutil
import subprocess
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = ROOT / "var" / "bench" / "cache"
RUN_DIR = ROOT / "var" / "bench" / "run"
# Every bench person signs in with this; published on purpose (a scratch organisation).
PASSWORD = "bench-watercooler-2718"  # noqa: S105
# Fixed, so sessions and signed values mean the same in every process of a run.
SECRET_KEY = "bench-secret-key-not-for-production-0123456789abcdef"  # noqa: S105
MARKER_TABLE = "bench_org_marker"
# Insights: the days of reading written per person and how often each kind of person reads.
ROLLUP_DAYS = 90
READING_RATES = (0.05, 0.3, 0.6, 0.85)
# A communications person (the dashboards' reader); the CEO is id 1.
COMMS_ID = 2
# The app itself never runs ANALYZE on SQLite, so neither does the bench: query plans are the
# ones a live deployment gets. PostgreSQL's autovacuum analyses, so the build does it there.
SQLITE_ANALYZE = False


@dataclass(frozen=True)
class Size:
    people: int
    posts: int
    replies: int
    reactions: int
    mentions: int
    follows_avg: int
    heavy_followers: int  # the heavy author has at least this many followers
    topics: int
    communities: int
    community_max: int
    announcements: int
    events: int
    readers: int


SIZES: dict[str, Size] = {
    # The numbers: 1,000,000 posts and replies, 1,000,000 reactions and mentions.
    "full": Size(
        people=10_000,
        posts=600_000,
        replies=400_000,
        reactions=900_000,
        mentions=100_000,
        follows_avg=200,
        heavy_followers=5_000,
        topics=300,
        communities=500,
        community_max=5_000,
        announcements=3,
        events=300,
        readers=200,
    ),
    "smoke": Size(
        people=200,
        posts=3_000,
        replies=2_000,
        reactions=3_000,
        mentions=400,
        follows_avg=20,
        heavy_followers=100,
        topics=20,
        communities=10,
        community_max=150,
        announcements=2,
        events=10,
        readers=10,
    ),
}


@dataclass
class BenchOrg:
    env: dict[str, str]
    size: str
    people: int
    # Post rows plus Reply rows: the "posts and replies".
    posts: int
    readers: list[str]
    heavy_author: str
    community_handle: str
    comms: str
    password: str
    tokens: dict[str, str]
    build_seconds: float
    cached: bool
    # What was built, and the seconds of each part of the build (from the build itself).
    counts: dict[str, int] = field(default_factory=dict)
    parts: dict[str, float] = field(default_factory=dict)


# --- The cache -----------------------------------------------------------------------------


def cache_key(size: str) -> str:
    """``<size>-<hash>``: a new migration, a change to this file or to the demo names it
    borrows makes a new key, hence a new build."""
    digest = hashlib.sha256(size.encode())
    files = sorted((ROOT / "watercooler").glob("*/migrations/0*.py"))
    files += [Path(__file__).resolve(), ROOT / "watercooler" / "demo" / "people_data.py"]
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return f"{size}-{digest.hexdigest()[:12]}"


def _child_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(extra)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["DJANGO_SETTINGS_MODULE"] = "watercooler.settings"
    return env


def _run_build(size: str, env: dict[str, str]) -> dict[str, Any]:
    """Build in a child process (clean settings); its last stdout line is the JSON summary.
    Progress and the time of each part go to stderr, which the caller sees."""
    result = subprocess.run(  # noqa: S603 - our own module, fixed arguments
        [sys.executable, "-m", "bench.data", "--build", "--size", size],
        cwd=ROOT,
        env=_child_env(env),
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    summary: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return summary


def _org(size: str, meta: dict[str, Any], env: dict[str, str], *, cached: bool) -> BenchOrg:
    return BenchOrg(
        env=env,
        size=size,
        people=meta["counts"]["people"],
        posts=meta["counts"]["posts"] + meta["counts"]["replies"],
        readers=meta["readers"],
        heavy_author=meta["heavy_author"],
        community_handle=meta["community_handle"],
        comms=meta["comms"],
        password=PASSWORD,
        tokens=meta["tokens"],
        build_seconds=meta["build_seconds"],
        cached=cached,
        counts=meta["counts"],
        parts=meta["parts"],
    )


def _base_env(var_dir: Path, database_url: str) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "watercooler.settings",
        "WATERCOOLER_VAR_DIR": str(var_dir),
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET_KEY,
        "DEBUG": "false",
    }


def ensure_org(
    size: str = "full", *, database_url: str | None = None, fresh: bool = False
) -> BenchOrg:
    """The organisation of ``size`` ("full" or "smoke"), built if it is not cached (or when
    ``fresh``). Safe to call from a process without Django; the build runs in a child."""
    if size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(SIZES)}")
    if database_url:
        return _ensure_postgres(size, database_url, fresh=fresh)
    key = cache_key(size)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    cached_db, cached_meta = CACHE_DIR / f"{key}.sqlite3", CACHE_DIR / f"{key}.json"
    hit = cached_db.exists() and cached_meta.exists() and not fresh
    if not hit:
        building = CACHE_DIR / f"{key}.building"
        shutil.rmtree(building, ignore_errors=True)
        building.mkdir()
        db = building / "watercooler.sqlite3"
        meta = _run_build(size, _base_env(building, f"sqlite:///{db}"))
        # The build checkpointed and left WAL mode off: the file is the whole database.
        cached_meta.write_text(json.dumps(meta, indent=1))
        db.replace(cached_db)
        shutil.rmtree(building, ignore_errors=True)
        for old in CACHE_DIR.glob(f"{size}-*.*"):  # older builds of this size
            if old.stem != key:
                old.unlink()
    meta = json.loads(cached_meta.read_text())
    run_dir = RUN_DIR / key
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    run_db = run_dir / "watercooler.sqlite3"
    # A plain file copy is safe: the cached file is never opened for writing after its build.
    shutil.copyfile(cached_db, run_db)
    return _org(size, meta, _base_env(run_dir, f"sqlite:///{run_db}"), cached=hit)


def _ensure_postgres(size: str, database_url: str, *, fresh: bool) -> BenchOrg:
    import psycopg

    name = urlparse(database_url).path.lstrip("/")
    if "bench" not in name:
        # The build empties the database: refuse anything not meant for it (such as "test").
        raise ValueError(f"refusing to build the bench into database {name!r}: use *bench*")
    key = cache_key(size)
    var_dir = RUN_DIR / f"pg-{key}"
    var_dir.mkdir(parents=True, exist_ok=True)
    env = _base_env(var_dir, database_url)
    meta = None
    if not fresh:
        with psycopg.connect(database_url, autocommit=True) as conn:
            found = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (MARKER_TABLE,)).fetchone()
            if found and found[0]:
                row = conn.execute(
                    f"SELECT meta FROM {MARKER_TABLE} WHERE key = %s",  # noqa: S608 - constant
                    (key,),
                ).fetchone()
                meta = json.loads(row[0]) if row else None
    if meta is not None:
        return _org(size, meta, env, cached=True)
    meta = _run_build(size, env)
    return _org(size, meta, env, cached=False)


# --- Building (in a process with Django set up) ---------------------------------------------

EPOCH = dt.datetime(1970, 1, 1)  # noqa: DTZ001 - naive UTC, the way Django stores it on SQLite


class _Writer:
    """Bulk inserts on the default connection: ``executemany`` on SQLite, ``COPY`` on
    PostgreSQL. Timestamps are unix seconds turned into the text each database stores."""

    def __init__(self) -> None:
        from django.db import connection

        self.connection = connection
        self.sqlite = connection.vendor == "sqlite"
        self.tz = "" if self.sqlite else "+00:00"

    def ts(self, seconds: float) -> str:
        # Django's SQLite backend stores str(naive UTC datetime): keep the exact format, or
        # text comparisons in cursors would disagree with the rows.
        return str(EPOCH + dt.timedelta(seconds=seconds)) + self.tz

    def insert(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        cols = ", ".join(f'"{c}"' for c in columns)
        count = 0
        with self.connection.cursor() as cur:
            if self.sqlite:
                marks = ", ".join("?" for _ in columns)
                raw = cur.cursor  # the sqlite3 cursor: no placeholder translation per row
                it = iter(rows)
                while True:
                    chunk = [row for _, row in zip(range(100_000), it, strict=False)]
                    if not chunk:
                        break
                    # Table and column names are the bench's own constants.
                    sql = f'INSERT INTO "{table}" ({cols}) VALUES ({marks})'  # noqa: S608
                    raw.executemany(sql, chunk)
                    count += len(chunk)
            else:
                with cur.cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
                        count += 1
        return count

    @contextmanager
    def deferred_indexes(self, tables: Sequence[str]) -> Iterator[None]:
        """On SQLite, drop the secondary indexes of ``tables`` and create them again after the
        load: sorting once is cheaper than inserting into each index row by row. (Indexes
        behind a table's UNIQUE constraints stay.) PostgreSQL keeps its indexes: COPY is fast
        enough and constraint indexes cannot be dropped alone."""
        if not self.sqlite:
            yield
            return
        with self.connection.cursor() as cur:
            cur.cursor.execute(
                "SELECT name, sql, tbl_name FROM sqlite_master"
                " WHERE type = 'index' AND sql IS NOT NULL"
            )
            indexes = [(name, sql) for name, sql, table in cur.cursor.fetchall() if table in tables]
            for name, _ in indexes:
                cur.cursor.execute(f'DROP INDEX "{name}"')
        yield
        with self.connection.cursor() as cur:
            for _, sql in indexes:
                cur.cursor.execute(sql)


class _Timer:
    def __init__(self) -> None:
        self.parts: dict[str, float] = {}
        self.started = time.perf_counter()

    @contextmanager
    def part(self, name: str) -> Iterator[None]:
        t = time.perf_counter()
        yield
        self.parts[name] = round(time.perf_counter() - t, 2)
        print(f"  {name:<28} {self.parts[name]:6.1f} s", file=sys.stderr, flush=True)


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _cumulative(weights: Sequence[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


def _pick(rng: random.Random, cum: list[float]) -> int:
    """Index drawn with the weights behind ``cum`` (a cumulative list)."""
    return bisect.bisect(cum, rng.random() * cum[-1])


REACTION_KINDS = ("like", "love", "celebrate", "insightful", "funny", "support")
REACTION_WEIGHTS = _cumulative((60, 10, 12, 9, 6, 3))
PLACE_M, PLACE_T, PLACE_N = "zzmentionzz", "zztopiczz", "zznumberzz"
# Post and reply texts: Markdown rendered once with placeholders, then filled per row.
POST_TEXTS = (
    f"Quick update from the team: the release is on track for next week (build {PLACE_N}).",
    f"Has anyone tried the new expense tool yet? Looking for tips, ticket {PLACE_N}.",
    f"Great **offsite** today. Thanks everyone who made it, see photos in album {PLACE_N}.",
    f"Reminder: the quarterly review deck is due on Friday. Draft {PLACE_N} is in the shared drive.",
    f"We shipped the onboarding checklist. Feedback welcome: item {PLACE_N}.",
    f"Lunch and learn on Thursday about accessibility in our stores, session {PLACE_N}.",
)
TOPIC_TEXTS = (
    f"New numbers for #{PLACE_T} this week: up again, report {PLACE_N}.",
    f"Sharing notes from the #{PLACE_T} sync, meeting {PLACE_N}.",
    f"Any #{PLACE_T} folks around for a quick chat? Thread {PLACE_N}.",
)
MENTION_TEXTS = (
    f"Thanks @{PLACE_M} for the help with the migration, ticket {PLACE_N}.",
    f"@{PLACE_M} could you have a look at draft {PLACE_N} before Friday?",
    f"Welcome to the team, @{PLACE_M}! Say hi in thread {PLACE_N}.",
)
BOTH_TEXTS = (f"@{PLACE_M} posted the #{PLACE_T} summary, version {PLACE_N}.",)
REPLY_TEXTS = (
    f"Thanks, this is useful ({PLACE_N}).",
    f"Agreed, let's discuss on Monday. Ref {PLACE_N}.",
    f"Could you share the link? {PLACE_N}",
    f"+1, same here ({PLACE_N}).",
    f"Nice work! {PLACE_N}",
)
REPLY_MENTION_TEXTS = (f"@{PLACE_M} you may want to see this ({PLACE_N}).",)
COMMUNITY_WORDS = [
    "Atlas",
    "Beacon",
    "Cascade",
    "Delta",
    "Ember",
    "Fjord",
    "Granite",
    "Harbor",
    "Iris",
    "Juniper",
    "Kestrel",
    "Lumen",
    "Meadow",
    "Nimbus",
    "Orchid",
    "Prairie",
    "Quartz",
    "Riverside",
    "Summit",
    "Tundra",
    "Umber",
    "Vista",
    "Willow",
    "Zephyr",
]
COMMUNITY_KINDS = {
    "function": "Team",
    "location": "Office",
    "project": "Project",
    "practice": "Guild",
    "interest": "Club",
    "support": "Help desk",
}
TOPIC_WORDS = [
    "launch",
    "hiring",
    "sales",
    "support",
    "design",
    "security",
    "privacy",
    "wellbeing",
    "travel",
    "sustainability",
    "onboarding",
    "roadmap",
    "quarterly",
    "retail",
    "logistics",
    "data",
    "ai",
    "cloud",
    "mobile",
    "payments",
    "marketing",
    "events",
    "volunteering",
    "learning",
    "diversity",
    "finance",
    "legal",
    "facilities",
    "safety",
    "quality",
]


def _render_templates(texts: Sequence[str]) -> list[tuple[str, str]]:
    from watercooler.core.markdown import render_markdown
    from watercooler.feed.actions import mention_url, topic_url

    out = []
    for text in texts:
        html, _, _ = render_markdown(text, mention_url=mention_url, topic_url=topic_url)
        out.append((text, html))
    return out


def _fill(template: tuple[str, str], n: int, user: str = "", topic: str = "") -> tuple[str, str]:
    body, html = template
    number = str(n)
    body = body.replace(PLACE_N, number).replace(PLACE_M, user).replace(PLACE_T, topic)
    html = html.replace(PLACE_N, number).replace(PLACE_M, user).replace(PLACE_T, topic)
    return body, html


def _summary(kinds: Counter[str]) -> str:
    return json.dumps({k: kinds[k] for k in sorted(kinds)}) if kinds else "{}"


def populate(size: str | Size, *, seed: int = 5) -> dict[str, Any]:
    """Fill the default database (empty, migrated) with the organisation of ``size``.

    Returns the summary ``ensure_org`` caches: counts, the seconds of each part, readers,
    heavy author, community handle and API tokens. Everything goes in with bulk inserts and
    explicit ids, so counters are computed in memory before the rows are written."""
    from django.contrib.auth.hashers import make_password
    from django.db import OperationalError, connection, transaction

    from watercooler.demo.people_data import CULTURES, DEPARTMENTS, LOCATIONS
    from watercooler.insights import rollups
    from watercooler.people.models import ApiToken
    from watercooler.search.engines import engine
    from watercooler.search.indexing import rebuild_names

    spec = SIZES[size] if isinstance(size, str) else size
    rng = random.Random(seed)  # noqa: S311 - test data
    w = _Writer()
    timer = _Timer()
    counts: dict[str, int] = {}
    now = time.time() // 60 * 60  # a whole minute: reruns of the same second look alike
    year_ago = now - 365 * 86400
    n = spec.people
    ids = list(range(1, n + 1))

    tuned = not connection.in_atomic_block
    if tuned:
        with connection.cursor() as cur:
            if w.sqlite:
                # A build needs no durability (a crash means a rebuild), and foreign keys are
                # checked by check_org in the tests, not row by row here.
                # Another connection may have the file open (a test run's other threads):
                # the build then keeps the write-ahead log, slower but the same rows.
                with contextlib.suppress(OperationalError):
                    cur.execute("PRAGMA journal_mode=OFF")
                for pragma in (
                    "synchronous=OFF",
                    "foreign_keys=OFF",
                    "cache_size=-1000000",
                    "temp_store=MEMORY",
                ):
                    cur.execute(f"PRAGMA {pragma}")
            else:
                # No foreign-key triggers during the load (posts and replies point at each
                # other; counters decide the order of the rest). Needs a superuser.
                cur.execute("SET session_replication_role = replica")

    # The search index is built once at the end (its time and size are a bench figure), not
    # row by row by the triggers or generated columns during the bulk load.
    search = engine()
    search.uninstall()

    # --- People: departments, locations with regions, a management tree per department.
    with timer.part("people"), transaction.atomic():
        locations = list(LOCATIONS)
        loc_index = {loc.name: i + 1 for i, loc in enumerate(locations)}
        w.insert(
            "people_location",
            ("id", "name", "country", "region", "timezone"),
            [(i + 1, x.name, x.country, x.region, x.timezone) for i, x in enumerate(locations)],
        )
        w.insert(
            "people_department",
            ("id", "name"),
            [(i + 1, d.name) for i, d in enumerate(DEPARTMENTS)],
        )
        dept_cum = _cumulative([d.weight for d in DEPARTMENTS])
        dept_of = [0] * (n + 1)
        members_of_dept: dict[int, list[int]] = defaultdict(list)
        for uid in ids:
            d = _pick(rng, dept_cum)
            dept_of[uid] = d + 1
            members_of_dept[d + 1].append(uid)
        manager_of: dict[int, int | None] = {}
        title_of: dict[int, str] = {}
        ceo = 1
        manager_of[ceo] = None
        title_of[ceo] = "Chief Executive Officer"
        for d_id, staff in members_of_dept.items():
            d_spec = DEPARTMENTS[d_id - 1]
            for k, uid in enumerate(staff):
                if uid == ceo:
                    continue
                boss = staff[(k - 1) // 8] if k else ceo
                manager_of[uid] = ceo if boss == uid else boss
                if k == 0:
                    title_of[uid] = d_spec.head_title
                elif k * 8 + 1 < len(staff):
                    title_of[uid] = d_spec.manager_titles[0]
                else:
                    title_of[uid] = rng.choice(d_spec.mid)
        password = make_password(PASSWORD)  # hashed once: every bench person shares it
        used: set[str] = set()
        usernames = [""] * (n + 1)
        user_rows = []
        culture_names = list(CULTURES)
        for uid in ids:
            d_spec = DEPARTMENTS[dept_of[uid] - 1]
            sites = [x for x in d_spec.locations if x in loc_index] or ["London"]
            location = loc_index[rng.choices(sites, [d_spec.locations.get(x, 1) for x in sites])[0]]
            loc_spec = locations[location - 1]
            cultures = [c for c in loc_spec.cultures if c in CULTURES] or culture_names
            culture = CULTURES[
                rng.choices(cultures, [loc_spec.cultures.get(c, 1) for c in cultures])[0]
            ]
            first = rng.choice(culture.female + culture.male + culture.neutral)
            family = rng.choice(culture.family)
            base = f"{_slug(first)}.{_slug(family)}".strip(".") or "person"
            username = base if base not in used else f"{base}{uid}"
            used.add(username)
            usernames[uid] = username
            display = f"{first} {family}"
            joined = year_ago - rng.randint(0, 3000) * 86400
            role = "admin" if uid == ceo else "comms" if uid in (COMMS_ID, 3) else "member"
            user_rows.append(
                (
                    uid, password, None, uid == ceo, username, first, family,
                    f"{username}@bench.example", False, True, w.ts(joined), role,
                    f"B-{uid:06d}", display, display.casefold()[:150], "", title_of[uid],
                    "", "", "", "", "[]", str(dt.date.fromtimestamp(joined)),  # noqa: DTZ012
                    "[]", manager_of[uid], dept_of[uid], location, True,
                )
            )  # fmt: skip
        counts["people"] = w.insert(
            "people_user",
            (
                "id", "password", "last_login", "is_superuser", "username", "first_name",
                "last_name", "email", "is_staff", "is_active", "date_joined", "role",
                "employee_id", "display_name", "sort_name", "pronouns", "title", "phone",
                "bio", "photo", "photo_thumb", "languages", "start_date", "links",
                "manager_id", "department_id", "location_id", "listed_as_expert",
            ),
            user_rows,
        )  # fmt: skip

    # --- Follows: a popularity power law (a few people followed by thousands) for a share of
    # each person's follows, the rest among their department and at random.
    with timer.part("follows"):
        order = ids[:]
        rng.shuffle(order)
        heavy = order[0] if order[0] != ceo else order[1]
        order.remove(heavy)
        order.insert(0, heavy)
        pop_cum = _cumulative([1 / (r + 10) for r in range(n)])
        out_degree = {}
        follows: dict[int, set[int]] = {}
        norm = math.exp(0.18)
        for uid in ids:
            d = int(spec.follows_avg * rng.lognormvariate(0, 0.6) / norm)
            d = max(3, min(d, n // 2))
            out_degree[uid] = d
            chosen: set[int] = set()
            if manager_of.get(uid):
                chosen.add(manager_of[uid] or 0)
            popular = int(d * 0.3)
            while len(chosen) < popular:
                chosen.add(order[_pick(rng, pop_cum)])
            team = members_of_dept[dept_of[uid]]
            while len(chosen) < popular + (d - popular) // 2 and len(chosen) < len(team):
                chosen.add(rng.choice(team))
            while len(chosen) < d:
                chosen.add(rng.randint(1, n))
            chosen.discard(uid)
            follows[uid] = chosen
        have = sum(1 for uid in ids if heavy in follows[uid])
        for uid in rng.sample(ids, n):
            if have >= spec.heavy_followers * 11 // 10:
                break
            if uid != heavy and heavy not in follows[uid]:
                follows[uid].add(heavy)
                have += 1
        with transaction.atomic(), w.deferred_indexes(["feed_personfollow"]):
            counts["follows"] = w.insert(
                "feed_personfollow",
                ("follower_id", "followee_id", "created_at"),
                (
                    (a, b, w.ts(year_ago - rng.randint(0, 700) * 86400))
                    for a in ids
                    for b in sorted(follows[a])
                ),
            )
        followers_count: Counter[int] = Counter(b for a in ids for b in follows[a])

    # --- Topics and who follows them.
    with timer.part("topics"):
        names: list[str] = []
        for i in range(spec.topics):
            word = TOPIC_WORDS[i % len(TOPIC_WORDS)]
            names.append(word if i < len(TOPIC_WORDS) else f"{word}{i // len(TOPIC_WORDS)}")
        topic_cum = _cumulative([1 / (r + 3) for r in range(spec.topics)])
        topic_follows = {
            uid: {1 + _pick(rng, topic_cum) for _ in range(rng.choice((0, 0, 1, 2, 3, 5, 8)))}
            for uid in ids
        }

    # --- Communities of every privacy, 5 to community_max members, most small.
    with timer.part("communities"):
        c_count = spec.communities
        ratio = spec.community_max / 5
        sizes = [round(5 * ratio ** (rng.random() ** 3)) for _ in range(c_count)]
        sizes[0], sizes[-1] = spec.community_max, 5
        privacies = rng.choices(["open", "closed", "secret"], weights=[6, 3, 1], k=c_count)
        privacies[:3] = ["open", "closed", "secret"]
        members: list[set[int]] = [set(rng.sample(ids, min(s, n))) for s in sizes]
        typical = [
            uid
            for uid in ids
            if uid not in (heavy, ceo)
            and 0.75 * spec.follows_avg <= out_degree[uid] <= 1.25 * spec.follows_avg
        ]
        readers = sorted(rng.sample(typical, min(spec.readers, len(typical))))
        for uid in readers:  # several communities each, the big one among them
            for index in {0, *rng.sample(range(c_count), min(c_count, rng.randint(2, 11)))}:
                members[index].add(uid)
        if len(members[0]) > spec.community_max:  # keep the big one at its size
            spare = sorted(members[0] - set(readers))
            for uid in rng.sample(spare, len(members[0]) - spec.community_max):
                members[0].discard(uid)
        categories = list(COMMUNITY_KINDS)
        community_rows = []
        c_created = [year_ago - rng.randint(30, 900) * 86400 for _ in range(c_count)]
        handles = []
        for i in range(c_count):
            category = categories[0] if i == 0 else rng.choice(categories)
            word = COMMUNITY_WORDS[i % len(COMMUNITY_WORDS)]
            name = f"{word} {COMMUNITY_KINDS[category]} {i + 1}"
            handles.append(_slug(name)[:40])
            community_rows.append([i + 1, name, handles[-1], privacy_desc(privacies[i]), "",
                                   privacies[i], category, "", "", w.ts(c_created[i]),
                                   len(members[i]), 0, w.ts(c_created[i]), min(members[i])])  # fmt: skip
        # People asking to join closed communities: pending rows, not counted as members.
        pending: list[tuple[int, int]] = []
        for i in range(c_count):
            if privacies[i] == "closed":
                outsiders = rng.sample(ids, min(n, 3))
                pending += [(i, uid) for uid in outsiders if uid not in members[i]]
        member_lists = [sorted(m) for m in members]
        communities_of: dict[int, list[int]] = defaultdict(list)
        for i, people in enumerate(members):
            for uid in people:
                communities_of[uid].append(i)

    # --- Posts, replies, reactions and mentions: planned in memory, counters computed, then
    # written in created_at order with explicit ids.
    with timer.part("plan posts"):
        post_tpl = _render_templates(POST_TEXTS)
        topic_tpl = _render_templates(TOPIC_TEXTS)
        mention_tpl = _render_templates(MENTION_TEXTS)
        both_tpl = _render_templates(BOTH_TEXTS)
        reply_tpl = _render_templates(REPLY_TEXTS)
        reply_mention_tpl = _render_templates(REPLY_MENTION_TEXTS)
        activity = [0.0] + [rng.lognormvariate(0, 1.2) for _ in ids]
        activity[heavy] = max(activity) * 2
        author_cum = _cumulative(activity[1:])
        n_posts, n_replies = spec.posts, spec.replies
        span = now - year_ago - 3600
        p_time = sorted(year_ago + rng.random() * span for _ in range(n_posts))
        p_author = [1 + _pick(rng, author_cum) for _ in range(n_posts)]
        p_kind = rng.choices(["post", "question", "poll"], weights=[85, 12, 3], k=n_posts)
        p_community: list[int | None] = [None] * n_posts
        p_audience = ["everyone"] * n_posts
        sizes_sqrt = [math.sqrt(len(m)) for m in members]
        for i in range(n_posts):
            mine = communities_of.get(p_author[i])
            if mine and rng.random() < 0.3:
                p_community[i] = rng.choices(mine, [sizes_sqrt[c] for c in mine])[0]
            elif rng.random() < 0.1:
                p_audience[i] = "followers"
        p_topics: dict[int, list[int]] = {}
        for i in rng.sample(range(n_posts), n_posts * 15 // 100):
            first_topic = 1 + _pick(rng, topic_cum)
            second = 1 + _pick(rng, topic_cum)
            p_topics[i] = [first_topic] if rng.random() < 0.9 or second == first_topic else [
                first_topic, second]  # fmt: skip
        # Replies: popular authors' posts and questions draw more.
        p_weight = [
            math.sqrt(followers_count.get(a, 0) + 5) * (3 if k == "question" else 1)
            for a, k in zip(p_author, p_kind, strict=True)
        ]
        post_cum = _cumulative(p_weight)
        per_post: Counter[int] = Counter(_pick(rng, post_cum) for _ in range(n_replies))
        r_post: list[int] = []
        r_time: list[float] = []
        r_author: list[int] = []
        r_parent: list[int | None] = []
        first_reply: dict[int, int] = {}
        last_reply_time: dict[int, float] = {}
        for i in sorted(per_post):
            top: list[int] = []
            times = sorted(
                min(now - 1, p_time[i] + rng.expovariate(1 / 21600)) for _ in range(per_post[i])
            )
            for t in times:
                rid = len(r_post) + 1
                r_post.append(i)
                r_time.append(t)
                r_author.append(1 + _pick(rng, author_cum))
                parent = rng.choice(top) if top and rng.random() < 0.2 else None
                r_parent.append(parent)
                if parent is None:
                    top.append(rid)
            first_reply[i] = top[0]
            last_reply_time[i] = times[-1]
        # Reactions: 3/4 on posts, 1/4 on replies, one per (target, person, kind).
        post_reactions: dict[int, list[tuple[int, str, float]]] = defaultdict(list)
        reply_reactions: dict[int, list[tuple[int, str, float]]] = defaultdict(list)
        seen: set[tuple[int, int, int, int]] = set()
        for k in range(spec.reactions):
            on_reply = bool(r_post) and k % 4 == 3
            target = rng.randrange(len(r_post)) if on_reply else _pick(rng, post_cum)
            user = 1 + (_pick(rng, author_cum) if rng.random() < 0.5 else rng.randrange(n))
            kind_index = _pick(rng, REACTION_WEIGHTS)
            key = (on_reply, target, user, kind_index)
            if key in seen:
                continue
            seen.add(key)
            since = r_time[target] if on_reply else p_time[target]
            at = min(now - 1, since + rng.expovariate(1 / 14400))
            (reply_reactions if on_reply else post_reactions)[target].append(
                (user, REACTION_KINDS[kind_index], at)
            )
        del seen
        # Mentions: in 3/5 of the cases in a post, else in a reply; someone who can see it.
        post_mentions: dict[int, int] = {}
        reply_mentions: dict[int, int] = {}
        for k in range(spec.mentions):
            if k % 5 < 3 or not r_post:
                i = rng.randrange(n_posts)
                community = p_community[i]
                user = (
                    rng.choice(member_lists[community])
                    if community is not None
                    else rng.randint(1, n)
                )
                if user != p_author[i]:
                    post_mentions[i] = user
            else:
                j = rng.randrange(len(r_post))
                community = p_community[r_post[j]]
                user = (
                    rng.choice(member_lists[community])
                    if community is not None
                    else rng.randint(1, n)
                )
                if user != r_author[j]:
                    reply_mentions[j] = user

    with (
        timer.part("write posts"),
        transaction.atomic(),
        w.deferred_indexes(["feed_post", "feed_post_topics"]),
    ):
        topic_posts: Counter[int] = Counter()
        topic_last: dict[int, float] = {}
        community_posts: Counter[int] = Counter()
        community_last: dict[int, float] = {}
        post_rows = []
        for i in range(n_posts):
            community = p_community[i]
            tags = p_topics.get(i)
            mention = post_mentions.get(i)
            if tags and mention:
                tpl, topic = both_tpl[i % len(both_tpl)], names[tags[0] - 1]
            elif tags:
                tpl, topic = topic_tpl[i % len(topic_tpl)], names[tags[0] - 1]
            elif mention:
                tpl, topic = mention_tpl[i % len(mention_tpl)], ""
            else:
                tpl, topic = post_tpl[i % len(post_tpl)], ""
            body, html = _fill(tpl, i + 1, usernames[mention] if mention else "", topic)
            if p_kind[i] == "question":
                body, html = "Question: " + body, html.replace("<p>", "<p>Question: ", 1)
            reactions = post_reactions.get(i, ())
            kinds = Counter(kind for _, kind, _ in reactions)
            last = max(
                p_time[i],
                last_reply_time.get(i, 0.0),
                max((at for _, _, at in reactions), default=0.0),
            )
            accepted = (
                first_reply[i]
                if p_kind[i] == "question" and i in first_reply and i % 5 < 2
                else None
            )
            post_rows.append(
                (
                    i + 1, p_author[i], p_kind[i], p_audience[i], body, html, w.ts(p_time[i]),
                    per_post.get(i, 0), len(reactions), _summary(kinds), w.ts(last),
                    w.ts(p_time[i] + 7 * 86400) if p_kind[i] == "poll" else None,
                    accepted, p_author[i] if accepted else None,
                    community + 1 if community is not None else None,
                )
            )  # fmt: skip
            if community is not None:
                community_posts[community] += 1
                community_last[community] = p_time[i]
            if tags and (community is None or privacies[community] == "open"):
                for t in tags:
                    topic_posts[t] += 1
                    topic_last[t] = p_time[i]
        counts["posts"] = w.insert(
            "feed_post",
            ("id", "author_id", "kind", "audience", "body", "body_html", "created_at",
             "reply_count", "reaction_count", "reaction_summary", "last_activity_at",
             "poll_closes_at", "accepted_reply_id", "accepted_by_id", "community_id"),
            post_rows,
        )  # fmt: skip
        del post_rows
        counts["post_topics"] = w.insert(
            "feed_post_topics",
            ("post_id", "topic_id"),
            ((i + 1, t) for i in sorted(p_topics) for t in p_topics[i]),
        )

    with (
        timer.part("write replies"),
        transaction.atomic(),
        w.deferred_indexes(["feed_reply"]),
    ):

        def reply_rows() -> Iterator[tuple[Any, ...]]:
            for j in range(len(r_post)):
                mention = reply_mentions.get(j)
                tpl = (
                    reply_mention_tpl[j % len(reply_mention_tpl)]
                    if mention
                    else reply_tpl[j % len(reply_tpl)]
                )
                body, html = _fill(tpl, j + 1, usernames[mention] if mention else "")
                reactions = reply_reactions.get(j, ())
                kinds = Counter(kind for _, kind, _ in reactions)
                yield (
                    j + 1, r_post[j] + 1, r_parent[j], r_author[j], body, html,
                    w.ts(r_time[j]), len(reactions), _summary(kinds),
                )  # fmt: skip

        counts["replies"] = w.insert(
            "feed_reply",
            ("id", "post_id", "parent_id", "author_id", "body", "body_html", "created_at",
             "reaction_count", "reaction_summary"),
            reply_rows(),
        )  # fmt: skip

    with (
        timer.part("write reactions+mentions"),
        transaction.atomic(),
        w.deferred_indexes(["feed_reaction", "feed_mention"]),
    ):
        counts["reactions"] = w.insert(
            "feed_reaction",
            ("post_id", "reply_id", "user_id", "kind", "created_at"),
            (
                (i + 1, None, user, kind, w.ts(at))
                for i in sorted(post_reactions)
                for user, kind, at in post_reactions[i]
            ),
        )
        counts["reactions"] += w.insert(
            "feed_reaction",
            ("post_id", "reply_id", "user_id", "kind", "created_at"),
            (
                (None, j + 1, user, kind, w.ts(at))
                for j in sorted(reply_reactions)
                for user, kind, at in reply_reactions[j]
            ),
        )
        counts["mentions"] = w.insert(
            "feed_mention",
            ("post_id", "reply_id", "user_id", "created_at"),
            [(i + 1, None, u, w.ts(p_time[i])) for i, u in sorted(post_mentions.items())]
            + [(None, j + 1, u, w.ts(r_time[j])) for j, u in sorted(reply_mentions.items())],
        )

    with timer.part("polls"), transaction.atomic():
        option_rows = []
        vote_rows = []
        option_id = 0
        for i in range(n_posts):
            if p_kind[i] != "poll":
                continue
            options: list[list[Any]] = []
            for position in range(rng.randint(2, 4)):
                option_id += 1
                options.append([option_id, i + 1, f"Option {position + 1}", position, 0])
            voters = rng.sample(ids, min(n, rng.randint(0, 30)))
            for uid in voters:
                option = rng.choice(options)
                option[4] += 1
                vote_rows.append((i + 1, option[0], uid, w.ts(p_time[i] + rng.randint(60, 86400))))
            option_rows += options
        counts["poll_options"] = w.insert(
            "feed_polloption", ("id", "post_id", "label", "position", "vote_count"), option_rows
        )
        counts["poll_votes"] = w.insert(
            "feed_pollvote", ("post_id", "option_id", "user_id", "created_at"), vote_rows
        )

    with timer.part("topics+communities rows"), transaction.atomic():
        topic_followers = Counter(t for uid in ids for t in topic_follows[uid])
        counts["topics"] = w.insert(
            "feed_topic",
            ("id", "name", "label", "created_at", "post_count", "follower_count", "last_used_at"),
            [
                (t, names[t - 1], names[t - 1], w.ts(year_ago - 86400), topic_posts[t],
                 topic_followers[t],
                 w.ts(topic_last.get(t, year_ago - 86400)))
                for t in range(1, spec.topics + 1)
            ],
        )  # fmt: skip
        counts["topic_follows"] = w.insert(
            "feed_topicfollow",
            ("follower_id", "topic_id", "created_at"),
            ((uid, t, w.ts(year_ago)) for uid in ids for t in sorted(topic_follows[uid])),
        )
        for i, row in enumerate(community_rows):
            row[11] = community_posts[i]
            if i in community_last:
                row[12] = w.ts(community_last[i])
        counts["communities"] = w.insert(
            "communities_community",
            ("id", "name", "handle", "description", "guidelines", "privacy", "category",
             "cover", "cover_alt", "created_at", "member_count", "post_count",
             "last_activity_at", "created_by_id"),
            community_rows,
        )  # fmt: skip

        def membership_rows() -> Iterator[tuple[Any, ...]]:
            for i, people in enumerate(members):
                for k, uid in enumerate(sorted(people)):
                    role = "owner" if k == 0 else "moderator" if k < 3 else "member"
                    joined = w.ts(c_created[i] + rng.randint(0, 400) * 86400)
                    yield (i + 1, uid, role, "active", "manual", True, None, joined)
            for i, uid in pending:
                yield (i + 1, uid, "member", "pending", "manual", True, w.ts(now - 86400), None)

        with w.deferred_indexes(["communities_membership"]):
            counts["memberships"] = w.insert(
                "communities_membership",
                ("community_id", "user_id", "role", "status", "source", "following",
                 "requested_at", "joined_at"),
                membership_rows(),
            )  # fmt: skip

    # --- Announcements to everyone, with a receipt per person (seen, acknowledged, dismissed).
    with (
        timer.part("announcements"),
        transaction.atomic(),
        w.deferred_indexes(["feed_announcementreceipt"]),
    ):
        first_id = n_posts
        receipts = []
        announcement_rows = []
        announcement_posts = []
        comms = 2 if n >= 2 else 1
        for a in range(spec.announcements):
            post_id = first_id + a + 1
            at = now - (spec.announcements - a) * 2 * 86400
            must_read = a == 0
            body = f"Announcement {a + 1}: please read the updated travel policy."
            announcement_posts.append(
                (post_id, comms, "post", "everyone", body, f"<p>{body}</p>", w.ts(at), 0, 0,
                 "{}", w.ts(at))
            )  # fmt: skip
            seen_n = acked = 0
            for uid in ids:
                seen_at = w.ts(at + rng.randint(60, 86400)) if rng.random() < 0.6 else None
                ack = seen_at if must_read and seen_at and rng.random() < 0.7 else None
                dismissed = seen_at if not must_read and seen_at and rng.random() < 0.3 else None
                seen_n += seen_at is not None
                acked += ack is not None
                receipts.append((a + 1, uid, seen_at, ack, dismissed))
            announcement_rows.append(
                (a + 1, post_id, f"Announcement {a + 1}", "[]", must_read, w.ts(at), w.ts(at),
                 w.ts(now + 30 * 86400), n, seen_n, acked)
            )  # fmt: skip
        w.insert(
            "feed_post",
            ("id", "author_id", "kind", "audience", "body", "body_html", "created_at",
             "reply_count", "reaction_count", "reaction_summary", "last_activity_at"),
            announcement_posts,
        )  # fmt: skip
        counts["announcements"] = w.insert(
            "feed_announcement",
            ("id", "post_id", "title", "roles", "must_read", "publish_at", "published_at",
             "expires_at", "audience_size", "seen_count", "acknowledged_count"),
            announcement_rows,
        )  # fmt: skip
        counts["receipts"] = w.insert(
            "feed_announcementreceipt",
            ("announcement_id", "user_id", "seen_at", "acknowledged_at", "dismissed_at"),
            receipts,
        )

    # --- Events, company-wide and in communities, with RSVPs and a waitlist where full.
    with timer.part("events"), transaction.atomic():
        description = "Join us! Bring your questions."
        [(_, description_html)] = _render_templates([description])
        event_rows = []
        rsvp_rows = []
        for e in range(spec.events):
            community = rng.randrange(c_count) if rng.random() < 0.3 else None
            pool = member_lists[community] if community is not None else ids
            organiser = rng.choice(pool)
            starts = year_ago + rng.random() * (span + 60 * 86400)
            capacity = rng.choice((10, 20, 50)) if rng.random() < 0.1 else None
            going = maybe = waitlist = 0
            for uid in rng.sample(pool, min(len(pool), rng.randint(5, 200))):
                status = rng.choices(["going", "maybe", "not_going"], [60, 25, 15])[0]
                waitlisted = None
                if status == "going":
                    if capacity is not None and going >= capacity:
                        waitlisted = w.ts(starts - 86400)
                        waitlist += 1
                    else:
                        going += 1
                maybe += status == "maybe"
                rsvp_rows.append((e + 1, uid, status, waitlisted, w.ts(starts - 2 * 86400)))
            event_rows.append(
                (e + 1, f"Event {e + 1}", description, description_html, w.ts(starts),
                 w.ts(starts + 3600), "UTC", "Main hall", "", capacity,
                 community + 1 if community is not None else None, organiser,
                 w.ts(starts - 14 * 86400), w.ts(starts - 14 * 86400), 0, going, maybe,
                 waitlist)
            )  # fmt: skip
        counts["events"] = w.insert(
            "events_event",
            ("id", "title", "description", "description_html", "starts_at", "ends_at",
             "timezone", "location", "online_url", "capacity", "community_id", "organiser_id",
             "created_at", "updated_at", "sequence", "going_count", "maybe_count",
             "waitlist_count"),
            event_rows,
        )  # fmt: skip
        counts["rsvps"] = w.insert(
            "events_rsvp",
            ("event_id", "user_id", "status", "waitlisted_at", "responded_at"),
            rsvp_rows,
        )

    with timer.part("search index"), transaction.atomic():
        search.install(lambda _stage, _done, _total: None)
        counts["search_names"] = rebuild_names()
    counts["search_index_bytes"] = search.size_bytes()

    # --- Insights: ninety days of reading, from people who look in every day to those who
    # rarely do, then the daily roll-ups the dashboards read (what they wrote comes from the
    # posts, replies and reactions above).
    with timer.part("insights roll-ups"):
        today = dt.datetime.fromtimestamp(now, dt.UTC).date()
        day_rows = []
        for uid in ids:
            rate = rng.choice(READING_RATES)
            for back in range(ROLLUP_DAYS):
                if rng.random() < rate:
                    sightings = rng.randint(3, 40)
                    day = str(today - dt.timedelta(days=back))
                    day_rows.append((uid, day, sightings, rng.randint(0, sightings // 3), 0))
        counts["person_days"] = w.insert(
            "insights_personday", ("person_id", "day", "seen", "read", "wrote"), day_rows
        )
        with transaction.atomic():
            counts["adoption_rows"] = rollups.rollup(
                today - dt.timedelta(days=ROLLUP_DAYS - 1), today
            )

    # --- API tokens for the readers, the heavy author and a communications person (only the
    # hash is stored).
    comms = COMMS_ID
    with timer.part("tokens+finish"):
        tokens: dict[str, str] = {}
        token_rows = []
        for uid in [*readers, heavy, comms]:
            token = ApiToken.generate()
            tokens[usernames[uid]] = token
            token_rows.append(
                (uid, "bench", ApiToken.hash(token), token[: len(ApiToken.PREFIX) + 4],
                 w.ts(now))
            )  # fmt: skip
        with transaction.atomic():
            w.insert(
                "people_apitoken", ("user_id", "name", "key_hash", "hint", "created_at"), token_rows
            )
        _finish(w, tuned=tuned)
    counts["follows_of_heavy"] = sum(1 for uid in ids if heavy in follows[uid])
    counts["max_followers"] = max(followers_count.values())
    counts["people_with_1000_followers"] = sum(1 for c in followers_count.values() if c >= 1000)
    return {
        "counts": counts,
        "parts": timer.parts,
        "build_seconds": round(time.perf_counter() - timer.started, 2),
        "readers": [usernames[uid] for uid in readers],
        "heavy_author": usernames[heavy],
        "comms": usernames[comms],
        "community_handle": handles[0],
        "tokens": tokens,
    }


def privacy_desc(privacy: str) -> str:
    return {
        "open": "Everyone is welcome.",
        "closed": "Ask to join; members only see the posts.",
        "secret": "Invitation only.",
    }[privacy]


def _finish(w: _Writer, *, tuned: bool) -> None:
    """Sequences past the explicit ids (PostgreSQL), statistics, a file that is whole, and
    the connection's settings back as they were (a test's connection lives on)."""
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import OperationalError, connection

    with connection.cursor() as cur:
        if w.sqlite:
            if SQLITE_ANALYZE:
                cur.execute("ANALYZE")
            if tuned:
                # The app opens it in WAL mode (settings' init_command) and switches it back
                # (unless another connection has the file open: then it never left WAL).
                with contextlib.suppress(OperationalError):
                    cur.execute("PRAGMA journal_mode=DELETE")
                cur.execute("PRAGMA synchronous=NORMAL")
                cur.execute("PRAGMA foreign_keys=ON")
        else:
            if tuned:
                cur.execute("SET session_replication_role = DEFAULT")
            models = [m for m in apps.get_models() if m._meta.app_label != "contenttypes"]
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cur.execute(sql)
            cur.execute("ANALYZE")


def check_org() -> list[str]:
    """Disagreements between the denormalised counters and the rows (empty when all agree)."""
    from django.db.models import Count, Q

    from watercooler.communities.models import Community
    from watercooler.feed.models import Post, Reaction, Reply, Topic
    from watercooler.people.models import User

    problems: list[str] = []
    replies = dict(Reply.objects.values_list("post").annotate(n=Count("id")))
    for pid, count in Post.objects.values_list("id", "reply_count"):
        if replies.get(pid, 0) != count:
            problems.append(f"post {pid}: reply_count {count} != {replies.get(pid, 0)}")
    summaries: dict[tuple[str, int], dict[str, int]] = defaultdict(dict)
    for post_id, reply_id, kind, n in (
        Reaction.objects.values_list("post", "reply", "kind").annotate(n=Count("id")).order_by()
    ):
        target = ("reply", reply_id) if reply_id else ("post", post_id)
        summaries[target][kind] = n
    for model, label in ((Post, "post"), (Reply, "reply")):
        for pk, count, summary in model.objects.values_list(
            "id", "reaction_count", "reaction_summary"
        ):
            want = summaries.get((label, pk), {})
            if summary != want or count != sum(want.values()):
                problems.append(f"{label} {pk}: reactions {count} {summary} != {want}")
    for c in Community.objects.annotate(
        m=Count("memberships", filter=Q(memberships__status="active"), distinct=True),
        p=Count("posts", distinct=True),
    ):
        if (c.member_count, c.post_count) != (c.m, c.p):
            problems.append(f"community {c.handle}: {c.member_count}/{c.post_count} != {c.m}/{c.p}")
    for t in Topic.objects.annotate(f=Count("follows")):
        if t.follower_count != t.f:
            problems.append(f"topic {t.name}: follower_count {t.follower_count} != {t.f}")
    if not User.objects.exists():
        problems.append("no people")
    return problems[:50]


# --- Command line: the child process that builds, and a front door for people ----------------


def _build_main(size: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    timer = _Timer()
    with timer.part("empty+migrate"):
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("DROP SCHEMA public CASCADE")
                cur.execute("CREATE SCHEMA public")
        call_command("migrate", verbosity=0)
    print(f"Building the {size} organisation on {connection.vendor}…", file=sys.stderr)
    meta = populate(size)
    meta["parts"] = {**timer.parts, **meta["parts"]}
    meta["build_seconds"] = round(time.perf_counter() - timer.started, 2)
    meta["key"] = cache_key(size)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(f"CREATE TABLE {MARKER_TABLE} (key text PRIMARY KEY, meta text NOT NULL)")
            cur.execute(
                f"INSERT INTO {MARKER_TABLE} (key, meta) VALUES (%s, %s)",  # noqa: S608
                (meta["key"], json.dumps(meta)),
            )
    print(f"  {'total':<28} {meta['build_seconds']:6.1f} s", file=sys.stderr)
    print(json.dumps(meta))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    parser.add_argument("--database-url", default=None, help="a PostgreSQL *bench* database")
    parser.add_argument("--fresh", action="store_true", help="rebuild even if cached")
    parser.add_argument("--build", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--print-json", action="store_true", help="print the BenchOrg as JSON")
    args = parser.parse_args()
    if args.build:
        _build_main(args.size)
        return
    started = time.perf_counter()
    org = ensure_org(args.size, database_url=args.database_url, fresh=args.fresh)
    elapsed = time.perf_counter() - started
    if args.print_json:
        print(json.dumps(asdict(org), indent=1))
        return
    print(
        f"{org.size}: {org.people:,} people, {org.posts:,} posts and replies;"
        f" {'cache hit' if org.cached else 'built'} in {elapsed:.1f} s"
        f" (the build itself took {org.build_seconds:.1f} s)"
    )
    for name, value in org.counts.items():
        print(f"  {name:<28} {value:>10,}")
    print(f"  database: {org.env['DATABASE_URL']}")
    print(f"  heavy author: {org.heavy_author}; community: {org.community_handle}")


if __name__ == "__main__":
    main()
