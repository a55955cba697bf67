"""Who may do what in a community: plain yes/no answers, written once.

Queries, views and templates ask these to decide what to show (a tab, a button); actions ask
them through their ``check_*`` functions, which raise ``PermissionDenied`` (or ``Http404``).
Nothing here reads the database: each predicate takes the rows it needs, already loaded —
usually ``membership``, the viewer's own row in the community (active or pending), or None.

* Any active member of the company who is not a guest creates communities and joins open ones
  (closed ones: asks to join). Nobody joins a secret community by themselves. Guests join only
  when an owner or moderator adds them.
* Owners and moderators, and site administrators, moderate: they approve and decline requests,
  add and remove people, and change the settings, the cover and the directory rule. Only an
  owner removes another owner.
* Only owners change roles, hand over ownership and change the handle.
* People a directory rule added leave only when the rule allows it.

Who may know a community exists, and see its content, is also written as filters on
``Community`` for lists (``queries.visible_communities_q``, ``queries.content_communities_q``);
``can_see_content`` is the same rule for one community already loaded.
"""

from typing import TypeGuard

from watercooler.communities.models import (
    Community,
    DirectoryRule,
    MemberRole,
    Membership,
    MembershipSource,
    Privacy,
)
from watercooler.core.policy import is_active_person
from watercooler.people.models import User

MODERATING_ROLES = frozenset({MemberRole.OWNER, MemberRole.MODERATOR})


def is_member(membership: Membership | None) -> TypeGuard[Membership]:
    """Whether ``membership`` is an active one (not a request waiting)."""
    return membership is not None and membership.is_active


def is_owner(viewer: User, membership: Membership | None) -> bool:
    return is_member(membership) and membership.role == MemberRole.OWNER


def _colleague(viewer: User) -> bool:
    """An active member of the company who is not a guest (guests are let into communities one
    by one)."""
    return is_active_person(viewer) and not viewer.is_guest


def can_create_community(viewer: User) -> bool:
    return _colleague(viewer)


def can_see_content(viewer: User, community: Community, membership: Membership | None) -> bool:
    """Whether ``viewer`` may see the community's posts, members, events and files: its members,
    and for an open community everyone but guests."""
    if not is_active_person(viewer):
        return False
    if is_member(membership):
        return True
    return community.privacy == Privacy.OPEN and not viewer.is_guest


def is_joinable(community: Community) -> bool:
    """Whether anyone may join (or ask to join) by themselves: nobody joins a secret community
    they cannot know exists; its owners and moderators add people."""
    return community.privacy != Privacy.SECRET


def can_join(viewer: User, community: Community) -> bool:
    """Whether ``viewer`` may join (open) or ask to join (closed) by themselves."""
    return _colleague(viewer) and is_joinable(community)


def can_moderate(viewer: User, membership: Membership | None) -> bool:
    """Owners and moderators moderate; administrators may too (they run the network)."""
    if not is_active_person(viewer):
        return False
    if is_member(membership) and membership.role in MODERATING_ROLES:
        return True
    return viewer.is_administrator


def can_change_settings(viewer: User, membership: Membership | None) -> bool:
    """Name, description, guidelines, privacy, category and the cover image."""
    return can_moderate(viewer, membership)


def can_change_handle(viewer: User, membership: Membership | None) -> bool:
    # The handle is the community's address: links to it break when it changes.
    return is_owner(viewer, membership)


def can_manage_members(viewer: User, membership: Membership | None) -> bool:
    """Add people, approve and decline requests to join, see the requests, remove members
    (an owner: see ``can_remove_member``)."""
    return can_moderate(viewer, membership)


def can_remove_member(viewer: User, membership: Membership | None, member: Membership) -> bool:
    """Whether ``viewer`` (whose own row is ``membership``) may remove ``member`` or decline
    their request: those who manage members do, but only an owner removes another owner."""
    if not can_manage_members(viewer, membership):
        return False
    return member.role != MemberRole.OWNER or is_owner(viewer, membership)


def can_change_roles(viewer: User, membership: Membership | None) -> bool:
    return is_owner(viewer, membership)


def can_transfer_ownership(viewer: User, membership: Membership | None) -> bool:
    return is_owner(viewer, membership)


def can_change_rule(viewer: User, membership: Membership | None) -> bool:
    """Set or remove the directory rule."""
    return can_moderate(viewer, membership)


def can_apply_rule(viewer: User, membership: Membership | None) -> bool:
    """Apply the directory rule again now (it also applies by itself when profiles change)."""
    return can_change_rule(viewer, membership)


def can_leave(membership: Membership, rule: DirectoryRule | None) -> bool:
    """Whether the member may leave as far as the community's directory ``rule`` goes: people
    the rule added stay while it does not allow leaving. (The last owner cannot leave either:
    that is a state to fix first, not a permission.)"""
    if membership.source != MembershipSource.RULE or rule is None:
        return True
    return rule.allow_leave
