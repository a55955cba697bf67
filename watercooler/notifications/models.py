"""In-app notifications. Reactions to the same thing fold into one row ("Ana and 4 others")."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class NotificationKind(models.TextChoices):
    MENTION = "mention", "Mention"
    REPLY = "reply", "Reply to your post"
    THREAD_REPLY = "thread_reply", "Reply in a thread you are in"
    REACTION = "reaction", "Reaction"
    FOLLOW = "follow", "New follower"
    ANNOUNCEMENT = "announcement", "Announcement"
    ANNOUNCEMENT_REMINDER = "announcement_reminder", "Announcement reminder"
    ANSWER_ACCEPTED = "answer_accepted", "Your answer was accepted"
    COMMUNITY_REQUEST = "community_request", "Request to join a community"
    COMMUNITY_ADDED = "community_added", "Added to a community"
    COMMUNITY_APPROVED = "community_approved", "Request to join approved"
    EVENT_PROMOTED = "event_promoted", "Off the waitlist"
    EVENT_REMINDER = "event_reminder", "Event starting soon"
    EXPERT_ASK = "expert_ask", "Asked to answer a question"
    SKILL_MATCH = "skill_match", "Matched on the skills exchange"
    SKILL_DONE = "skill_done", "Help request completed"
    SKILL_APPLICATION = "skill_application", "Mentoring application"
    SKILL_ACCEPTED = "skill_accepted", "Mentoring application accepted"
    SKILL_DECLINED = "skill_declined", "Mentoring application declined"
    SKILL_THANKS = "skill_thanks", "Thanks from a colleague"
    MESSAGE = "message", "New message"
    MESSAGE_MENTION = "message_mention", "Mention in a conversation"


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=24, choices=NotificationKind.choices)
    # The most recent actor; ``actor_count`` counts everyone folded into this row.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+"
    )
    actor_count = models.PositiveIntegerField(default=1)
    post = models.ForeignKey(
        "feed.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reply = models.ForeignKey(
        "feed.Reply", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    community = models.ForeignKey(
        "communities.Community", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    event = models.ForeignKey(
        "events.Event", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # For kinds about something that is not a post, a community or an event (the skills
    # exchange's requests and offers): its name in words, and the path that opens it.
    subject = models.CharField(max_length=200, blank=True)
    link = models.CharField(max_length=300, blank=True)
    # What rows fold on, e.g. "reaction:post:42"; unread rows with the same key are updated.
    group_key = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # When this is emailed if still unread (the missed-activity email), set as the row is made
    # so that checking costs nothing then; cleared once it is emailed or will never be.
    email_after = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["email_after"],
                condition=Q(email_after__isnull=False),
                name="notification_email_due_idx",
            ),
            models.Index(fields=["recipient", "-updated_at", "-id"], name="notification_list_idx"),
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(
                fields=["recipient", "group_key", "read_at"], name="notification_group_idx"
            ),
        ]
        constraints = [
            # At most one unread row per fold key, so two reactions arriving at once fold into
            # one row instead of racing to create two (receivers.py retries on the conflict).
            models.UniqueConstraint(
                fields=["recipient", "group_key"],
                condition=Q(read_at__isnull=True) & ~Q(group_key=""),
                name="notification_one_unread_group",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"


class NotificationPreferences(models.Model):
    """What a person turned off or on, by channel and topic (``policy.CHANNELS``,
    ``policy.TOPICS``): ``in_app``, ``email`` and ``push`` each map a topic's key to whether it
    reaches them that way. A topic not in a map has the channel's default; no row, all
    defaults."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    in_app = models.JSONField(default=dict, blank=True)
    email = models.JSONField(default=dict, blank=True)
    push = models.JSONField(default=dict, blank=True)
    # Nothing is emailed or pushed from ``quiet_start`` to ``quiet_end`` (wall-clock times in
    # the person's zone, possibly over midnight); the app still collects.
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    # The person's zone for quiet hours and the digest's morning; blank: their location's.
    time_zone = models.CharField(max_length=64, blank=True)
    # "Pause everything": nothing emailed or pushed until then.
    paused_until = models.DateTimeField(null=True, blank=True)
    digest = models.CharField(max_length=8, default="weekly")
    # Only the digest: no missed-activity email and no push.
    digest_only = models.BooleanField(default=False)
    # Unsubscribed from every email (a link in an email): not even must-read escalations.
    no_email = models.BooleanField(default=False)
    # When the last digest was sent: the next covers what came after it.
    digest_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Notification preferences of {self.person_id}"


class Mute(models.Model):
    """A community, a #topic or a thread (a post and its replies) that a person muted: nothing
    from it notifies them, but for mentions of them (``policy.THROUGH_MUTES``). Exactly one of
    the three is set."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(
        "communities.Community", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    topic = models.ForeignKey(
        "feed.Topic", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    post = models.ForeignKey(
        "feed.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(community__isnull=False, topic__isnull=True, post__isnull=True)
                    | Q(community__isnull=True, topic__isnull=False, post__isnull=True)
                    | Q(community__isnull=True, topic__isnull=True, post__isnull=False)
                ),
                name="mute_one_thing",
            ),
            models.UniqueConstraint(
                fields=["person", "community"],
                condition=Q(community__isnull=False),
                name="mute_community_once",
            ),
            models.UniqueConstraint(
                fields=["person", "topic"], condition=Q(topic__isnull=False), name="mute_topic_once"
            ),
            models.UniqueConstraint(
                fields=["person", "post"], condition=Q(post__isnull=False), name="mute_post_once"
            ),
        ]

    def __str__(self) -> str:
        return f"Mute of {self.person_id}"


class InboundEmail(models.Model):
    """A reply by email that was posted (``inbound.receive``): its ``Message-ID``, so the same
    email delivered twice is posted once."""

    message_id = models.CharField(max_length=255, unique=True)
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    received_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.message_id


class PushSubscription(models.Model):
    """One device's browser subscribed to push for a person (the browser's ``PushSubscription``:
    its endpoint at a push service and the keys that encrypt what is sent there)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=120)
    auth = models.CharField(max_length=40)
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_pushed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Push subscription {self.pk} of {self.person_id}"
