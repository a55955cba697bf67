"""Email of notifications: what was missed in the app, and the must-read escalation.

A notification of a topic is made with ``email_after`` set (``actions._email_after``), which
costs nothing as it is made. ``send_missed_activity`` (a periodic job) picks the rows whose
time has come, asks each recipient's settings in bulk and emails, once per thread, what is still
unread: with the words, a link and why it came ("You were mentioned in Product launch"). A row
read by then, turned off for email, or for someone who reads only the digest, has in-app only;
someone in quiet hours or paused gets it when they end.

Every email names its reason, carries ``List-Unsubscribe`` with one-click unsubscribe (RFC 8058)
through a signed link that needs no sign-in (``unsubscribe_url``), and goes through the outbox
(``core.mail``), so a failing mail server loses nothing.
"""

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from watercooler.core import mail
from watercooler.notifications import inbound, queries
from watercooler.notifications.models import Notification, NotificationKind
from watercooler.notifications.policy import ALWAYS_DELIVERED
from watercooler.people.models import User

# Due rows read per round of the sweep, and how often it runs.
BATCH = 1_000
SWEEP_EVERY = dt.timedelta(minutes=1)
# Past due by more than this (the workers were down for days, or a restored backup), it is old
# news: it stays in the app and is not emailed.
STALE_AFTER = dt.timedelta(days=1)
LINE_CHARS = 1_200

UNSUBSCRIBE_SALT = "watercooler.notifications.unsubscribe"
# What an unsubscribe link stops: email as things happen, the digest, or every email.
UNSUBSCRIBE_LISTS = {
    "missed": "email about what you missed",
    "digest": "the digest",
    "all": "all email from notifications, must-read reminders included",
}


@dataclass(frozen=True)
class Line:
    """One thing said, as an email shows it."""

    author: str
    text: str
    # Sanitised HTML of the same words (rendered Markdown), for the HTML part.
    html: str
    at: dt.datetime


# Kinds whose words live in a later app (a conversation's messages): it registers a function
# giving the lines of one such notification (``register_lines``).
LINE_SOURCES: dict[str, Callable[[Notification], list[Line]]] = {}


def register_lines(kinds: Sequence[str], source: Callable[[Notification], list[Line]]) -> None:
    for kind in kinds:
        LINE_SOURCES[kind] = source


def unsubscribe_token(person_id: int, what: str) -> str:
    return signing.dumps({"p": person_id, "l": what}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """The person and list of a token made here, else None (tampered, or not ours)."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    person, what = data.get("p"), data.get("l")
    if not isinstance(person, int) or what not in UNSUBSCRIBE_LISTS:
        return None
    return person, what


def unsubscribe_url(person_id: int, what: str) -> str:
    return mail.site_url(
        reverse("notifications:unsubscribe", args=[unsubscribe_token(person_id, what)])
    )


def list_headers(person_id: int, what: str) -> dict[str, str]:
    """``List-Unsubscribe`` with RFC 8058's one-click POST."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(person_id, what)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }


# --- Missed activity ------------------------------------------------------------------------------


def _thread_key(row: Notification) -> str:
    conversation = conversation_of(row)
    if conversation is not None:
        return f"conversation:{conversation}"
    if row.post_id is not None:
        return f"post:{row.post_id}"
    if row.group_key:
        return row.group_key
    return row.link or f"notification:{row.pk}"


def _where(row: Notification) -> str:
    """Where it happened, for the reason line: a community, a #topic, a conversation."""
    post = row.post
    if post is not None:
        if post.community is not None:
            return post.community.name
        return f"a post by {post.author.display_name}"
    if row.subject:
        return row.subject
    if row.community is not None:
        return row.community.name
    if row.event is not None:
        return row.event.title
    return settings.SITE_NAME


REASONS: dict[str, str] = {
    NotificationKind.MENTION: "You were mentioned in {where}",
    NotificationKind.MESSAGE_MENTION: "You were mentioned in {where}",
    NotificationKind.REPLY: "Someone replied to your post in {where}",
    NotificationKind.THREAD_REPLY: "New replies in a thread you are in: {where}",
    NotificationKind.MESSAGE: "New messages in {where}",
    NotificationKind.ANNOUNCEMENT_REMINDER: "A must-read you have not acknowledged",
}


# Kinds about a thread of replies, which a reply by email can answer.
THREAD_KINDS = (NotificationKind.MENTION, NotificationKind.REPLY, NotificationKind.THREAD_REPLY)


def conversation_of(row: Notification) -> int | None:
    """The conversation a message notification is about (``actions.do_notify_message`` keys
    MESSAGE rows ``message:<id>`` and links every one to ``/messages/<id>/``)."""
    if row.kind not in (NotificationKind.MESSAGE, NotificationKind.MESSAGE_MENTION):
        return None
    for candidate in (
        row.group_key.partition("message:")[2],
        row.link.strip("/").rpartition("/")[2],
    ):
        if candidate.isdigit():
            return int(candidate)
    return None


def reply_to(row: Notification) -> str:
    """The address whose mail answers ``row``'s thread as its recipient, or ""."""
    if row.post_id is not None and row.kind in THREAD_KINDS:
        return inbound.reply_address(row.recipient_id, "post", row.post_id)
    conversation = conversation_of(row)
    if conversation is not None:
        return inbound.reply_address(row.recipient_id, "conversation", conversation)
    return ""


def reason(row: Notification) -> str:
    template = REASONS.get(row.kind, "{what} ({where})")
    return template.format(where=_where(row), what=queries.notification_text(row))


def lines_of(row: Notification) -> list[Line]:
    source = LINE_SOURCES.get(row.kind)
    if source is not None:
        return source(row)
    said = row.reply if row.reply is not None else row.post
    if said is None:
        return []
    return [
        Line(
            author=said.author.display_name,
            text=Truncator(said.body).chars(LINE_CHARS),
            html=said.body_html if len(said.body) <= LINE_CHARS else "",
            at=said.created_at,
        )
    ]


def _due(now: dt.datetime) -> list[Notification]:
    return list(
        Notification.objects.filter(email_after__lte=now)
        .select_related(
            "recipient",
            "actor",
            "post__author",
            "post__community",
            "reply__author",
            "community",
            "event",
            "post__announcement",
        )
        .order_by("email_after", "pk")[:BATCH]
    )


def _next_loud_moment(chosen: queries.NotificationSettings, now: dt.datetime) -> dt.datetime:
    """The first quarter hour from ``now`` that is neither paused nor in quiet hours."""
    moment = now
    if chosen.paused_until is not None and chosen.paused_until > moment:
        moment = chosen.paused_until
    for _ in range(24 * 4 + 1):
        if not chosen.quiet_at(moment):
            return moment
        moment += dt.timedelta(minutes=15)
    return moment


def send_missed_activity(now: dt.datetime | None = None) -> int:
    """Email what is due and still unread; returns how many emails were queued."""
    now = now or timezone.now()
    queued = 0
    while True:
        rows = _due(now)
        if not rows:
            return queued
        queued += _handle(rows, now)
        if len(rows) < BATCH:
            return queued


def _handle(rows: list[Notification], now: dt.datetime) -> int:
    chosen = queries.settings_of([row.recipient_id for row in rows])
    done: list[int] = []
    later: dict[dt.datetime, list[int]] = defaultdict(list)
    threads: dict[tuple[int, str], list[Notification]] = defaultdict(list)
    for row in rows:
        person = row.recipient
        wanted = chosen[row.recipient_id]
        always = row.kind in ALWAYS_DELIVERED
        if (
            row.read_at is not None
            or (row.email_after is not None and row.email_after < now - STALE_AFTER)
            or not person.is_active
            or not person.email
            or wanted.no_email
            or (wanted.digest_only and not always)
            or not wanted.wants("email", row.kind)
        ):
            done.append(row.pk)
        elif wanted.quiet_at(now):
            later[_next_loud_moment(wanted, now)].append(row.pk)
        else:
            threads[(row.recipient_id, _thread_key(row))].append(row)
            done.append(row.pk)
    emails = [
        _missed_email(group, chosen[person_id].zone) for (person_id, _), group in threads.items()
    ]
    with transaction.atomic():
        Notification.objects.filter(pk__in=done).update(email_after=None)
        for moment, ids in later.items():
            Notification.objects.filter(pk__in=ids).update(email_after=moment)
        mail.queue(emails)
    return len(emails)


def _items(group: list[Notification]) -> list[dict[str, object]]:
    """What each notification of a thread says, each line once: a conversation's mention and
    its new-message notification quote the same unread messages."""
    seen: set[tuple[str, str, dt.datetime]] = set()
    items: list[dict[str, object]] = []
    for row in group:
        said = lines_of(row)
        fresh = [line for line in said if (line.author, line.text, line.at) not in seen]
        seen.update((line.author, line.text, line.at) for line in fresh)
        if fresh or not said:
            items.append({"text": queries.notification_text(row), "lines": fresh})
    return items


def _missed_email(group: list[Notification], zone: zoneinfo.ZoneInfo) -> mail.Email:
    group.sort(key=lambda row: (row.updated_at, row.pk))
    newest = group[-1]
    person: User = newest.recipient
    escalation = newest.kind == NotificationKind.ANNOUNCEMENT_REMINDER
    what = "all" if escalation else "missed"
    context = {
        "person": person,
        "site_name": settings.SITE_NAME,
        "reason": reason(newest),
        "title": queries.notification_text(newest),
        "items": _items(group),
        "url": mail.site_url(reverse("notifications:open", args=[newest.pk])),
        "settings_url": mail.site_url(reverse("notifications:settings")),
        "unsubscribe_url": unsubscribe_url(person.pk, what),
        "unsubscribe_what": UNSUBSCRIBE_LISTS[what],
    }
    answer = "" if escalation else reply_to(newest)
    context["reply_by_email"] = bool(answer)
    with timezone.override(zone):
        text, html = mail.render("notifications/email/missed", context)
    subject = (
        f"Must-read: {queries.notification_text(newest)}"
        if escalation
        else (
            queries.notification_text(newest)
            if len(group) == 1
            else f"{len(group)} updates: {reason(newest)}"
        )
    )
    return mail.Email(
        to=person.email,
        subject=f"[{settings.SITE_NAME}] {subject}",
        text=text,
        html=html,
        kind="escalation" if escalation else "missed",
        person_id=person.pk,
        headers=list_headers(person.pk, what),
        reply_to=answer,
    )
