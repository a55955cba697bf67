"""Impressions in batches and the reach of one post: who may send and see what, what is kept,
the breakdowns' minimum group size, announcements' receipts, and a fixed number of queries."""

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from watercooler.insights.models import PersonDay, PostView
from watercooler.people.models import Role, User
from watercooler.testing.fixtures import ApiClient
from watercooler.testing.world import World, make_person

Commit = Callable[..., AbstractContextManager[Any]]


def _post(author: User, **fields: Any) -> int:
    response = ApiClient(author).post("/posts", {"body": "Launch notes are up.", **fields})
    assert response.status_code == 201, response.content
    return int(response.json()["id"])


def _impressions(person: User, *items: tuple[int, str, dt.datetime]) -> Any:
    return ApiClient(person).post(
        "/insights/impressions",
        {"items": [{"post_id": p, "kind": k, "at": at.isoformat()} for p, k, at in items]},
    )


def test_impressions_keep_the_first_sighting_and_read_of_posts_the_reader_may_see(
    world: World,
) -> None:
    post = _post(world.owner)
    now = timezone.now()
    earlier = now - dt.timedelta(minutes=5)
    response = _impressions(
        world.teammate,
        (post, "seen", earlier),
        (post, "seen", now),
        (post, "read", now),
        (post + 999, "seen", now),  # no such post
        (post, "seen", now - dt.timedelta(days=30)),  # implausibly old
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"accepted": 3, "ignored": 2}
    view = PostView.objects.get(post_id=post, person=world.teammate)
    assert view.seen_at == earlier
    assert view.read_at == now
    day = PersonDay.objects.get(person=world.teammate)
    assert (day.seen, day.read) == (3, 1)
    # A second batch adds to the day and keeps the first read.
    later = now + dt.timedelta(seconds=30)
    assert _impressions(world.teammate, (post, "read", later)).json()["accepted"] == 1
    view.refresh_from_db()
    assert view.read_at == now
    assert PersonDay.objects.get(person=world.teammate).read == 2


def test_impressions_of_posts_one_may_not_see_or_of_ones_own_are_ignored(world: World) -> None:
    secret = ApiClient(world.owner).post(
        "/communities", {"name": "Skunkworks", "handle": "skunk", "privacy": "secret"}
    )
    assert secret.status_code == 201, secret.content
    hidden = _post(world.owner, community="skunk")
    mine = _post(world.outsider)
    now = timezone.now()
    assert _impressions(world.outsider, (hidden, "seen", now), (mine, "read", now)).json() == {
        "accepted": 0,
        "ignored": 2,
    }
    assert _impressions(world.guest, (_post(world.owner), "seen", now)).json()["accepted"] == 0
    assert not PostView.objects.exists()


@pytest.mark.parametrize(
    ("items", "field"),
    [
        ([{"post_id": 1, "kind": "glanced", "at": "2026-01-01T00:00:00Z"}], "kind"),
        ([{"post_id": 2**70, "kind": "seen", "at": "2026-01-01T00:00:00Z"}], "post_id"),
        ([{"post_id": 1, "kind": "seen", "at": "0001-01-01T00:00:00Z"}], "at"),
        ([{"post_id": 1, "kind": "seen"}], "at"),
        ([{"post_id": 1, "kind": "seen", "at": "2026-01-01T00:00:00Z"}] * 501, "items"),
    ],
)
def test_bad_impressions_are_refused_naming_the_field(
    world: World, items: list[dict[str, Any]], field: str
) -> None:
    response = ApiClient(world.teammate).post("/insights/impressions", {"items": items})
    assert response.status_code in (400, 422), response.content
    assert field in response.content.decode()
    assert not PostView.objects.exists()


def test_signed_out_impressions_are_refused(db: None) -> None:
    response = ApiClient(None).post("/insights/impressions", {"items": []})
    assert response.status_code == 401


def _team(world: World, count: int) -> list[User]:
    return [
        make_person(
            f"engineer_{i}",
            department=world.engineering,
            location=world.london,
            manager=world.owner,
        )
        for i in range(count)
    ]


def test_the_author_sees_reach_with_breakdowns_of_groups_big_enough(world: World) -> None:
    team = _team(world, 6)
    post = _post(world.owner)
    now = timezone.now()
    for person in team[:4]:
        _impressions(person, (post, "seen", now))
    _impressions(team[0], (post, "read", now))
    _impressions(world.outsider, (post, "seen", now))
    assert ApiClient(team[1]).post(f"/posts/{post}/reactions", {"kind": "like"}).status_code in (
        200,
        201,
    )
    assert ApiClient(team[2]).post(f"/posts/{post}/replies", {"body": "Nice"}).status_code == 201

    response = ApiClient(world.owner).get(f"/insights/posts/{post}")

    assert response.status_code == 200, response.content
    reach = response.json()
    # Everyone in the organisation but the author and the guest: 4 of the world, 6 engineers.
    assert reach["audience"] == 9
    assert (reach["reached"], reach["read"], reach["reacted"], reach["replied"]) == (5, 2, 1, 1)
    departments = {row["group"]: row for row in reach["breakdowns"]["department"]}
    # Engineering (the teammate and 6 engineers) is shown; Sales and IT (one each) are too
    # small, and together still below five: no "Other" row either.
    assert set(departments) == {"Engineering"}
    assert departments["Engineering"]["audience"] == 7
    assert departments["Engineering"]["reached"] == 4
    lines = {row["group"] for row in reach["breakdowns"]["manager"]}
    assert lines == {"Olivia Owner's line"}
    assert reach["over_time"][0]["reached"] == 5


def test_a_small_audience_is_not_broken_down(world: World) -> None:
    post = _post(world.owner, audience="followers")
    ApiClient(world.teammate).post(f"/people/{world.owner.username}/follow")
    reach = ApiClient(world.owner).get(f"/insights/posts/{post}").json()
    assert reach["audience"] == 1
    assert reach["breakdowns"] == {}


def test_only_the_author_and_communications_see_a_posts_reach(world: World) -> None:
    post = _post(world.owner)
    assert ApiClient(world.teammate).get(f"/insights/posts/{post}").status_code == 403
    assert ApiClient(world.guest).get(f"/insights/posts/{post}").status_code == 404
    assert ApiClient(None).get(f"/insights/posts/{post}").status_code == 401
    assert ApiClient(world.admin).get(f"/insights/posts/{post}").status_code == 200
    world.outsider.role = Role.COMMS
    world.outsider.save()
    assert ApiClient(world.outsider).get(f"/insights/posts/{post}").status_code == 200
    # Communications people do not see the reach of what they may not see.
    ApiClient(world.owner).post(
        "/communities", {"name": "Skunkworks", "handle": "skunk", "privacy": "secret"}
    )
    hidden = _post(world.owner, community="skunk")
    assert ApiClient(world.outsider).get(f"/insights/posts/{hidden}").status_code == 404


def test_an_announcements_reach_counts_its_receipts(
    world: World, django_capture_on_commit_callbacks: Commit
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        created = ApiClient(world.admin).post(
            "/announcements",
            {"title": "Fire drill", "body": "Thursday at ten.", "must_read": True},
        )
    assert created.status_code == 201, created.content
    announcement = created.json()
    with django_capture_on_commit_callbacks(execute=True):
        ApiClient(world.owner).post(f"/announcements/{announcement['id']}/seen")
        ApiClient(world.teammate).post(f"/announcements/{announcement['id']}/acknowledge")
    reach = ApiClient(world.admin).get(f"/insights/posts/{announcement['post_id']}").json()
    assert reach["is_announcement"]
    assert reach["must_read"]
    assert reach["audience"] == 3  # the members of the organisation but its author
    assert (reach["reached"], reach["read"], reach["acknowledged"]) == (2, 1, 1)


def test_reach_costs_the_same_queries_for_a_bigger_audience(world: World) -> None:
    def queries_for(post: int) -> int:
        client = ApiClient(world.owner)
        client.get(f"/insights/posts/{post}")  # warm the caches (token, settings, lines)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/insights/posts/{post}").status_code == 200
        return len(captured.captured_queries)

    small = _post(world.owner)
    _impressions(world.teammate, (small, "seen", timezone.now()))
    before = queries_for(small)
    team = _team(world, 12)
    big = _post(world.owner)
    for person in team:
        _impressions(person, (big, "read", timezone.now()))
    assert queries_for(big) == before


def test_the_reach_page_shows_the_funnel_chart_and_breakdowns_to_the_author(
    world: World, client_as: Callable[[User | None], Any]
) -> None:
    team = _team(world, 6)
    post = _post(world.owner)
    for person in team:
        _impressions(person, (post, "seen", timezone.now()))
    owner = client_as(world.owner)
    page = owner.get(f"/posts/{post}/")
    assert f'href="/insights/posts/{post}/"' in page.content.decode()
    response = owner.get(f"/insights/posts/{post}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Who this post reached" in html
    assert '<meter min="0" max="100" value="67"' in html  # 6 of 9 reached
    assert "By department" in html
    assert "Engineering" in html
    assert "Reach since publishing" in html
    csv = owner.get(f"/insights/posts/{post}/?format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode().splitlines()
    assert lines[0] == "breakdown,group,audience,reached,read,reacted,replied"
    assert lines[1] == "total,Everyone,9,6,0,0,0"


def test_the_reach_page_refuses_everyone_else(
    world: World, client_as: Callable[[User | None], Any]
) -> None:
    post = _post(world.owner)
    teammate = client_as(world.teammate)
    assert "/insights/posts/" not in teammate.get(f"/posts/{post}/").content.decode()
    assert teammate.get(f"/insights/posts/{post}/").status_code == 403
    assert client_as(world.guest).get(f"/insights/posts/{post}/").status_code == 404
    assert client_as(None).get(f"/insights/posts/{post}/").status_code == 302
