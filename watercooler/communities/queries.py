"""Reads of communities and memberships, with THE rule of who may see a community.

* The community itself (name, handle, description, member count): open and closed communities
  are visible to every active member of the company; secret ones only to their members; guests
  see only the communities they belong to. ``visible_communities_q`` is that rule.
* Its content (posts, members list, events, files): open communities' to every active member of
  the company (not guests), closed and secret ones' to their members only.
  ``content_communities_q`` is that rule; the feed's ``visible_posts_q`` uses its subqueries.

Anything asked for that the viewer may not see answers Http404, exactly like a missing one, so a
secret community cannot be probed by handle.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.db.models.functions import Lower
from django.http import Http404

from watercooler.communities import policy
from watercooler.communities.models import (
    Community,
    DirectoryRule,
    MemberRole,
    Membership,
    MembershipChange,
    MembershipStatus,
    Privacy,
)
from watercooler.communities.policy import can_see_content
from watercooler.communities.tabs import ShownTab, shown_tabs
from watercooler.core.paging import Page, paginate
from watercooler.core.policy import is_active_person
from watercooler.people import queries as people_queries
from watercooler.people.models import Department, Location, User

COMMUNITY_PAGE_SIZE = 24
MEMBERS_PAGE_SIZE = 50
NO_RULE = "This community has no directory rule."


def member_community_ids(viewer: User, *, following: bool | None = None) -> QuerySet[Any, Any]:
    """Subquery: the communities ``viewer`` is an active member of (optionally only those they
    follow in their home feed)."""
    rows = Membership.objects.filter(user_id=viewer.pk, status=MembershipStatus.ACTIVE)
    if following is not None:
        rows = rows.filter(following=following)
    return rows.values("community_id")


def open_community_ids() -> QuerySet[Any, Any]:
    """Subquery: the open communities (their content is visible to every member)."""
    return Community.objects.filter(privacy=Privacy.OPEN).values("pk")


def visible_communities_q(viewer: User) -> Q:
    """Filter on Community: the communities ``viewer`` may know exist."""
    if not is_active_person(viewer):
        return Q(pk__in=[])
    mine = Q(pk__in=member_community_ids(viewer))
    if viewer.is_guest:
        return mine
    return mine | ~Q(privacy=Privacy.SECRET)


def content_communities_q(viewer: User) -> Q:
    """Filter on Community: the communities whose posts, members and events ``viewer`` may see."""
    if not is_active_person(viewer):
        return Q(pk__in=[])
    mine = Q(pk__in=member_community_ids(viewer))
    if viewer.is_guest:
        return mine
    return mine | Q(privacy=Privacy.OPEN)


def visible_communities(viewer: User) -> QuerySet[Community]:
    return Community.objects.filter(visible_communities_q(viewer))


def can_fetch_cover_file(viewer: User, name: str) -> bool:
    """Whether ``viewer`` may fetch the stored cover image ``name``: they may know its
    community exists (a secret community's cover is for its members only)."""
    return bool(name) and visible_communities(viewer).filter(cover=name).exists()


def access_community(viewer: User, handle: str) -> Community:
    """The community ``handle`` if ``viewer`` may know it exists, else Http404."""
    if not is_active_person(viewer):
        raise Http404("No such community.")
    community = visible_communities(viewer).filter(handle=str(handle).lower()[:40]).first()
    if community is None:
        raise Http404("No such community.")
    return community


def membership_of(viewer: User, community: Community) -> Membership | None:
    """``viewer``'s membership row (active or pending) in ``community``, if any."""
    if not is_active_person(viewer):
        return None
    return Membership.objects.filter(community_id=community.pk, user_id=viewer.pk).first()


def check_can_see_content(viewer: User, community: Community) -> Membership | None:
    """Http404 unless ``viewer`` may see the content of ``community`` (already loaded through
    ``access_community``); returns their membership. For closed communities the page shows the
    community card and a request button instead (it does not call this)."""
    membership = membership_of(viewer, community)
    if not can_see_content(viewer, community, membership):
        raise Http404("Only members can see this community's content.")
    return membership


def shares_community(viewer: User, person: User) -> bool:
    """Whether ``viewer`` and ``person`` are both active members of one community (a guest may
    then see ``person``'s profile card: people.queries.register_guest_contact)."""
    if not is_active_person(viewer):
        return False
    return Membership.objects.filter(
        user_id=person.pk,
        status=MembershipStatus.ACTIVE,
        community_id__in=member_community_ids(viewer),
    ).exists()


def person_communities(viewer: User, person: User, *, limit: int = 12) -> list[Community]:
    """The communities ``person`` is an active member of that ``viewer`` may know exist (a
    secret one only to its members), largest first."""
    if not is_active_person(viewer):
        return []
    mine = Membership.objects.filter(user_id=person.pk, status=MembershipStatus.ACTIVE)
    rows = visible_communities(viewer).filter(pk__in=mine.values("community_id"))
    return list(rows.order_by("-member_count", "id")[:limit])


# --- Lists ---------------------------------------------------------------------------------------


def communities_page(
    viewer: User,
    *,
    q: str | None = None,
    category: str | None = None,
    mine: bool = False,
    cursor: str | None = None,
    limit: int = COMMUNITY_PAGE_SIZE,
) -> Page[Community]:
    """The directory of communities ``viewer`` may see: the largest first, or by name when
    searching (``q`` matches name, handle or description). ``mine`` keeps only their own."""
    if not is_active_person(viewer):
        raise Http404("Sign in first.")
    rows = visible_communities(viewer)
    if mine:
        rows = rows.filter(pk__in=member_community_ids(viewer))
    if category:
        rows = rows.filter(category=category)
    query = " ".join((q or "").split())[:80]
    if query:
        rows = rows.filter(
            Q(name__icontains=query)
            | Q(handle__icontains=query.lower())
            | Q(description__icontains=query)
        )
        rows = rows.annotate(name_key=Lower("name"))
        return paginate(rows, keys=["name_key", "id"], cursor=cursor, limit=limit)
    return paginate(rows, keys=["-member_count", "id"], cursor=cursor, limit=limit)


def members_page(
    viewer: User,
    community: Community,
    *,
    status: str = MembershipStatus.ACTIVE,
    cursor: str | None = None,
    limit: int = MEMBERS_PAGE_SIZE,
    q: str = "",
) -> Page[Membership]:
    """Members (newest first) of a community whose content ``viewer`` may see, optionally only
    those whose name matches ``q``; the pending requests (``status="pending"``) only for those
    who moderate it (``requests_page``)."""
    if status == MembershipStatus.PENDING:
        return requests_page(viewer, community, cursor=cursor, limit=limit)
    check_can_see_content(viewer, community)
    rows = Membership.objects.select_related("user", "user__department", "user__location")
    rows = rows.filter(
        community_id=community.pk, user__is_active=True, status=MembershipStatus.ACTIVE
    )
    q = _search_words(q)
    if q:
        rows = rows.filter(people_queries.name_matches(q, prefix="user__"))
    return paginate(rows, keys=["-joined_at", "-id"], cursor=cursor, limit=limit)


def _search_words(q: str) -> str:
    """At most 80 characters of ``q``, spaces collapsed; a NUL matches no stored name."""
    return "" if "\x00" in q else " ".join(str(q).split())[:80]


def member_candidates(viewer: User, community: Community, q: str, *, limit: int = 8) -> list[User]:
    """People from the directory whose name matches ``q`` and who are not active members of
    ``community``, by name: the "Add people" picker. PermissionDenied for anyone who does not
    moderate the community (or may not browse the directory)."""
    people_queries.check_can_browse_directory(viewer)
    if not policy.can_manage_members(viewer, membership_of(viewer, community)):
        raise PermissionDenied("Only the community's moderators add people.")
    q = _search_words(q)
    if not q:
        return []
    members = Membership.objects.filter(
        community_id=community.pk, status=MembershipStatus.ACTIVE
    ).values("user_id")
    rows = User.objects.select_related("department").filter(
        people_queries.name_matches(q), is_active=True
    )
    return list(rows.exclude(pk__in=members).order_by("sort_name", "id")[:limit])


@dataclass(frozen=True)
class CommunityHeader:
    """What every tab of a community's page shows above its content (3 queries at most), and
    what ``viewer`` may do there: ``policy``'s answers, for the tabs and buttons."""

    viewer: User
    community: Community
    membership: Membership | None  # the viewer's, active or pending
    pending_count: int  # requests waiting, for those who moderate (0 for others)

    @property
    def is_member(self) -> bool:
        return policy.is_member(self.membership)

    @property
    def tabs(self) -> list[ShownTab]:
        """The page's tabs (every app registers its own in ``communities.tabs``)."""
        return shown_tabs(
            self.community.handle,
            can_moderate=self.can_moderate,
            badges={"requests": self.pending_count},
        )

    @property
    def has_requested(self) -> bool:
        return self.membership is not None and not self.membership.is_active

    @property
    def is_owner(self) -> bool:
        return policy.is_owner(self.viewer, self.membership)

    @property
    def can_see_content(self) -> bool:
        return can_see_content(self.viewer, self.community, self.membership)

    @property
    def can_join(self) -> bool:
        return policy.can_join(self.viewer, self.community)

    @property
    def can_moderate(self) -> bool:
        return policy.can_moderate(self.viewer, self.membership)

    @property
    def can_change_settings(self) -> bool:
        return policy.can_change_settings(self.viewer, self.membership)

    @property
    def can_change_handle(self) -> bool:
        return policy.can_change_handle(self.viewer, self.membership)

    @property
    def can_manage_members(self) -> bool:
        return policy.can_manage_members(self.viewer, self.membership)

    @property
    def can_change_roles(self) -> bool:
        return policy.can_change_roles(self.viewer, self.membership)

    @property
    def can_transfer_ownership(self) -> bool:
        return policy.can_transfer_ownership(self.viewer, self.membership)

    def can_remove(self, member: Membership) -> bool:
        """Whether the viewer may remove ``member`` (templates: ``header|can_remove:m``)."""
        return policy.can_remove_member(self.viewer, self.membership, member)


def community_header(viewer: User, handle: str) -> CommunityHeader:
    """The community ``handle`` as ``viewer`` sees it (Http404 if they may not know it exists)."""
    community = access_community(viewer, handle)
    membership = membership_of(viewer, community)
    pending = 0
    if policy.can_manage_members(viewer, membership):
        pending = Membership.objects.filter(
            community_id=community.pk, status=MembershipStatus.PENDING
        ).count()
    return CommunityHeader(
        viewer=viewer, community=community, membership=membership, pending_count=pending
    )


# --- Pages: suggestions, directory cards, about and settings (communities-pages) ----------------


@dataclass(frozen=True)
class Suggestion:
    """A community ``viewer`` is not in, and why it is suggested ("12 people in Sales are
    members")."""

    community: Community
    reason: str


def _people_are(count: int, where: str) -> str:
    if count == 1:
        return f"1 person {where} is a member"
    return f"{count} people {where} are members"


def suggested_communities(viewer: User, limit: int = 6) -> list[Suggestion]:
    """Visible communities ``viewer`` is not in (nor asked to join), ranked by how many active
    people of their department, then of their location, then of their team (same manager, their
    manager, their reports) are members in them. One query, plus one for the department and
    location names when the viewer's were not loaded. Guests get none: they see only their own."""
    if not is_active_person(viewer) or viewer.is_guest:
        return []
    active_member = Q(
        memberships__status=MembershipStatus.ACTIVE, memberships__user__is_active=True
    ) & ~Q(memberships__user_id=viewer.pk)

    def count_where(condition: Q | None) -> Any:
        if condition is None:
            return Value(0)
        return Count("memberships", filter=active_member & condition)

    department = viewer.department_id
    location = viewer.location_id
    team = Q(memberships__user__manager_id=viewer.pk)
    if viewer.manager_id is not None:
        team |= Q(memberships__user__manager_id=viewer.manager_id)
        team |= Q(memberships__user_id=viewer.manager_id)
    mine = Membership.objects.filter(user_id=viewer.pk).values("community_id")
    rows = (
        visible_communities(viewer)
        .exclude(pk__in=mine)
        .annotate(
            in_department=count_where(
                None if department is None else Q(memberships__user__department_id=department)
            ),
            in_location=count_where(
                None if location is None else Q(memberships__user__location_id=location)
            ),
            in_team=count_where(team),
        )
        .filter(Q(in_department__gt=0) | Q(in_location__gt=0) | Q(in_team__gt=0))
        .order_by("-in_department", "-in_location", "-in_team", "-member_count", "id")[:limit]
    )
    suggestions = []
    for community in rows:
        if community.in_department:
            reason = _people_are(community.in_department, f"in {viewer.department}")
        elif community.in_location:
            reason = _people_are(community.in_location, f"in {viewer.location}")
        else:
            reason = _people_are(community.in_team, "in your team")
        suggestions.append(Suggestion(community=community, reason=reason))
    return suggestions


def card_headers(viewer: User, communities: list[Community]) -> list[CommunityHeader]:
    """What the directory's cards need of each community for ``viewer`` (their Join / Requested
    / Leave button): one query for all the viewer's memberships among them. Cards show no
    moderation, so ``pending_count`` is 0 there."""
    if not communities:
        return []
    rows = Membership.objects.filter(
        user_id=viewer.pk, community_id__in=[c.pk for c in communities]
    )
    by_community = {m.community_id: m for m in rows}
    headers = []
    for community in communities:
        membership = by_community.get(community.pk)
        headers.append(
            CommunityHeader(
                viewer=viewer, community=community, membership=membership, pending_count=0
            )
        )
    return headers


def community_staff(community: Community) -> list[Membership]:
    """The owners, then the moderators, of a community ``viewer`` may know exists (the About tab
    lists them, also to non-members of a closed community: they are whom to ask)."""
    return list(
        Membership.objects.select_related("user")
        .filter(
            community_id=community.pk,
            status=MembershipStatus.ACTIVE,
            role__in=[MemberRole.OWNER, MemberRole.MODERATOR],
            user__is_active=True,
        )
        .order_by(
            Case(When(role=MemberRole.OWNER, then=Value(0)), default=Value(1)),
            "user__sort_name",
            "id",
        )
    )


def community_rule(community: Community) -> DirectoryRule | None:
    """The community's directory rule with its departments and locations (2 queries), if any."""
    return (
        DirectoryRule.objects.filter(community_id=community.pk)
        .prefetch_related("departments", "locations")
        .first()
    )


def access_rule(viewer: User, handle: str) -> DirectoryRule:
    """The directory rule of the community ``handle``, for anyone who may know the community
    exists (its About tab says whom the rule takes in); Http404 without a rule. Its
    ``community`` is loaded."""
    community = access_community(viewer, handle)
    rule = community_rule(community)
    if rule is None:
        raise Http404(NO_RULE)
    rule.community = community
    return rule


def rule_summary(rule: DirectoryRule | None) -> str:
    """In words, who a directory rule makes a member: "Everyone in Sales in EMEA is a member
    automatically". "" without a rule or when it has no condition (it matches nobody)."""
    if rule is None:
        return ""
    parts = []
    departments = [d.name for d in rule.departments.all()]
    if departments:
        parts.append("in " + _either(departments))
    places = [loc.name for loc in rule.locations.all()]
    places += [str(r) for r in rule.regions or []] + [str(c) for c in rule.countries or []]
    if places:
        parts.append("in " + _either(places))
    if not parts:
        return ""
    return f"Everyone {' '.join(parts)} is a member automatically"


def _either(names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " or " + names[-1]


def rule_choices() -> dict[str, list[str]]:
    """What a directory rule can name: departments and locations, and the regions and countries
    the locations are in (short lists an organisation curates)."""
    locations = list(Location.objects.order_by("name").values_list("name", "region", "country"))
    return {
        "departments": list(Department.objects.order_by("name").values_list("name", flat=True)),
        "locations": [name for name, _region, _country in locations],
        "regions": sorted({region for _name, region, _c in locations if region}),
        "countries": sorted({country for _name, _r, country in locations if country}),
    }


def membership_changes_since(community: Community, since: dt.datetime) -> tuple[int, int]:
    """How many people joined and left ``community`` since ``since`` (from its change log):
    what applying a directory rule did, for the settings page's "12 added, 3 removed"."""
    totals = MembershipChange.objects.filter(community_id=community.pk, at__gte=since).aggregate(
        added=Count("id", filter=Q(delta__gt=0)), removed=Count("id", filter=Q(delta__lt=0))
    )
    return int(totals["added"] or 0), int(totals["removed"] or 0)


def requests_page(
    viewer: User,
    community: Community,
    *,
    cursor: str | None = None,
    limit: int = MEMBERS_PAGE_SIZE,
) -> Page[Membership]:
    """Requests to join (newest first) for whoever moderates ``community``, Http404 for others.
    Site administrators moderate every community they can see, so they answer requests to a
    closed community they are not a member of (its content stays hidden from them otherwise)."""
    if not policy.can_manage_members(viewer, membership_of(viewer, community)):
        raise Http404("Only owners and moderators see requests to join.")
    rows = Membership.objects.select_related("user", "user__department", "user__location")
    rows = rows.filter(
        community_id=community.pk, user__is_active=True, status=MembershipStatus.PENDING
    )
    return paginate(rows, keys=["-requested_at", "-id"], cursor=cursor, limit=limit)


def moderated_community_ids(actor: User, community_ids: Iterable[int | None]) -> set[int]:
    """Which of ``community_ids`` ``actor`` moderates (owner or moderator, or any of them for an
    administrator): one query, none when the list holds no community. For pages that decide
    per card or row whether to offer Pin, Delete or Edit."""
    wanted = {pk for pk in community_ids if pk is not None}
    if not wanted or not is_active_person(actor):
        return set()
    if actor.is_administrator:
        return wanted
    return set(
        Membership.objects.filter(
            user_id=actor.pk,
            community_id__in=wanted,
            status=MembershipStatus.ACTIVE,
            role__in=policy.MODERATING_ROLES,
        ).values_list("community_id", flat=True)
    )
