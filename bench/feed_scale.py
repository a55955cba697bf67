"""How fast is the home feed at scale? Merge on read, measured; fan-out on write, estimated.

    .venv/bin/python -m bench.feed_scale --people 10000 --posts 1000000

Builds a scratch database (SQLite under a temporary WATERCOOLER_VAR_DIR, or the PostgreSQL
database given with --database-url, which it empties first) with bulk inserts, then times
``timeline.feed_page`` (the code the API runs) page by page for a typical reader, a heavy reader
and a newcomer, and times inserting timeline rows to price fan-out on write. Results are printed
as a Markdown table for docs/feed.md.
"""

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from typing import Any


def setup_django(database_url: str | None) -> str:
    var_dir = tempfile.mkdtemp(prefix="watercooler-bench-")
    os.environ["WATERCOOLER_VAR_DIR"] = var_dir
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "watercooler.settings")
    import django

    django.setup()
    from django.core.management import call_command

    if database_url:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    return var_dir


def build(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection, transaction

    from watercooler.people.models import User

    rng = random.Random(42)  # noqa: S311 - test data
    t0 = time.perf_counter()
    now = dt.datetime.now(tz=dt.UTC)
    users = [
        User(
            username=f"u{i}",
            display_name=f"Person {i}",
            sort_name=f"person {i}",
            email=f"u{i}@example.com",
            password="!",  # noqa: S106 - unusable password
        )
        for i in range(args.people)
    ]
    with transaction.atomic():
        User.objects.bulk_create(users, batch_size=2000)
    ids = list(User.objects.order_by("id").values_list("id", flat=True))
    typical, heavy, newcomer = ids[0], ids[1], ids[2]

    # Follows: most people follow 10-80 others; a few (and the heavy reader) 2,000.
    follows: set[tuple[int, int]] = set()
    for uid in ids:
        if uid == newcomer:
            continue
        n = 2000 if uid == heavy or rng.random() < 0.01 else rng.randint(10, 80)
        if uid == typical:
            n = 50
        for other in rng.sample(ids, min(n, len(ids) - 1)):
            if other != uid:
                follows.add((uid, other))
    stamp = now.isoformat()
    with transaction.atomic(), connection.cursor() as cur:
        cur.executemany(
            "INSERT INTO feed_personfollow (follower_id, followee_id, created_at) VALUES (%s, %s, %s)",
            [(a, b, stamp) for a, b in follows],
        )
    # Topics: 300, each reader follows a handful.
    with transaction.atomic(), connection.cursor() as cur:
        cur.executemany(
            "INSERT INTO feed_topic (name, label, created_at, post_count, follower_count,"
            " last_used_at) VALUES (%s, %s, %s, 0, 0, %s)",
            [(f"topic{i}", f"topic{i}", stamp, stamp) for i in range(300)],
        )
        cur.execute("SELECT id FROM feed_topic ORDER BY id")
        topic_ids = [row[0] for row in cur.fetchall()]
        topic_follows = []
        for uid in ids:
            if uid == newcomer:
                continue
            k = 20 if uid == heavy else rng.randint(0, 6)
            topic_follows += [(uid, t, stamp) for t in rng.sample(topic_ids, k)]
        cur.executemany(
            "INSERT INTO feed_topicfollow (follower_id, topic_id, created_at) VALUES (%s, %s, %s)",
            topic_follows,
        )
    t_people = time.perf_counter() - t0

    # Posts: a year of them, authors skewed (a few people write a lot), 10% followers-only,
    # 10% tagged. Inserted in created_at order, as in life.
    t1 = time.perf_counter()
    weights = [1.0 / (1 + (i % 1000)) ** 0.6 for i in range(len(ids))]
    start = now - dt.timedelta(days=365)
    step = dt.timedelta(days=365) / args.posts
    batch = 50_000
    authors = rng.choices(ids, weights=weights, k=args.posts)
    with connection.cursor() as cur:
        cur.execute("SELECT COALESCE(MAX(id), 0) FROM feed_post")
        first_id = cur.fetchone()[0] + 1
    for offset in range(0, args.posts, batch):
        rows = []
        tags = []
        for i in range(offset, min(offset + batch, args.posts)):
            created = (start + step * i).isoformat()
            audience = "followers" if rng.random() < 0.1 else "everyone"
            rows.append(
                (
                    authors[i],
                    "post",
                    audience,
                    f"post {i}",
                    f"<p>post {i}</p>",
                    created,
                    rng.randint(0, 3),
                    rng.randint(0, 10),
                    "{}",
                    created,
                )
            )
            if rng.random() < 0.1:
                tags.append((first_id + i, rng.choice(topic_ids)))
        with transaction.atomic(), connection.cursor() as cur:
            cur.executemany(
                "INSERT INTO feed_post (author_id, kind, audience, body, body_html, created_at,"
                " reply_count, reaction_count, reaction_summary, last_activity_at)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                rows,
            )
            cur.executemany(
                "INSERT INTO feed_post_topics (post_id, topic_id) VALUES (%s, %s)", tags
            )
        print(f"  posts: {offset + len(rows):,}", file=sys.stderr, end="\r")
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    t_posts = time.perf_counter() - t1
    print(file=sys.stderr)
    followers_of = {}
    with connection.cursor() as cur:
        cur.execute("SELECT followee_id, COUNT(*) FROM feed_personfollow GROUP BY followee_id")
        followers_of = dict(cur.fetchall())
    return {
        "typical": typical,
        "heavy": heavy,
        "newcomer": newcomer,
        "follows": len(follows),
        "topic_follows": len(topic_follows),
        "t_people": t_people,
        "t_posts": t_posts,
        "followers_of": followers_of,
        "authors": authors,
    }


def time_feed(user_id: int, order: str, pages: int) -> tuple[list[float], int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from watercooler.feed import timeline
    from watercooler.people.models import User

    viewer = User.objects.get(pk=user_id)
    timings: list[float] = []
    cursor = None
    seen = 0
    with CaptureQueriesContext(connection) as ctx:
        for _ in range(pages):
            t = time.perf_counter()
            page = timeline.feed_page(viewer, order=order, cursor=cursor, limit=20)
            timings.append((time.perf_counter() - t) * 1000)
            seen += len(page.items)
            cursor = page.next_cursor
            if not cursor:
                break
    return timings, len(ctx.captured_queries) // max(1, len(timings)), seen


def explain(user_id: int) -> str:
    from django.db import connection

    from watercooler.feed import timeline
    from watercooler.people.models import User

    viewer = User.objects.get(pk=user_id)
    qs = timeline._latest_qs(viewer).order_by("-created_at", "-id")[:21]
    sql, params = qs.query.sql_with_params()
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cur:
        cur.execute(prefix + sql, params)
        return "\n".join(" ".join(str(c) for c in row) for row in cur.fetchall())


def fan_out_cost(data: dict[str, Any], rows: int = 200_000) -> dict[str, float]:
    """Price fan-out on write: insert ``rows`` timeline rows (user, post, created_at) into an
    indexed table, as takahe's TimelineEvent does, and scale by the follower counts."""
    from django.db import connection, transaction

    with connection.cursor() as cur:
        cur.execute(
            "CREATE TABLE bench_timeline (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL,"
            " post_id INTEGER NOT NULL, created_at VARCHAR(40) NOT NULL)"
            if connection.vendor == "sqlite"
            else "CREATE TABLE bench_timeline (id BIGSERIAL PRIMARY KEY, user_id INTEGER NOT NULL,"
            " post_id INTEGER NOT NULL, created_at VARCHAR(40) NOT NULL)"
        )
        cur.execute("CREATE INDEX bench_timeline_idx ON bench_timeline (user_id, created_at, id)")
    stamp = dt.datetime.now(tz=dt.UTC).isoformat()
    rng = random.Random(7)  # noqa: S311 - test data
    payload = [(rng.randint(1, 10_000), i, stamp) for i in range(rows)]
    t = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.executemany(
            "INSERT INTO bench_timeline (user_id, post_id, created_at) VALUES (%s, %s, %s)",
            payload,
        )
    per_row_us = (time.perf_counter() - t) / rows * 1e6
    with connection.cursor() as cur:
        cur.execute("DROP TABLE bench_timeline")
    followers = data["followers_of"]
    authors = data["authors"]
    total_rows = sum(followers.get(a, 0) for a in authors)
    counts = sorted(followers.values())
    return {
        "per_row_us": per_row_us,
        "avg_followers": statistics.mean(counts) if counts else 0,
        "max_followers": counts[-1] if counts else 0,
        "timeline_rows": total_rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument(
        "--database-url", default=None, help="A scratch PostgreSQL database (it is flushed)."
    )
    args = parser.parse_args()
    setup_django(args.database_url)
    from django.db import connection

    print(f"Building {args.people:,} people and {args.posts:,} posts on {connection.vendor}…")
    data = build(args)
    print(
        f"built: people+follows {data['t_people']:.1f}s ({data['follows']:,} follows,"
        f" {data['topic_follows']:,} topic follows), posts {data['t_posts']:.1f}s"
    )
    print()
    print("| reader | order | follows | first page ms | median page ms | max ms | queries/page |")
    print("|---|---|---|---|---|---|---|")
    from watercooler.feed.models import PersonFollow

    for label in ("typical", "heavy", "newcomer"):
        uid = data[label]
        n = PersonFollow.objects.filter(follower_id=uid).count()
        for order in ("latest", "top"):
            time_feed(uid, order, 1)  # warm the cache
            timings, per_page, _ = time_feed(uid, order, args.pages)
            print(
                f"| {label} | {order} | {n} | {timings[0]:.1f} |"
                f" {statistics.median(timings):.1f} | {max(timings):.1f} | {per_page} |"
            )
    print()
    print("Query plan of the latest feed (typical reader):")
    print(explain(data["typical"]))
    print()
    cost = fan_out_cost(data)
    print(
        f"fan-out on write: {cost['per_row_us']:.1f} µs per timeline row;"
        f" average followers {cost['avg_followers']:.0f}, max {cost['max_followers']};"
        f" {cost['timeline_rows']:,} timeline rows for these posts"
        f" (≈ {cost['timeline_rows'] * cost['per_row_us'] / 1e6:.0f} s of inserts);"
        f" a post by the most-followed person costs"
        f" {cost['max_followers'] * cost['per_row_us'] / 1000:.0f} ms to fan out"
    )


if __name__ == "__main__":
    main()
