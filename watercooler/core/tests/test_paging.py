"""Keyset paging (watercooler/core/paging.py): ascending and descending keys, ties, bad cursors.

Walking every page must list each row exactly once, in the same order as one ``order_by``.
"""

import datetime as dt

import pytest
from django.utils import timezone

from watercooler.core.paging import InvalidCursorError, encode_cursor, paginate
from watercooler.people.models import User
from watercooler.testing.world import make_person

pytestmark = pytest.mark.django_db

BASE = dt.datetime(2025, 3, 1, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def people() -> list[User]:
    # Several people share a join time, so the unique last key must break the ties.
    joined = [0, 0, 1, 2, 2, 2, 3, 5, 5, 8, 13]
    return [
        make_person(f"person_{i:02}", date_joined=BASE + dt.timedelta(minutes=m, microseconds=i))
        if i % 3
        else make_person(f"person_{i:02}", date_joined=BASE + dt.timedelta(minutes=m))
        for i, m in enumerate(joined)
    ]


def walk(keys: tuple[str, ...], limit: int) -> tuple[list[int], int]:
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        page = paginate(User.objects.all(), keys=keys, cursor=cursor, limit=limit)
        pages += 1
        seen.extend(person.pk for person in page.items)
        if page.next_cursor is None:
            return seen, pages
        cursor = page.next_cursor


@pytest.mark.parametrize("limit", [1, 2, 3, 4, 100])
def test_ascending_keys_walk_every_row_once_in_order(people: list[User], limit: int) -> None:
    seen, _ = walk(("date_joined", "id"), limit)
    assert seen == list(User.objects.order_by("date_joined", "id").values_list("pk", flat=True))


@pytest.mark.parametrize("limit", [1, 2, 3, 4, 100])
def test_descending_keys_walk_every_row_once_newest_first(people: list[User], limit: int) -> None:
    seen, pages = walk(("-date_joined", "-id"), limit)
    expected = list(User.objects.order_by("-date_joined", "-id").values_list("pk", flat=True))
    assert seen == expected
    assert len(seen) == len(set(seen)) == len(people)
    assert pages == max(1, -(-len(people) // limit))


def test_mixed_directions(people: list[User]) -> None:
    seen, _ = walk(("-date_joined", "id"), 2)
    assert seen == list(User.objects.order_by("-date_joined", "id").values_list("pk", flat=True))


def test_ascending_behaviour_is_unchanged(people: list[User]) -> None:
    """The cursor of an ascending page is the plain list of the last row's values."""
    page = paginate(User.objects.all(), keys=("sort_name", "id"), cursor=None, limit=3)
    last = page.items[-1]
    assert page.next_cursor == encode_cursor([last.sort_name, last.pk])
    rest = paginate(User.objects.all(), keys=("sort_name", "id"), cursor=page.next_cursor, limit=50)
    assert [p.sort_name for p in rest.items] == sorted(p.sort_name for p in rest.items)
    assert all(p.sort_name > last.sort_name for p in rest.items)


def test_descending_cursor_holds_the_unprefixed_values(people: list[User]) -> None:
    page = paginate(User.objects.all(), keys=("-date_joined", "-id"), cursor=None, limit=1)
    newest = User.objects.order_by("-date_joined", "-id").first()
    assert newest is not None
    assert page.items == [newest]
    assert page.next_cursor == encode_cursor([newest.date_joined, newest.pk])


def test_rows_added_meanwhile_do_not_shift_later_pages(people: list[User]) -> None:
    first = paginate(User.objects.all(), keys=("-date_joined", "-id"), cursor=None, limit=4)
    make_person("newcomer", date_joined=timezone.now())
    second = paginate(
        User.objects.all(), keys=("-date_joined", "-id"), cursor=first.next_cursor, limit=4
    )
    expected = list(User.objects.order_by("-date_joined", "-id")[5:9])
    assert second.items == expected


@pytest.mark.parametrize(
    "cursor", ["!!", "bm90IGpzb24", encode_cursor([1]), encode_cursor([1, 2, 3])]
)
def test_foreign_cursors_are_refused(people: list[User], cursor: str) -> None:
    with pytest.raises(InvalidCursorError):
        paginate(User.objects.all(), keys=("-date_joined", "-id"), cursor=cursor, limit=2)
