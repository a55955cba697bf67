"""Compiled-query templates: the same rows as the ORM, and refusal of queries that are not
templates."""

import datetime as dt
from collections.abc import Iterator

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
