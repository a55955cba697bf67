"""Messaging's writes: starting a conversation (one per pair of people for a direct one),
sending, editing, deleting and reacting to messages, read positions, and a conversation's
people, title, mute and archive; typing, presence heartbeats, blocks and a person's messaging
preferences. Each checks permission through ``policy``, keeps every seat's unread count right in
the same transaction, and tells the people in the conversation (``events.py``) once it commits."""

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from watercooler.core.errors import FieldErrors, raise_field
from watercooler.core.inputs import text_field
from watercooler.core.markdown import render_markdown
from watercooler.core.media import delete_stored_files
from watercooler.core.policy import check_active
from watercooler.feed.actions import topic_url
from watercooler.feed.attachments import CheckedFile, check_alt_text, check_upload, save_checked
from watercooler.feed.models import ReactionKind
from watercooler.messaging import events, policy, queries
from watercooler.messaging.models import (
    PRESENT,
    Block,
    Conversation,
    Heartbeat,
    Message,
    MessageAttachment,
    MessageReaction,
    Preferences,
    PresenceAnnounced,
    PresenceStatus,
    Seat,
)
from watercooler.messaging.schemas import message_data
from watercooler.notifications.actions import do_mark_group_read, do_notify_message
from watercooler.people.models import User
from watercooler.people.schemas import person_ref

BODY_LENGTH = 10_000
TITLE_LENGTH = 120


def _direct_key(a: int, b: int) -> str:
    low, high = sorted((a, b))
    return f"{low}:{high}"


def _people(errors: FieldErrors, actor: User, usernames: Any, field: str) -> list[User]:
    """The people named by ``usernames`` (a list of usernames, the actor left out), each one
    someone ``actor`` may message; problems go to ``errors`` under ``field``."""
    if not isinstance(usernames, list) or not all(isinstance(u, str) for u in usernames):
        errors.add(field, "Give a list of usernames.")
        return []
    wanted = list(dict.fromkeys(u.strip() for u in usernames if u.strip() != actor.username))
    if not wanted:
        errors.add(field, "Name at least one other person.")
        return []
    if len(wanted) >= policy.size_limit():
        errors.add(field, f"A conversation holds at most {policy.size_limit()} people.")
        return []
    found = {p.username: p for p in User.objects.filter(username__in=wanted, is_active=True)}
    unknown = [u for u in wanted if u not in found]
    if unknown:
        errors.add(field, f"No one is called {', '.join(unknown[:5])}.")
        return []
    people = [found[u] for u in wanted]
    refused = policy.check_can_message(actor, people)
    if refused:
        names = ", ".join(p.display_name for p in refused[:5])
        errors.add(field, f"You can't message {names}.")
        return []
    return people


def direct_conversation(key: str) -> Conversation | None:
    return Conversation.objects.filter(direct_key=key).first()


def do_start_conversation(
    *, actor: User, usernames: Any, title: Any = None
) -> tuple[Conversation, bool]:
    """A new conversation of ``actor`` and the people named, or — for exactly one other
    person — the one they already share. Returns (conversation, created)."""
    check_active(actor)
    errors = FieldErrors()
    people = _people(errors, actor, usernames, "participants")
    name = text_field(errors, {"title": title}, "title", limit=TITLE_LENGTH, one_line=True)
    errors.raise_if_any()
    if len(people) == 1:
        if name:
            errors.add("title", "A conversation between two people has no title.")
            errors.raise_if_any()
        key = _direct_key(actor.pk, people[0].pk)
        existing = direct_conversation(key)
        if existing is not None:
            return existing, False
        try:
            with transaction.atomic():
                return _create(actor, people, title="", direct_key=key), True
        except IntegrityError:
            # Both started it at the same moment: the other request's conversation stands.
            return Conversation.objects.get(direct_key=key), False
    with transaction.atomic():
        return _create(actor, people, title=name, direct_key=None), True


def _create(
    actor: User, people: Sequence[User], *, title: str, direct_key: str | None
) -> Conversation:
    now = timezone.now()
    conversation = Conversation.objects.create(
        title=title, direct_key=direct_key, created_by=actor, created_at=now
    )
    Seat.objects.bulk_create(
        [
            Seat(
                conversation=conversation,
                person=actor,
                is_admin=True,
                joined_at=now,
                last_activity_at=now,
            )
        ]
        + [
            Seat(conversation=conversation, person=p, joined_at=now, last_activity_at=now)
            for p in people
        ]
    )
    return conversation


def _blocked_in_direct(actor: User, conversation: Conversation) -> bool:
    if not conversation.is_direct:
        return False
    others = Seat.objects.filter(conversation=conversation).exclude(person=actor)
    return Block.objects.filter(blocker__in=others.values("person"), blocked=actor).exists()


def _present(conversation_id: int) -> dict[str, tuple[int, bool]]:
    """The people in the conversation now: {username: (id, muted)}."""
    rows = Seat.objects.filter(PRESENT, conversation_id=conversation_id).values_list(
        "person__username", "person_id", "muted"
    )
    return {username: (pk, muted) for username, pk, muted in rows}


def _render(body: str, present: dict[str, tuple[int, bool]]) -> tuple[str, list[str]]:
    """The message's HTML, and the usernames it mentions (only people in the conversation)."""

    def mention_url(username: str) -> str | None:
        return f"/people/{username}/" if username in present else None

    html, mentions, _ = render_markdown(body, mention_url=mention_url, topic_url=topic_url)
    return html, mentions


def _everyone(present: dict[str, tuple[int, bool]]) -> list[int]:
    return [pk for pk, _ in present.values()]


def _subject(conversation: Conversation) -> str:
    """How a notification names the conversation: a group's title (a direct one, or an untitled
    group, is named by who wrote)."""
    return "" if conversation.is_direct else conversation.title


def _body(data: dict[str, Any], *, required: bool = True) -> str:
    errors = FieldErrors()
    body = text_field(errors, data, "body", limit=BODY_LENGTH, required=required)
    errors.raise_if_any()
    return body


Upload = tuple[UploadedFile[bytes], str]


def _checked_uploads(uploads: Sequence[Upload]) -> list[tuple[CheckedFile, str]]:
    """Every file checked (and every description) before anything is written: one refused
    file sends nothing."""
    if len(uploads) > settings.ATTACHMENT_MAX_PER_POST:
        raise_field("file", f"A message has at most {settings.ATTACHMENT_MAX_PER_POST} files.")
    checked = []
    for upload, alt_text in uploads:
        upload.seek(0)
        checked.append((check_upload(upload), check_alt_text(alt_text)))
    return checked


def _attach(message: Message, files: list[tuple[CheckedFile, str]]) -> None:
    for position, (checked, alt_text) in enumerate(files):
        attachment = MessageAttachment(message=message, alt_text=alt_text, position=position)
        save_checked(attachment, checked)


def do_send_message(
    *,
    actor: User,
    seat: Seat,
    body: Any,
    reply_to: Any = None,
    uploads: Sequence[Upload] = (),
    now: dt.datetime | None = None,
) -> Message:
    """A new message from ``actor`` (whose seat ``seat`` is) in its conversation, with pictures
    and files checked as post attachments are (the text may then be empty)."""
    check_active(actor)
    policy.check_can_write(seat)
    text = _body({"body": body}, required=not uploads)
    files = _checked_uploads(uploads)
    conversation = seat.conversation
    if _blocked_in_direct(actor, conversation):
        raise PermissionDenied("You can't message this person.")
    quoted = None
    if reply_to is not None:
        if not isinstance(reply_to, int) or isinstance(reply_to, bool):
            raise_field("reply_to", "Give the id of a message in this conversation.")
        quoted = queries.readable_messages(seat).filter(pk=reply_to).first()
        if quoted is None:
            raise_field("reply_to", "No such message in this conversation.")
    now = now or timezone.now()
    present = _present(conversation.pk)
    html, mentions = _render(text, present)
    with transaction.atomic():
        message = Message.objects.create(
            conversation=conversation,
            author=actor,
            body=text,
            body_html=html,
            reply_to=quoted,
            created_at=now,
        )
        _attach(message, files)
        Conversation.objects.filter(pk=conversation.pk).update(last_message=message)
        seats = Seat.objects.filter(PRESENT, conversation=conversation)
        seats.exclude(person=actor).update(last_activity_at=now, unread_count=F("unread_count") + 1)
        seats.filter(person=actor).update(
            last_activity_at=now, last_read_id=message.pk, unread_count=0, archived=False
        )
        events.send_to(
            _everyone(present),
            events.MessageCreated(
                conversation_id=conversation.pk,
                message=events.message_payload(message_data(message)),
            ),
        )
        do_notify_message(
            actor=actor,
            recipient_ids=[pk for pk, muted in present.values() if not muted],
            mentioned_ids=[present[name][0] for name in mentions],
            conversation_id=conversation.pk,
            subject=_subject(conversation),
            link=f"/messages/{conversation.pk}/",
        )
    return message


def check_author(actor: User, message: Message) -> None:
    check_active(actor)
    if message.author_id != actor.pk:
        raise PermissionDenied("Only its author can change a message.")
    if message.deleted_at is not None:
        raise_field("body", "This message was deleted.")


def do_edit_message(*, actor: User, seat: Seat, message: Message, body: Any) -> Message:
    check_author(actor, message)
    policy.check_can_write(seat)
    text = _body({"body": body})
    present = _present(message.conversation_id)
    message.body = text
    message.body_html, _ = _render(text, present)
    message.edited_at = timezone.now()
    with transaction.atomic():
        message.save(update_fields=["body", "body_html", "edited_at"])
        events.send_to(
            _everyone(present),
            events.MessageUpdated(
                conversation_id=message.conversation_id,
                message=events.message_payload(message_data(message)),
            ),
        )
    return message


def do_delete_message(*, actor: User, seat: Seat, message: Message) -> Message:
    """A tombstone: the text and files are removed, the row stays. People who had not read it
    yet have one unread message fewer."""
    check_author(actor, message)
    with transaction.atomic():
        message.body = ""
        message.body_html = ""
        message.deleted_at = timezone.now()
        message.save(update_fields=["body", "body_html", "deleted_at"])
        attachments = MessageAttachment.objects.filter(message=message)
        files = [name for a in attachments for name in (a.file.name, a.thumbnail.name)]
        attachments.delete()
        transaction.on_commit(lambda: delete_stored_files(files))
        # Read again: what the caller loaded (its files among them) is gone.
        message = Message.objects.select_related("author", "reply_to__author").get(pk=message.pk)
        Seat.objects.filter(
            PRESENT,
            conversation_id=message.conversation_id,
            last_read_id__lt=message.pk,
            unread_count__gt=0,
        ).exclude(person=actor).update(unread_count=F("unread_count") - 1)
        events.send_to(
            _everyone(_present(message.conversation_id)),
            events.MessageDeleted(
                conversation_id=message.conversation_id,
                message=events.message_payload(message_data(message)),
            ),
        )
    return message


def do_react(*, actor: User, seat: Seat, message: Message, kind: Any, on: bool) -> Message:
    check_active(actor)
    policy.check_can_write(seat)
    if kind not in ReactionKind.values:
        raise_field("kind", f"Choose one of {', '.join(ReactionKind.values)}.")
    if message.deleted_at is not None:
        raise_field("message", "This message was deleted.")
    with transaction.atomic():
        if on:
            MessageReaction.objects.get_or_create(message=message, person=actor, kind=kind)
        else:
            MessageReaction.objects.filter(message=message, person=actor, kind=kind).delete()
        counts = Counter(
            MessageReaction.objects.filter(message=message).values_list("kind", flat=True)
        )
        message.reaction_summary = dict(sorted(counts.items()))
        message.save(update_fields=["reaction_summary"])
        events.send_to(
            _everyone(_present(message.conversation_id)),
            events.MessageReactionChanged(
                conversation_id=message.conversation_id,
                message_id=message.pk,
                reactions=message.reaction_summary,
            ),
        )
    return message


def unread_after(seat: Seat, position: int) -> int:
    """Messages by others after ``position`` that ``seat`` may read and that are not deleted."""
    readable = queries.readable_messages(seat)
    return (
        readable.filter(pk__gt=position, deleted_at__isnull=True)
        .exclude(author_id=seat.person_id)
        .count()
    )


def do_read(*, actor: User, seat: Seat, up_to: Any) -> Seat:
    """Read up to message ``up_to`` (a read position never moves back)."""
    check_active(actor)
    if not isinstance(up_to, int) or isinstance(up_to, bool):
        raise_field("up_to", "Give the id of a message in this conversation.")
    if not queries.readable_messages(seat).filter(pk=up_to).exists():
        raise_field("up_to", "No such message in this conversation.")
    with transaction.atomic():
        seat = Seat.objects.select_for_update().get(pk=seat.pk)
        if up_to > seat.last_read_id:
            seat.last_read_id = up_to
            seat.unread_count = unread_after(seat, up_to)
            seat.save(update_fields=["last_read_id", "unread_count"])
            if seat.unread_count == 0:
                do_mark_group_read(user=actor, group_key=f"message:{seat.conversation_id}")
            _tell_read(actor, seat)
    return seat


def _tell_read(actor: User, seat: Seat) -> None:
    """The reader's other tabs learn their new position and unread count; the others see it as
    "seen by" when the reader shares read receipts, the group is small, and they share theirs."""
    read = partial(
        events.ConversationRead,
        conversation_id=seat.conversation_id,
        person=actor.username,
        last_read_id=seat.last_read_id,
    )
    events.send_to([actor.pk], read(unread_count=seat.unread_count))
    everyone = _everyone(_present(seat.conversation_id))
    if len(everyone) > policy.SEEN_BY_LIMIT:
        return
    off = queries.receipts_off(everyone)
    if actor.pk not in off:
        others = [pk for pk in everyone if pk != actor.pk and pk not in off]
        events.send_to(others, read(unread_count=None))


def do_change_conversation(*, actor: User, seat: Seat, data: dict[str, Any]) -> Seat:
    """The title (a group's admins), and the actor's own mute and archive."""
    check_active(actor)
    errors = FieldErrors()
    changed: list[str] = []
    for flag in ("muted", "archived"):
        if flag in data:
            if not isinstance(data[flag], bool):
                errors.add(flag, "Must be true or false.")
            else:
                setattr(seat, flag, data[flag])
                changed.append(flag)
    title = None
    if "title" in data:
        title = text_field(errors, data, "title", limit=TITLE_LENGTH, one_line=True)
        if seat.conversation.is_direct:
            errors.add("title", "A conversation between two people has no title.")
        elif not policy.can_manage(seat):
            raise PermissionDenied("Only the conversation's admins can change its title.")
    errors.raise_if_any()
    with transaction.atomic():
        if changed:
            seat.save(update_fields=changed)
        if title is not None:
            seat.conversation.title = title
            seat.conversation.save(update_fields=["title"])
    return seat


def _check_group_admin(seat: Seat) -> None:
    if seat.conversation.is_direct:
        raise_field("participants", "Start a group conversation to talk with more people.")
    if not policy.can_manage(seat):
        raise PermissionDenied("Only the conversation's admins can change who is in it.")


def do_add_people(*, actor: User, seat: Seat, usernames: Any) -> list[Seat]:
    check_active(actor)
    _check_group_admin(seat)
    errors = FieldErrors()
    people = _people(errors, actor, usernames, "participants")
    errors.raise_if_any()
    conversation = seat.conversation
    with transaction.atomic():
        seats = {
            s.person_id: s
            for s in Seat.objects.select_for_update().filter(conversation=conversation)
        }
        present = sum(1 for s in seats.values() if s.left_at is None)
        joining = [p for p in people if p.pk not in seats or seats[p.pk].left_at is not None]
        if present + len(joining) > policy.size_limit():
            raise_field(
                "participants", f"A conversation holds at most {policy.size_limit()} people."
            )
        now = timezone.now()
        latest = _latest_id(conversation)
        added = []
        for person in joining:
            # They read from now on; someone who comes back loses what they saw before (one
            # seat per person, and what was said while they were away stays unread by them).
            Seat.objects.filter(conversation=conversation, person=person).delete()
            added.append(
                Seat.objects.create(
                    conversation=conversation,
                    person=person,
                    joined_at=now,
                    last_activity_at=now,
                    first_visible_id=latest,
                    last_read_id=latest,
                )
            )
    return added


def _latest_id(conversation: Conversation) -> int:
    latest = Message.objects.filter(conversation=conversation).order_by("-pk").first()
    return latest.pk if latest else 0


def do_remove_person(*, actor: User, seat: Seat, username: Any) -> Seat:
    """Remove someone (an admin), or leave (anyone, naming themselves). They keep what was
    said until now."""
    check_active(actor)
    policy.check_can_write(seat)
    if seat.conversation.is_direct:
        raise_field("username", "A conversation between two people can be archived, not left.")
    leaving = username == actor.username
    if not leaving and not policy.can_manage(seat):
        raise PermissionDenied("Only the conversation's admins can remove people.")
    target = (
        Seat.objects.filter(
            PRESENT, conversation=seat.conversation, person__username=username
        ).first()
        if isinstance(username, str)
        else None
    )
    if target is None:
        raise_field("username", "This person is not in the conversation.")
    target.left_at = timezone.now()
    target.last_visible_id = _latest_id(seat.conversation)
    target.is_admin = False
    target.save(update_fields=["left_at", "last_visible_id", "is_admin"])
    return target


def do_make_admin(*, actor: User, seat: Seat, username: Any, on: bool) -> Seat:
    """A group's admin makes someone in it an admin too (or no longer one). A group keeps at
    least one admin."""
    check_active(actor)
    _check_group_admin(seat)
    with transaction.atomic():
        seats = Seat.objects.select_for_update().filter(PRESENT, conversation=seat.conversation)
        target = (
            seats.filter(person__username=username).first() if isinstance(username, str) else None
        )
        if target is None:
            raise_field("username", "This person is not in the conversation.")
        if not on and target.is_admin and seats.filter(is_admin=True).count() == 1:
            raise_field("username", "A group needs at least one admin.")
        target.is_admin = on
        target.save(update_fields=["is_admin"])
    return target


def do_remove_people(*, actor: User, seat: Seat, usernames: Sequence[str]) -> None:
    """``do_remove_person`` for each of ``usernames``, all or nothing."""
    if not usernames:
        raise_field("participants", "Name at least one person.")
    with transaction.atomic():
        for username in dict.fromkeys(usernames):
            do_remove_person(actor=actor, seat=seat, username=username)


# --- Typing and presence -------------------------------------------------------------------------


def do_typing(*, actor: User, conversation_id: int) -> None:
    """Tell the others in the conversation that ``actor`` is typing (nothing is stored)."""
    check_active(actor)
    seat = queries.access_seat(actor, conversation_id, people=False)
    policy.check_can_write(seat)
    others = [pk for pk in _everyone(_present(conversation_id)) if pk != actor.pk]
    events.send_to(
        others, events.ConversationTyping(conversation_id=conversation_id, person=person_ref(actor))
    )


def do_beat(
    *,
    process: str,
    active: dict[int, dt.datetime],
    gone: Sequence[int] = (),
    now: dt.datetime | None = None,
) -> None:
    """One process's heartbeat: each person in ``active`` ({id: when last active}) has a socket
    open there; the people in ``gone`` no longer do. Then everyone whose status changed is told."""
    now = now or timezone.now()
    if active:
        Heartbeat.objects.bulk_create(
            [
                Heartbeat(person_id=pk, process=process, seen_at=now, active_at=at)
                for pk, at in active.items()
            ],
            update_conflicts=True,
            unique_fields=["person", "process"],
            update_fields=["seen_at", "active_at"],
        )
    if gone:
        Heartbeat.objects.filter(process=process, person_id__in=gone).delete()
    do_announce_presence(person_ids=[*active, *gone], now=now)


def do_announce_presence(
    *, person_ids: Iterable[int] | None = None, now: dt.datetime | None = None
) -> dict[int, str]:
    """Send ``presence.changed`` for each person whose status differs from the one last sent.
    Without ``person_ids``, a sweep: everyone last announced as not offline, which finds the
    people whose heartbeats expired (a dropped socket, a crashed process), and forgets expired
    heartbeats. Each change is sent by exactly one process. Returns {id: new status}."""
    now = now or timezone.now()
    if person_ids is None:
        Heartbeat.objects.filter(
            seen_at__lt=now - dt.timedelta(seconds=policy.PRESENCE_EXPIRES_SECONDS)
        ).delete()
        person_ids = PresenceAnnounced.objects.exclude(status=PresenceStatus.OFFLINE).values_list(
            "person_id", flat=True
        )
    current = queries.presence_of(person_ids, now)
    announced = dict(
        PresenceAnnounced.objects.filter(person_id__in=current).values_list("person_id", "status")
    )
    changed: dict[int, str] = {}
    for pk, status in current.items():
        before = announced.get(pk)
        if (before or PresenceStatus.OFFLINE) == status:
            continue
        if before is None:
            try:
                with transaction.atomic():
                    PresenceAnnounced.objects.create(person_id=pk, status=status)
                won = True
            except IntegrityError:
                won = False  # another process announced it first
        else:
            won = bool(
                PresenceAnnounced.objects.filter(person_id=pk, status=before).update(status=status)
            )
        if won:
            changed[pk] = status
    names = dict(User.objects.filter(pk__in=changed).values_list("pk", "username"))
    for pk, new in changed.items():
        events.send_to(queries.companions(pk), events.PresenceChanged(person=names[pk], status=new))
    return changed


# --- Blocks and preferences ----------------------------------------------------------------------


def do_block(*, actor: User, other: User, on: bool) -> None:
    """``actor`` stops (or again allows) ``other`` messaging them."""
    policy.check_can_block(actor, other)
    if on:
        Block.objects.get_or_create(blocker=actor, blocked=other)
    else:
        Block.objects.filter(blocker=actor, blocked=other).delete()


def do_change_preferences(*, actor: User, data: dict[str, Any]) -> Preferences:
    """Read receipts and presence on or off (others are told at once when presence changes)."""
    check_active(actor)
    errors = FieldErrors()
    preferences = queries.preferences_of(actor.pk)
    for flag in ("read_receipts", "show_presence"):
        if flag in data:
            if not isinstance(data[flag], bool):
                errors.add(flag, "Must be true or false.")
            else:
                setattr(preferences, flag, data[flag])
    errors.raise_if_any()
    with transaction.atomic():
        preferences.save()
        if "show_presence" in data:
            do_announce_presence(person_ids=[actor.pk])
    return preferences
