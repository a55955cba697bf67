"""Who may do what with announcements: plain yes/no answers for pages (which buttons to show),
queries and actions (which raise through their ``check_*``)."""

from watercooler.announcements.models import Announcement
from watercooler.communities.models import Community, MemberRole, Membership, MembershipStatus
from watercooler.core.policy import is_active_person
from watercooler.people.models import User


def _owns_community(user: User, community_id: int) -> bool:
    return Membership.objects.filter(
        community_id=community_id,
        user_id=user.pk,
        status=MembershipStatus.ACTIVE,
        role=MemberRole.OWNER,
    ).exists()


def can_announce(user: User, community: Community | None = None) -> bool:
    """Company-wide: communications people and administrators (``is_communications`` covers
    both). To a community: its active owners only (the issue's rule; moderators do not)."""
    if not is_active_person(user):
        return False
    if community is not None:
        return _owns_community(user, community.pk)
    return bool(user.is_communications)


def can_view_stats(viewer: User, announcement: Announcement) -> bool:
    """The author; for a company announcement communications people too, for a community's
    its owners (communications people may not even know a secret community exists)."""
    if not viewer.is_authenticated:
        return False
    if announcement.post.author_id == viewer.pk:
        return True
    if announcement.community_id is not None:
        return _owns_community(viewer, announcement.community_id)
    return bool(viewer.is_communications)


def can_manage_announcements(viewer: User) -> bool:
    """Who gets the dashboard of every company announcement: communications and admins."""
    return is_active_person(viewer) and viewer.is_communications
