"""Reading announcements: access, audiences and their preview, the pinned cards above the feed,
statistics, the comms dashboard, "addressed to me" and the CSV export. Every announcement a
person asks for is loaded through ``access_announcement``."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Q,
    QuerySet,
    When,
)
from django.http import Http404
from django.utils import timezone

from watercooler.announcements.models import Announcement, AnnouncementReceipt
from watercooler.announcements.policy import can_announce, can_manage_announcements, can_view_stats
from watercooler.communities.models import Community, Membership, MembershipStatus
from watercooler.communities.queries import access_community
from watercooler.core.errors import FieldErrors
from watercooler.core.paging import Page, paginate
from watercooler.core.policy import is_active_person
from watercooler.core.sqlcache import instances
from watercooler.feed.audiences import RestrictedAudience
from watercooler.people.models import Department, Location, Role, User

NO_COMMUNITY = "No such community (or you are not one of its owners)."


PREVIEW_SAMPLE = 2


LIST_PAGE_SIZE = 25


ROLE_WORDS = {
    Role.ADMIN: "administrators",
    Role.COMMS: "communications people",
    Role.MEMBER: "members",
    Role.GUEST: "guests",
}


PINNED_LIMIT = 20


STATS_PAGE_SIZE = 50


def announcement_community(actor: User, handle: Any) -> Community:
    """The community ``handle`` names, for a community announcement; ValidationError on
    ``community`` when it is unknown or invisible to ``actor`` (alike: nothing to probe)."""
    if not isinstance(handle, str) or not handle.strip():
        raise ValidationError({"community": [NO_COMMUNITY]})
    try:
        return access_community(actor, handle.strip())
    except Http404:
        raise ValidationError({"community": [NO_COMMUNITY]}) from None


def audience_people(
    *,
    author_id: int,
    department_ids: list[int],
    location_ids: list[int],
    roles: list[str],
    community_id: int | None = None,
) -> QuerySet[User]:
    """The one rule of who an announcement reaches; publishing (receipts) and the composer's
    preview both call it. Active people matching every non-empty filter, never the author (they
    follow it on the statistics page; counting them would make them "not acknowledged" in their
    own figures). With no role filter guests are left out: an announcement to "everyone" is for
    the organisation, and external guests get one only when the author lists the guest role. A
    community announcement goes to the community's active members (guests among them too)."""
    if community_id is not None:
        members = Membership.objects.filter(
            community_id=community_id, status=MembershipStatus.ACTIVE
        ).values("user_id")
        return User.objects.filter(pk__in=members, is_active=True).exclude(pk=author_id)
    people = User.objects.filter(is_active=True).exclude(pk=author_id)
    if department_ids:
        people = people.filter(department_id__in=department_ids)
    if location_ids:
        people = people.filter(location_id__in=location_ids)
    if roles:
        people = people.filter(role__in=roles)
    else:
        people = people.exclude(role=Role.GUEST, is_superuser=False)
    return people


def audience_queryset(announcement: Announcement) -> QuerySet[User]:
    """The audience of ``announcement`` as it is targeted now (see ``audience_people``)."""
    return audience_people(
        author_id=announcement.post.author_id,
        department_ids=[d.pk for d in announcement.departments.all()],
        location_ids=[loc.pk for loc in announcement.locations.all()],
        roles=list(announcement.roles or []),
        community_id=announcement.community_id,
    )


@dataclass(frozen=True)
class AudiencePreview:
    """How many people an announcement would reach now, and the first few by name."""

    size: int
    sample: list[str]

    @property
    def more(self) -> int:
        return max(self.size - len(self.sample), 0)


def audience_preview(
    *,
    actor: User,
    departments: list[str] | None = None,
    locations: list[str] | None = None,
    roles: list[str] | None = None,
    community: Community | None = None,
) -> AudiencePreview:
    """Who the composer's current targeting reaches, through the same rule as publishing.
    PermissionDenied for people who may not announce; ValidationError naming the field of an
    unknown department, location or role. Two queries (count and sample)."""
    if not can_announce(actor, community):
        raise PermissionDenied("Only communications people and administrators can announce.")
    errors = FieldErrors()
    found_departments, found_locations, role_values = resolve_targets(
        departments, locations, roles, errors
    )
    errors.raise_if_any()
    people = audience_people(
        author_id=actor.pk,
        department_ids=[d.pk for d in found_departments],
        location_ids=[loc.pk for loc in found_locations],
        roles=role_values,
        community_id=community.pk if community is not None else None,
    )
    sample = list(
        people.order_by("sort_name", "pk").values_list("display_name", flat=True)[:PREVIEW_SAMPLE]
    )
    size = len(sample) if len(sample) < PREVIEW_SAMPLE else people.count()
    return AudiencePreview(size=size, sample=sample)


def _announcements() -> QuerySet[Announcement]:
    return Announcement.objects.select_related("post", "post__author", "community")


def access_announcement(viewer: User, announcement_id: int) -> Announcement:
    """The announcement if ``viewer`` may see it, with ``my_receipt`` (or None) attached.

    Visible to its author and to communications people and administrators (also before it is
    published), and to everyone in its audience once published. Anyone else gets 404.
    """
    if not is_active_person(viewer):
        raise Http404("No such announcement.")
    announcement = _announcements().filter(pk=announcement_id).first()
    if announcement is None:
        raise Http404("No such announcement.")
    receipt = None
    if announcement.published_at is not None:
        receipt = AnnouncementReceipt.objects.filter(announcement=announcement, user=viewer).first()
    if receipt is None and not can_view_stats(viewer, announcement):
        raise Http404("No such announcement.")
    announcement.my_receipt = receipt  # type: ignore[attr-defined]
    return announcement


def pinned_announcements(
    viewer: User,
    *,
    now: dt.datetime | None = None,
    limit: int = PINNED_LIMIT,
    announcement_id: int | None = None,
) -> list[Announcement]:
    """What sits at the top of ``viewer``'s feed: published, unexpired, neither dismissed nor
    (for a must-read) acknowledged; must-read ones waiting for the viewer first, then the
    newest. One query. With ``announcement_id``: that one, if it is pinned for ``viewer``."""
    if not is_active_person(viewer):
        return []

    def build(
        reader: int, after: dt.datetime, only: int | None = None
    ) -> QuerySet[AnnouncementReceipt]:
        receipts = AnnouncementReceipt.objects.filter(
            user_id=reader, dismissed_at__isnull=True, announcement__published_at__isnull=False
        )
        if only is not None:
            receipts = receipts.filter(announcement_id=only)
        return (
            # An acknowledged must-read has done its job: it folds away (the viewer's list at
            # /announcements/ still has it).
            receipts.exclude(announcement__must_read=True, acknowledged_at__isnull=False)
            .filter(
                Q(announcement__expires_at__isnull=True) | Q(announcement__expires_at__gt=after)
            )
            .select_related(
                "announcement",
                "announcement__post",
                "announcement__post__author",
                "announcement__community",
            )
            .order_by(
                # Must-read ones still waiting for the viewer first.
                Case(
                    When(announcement__must_read=True, acknowledged_at__isnull=True, then=0),
                    default=1,
                    output_field=IntegerField(),
                ),
                "-announcement__published_at",
                "-announcement_id",
            )[:limit]
        )

    values: dict[str, int | dt.datetime] = {"reader": viewer.pk, "after": now or timezone.now()}
    if announcement_id is not None:
        values["only"] = announcement_id
    # A compiled template (core/sqlcache.py): it is on every home page.
    receipts = instances(
        ("pinned-announcements", announcement_id is not None, limit), build, values
    )
    pinned = []
    for receipt in receipts:
        announcement = receipt.announcement
        announcement.my_receipt = receipt  # type: ignore[attr-defined]
        pinned.append(announcement)
    return pinned


class PinnedCards(list[Announcement]):
    """The pinned cards, and whether the viewer has announcements to find again at
    /announcements/ (``has_earlier``: the feed links there)."""

    has_earlier: bool = False


def pinned_area(viewer: User, *, now: dt.datetime | None = None) -> PinnedCards:
    """What the home page shows above the feed: the pinned cards (one query) and, only when
    there are none, one more query to know whether to link to earlier announcements."""
    cards = PinnedCards(pinned_announcements(viewer, now=now))
    cards.has_earlier = bool(cards) or (is_active_person(viewer) and has_addressed(viewer))
    return cards


@dataclass(frozen=True)
class DepartmentStats:
    department: str | None
    audience: int
    seen: int
    acknowledged: int


@dataclass(frozen=True)
class AnnouncementStats:
    announcement: Announcement
    audience_size: int
    seen_count: int
    acknowledged_count: int
    not_acknowledged: Page[Any]
    by_department: list[DepartmentStats]

    @property
    def not_seen_count(self) -> int:
        return max(self.audience_size - self.seen_count, 0)

    @property
    def not_acknowledged_count(self) -> int:
        return max(self.audience_size - self.acknowledged_count, 0)

    def percent(self, count: int) -> int:
        return round(100 * count / self.audience_size) if self.audience_size else 0

    @property
    def seen_percent(self) -> int:
        return self.percent(self.seen_count)

    @property
    def acknowledged_percent(self) -> int:
        return self.percent(self.acknowledged_count)


def check_can_view_stats(viewer: User, announcement: Announcement) -> None:
    if not can_view_stats(viewer, announcement):
        raise PermissionDenied("Only the author and communications people can see these numbers.")


def announcement_stats(
    viewer: User,
    announcement_id: int,
    *,
    cursor: str | None = None,
    limit: int = STATS_PAGE_SIZE,
) -> AnnouncementStats:
    """Counts, a per-department breakdown and a page of who has not acknowledged (for a
    must-read announcement) or not seen it (otherwise), in name order. Author, communications
    and administrators only: 403 for the rest of the audience, 404 for everyone else.
    A constant number of queries, whatever the audience size."""
    announcement = access_announcement(viewer, announcement_id)
    check_can_view_stats(viewer, announcement)
    pending = AnnouncementReceipt.objects.filter(announcement=announcement)
    if announcement.must_read:
        pending = pending.filter(acknowledged_at__isnull=True)
    else:
        pending = pending.filter(seen_at__isnull=True)
    page = paginate(
        pending.select_related("user", "user__department", "user__location").annotate(
            person_sort=F("user__sort_name")
        ),
        keys=["person_sort", "id"],
        cursor=cursor,
        limit=max(1, min(limit, 100)),
    )
    rows = (
        AnnouncementReceipt.objects.filter(announcement=announcement)
        .values("user__department__name")
        .annotate(
            audience=Count("id"),
            seen=Count("id", filter=Q(seen_at__isnull=False)),
            acknowledged=Count("id", filter=Q(acknowledged_at__isnull=False)),
        )
        .order_by("-audience", "user__department__name")
    )
    by_department = [
        DepartmentStats(
            department=row["user__department__name"],
            audience=row["audience"],
            seen=row["seen"],
            acknowledged=row["acknowledged"],
        )
        for row in rows
    ]
    return AnnouncementStats(
        announcement=announcement,
        audience_size=announcement.audience_size,
        seen_count=announcement.seen_count,
        acknowledged_count=announcement.acknowledged_count,
        not_acknowledged=page,
        by_department=by_department,
    )


class Status:
    SCHEDULED = "scheduled"
    LIVE = "live"
    EXPIRED = "expired"


def announcement_status(announcement: Announcement, now: dt.datetime) -> str:
    if announcement.published_at is None:
        return Status.SCHEDULED
    if announcement.expires_at is not None and announcement.expires_at <= now:
        return Status.EXPIRED
    return Status.LIVE


def audience_words(announcement: Announcement) -> str:
    """The targeting in words: "Sales, Berlin · guests", "Members of Hiking", "Everyone".
    Reads ``departments`` and ``locations`` (prefetch them for a list)."""
    if announcement.community_id is not None:
        community = announcement.community
        return f"Members of {community.name}" if community is not None else "Community members"
    parts = []
    places = [d.name for d in announcement.departments.all()]
    places += [loc.name for loc in announcement.locations.all()]
    if places:
        parts.append(", ".join(places))
    roles = [ROLE_WORDS.get(Role(r), r) if r in Role.values else r for r in announcement.roles]
    if roles:
        parts.append(", ".join(roles))
    return " · ".join(parts) if parts else "Everyone"


def percent(count: int, total: int) -> int:
    return round(100 * count / total) if total else 0


def _decorate(items: list[Announcement], now: dt.datetime) -> None:
    for announcement in items:
        announcement.status = announcement_status(announcement, now)  # type: ignore[attr-defined]
        announcement.audience_text = audience_words(announcement)  # type: ignore[attr-defined]
        size = announcement.audience_size
        announcement.seen_percent = percent(announcement.seen_count, size)  # type: ignore[attr-defined]
        announcement.acknowledged_percent = percent(  # type: ignore[attr-defined]
            announcement.acknowledged_count, size
        )


def dashboard_page(
    viewer: User,
    *,
    cursor: str | None = None,
    limit: int = LIST_PAGE_SIZE,
    now: dt.datetime | None = None,
) -> Page[Announcement]:
    """The announcements ``viewer`` manages, newest publish time first: every company
    announcement for communications people and administrators, and anyone's own (a community
    owner's to their community). Paged over ``announcement_list_idx``; three queries (the page
    and the prefetched departments and locations). Raises InvalidCursorError."""
    if not is_active_person(viewer):
        raise Http404("Sign in first.")
    now = now or timezone.now()
    mine = Q(post__author_id=viewer.pk)
    scope = (Q(community__isnull=True) | mine) if can_manage_announcements(viewer) else mine
    page = paginate(
        _announcements().filter(scope).prefetch_related("departments", "locations"),
        keys=["-publish_at", "-id"],
        cursor=cursor,
        limit=max(1, min(limit, 100)),
    )
    _decorate(page.items, now)
    return page


def addressed_page(
    viewer: User,
    *,
    cursor: str | None = None,
    limit: int = LIST_PAGE_SIZE,
    now: dt.datetime | None = None,
) -> Page[AnnouncementReceipt]:
    """The announcements addressed to ``viewer`` (their receipts), newest first, folded
    (acknowledged, dismissed, expired) ones included: where a folded card is found again.
    Paged over ``receipt_user_recent_idx``. Raises InvalidCursorError."""
    if not is_active_person(viewer):
        raise Http404("Sign in first.")
    now = now or timezone.now()
    page = paginate(
        AnnouncementReceipt.objects.filter(
            user_id=viewer.pk, announcement__published_at__isnull=False
        ).select_related(
            "announcement",
            "announcement__post",
            "announcement__post__author",
            "announcement__community",
        ),
        keys=["-id"],
        cursor=cursor,
        limit=max(1, min(limit, 100)),
    )
    for receipt in page.items:
        announcement = receipt.announcement
        announcement.my_receipt = receipt  # type: ignore[attr-defined]
        announcement.status = announcement_status(announcement, now)  # type: ignore[attr-defined]
    return page


def has_addressed(viewer: User) -> bool:
    """Whether anything was ever announced to ``viewer`` (the feed links to the list then)."""
    return AnnouncementReceipt.objects.filter(
        user_id=viewer.pk, announcement__published_at__isnull=False
    ).exists()


@dataclass(frozen=True)
class Export:
    announcement: Announcement
    status: str
    audience_text: str
    seen_percent: int
    acknowledged_percent: int
    receipts: QuerySet[AnnouncementReceipt]


def announcement_export(viewer: User, announcement_id: int) -> Export:
    """Everything the CSV export holds: the summary and every receipt (name order, with
    department and location; iterate it, it is not loaded). The same people as the statistics:
    403 for the rest of the audience, 404 for everyone else."""
    announcement = access_announcement(viewer, announcement_id)
    check_can_view_stats(viewer, announcement)
    size = announcement.audience_size
    return Export(
        announcement=announcement,
        status=announcement_status(announcement, timezone.now()),
        audience_text=audience_words(announcement),
        seen_percent=percent(announcement.seen_count, size),
        acknowledged_percent=percent(announcement.acknowledged_count, size),
        receipts=AnnouncementReceipt.objects.filter(announcement=announcement)
        .select_related("user", "user__department", "user__location")
        .order_by("user__sort_name", "user_id"),
    )


def announcement_choices() -> dict[str, list[str]]:
    """Names for the targeting pickers on the new-announcement page."""
    return {
        "departments": list(Department.objects.order_by("name").values_list("name", flat=True)),
        "locations": list(Location.objects.order_by("name").values_list("name", flat=True)),
        "roles": list(Role.values),
    }


def target_names(values: list[str] | None) -> list[str]:
    return list(dict.fromkeys(v.strip() for v in (values or []) if v and v.strip()))


def _named[M: (Department, Location)](
    model: type[M], field: str, noun: str, values: list[str] | None, errors: FieldErrors
) -> list[M]:
    """The ``model`` rows named in ``values``; unknown names are added to ``errors`` under ``field``."""
    names = target_names(values)
    found = list(model.objects.filter(name__in=names))
    unknown = sorted(set(names) - {row.name for row in found})
    if unknown:
        errors.add(field, f"No {noun} is called " + ", ".join(repr(n) for n in unknown) + ".")
    return found


def resolve_targets(
    departments: list[str] | None,
    locations: list[str] | None,
    roles: list[str] | None,
    errors: FieldErrors,
) -> tuple[list[Department], list[Location], list[str]]:
    """The named departments, locations and roles; each unknown name is added to ``errors``
    under its field. Shared by publishing and the audience preview."""
    found_departments = _named(Department, "departments", "department", departments, errors)
    found_locations = _named(Location, "locations", "location", locations, errors)
    role_values = target_names(roles)
    unknown = sorted(set(role_values) - set(Role.values))
    if unknown:
        errors.add(
            "roles",
            "Unknown role "
            + ", ".join(repr(n) for n in unknown)
            + f" (use {', '.join(Role.values)}).",
        )
    return found_departments, found_locations, role_values


# --- The audience of an announcement's post (the feed's visibility rule asks through this) ------


class AnnouncementAudiences:
    """An announcement's post is seen by its audience (the people holding a receipt, written when
    it is published) and its author, and a published company announcement by communications
    people and administrators too; until it is published (a scheduled one), by its author
    only. Registered with the feed (``feed.audiences``) in ``AnnouncementsConfig.ready``."""

    relation = "announcement"

    def addressed_post_ids(self, viewer: User) -> QuerySet[AnnouncementReceipt, Any]:
        # Receipts exist from publication on, so this needs no "published" test.
        return AnnouncementReceipt.objects.filter(user_id=viewer.pk).values("announcement__post_id")

    def hidden_post_ids(self, viewer: User) -> QuerySet[Announcement, Any]:
        if viewer.is_communications:
            # A community's announcement is its members' business (and its owners'): secret
            # communities must not show through it.
            company_wide_published = Q(published_at__isnull=False, community__isnull=True)
            return Announcement.objects.exclude(company_wide_published).values("post_id")
        return self.all_post_ids()

    def all_post_ids(self) -> QuerySet[Announcement, Any]:
        return Announcement.objects.values("post_id")

    def audience(self, post_id: int, user_ids: set[int]) -> RestrictedAudience | None:
        found = (
            Announcement.objects.filter(post_id=post_id)
            .values_list("published_at", "community_id")
            .first()
        )
        if found is None:
            return None
        published_at, community_id = found
        addressed: set[int] = set()
        if published_at is not None and user_ids:
            addressed = set(
                AnnouncementReceipt.objects.filter(
                    announcement__post_id=post_id, user_id__in=user_ids
                ).values_list("user_id", flat=True)
            )
        return RestrictedAudience(
            published=published_at is not None,
            addressed=addressed,
            communications_too=community_id is None,
        )


ANNOUNCEMENT_AUDIENCES = AnnouncementAudiences()
