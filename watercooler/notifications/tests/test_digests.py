"""The digest: due in the morning of each person's zone (daily, or Mondays), never twice for a
slot; what goes in (must-reads first, followed posts they may see and did not mute, events,
questions, newcomers, their reach), skipped when empty; delivered to a real SMTP server; the
command, the preview (API and page) and unsubscribing; queries bounded per batch."""

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from watercooler.announcements import actions as announcements
from watercooler.communities import actions as communities
from watercooler.events import actions as events
from watercooler.feed import actions as feed
from watercooler.feed.models import Topic
from watercooler.notifications import actions, digests, queries
from watercooler.notifications.models import NotificationPreferences
from watercooler.notifications.policy import Digest
from watercooler.people.models import User
from watercooler.testing.fixtures import ApiClient, Mailbox
from watercooler.testing.world import World, make_person

pytestmark = pytest.mark.django_db

UTC = dt.UTC
# A Monday, 08:00 in London (winter: UTC).
MONDAY_8 = dt.datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def _settings(person: User) -> queries.NotificationSettings:
    return queries.notification_settings(person)


def test_the_slot_is_seven_in_the_morning_of_their_zone(world: World) -> None:
    actions.do_change_notification_settings(
        user=world.owner, changes={"time_zone": "Asia/Tokyo", "digest": Digest.DAILY}
    )
    daily = _settings(world.owner)
    tokyo = zoneinfo.ZoneInfo("Asia/Tokyo")
    # 06:59 in Tokyo: not yet; 07:00: today's slot.
    assert digests.slot_start(daily, dt.datetime(2026, 12, 8, 6, 59, tzinfo=tokyo)) is None
    start = digests.slot_start(daily, dt.datetime(2026, 12, 8, 7, 0, tzinfo=tokyo))
    assert start == dt.datetime(2026, 12, 8, 7, 0, tzinfo=tokyo)
    weekly = queries.settings_from(None, "Europe/London")
    assert digests.slot_start(weekly, MONDAY_8) == dt.datetime(2026, 12, 7, 7, 0, tzinfo=UTC)
    # Not on Wednesday, nor on Monday night (a missed morning waits for the next slot).
    assert digests.slot_start(weekly, MONDAY_8 + dt.timedelta(days=2)) is None
    assert digests.slot_start(weekly, MONDAY_8 + dt.timedelta(hours=12)) is None
    off = queries.settings_from(NotificationPreferences(digest=Digest.OFF), None)
    assert digests.slot_start(off, MONDAY_8) is None


def _busy_week(world: World) -> dict[str, Any]:
    """Something for the owner's digest in every section."""
    feed.do_follow_person(follower=world.owner, followee=world.teammate)
    topic = Topic.objects.create(name="release", label="release")
    feed.do_follow_topic(follower=world.owner, topic=topic)
    made: dict[str, Any] = {}
    made["followed"] = feed.create_post(world.teammate, body="Shipped the new checkout")
    made["muted"] = feed.create_post(world.teammate, body="A thread the owner muted")
    actions.do_mute(user=world.owner, post=made["muted"])
    made["stranger"] = feed.create_post(world.admin, body="Nobody the owner follows")
    secret = communities.create_community(
        world.teammate, name="Project Falcon", handle="falcon", privacy="secret"
    )
    made["secret"] = feed.create_post(
        world.teammate, body="In a secret community", community_handle=secret.handle
    )
    made["question"] = feed.create_post(
        world.admin, body="How do we roll back a #release?", kind="question"
    )
    made["own"] = feed.create_post(world.owner, body="My own update")
    feed.do_react(user=world.teammate, post=made["own"], kind="like")
    made["must_read"] = announcements.do_create_announcement(
        actor=world.admin, title="Travel policy", body="Read before booking", must_read=True
    )
    starts = timezone.now() + dt.timedelta(days=2)
    made["event"] = events.do_create_event(
        actor=world.admin,
        data=events.check_event_input(
            actor=world.admin,
            title="All-hands",
            starts_at=starts.isoformat(),
            ends_at=(starts + dt.timedelta(hours=1)).isoformat(),
            timezone_name="UTC",
        ),
    )
    made["newcomer"] = make_person(
        "nina_new", manager=world.owner, start_date=timezone.now().date(), display_name="Nina New"
    )
    return made


def test_what_a_digest_holds_and_leaves_out(world: World) -> None:
    made = _busy_week(world)
    digest = digests.preview(world.owner)
    assert [line.post.pk for line in digest.must_reads] == [made["must_read"].post_id]
    shown = [line.post.pk for line in digest.posts]
    assert made["followed"].pk in shown
    for left_out in ("muted", "stranger", "secret", "own"):
        assert made[left_out].pk not in shown, left_out
    assert [line.post.pk for line in digest.questions] == [made["question"].pk]
    assert [event.pk for event in digest.events] == [made["event"].pk]
    assert [person.username for person in digest.newcomers] == ["nina_new"]
    [reach] = digest.reach
    assert (reach.reactions, reach.seen) == (1, 0)
    assert digest.worth_sending
    # The outsider follows nobody and sees no secret community: only what is everyone's.
    outsider = digests.preview(world.outsider)
    assert made["secret"].pk not in [line.post.pk for line in outsider.posts]
    # A guest sees neither the company's event nor posts outside their communities.
    guest = digests.preview(world.guest)
    assert guest.events == []
    assert guest.posts == []


def test_due_digests_are_sent_once_a_slot_and_skipped_when_empty(
    world: World, smtp_server: Mailbox, django_capture_on_commit_callbacks: Any
) -> None:
    _busy_week(world)
    for person in world.everyone:
        NotificationPreferences.objects.update_or_create(
            person_id=person.pk, defaults={"time_zone": "Europe/London"}
        )
    now = timezone.now()
    monday = dt.datetime.combine(
        now.date() + dt.timedelta(days=7 - now.weekday()), dt.time(8), tzinfo=UTC
    )
    with django_capture_on_commit_callbacks(execute=True):
        # The Sunday before: a weekly digest waits for Monday.
        assert digests.send_due_digests(now=monday - dt.timedelta(days=1)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert digests.send_due_digests(now=monday) >= 1
    owner_mail = smtp_server.to(world.owner.email)
    [message] = owner_mail
    assert "Your digest" in message["Subject"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    body = Mailbox.body(message)
    assert body.index("MUST-READS") < body.index("WORTH READING")
    assert "Shipped the new checkout" in body
    assert "In a secret community" not in body
    # The same slot again: nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert digests.send_due_digests(now=monday + dt.timedelta(hours=1)) == 0
    assert len(smtp_server.to(world.owner.email)) == 1
    # Everyone had their slot marked, sent or skipped for having nothing.
    marked = NotificationPreferences.objects.filter(digest_sent_at__isnull=False).count()
    assert marked == User.objects.filter(is_active=True).exclude(email="").count()


def test_deactivated_unsubscribed_and_address_less_people_get_no_digest(
    world: World, smtp_server: Mailbox, django_capture_on_commit_callbacks: Any
) -> None:
    _busy_week(world)
    world.teammate.is_active = False
    world.teammate.save(update_fields=["is_active"])
    world.admin.email = ""
    world.admin.save(update_fields=["email"])
    actions.do_unsubscribe(person_id=world.owner.pk, what="digest")
    actions.do_unsubscribe(person_id=world.outsider.pk, what="all")
    with django_capture_on_commit_callbacks(execute=True):
        digests.send_due_digests(force=True)
    for person in (world.teammate, world.admin, world.owner, world.outsider):
        assert smtp_server.to(person.email or "nobody@") == [], person.username


def test_the_command_sends_one_persons_digest_now(
    world: World, smtp_server: Mailbox, capsys: Any
) -> None:
    _busy_week(world)
    call_command("send_digests", "--now", "--person", world.owner.username)
    assert "1 digest queued" in capsys.readouterr().out
    assert len(smtp_server.messages) == 1
    assert world.owner.email in smtp_server.messages[0]["To"]
    with pytest.raises(CommandError, match="Nobody has the username"):
        call_command("send_digests", "--now", "--person", "no_such_person")


def test_the_preview_through_the_api_and_the_page(world: World, client_as: Any) -> None:
    _busy_week(world)
    response = ApiClient(world.owner).get("/me/digest/preview")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "style-src 'unsafe-inline'" in response["Content-Security-Policy"]
    html = response.content.decode()
    assert "Travel policy" in html or "Read before booking" in html
    assert "In a secret community" not in html
    page = client_as(world.owner).get("/notifications/digest/")
    assert page.status_code == 200
    assert "Shipped the new checkout" in page.content.decode()
    assert client_as(None).get("/notifications/digest/").status_code == 302
    # The outsider's preview is theirs: nothing addressed to the owner.
    assert (
        "My own update" not in ApiClient(world.outsider).get("/me/digest/preview").content.decode()
    )


def test_digest_queries_do_not_grow_with_people(world: World) -> None:
    _busy_week(world)
    few = list(User.objects.filter(is_active=True).order_by("pk")[:3])

    def cost(people: list[User]) -> int:
        chosen = queries.settings_of([person.pk for person in people])
        with CaptureQueriesContext(connection) as ctx:
            digests.build_digests(people, chosen, timezone.now())
        return len(ctx.captured_queries)

    before = cost(few)
    for i in range(30):
        person = make_person(f"extra_{i}")
        feed.do_follow_person(follower=person, followee=world.teammate)
    many = list(User.objects.filter(is_active=True).order_by("pk"))
    assert cost(many) <= before + 2  # the same per batch, whoever is in it
