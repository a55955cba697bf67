"""Announcements: permissions, targeting, scheduling, expiry, must-read, reminders, events."""

import datetime as dt
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks

from watercooler.announcements import actions as announcement_actions
from watercooler.announcements import queries as announcement_queries
from watercooler.announcements import signals, tasks
from watercooler.announcements.models import Announcement, AnnouncementReceipt
from watercooler.core.errors import Conflict
from watercooler.people.models import Role, User
from watercooler.testing.fixtures import SentEvents
from watercooler.testing.world import World, make_person

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def comms(world: World) -> User:
    return make_person("cora_comms", display_name="Cora Comms", role=Role.COMMS)


def create(actor: User, **kwargs: Any) -> Announcement:
    kwargs.setdefault("title", "Office closed Friday")
    kwargs.setdefault("body", "The **London** office is closed on Friday.")
    return announcement_actions.do_create_announcement(actor=actor, **kwargs)


def receipt_users(announcement: Announcement) -> set[str]:
    return set(
        AnnouncementReceipt.objects.filter(announcement=announcement).values_list(
            "user__username", flat=True
        )
    )


@pytest.fixture
def commit_callbacks(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> DjangoCaptureOnCommitCallbacks:
    """``with commit_callbacks(execute=True):`` runs what would run on commit."""
    return django_capture_on_commit_callbacks


@pytest.fixture
def captured() -> Iterator[SentEvents]:
    """Every realtime event sent (after commit), as (groups, event) pairs."""
    sent: list[tuple[list[str], dict[str, Any]]] = []
    with mock.patch(
        "watercooler.core.events.send_now",
        side_effect=lambda groups, event: sent.append((list(groups), event)),
    ):
        yield sent


# --- Permission ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["owner", "outsider", "guest", "teammate"])
def test_only_comms_and_admins_can_announce(world: World, who: str) -> None:
    with pytest.raises(PermissionDenied):
        create(getattr(world, who))
    assert not Announcement.objects.exists()


def test_comms_and_admin_can_announce(world: World, comms: User) -> None:
    assert create(comms).published_at is not None
    assert create(world.admin).published_at is not None


# --- Targeting ----------------------------------------------------------------------------------


def test_everyone_is_active_people_but_not_guests(world: World, comms: User) -> None:
    make_person("gone", is_active=False)
    a = create(comms)
    # The author (cora_comms) is not in their own audience.
    expected = {u.username for u in world.everyone if u != world.guest}
    assert receipt_users(a) == expected
    assert a.audience_size == len(expected)


def test_department_targeting_leaves_the_author_out(world: World, comms: User) -> None:
    comms.department = world.engineering
    comms.save()
    a = create(comms, departments=["Engineering"], must_read=True)
    assert receipt_users(a) == {"olivia_owner", "theo_teammate"}
    assert a.audience_size == 2
    announcement_actions.do_acknowledge(user=world.owner, announcement=a)
    stats = announcement_queries.announcement_stats(comms, a.pk)
    # Not "1 of 3" with the author listed as not having acknowledged their own announcement.
    assert (stats.audience_size, stats.acknowledged_count, stats.acknowledged_percent) == (2, 1, 50)
    assert [r.user.username for r in stats.not_acknowledged.items] == ["theo_teammate"]
    # The author still opens it and its statistics.
    assert announcement_queries.access_announcement(comms, a.pk).my_receipt is None  # type: ignore[attr-defined]


def test_department_and_location_must_both_match(world: World, comms: User) -> None:
    make_person("sam_sales_london", department=world.sales, location=world.london)
    a = create(comms, departments=["Sales"], locations=["London"])
    assert receipt_users(a) == {"sam_sales_london"}
    b = create(comms, departments=["Sales", "Engineering"], locations=["Berlin"])
    assert receipt_users(b) == {"oscar_outsider"}


def test_role_targeting(world: World, comms: User) -> None:
    a = create(world.admin, roles=["guest"])
    assert receipt_users(a) == {"gwen_guest"}
    b = create(comms, roles=["admin", "comms"], locations=["London"])
    assert receipt_users(b) == {"ada_admin"}


def test_unknown_targets_are_field_errors(world: World, comms: User) -> None:
    with pytest.raises(ValidationError) as exc:
        create(comms, departments=["Nope"], locations=["Atlantis"], roles=["boss"])
    assert set(exc.value.message_dict) == {"departments", "locations", "roles"}


def test_value_rules(world: World, comms: User) -> None:
    now = timezone.now()
    with pytest.raises(ValidationError) as exc:
        create(
            comms,
            title="",
            body="x" * 20_001,
            publish_at=now + dt.timedelta(days=2),
            expires_at=now + dt.timedelta(days=1),
            remind_after=dt.timedelta(hours=2),
        )
    assert set(exc.value.message_dict) == {"title", "body", "expires_at", "remind_after"}
    with pytest.raises(ValidationError) as exc:
        create(comms, publish_at=now - dt.timedelta(days=3))
    assert set(exc.value.message_dict) == {"publish_at"}
    with pytest.raises(ValidationError) as exc:
        create(comms, must_read=True, remind_after=dt.timedelta(minutes=5))
    assert set(exc.value.message_dict) == {"remind_after"}


# --- Scheduling, expiry, dismiss ----------------------------------------------------------------


def test_scheduled_publish(
    world: World, comms: User, commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    now = timezone.now()
    published: list[dict[str, Any]] = []

    def on_published(**kwargs: Any) -> None:
        published.append(kwargs)

    signals.announcement_published.connect(on_published)
    try:
        a = create(comms, publish_at=now + dt.timedelta(hours=2), now=now)
        assert a.published_at is None
        assert not AnnouncementReceipt.objects.filter(announcement=a).exists()
        assert announcement_queries.pinned_announcements(world.owner, now=now) == []
        with pytest.raises(Http404):
            announcement_queries.access_announcement(world.owner, a.pk)
        announcement_queries.access_announcement(
            comms, a.pk
        )  # the author sees it before publication
        assert tasks.publish_due_announcements(now=now + dt.timedelta(hours=1)) == 0
        later = now + dt.timedelta(hours=2, minutes=1)
        with commit_callbacks(execute=True):
            assert tasks.publish_due_announcements(now=later) == 1
        assert tasks.publish_due_announcements(now=later) == 0  # idempotent
    finally:
        signals.announcement_published.disconnect(on_published)
    a.refresh_from_db()
    assert a.published_at == later
    assert [p.pk for p in announcement_queries.pinned_announcements(world.owner, now=later)] == [
        a.pk
    ]
    assert len(published) == 1
    assert set(published[0]["recipients"]) == set(
        AnnouncementReceipt.objects.filter(announcement=a).values_list("user_id", flat=True)
    )


def test_publish_sends_event_to_each_recipient(
    world: World,
    comms: User,
    captured: SentEvents,
    commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with commit_callbacks(execute=True):
        a = create(comms, departments=["Engineering"])
    events = [(g, e) for g, e in captured if e["type"] == "announcement.published"]
    groups = {g for gs, _ in events for g in gs}
    # To the audience only: not the author, not the outsider in Sales.
    assert groups == {f"user.{u.pk}" for u in (world.owner, world.teammate)}
    assert events[0][1]["announcement"]["id"] == a.pk


def test_expiry_unpins(world: World, comms: User) -> None:
    now = timezone.now()
    a = create(comms, expires_at=now + dt.timedelta(days=1), now=now)
    assert [p.pk for p in announcement_queries.pinned_announcements(world.owner, now=now)] == [a.pk]
    assert (
        announcement_queries.pinned_announcements(
            world.owner, now=now + dt.timedelta(days=1, seconds=1)
        )
        == []
    )


def test_dismiss(world: World, comms: User) -> None:
    a = create(comms)
    announcement_actions.do_dismiss(user=world.owner, announcement=a)
    announcement_actions.do_dismiss(user=world.owner, announcement=a)  # again: nothing changes
    assert announcement_queries.pinned_announcements(world.owner) == []
    assert [p.pk for p in announcement_queries.pinned_announcements(world.teammate)] == [a.pk]


def test_must_read_cannot_be_dismissed_before_acknowledged(world: World, comms: User) -> None:
    a = create(comms, must_read=True)
    with pytest.raises(Conflict):
        announcement_actions.do_dismiss(user=world.owner, announcement=a)
    announcement_actions.do_acknowledge(user=world.owner, announcement=a)
    announcement_actions.do_dismiss(user=world.owner, announcement=a)
    assert announcement_queries.pinned_announcements(world.owner) == []


def test_pinned_orders_waiting_must_read_first_and_folds_it_once_acknowledged(
    world: World, comms: User
) -> None:
    now = timezone.now()
    must = create(comms, title="Must", must_read=True, now=now)
    newer = create(comms, title="Newer", now=now + dt.timedelta(minutes=1))
    later = now + dt.timedelta(minutes=2)
    assert [a.pk for a in announcement_queries.pinned_announcements(world.owner, now=later)] == [
        must.pk,
        newer.pk,
    ]
    announcement_actions.do_acknowledge(user=world.owner, announcement=must)
    # Acknowledged: folded away from the pinned area, still in the owner's list.
    assert [a.pk for a in announcement_queries.pinned_announcements(world.owner, now=later)] == [
        newer.pk
    ]
    mine = announcement_queries.addressed_page(world.owner, now=later)
    assert [r.announcement_id for r in mine.items] == [newer.pk, must.pk]
    assert mine.items[1].acknowledged_at is not None
    # Others still have it pinned.
    assert must.pk in [
        a.pk for a in announcement_queries.pinned_announcements(world.teammate, now=later)
    ]


# --- Must-read flow -----------------------------------------------------------------------------


def test_seen_then_acknowledge_counts(
    world: World,
    comms: User,
    captured: SentEvents,
    commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    a = create(comms, must_read=True)
    with commit_callbacks(execute=True):
        announcement_actions.do_mark_seen(user=world.owner, announcement=a)
        announcement_actions.do_mark_seen(user=world.owner, announcement=a)  # counted once
        announcement_actions.do_acknowledge(user=world.owner, announcement=a)
        # acknowledging also marks seen
        announcement_actions.do_acknowledge(user=world.teammate, announcement=a)
    a.refresh_from_db()
    assert (a.seen_count, a.acknowledged_count) == (2, 2)
    with pytest.raises(Conflict, match="already"):
        announcement_actions.do_acknowledge(user=world.owner, announcement=a)
    a.refresh_from_db()
    assert a.acknowledged_count == 2
    stats_events = [(g, e) for g, e in captured if e["type"] == "announcement.stats"]
    assert [g for g, _ in stats_events] == [[f"user.{comms.pk}"]] * 3
    assert stats_events[-1][1] == {
        "type": "announcement.stats",
        "announcement_id": a.pk,
        "audience_size": a.audience_size,
        "seen_count": 2,
        "acknowledged_count": 2,
    }


def test_stats_event_waits_for_commit(world: World, comms: User) -> None:
    a = create(comms, must_read=True)
    with mock.patch("watercooler.core.events.send_now") as send_now:
        # pytest-django's test transaction never commits: nothing may be sent.
        announcement_actions.do_acknowledge(user=world.owner, announcement=a)
        send_now.assert_not_called()


def test_acknowledging_a_plain_announcement_is_a_conflict(world: World, comms: User) -> None:
    a = create(comms)
    with pytest.raises(Conflict):
        announcement_actions.do_acknowledge(user=world.owner, announcement=a)


def test_outside_the_audience_is_404(world: World, comms: User) -> None:
    a = create(comms, departments=["Engineering"], must_read=True)
    for action in (
        announcement_actions.do_acknowledge,
        announcement_actions.do_mark_seen,
        announcement_actions.do_dismiss,
    ):
        with pytest.raises(Http404):
            action(user=world.outsider, announcement=a)
    with pytest.raises(Http404):
        announcement_queries.access_announcement(world.outsider, a.pk)


# --- Reminders ----------------------------------------------------------------------------------


def test_reminders_once_to_non_acknowledgers_after_the_delay(
    world: World, comms: User, commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    now = timezone.now()
    a = create(
        comms, departments=["Engineering"], must_read=True, remind_after=dt.timedelta(hours=24),
        now=now,
    )  # fmt: skip
    announcement_actions.do_acknowledge(user=world.owner, announcement=a, now=now)
    sent: list[dict[str, Any]] = []

    def on_due(**kwargs: Any) -> None:
        sent.append(kwargs)

    signals.announcement_reminder_due.connect(on_due)
    try:
        assert tasks.send_announcement_reminders(now=now + dt.timedelta(hours=23)) == 0
        day = now + dt.timedelta(hours=24, minutes=1)
        with commit_callbacks(execute=True):
            assert tasks.send_announcement_reminders(now=day) == 1  # the teammate
            assert tasks.send_announcement_reminders(now=day) == 0
            assert tasks.send_announcement_reminders(now=day + dt.timedelta(hours=5)) == 0
    finally:
        signals.announcement_reminder_due.disconnect(on_due)
    assert len(sent) == 1
    assert sent[0]["announcement"].pk == a.pk
    assert set(sent[0]["recipients"]) == {world.teammate.pk}


def test_send_reminders_command(world: World, comms: User) -> None:
    from django.core.management import call_command

    create(comms, publish_at=timezone.now() + dt.timedelta(seconds=1))
    Announcement.objects.update(publish_at=timezone.now() - dt.timedelta(minutes=1))
    call_command("send_reminders", verbosity=0)
    assert Announcement.objects.get().published_at is not None


# --- Stats query --------------------------------------------------------------------------------


def test_stats_permissions(world: World, comms: User) -> None:
    a = create(comms, departments=["Engineering"], must_read=True)
    announcement_queries.announcement_stats(comms, a.pk)
    announcement_queries.announcement_stats(
        world.admin, a.pk
    )  # an administrator outside the audience
    with pytest.raises(PermissionDenied):
        announcement_queries.announcement_stats(
            world.owner, a.pk
        )  # in the audience, not the author
    with pytest.raises(Http404):
        announcement_queries.announcement_stats(world.outsider, a.pk)


def test_stats_lists_who_has_not_acknowledged(world: World, comms: User) -> None:
    a = create(comms, must_read=True)
    announcement_actions.do_acknowledge(user=world.owner, announcement=a)
    stats = announcement_queries.announcement_stats(comms, a.pk, limit=2)
    assert stats.acknowledged_count == 1
    first = [r.user.username for r in stats.not_acknowledged.items]
    assert stats.not_acknowledged.next_cursor
    rest = announcement_queries.announcement_stats(
        comms, a.pk, cursor=stats.not_acknowledged.next_cursor
    )
    names = first + [r.user.username for r in rest.not_acknowledged.items]
    assert names == ["ada_admin", "oscar_outsider", "theo_teammate"]
    engineering = next(d for d in stats.by_department if d.department == "Engineering")
    assert (engineering.audience, engineering.seen, engineering.acknowledged) == (2, 1, 1)


# --- Query counts and scale ---------------------------------------------------------------------


def test_pinned_is_one_query(
    world: World, comms: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for i in range(5):
        create(comms, title=f"A{i}", must_read=bool(i % 2))
    with django_assert_num_queries(1):
        pinned = announcement_queries.pinned_announcements(world.owner)
        assert [a.post.author.username for a in pinned] == ["cora_comms"] * 5


def test_stats_query_count_is_constant(world: World, comms: User) -> None:
    def count_for(size: int) -> int:
        for i in range(size):
            make_person(f"p{size}_{i}", department=world.sales)
        a = create(comms, must_read=True)
        with CaptureQueriesContext(connection) as ctx:
            announcement_queries.announcement_stats(comms, a.pk)
        return len(ctx.captured_queries)

    assert count_for(10) == count_for(100)


def test_large_audience_publishes_in_bounded_queries(world: World, comms: User) -> None:
    User.objects.bulk_create(
        [
            User(
                username=f"bulk{i}",
                display_name=f"Bulk {i}",
                sort_name=f"bulk {i}",
                department=world.sales,
            )
            for i in range(2_000)
        ]
    )
    with (
        mock.patch("watercooler.core.events.send_now"),
        CaptureQueriesContext(connection) as ctx,
    ):
        a = create(comms, departments=["Sales"])
    assert a.audience_size == 2_001  # the 2,000 and the outsider (not the author)
    assert len(ctx.captured_queries) < 40
