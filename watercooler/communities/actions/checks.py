"""What every communities action shares: the actor's membership row, the lock on a community's
row, and the ``check_*`` functions that turn ``communities.policy``'s answers into errors
(``PermissionDenied``; ``Http404`` for what the actor may not even know exists).

A check that needs the actor's membership loads it and returns it, so the action reads it once.
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404

from watercooler.communities import policy
from watercooler.communities.models import Community, DirectoryRule, Membership
from watercooler.core.policy import check_active
from watercooler.people.models import User

NO_SUCH_COMMUNITY = "No such community."
ONLY_OWNERS_HAND_OVER = "Only an owner can hand over ownership."


def membership_row(community: Community, user: User) -> Membership | None:
    return Membership.objects.filter(community_id=community.pk, user_id=user.pk).first()


def lock(community: Community) -> Community:
    """Lock the community's row: every membership change of one community is serialised here."""
    return Community.objects.select_for_update().get(pk=community.pk)


def _check(
    allowed: Callable[[User, Membership | None], bool],
    actor: User,
    community: Community,
    message: str,
) -> Membership | None:
    """PermissionDenied with ``message`` unless ``allowed(actor, their membership)``; returns
    their membership."""
    check_active(actor)
    mine = membership_row(community, actor)
    if not allowed(actor, mine):
        raise PermissionDenied(message)
    return mine


def check_can_create(actor: User) -> None:
    check_active(actor)
    if not policy.can_create_community(actor):
        raise PermissionDenied("Guests cannot create communities.")


def check_can_join(actor: User, community: Community) -> None:
    """Http404 for a secret community (nobody joins what they cannot know exists),
    PermissionDenied for guests."""
    check_active(actor)
    if not policy.is_joinable(community):
        raise Http404(NO_SUCH_COMMUNITY)
    if not policy.can_join(actor, community):
        raise PermissionDenied("Guests join a community when its owners or moderators add them.")


def check_can_leave(membership: Membership, rule: DirectoryRule | None) -> None:
    if not policy.can_leave(membership, rule):
        raise PermissionDenied(
            "You are a member through this community's directory rule, and its owners do"
            " not allow leaving it."
        )


def check_can_change_settings(
    actor: User, community: Community, *, doing: str = "change settings"
) -> Membership | None:
    return _check(
        policy.can_change_settings,
        actor,
        community,
        f"Only owners and moderators can {doing}.",
    )


def check_can_manage_members(actor: User, community: Community, *, doing: str) -> Membership | None:
    return _check(
        policy.can_manage_members, actor, community, f"Only owners and moderators can {doing}."
    )


def check_can_remove_member(actor: User, mine: Membership | None, member: Membership) -> None:
    """``mine``: the actor's membership (``check_can_manage_members`` returned it)."""
    if not policy.can_remove_member(actor, mine, member):
        raise PermissionDenied("Only an owner can remove another owner.")


def check_can_change_roles(actor: User, community: Community) -> Membership | None:
    return _check(policy.can_change_roles, actor, community, "Only owners can change roles.")


def check_can_transfer_ownership(actor: User, community: Community) -> Membership:
    mine = _check(policy.can_transfer_ownership, actor, community, ONLY_OWNERS_HAND_OVER)
    if mine is None:  # an owner has a membership; this only tells the type checker so
        raise PermissionDenied(ONLY_OWNERS_HAND_OVER)
    return mine


def check_can_change_rule(actor: User, community: Community) -> Membership | None:
    return _check(
        policy.can_change_rule, actor, community, "Only owners and moderators can change the rule."
    )


def check_can_apply_rule(actor: User, community: Community) -> Membership | None:
    return _check(
        policy.can_apply_rule, actor, community, "Only owners and moderators can apply the rule."
    )
