"""The communities endpoints of /api/v1: the directory, creating and editing communities,
membership (joining, requests, adding and removing people, roles, ownership), members, the
directory rule and the cover image.

Each endpoint parses its input, calls one action (writes) or query (reads) and returns a schema
from ``schemas.py``. Who may see or change what is ``policy``, asked by the queries (a
community one may not know exists answers 404 exactly like a missing one, whatever the method)
and the actions. ``Conflict`` (joining twice, adding a member again) answers 409.

A community's feed (``GET /communities/{handle}/feed``) is the feed app's
(``feed.api.community_feed_router``).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from watercooler.communities import actions, queries
from watercooler.communities.models import Category, Community, DirectoryRule, Membership
from watercooler.communities.schemas import (
    CommunityFollowingIn,
    CommunityIn,
    CommunityMemberPage,
    CommunityMemberQuery,
    CommunityMembershipIn,
    CommunityMembershipOut,
    CommunityOut,
    CommunityPage,
    CommunityPatch,
    CommunityQuery,
    CommunityRoleIn,
    CommunityRuleAppliedOut,
    CommunityRuleIn,
    CommunityRuleOut,
    CommunityUsernameIn,
    community_data,
    membership_data,
)
from watercooler.core.pages import viewer_of
from watercooler.core.schemas import ErrorOut
from watercooler.people.models import User

router = Router()

READ: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _person(username: str, *, field: str = "username") -> User:
    """The active person ``username`` names; 422 on ``field`` otherwise (bad input, not a
    missing path)."""
    person = (
        User.objects.select_related("department", "location")
        .filter(username=username.strip(), is_active=True)
        .first()
    )
    if person is None:
        raise ValidationError({field: ["No active person has this username."]})
    return person


def _community_out(viewer: User, community: Community) -> dict[str, Any]:
    """The community as ``viewer`` sees it, re-read (counts may have changed)."""
    fresh = queries.access_community(viewer, community.handle)
    return community_data(fresh, queries.membership_of(viewer, fresh), viewer)


# --- Communities -----------------------------------------------------------------------------


@router.get("", response={200: CommunityPage, **READ}, summary="The directory of communities")
def community_list(request: HttpRequest, params: Query[CommunityQuery]) -> dict[str, Any]:
    """The communities you may see, largest first (by name when searching with ``q``);
    ``mine=true`` keeps yours, ``category`` one category. Secret communities appear only to
    their members."""
    viewer = viewer_of(request)
    if params.category and params.category not in Category.values:
        raise ValidationError({"category": [f"Must be one of: {', '.join(Category.values)}."]})
    page = queries.communities_page(
        viewer,
        q=params.q,
        category=params.category or None,
        mine=params.mine,
        cursor=params.cursor,
        limit=params.limit,
    )
    mine = {
        m.community_id: m
        for m in Membership.objects.filter(
            user_id=viewer.pk, community_id__in=[c.pk for c in page.items]
        )
    }
    return {
        "items": [community_data(c, mine.get(c.pk), viewer) for c in page.items],
        "next_cursor": page.next_cursor,
    }


@router.post("", response={201: CommunityOut, **WRITE}, summary="Create a community")
def community_create(request: HttpRequest, payload: CommunityIn) -> Status[dict[str, Any]]:
    """You become its owner. Guests cannot create communities (403); a handle in use is 422."""
    viewer = viewer_of(request)
    data = actions.check_community_input(
        actor=viewer,
        name=payload.name,
        handle=payload.handle,
        privacy=payload.privacy,
        description=payload.description,
        guidelines=payload.guidelines,
        category=payload.category,
    )
    community = actions.do_create_community(actor=viewer, data=data)
    return Status(201, _community_out(viewer, community))


@router.get("/{handle}", response={200: CommunityOut, **READ}, summary="One community")
def community_get(request: HttpRequest, handle: str) -> dict[str, Any]:
    viewer = viewer_of(request)
    community = queries.access_community(viewer, handle)
    return community_data(community, queries.membership_of(viewer, community), viewer)


@router.patch("/{handle}", response={200: CommunityOut, **WRITE}, summary="Change a community")
def community_update(request: HttpRequest, handle: str, payload: CommunityPatch) -> dict[str, Any]:
    """Owners and moderators; the handle, owners only. Only the fields sent change."""
    viewer = viewer_of(request)
    community = actions.do_update_community(
        actor=viewer,
        community=queries.access_community(viewer, handle),
        **payload.model_dump(exclude_unset=True),
    )
    return _community_out(viewer, community)


@router.post(
    "/{handle}/cover",
    response={200: CommunityOut, **WRITE, 413: ErrorOut},
    summary="Set the cover image",
)
def community_set_cover(
    request: HttpRequest, handle: str, file: File[UploadedFile], alt_text: Form[str] = ""
) -> dict[str, Any]:
    """multipart/form-data with ``file`` (JPEG, PNG, WebP or GIF; cut to 3:1) and ``alt_text``."""
    viewer = viewer_of(request)
    community = actions.do_set_cover(
        actor=viewer,
        community=queries.access_community(viewer, handle),
        upload=file,
        alt_text=alt_text,
    )
    return _community_out(viewer, community)


@router.delete(
    "/{handle}/cover", response={200: CommunityOut, **WRITE}, summary="Remove the cover image"
)
def community_remove_cover(request: HttpRequest, handle: str) -> dict[str, Any]:
    viewer = viewer_of(request)
    community = actions.do_remove_cover(
        actor=viewer, community=queries.access_community(viewer, handle)
    )
    return _community_out(viewer, community)


# --- Membership ------------------------------------------------------------------------------


@router.post(
    "/{handle}/membership",
    response={201: CommunityMembershipOut, **WRITE},
    summary="Join, ask to join, add someone or approve their request",
)
def community_join_or_add(
    request: HttpRequest, handle: str, payload: CommunityMembershipIn | None = None
) -> Status[Any]:
    """Without a body (or without ``username``) you join an open community (``status``
    "active") or ask to join a closed one ("pending"). With ``{"username"}`` an owner or
    moderator adds that person at once, or approves their request. Already a member (or
    already asked): 409."""
    viewer = viewer_of(request)
    community = queries.access_community(viewer, handle)
    if payload is None or payload.username is None:
        membership = actions.do_join(actor=viewer, community=community)
        return Status(201, membership_data(membership, viewer))
    person = _person(payload.username)
    membership = actions.do_add_member(actor=viewer, community=community, user=person)
    return Status(201, membership_data(membership, person))


@router.delete(
    "/{handle}/membership",
    response={204: None, **WRITE},
    summary="Leave, withdraw a request, remove someone or decline their request",
)
def community_leave_or_remove(
    request: HttpRequest, handle: str, payload: CommunityMembershipIn | None = None
) -> Status[None]:
    """Without a body you leave (or withdraw your request); the only owner must hand over
    ownership first (422). With ``{"username"}`` an owner or moderator removes that person or
    declines their request."""
    viewer = viewer_of(request)
    community = queries.access_community(viewer, handle)
    if payload is None or payload.username is None:
        actions.do_leave(actor=viewer, community=community)
    else:
        actions.do_remove_member(actor=viewer, community=community, user=_person(payload.username))
    return Status(204, None)


@router.get("/{handle}/members", response={200: CommunityMemberPage, **READ}, summary="Members")
def community_members(
    request: HttpRequest, handle: str, params: Query[CommunityMemberQuery]
) -> dict[str, Any]:
    """Newest first, for those who may see the community's content. ``status=pending`` lists
    requests to join (owners and moderators only)."""
    if params.status not in ("active", "pending"):
        raise ValidationError({"status": ['Must be "active" or "pending".']})
    viewer = viewer_of(request)
    page = queries.members_page(
        viewer,
        queries.access_community(viewer, handle),
        status=params.status,
        cursor=params.cursor,
        limit=params.limit,
    )
    return {
        "items": [membership_data(m) for m in page.items],
        "next_cursor": page.next_cursor,
    }


@router.put(
    "/{handle}/members/{username}/role",
    response={200: CommunityMembershipOut, **WRITE},
    summary="Change a member's role",
)
def community_set_role(
    request: HttpRequest, handle: str, username: str, payload: CommunityRoleIn
) -> dict[str, Any]:
    """Owners only. The only owner cannot be made a moderator or member (422)."""
    viewer = viewer_of(request)
    person = _person(username)
    membership = actions.do_set_role(
        actor=viewer,
        community=queries.access_community(viewer, handle),
        user=person,
        role=payload.role,
    )
    return membership_data(membership, person)


@router.post(
    "/{handle}/transfer", response={200: CommunityOut, **WRITE}, summary="Hand over ownership"
)
def community_transfer(
    request: HttpRequest, handle: str, payload: CommunityUsernameIn
) -> dict[str, Any]:
    """Owners only: the member named becomes an owner and you a moderator."""
    viewer = viewer_of(request)
    community = queries.access_community(viewer, handle)
    actions.do_transfer_ownership(actor=viewer, community=community, user=_person(payload.username))
    return _community_out(viewer, community)


@router.put(
    "/{handle}/following",
    response={200: CommunityMembershipOut, **WRITE},
    summary="Show its posts in your home feed, or not",
)
def community_set_following(
    request: HttpRequest, handle: str, payload: CommunityFollowingIn
) -> dict[str, Any]:
    viewer = viewer_of(request)
    membership = actions.do_set_following(
        actor=viewer,
        community=queries.access_community(viewer, handle),
        following=payload.following,
    )
    return membership_data(membership, viewer)


# --- Directory rule --------------------------------------------------------------------------


def _rule_out(rule: DirectoryRule, community: Community) -> dict[str, Any]:
    community.refresh_from_db(fields=["member_count"])
    return {
        "departments": sorted(d.name for d in rule.departments.all()),
        "locations": sorted(loc.name for loc in rule.locations.all()),
        "regions": list(rule.regions),
        "countries": list(rule.countries),
        "allow_leave": rule.allow_leave,
        "applied_at": rule.applied_at,
        "member_count": community.member_count,
    }


@router.get(
    "/{handle}/rule", response={200: CommunityRuleOut, **READ}, summary="The directory rule"
)
def community_get_rule(request: HttpRequest, handle: str) -> dict[str, Any]:
    """For anyone who may know the community exists (its About page says whom the rule takes
    in). No rule: 404."""
    rule = queries.access_rule(viewer_of(request), handle)
    return _rule_out(rule, rule.community)


@router.put(
    "/{handle}/rule", response={200: CommunityRuleOut, **WRITE}, summary="Set the directory rule"
)
def community_set_rule(
    request: HttpRequest, handle: str, payload: CommunityRuleIn
) -> dict[str, Any]:
    """Owners and moderators. People match when they match every condition given (within one,
    any value); the rule applies at once and again whenever profiles change. At least one
    condition; names must exist (422 otherwise)."""
    viewer = viewer_of(request)
    community = queries.access_community(viewer, handle)
    rule = actions.do_set_rule(
        actor=viewer,
        community=community,
        departments=payload.departments,
        locations=payload.locations,
        regions=payload.regions,
        countries=payload.countries,
        allow_leave=payload.allow_leave,
    )
    return _rule_out(rule, community)


@router.delete("/{handle}/rule", response={204: None, **WRITE}, summary="Remove the directory rule")
def community_remove_rule(request: HttpRequest, handle: str) -> Status[None]:
    """The people it added stay members."""
    viewer = viewer_of(request)
    actions.do_remove_rule(actor=viewer, community=queries.access_community(viewer, handle))
    return Status(204, None)


@router.post(
    "/{handle}/rule/apply",
    response={200: CommunityRuleAppliedOut, **WRITE},
    summary="Apply the directory rule now",
)
def community_apply_rule(request: HttpRequest, handle: str) -> dict[str, Any]:
    """Owners and moderators. Checks everyone's profile against the rule again, as saving it
    does (it also re-applies by itself whenever profiles change), and says how many people it
    added and removed. No rule: 404."""
    viewer = viewer_of(request)
    community = queries.access_community(viewer, handle)
    added, removed = actions.do_apply_rule(actor=viewer, community=community)
    rule = queries.access_rule(viewer, community.handle)
    return {**_rule_out(rule, community), "added": added, "removed": removed}
