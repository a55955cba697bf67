"""Conversations, the people in them (their seat: read position, unread count, muted,
archived, and when they left), messages and reactions to messages.

A conversation between exactly two people carries ``direct_key`` ("<lower id>:<higher id>"),
unique, so two people starting one at the same moment find the same conversation. A person who
leaves or is removed keeps their seat with ``left_at`` and ``last_visible_id``: they read what
was said until then and nothing after; someone added later reads from when they were added. A deleted message keeps its row (the thread's shape and
read positions stay right) with its text removed. A person may block another from messaging
them.

Presence is derived, never stored as a status: each process serving websockets writes a
``Heartbeat`` per person with an open socket there, and a person is online while a recent
heartbeat says they were active, away while one is fresh but idle, offline otherwise. A socket
that drops or a process that crashes simply stops beating, so no status can stick.
``PresenceAnnounced`` remembers the status last told to others, so each change is sent once.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from watercooler.feed.models import ReactionKind, StoredFile


class Conversation(models.Model):
    title = models.CharField(max_length=120, blank=True)
    direct_key = models.CharField(max_length=41, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_message = models.ForeignKey(
        "Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return self.title or f"Conversation {self.pk}"

    @property
    def is_direct(self) -> bool:
        return self.direct_key is not None


class Seat(models.Model):
    """One person's place in a conversation. ``last_activity_at`` copies the conversation's last
    message time so a person's inbox pages over one index."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="seats")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conversation_seats"
    )
    is_admin = models.BooleanField(default=False)
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)
    # What a person reads: the messages after ``first_visible_id`` (the last one when they were
    # added: people added later do not read what was said before), up to ``last_visible_id``
    # once they left.
    first_visible_id = models.PositiveBigIntegerField(default=0)
    last_visible_id = models.PositiveBigIntegerField(null=True, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now)
    last_read_id = models.PositiveBigIntegerField(default=0)
    unread_count = models.PositiveIntegerField(default=0)
    muted = models.BooleanField(default=False)
    archived = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "person"], name="messaging_seat_once")
        ]
        indexes = [
            models.Index(
                fields=["person", "-last_activity_at", "-id"],
                name="messaging_inbox_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.conversation_id}"

    @property
    def is_present(self) -> bool:
        return self.left_at is None


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # {kind: count}, kept with each reaction so a page of messages reads no reaction rows.
    reaction_summary = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["conversation", "-id"], name="messaging_thread_idx")]

    def __str__(self) -> str:
        return f"Message {self.pk} in {self.conversation_id}"


class MessageAttachment(StoredFile):
    """A picture or file sent with a message, checked as post attachments are
    (``feed.attachments.check_upload``) and served only to those who may read the message."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="messages/%Y/%m/")
    thumbnail = models.ImageField(upload_to="messages/thumbs/%Y/%m/", blank=True)


class MessageReaction(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reactions")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=ReactionKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["message", "person", "kind"], name="messaging_reaction_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on {self.message_id}"


class Block(models.Model):
    """``blocker`` receives no message from ``blocked``: no new conversation, no message in a
    shared one."""

    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    blocked = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="messaging_block_once")
        ]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class Preferences(models.Model):
    """A person's messaging choices; no row means the defaults."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    read_receipts = models.BooleanField(
        default=True,
        help_text="Others see how far you have read, and you see how far they have.",
    )
    show_presence = models.BooleanField(
        default=True, help_text="Others see whether you are online, away or offline."
    )

    def __str__(self) -> str:
        return f"Messaging preferences of {self.person_id}"


class Heartbeat(models.Model):
    """One process's word that ``person`` has a socket open there: refreshed while it stays
    open, dropped when the last one closes, and ignored once older than the expiry."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    process = models.CharField(max_length=80)
    seen_at = models.DateTimeField()
    active_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "process"], name="messaging_beat_once")
        ]
        indexes = [models.Index(fields=["seen_at"], name="messaging_beat_seen_idx")]

    def __str__(self) -> str:
        return f"{self.person_id} on {self.process}"


class PresenceStatus(models.TextChoices):
    ONLINE = "online", "Online"
    AWAY = "away", "Away"
    OFFLINE = "offline", "Offline"


class PresenceAnnounced(models.Model):
    """The status last sent in ``presence.changed`` for a person (absent: offline)."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=8, choices=PresenceStatus.choices)

    def __str__(self) -> str:
        return f"{self.person_id} {self.status}"


PRESENT = Q(left_at__isnull=True)
