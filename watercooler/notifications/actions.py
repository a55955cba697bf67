"""Writes of notifications: creating them (called by ``receivers.py`` on the feed's signals),
folding reactions into one row, removing them with deleted content, and marking them read.

Every creation is followed, once the transaction commits, by a ``notification.created`` event to
the recipient (see ``events.py``). Nobody is ever notified about their own doing, and deactivated
people get nothing.
"""

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.http import Http404
from django.utils import timezone

from watercooler.communities.models import Community
from watercooler.core.errors import FieldErrors
from watercooler.core.policy import check_active
from watercooler.feed.models import Post, Reaction, Reply, Topic
from watercooler.feed.queries import can_see_post, people_who_can_see
from watercooler.notifications import events, push, queries
from watercooler.notifications.models import (
    Mute,
    Notification,
    NotificationKind,
    NotificationPreferences,
)
from watercooler.notifications.policy import (
    CHANNEL_KEYS,
    PAUSE_KEYS,
    TOPIC_KEYS,
    TOPIC_OF_KIND,
    Digest,
    pause_end,
)
from watercooler.notifications.schemas import notification_dict
from watercooler.people.models import User

# Ids per IN (...) list: well under every database's limit on bound parameters.
CHUNK = 900


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _active(ids: Iterable[int]) -> list[int]:
    wanted = sorted(set(ids))
    active: list[int] = []
    for chunk in _chunks(wanted):
        active.extend(
            User.objects.filter(pk__in=chunk, is_active=True).values_list("pk", flat=True)
        )
    return sorted(active)


def _unread_counts(recipient_ids: Sequence[int]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for chunk in _chunks(sorted(set(recipient_ids))):
        counts.update(
            Notification.objects.filter(recipient_id__in=chunk, read_at__isnull=True)
            .values_list("recipient_id")
            .annotate(n=Count("id"))
            .values_list("recipient_id", "n")
        )
    return counts


def _announce(rows: Sequence[Notification]) -> None:
    """Queue ``notification.created`` for each row (one COUNT query for all recipients), and
    their push to devices (``push.queue_push``: a task, after the commit)."""
    push.queue_push(rows)
    counts = _unread_counts([row.recipient_id for row in rows])
    for row in rows:
        events.send_created(
            row.recipient_id, notification_dict(row), counts.get(row.recipient_id, 0)
        )


def _email_after(kind: str, now: dt.datetime) -> dt.datetime | None:
    """When a ``kind`` notification made ``now`` is emailed if still unread: a must-read's
    reminder at once (the escalation), others after the missed-activity delay. Whether the
    person wants it emailed is asked only then, in bulk (``email.send_missed_activity``)."""
    if kind == NotificationKind.ANNOUNCEMENT_REMINDER:
        return now
    if kind in TOPIC_OF_KIND:
        return now + dt.timedelta(minutes=settings.MISSED_ACTIVITY_EMAIL_MINUTES)
    return None


def do_notify(
    *,
    kind: str,
    recipient_ids: Iterable[int],
    actor: User | None,
    post: Post | None = None,
    reply: Reply | None = None,
    community: Any = None,
    event: Any = None,
    group_key: str = "",
    subject: str = "",
    link: str = "",
) -> list[Notification]:
    """Create one ``kind`` notification for each recipient with one INSERT (per 900 people).

    The caller has checked that every recipient may see ``post`` (``community``, ``event``). The actor and deactivated
    people are left out here. Returns the new rows.
    """
    ids = set(recipient_ids)
    if actor is not None:
        ids.discard(actor.pk)
    ids -= queries.left_out(ids, kind, post=post)
    recipients = _active(ids)
    if not recipients:
        return []
    now = timezone.now()
    email_after = _email_after(kind, now)
    rows = [
        Notification(
            recipient_id=recipient_id,
            kind=kind,
            actor=actor,
            post=post,
            reply=reply,
            community=community,
            event=event,
            group_key=group_key,
            subject=subject[:200],
            link=link[:300],
            created_at=now,
            updated_at=now,
            email_after=email_after,
        )
        for recipient_id in recipients
    ]
    with transaction.atomic():
        Notification.objects.bulk_create(rows, batch_size=CHUNK)
        _announce(rows)
    return rows


def _reactor_count(target: Post | Reply, author_id: int, since: dt.datetime) -> int:
    """Distinct people (not the author) who reacted to ``target`` since ``since``: reacting
    twice, or with two kinds, still counts once in "Ana and 4 others"."""
    reactions = Reaction.objects.filter(created_at__gte=since).exclude(user_id=author_id)
    reactions = (
        reactions.filter(reply_id=target.pk)
        if isinstance(target, Reply)
        else reactions.filter(post_id=target.pk, reply__isnull=True)
    )
    return reactions.values("user_id").distinct().count()


def do_notify_reaction(*, reaction: Reaction) -> Notification | None:
    """Tell the author of what was reacted to, folding into their unread row for the same post
    or reply ("Ana Silva and 4 others reacted to your post"): the newest reactor becomes the
    actor and the row moves back to the top. Once that row is read, the next reaction starts a
    new one. Returns the row created or updated, or None when nobody is to be told."""
    reply = reaction.reply
    post = reply.post if reply is not None else reaction.post
    if post is None:
        return None
    target: Post | Reply = reply if reply is not None else post
    recipient = target.author
    if (
        reaction.user_id == recipient.pk
        or not recipient.is_active
        or queries.left_out([recipient.pk], NotificationKind.REACTION, post=post)
        or post.deleted_at is not None
        or (reply is not None and reply.deleted_at is not None)
    ):
        return None
    key = f"reaction:{'reply' if reply is not None else 'post'}:{target.pk}"
    # Two reactions at once both find no unread row; the partial unique constraint lets only one
    # insert, and the other retries and folds into it.
    for attempt in range(3):
        try:
            with transaction.atomic():
                return _fold_reaction(reaction, recipient, post, reply, target, key)
        except IntegrityError:
            if attempt == 2:
                raise
    return None  # pragma: no cover - the loop returns or raises


def _fold_reaction(
    reaction: Reaction,
    recipient: User,
    post: Post,
    reply: Reply | None,
    target: Post | Reply,
    key: str,
) -> Notification:
    now = timezone.now()
    row = (
        Notification.objects.select_for_update()
        .filter(recipient_id=recipient.pk, group_key=key, read_at__isnull=True)
        .first()
    )
    if row is None:
        # The row starts at the reaction, so the reactor counts among "since this row began".
        started = min(reaction.created_at, now)
        row = Notification.objects.create(
            recipient=recipient,
            kind=NotificationKind.REACTION,
            actor=reaction.user,
            actor_count=1,
            post=post,
            reply=reply,
            group_key=key,
            created_at=started,
            updated_at=now,
            email_after=_email_after(NotificationKind.REACTION, now),
        )
    else:
        row.actor = reaction.user
        row.actor_count = max(1, _reactor_count(target, recipient.pk, row.created_at))
        row.updated_at = now
        row.save(update_fields=["actor", "actor_count", "updated_at"])
        row.post, row.reply = post, reply
    _announce([row])
    return row


def do_notify_follow(*, follower: User, followee: User) -> Notification | None:
    """Tell ``followee`` about a new follower. Following, unfollowing and following again before
    it is read refreshes the one unread row instead of adding another."""
    if follower.pk == followee.pk or not followee.is_active:
        return None
    if queries.left_out([followee.pk], NotificationKind.FOLLOW):
        return None
    key = f"follow:{follower.pk}"
    for attempt in range(3):
        try:
            with transaction.atomic():
                now = timezone.now()
                row = (
                    Notification.objects.select_for_update()
                    .filter(recipient_id=followee.pk, group_key=key, read_at__isnull=True)
                    .first()
                )
                if row is None:
                    row = Notification.objects.create(
                        recipient=followee,
                        kind=NotificationKind.FOLLOW,
                        actor=follower,
                        group_key=key,
                        created_at=now,
                        updated_at=now,
                        email_after=_email_after(NotificationKind.FOLLOW, now),
                    )
                else:
                    row.updated_at = now
                    row.save(update_fields=["updated_at"])
                    row.actor = follower
                _announce([row])
                return row
        except IntegrityError:
            if attempt == 2:
                raise
    return None  # pragma: no cover


def do_notify_post_mentions(*, post: Post, mentioned: Iterable[User]) -> list[Notification]:
    """MENTION to each person in ``mentioned``: the feed's ``post_created`` and ``post_updated``
    signals list only people who may see the post (checked in the transaction that wrote it,
    ``feed.actions._who_can_see``), so that is not asked again on the posting request's path;
    ``do_notify`` still leaves out the author and anyone deactivated since."""
    return do_notify(
        kind=NotificationKind.MENTION,
        recipient_ids={person.pk for person in mentioned},
        actor=post.author,
        post=post,
    )


def do_notify_reply(*, reply: Reply, mentioned: Iterable[User]) -> list[Notification]:
    """One notification per person about a new reply, the most specific kind winning: REPLY to
    the post's author, MENTION to people mentioned, THREAD_REPLY to the author of the reply it
    answers and to everyone else who replied in the thread. Never to the replier, and only to
    people who may see the post."""
    post = reply.post
    replier = reply.author_id
    participants = set(
        Reply.objects.filter(post_id=post.pk, deleted_at__isnull=True)
        .exclude(author_id=replier)
        .values_list("author_id", flat=True)
        .distinct()
    )
    if reply.parent_id is not None and reply.parent is not None:
        participants.add(reply.parent.author_id)
    mentioned_ids = {person.pk for person in mentioned}
    everyone = ({post.author_id} | mentioned_ids | participants) - {replier}
    visible = people_who_can_see(post, everyone)
    to_author = visible & {post.author_id}
    to_mentioned = (visible & mentioned_ids) - to_author
    to_thread = visible - to_author - to_mentioned
    author = reply.author
    return [
        *do_notify(
            kind=NotificationKind.REPLY,
            recipient_ids=to_author,
            actor=author,
            post=post,
            reply=reply,
        ),
        *do_notify(
            kind=NotificationKind.MENTION,
            recipient_ids=to_mentioned,
            actor=author,
            post=post,
            reply=reply,
        ),
        *do_notify(
            kind=NotificationKind.THREAD_REPLY,
            recipient_ids=to_thread,
            actor=author,
            post=post,
            reply=reply,
        ),
    ]


def do_notify_announcement(
    *, kind: str, announcement_post: Post, recipient_ids: Iterable[int]
) -> list[Notification]:
    """ANNOUNCEMENT or ANNOUNCEMENT_REMINDER to the announcement's resolved audience, in bulk
    (the feed resolved who it is for; the author is left out)."""
    return do_notify(
        kind=kind,
        recipient_ids=recipient_ids,
        actor=announcement_post.author,
        post=announcement_post,
    )


def do_forget_post(*, post_id: int) -> int:
    """Remove every notification about a deleted post (and its replies): deleted content
    vanishes from notifications. Returns how many went."""
    deleted, _ = Notification.objects.filter(post_id=post_id).delete()
    return deleted


def do_forget_reply(*, reply_id: int) -> int:
    """Remove every notification about a deleted reply."""
    deleted, _ = Notification.objects.filter(reply_id=reply_id).delete()
    return deleted


def do_notify_message(
    *,
    actor: User,
    recipient_ids: Iterable[int],
    mentioned_ids: Iterable[int],
    conversation_id: int,
    subject: str,
    link: str,
) -> list[Notification]:
    """A new message in a conversation (the caller left out who muted it): MESSAGE_MENTION to
    the people it mentions, MESSAGE to the rest who have no unread one for this conversation
    yet. A busy conversation is one line in the list until it is read, not one per message,
    and a message to people already told costs one query."""
    mentioned = set(mentioned_ids) & set(recipient_ids)
    rows = do_notify(
        kind=NotificationKind.MESSAGE_MENTION,
        recipient_ids=mentioned,
        actor=actor,
        subject=subject,
        link=link,
    )
    key = f"message:{conversation_id}"
    rest = sorted(set(recipient_ids) - mentioned - {actor.pk})
    told: set[int] = set()
    for chunk in _chunks(rest):
        told.update(
            Notification.objects.filter(
                recipient_id__in=chunk, group_key=key, read_at__isnull=True
            ).values_list("recipient_id", flat=True)
        )
    fresh = [pk for pk in rest if pk not in told]
    try:
        with transaction.atomic():
            rows += do_notify(
                kind=NotificationKind.MESSAGE,
                recipient_ids=fresh,
                actor=actor,
                group_key=key,
                subject=subject,
                link=link,
            )
    except IntegrityError:
        # Another message in the same conversation told some of them a moment earlier (the
        # partial unique constraint on unread group keys): they are told already.
        pass
    return rows


def _check_topic_choices(errors: FieldErrors, field: str, value: Any) -> None:
    if not isinstance(value, dict):
        errors.add(field, 'Give each topic\'s choice, e.g. {"reactions": false}.')
        return
    for key, on in value.items():
        if key not in TOPIC_OF_KIND.values():
            errors.add(field, f"{key!r} is not a topic: choose from {', '.join(TOPIC_KEYS)}.")
        elif not isinstance(on, bool):
            errors.add(field, f"{key} must be true or false.")


def _check_time_zone(errors: FieldErrors, value: Any) -> None:
    if not isinstance(value, str) or (value and value not in zoneinfo.available_timezones()):
        errors.add(
            "time_zone", "Choose a time zone such as Europe/Paris, or none to follow your location."
        )


def do_change_notification_settings(
    *, user: User, changes: dict[str, Any]
) -> queries.NotificationSettings:
    """Change what reaches ``user`` and when. ``changes`` holds any of: ``in_app``, ``email``,
    ``push`` (each ``{topic: bool}``; topics not named keep their choice), ``quiet_start`` and
    ``quiet_end`` (times, both or neither: None turns quiet hours off), ``time_zone`` (a zone
    name, "" to follow their location), ``pause`` (``policy.PAUSE_KEYS``, or "off"),
    ``digest`` (``policy.Digest.KEYS``) and ``digest_only``. All checked before anything is
    written; returns the settings as they now are."""
    check_active(user)
    errors = FieldErrors()
    for channel in CHANNEL_KEYS:
        if channel in changes:
            _check_topic_choices(errors, channel, changes[channel])
    if "time_zone" in changes:
        _check_time_zone(errors, changes["time_zone"])
    quiet = [changes.get("quiet_start"), changes.get("quiet_end")]
    if ("quiet_start" in changes or "quiet_end" in changes) and (
        (quiet[0] is None) != (quiet[1] is None)
        or not all(isinstance(t, dt.time) or t is None for t in quiet)
    ):
        errors.add("quiet_hours", "Give both the start and the end of quiet hours, or neither.")
    elif quiet[0] is not None and quiet[0] == quiet[1]:
        errors.add("quiet_hours", "Quiet hours must start and end at different times.")
    if "pause" in changes and changes["pause"] not in (*PAUSE_KEYS, "off"):
        errors.add("pause", f"Choose one of {', '.join((*PAUSE_KEYS, 'off'))}.")
    if "digest" in changes and changes["digest"] not in Digest.KEYS:
        errors.add("digest", f"Choose one of {', '.join(Digest.KEYS)}.")
    if "digest_only" in changes and not isinstance(changes["digest_only"], bool):
        errors.add("digest_only", "Must be true or false.")
    errors.raise_if_any()
    with transaction.atomic():
        row, _ = NotificationPreferences.objects.select_for_update().get_or_create(
            person_id=user.pk
        )
        for channel in CHANNEL_KEYS:
            if channel in changes:
                setattr(row, channel, {**getattr(row, channel), **changes[channel]})
        if "quiet_start" in changes or "quiet_end" in changes:
            row.quiet_start, row.quiet_end = quiet
        if "time_zone" in changes:
            row.time_zone = changes["time_zone"]
        if "digest" in changes:
            row.digest = changes["digest"]
        if "digest_only" in changes:
            row.digest_only = changes["digest_only"]
        if "pause" in changes:
            if changes["pause"] == "off":
                row.paused_until = None
            else:
                zone = queries.settings_from(row, queries.location_zone(user)).zone
                row.paused_until = pause_end(changes["pause"], timezone.now().astimezone(zone))
        row.save()
    return queries.notification_settings(user)


def do_unsubscribe(*, person_id: int, what: str) -> None:
    """Stop one kind of email for a person, from a signed link in an email (no sign-in):
    ``missed`` turns every topic's email off, ``digest`` the digest, ``all`` every email."""
    with transaction.atomic():
        row, _ = NotificationPreferences.objects.select_for_update().get_or_create(
            person_id=person_id
        )
        if what in ("missed", "all"):
            row.email = dict.fromkeys(TOPIC_KEYS, False)
        if what in ("digest", "all"):
            row.digest = Digest.OFF
        if what == "all":
            row.no_email = True
        row.save()


def do_mute(
    *,
    user: User,
    community: Community | None = None,
    topic: Topic | None = None,
    post: Post | None = None,
) -> Mute:
    """Mute one thing ``user`` may see (the caller loaded it through its ``access_*`` helper);
    muting it again returns the same mute."""
    check_active(user)
    if [community, topic, post].count(None) != 2:
        raise ValidationError({"mute": "Mute one community, topic or thread at a time."})
    if post is not None and not can_see_post(user, post):
        raise Http404("No such post.")
    mute, _ = Mute.objects.get_or_create(person=user, community=community, topic=topic, post=post)
    return mute


def do_unmute_thing(
    *,
    user: User,
    community: Community | None = None,
    topic: Topic | None = None,
    post: Post | None = None,
) -> None:
    """End ``user``'s mute of one thing, if there is one."""
    Mute.objects.filter(person_id=user.pk, community=community, topic=topic, post=post).delete()


def do_unmute(*, user: User, mute_id: int) -> None:
    """End one of ``user``'s own mutes; anyone else's is 404."""
    deleted, _ = Mute.objects.filter(pk=mute_id, person_id=user.pk).delete()
    if not deleted:
        raise Http404("No such mute.")


def do_mark_group_read(*, user: User, group_key: str) -> None:
    """Mark ``user``'s unread notification of ``group_key`` read (a conversation they read)."""
    Notification.objects.filter(
        recipient_id=user.pk, group_key=group_key, read_at__isnull=True
    ).update(read_at=timezone.now())


def do_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark ``user``'s notifications read: those in ``ids`` (other people's ids are ignored,
    never touched), or all of them when ``ids`` is None. Returns the new unread count."""
    unread = Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True)
    now = timezone.now()
    if ids is None:
        unread.update(read_at=now)
    else:
        wanted = sorted(set(ids))
        for chunk in _chunks(wanted):
            unread.filter(pk__in=chunk).update(read_at=now)
    return queries.unread_count(user)
