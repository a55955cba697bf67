"""The adoption roll-ups and GET /api/v1/insights/overview: the sliding 7- and 28-day windows
against a brute-force count, writers and readers, newly active people, content by kind, the
median wait for a first answer, who may see which scope, bad ranges, refreshing stale roll-ups,
and a fixed number of queries."""

import datetime as dt
import random
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from watercooler.feed.models import Post
from watercooler.insights import rollups
from watercooler.insights.models import AdoptionDay, Dimension, PersonDay
from watercooler.people.models import Role, User
from watercooler.testing.fixtures import ApiClient
from watercooler.testing.world import World, make_person

Commit = Callable[..., AbstractContextManager[Any]]
TODAY = dt.date(2026, 11, 30)


def _all(day: dt.date) -> AdoptionDay:
    return AdoptionDay.objects.get(dimension=Dimension.ALL, group_id=0, day=day)


def test_windows_writers_readers_and_newcomers_match_a_brute_force_count(world: World) -> None:
    people = [world.owner, world.teammate, world.outsider, world.admin, world.guest]
    people += [make_person(f"person_{i}") for i in range(10)]
    rng = random.Random(7)
    activity: dict[tuple[int, dt.date], tuple[int, int]] = {}
    start = TODAY - dt.timedelta(days=59)
    for person in people:
        for offset in range(60):
            if rng.random() < 0.25:
                day = start + dt.timedelta(days=offset)
                # Guests write only in their communities; here they only read.
                wrote = rng.random() < 0.3 and not person.is_guest
                activity[(person.pk, day)] = (1, int(wrote))
    PersonDay.objects.bulk_create(
        PersonDay(person_id=p, day=d, seen=s, wrote=0) for (p, d), (s, _) in activity.items()
    )
    # What people wrote comes from the posts themselves.
    for (p, d), (_, wrote_that_day) in activity.items():
        if wrote_that_day:
            post = ApiClient(User.objects.get(pk=p)).post("/posts", {"body": "Note"}).json()
            moment = dt.datetime.combine(d, dt.time(12), tzinfo=dt.UTC)
            Post.objects.filter(pk=post["id"]).update(created_at=moment)

    rollups.rollup(start, TODAY)

    first: dict[int, dt.date] = {}
    for p, d in sorted(activity, key=lambda k: k[1]):
        first.setdefault(p, d)
    for day in (start + dt.timedelta(days=n) for n in (0, 6, 27, 28, 45, 59)):

        def active(span: int, writers: bool = False, day: dt.date = day) -> set[int]:
            return {
                p
                for (p, d), (_, wrote) in activity.items()
                if 0 <= (day - d).days < span and (bool(wrote) or not writers)
            }

        row = _all(day)
        assert row.daily_active == len(active(1)), day
        assert row.weekly_active == len(active(7)), day
        assert row.monthly_active == len(active(28)), day
        assert row.posting == len(active(7, writers=True)), day
        assert row.reading == len(active(7) - active(7, writers=True)), day
        assert row.new == len([d for d in first.values() if d == day]), day
        assert row.people == len(people)


def test_content_by_kind_and_time_to_a_first_answer(world: World) -> None:
    asked = timezone.now() - dt.timedelta(hours=3)
    question = ApiClient(world.owner).post(
        "/posts", {"body": "Who has the key?", "kind": "question"}
    )
    Post.objects.filter(pk=question.json()["id"]).update(created_at=asked)
    ApiClient(world.owner).post(f"/posts/{question.json()['id']}/replies", {"body": "Anyone?"})
    ApiClient(world.teammate).post(f"/posts/{question.json()['id']}/replies", {"body": "Me"})
    ApiClient(world.teammate).post("/posts", {"body": "Found it."})
    today = timezone.now().date()
    rollups.rollup(asked.date(), today)
    rows = AdoptionDay.objects.filter(dimension=Dimension.ALL, day__gte=asked.date())
    assert sum(r.questions for r in rows) == 1
    assert sum(r.posts for r in rows) == 1
    assert sum(r.replies for r in rows) == 2
    # The asker's own reply does not answer their question: the teammate's did, three hours on.
    minutes = [m for r in rows for m in r.answer_minutes]
    assert len(minutes) == 1
    assert 175 <= minutes[0] <= 185
    engineering = AdoptionDay.objects.get(
        dimension=Dimension.DEPARTMENT, group_id=world.engineering.pk, day=today
    )
    assert engineering.people == 2
    assert engineering.daily_active == 2  # both wrote today


def _organisation(world: World, count: int = 6) -> list[User]:
    return [
        make_person(f"engineer_{i}", department=world.engineering, manager=world.owner)
        for i in range(count)
    ]


def test_the_organisation_overview_is_for_communications_and_administrators(
    world: World,
) -> None:
    _organisation(world)
    rollups.rollup(timezone.now().date(), timezone.now().date())
    for person in (world.teammate, world.outsider, world.guest):
        assert ApiClient(person).get("/insights/overview").status_code == 403
    assert ApiClient(None).get("/insights/overview").status_code == 401
    response = ApiClient(world.admin).get("/insights/overview")
    assert response.status_code == 200, response.content
    overview = response.json()
    assert overview["scope"] == "organisation"
    assert overview["days"][-1]["people"] == 11
    departments = {g["group"]: g for g in overview["breakdowns"]["department"]}
    # Engineering (8) is shown; IT and Sales (one each) are too small even together.
    assert set(departments) == {"Engineering"}
    assert departments["Engineering"]["people"] == 8


def test_a_manager_sees_their_lines_numbers_once_it_is_big_enough(world: World) -> None:
    today = timezone.now().date()
    rollups.rollup(today, today)
    assert ApiClient(world.owner).get("/insights/overview", scope="team").status_code == 403
    _organisation(world)
    rollups.rollup(today, today)
    response = ApiClient(world.owner).get("/insights/overview", scope="team")
    assert response.status_code == 200, response.content
    assert response.json()["days"][-1]["people"] == 7  # the teammate and six engineers
    assert ApiClient(world.owner).get("/insights/overview").status_code == 403
    assert ApiClient(world.teammate).get("/insights/overview", scope="team").status_code == 403


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-05-02", "to": "2026-05-01"}, "to"),
        ({"from": "2025-01-01", "to": "2026-05-01"}, "from"),
        ({"to": "0001-01-02"}, "to"),
        ({"from": "not a day"}, "from"),
        ({"scope": "everyone"}, "scope"),
    ],
)
def test_bad_ranges_are_refused_naming_the_field(
    world: World, params: dict[str, str], field: str
) -> None:
    response = ApiClient(world.admin).get("/insights/overview", **params)
    assert response.status_code == 422, response.content
    assert field in response.content.decode()


def test_stale_roll_ups_are_refreshed_in_the_background(
    world: World, django_capture_on_commit_callbacks: Commit
) -> None:
    ApiClient(world.teammate).post("/posts", {"body": "Hello"})
    admin = ApiClient(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        assert admin.get("/insights/overview").json()["days"] == []
    days = admin.get("/insights/overview").json()["days"]
    assert days[-1]["posts"] == 1


def test_the_overview_costs_the_same_queries_for_a_longer_range(world: World) -> None:
    world.outsider.role = Role.COMMS
    world.outsider.save()
    today = timezone.now().date()
    rollups.rollup(today - dt.timedelta(days=90), today)
    client = ApiClient(world.outsider)

    def queries(days: int) -> int:
        frm = (today - dt.timedelta(days=days)).isoformat()
        client.get("/insights/overview", **{"from": frm})
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/insights/overview", **{"from": frm}).status_code == 200
        return len(captured.captured_queries)

    assert queries(90) == queries(7)


def test_the_adoption_pages_draw_charts_with_their_numbers_and_csv(
    world: World, client_as: Callable[[User | None], Any]
) -> None:
    _organisation(world)
    ApiClient(world.teammate).post("/posts", {"body": "Hello"})
    today = timezone.now().date()
    rollups.rollup(today - dt.timedelta(days=27), today)
    admin = client_as(world.admin)
    page = admin.get("/insights/organisation/")
    assert page.status_code == 200
    html = page.content.decode()
    for title in ("Active people", "Writing and reading", "Newly active people"):
        assert title in html
    assert html.count('<details class="chart-numbers">') == 4
    assert "By department" in html
    csv = admin.get("/insights/organisation/?format=csv&chart=active")
    assert csv["Content-Type"].startswith("text/csv")
    assert csv.content.decode().splitlines()[0] == "Day,In 28 days,In 7 days,That day"
    groups = admin.get("/insights/organisation/?format=csv&chart=groups").content.decode()
    assert "department,Engineering,8," in groups
    assert admin.get("/insights/organisation/?format=csv&chart=nope").status_code == 404
    assert admin.get("/insights/organisation/?days=90&from=garbage").status_code == 200
    owner = client_as(world.owner)
    assert owner.get("/insights/organisation/").status_code == 403
    team = owner.get("/insights/team/")
    assert team.status_code == 200
    assert "Your team" in team.content.decode()
    assert client_as(world.guest).get("/insights/team/").status_code == 403
    assert client_as(world.teammate).get("/insights/team/").status_code == 403
