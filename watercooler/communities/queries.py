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

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.http import Http404

from watercooler.communities.models import (
    Community,
    MemberRole,
    Membership,
    MembershipStatus,
    Privacy,
)
from watercooler.core.paging import Page, paginate
from watercooler.people.models import User

COMMUNITY_PAGE_SIZE = 24
MEMBERS_PAGE_SIZE = 50


def _active(viewer: Any) -> bool:
    return bool(viewer is not None and viewer.is_authenticated and viewer.is_active)


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
    if not _active(viewer):
        return Q(pk__in=[])
    mine = Q(pk__in=member_community_ids(viewer))
    if viewer.is_guest:
        return mine
    return mine | ~Q(privacy=Privacy.SECRET)


def content_communities_q(viewer: User) -> Q:
    """Filter on Community: the communities whose posts, members and events ``viewer`` may see."""
    if not _active(viewer):
        return Q(pk__in=[])
    mine = Q(pk__in=member_community_ids(viewer))
    if viewer.is_guest:
        return mine
    return mine | Q(privacy=Privacy.OPEN)


def visible_communities(viewer: User) -> QuerySet[Community]:
    return Community.objects.filter(visible_communities_q(viewer))


def access_community(viewer: User, handle: str) -> Community:
    """The community ``handle`` if ``viewer`` may know it exists, else Http404."""
    if not _active(viewer):
        raise Http404("No such community.")
    community = visible_communities(viewer).filter(handle=str(handle).lower()[:40]).first()
    if community is None:
        raise Http404("No such community.")
    return community


def membership_of(viewer: User, community: Community) -> Membership | None:
    """``viewer``'s membership row (active or pending) in ``community``, if any."""
    if not _active(viewer):
        return None
    return Membership.objects.filter(community_id=community.pk, user_id=viewer.pk).first()


def can_see_content(viewer: User, community: Community, membership: Membership | None) -> bool:
    """Whether ``viewer`` (whose ``membership`` was loaded) may see the community's content."""
    if not _active(viewer):
        return False
    if membership is not None and membership.is_active:
        return True
    return community.privacy == Privacy.OPEN and not viewer.is_guest


def check_can_see_content(viewer: User, community: Community) -> Membership | None:
    """Http404 unless ``viewer`` may see the content of ``community`` (already loaded through
    ``access_community``); returns their membership. For closed communities the page shows the
    community card and a request button instead (it does not call this)."""
    membership = membership_of(viewer, community)
    if not can_see_content(viewer, community, membership):
        raise Http404("Only members can see this community's content.")
    return membership


def can_moderate(viewer: User, membership: Membership | None) -> bool:
    """Owners and moderators moderate; administrators may too (they run the network)."""
    if not _active(viewer):
        return False
    if membership is not None and membership.can_moderate:
        return True
    return viewer.is_administrator


def is_owner(viewer: User, membership: Membership | None) -> bool:
    return bool(
        membership is not None and membership.is_active and membership.role == MemberRole.OWNER
    )


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
    if not _active(viewer):
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
) -> Page[Membership]:
    """Members (newest first) of a community whose content ``viewer`` may see; the pending
    requests (``status="pending"``) only for those who moderate it."""
    membership = check_can_see_content(viewer, community)
    rows = Membership.objects.select_related("user", "user__department", "user__location")
    rows = rows.filter(community_id=community.pk, user__is_active=True)
    if status == MembershipStatus.PENDING:
        if not can_moderate(viewer, membership):
            raise Http404("Only owners and moderators see requests to join.")
        rows = rows.filter(status=MembershipStatus.PENDING)
        return paginate(rows, keys=["-requested_at", "-id"], cursor=cursor, limit=limit)
    rows = rows.filter(status=MembershipStatus.ACTIVE)
    return paginate(rows, keys=["-joined_at", "-id"], cursor=cursor, limit=limit)


@dataclass(frozen=True)
class CommunityHeader:
    """What every tab of a community's page shows above its content (3 queries at most)."""

    community: Community
    membership: Membership | None
    can_see_content: bool
    can_moderate: bool
    is_owner: bool
    pending_count: int  # requests waiting, for those who moderate (0 for others)

    @property
    def is_member(self) -> bool:
        return self.membership is not None and self.membership.is_active

    @property
    def has_requested(self) -> bool:
        return self.membership is not None and not self.membership.is_active


def community_header(viewer: User, handle: str) -> CommunityHeader:
    """The community ``handle`` as ``viewer`` sees it (Http404 if they may not know it exists)."""
    community = access_community(viewer, handle)
    membership = membership_of(viewer, community)
    moderates = can_moderate(viewer, membership)
    pending = 0
    if moderates:
        pending = Membership.objects.filter(
            community_id=community.pk, status=MembershipStatus.PENDING
        ).count()
    return CommunityHeader(
        community=community,
        membership=membership,
        can_see_content=can_see_content(viewer, community, membership),
        can_moderate=moderates,
        is_owner=is_owner(viewer, membership),
        pending_count=pending,
    )
