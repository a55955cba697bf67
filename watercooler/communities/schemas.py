"""Request and response schemas of the communities API, and the functions that fill them.

Input schemas check shapes only (unknown fields are refused); value rules (lengths, choices,
who may) live in ``actions``, so pages and the API agree.
"""

import datetime as dt
from typing import Any, overload

from ninja import Field, Schema
from pydantic import ConfigDict

from watercooler.communities.models import (
    Category,
    Community,
    MemberRole,
    Membership,
    MembershipStatus,
    Privacy,
)
from watercooler.communities.queries import COMMUNITY_PAGE_SIZE, MEMBERS_PAGE_SIZE
from watercooler.core.media import media_url
from watercooler.people.models import User

MAX_PAGE_SIZE = 100

# --- Serialising -----------------------------------------------------------------------------


def community_url(community: Community) -> str:
    return f"/c/{community.handle}/"


def person_data(user: User) -> dict[str, Any]:
    """Needs ``department`` and ``location`` selected when a list shows many people."""
    return {
        "username": user.username,
        "display_name": user.display_name,
        "title": user.title,
        "department": user.department.name if user.department_id and user.department else None,
        "location": user.location.name if user.location_id and user.location else None,
        "photo_thumb_url": user.photo_thumb.url if user.photo_thumb else None,
        "profile_url": f"/people/{user.username}/",
        "is_guest": user.is_guest,
    }


@overload
def membership_data(membership: Membership, user: User | None = None) -> dict[str, Any]: ...
@overload
def membership_data(
    membership: Membership | None, user: User | None = None
) -> dict[str, Any] | None: ...
def membership_data(
    membership: Membership | None, user: User | None = None
) -> dict[str, Any] | None:
    """One membership (``user`` is its person, if already loaded), or None."""
    if membership is None:
        return None
    return {
        "person": person_data(user if user is not None else membership.user),
        "status": membership.status,
        "role": membership.role,
        "source": membership.source,
        "following": membership.following,
        "requested_at": membership.requested_at,
        "joined_at": membership.joined_at,
    }


def community_data(
    community: Community, membership: Membership | None, viewer: User
) -> dict[str, Any]:
    """The community as ``viewer`` (whose membership was loaded) sees it."""
    return {
        "id": community.pk,
        "handle": community.handle,
        "name": community.name,
        "description": community.description,
        "guidelines": community.guidelines,
        "privacy": community.privacy,
        "category": community.category,
        "cover_url": media_url(community.cover, viewer) or None,
        "cover_alt": community.cover_alt,
        "member_count": community.member_count,
        "created_at": community.created_at,
        "membership": membership_data(membership, viewer),
        "url": community_url(community),
    }


# --- Output ----------------------------------------------------------------------------------


class CommunityPersonOut(Schema):
    username: str
    display_name: str
    title: str
    department: str | None
    location: str | None
    photo_thumb_url: str | None
    profile_url: str
    is_guest: bool


class CommunityMembershipOut(Schema):
    person: CommunityPersonOut
    status: str = Field(description=f"One of: {', '.join(MembershipStatus.values)}.")
    role: str = Field(description=f"One of: {', '.join(MemberRole.values)}.")
    source: str = Field(description='"manual", or "rule" when a directory rule added them.')
    following: bool = Field(description="Their home feed shows the community's posts.")
    requested_at: dt.datetime | None = Field(description="When they asked to join, if they did.")
    joined_at: dt.datetime | None = Field(description="Null while the request is pending.")


class CommunityOut(Schema):
    id: int
    handle: str
    name: str
    description: str
    guidelines: str
    privacy: str = Field(description=f"One of: {', '.join(Privacy.values)}.")
    category: str = Field(description=f"One of: {', '.join(Category.values)}.")
    cover_url: str | None
    cover_alt: str = Field(description="The cover image described, for people who cannot see it.")
    member_count: int
    created_at: dt.datetime
    membership: CommunityMembershipOut | None = Field(
        description="Your membership (active or pending); null when you are not a member."
    )
    url: str = Field(description="Path of the community's page.")


class CommunityPage(Schema):
    items: list[CommunityOut]
    next_cursor: str | None = Field(description="Pass back as `cursor`; null on the last page.")


class CommunityMemberPage(Schema):
    items: list[CommunityMembershipOut]
    next_cursor: str | None = Field(description="Pass back as `cursor`; null on the last page.")


class CommunityRuleOut(Schema):
    departments: list[str]
    locations: list[str]
    regions: list[str]
    countries: list[str]
    allow_leave: bool
    applied_at: dt.datetime | None
    member_count: int = Field(description="The community's member count after applying it.")


class CommunityRuleAppliedOut(CommunityRuleOut):
    added: int = Field(description="People it made members now (requests it approved included).")
    removed: int = Field(description="Members it had added who no longer match, taken out now.")


# --- Input -----------------------------------------------------------------------------------


class CommunityStrictInput(Schema):
    """Unknown fields are an error rather than silently ignored."""

    model_config = ConfigDict(extra="forbid")


class CommunityIn(CommunityStrictInput):
    name: str = Field(description="2 to 80 characters.")
    handle: str = Field(
        description="3 to 40 lowercase letters, digits and dashes: the address /c/<handle>/."
    )
    privacy: str = Field(description=f"One of: {', '.join(Privacy.values)}.")
    description: str = ""
    guidelines: str = ""
    category: str | None = Field(None, description=f"One of: {', '.join(Category.values)}.")


class CommunityPatch(CommunityStrictInput):
    """Only the fields sent change. Owners and moderators; the handle, owners only."""

    name: str | None = None
    handle: str | None = None
    description: str | None = None
    guidelines: str | None = None
    privacy: str | None = None
    category: str | None = None
    cover_alt: str | None = None


class CommunityMembershipIn(CommunityStrictInput):
    username: str | None = Field(
        None,
        max_length=150,
        description="Someone else: owners and moderators add them or approve their request."
        " Leave out to act for yourself.",
    )


class CommunityUsernameIn(CommunityStrictInput):
    username: str = Field(max_length=150)


class CommunityRoleIn(CommunityStrictInput):
    role: str = Field(description=f"One of: {', '.join(MemberRole.values)}.")


class CommunityFollowingIn(CommunityStrictInput):
    following: bool


class CommunityRuleIn(CommunityStrictInput):
    departments: list[str] = Field(default_factory=list, description="Department names.")
    locations: list[str] = Field(default_factory=list, description="Location names.")
    regions: list[str] = Field(default_factory=list, description='Regions such as "EMEA".')
    countries: list[str] = Field(default_factory=list)
    allow_leave: bool = Field(False, description="Whether people the rule adds may leave.")


class CommunityQuery(Schema):
    q: str = Field("", max_length=200, description="Words in the name, handle or description.")
    category: str = Field("", max_length=20, description=f"One of: {', '.join(Category.values)}.")
    mine: bool = Field(False, description="Only communities you are a member of.")
    cursor: str | None = Field(None, max_length=1000, description="`next_cursor` of a page.")
    limit: int = Field(COMMUNITY_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


class CommunityMemberQuery(Schema):
    status: str = Field(
        MembershipStatus.ACTIVE,
        max_length=10,
        description='"active", or "pending" for requests to join (owners and moderators).',
    )
    cursor: str | None = Field(None, max_length=1000, description="`next_cursor` of a page.")
    limit: int = Field(MEMBERS_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
