"""Email of notifications against a real SMTP server (aiosmtpd), parsed with the standard
library: what was missed is emailed once per thread after the delay, with both parts, the
reason and a one-click unsubscribe; what was read, turned off, or is for someone without an
address or deactivated is not; quiet hours and pause delay it; a failing server loses nothing;
must-reads not acknowledged are escalated."""

import datetime as dt
from email.message import Message
from typing import Any

import pytest
from django.utils import timezone

from watercooler.core import mail, periodic
from watercooler.core.models import OutgoingEmail
from watercooler.feed import actions as feed
from watercooler.messaging import actions as messaging
from watercooler.messaging.models import Seat
from watercooler.notifications import actions, emails
from watercooler.notifications.models import Notification, NotificationKind
from watercooler.testing.fixtures import ApiClient, Mailbox
from watercooler.testing.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def sweep(django_capture_on_commit_callbacks: Any) -> Any:
    """``sweep(minutes)``: run the missed-activity job as if ``minutes`` had passed, and send
    what it queued (the outbox task runs on commit, as the worker would)."""

    def run(minutes: float = 11) -> int:
        later = timezone.now() + dt.timedelta(minutes=minutes)
        with django_capture_on_commit_callbacks(execute=True):
            queued = emails.send_missed_activity(now=later)
        return queued

    return run


def _parts(message: Message) -> dict[str, str]:
    assert message.get_content_type() == "multipart/alternative"
    parts = {}
    for part in message.walk():
        if part.get_content_type() in ("text/plain", "text/html"):
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            parts[part.get_content_type()] = payload.decode(part.get_content_charset() or "utf-8")
    return parts


def _mention(world: World, django_capture_on_commit_callbacks: Any) -> Any:
    with django_capture_on_commit_callbacks(execute=True):
        return feed.create_post(world.teammate, body="Launch plan ready, @olivia_owner **look**")


def test_a_missed_mention_is_emailed_after_the_delay(
    world: World, smtp_server: Mailbox, sweep: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _mention(world, django_capture_on_commit_callbacks)
    assert sweep(minutes=5) == 0  # not yet: the delay is 10 minutes
    assert sweep() == 1
    [message] = smtp_server.to(world.owner.email)
    assert "mentioned you" in message["Subject"]
    parts = _parts(message)
    assert "You were mentioned in a post by" in parts["text/plain"]
    assert "Launch plan ready" in parts["text/plain"]
    # The HTML part has its CSS inlined, keeps the dark-mode rule, and shows the Markdown.
    html = parts["text/html"]
    assert 'style="' in html
    assert "prefers-color-scheme: dark" in html
    assert "<strong>look</strong>" in html
    unsubscribe = message["List-Unsubscribe"]
    assert unsubscribe.startswith("<http")
    assert "/notifications/unsubscribe/" in unsubscribe
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Emailed once: the next sweep finds nothing.
    assert sweep(minutes=30) == 0
    assert len(smtp_server.messages) == 1


def test_old_news_is_not_emailed(
    world: World, smtp_server: Mailbox, sweep: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Due more than a day ago (workers down for days): it stays in the app only."""
    _mention(world, django_capture_on_commit_callbacks)
    assert sweep(minutes=10 + 24 * 60 + 1) == 0
    assert smtp_server.messages == []
    assert not Notification.objects.filter(email_after__isnull=False).exists()


def test_what_was_read_or_turned_off_is_not_emailed(
    world: World, smtp_server: Mailbox, sweep: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _mention(world, django_capture_on_commit_callbacks)
    actions.do_mark_read(user=world.owner)
    ApiClient(world.teammate).patch("/me/notification-settings", {"email": {"replies": False}})
    ApiClient(world.outsider).patch("/me/notification-settings", {"digest_only": True})
    post = feed.create_post(world.admin, body="Admin's post")
    with django_capture_on_commit_callbacks(execute=True):
        feed.do_create_reply(author=world.teammate, post=post, body="hi")  # admin: no address
        feed.do_react(user=world.owner, post=post, kind="like")  # reactions: in-app only
    reply_to_teammate = feed.create_post(world.teammate, body="Teammate's")
    outsiders = feed.create_post(world.outsider, body="Outsider's")
    with django_capture_on_commit_callbacks(execute=True):
        feed.do_create_reply(author=world.admin, post=reply_to_teammate, body="a")
        feed.do_create_reply(author=world.admin, post=outsiders, body="b")
    world.admin.email = ""
    world.admin.save(update_fields=["email"])
    assert sweep() == 0
    assert smtp_server.messages == []
    assert not Notification.objects.filter(email_after__isnull=False).exists()


def test_deactivated_people_get_nothing_even_once_queued(
    world: World, smtp_server: Mailbox, sweep: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _mention(world, django_capture_on_commit_callbacks)
    world.owner.is_active = False
    world.owner.save(update_fields=["is_active"])
    assert sweep() == 0
    # Queued while active, deactivated before it was sent: dropped, not sent.
    world.owner.is_active = True
    world.owner.save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True):
        mail.queue(
            [mail.Email(to=world.owner.email, subject="x", text="y", person_id=world.owner.pk)]
        )
        world.owner.is_active = False
        world.owner.save(update_fields=["is_active"])
    mail.send_due()
    assert smtp_server.messages == []
    assert not OutgoingEmail.objects.exists()


def test_replies_in_one_thread_come_in_one_email(
    world: World, smtp_server: Mailbox, sweep: Any, django_capture_on_commit_callbacks: Any
) -> None:
    post = feed.create_post(world.owner, body="Which office opens first?")
    with django_capture_on_commit_callbacks(execute=True):
        feed.do_create_reply(author=world.teammate, post=post, body="Berlin, in March")
        feed.do_create_reply(author=world.admin, post=post, body="London follows in May")
    other = feed.create_post(world.owner, body="Another thread")
    with django_capture_on_commit_callbacks(execute=True):
        feed.do_create_reply(author=world.teammate, post=other, body="Separate")
    sweep()
    by_subject = {m["Subject"]: _parts(m)["text/plain"] for m in smtp_server.to(world.owner.email)}
    assert len(by_subject) == 2
    grouped = next(text for text in by_subject.values() if "Berlin" in text)
    assert "London follows in May" in grouped
    assert "Separate" not in grouped


def test_quiet_hours_and_pause_hold_email_until_they_end(
    world: World, smtp_server: Mailbox, sweep: Any, django_capture_on_commit_callbacks: Any
) -> None:
    owner = ApiClient(world.owner)
    owner.patch("/me/notification-settings", {"pause": "1h"})
    _mention(world, django_capture_on_commit_callbacks)
    assert sweep(minutes=11) == 0
    row = Notification.objects.get(recipient=world.owner)
    assert row.email_after is not None
    assert row.email_after > timezone.now() + dt.timedelta(minutes=50)
    assert sweep(minutes=61) == 1
    # Quiet hours all day but a minute: the email waits for the minute after them.
    now_local = timezone.now().astimezone(dt.UTC)
    start = (now_local - dt.timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (now_local + dt.timedelta(hours=3)).time().replace(second=0, microsecond=0)
    owner.patch(
        "/me/notification-settings",
        {"pause": "off", "time_zone": "UTC", "quiet_hours": {"start": str(start), "end": str(end)}},
    )
    with django_capture_on_commit_callbacks(execute=True):
        feed.create_post(world.admin, body="Also @olivia_owner")
    assert sweep(minutes=11) == 0
    assert sweep(minutes=3 * 60 + 16) == 1
    assert len(smtp_server.to(world.owner.email)) == 2


def test_a_failing_mail_server_loses_nothing(
    world: World, smtp_server: Mailbox, sweep: Any, django_capture_on_commit_callbacks: Any
) -> None:
    smtp_server.refusing = True
    _mention(world, django_capture_on_commit_callbacks)
    sweep()
    row = OutgoingEmail.objects.get()
    assert (row.attempts, row.sent_at) == (1, None)
    assert row.next_attempt_at is not None
    assert "451" in row.last_error
    assert mail.mail_health().waiting == 1
    assert mail.send_due() == 0  # not due again yet
    smtp_server.refusing = False
    assert mail.send_due(now=timezone.now() + dt.timedelta(minutes=2)) == 1
    row.refresh_from_db()
    assert row.sent_at is not None
    assert row.next_attempt_at is None
    assert len(smtp_server.to(world.owner.email)) == 1
    # Given up on only after the last attempt, and counted for /healthz.
    smtp_server.refusing = True
    with django_capture_on_commit_callbacks(execute=True):
        mail.queue([mail.Email(to="x@example.com", subject="s", text="t")])
    moment = timezone.now()
    for _ in range(mail.MAX_ATTEMPTS):
        moment += dt.timedelta(days=1)
        mail.send_due(now=moment)
    failed = OutgoingEmail.objects.get(to="x@example.com")
    assert failed.failed_at is not None
    assert failed.attempts == mail.MAX_ATTEMPTS
    assert mail.mail_health(now=failed.failed_at).failed_last_day == 1


def test_an_unreachable_mail_server_loses_nothing(
    world: World, settings: Any, sweep: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from watercooler.testing.fixtures import free_port

    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
        }
    }
    _mention(world, django_capture_on_commit_callbacks)
    sweep()
    row = OutgoingEmail.objects.get()
    assert row.attempts == 1
    assert row.sent_at is None
    assert row.next_attempt_at is not None


def test_one_click_unsubscribe_works_without_signing_in(
    world: World,
    smtp_server: Mailbox,
    sweep: Any,
    client_as: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _mention(world, django_capture_on_commit_callbacks)
    sweep()
    [message] = smtp_server.messages
    path = message["List-Unsubscribe"].strip("<>").split("://", 1)[1].split("/", 1)[1]
    anonymous = client_as(None)
    asked = anonymous.get(f"/{path}")
    assert asked.status_code == 200
    assert "Unsubscribe?" in asked.content.decode()
    done = anonymous.post(f"/{path}", {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert "You are unsubscribed" in done.content.decode()
    settings = ApiClient(world.owner).get("/me/notification-settings").json()
    assert not any(topic["email"] for topic in settings["topics"])
    assert anonymous.post("/notifications/unsubscribe/forged-token/").status_code == 404
    token = emails.unsubscribe_token(world.owner.pk, "digest")
    assert anonymous.post(f"/notifications/unsubscribe/{token[:-2]}xx/").status_code == 404


def test_unacknowledged_must_reads_are_escalated_by_email(
    world: World, smtp_server: Mailbox, sweep: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ApiClient(world.teammate).patch(
        "/me/notification-settings",
        {"email": {"mentions": False, "replies": False, "messages": False}},
    )
    post = feed.create_post(world.admin, body="New travel policy: read before booking")
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_notify_announcement(
            kind=NotificationKind.ANNOUNCEMENT_REMINDER,
            announcement_post=post,
            recipient_ids=[world.teammate.pk, world.owner.pk],
        )
    actions.do_unsubscribe(person_id=world.owner.pk, what="all")
    assert sweep(minutes=0) == 1
    [message] = smtp_server.messages
    assert world.teammate.email in message["To"]
    assert "Must-read" in message["Subject"]
    assert "travel policy" in _parts(message)["text/plain"]


def test_a_missed_message_quotes_the_unread_messages(
    world: World, smtp_server: Mailbox, sweep: Any, django_capture_on_commit_callbacks: Any
) -> None:
    conversation, _ = messaging.do_start_conversation(
        actor=world.teammate, usernames=[world.owner.username]
    )
    seat = Seat.objects.get(conversation=conversation, person=world.teammate)
    with django_capture_on_commit_callbacks(execute=True):
        messaging.do_send_message(actor=world.teammate, seat=seat, body="Lunch at 12?")
        messaging.do_send_message(actor=world.teammate, seat=seat, body="Or *1pm*")
    assert sweep() == 1
    text = _parts(smtp_server.messages[0])["text/plain"]
    assert "New messages in" in text
    assert text.index("Lunch at 12?") < text.index("Or *1pm*")
    # A mention and a new message in one conversation: one email, each message once.
    with django_capture_on_commit_callbacks(execute=True):
        messaging.do_send_message(actor=world.teammate, seat=seat, body="@olivia_owner ping")
    owner_seat = Seat.objects.get(conversation=conversation, person=world.owner)
    messaging.do_read(
        actor=world.owner, seat=owner_seat, up_to=conversation.messages.order_by("-pk")[0].pk
    )
    with django_capture_on_commit_callbacks(execute=True):
        messaging.do_send_message(actor=world.teammate, seat=seat, body="@olivia_owner ping 2")
        messaging.do_send_message(actor=world.teammate, seat=seat, body="And a plain one")
    assert sweep(minutes=30) == 1
    text = _parts(smtp_server.messages[1])["text/plain"]
    assert text.count("ping 2") == 1
    assert text.count("And a plain one") == 1
    # A conversation read in time is not emailed.
    with django_capture_on_commit_callbacks(execute=True):
        last = messaging.do_send_message(actor=world.teammate, seat=seat, body="Still on?")
    owner_seat = Seat.objects.get(conversation=conversation, person=world.owner)
    messaging.do_read(actor=world.owner, seat=owner_seat, up_to=last.pk)
    assert sweep() == 0


def test_healthz_counts_waiting_email(world: World, client: Any) -> None:
    mail.queue([mail.Email(to="x@example.com", subject="s", text="t")])
    body = client.get("/healthz").json()
    assert body["email"]["waiting"] == 1
    assert body["email"]["failed_last_day"] == 0


def test_periodic_jobs_run_once_per_period_and_survive_a_failure(world: World) -> None:
    assert {"email_outbox", "missed_activity_email", "digests", "idempotency_keys"} <= set(
        periodic.JOBS
    )
    ran: list[str] = []

    def boom() -> None:
        raise RuntimeError("broken job")

    periodic.register("test-ok", dt.timedelta(minutes=5), lambda: ran.append("ok"))
    periodic.register("test-boom", dt.timedelta(minutes=5), boom)
    try:
        now = timezone.now()
        first = periodic.run_due(now)
        assert first["test-boom"] == "RuntimeError: broken job"
        assert ran == ["ok"]
        periodic.run_due(now + dt.timedelta(minutes=1))
        assert ran == ["ok"]  # not due again within its period
        periodic.run_due(now + dt.timedelta(minutes=6))
        assert ran == ["ok", "ok"]
    finally:
        periodic.JOBS.pop("test-ok")
        periodic.JOBS.pop("test-boom")
