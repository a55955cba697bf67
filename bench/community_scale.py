"""How fast are community feeds, and the home feed of someone in several communities, at scale?

    .venv/bin/python -m bench.community_scale --people 10000 --posts 1000000 --communities 500

Builds the organisation of ``bench.feed_scale`` (people, follows, topics, posts, with bulk
inserts into a scratch SQLite database, or the PostgreSQL database given with --database-url,
which is emptied first), then adds communities of every privacy (sizes 5 to 5,000 members,
most small, a few huge), moves a share of the posts into communities their authors belong to,
and times the code the pages and the API run:

* ``feed.queries.community_posts_page`` for ~50 members of a large, a middling and a small
  community: the first page, and a deep page (a cursor a thousand posts down);
* ``feed.timeline.feed_page`` (latest) for ~50 readers who are members of several communities.

It prints queries per page (``CaptureQueriesContext``) and latency median / p95 / max, as a
Markdown table for docs/feed.md.
"""

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from typing import Any

from bench.feed_scale import build as build_feed
from bench.feed_scale import setup_django

READERS = 50


def _sizes(rng: random.Random, count: int, smallest: int, largest: int) -> list[int]:
    """Community sizes skewed like real ones: most a few dozen, a handful in the thousands."""
    ratio = largest / smallest
    sizes = [round(smallest * ratio ** (rng.random() ** 3)) for _ in range(count)]
    # The extremes are always there, so the table covers them.
    sizes[0], sizes[1] = largest, smallest
    return sizes


def build_communities(args: argparse.Namespace, data: dict[str, Any]) -> dict[str, Any]:
    from django.db import connection, transaction

    rng = random.Random(4)  # noqa: S311 - test data
    t0 = time.perf_counter()
    stamp = dt.datetime.now(tz=dt.UTC).isoformat()
    with connection.cursor() as cur:
        cur.execute("SELECT id FROM people_user ORDER BY id")
        ids = [row[0] for row in cur.fetchall()]
    privacies = rng.choices(["open", "closed", "secret"], weights=[6, 3, 1], k=args.communities)
    privacies[:3] = ["open", "closed", "secret"]
    categories = ["function", "location", "project", "practice", "interest", "support"]
    sizes = _sizes(rng, args.communities, 5, min(5000, len(ids)))
    members: list[set[int]] = [set(rng.sample(ids, size)) for size in sizes]
    # The readers of the home-feed table: members of several communities each (3 to 12),
    # among them the huge one, as people in a big company are.
    home_readers = rng.sample(ids, READERS)
    for reader in home_readers:
        for index in {0, *rng.sample(range(args.communities), rng.randint(2, 11))}:
            members[index].add(reader)
    with transaction.atomic(), connection.cursor() as cur:
        cur.executemany(
            "INSERT INTO communities_community (name, handle, description, guidelines, privacy,"
            " category, cover, cover_alt, created_at, member_count, post_count, last_activity_at)"
            " VALUES (%s, %s, '', '', %s, %s, '', '', %s, %s, 0, %s)",
            [
                (f"Community {i}", f"c{i}", privacies[i], rng.choice(categories), stamp,
                 len(members[i]), stamp)
                for i in range(args.communities)
            ],
        )  # fmt: skip
        cur.execute("SELECT id FROM communities_community ORDER BY id")
        community_ids = [row[0] for row in cur.fetchall()]
        rows = []
        for community_id, people in zip(community_ids, members, strict=True):
            for n, user_id in enumerate(sorted(people)):
                role = "owner" if n == 0 else "moderator" if n < 3 else "member"
                rows.append((community_id, user_id, role, "active", "manual", True, stamp))
        cur.executemany(
            "INSERT INTO communities_membership (community_id, user_id, role, status, source,"
            " following, joined_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            rows,
        )
    t_members = time.perf_counter() - t0

    # A share of the posts move into a community their author belongs to (bigger ones busier).
    t1 = time.perf_counter()
    of_author: dict[int, list[int]] = {}
    for index, people in enumerate(members):
        for user_id in people:
            of_author.setdefault(user_id, []).append(index)
    with connection.cursor() as cur:
        cur.execute("SELECT id, author_id FROM feed_post ORDER BY id")
        posts = cur.fetchall()
    updates: list[tuple[int, str, int]] = []
    counts = [0] * args.communities
    for post_id, author_id in posts:
        mine = of_author.get(author_id)
        if not mine or rng.random() >= args.community_share:
            continue
        index = rng.choices(mine, weights=[len(members[i]) ** 0.5 for i in mine])[0]
        counts[index] += 1
        kind = "question" if rng.random() < 0.15 else "post"
        updates.append((community_ids[index], kind, post_id))
    with transaction.atomic(), connection.cursor() as cur:
        cur.executemany(
            "UPDATE feed_post SET community_id = %s, kind = %s, audience = 'everyone'"
            " WHERE id = %s",
            updates,
        )
        cur.executemany(
            "UPDATE communities_community SET post_count = %s WHERE id = %s",
            list(zip(counts, community_ids, strict=True)),
        )
        cur.execute("ANALYZE")
    t_posts = time.perf_counter() - t1
    by_size = sorted(range(args.communities), key=lambda i: len(members[i]))
    return {
        "community_ids": community_ids,
        "members": members,
        "privacies": privacies,
        "counts": counts,
        "home_readers": home_readers,
        "memberships": len(rows),
        "moved": len(updates),
        "t_members": t_members,
        "t_posts": t_posts,
        "large": by_size[-1],
        # A closed or secret community of a few hundred members or more, and a small one.
        "middle": _pick(by_size, lambda i: privacies[i] != "open" and counts[i] >= 1000),
        "small": _pick(by_size, lambda i: privacies[i] == "secret" and counts[i] >= 40),
    }


def _pick(indexes: list[int], wanted: Any) -> int:
    """The first of ``indexes`` that is ``wanted``, else the middle one."""
    return next((i for i in indexes if wanted(i)), indexes[len(indexes) // 2])


def _stats(timings: list[float]) -> tuple[float, float, float]:
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95, ordered[-1]


def time_community(community_id: int, readers: list[int], deep: int) -> dict[str, Any]:
    """First page and a page ``deep`` posts down, for each reader: ms and queries per page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from watercooler.communities.models import Community
    from watercooler.feed import queries
    from watercooler.feed.models import Post
    from watercooler.people.models import User

    community = Community.objects.get(pk=community_id)
    anchor = (
        Post.objects.filter(community_id=community_id, deleted_at__isnull=True)
        .order_by("-created_at", "-id")
        .only("id", "created_at")[deep : deep + 1]
        .first()
    )
    deep_cursor = queries._time_cursor(anchor) if anchor is not None else None
    result: dict[str, Any] = {"first": [], "deep": [], "q_first": 0, "q_deep": 0}
    viewers = list(User.objects.filter(pk__in=readers))
    queries.community_posts_page(viewers[0], community, limit=20)  # warm the cache
    for viewer in viewers:
        for label, cursor in (("first", None), ("deep", deep_cursor)):
            if label == "deep" and cursor is None:
                continue
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                page = queries.community_posts_page(viewer, community, cursor=cursor, limit=20)
                result[label].append((time.perf_counter() - started) * 1000)
            assert len(page.items) == 20, (label, len(page.items))
            result["q_" + label] = max(result["q_" + label], len(ctx.captured_queries))
    return result


def time_requests(community_id: int, readers: list[int]) -> dict[str, Any]:
    """Whole requests through Django (middleware, auth, rendering; no network): the API's
    ``GET /api/v1/communities/{handle}/feed`` with a bearer token, and the community's HTML
    page ``/c/{handle}/`` signed in, for each reader: ms and queries per request."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from watercooler.communities.models import Community
    from watercooler.people.actions import do_create_api_token
    from watercooler.people.models import User

    # Pages link static files by name; the bench has not run collectstatic.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    handle = Community.objects.get(pk=community_id).handle
    result: dict[str, Any] = {"api": [], "html": [], "q_api": 0, "q_html": 0}
    for number, viewer in enumerate(User.objects.filter(pk__in=readers)):
        _, token = do_create_api_token(user=viewer, name="bench")
        api = Client(headers={"Authorization": f"Bearer {token}"})
        page = Client()
        page.force_login(viewer)
        for label, client, path in (
            ("api", api, f"/api/v1/communities/{handle}/feed"),
            ("html", page, f"/c/{handle}/"),
        ):
            client.get(path)  # the token's first use and the session are written once
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(path)
                elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (path, response.status_code)
            if number:  # the first reader warms templates and caches
                result[label].append(elapsed)
            result["q_" + label] = max(result["q_" + label], len(ctx.captured_queries))
    return result


def time_home(readers: list[int]) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from watercooler.feed import timeline
    from watercooler.people.models import User

    result: dict[str, Any] = {"first": [], "second": [], "q_first": 0, "q_second": 0}
    viewers = list(User.objects.filter(pk__in=readers))
    timeline.feed_page(viewers[0], order="latest", limit=20)  # warm the cache
    for viewer in viewers:
        cursor = None
        for label in ("first", "second"):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                page = timeline.feed_page(viewer, order="latest", cursor=cursor, limit=20)
                result[label].append((time.perf_counter() - started) * 1000)
            result["q_" + label] = max(result["q_" + label], len(ctx.captured_queries))
            cursor = page.next_cursor
            if cursor is None:
                break
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--communities", type=int, default=500)
    parser.add_argument(
        "--community-share",
        type=float,
        default=0.3,
        help="Share of the posts of community members that are written in a community.",
    )
    parser.add_argument("--deep", type=int, default=1000, help="Posts down for the deep page.")
    parser.add_argument(
        "--database-url", default=None, help="A scratch PostgreSQL database (it is flushed)."
    )
    args = parser.parse_args()
    setup_django(args.database_url)
    from django.db import connection

    print(
        f"Building {args.people:,} people, {args.posts:,} posts and {args.communities} "
        f"communities on {connection.vendor}…"
    )
    data = build_feed(args)
    print(
        f"built: people+follows {data['t_people']:.1f}s, posts {data['t_posts']:.1f}s",
        file=sys.stderr,
    )
    c = build_communities(args, data)
    kinds = {p: c["privacies"].count(p) for p in ("open", "closed", "secret")}
    sizes = sorted(len(m) for m in c["members"])
    print(
        f"communities: {kinds}, sizes min {sizes[0]} / median {sizes[len(sizes) // 2]} / max "
        f"{sizes[-1]}, {c['memberships']:,} memberships ({c['t_members']:.1f}s); "
        f"{c['moved']:,} posts in communities ({c['t_posts']:.1f}s)"
    )
    rng = random.Random(9)  # noqa: S311 - test data
    print()
    print("| page | community (members, posts) | queries/page | median ms | p95 ms | max ms |")
    print("|---|---|---|---|---|---|")
    for label in ("large", "middle", "small"):
        index = c[label]
        people = sorted(c["members"][index])
        readers = rng.sample(people, min(READERS, len(people)))
        result = time_community(c["community_ids"][index], readers, args.deep)
        name = f"{label}, {c['privacies'][index]} ({len(people):,}, {c['counts'][index]:,})"
        for page in ("first", "deep"):
            if not result[page]:
                continue
            median, p95, worst = _stats(result[page])
            title = "community, first page" if page == "first" else f"community, {args.deep} down"
            print(
                f"| {title} | {name} | {result['q_' + page]} | {median:.1f} | {p95:.1f} |"
                f" {worst:.1f} |"
            )
        if label == "large":
            whole = time_requests(c["community_ids"][index], readers)
            for kind, title in (
                ("api", "GET /api/v1/communities/{handle}/feed"),
                ("html", "page /c/{handle}/"),
            ):
                median, p95, worst = _stats(whole[kind])
                print(
                    f"| {title} (whole request) | {name} | {whole['q_' + kind]} |"
                    f" {median:.1f} | {p95:.1f} | {worst:.1f} |"
                )
    from watercooler.feed import timeline

    memberships = [sum(1 for m in c["members"] if r in m) for r in c["home_readers"]]
    sparse = sum(1 for r in c["home_readers"] if timeline._is_sparse(_user(r)))
    who = f"{READERS} readers in {min(memberships)} to {max(memberships)} communities"
    home = time_home(c["home_readers"])
    for page in ("first", "second"):
        median, p95, worst = _stats(home[page])
        print(
            f"| home (latest), {page} page | {who} ({sparse} sparse) |"
            f" {home['q_' + page]} | {median:.1f} | {p95:.1f} | {worst:.1f} |"
        )


def _user(pk: int) -> Any:
    from watercooler.people.models import User

    return User.objects.get(pk=pk)


if __name__ == "__main__":
    main()
