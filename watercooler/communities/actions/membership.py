"""Membership: joining, asking to join, leaving, adding and removing people, roles, handing
over ownership and following a community in one's home feed.

Every change locks the community's row first, so ``member_count`` (updated with F() in the same
transaction) and "is this the last owner?" cannot race. It writes a ``MembershipChange`` (+1/-1)
for the health page, and on commit sends ``follows.changed`` to the person's sockets (they
re-join their community groups) and a domain signal (``communities.signals``) for
notifications.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone

from watercooler.communities import signals
from watercooler.communities.actions.checks import (
    check_can_change_roles,
    check_can_join,
    check_can_leave,
    check_can_manage_members,
    check_can_remove_member,
    check_can_transfer_ownership,
    lock,
    membership_row,
)
from watercooler.communities.models import (
    Community,
    DirectoryRule,
    MemberRole,
    Membership,
    MembershipChange,
    MembershipSource,
    MembershipStatus,
    Privacy,
    RuleOptOut,
)
from watercooler.communities.rules import follows_changed
from watercooler.core.errors import Conflict
from watercooler.core.policy import check_active
from watercooler.people.models import User


def _count(community: Community, delta: int) -> None:
    Community.objects.filter(pk=community.pk).update(member_count=F("member_count") + delta)


def _active_owner_count(community: Community) -> int:
    # Deactivated owners cannot hand anything over, so they do not count.
    return Membership.objects.filter(
        community_id=community.pk,
        role=MemberRole.OWNER,
        status=MembershipStatus.ACTIVE,
        user__is_active=True,
    ).count()


def _check_not_last_owner(community: Community, membership: Membership, *, field: str) -> None:
    if (
        membership.is_active
        and membership.role == MemberRole.OWNER
        and _active_owner_count(community) <= 1
    ):
        raise ValidationError(
            {field: ["The only owner cannot leave: make someone else an owner first."]}
        )


def _add_active(
    community: Community,
    user: User,
    *,
    by: User | None,
    pending: Membership | None = None,
) -> Membership:
    """Make ``user`` an active member (approving ``pending`` if given); the community is locked.
    Joining again clears a directory rule's opt-out: their choice now is to be in."""
    now = timezone.now()
    if pending is not None:
        membership = pending
        membership.status = MembershipStatus.ACTIVE
        membership.joined_at = now
        membership.added_by = by
        membership.following = True
        membership.save(update_fields=["status", "joined_at", "added_by", "following"])
    else:
        membership = Membership.objects.create(
            community=community,
            user=user,
            role=MemberRole.MEMBER,
            status=MembershipStatus.ACTIVE,
            source=MembershipSource.MANUAL,
            following=True,
            joined_at=now,
            added_by=by,
        )
    RuleOptOut.objects.filter(community_id=community.pk, user_id=user.pk).delete()
    _count(community, 1)
    MembershipChange.objects.create(community=community, user=user, delta=1, at=now)
    follows_changed([user.pk])
    return membership


def _remove_active(community: Community, membership: Membership) -> None:
    """Delete an active membership (the community is locked), remembering it for the rule."""
    if DirectoryRule.objects.filter(community_id=community.pk).exists():
        # Otherwise the rule would add them straight back the next time it applies.
        RuleOptOut.objects.get_or_create(community_id=community.pk, user_id=membership.user_id)
    membership.delete()
    _count(community, -1)
    MembershipChange.objects.create(
        community=community, user_id=membership.user_id, delta=-1, at=timezone.now()
    )
    follows_changed([membership.user_id])


@transaction.atomic
def do_join(*, actor: User, community: Community) -> Membership:
    """Join an open community (active at once) or ask to join a closed one (pending). Secret
    ones: Http404 (nobody joins what they cannot know exists; owners add people). Guests:
    PermissionDenied. Already a member or already asked: Conflict. On commit:
    ``signals.member_joined`` or ``signals.membership_requested``."""
    check_active(actor)
    community = lock(community)
    membership = membership_row(community, actor)
    if membership is not None:
        if membership.is_active:
            raise Conflict("You are already a member of this community.")
        raise Conflict("You have already asked to join; its owners and moderators will answer.")
    check_can_join(actor, community)
    if community.privacy == Privacy.CLOSED:
        membership = Membership.objects.create(
            community=community,
            user=actor,
            status=MembershipStatus.PENDING,
            requested_at=timezone.now(),
        )
        signals.send_on_commit(signals.membership_requested, community=community, user=actor)
        return membership
    membership = _add_active(community, actor, by=actor)
    signals.send_on_commit(signals.member_joined, community=community, user=actor)
    return membership


@transaction.atomic
def do_leave(*, actor: User, community: Community) -> None:
    """Leave, or withdraw a request to join. The last owner cannot leave (ValidationError on
    ``role``); people a directory rule added leave only when the rule allows it
    (PermissionDenied otherwise), and the rule then leaves them out. Not a member: Http404."""
    check_active(actor)
    community = lock(community)
    membership = membership_row(community, actor)
    if membership is None:
        raise Http404("You are not a member of this community.")
    if not membership.is_active:
        membership.delete()
        signals.send_on_commit(
            signals.member_left, community=community, user=actor, was_pending=True
        )
        return
    _check_not_last_owner(community, membership, field="role")
    check_can_leave(membership, DirectoryRule.objects.filter(community_id=community.pk).first())
    _remove_active(community, membership)
    signals.send_on_commit(signals.member_left, community=community, user=actor, was_pending=False)


@transaction.atomic
def do_add_member(*, actor: User, community: Community, user: User) -> Membership:
    """Add ``user`` at once, or approve their request (owners and moderators; guests may be
    added). Already a member: Conflict. On commit: ``signals.member_added(community=, user=,
    by=, approved=)``."""
    check_active(actor)
    community = lock(community)
    check_can_manage_members(actor, community, doing="add people")
    if not user.is_active:
        raise ValidationError({"username": ["This person's account is deactivated."]})
    membership = membership_row(community, user)
    if membership is not None and membership.is_active:
        raise Conflict(f"{user.display_name} is already a member.")
    approved = membership is not None
    membership = _add_active(community, user, by=actor, pending=membership)
    signals.send_on_commit(
        signals.member_added, community=community, user=user, by=actor, approved=approved
    )
    return membership


@transaction.atomic
def do_remove_member(*, actor: User, community: Community, user: User) -> None:
    """Remove a member, or decline their request (owners and moderators). Only an owner removes
    an owner, and the last owner cannot be removed. Removing oneself is leaving
    (``do_leave``). Not a member: Http404. On commit: ``signals.member_removed``."""
    if user.pk == actor.pk:
        do_leave(actor=actor, community=community)
        return
    check_active(actor)
    community = lock(community)
    mine = check_can_manage_members(actor, community, doing="remove people")
    membership = membership_row(community, user)
    if membership is None:
        raise Http404(f"{user.display_name} is not a member of this community.")
    if not membership.is_active:
        membership.delete()
        signals.send_on_commit(
            signals.member_removed, community=community, user=user, by=actor, was_pending=True
        )
        return
    check_can_remove_member(actor, mine, membership)
    _check_not_last_owner(community, membership, field="username")
    _remove_active(community, membership)
    signals.send_on_commit(
        signals.member_removed, community=community, user=user, by=actor, was_pending=False
    )


def _active_membership_of(community: Community, user: User) -> Membership:
    membership = membership_row(community, user)
    if membership is None or not membership.is_active:
        raise Http404(f"{user.display_name} is not a member of this community.")
    return membership


@transaction.atomic
def do_set_role(*, actor: User, community: Community, user: User, role: Any) -> Membership:
    """Make a member an owner, moderator or member (owners only). The last owner cannot be
    demoted (ValidationError on ``role``). On commit: ``signals.role_changed``."""
    check_active(actor)
    if role not in MemberRole.values:
        raise ValidationError({"role": [f"Must be one of: {', '.join(MemberRole.values)}."]})
    community = lock(community)
    check_can_change_roles(actor, community)
    membership = _active_membership_of(community, user)
    if membership.role == role:
        return membership
    if membership.role == MemberRole.OWNER:
        _check_not_last_owner(community, membership, field="role")
    membership.role = str(role)
    membership.save(update_fields=["role"])
    signals.send_on_commit(
        signals.role_changed, community=community, user=user, role=membership.role, by=actor
    )
    return membership


@transaction.atomic
def do_transfer_ownership(*, actor: User, community: Community, user: User) -> None:
    """Hand ownership to ``user``, an active member (owners only): they become an owner and the
    actor a moderator. Errors on ``username``."""
    check_active(actor)
    community = lock(community)
    mine = check_can_transfer_ownership(actor, community)
    if user.pk == actor.pk:
        raise ValidationError({"username": ["You already own this community."]})
    target = membership_row(community, user)
    if target is None or not target.is_active:
        raise ValidationError(
            {"username": [f"{user.display_name} is not a member; add them first."]}
        )
    if not user.is_active:
        raise ValidationError({"username": ["This person's account is deactivated."]})
    target.role = MemberRole.OWNER
    target.save(update_fields=["role"])
    mine.role = MemberRole.MODERATOR
    mine.save(update_fields=["role"])
    for member, role in ((user, MemberRole.OWNER), (actor, MemberRole.MODERATOR)):
        signals.send_on_commit(
            signals.role_changed, community=community, user=member, role=role, by=actor
        )


@transaction.atomic
def do_set_following(*, actor: User, community: Community, following: Any) -> Membership:
    """Show (or stop showing) the community's posts in one's home feed; members only
    (Http404 otherwise). On commit: ``follows.changed`` to the actor."""
    check_active(actor)
    if not isinstance(following, bool):
        raise ValidationError({"following": ["Must be true or false."]})
    membership = membership_row(community, actor)
    if membership is None or not membership.is_active:
        raise Http404("You are not a member of this community.")
    if membership.following != following:
        membership.following = following
        membership.save(update_fields=["following"])
        follows_changed([actor.pk])
    return membership
