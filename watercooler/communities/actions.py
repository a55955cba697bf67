"""Everything that changes communities, memberships and directory rules.

Each public ``do_*`` function takes keyword arguments only, checks that the actor may do it
(``PermissionDenied``; ``Http404`` for what they may not even see), validates its input
(``ValidationError`` keyed by field name) and writes in one transaction. A change that clashes
with the current state (joining twice, adding a member again) raises ``Conflict`` (409).

Who may do what:

* Any active member of the company who is not a guest creates communities and joins open ones
  (closed ones: asks to join). Guests join only when an owner or moderator adds them.
* Owners and moderators (and site administrators: ``queries.can_moderate``) approve and decline
  requests, add and remove people, edit the settings and the directory rule. A moderator cannot
  remove an owner.
* Only owners change roles, hand over ownership and change the handle. The last owner cannot
  leave, be removed or be demoted: ownership must be handed over first.

Every membership change locks the community's row first, so ``member_count`` (updated with
F() in the same transaction) and "is this the last owner?" cannot race. It writes a
``MembershipChange`` (+1/-1) for the health page, and on commit sends ``follows.changed`` to
the person's sockets (they re-join their community groups) and a domain signal
(``communities.signals``) for notifications.
"""

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from PIL import ImageOps

from watercooler.communities import signals
from watercooler.communities.models import (
    Category,
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
from watercooler.communities.queries import can_moderate, is_owner
from watercooler.communities.rules import apply_rule, apply_rules_for_people, follows_changed
from watercooler.core.errors import Conflict
from watercooler.core.media import delete_stored_files
from watercooler.core.policy import check_active
from watercooler.people.images import jpeg_bytes, open_checked_image
from watercooler.people.models import Department, Location, User

__all__ = [
    "CommunityInput",
    "Conflict",
    "apply_rule",
    "apply_rules_for_people",
    "check_community_input",
    "create_community",
    "do_add_member",
    "do_create_community",
    "do_join",
    "do_leave",
    "do_remove_cover",
    "do_remove_member",
    "do_remove_rule",
    "do_set_cover",
    "do_set_following",
    "do_set_role",
    "do_set_rule",
    "do_transfer_ownership",
    "do_update_community",
]

HANDLE_MIN, HANDLE_MAX = 3, 40
HANDLE_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
# Words that are, or may become, paths next to /c/<handle>/ and /communities/<...>/.
RESERVED_HANDLES = frozenset(
    {
        "new",
        "create",
        "edit",
        "admin",
        "api",
        "all",
        "mine",
        "me",
        "search",
        "directory",
        "settings",
        "static",
        "media",
        "www",
    }
)
NAME_MIN, NAME_MAX = 2, 80
DESCRIPTION_MAX = 2000
GUIDELINES_MAX = 5000
COVER_ALT_MAX = 300
COVER_SIZE = (1500, 500)
RULE_VALUES_MAX = 50
HANDLE_TAKEN = "This handle is already taken."
NOT_A_FIELD = "This field does not exist or cannot be changed."
# What do_update_community changes (the handle only for owners).
EDITABLE = frozenset(
    {"name", "handle", "description", "guidelines", "privacy", "category", "cover_alt"}
)


# --- Checks ----------------------------------------------------------------------------------


def check_can_create(actor: User) -> None:
    check_active(actor)
    if actor.is_guest:
        raise PermissionDenied("Guests cannot create communities.")


def _text(raw: Any, *, limit: int, minimum: int = 0, one_line: bool = False) -> str:
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        raise ValidationError("Must be text.")
    if "\x00" in raw:
        raise ValidationError("Text may not contain NUL characters.")
    value = " ".join(raw.split()) if one_line else raw.strip()
    if minimum and len(value) < minimum:
        raise ValidationError(f"At least {minimum} characters.")
    if len(value) > limit:
        raise ValidationError(f"At most {limit} characters (got {len(value)}).")
    return value


def check_handle(raw: Any, *, community: Community | None = None) -> str:
    """A free handle: 3 to 40 lowercase letters, digits and dashes, not starting or ending with a
    dash, not reserved, not another community's (case-insensitively). Upper case is folded."""
    if not isinstance(raw, str):
        raise ValidationError("Must be text.")
    handle = raw.strip().lower()
    if not HANDLE_MIN <= len(handle) <= HANDLE_MAX:
        raise ValidationError(f"Between {HANDLE_MIN} and {HANDLE_MAX} characters.")
    if not HANDLE_RE.fullmatch(handle):
        raise ValidationError(
            "Use lowercase letters, digits and dashes, starting and ending with a letter or digit."
        )
    if handle in RESERVED_HANDLES:
        raise ValidationError(f'"{handle}" is reserved; choose another handle.')
    taken = Community.objects.filter(handle__iexact=handle)
    if community is not None:
        taken = taken.exclude(pk=community.pk)
    if taken.exists():
        raise ValidationError(HANDLE_TAKEN)
    return handle


def _choice(raw: Any, choices: type[Privacy] | type[Category]) -> str:
    if raw not in choices.values:
        raise ValidationError(f"Must be one of: {', '.join(choices.values)}.")
    return str(raw)


def _clean(field: str, raw: Any, *, community: Community | None = None) -> Any:
    match field:
        case "name":
            return _text(raw, limit=NAME_MAX, minimum=NAME_MIN, one_line=True)
        case "handle":
            return check_handle(raw, community=community)
        case "description":
            return _text(raw, limit=DESCRIPTION_MAX)
        case "guidelines":
            return _text(raw, limit=GUIDELINES_MAX)
        case "privacy":
            return _choice(raw, Privacy)
        case "category":
            return _choice(raw, Category)
        case "cover_alt":
            return _text(raw, limit=COVER_ALT_MAX, one_line=True)
    raise ValidationError(NOT_A_FIELD)


def _collect(fields: dict[str, Any], *, community: Community | None = None) -> dict[str, Any]:
    """Clean every field; all fields' errors at once."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for field, raw in fields.items():
        try:
            values[field] = _clean(field, raw, community=community)
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return values


# --- Creating and editing communities ---------------------------------------------------------


@dataclass(frozen=True)
class CommunityInput:
    """Checked input of a new community."""

    name: str
    handle: str
    privacy: str
    description: str
    guidelines: str
    category: str


def check_community_input(
    *,
    actor: User,
    name: Any,
    handle: Any,
    privacy: Any,
    description: Any = "",
    guidelines: Any = "",
    category: Any = None,
) -> CommunityInput:
    """Validate a new community's input (PermissionDenied for guests); every field's errors at
    once. ``category`` defaults to "interest"."""
    check_can_create(actor)
    values = _collect(
        {
            "name": name,
            "handle": handle,
            "privacy": privacy,
            "description": description,
            "guidelines": guidelines,
            "category": Category.INTEREST if category in (None, "") else category,
        }
    )
    return CommunityInput(**values)


@transaction.atomic
def do_create_community(*, actor: User, data: CommunityInput) -> Community:
    """Create a community from checked input; the creator is its owner (active, following).
    A handle taken meanwhile is a ValidationError on ``handle``. On commit:
    ``follows.changed`` to the creator and ``signals.community_created(community=, by=)``."""
    check_can_create(actor)
    now = timezone.now()
    try:
        with transaction.atomic():
            community = Community.objects.create(
                name=data.name,
                handle=data.handle,
                privacy=data.privacy,
                description=data.description,
                guidelines=data.guidelines,
                category=data.category,
                created_by=actor,
                created_at=now,
                last_activity_at=now,
                member_count=1,
            )
    except IntegrityError:
        raise ValidationError({"handle": [HANDLE_TAKEN]}) from None
    Membership.objects.create(
        community=community,
        user=actor,
        role=MemberRole.OWNER,
        status=MembershipStatus.ACTIVE,
        source=MembershipSource.MANUAL,
        following=True,
        joined_at=now,
        added_by=actor,
    )
    MembershipChange.objects.create(community=community, user=actor, delta=1, at=now)
    follows_changed([actor.pk])
    signals.send_on_commit(signals.community_created, community=community, by=actor)
    return community


def create_community(actor: User, **fields: Any) -> Community:
    """Check and create in one go (for the demo, tests and simple callers):
    ``create_community(user, name=..., handle=..., privacy=..., description=...)``."""
    return do_create_community(actor=actor, data=check_community_input(actor=actor, **fields))


def _membership(community: Community, user: User) -> Membership | None:
    return Membership.objects.filter(community_id=community.pk, user_id=user.pk).first()


def _check_moderator(actor: User, community: Community, message: str) -> Membership | None:
    """PermissionDenied unless ``actor`` moderates ``community``; returns their membership."""
    check_active(actor)
    mine = _membership(community, actor)
    if not can_moderate(actor, mine):
        raise PermissionDenied(message)
    return mine


@transaction.atomic
def do_update_community(*, actor: User, community: Community, **fields: Any) -> Community:
    """Change ``name``, ``description``, ``guidelines``, ``privacy``, ``category``,
    ``cover_alt`` (owners and moderators) or ``handle`` (owners only). Only the fields given
    change; with any error nothing changes. Returns the community, updated."""
    mine = _check_moderator(actor, community, "Only owners and moderators can change settings.")
    errors: dict[str, list[str]] = {}
    for field in fields:
        if field not in EDITABLE:
            errors[field] = [NOT_A_FIELD]
    known = {f: v for f, v in fields.items() if f in EDITABLE}
    if "handle" in known and not is_owner(actor, mine):
        errors["handle"] = ["Only an owner can change the handle."]
        known.pop("handle")
    try:
        values = _collect(known, community=community)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
        values = {}
    if errors:
        raise ValidationError(errors)
    locked = Community.objects.select_for_update().get(pk=community.pk)
    changed = [f for f, v in values.items() if getattr(locked, f) != v]
    if changed:
        for field in changed:
            setattr(locked, field, values[field])
        try:
            with transaction.atomic():
                locked.save(update_fields=changed)
        except IntegrityError:
            raise ValidationError({"handle": [HANDLE_TAKEN]}) from None
    return locked


def make_cover_file(upload: UploadedFile) -> ContentFile:
    """A 3:1 JPEG cover cut from an uploaded image (checked by its bytes, as profile photos
    are), or ValidationError on ``cover``. The stored name is random, so a cover's URL cannot
    be guessed from the community's handle."""
    image = open_checked_image(upload, field="cover", noun="image")
    cover = ImageOps.fit(image, COVER_SIZE)
    return ContentFile(jpeg_bytes(cover), name=f"{secrets.token_hex(16)}.jpg")


@transaction.atomic
def do_set_cover(
    *, actor: User, community: Community, upload: UploadedFile, alt_text: Any = ""
) -> Community:
    """Replace the cover image (owners and moderators); ``alt_text`` describes it for people
    who cannot see it. The old file is deleted once the change commits."""
    _check_moderator(actor, community, "Only owners and moderators can change the cover.")
    try:
        alt = _text(alt_text, limit=COVER_ALT_MAX, one_line=True)
    except ValidationError as exc:
        raise ValidationError({"cover_alt": exc.messages}) from None
    cover = make_cover_file(upload)
    locked = Community.objects.select_for_update().get(pk=community.pk)
    old = locked.cover.name
    locked.cover.save(cover.name or "cover.jpg", cover, save=False)
    locked.cover_alt = alt
    locked.save(update_fields=["cover", "cover_alt"])
    transaction.on_commit(lambda: delete_stored_files([old]))
    return locked


@transaction.atomic
def do_remove_cover(*, actor: User, community: Community) -> Community:
    _check_moderator(actor, community, "Only owners and moderators can change the cover.")
    locked = Community.objects.select_for_update().get(pk=community.pk)
    old = locked.cover.name
    locked.cover = ""
    locked.cover_alt = ""
    locked.save(update_fields=["cover", "cover_alt"])
    transaction.on_commit(lambda: delete_stored_files([old]))
    return locked


# --- Membership ------------------------------------------------------------------------------


def _lock(community: Community) -> Community:
    """Lock the community's row: every membership change of one community is serialised here."""
    return Community.objects.select_for_update().get(pk=community.pk)


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
    community = _lock(community)
    membership = _membership(community, actor)
    if membership is not None:
        if membership.is_active:
            raise Conflict("You are already a member of this community.")
        raise Conflict("You have already asked to join; its owners and moderators will answer.")
    if community.privacy == Privacy.SECRET:
        raise Http404("No such community.")
    if actor.is_guest:
        raise PermissionDenied("Guests join a community when its owners or moderators add them.")
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
    community = _lock(community)
    membership = _membership(community, actor)
    if membership is None:
        raise Http404("You are not a member of this community.")
    if not membership.is_active:
        membership.delete()
        signals.send_on_commit(
            signals.member_left, community=community, user=actor, was_pending=True
        )
        return
    _check_not_last_owner(community, membership, field="role")
    if membership.source == MembershipSource.RULE:
        rule = DirectoryRule.objects.filter(community_id=community.pk).first()
        if rule is not None and not rule.allow_leave:
            raise PermissionDenied(
                "You are a member through this community's directory rule, and its owners do"
                " not allow leaving it."
            )
    _remove_active(community, membership)
    signals.send_on_commit(signals.member_left, community=community, user=actor, was_pending=False)


@transaction.atomic
def do_add_member(*, actor: User, community: Community, user: User) -> Membership:
    """Add ``user`` at once, or approve their request (owners and moderators; guests may be
    added). Already a member: Conflict. On commit: ``signals.member_added(community=, user=,
    by=, approved=)``."""
    check_active(actor)
    community = _lock(community)
    if not can_moderate(actor, _membership(community, actor)):
        raise PermissionDenied("Only owners and moderators can add people.")
    if not user.is_active:
        raise ValidationError({"username": ["This person's account is deactivated."]})
    membership = _membership(community, user)
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
    community = _lock(community)
    mine = _membership(community, actor)
    if not can_moderate(actor, mine):
        raise PermissionDenied("Only owners and moderators can remove people.")
    membership = _membership(community, user)
    if membership is None:
        raise Http404(f"{user.display_name} is not a member of this community.")
    if not membership.is_active:
        membership.delete()
        signals.send_on_commit(
            signals.member_removed, community=community, user=user, by=actor, was_pending=True
        )
        return
    if membership.role == MemberRole.OWNER and not is_owner(actor, mine):
        raise PermissionDenied("Only an owner can remove another owner.")
    _check_not_last_owner(community, membership, field="username")
    _remove_active(community, membership)
    signals.send_on_commit(
        signals.member_removed, community=community, user=user, by=actor, was_pending=False
    )


def _active_membership_of(community: Community, user: User) -> Membership:
    membership = _membership(community, user)
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
    community = _lock(community)
    if not is_owner(actor, _membership(community, actor)):
        raise PermissionDenied("Only owners can change roles.")
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
    community = _lock(community)
    mine = _membership(community, actor)
    if mine is None or not is_owner(actor, mine):
        raise PermissionDenied("Only an owner can hand over ownership.")
    if user.pk == actor.pk:
        raise ValidationError({"username": ["You already own this community."]})
    target = _membership(community, user)
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
    membership = _membership(community, actor)
    if membership is None or not membership.is_active:
        raise Http404("You are not a member of this community.")
    if membership.following != following:
        membership.following = following
        membership.save(update_fields=["following"])
        follows_changed([actor.pk])
    return membership


# --- Directory rules -------------------------------------------------------------------------


def _named(model: type[Department | Location], values: Any, *, field: str) -> list[Any]:
    """Departments or locations given as objects or names (all must exist)."""
    if values is None:
        return []
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise ValidationError({field: ["Must be a list."]})
    items = list(values)
    if len(items) > RULE_VALUES_MAX:
        raise ValidationError({field: [f"At most {RULE_VALUES_MAX} values."]})
    objects = [v for v in items if isinstance(v, model)]
    names = [v for v in items if not isinstance(v, model)]
    if not all(isinstance(n, str) for n in names):
        raise ValidationError({field: ["Must be a list of names."]})
    found: dict[str, Any] = {o.name: o for o in model._default_manager.filter(name__in=names)}
    missing = [n for n in names if n not in found]
    if missing:
        raise ValidationError({field: [f"Unknown: {', '.join(sorted(set(missing))[:10])}."]})
    return list({o.pk: o for o in [*objects, *found.values()]}.values())


def _location_values(values: Any, *, field: str, column: str) -> list[str]:
    """Regions or countries, spelled as some location spells them (matched ignoring case)."""
    if values is None:
        return []
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise ValidationError({field: ["Must be a list."]})
    items = list(values)
    if len(items) > RULE_VALUES_MAX:
        raise ValidationError({field: [f"At most {RULE_VALUES_MAX} values."]})
    if not all(isinstance(v, str) for v in items):
        raise ValidationError({field: ["Must be a list of names."]})
    known = {
        str(v).casefold(): str(v)
        for v in Location.objects.exclude(**{column: ""}).values_list(column, flat=True).distinct()
    }
    wanted = [" ".join(v.split()) for v in items if v.strip()]
    missing = [v for v in wanted if v.casefold() not in known]
    if missing:
        raise ValidationError(
            {field: [f"No location has {column} {', '.join(sorted(set(missing))[:10])}."]}
        )
    return sorted({known[v.casefold()] for v in wanted})


@transaction.atomic
def do_set_rule(
    *,
    actor: User,
    community: Community,
    departments: Any = (),
    locations: Any = (),
    regions: Any = (),
    countries: Any = (),
    allow_leave: Any = False,
) -> DirectoryRule:
    """Set the community's directory rule (owners and moderators) and apply it at once.
    ``departments`` and ``locations`` are names (or objects); ``regions`` and ``countries`` as
    locations spell them. At least one condition is needed (ValidationError otherwise)."""
    _check_moderator(actor, community, "Only owners and moderators can change the rule.")
    errors: dict[str, list[str]] = {}
    found: dict[str, Any] = {}
    checks = {
        "departments": lambda: _named(Department, departments, field="departments"),
        "locations": lambda: _named(Location, locations, field="locations"),
        "regions": lambda: _location_values(regions, field="regions", column="region"),
        "countries": lambda: _location_values(countries, field="countries", column="country"),
    }
    for field, check in checks.items():
        try:
            found[field] = check()
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if not isinstance(allow_leave, bool):
        errors["allow_leave"] = ["Must be true or false."]
    if not errors and not any(found.values()):
        errors["departments"] = [
            "Set at least one condition: departments, locations, regions or countries."
        ]
    if errors:
        raise ValidationError(errors)
    _lock(community)
    rule, _ = DirectoryRule.objects.update_or_create(
        community=community,
        defaults={
            "regions": found["regions"],
            "countries": found["countries"],
            "allow_leave": allow_leave,
        },
    )
    rule.departments.set(found["departments"])
    rule.locations.set(found["locations"])
    apply_rule(community)
    rule.refresh_from_db(fields=["applied_at"])
    return rule


@transaction.atomic
def do_remove_rule(*, actor: User, community: Community, remove_members: bool = False) -> None:
    """Delete the directory rule (owners and moderators). The people it added stay members
    unless ``remove_members`` (then the plain members it added leave, as when they stop
    matching). No rule: Http404."""
    _check_moderator(actor, community, "Only owners and moderators can change the rule.")
    _lock(community)
    rule = DirectoryRule.objects.filter(community_id=community.pk).first()
    if rule is None:
        raise Http404("This community has no directory rule.")
    if remove_members:
        # An empty rule matches nobody: applying it removes exactly what the rule added.
        rule.departments.clear()
        rule.locations.clear()
        DirectoryRule.objects.filter(pk=rule.pk).update(regions=[], countries=[])
        apply_rule(community)
    rule.delete()
