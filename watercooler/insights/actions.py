"""Insights' writes: recording impressions and reads in batches, asking for a network
computation, and the audit trail of person-level views. Each checks permission through
``policy``."""

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from watercooler.core.policy import check_active
from watercooler.feed.queries import visible_posts
from watercooler.insights import policy
from watercooler.insights.models import AuditEntry, NetworkRun, RunStatus
from watercooler.insights.tasks import compute_network_task
from watercooler.people.models import User

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
DEFAULT_WINDOW_DAYS = 90
# A computation older than this is refreshed in the background while it is still shown.
STALE_AFTER = dt.timedelta(hours=24)
# A run still "computing" after this long lost its worker; the next request starts another.
STUCK_AFTER = dt.timedelta(hours=1)


def check_organisation(actor: User) -> None:
    check_active(actor)
    if not policy.can_see_organisation(actor):
        raise PermissionDenied(policy.ORGANISATION_MESSAGE)


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
    for item in sorted(kept, key=lambda i: i.at):
        at = min(item.at, now)
        seen_read = first.setdefault(item.post_id, [at, None])
        if item.kind == READ and seen_read[1] is None:
            seen_read[1] = at
        days.setdefault(at.astimezone(dt.UTC).date(), Counter())[item.kind] += 1
    # Raw SQL takes values as the ORM would store them (SQLite keeps naive UTC text).
    moment = connection.ops.adapt_datetimefield_value
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
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            _UPSERT_VIEWS.format(rows=", ".join(["(%s, %s, %s, %s)"] * len(first))), view_params
        )
        cursor.execute(
            _UPSERT_DAYS.format(rows=", ".join(["(%s, %s, %s, %s, %s)"] * len(days))), day_params
        )
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
    check_organisation(actor)
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
