"""What insights store: who saw and read which post (one row per person and post, never one
per scroll), the daily roll-ups the dashboards read, campaigns with their targets and measured
progress, network computations with each person's measures, and the audit trail of who looked at
person-level insights."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class PostView(models.Model):
    """A person had a post on screen (``seen_at``, the first time) and opened, expanded or
    dwelt on it (``read_at``, the first time). Written in batches by ``actions.record_views``."""

    post = models.ForeignKey("feed.Post", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # Every read goes by post (reach, campaigns, advocates): the unique index serves them.
        # No second index: each would slow the upsert of every batch of impressions.
        constraints = [
            models.UniqueConstraint(fields=["post", "person"], name="insights_view_once")
        ]

    def __str__(self) -> str:
        return f"View {self.post_id}/{self.person_id}"


class PersonDay(models.Model):
    """One person's activity on one day (UTC): what they saw and read (counted as impressions
    arrive) and what they wrote (filled in by the daily roll-up)."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    seen = models.PositiveIntegerField(default=0)
    read = models.PositiveIntegerField(default=0)
    wrote = models.PositiveIntegerField(default=0)  # posts, replies and reactions

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "person"], name="insights_person_day_once")
        ]
        indexes = [models.Index(fields=["person", "day"], name="insights_day_person_idx")]

    def __str__(self) -> str:
        return f"{self.person_id} on {self.day}"


class Dimension(models.TextChoices):
    ALL = "all", "Everyone"
    DEPARTMENT = "department", "Department"
    LOCATION = "location", "Location"
    # A manager's whole line: everyone who reports to them, directly or not.
    MANAGER = "manager", "Manager line"


class AdoptionDay(models.Model):
    """The adoption numbers of one group on one day, pre-aggregated by the roll-up task so the
    dashboards never scan raw activity: ``group_id`` is 0 for everyone, else the department's,
    location's or manager's id. Distinct-people counts over 1, 7 and 28 days ending that day."""

    day = models.DateField()
    dimension = models.CharField(max_length=12, choices=Dimension.choices)
    group_id = models.PositiveBigIntegerField(default=0)
    people = models.PositiveIntegerField(default=0)  # active accounts in the group
    daily_active = models.PositiveIntegerField(default=0)
    weekly_active = models.PositiveIntegerField(default=0)
    monthly_active = models.PositiveIntegerField(default=0)
    posting = models.PositiveIntegerField(default=0)  # wrote something in the 7 days
    reading = models.PositiveIntegerField(default=0)  # read but wrote nothing in the 7 days
    new = models.PositiveIntegerField(default=0)  # active for the first time that day
    posts = models.PositiveIntegerField(default=0)
    questions = models.PositiveIntegerField(default=0)
    announcements = models.PositiveIntegerField(default=0)
    replies = models.PositiveIntegerField(default=0)
    reactions = models.PositiveIntegerField(default=0)
    # Minutes from each question asked that day to its first answer (for the median).
    answer_minutes = models.JSONField(default=list, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dimension", "group_id", "day"], name="insights_adoption_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dimension}:{self.group_id} on {self.day}"


class Campaign(models.Model):
    """A named communication objective with measurable targets, over the posts, topics and
    communities it covers, between two dates."""

    name = models.CharField(max_length=120)
    objective = models.TextField(max_length=2000, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    posts = models.ManyToManyField("feed.Post", blank=True, related_name="+")
    topics = models.ManyToManyField("feed.Topic", blank=True, related_name="+")
    communities = models.ManyToManyField("communities.Community", blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    measured_at = models.DateTimeField(null=True, blank=True)
    # The reach of everything it covers, as measured: {"posts", "total": {audience, reached,
    # read, acknowledged, reacted, replied}, "breakdowns": {dimension: [group rows]}}.
    reach = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["-starts_on", "-id"], name="insights_campaign_idx")]

    def __str__(self) -> str:
        return self.name


class Measure(models.TextChoices):
    ACKNOWLEDGED = "acknowledged", "acknowledged the campaign's must-reads"
    READ = "read", "read the campaign's posts"
    REACHED = "reached", "saw the campaign's posts"
    TOPIC_GROWTH = "topic_growth", "more posts in the campaign's topics than the period before"


class Target(models.Model):
    """One measurable target: ``percent`` of the group (department, location or region, or
    everyone) who did ``measure`` within ``within_days`` of each post's publishing (or at all);
    for ``topic_growth``, ``percent`` more posts in the topics than the same length before."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    measure = models.CharField(max_length=14, choices=Measure.choices)
    percent = models.PositiveSmallIntegerField()
    department = models.ForeignKey(
        "people.Department", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    location = models.ForeignKey(
        "people.Location", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    region = models.CharField(max_length=40, blank=True)
    within_days = models.PositiveSmallIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    # The measured progress, one point per day since the campaign started: [[iso day, value]].
    progress = models.JSONField(default=list, blank=True)
    current = models.FloatField(default=0)
    group_size = models.PositiveIntegerField(default=0)
    # Where each manager's line stands today, so a manager sees their own reports' progress:
    # {manager id: [people of the group in the line, counted, done]} (counted is the people,
    # or for acknowledged the receipts).
    by_line = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.measure} {self.percent}%"


class RunStatus(models.TextChoices):
    PENDING = "pending", "Waiting to start"
    RUNNING = "running", "Computing"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


class NetworkRun(models.Model):
    """One computation of the interaction network over ``window_days`` ending at ``window_end``.
    ``summary`` holds the organisation-level results (communities' departments, silos, quiet
    pairs, who should meet, the confusion table); each person's measures are rows of
    ``NetworkPerson``; ``map_ties`` the drawn ties as JSON [[i, j, weight], …]."""

    window_days = models.PositiveSmallIntegerField()
    window_end = models.DateTimeField()
    status = models.CharField(max_length=8, choices=RunStatus.choices, default=RunStatus.PENDING)
    requested_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    people = models.PositiveIntegerField(default=0)
    ties = models.PositiveIntegerField(default=0)
    modularity = models.FloatField(default=0)
    agreement = models.FloatField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    map_ties = models.JSONField(default=list, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["window_days", "status", "-window_end"], name="insights_run_idx")
        ]

    def __str__(self) -> str:
        return f"Network over {self.window_days} days to {self.window_end:%Y-%m-%d}"


class NetworkPerson(models.Model):
    """One person's measures in one run. ``node`` is their index in the map's ties."""

    run = models.ForeignKey(NetworkRun, on_delete=models.CASCADE, related_name="measures")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    node = models.PositiveIntegerField()
    community = models.PositiveIntegerField()
    pagerank = models.FloatField()
    betweenness = models.FloatField()
    participation = models.FloatField()
    degree = models.PositiveIntegerField()
    strength = models.FloatField()
    broker = models.BooleanField(default=False)
    advocate = models.BooleanField(default=False)
    # People outside the person's department who saw, read or answered their posts.
    reach_outside = models.PositiveIntegerField(default=0)
    conversations = models.PositiveIntegerField(default=0)  # posts that drew 2+ other people
    x = models.FloatField(null=True, blank=True)
    y = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "person"], name="insights_measure_once")
        ]
        indexes = [models.Index(fields=["run", "node"], name="insights_measure_node_idx")]

    def __str__(self) -> str:
        return f"{self.person_id} in run {self.run_id}"


class AuditEntry(models.Model):
    """Someone looked at person-level insights: which view, and whose measures if one person's."""

    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    view = models.CharField(max_length=60)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    detail = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["-at", "-id"], name="insights_audit_idx")]

    def __str__(self) -> str:
        return f"{self.viewer_id} saw {self.view} at {self.at:%Y-%m-%d %H:%M}"
