"""Insights' writes: recording impressions and reads in batches, asking for a network
computation or fresh roll-ups, campaigns, and the audit trail of person-level views. Each checks
permission through ``policy``."""

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from watercooler.communities.models import Community
from watercooler.communities.policy import can_see_content
from watercooler.communities.queries import membership_of
from watercooler.core.errors import FieldErrors
from watercooler.core.inputs import text_field
from watercooler.core.policy import check_active
from watercooler.feed.models import Post, Topic
from watercooler.feed.queries import visible_posts
from watercooler.insights import campaigns, policy, queries
from watercooler.insights.models import AuditEntry, Campaign, Measure, NetworkRun, RunStatus, Target
from watercooler.insights.tasks import compute_network_task, measure_campaign_task, rollup_task
from watercooler.people.models import Department, Location, User

logger = logging.getLogger(__name__)

MAX_BATCH = 500
# An impression stamped this far in the past (a phone that was offline) still counts; older
# ones, or ones from the future beyond clock drift, are dropped as implausible.
OLDEST_IMPRESSION = dt.timedelta(days=3)
CLOCK_DRIFT = dt.timedelta(minutes=5)
SEEN = "seen"
READ = "read"
KINDS = (SEEN, READ)

MIN_WINDOW_DAYS = 1
MAX_WINDOW_DAYS = 365
DEFAULT_WINDOW_DAYS = queries.DEFAULT_WINDOW_DAYS
# A computation older than this is refreshed in the background while it is still shown.
STALE_AFTER = dt.timedelta(hours=24)
# A run still "computing" after this long lost its worker; the next request starts another.
STUCK_AFTER = dt.timedelta(hours=1)


@dataclass(frozen=True)
class Impression:
    post_id: int
    kind: str
    at: dt.datetime


@dataclass(frozen=True)
class Recorded:
    accepted: int
    ignored: int


_UPSERT_VIEWS = (
    "INSERT INTO insights_postview (post_id, person_id, seen_at, read_at) VALUES {rows} "
    "ON CONFLICT (post_id, person_id) DO UPDATE SET "
    "read_at = COALESCE(insights_postview.read_at, excluded.read_at)"
)
_UPSERT_DAYS = (
    "INSERT INTO insights_personday (person_id, day, seen, read, wrote) VALUES {rows} "
    "ON CONFLICT (day, person_id) DO UPDATE SET "
    "seen = insights_personday.seen + excluded.seen, "
    "read = insights_personday.read + excluded.read"
)


def record_views(
    *, actor: User, impressions: list[Impression], now: dt.datetime | None = None
) -> Recorded:
    """Record a batch of impressions in two statements, however many posts it names.

    Kept: posts ``actor`` may see, not their own, stamped within ``OLDEST_IMPRESSION``. The
    first sighting and the first read of each post per person are stored (a read counts as a
    sighting too); the person's day counts every impression. The rest is ignored, and counted,
    without saying why: whether a post exists is not the client's business."""
    check_active(actor)
    if len(impressions) > MAX_BATCH:
        raise ValidationError({"items": [f"At most {MAX_BATCH} impressions per request."]})
    now = now or timezone.now()
    plausible = [
        i
        for i in impressions
        if i.kind in KINDS and now - OLDEST_IMPRESSION <= i.at <= now + CLOCK_DRIFT
    ]
    wanted = {i.post_id for i in plausible}
    allowed = (
        set(
            visible_posts(actor)
            .filter(pk__in=wanted)
            .exclude(author_id=actor.pk)
            .values_list("pk", flat=True)
        )
        if wanted
        else set()
    )
    kept = [i for i in plausible if i.post_id in allowed]
    if not kept:
        return Recorded(accepted=0, ignored=len(impressions))
    first: dict[int, list[dt.datetime | None]] = {}
    days: dict[dt.date, Counter[str]] = {}
    # A batch's items mostly share a few moments: each is converted once.
    day_of: dict[dt.datetime, dt.date] = {}
    for item in sorted(kept, key=lambda i: i.at):
        at = min(item.at, now)
        seen_read = first.setdefault(item.post_id, [at, None])
        if item.kind == READ and seen_read[1] is None:
            seen_read[1] = at
        if at not in day_of:
            day_of[at] = at.astimezone(dt.UTC).date()
        days.setdefault(day_of[at], Counter())[item.kind] += 1
    # Raw SQL takes values as the ORM would store them (SQLite keeps naive UTC text).
    stored: dict[dt.datetime | None, Any] = {None: None}

    def moment(value: dt.datetime | None) -> Any:
        if value not in stored:
            stored[value] = connection.ops.adapt_datetimefield_value(value)
        return stored[value]

    view_params: list[Any] = []
    for post_id, (seen_at, read_at) in sorted(first.items()):
        view_params += [post_id, actor.pk, moment(seen_at), moment(read_at)]
    day_params: list[Any] = []
    for day, counts in sorted(days.items()):
        day_params += [
            actor.pk,
            connection.ops.adapt_datefield_value(day),
            counts[SEEN] + counts[READ],
            counts[READ],
            0,
        ]
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                _UPSERT_VIEWS.format(rows=", ".join(["(%s, %s, %s, %s)"] * len(first))),
                view_params,
            )
            cursor.execute(
                _UPSERT_DAYS.format(rows=", ".join(["(%s, %s, %s, %s, %s)"] * len(days))),
                day_params,
            )
    except IntegrityError:
        # A post (or the reader) was deleted for good since it was checked: nothing to count.
        return Recorded(accepted=0, ignored=len(impressions))
    return Recorded(accepted=len(kept), ignored=len(impressions) - len(kept))


def check_window(window_days: int) -> None:
    if not MIN_WINDOW_DAYS <= window_days <= MAX_WINDOW_DAYS:
        raise ValidationError(
            {"window_days": [f"Choose between {MIN_WINDOW_DAYS} and {MAX_WINDOW_DAYS} days."]}
        )


def do_audit(*, actor: User, view: str, subject: User | None = None, detail: str = "") -> None:
    """Write that ``actor`` looked at person-level insights."""
    AuditEntry.objects.create(viewer=actor, view=view, subject=subject, detail=detail[:200])


def request_network(
    *, actor: User, window_days: int, now: dt.datetime | None = None
) -> NetworkRun | None:
    """The latest finished computation over ``window_days``, or None while the first one is
    computed. Starts a computation when there is none, or the latest is older than
    ``STALE_AFTER``, unless one is already under way. Writes the view to the audit trail."""
    check_active(actor)
    policy.check_organisation(actor)
    check_window(window_days)
    now = now or timezone.now()
    latest = (
        NetworkRun.objects.filter(window_days=window_days, status=RunStatus.DONE)
        .order_by("-window_end", "-pk")
        .first()
    )
    if latest is None or latest.window_end < now - STALE_AFTER:
        start_network(window_days=window_days, now=now)
    do_audit(actor=actor, view="network", detail=f"{window_days} days")
    return latest


def start_network(*, window_days: int, now: dt.datetime | None = None) -> NetworkRun:
    """Start a computation over ``window_days`` ending ``now`` unless one is under way (then
    that one). The task runs after commit."""
    now = now or timezone.now()
    with transaction.atomic():
        under_way = (
            NetworkRun.objects.select_for_update()
            .filter(
                window_days=window_days,
                status__in=[RunStatus.PENDING, RunStatus.RUNNING],
                requested_at__gte=now - STUCK_AFTER,
            )
            .first()
        )
        if under_way is not None:
            return under_way
        run = NetworkRun.objects.create(window_days=window_days, window_end=now, requested_at=now)
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    try:
        compute_network_task.enqueue(run_id)
    except Exception:
        logger.exception("Could not enqueue the network computation %s", run_id)


# The roll-ups are refreshed when a dashboard finds them older than this (and by the periodic
# ``manage.py insights_rollup``); one refresh is queued at a time per ``ROLLUP_QUEUED_FOR``.
ROLLUP_FRESH_FOR = dt.timedelta(hours=1)
ROLLUP_QUEUED_FOR = 600
MAX_RANGE_DAYS = 400
_ROLLUP_QUEUED = "insights:rollup-queued"


def check_range(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise ValidationError({"to": ["Must not be before from."]})
    if (end - start).days >= MAX_RANGE_DAYS:
        raise ValidationError({"from": [f"Choose at most {MAX_RANGE_DAYS} days."]})


def check_overview(actor: User, scope: str) -> None:
    check_active(actor)
    if scope == queries.TEAM:
        if queries.team_size(actor) < policy.min_group_size():
            raise PermissionDenied(policy.TEAM_MESSAGE)
    else:
        policy.check_organisation(actor)


def open_overview(
    *, actor: User, scope: str, start: dt.date, end: dt.date, now: dt.datetime | None = None
) -> queries.Overview:
    """Adoption for the organisation or the actor's line, from the roll-ups; queues a refresh
    of the roll-ups when they are older than ``ROLLUP_FRESH_FOR``."""
    check_range(start, end)
    check_overview(actor, scope)
    now = now or timezone.now()
    latest = queries.rollups_computed_at()
    if latest is None or latest < now - ROLLUP_FRESH_FOR:
        request_rollup()
    found = queries.cached_overview(actor, scope=scope, start=start, end=end, computed_at=latest)
    progress = queries.campaign_progress(actor, scope=scope, start=start, end=end)
    return replace(found, campaigns=progress)


def request_rollup() -> None:
    """Queue one refresh of the roll-ups unless one was queued recently."""
    if cache.add(_ROLLUP_QUEUED, True, timeout=ROLLUP_QUEUED_FOR):
        transaction.on_commit(_enqueue_rollup)


def _enqueue_rollup() -> None:
    try:
        rollup_task.enqueue()
    except Exception:
        logger.exception("Could not enqueue the insights roll-up")
        cache.delete(_ROLLUP_QUEUED)


# --- Campaigns ---------------------------------------------------------------------------------

MAX_TARGETS = 10
MAX_COVERED = 200
NAME_LENGTH = 120
OBJECTIVE_LENGTH = 2000
LONGEST_CAMPAIGN = dt.timedelta(days=366)


@dataclass(frozen=True)
class TargetInput:
    measure: str
    percent: int
    department: Department | None
    location: Location | None
    region: str
    within_days: int | None


@dataclass(frozen=True)
class CampaignInput:
    name: str
    objective: str
    starts_on: dt.date
    ends_on: dt.date
    posts: list[Post]
    topics: list[Topic]
    communities: list[Community]
    targets: list[TargetInput]


def _names(errors: FieldErrors, data: dict[str, Any], field: str) -> list[str]:
    raw = data.get(field) or []
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        errors.add(field, "Must be a list of names.")
        return []
    if len(raw) > MAX_COVERED:
        errors.add(field, f"At most {MAX_COVERED}.")
        return []
    return [v.strip().lstrip("#") for v in raw if v.strip()]


def _target(errors: FieldErrors, raw: object, index: int, smallest: int) -> TargetInput | None:
    field = f"targets.{index}"
    if not isinstance(raw, dict):
        errors.add(field, "Must be an object.")
        return None
    measure = raw.get("measure")
    if measure not in Measure.values:
        errors.add(f"{field}.measure", f"Choose one of {', '.join(Measure.values)}.")
        return None
    percent = raw.get("percent")
    if not isinstance(percent, int) or isinstance(percent, bool) or not 1 <= percent <= 1000:
        errors.add(f"{field}.percent", "A whole number from 1 to 1000.")
        return None
    if measure != Measure.TOPIC_GROWTH and percent > 100:
        errors.add(f"{field}.percent", "A share of people: at most 100.")
        return None
    within = raw.get("within_days")
    if within is not None and (
        not isinstance(within, int) or isinstance(within, bool) or not 1 <= within <= 366
    ):
        errors.add(f"{field}.within_days", "A number of days from 1 to 366.")
        return None
    department = location = None
    if raw.get("department"):
        department = Department.objects.filter(name=str(raw["department"])).first()
        if department is None:
            errors.add(f"{field}.department", f"Unknown department {raw['department']!r}.")
            return None
    if raw.get("location"):
        location = Location.objects.filter(name=str(raw["location"])).first()
        if location is None:
            errors.add(f"{field}.location", f"Unknown location {raw['location']!r}.")
            return None
    region = str(raw.get("region") or "").strip()[:40]
    target = TargetInput(
        measure=str(measure),
        percent=percent,
        department=department,
        location=location,
        region=region,
        within_days=within,
    )
    if measure != Measure.TOPIC_GROWTH:
        size = campaigns.group_of(
            Target(
                department=department,
                location=location,
                region=region,
                measure=str(measure),
                percent=percent,
            )
        ).count()
        if size < smallest:
            errors.add(
                field,
                f"This group has {size} people: targets need at least {smallest}, so that "
                "nobody's reading can be singled out.",
            )
            return None
    return target


def check_campaign_input(
    *, actor: User, data: dict[str, Any], current: Campaign | None = None
) -> CampaignInput:
    """Validate a campaign (every field's errors at once). For a change, missing fields keep
    their current values; ``targets``, when sent, replace the targets."""
    check_active(actor)
    policy.check_organisation(actor)
    errors = FieldErrors()
    merged = dict(data)
    if current is not None:
        merged.setdefault("name", current.name)
        merged.setdefault("objective", current.objective)
        merged.setdefault("starts_on", current.starts_on)
        merged.setdefault("ends_on", current.ends_on)
    name = text_field(errors, merged, "name", limit=NAME_LENGTH, one_line=True, required=True)
    objective = text_field(errors, merged, "objective", limit=OBJECTIVE_LENGTH)
    starts_on, ends_on = merged.get("starts_on"), merged.get("ends_on")
    for field, value in (("starts_on", starts_on), ("ends_on", ends_on)):
        if not isinstance(value, dt.date):
            errors.add(field, "A date is required.")
    if isinstance(starts_on, dt.date) and isinstance(ends_on, dt.date):
        if ends_on < starts_on:
            errors.add("ends_on", "Must not be before the start.")
        elif ends_on - starts_on > LONGEST_CAMPAIGN:
            errors.add("ends_on", "A campaign lasts a year at most.")
    posts: list[Post] = []
    post_ids = merged.get("posts")
    if post_ids is not None:
        if not isinstance(post_ids, list) or not all(
            isinstance(p, int) and not isinstance(p, bool) for p in post_ids
        ):
            errors.add("posts", "Must be a list of post ids.")
        elif len(post_ids) > MAX_COVERED:
            errors.add("posts", f"At most {MAX_COVERED}.")
        else:
            posts = list(visible_posts(actor).filter(pk__in=post_ids))
            missing = sorted(set(post_ids) - {p.pk for p in posts})
            if missing:
                errors.add("posts", f"No post you may see with id {missing[0]}.")
    topic_names = _names(errors, merged, "topics")
    topics = list(Topic.objects.filter(name__in=[n.lower() for n in topic_names]))
    if len(topics) < len({n.lower() for n in topic_names}):
        known = {t.name for t in topics}
        unknown = next(n for n in topic_names if n.lower() not in known)
        errors.add("topics", f"Unknown topic #{unknown}.")
    handles = _names(errors, merged, "communities")
    communities = list(Community.objects.filter(handle__in=handles))
    visible = [c for c in communities if can_see_content(actor, c, membership_of(actor, c))]
    if len(visible) < len(set(handles)):
        errors.add("communities", "Name communities you may see, by handle.")
    targets: list[TargetInput] = []
    raw_targets = merged.get("targets")
    if raw_targets is not None:
        if not isinstance(raw_targets, list) or len(raw_targets) > MAX_TARGETS:
            errors.add("targets", f"A list of at most {MAX_TARGETS} targets.")
        else:
            smallest = policy.min_group_size()
            for index, raw in enumerate(raw_targets):
                found = _target(errors, raw, index, smallest)
                if found is not None:
                    targets.append(found)
    errors.raise_if_any()
    assert isinstance(starts_on, dt.date) and isinstance(ends_on, dt.date)  # noqa: PT018
    return CampaignInput(
        name=name,
        objective=objective,
        starts_on=starts_on,
        ends_on=ends_on,
        posts=posts,
        topics=topics,
        communities=visible,
        targets=targets,
    )


def do_save_campaign(
    *, actor: User, data: CampaignInput, campaign: Campaign | None = None, sent: set[str]
) -> Campaign:
    """Create a campaign, or change the fields ``sent``; measured after commit."""
    with transaction.atomic():
        if campaign is None:
            campaign = Campaign(owner=actor)
        campaign.name = data.name
        campaign.objective = data.objective
        campaign.starts_on = data.starts_on
        campaign.ends_on = data.ends_on
        campaign.save()
        if "posts" in sent:
            campaign.posts.set(data.posts)
        if "topics" in sent:
            campaign.topics.set(data.topics)
        if "communities" in sent:
            campaign.communities.set(data.communities)
        if "targets" in sent:
            campaign.targets.all().delete()
            Target.objects.bulk_create(
                Target(
                    campaign=campaign,
                    position=i,
                    measure=t.measure,
                    percent=t.percent,
                    department=t.department,
                    location=t.location,
                    region=t.region,
                    within_days=t.within_days,
                )
                for i, t in enumerate(data.targets)
            )
        campaign_id = campaign.pk
        transaction.on_commit(lambda: _enqueue_measure(campaign_id))
    return campaign


def _enqueue_measure(campaign_id: int) -> None:
    try:
        measure_campaign_task.enqueue(campaign_id)
    except Exception:
        logger.exception("Could not enqueue measuring campaign %s", campaign_id)
