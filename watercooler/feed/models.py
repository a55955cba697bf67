"""Conversations: posts, replies, reactions, mentions, topics, follows and polls.

Counters on Post (replies, reactions) are denormalised so a feed page renders from the post rows
alone; actions keep them right inside the same transaction as the change they count.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Audience(models.TextChoices):
    EVERYONE = "everyone", "Everyone"
    FOLLOWERS = "followers", "My followers"


class PostKind(models.TextChoices):
    POST = "post", "Post"
    QUESTION = "question", "Question"
    POLL = "poll", "Poll"


class ReactionKind(models.TextChoices):
    LIKE = "like", "👍 Like"
    LOVE = "love", "❤️ Love"
    CELEBRATE = "celebrate", "🎉 Celebrate"
    INSIGHTFUL = "insightful", "💡 Insightful"
    FUNNY = "funny", "😄 Funny"
    SUPPORT = "support", "🤝 Support"


class Topic(models.Model):
    """A #topic. ``name`` is the lower-cased tag without '#'; ``label`` keeps the first spelling."""

    name = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    post_count = models.PositiveIntegerField(default=0)
    follower_count = models.PositiveIntegerField(default=0)
    last_used_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["-last_used_at"], name="topic_recent_idx")]

    def __str__(self) -> str:
        return f"#{self.label}"


class Post(models.Model):
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts"
    )
    kind = models.CharField(max_length=10, choices=PostKind.choices, default=PostKind.POST)
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.EVERYONE)
    body = models.TextField(max_length=20_000)
    # Sanitised HTML rendered once at write time; pages never render Markdown per view.
    body_html = models.TextField()
    quoted_post = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="quotes"
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="posts")
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    reply_count = models.PositiveIntegerField(default=0)
    reaction_count = models.PositiveIntegerField(default=0)
    # {"like": 3, "celebrate": 1}: what the reaction bar shows, without a query per post.
    reaction_summary = models.JSONField(default=dict, blank=True)
    last_activity_at = models.DateTimeField(default=timezone.now)
    poll_closes_at = models.DateTimeField(null=True, blank=True)
    accepted_reply = models.ForeignKey(
        "Reply", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A post in a community is seen by whoever may see the community's posts (queries.py);
    # its ``audience`` is then always "everyone".
    community = models.ForeignKey(
        "communities.Community",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="posts",
    )
    # Pinned to the top of its community's page by an owner or moderator.
    pinned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="post_recent_idx"),
            models.Index(fields=["author", "-created_at", "-id"], name="post_author_recent_idx"),
            models.Index(
                fields=["community", "-created_at", "-id"], name="post_community_recent_idx"
            ),
            models.Index(
                fields=["kind", "accepted_reply", "-created_at", "-id"], name="post_questions_idx"
            ),
            # A community's pinned posts: a handful among thousands, found without a scan.
            models.Index(
                fields=["community", "-pinned_at", "-id"],
                condition=Q(pinned_at__isnull=False),
                name="post_pinned_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Post {self.pk} by {self.author_id}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class Reply(models.Model):
    """A reply under a post; ``parent`` makes it a reply to a reply (two levels at most)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="replies")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="replies"
    )
    body = models.TextField(max_length=10_000)
    body_html = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    reaction_count = models.PositiveIntegerField(default=0)
    reaction_summary = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["post", "created_at", "id"], name="reply_thread_idx"),
            # A person's recent replies on their profile (queries.author_replies_page).
            models.Index(fields=["author", "-created_at", "-id"], name="reply_author_recent_idx"),
        ]
        verbose_name_plural = "replies"

    def __str__(self) -> str:
        return f"Reply {self.pk} on post {self.post_id}"


class Revision(models.Model):
    """The text a post or reply had before an edit."""

    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="revisions"
    )
    reply = models.ForeignKey(
        Reply, null=True, blank=True, on_delete=models.CASCADE, related_name="revisions"
    )
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(post__isnull=False, reply__isnull=True)
                | Q(post__isnull=True, reply__isnull=False),
                name="revision_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"Revision {self.pk}"


class Reaction(models.Model):
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="reactions"
    )
    reply = models.ForeignKey(
        Reply, null=True, blank=True, on_delete=models.CASCADE, related_name="reactions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions"
    )
    kind = models.CharField(max_length=12, choices=ReactionKind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post", "user", "kind"],
                condition=Q(reply__isnull=True),
                name="reaction_post_once",
            ),
            models.UniqueConstraint(
                fields=["reply", "user", "kind"],
                condition=Q(reply__isnull=False),
                name="reaction_reply_once",
            ),
            models.CheckConstraint(
                condition=Q(post__isnull=False, reply__isnull=True)
                | Q(post__isnull=True, reply__isnull=False),
                name="reaction_one_target",
            ),
        ]
        # "Who reacted", newest first, for a post and for a reply.
        indexes = [
            models.Index(fields=["post", "-created_at", "-id"], name="reaction_post_recent_idx"),
            models.Index(fields=["reply", "-created_at", "-id"], name="reaction_reply_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} by {self.user_id}"


class Mention(models.Model):
    """Someone @mentioned in a post or reply (kept for notifications and network analysis)."""

    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="mentions"
    )
    reply = models.ForeignKey(
        Reply, null=True, blank=True, on_delete=models.CASCADE, related_name="mentions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentions"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"], name="mention_user_idx")]

    def __str__(self) -> str:
        return f"Mention of {self.user_id}"


class StoredFile(models.Model):
    """What is kept of a checked upload (``attachments.save_checked``): a post's attachment,
    a message's. Each kind adds what it belongs to, and its ``file`` and ``thumbnail`` in a
    folder of its own (the media view checks access by folder)."""

    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    alt_text = models.CharField(max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return bool(getattr(self, "thumbnail", None))


class Attachment(StoredFile):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    thumbnail = models.ImageField(upload_to="attachments/thumbs/%Y/%m/", blank=True)


class PollOption(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="poll_options")
    label = models.CharField(max_length=140)
    position = models.PositiveSmallIntegerField()
    vote_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["post", "position"], name="poll_option_position")
        ]

    def __str__(self) -> str:
        return self.label


class PollVote(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="poll_votes")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="poll_votes"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="poll_vote_once")]

    def __str__(self) -> str:
        return f"Vote by {self.user_id} on {self.post_id}"


class PersonFollow(models.Model):
    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="following"
    )
    followee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="followers"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="person_follow_once"),
            models.CheckConstraint(
                condition=~Q(follower=models.F("followee")), name="no_self_follow"
            ),
        ]
        indexes = [
            models.Index(fields=["followee", "-created_at", "-id"], name="followers_idx"),
            models.Index(fields=["follower", "-created_at", "-id"], name="following_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.follower_id} follows {self.followee_id}"


class TopicFollow(models.Model):
    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_follows"
    )
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "topic"], name="topic_follow_once")
        ]

    def __str__(self) -> str:
        return f"{self.follower_id} follows topic {self.topic_id}"
