"""Creating communities and changing their settings and cover image: the checks of a
community's input (handle, name, texts, privacy, category) and the actions that write them."""

import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import ImageOps

from watercooler.communities import policy, signals
from watercooler.communities.actions.checks import check_can_change_settings, check_can_create
from watercooler.communities.models import (
    Category,
    Community,
    MemberRole,
    Membership,
    MembershipChange,
    MembershipSource,
    MembershipStatus,
    Privacy,
)
from watercooler.communities.rules import follows_changed
from watercooler.core.errors import FieldErrors
from watercooler.core.media import delete_stored_files
from watercooler.people.images import jpeg_bytes, open_checked_image
from watercooler.people.models import User

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
HANDLE_TAKEN = "This handle is already taken."
NOT_A_FIELD = "This field does not exist or cannot be changed."
# What do_update_community changes (the handle only for owners).
EDITABLE = frozenset(
    {"name", "handle", "description", "guidelines", "privacy", "category", "cover_alt"}
)


# --- Checks ----------------------------------------------------------------------------------


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


def _clean_all(
    fields: dict[str, Any], errors: FieldErrors, *, community: Community | None = None
) -> dict[str, Any]:
    """Every field cleaned; what is wrong goes to ``errors``, so all fields' errors come at
    once."""
    values: dict[str, Any] = {}
    for field, raw in fields.items():
        with errors.collect(field):
            values[field] = _clean(field, raw, community=community)
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
    errors = FieldErrors()
    values = _clean_all(
        {
            "name": name,
            "handle": handle,
            "privacy": privacy,
            "description": description,
            "guidelines": guidelines,
            "category": Category.INTEREST if category in (None, "") else category,
        },
        errors,
    )
    errors.raise_if_any()
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


@transaction.atomic
def do_update_community(*, actor: User, community: Community, **fields: Any) -> Community:
    """Change ``name``, ``description``, ``guidelines``, ``privacy``, ``category``,
    ``cover_alt`` (owners and moderators) or ``handle`` (owners only). Only the fields given
    change; with any error nothing changes. Returns the community, updated."""
    mine = check_can_change_settings(actor, community)
    errors = FieldErrors()
    for field in fields:
        if field not in EDITABLE:
            errors.add(field, NOT_A_FIELD)
    known = {f: v for f, v in fields.items() if f in EDITABLE}
    if "handle" in known and not policy.can_change_handle(actor, mine):
        errors.add("handle", "Only an owner can change the handle.")
        known.pop("handle")
    values = _clean_all(known, errors, community=community)
    errors.raise_if_any()
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


def make_cover_file(upload: UploadedFile[bytes]) -> ContentFile[bytes]:
    """A 3:1 JPEG cover cut from an uploaded image (checked by its bytes, as profile photos
    are), or ValidationError on ``cover``. The stored name is random, so a cover's URL cannot
    be guessed from the community's handle."""
    image = open_checked_image(upload, field="cover", noun="image")
    cover = ImageOps.fit(image, COVER_SIZE)
    return ContentFile(jpeg_bytes(cover), name=f"{secrets.token_hex(16)}.jpg")


@transaction.atomic
def do_set_cover(
    *, actor: User, community: Community, upload: UploadedFile[bytes], alt_text: Any = ""
) -> Community:
    """Replace the cover image (owners and moderators); ``alt_text`` describes it for people
    who cannot see it. The old file is deleted once the change commits."""
    check_can_change_settings(actor, community, doing="change the cover")
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
    check_can_change_settings(actor, community, doing="change the cover")
    locked = Community.objects.select_for_update().get(pk=community.pk)
    old = locked.cover.name
    locked.cover = ""
    locked.cover_alt = ""
    locked.save(update_fields=["cover", "cover_alt"])
    transaction.on_commit(lambda: delete_stored_files([old]))
    return locked
