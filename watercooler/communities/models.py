"""Communities: groups of people around a function, place, project or interest.

Privacy decides who can see what: an **open** community and its posts are visible to every member
of the company and anyone joins; a **closed** one is listed (name, description, member count) but
its posts, members, events and files are for members only and joining needs approval; a
**secret** one is invisible to non-members everywhere. ``watercooler.communities.queries``
holds that rule in one place (``visible_communities_q``); the feed's post visibility builds on it.

A membership row with status ``pending`` is a request to join a closed community; only
``active`` rows make someone a member. ``source`` says whether a directory rule added them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone


class Privacy(models.TextChoices):
    OPEN = "open", "Open — anyone can join"
    CLOSED = "closed", "Closed — visible, joining needs approval"
    SECRET = "secret", "Secret — only members know it exists"


class Category(models.TextChoices):
    FUNCTION = "function", "Teams and functions"
    LOCATION = "location", "Places and offices"
    PROJECT = "project", "Projects"
    PRACTICE = "practice", "Skills and practice"
    INTEREST = "interest", "Interests and social"
    SUPPORT = "support", "Help and support"


class MemberRole(models.TextChoices):
    OWNER = "owner", "Owner"
    MODERATOR = "moderator", "Moderator"
    MEMBER = "member", "Member"


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", "Member"
    PENDING = "pending", "Asked to join"


class MembershipSource(models.TextChoices):
    MANUAL = "manual", "Joined or added"
    RULE = "rule", "Directory rule"


class Community(models.Model):
    name = models.CharField(max_length=80)
    # Lower-case letters, digits and dashes; unique; the community's address (/c/<handle>/).
    handle = models.SlugField(max_length=40, unique=True)
    description = models.TextField(max_length=2000, blank=True)
    guidelines = models.TextField(max_length=5000, blank=True)
    privacy = models.CharField(max_length=10, choices=Privacy.choices, default=Privacy.OPEN)
    category = models.CharField(max_length=12, choices=Category.choices, default=Category.INTEREST)
    cover = models.ImageField(upload_to="communities/covers/", blank=True)
    cover_alt = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Denormalised for the directory's sort and the header; actions keep them right.
    member_count = models.PositiveIntegerField(default=0)
    post_count = models.PositiveIntegerField(default=0)
    last_activity_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "communities"
        indexes = [
            models.Index(fields=["privacy", "-member_count", "id"], name="community_size_idx"),
            models.Index(Lower("name"), "id", name="community_name_idx"),
            models.Index(fields=["category", "-member_count", "id"], name="community_cat_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_secret(self) -> bool:
        return self.privacy == Privacy.SECRET


class Membership(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    status = models.CharField(
        max_length=10, choices=MembershipStatus.choices, default=MembershipStatus.ACTIVE
    )
    source = models.CharField(
        max_length=10, choices=MembershipSource.choices, default=MembershipSource.MANUAL
    )
    # Members who follow the community see its posts in their home feed (joining follows it).
    following = models.BooleanField(default=True)
    requested_at = models.DateTimeField(null=True, blank=True)
    joined_at = models.DateTimeField(null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="membership_once"),
            models.CheckConstraint(
                condition=Q(status="active", joined_at__isnull=False) | Q(status="pending"),
                name="membership_active_has_joined_at",
            ),
        ]
        indexes = [
            # "My communities" and the visibility subquery.
            models.Index(fields=["user", "status", "community"], name="membership_user_idx"),
            # The members list (newest first) and requests waiting for approval.
            models.Index(
                fields=["community", "status", "-joined_at", "-id"], name="membership_list_idx"
            ),
            models.Index(fields=["community", "role"], name="membership_role_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.community_id} ({self.role}, {self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == MembershipStatus.ACTIVE


class DirectoryRule(models.Model):
    """Members chosen by profile: a person matches when they match every condition that is set
    (within one condition, any listed value matches); empty conditions are ignored, and a rule
    with no condition matches nobody. ``region`` and ``country`` come from the person's location.
    """

    community = models.OneToOneField(Community, on_delete=models.CASCADE, related_name="rule")
    departments = models.ManyToManyField("people.Department", blank=True, related_name="+")
    locations = models.ManyToManyField("people.Location", blank=True, related_name="+")
    regions = models.JSONField(default=list, blank=True)
    countries = models.JSONField(default=list, blank=True)
    # Whether people added by the rule may leave (then the rule leaves them out from then on).
    allow_leave = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Directory rule of {self.community_id}"


class RuleOptOut(models.Model):
    """Someone who left a community their profile matches the rule of (when allowed)."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "user"], name="optout_once")]

    def __str__(self) -> str:
        return f"{self.user_id} left {self.community_id}"


class MembershipChange(models.Model):
    """A join (+1) or leave (-1), kept for the health page's "members over time"."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    delta = models.SmallIntegerField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["community", "at"], name="membership_change_idx")]

    def __str__(self) -> str:
        return f"{self.delta:+d} {self.user_id} in {self.community_id}"
