"""Conversations, the people in them (their seat: read position, unread count, muted,
archived, and when they left), messages and reactions to messages.

A conversation between exactly two people carries ``direct_key`` ("<lower id>:<higher id>"),
unique, so two people starting one at the same moment find the same conversation. A person who
leaves or is removed keeps their seat with ``left_at`` and ``last_visible_id``: they read what
was said until then and nothing after; someone added later reads from when they were added. A deleted message keeps its row (the thread's shape and
read positions stay right) with its text removed. A person may block another from messaging
them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from watercooler.feed.models import ReactionKind


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


PRESENT = Q(left_at__isnull=True)
