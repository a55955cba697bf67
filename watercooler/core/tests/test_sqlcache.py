"""Compiled-query templates: the same rows as the ORM, and refusal of queries that are not
templates."""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db.models import QuerySet
from django.utils import timezone

from watercooler.core import sqlcache
from watercooler.people.models import User
from watercooler.testing.world import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_templates() -> Iterator[None]:
    sqlcache.clear_templates()
    yield
    sqlcache.clear_templates()


def _people_joined_after(since: dt.datetime, above: int) -> QuerySet[User, tuple[int, str]]:
    return (
        User.objects.filter(date_joined__gte=since, pk__gt=above)
        .exclude(date_joined=since, pk=above)
        .order_by("pk")
        .values_list("pk", "username")
    )


def test_template_finds_what_the_orm_finds_for_every_value() -> None:
    now = timezone.now()
    people = [make_person(f"p{i}", display_name=f"P {i}") for i in range(6)]
    for i, person in enumerate(people):
        User.objects.filter(pk=person.pk).update(date_joined=now - dt.timedelta(days=i))
    for days in range(7):
        for above in (0, people[1].pk, people[3].pk):
            since = now - dt.timedelta(days=days, minutes=1)
            got = sqlcache.run_template(
                "joined", _people_joined_after, {"since": since, "above": above}
            )
            assert [tuple(row) for row in got] == list(_people_joined_after(since, above))


def test_a_query_whose_sql_depends_on_a_value_is_refused() -> None:
    def shape_changes(limit: int) -> QuerySet[User, tuple[int]]:
        return User.objects.order_by("pk").values_list("pk")[: 5 if limit % 2 else 10]

    with pytest.raises(sqlcache.TemplateError, match="depends"):
        sqlcache.run_template("shape", shape_changes, {"limit": 3})


def test_a_parameter_computed_from_a_value_is_refused() -> None:
    def next_one(pk: int) -> QuerySet[User, tuple[int]]:
        return User.objects.filter(pk=pk + 1).values_list("pk")

    with pytest.raises(sqlcache.TemplateError, match="computed from 'pk'"):
        sqlcache.run_template("next", next_one, {"pk": 1})


def test_a_value_that_never_reaches_the_query_is_refused() -> None:
    def ignores(user_id: int) -> QuerySet[User, tuple[int]]:
        return User.objects.filter(pk__gt=0).values_list("pk")

    with pytest.raises(sqlcache.TemplateError, match="does not reach"):
        sqlcache.run_template("ignored", ignores, {"user_id": 3})


def test_a_value_of_another_type_than_the_templates_is_refused() -> None:
    def by_pk(pk: int) -> QuerySet[User, tuple[int]]:
        return User.objects.filter(pk=pk).values_list("pk")

    sqlcache.run_template("by-pk", by_pk, {"pk": 1})
    with pytest.raises(TypeError, match="must be int"):
        sqlcache.run_template("by-pk", by_pk, {"pk": timezone.now()})


def test_instances_are_what_the_orm_gives_with_converted_values(world: Any) -> None:
    """Datetimes, booleans, JSON and related objects come back as a query would give them."""
    from watercooler.feed.models import Post

    posts = [
        Post.objects.create(author=world.owner, body=f"post {i}", reaction_summary={"like": i})
        for i in range(4)
    ]
    chosen = [posts[2].pk, posts[0].pk, posts[3].pk]

    def build(**ids: int) -> QuerySet[Post]:
        return (
            Post.objects.select_related("author")
            .only("body", "created_at", "reaction_summary", "author__username", "author__is_active")
            .filter(pk__in=list(ids.values()))
            .order_by("pk")
        )

    got = sqlcache.instances(("posts", len(chosen)), build, sqlcache.listed("id", chosen))
    expected = list(build(**sqlcache.listed("id", chosen)))
    assert [p.pk for p in got] == [p.pk for p in expected] == sorted(chosen)
    for mine, theirs in zip(got, expected, strict=True):
        assert mine.created_at == theirs.created_at
        assert isinstance(mine.created_at, dt.datetime)
        assert mine.reaction_summary == theirs.reaction_summary
        assert mine.author.username == theirs.author.username
        assert mine.author.is_active is True
        assert mine.get_deferred_fields() == theirs.get_deferred_fields()
    # Another page length is another template; the same length reuses this one.
    other = sqlcache.instances(("posts", 1), build, sqlcache.listed("id", [posts[1].pk]))
    assert [p.body for p in other] == ["post 1"]


def test_strings_are_values_too() -> None:
    people = [make_person(f"s{i}") for i in range(3)]

    def by_username(name: str) -> QuerySet[User, tuple[int]]:
        return User.objects.filter(username=name).values_list("pk")

    for person in people:
        assert sqlcache.run_template("by-name", by_username, {"name": person.username}) == [
            (person.pk,)
        ]
    assert sqlcache.run_template("by-name", by_username, {"name": "nobody'; --"}) == []


def test_dates_are_values_and_a_datetime_is_not_taken_for_one() -> None:
    today = dt.date(2026, 12, 6)
    people = [make_person(f"d{i}") for i in range(4)]
    for i, person in enumerate(people):
        User.objects.filter(pk=person.pk).update(start_date=today - dt.timedelta(days=i))

    def started_by(day: dt.date) -> QuerySet[User, tuple[int]]:
        return User.objects.filter(start_date__lte=day).order_by("pk").values_list("pk")

    for back in range(5):
        day = today - dt.timedelta(days=back)
        got = sqlcache.run_template("started-by", started_by, {"day": day})
        assert [tuple(row) for row in got] == list(started_by(day))
    with pytest.raises(TypeError, match="must be date"):
        sqlcache.run_template("started-by", started_by, {"day": timezone.now()})


def test_a_model_query_with_annotations_is_not_turned_into_instances() -> None:
    from django.db.models import Value

    with pytest.raises(sqlcache.TemplateError, match="annotations"):
        sqlcache.instances(
            "annotated", lambda pk: User.objects.annotate(one=Value(1)).filter(pk=pk), {"pk": 1}
        )
