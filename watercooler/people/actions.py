"""Everything that changes people, their profiles and their credentials.

Each public ``do_*`` function checks that ``actor`` may do it (raising ``PermissionDenied``
through the ``check_*`` functions here, which ask ``policy``), validates its input (raising
``ValidationError`` keyed by field name; each field's own rules are in ``profile_fields``) and
writes in one transaction. Views, the API, the importer and the demo all come through here.
"""

import copy
import datetime as dt
import secrets
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from watercooler.core.errors import FieldErrors
from watercooler.core.media import delete_stored_files
from watercooler.core.sqlcache import instances
from watercooler.people import policy
from watercooler.people.images import make_photo_files, photo_stem
from watercooler.people.models import (
    AccessCode,
    ApiToken,
    Department,
    Invitation,
    Location,
    Role,
    Skill,
    User,
)
from watercooler.people.profile_fields import clean_profile_value, normalise_skill_names
from watercooler.people.signals import send_profiles_changed_on_commit

# Changes that can decide which communities' directory rules a person matches.
RULE_FIELDS = frozenset({"department", "location", "role"})


def check_can_edit_profile(*, actor: User, person: User) -> None:
    if not policy.can_edit_profile(actor, person):
        raise PermissionDenied(policy.OWN_PROFILE_ONLY)


def check_is_administrator(actor: User) -> None:
    if not policy.can_administer(actor):
        raise PermissionDenied(policy.ADMINISTRATORS_ONLY)


def check_can_manage_account(*, actor: User, person: User) -> None:
    """How people sign in is for administrators, a superuser's for superusers
    (``policy.can_manage_account``)."""
    check_is_administrator(actor)
    if not policy.can_manage_account(actor, person):
        raise PermissionDenied(policy.SUPERUSERS_SIGN_IN)


def check_role_change(*, actor: User, person: User, role: str) -> None:
    """An administrator cannot take away their own administrator role (``policy.can_give_role``)."""
    if not policy.can_give_role(actor, person, role):
        raise ValidationError({"role": [policy.KEEP_OWN_ADMIN_ROLE]})


# --- Reference data --------------------------------------------------------------------------


def get_or_create_department(name: str) -> Department:
    department, _ = Department.objects.get_or_create(name=name.strip())
    return department


def get_or_create_location(name: str, *, country: str = "", tz: str = "") -> Location:
    location, created = Location.objects.get_or_create(
        name=name.strip(), defaults={"country": country, "timezone": tz or "UTC"}
    )
    if not created and (
        (country and location.country != country) or (tz and location.timezone != tz)
    ):
        location.country = country or location.country
        location.timezone = tz or location.timezone
        location.full_clean()
        location.save(update_fields=["country", "timezone"])
    return location


def skills_for(names: Iterable[str]) -> list[Skill]:
    """Existing skills matched case-insensitively, new ones created."""
    wanted = normalise_skill_names(names)
    existing = {s.name.casefold(): s for s in Skill.objects.filter(name__in=wanted)}
    for name in wanted:
        if name.casefold() not in existing:
            match = Skill.objects.filter(name__iexact=name).first()
            existing[name.casefold()] = match or Skill.objects.create(name=name)
    return [existing[name.casefold()] for name in wanted]


# --- Profiles --------------------------------------------------------------------------------


@dataclass
class ProfileChanges:
    """Validated, typed profile changes; only the attributes present in ``fields`` apply."""

    values: dict[str, Any]

    @property
    def fields(self) -> set[str]:
        return set(self.values)


def check_profile_changes(*, actor: User, person: User, data: dict[str, Any]) -> ProfileChanges:
    """Validate raw profile input (from a form or the API) into typed changes."""
    check_can_edit_profile(actor=actor, person=person)
    allowed = policy.editable_profile_fields(actor)
    errors = FieldErrors()
    values: dict[str, Any] = {}
    for field, raw in data.items():
        if field not in policy.ADMIN_EDITABLE:
            errors.add(field, "This field does not exist or cannot be changed.")
            continue
        if field not in allowed:
            errors.add(field, "Only an administrator can change this field.")
            continue
        with errors.collect(field):
            values[field] = clean_profile_value(field, raw, person=person)
    try:
        if "role" in values:
            check_role_change(actor=actor, person=person, role=values["role"])
        if "email" in values and values["email"] != person.email:
            check_can_manage_account(actor=actor, person=person)
    except ValidationError as exc:
        errors.merge(exc)
    except PermissionDenied as exc:
        errors.add("email", str(exc))
    errors.raise_if_any()
    return ProfileChanges(values=values)


@transaction.atomic
def do_update_profile(*, actor: User, person: User, changes: ProfileChanges) -> User:
    check_can_edit_profile(actor=actor, person=person)
    values = dict(changes.values)
    if "department" in values:
        name = values.pop("department")
        person.department = get_or_create_department(name) if name else None
    if "location" in values:
        name = values.pop("location")
        person.location = Location.objects.get(name=name) if name else None
    skills = values.pop("skills", None)
    for field, value in values.items():
        setattr(person, field, value)
    person.save()
    if skills is not None:
        person.skills.set(skills_for(skills))
    if changes.fields & RULE_FIELDS:
        # Also covers do_create_person, which always sets a role through here.
        send_profiles_changed_on_commit([person.pk])
    return person


@transaction.atomic
def do_set_photo(*, actor: User, person: User, upload: UploadedFile[bytes]) -> User:
    check_can_edit_profile(actor=actor, person=person)
    photo, thumb = make_photo_files(upload, stem=photo_stem(person.username))
    old = (person.photo.name, person.photo_thumb.name)
    person.photo.save(photo.name or "photo.jpg", photo, save=False)
    person.photo_thumb.save(thumb.name or "thumb.jpg", thumb, save=False)
    person.save(update_fields=["photo", "photo_thumb"])
    transaction.on_commit(lambda: delete_stored_files(old))
    return person


@transaction.atomic
def do_remove_photo(*, actor: User, person: User) -> User:
    check_can_edit_profile(actor=actor, person=person)
    old = (person.photo.name, person.photo_thumb.name)
    person.photo = person.photo_thumb = ""
    person.save(update_fields=["photo", "photo_thumb"])
    transaction.on_commit(lambda: delete_stored_files(old))
    return person


# --- Creating and deactivating people ---------------------------------------------------------


@transaction.atomic
def do_create_person(
    *,
    actor: User,
    username: str,
    display_name: str,
    email: str = "",
    password: str | None = None,
    department: str | None = None,
    location: str | None = None,
    manager: str | None = None,
    title: str = "",
    role: str = Role.MEMBER,
) -> User:
    """Create a person. Without a password they cannot sign in until invited or given a code."""
    check_is_administrator(actor)
    errors = FieldErrors()
    username = (username or "").strip()
    with errors.collect("username"):
        User.username_validator(username)
        if not username:
            raise ValidationError("This field is required.")
        if len(username) > 150:
            raise ValidationError("At most 150 characters.")
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError("This username is taken.")
    person = User(username=username)
    data: dict[str, Any] = {
        "display_name": display_name,
        "email": email,
        "title": title,
        "role": role,
    }
    if department:
        data["department"] = department
    if location:
        data["location"] = location
    if manager:
        data["manager"] = manager
    changes: ProfileChanges | None = None
    with errors.collect():
        changes = check_profile_changes(actor=actor, person=person, data=data)
    if password:
        with errors.collect("password"):
            validate_password(password, user=person)
    errors.raise_if_any()
    assert changes is not None  # else its errors were raised just above
    if password:
        person.set_password(password)
    else:
        person.set_unusable_password()
    person.display_name = changes.values["display_name"]
    person.save()
    return do_update_profile(actor=actor, person=person, changes=changes)


@transaction.atomic
def do_set_active(*, actor: User, person: User, active: bool) -> User:
    """Deactivated people cannot sign in and leave the directory; their content stays theirs."""
    check_can_manage_account(actor=actor, person=person)
    if person.pk == actor.pk and not active:
        raise ValidationError({"is_active": ["You cannot deactivate yourself."]})
    person.is_active = active
    person.save(update_fields=["is_active"])
    if not active:
        _revoke_sign_ins({person.pk})
    else:
        send_profiles_changed_on_commit([person.pk])
    return person


@transaction.atomic
def do_deactivate_people(*, actor: User, people: Iterable[User]) -> int:
    """``do_set_active(active=False)`` for many people at once (a full HR import), with the
    same rules and clean-up in a fixed number of queries. Returns how many were active."""
    people = list(people)
    for person in people:
        check_can_manage_account(actor=actor, person=person)
        if person.pk == actor.pk:
            raise ValidationError({"is_active": ["You cannot deactivate yourself."]})
    ids = {person.pk for person in people if person.is_active}
    User.objects.filter(pk__in=ids).update(is_active=False)
    for person in people:
        person.is_active = False
    _revoke_sign_ins(ids)
    return len(ids)


def _revoke_sign_ins(person_ids: set[int]) -> None:
    """Revoke the API tokens of these people and end their sessions everywhere.

    Django already refuses the session of a deactivated person on their next request; deleting
    the rows makes that true for any session store reading them. Sessions are signed, not
    indexed by person, so this is one pass over the live ones however many people leave.
    """
    if not person_ids:
        return
    ApiToken.objects.filter(user_id__in=person_ids).delete()
    wanted = {str(pk) for pk in person_ids}
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") in wanted
    ]
    for start in range(0, len(ended), 500):
        Session.objects.filter(pk__in=ended[start : start + 500]).delete()


# --- Access codes (front-line staff without company email) ------------------------------------

ACCESS_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def _new_access_code() -> str:
    raw = "".join(secrets.choice(ACCESS_CODE_ALPHABET) for _ in range(12))
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


@transaction.atomic
def do_issue_access_code(*, actor: User, person: User) -> tuple[AccessCode, str]:
    """Issue a one-time code; earlier unused codes for the person stop working.

    The person's password is cleared so the code is the one way in until they choose a new one.
    Returns the stored row and the code itself, which is never stored and shown only once.
    """
    check_can_manage_account(actor=actor, person=person)
    if not person.is_active:
        raise ValidationError({"username": ["This person is deactivated."]})
    now = timezone.now()
    AccessCode.objects.filter(user=person, used_at__isnull=True).update(expires_at=now)
    code = _new_access_code()
    access_code = AccessCode.objects.create(
        user=person,
        code_hash=AccessCode.hash(code),
        created_by=actor,
        expires_at=now + dt.timedelta(hours=settings.ACCESS_CODE_LIFETIME_HOURS),
    )
    person.set_unusable_password()
    person.save(update_fields=["password"])
    return access_code, code


@transaction.atomic
def redeem_access_code(*, username: str, code: str) -> User:
    """Use up a code and return its person; raise ValidationError for any wrong input.

    The same message answers an unknown username, a wrong, used or expired code, so the form
    does not reveal which usernames exist.
    """
    invalid = ValidationError(
        {"code": ["This username and access code do not match a valid code."]}
    )
    access_code = (
        AccessCode.objects.select_for_update()
        .select_related("user")
        .filter(code_hash=AccessCode.hash(code), user__username__iexact=username.strip())
        .first()
    )
    if access_code is None or not access_code.is_usable or not access_code.user.is_active:
        raise invalid
    access_code.used_at = timezone.now()
    access_code.save(update_fields=["used_at"])
    return access_code.user


# --- API tokens --------------------------------------------------------------------------------


@transaction.atomic
def do_create_api_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": ["Give the token a name so you can recognise it later."]})
    if len(name) > 80:
        raise ValidationError({"name": ["At most 80 characters."]})
    if user.api_tokens.count() >= 50:
        raise ValidationError({"name": ["You have 50 tokens already; revoke one first."]})
    token = ApiToken.generate()
    row = ApiToken.objects.create(
        user=user, name=name, key_hash=ApiToken.hash(token), hint=token[: len(ApiToken.PREFIX) + 4]
    )
    return row, token


@transaction.atomic
def do_revoke_api_token(*, user: User, token_id: int) -> None:
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    if not deleted:
        raise ValidationError({"token": ["No such token."]})


# Token look-ups are remembered for API_TOKEN_CACHE_SECONDS in each process: a client making
# several calls a second costs one query per token and period instead of one per call. Revoking a
# token or changing its owner (deactivation, role) forgets them at once in this process
# (``forget_api_tokens``, connected in people's ready); other processes notice within the period.
_TOKEN_CACHE_MAX = 10_000
_token_cache: dict[str, tuple[float, User, ApiToken]] = {}
_token_keys_by_user: dict[int, set[str]] = {}
_token_cache_lock = threading.Lock()


def forget_api_tokens(instance: User | ApiToken | None = None, **_: Any) -> None:
    """Forget what this process remembers of ``instance``'s tokens (a person's or one token's),
    or of every token (a signal receiver)."""
    with _token_cache_lock:
        if isinstance(instance, ApiToken):
            _token_cache.pop(instance.key_hash, None)
        elif isinstance(instance, User):
            for key in _token_keys_by_user.pop(instance.pk, ()):
                _token_cache.pop(key, None)
        else:
            _token_cache.clear()
            _token_keys_by_user.clear()


def authenticate_api_token(token: str) -> User | None:
    """The active owner of ``token``, or None. Records the last use at most once a minute."""
    if not token.startswith(ApiToken.PREFIX):
        return None
    key = ApiToken.hash(token)
    now_monotonic = time.monotonic()
    remembered = _token_cache.get(key)
    if remembered is not None and remembered[0] > now_monotonic:
        _, user, row = remembered
    else:
        # A compiled template (core/sqlcache.py): building and compiling this query of ~50
        # columns cost more than running it, and the cache above lasts only seconds.
        rows = instances(
            "api-token",
            lambda key_hash: ApiToken.objects.select_related("user").filter(key_hash=key_hash),
            {"key_hash": key},
        )
        if not rows:
            return None
        row = rows[0]
        user = row.user
        with _token_cache_lock:
            if len(_token_cache) >= _TOKEN_CACHE_MAX:
                _token_cache.clear()
                _token_keys_by_user.clear()
            _token_cache[key] = (now_monotonic + settings.API_TOKEN_CACHE_SECONDS, user, row)
            _token_keys_by_user.setdefault(user.pk, set()).add(key)
    if not user.is_active:
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > dt.timedelta(minutes=1):
        row.last_used_at = now
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    # A deep copy: a request may change its user object (its JSON fields too), and the next
    # request must not see that.
    return copy.deepcopy(user)


# --- Invitations ---------------------------------------------------------------------------------


@transaction.atomic
def do_invite_person(*, actor: User, person: User) -> Invitation:
    """Email ``person`` a link to choose a password; earlier unused invitations stop working.

    The email goes out after the transaction commits, so a rolled-back invitation sends nothing.
    """
    check_can_manage_account(actor=actor, person=person)
    if not person.is_active:
        raise ValidationError({"username": ["This person is deactivated."]})
    if not person.email:
        raise ValidationError(
            {"email": ["This person has no email address; issue an access code."]}
        )
    now = timezone.now()
    Invitation.objects.filter(user=person, accepted_at__isnull=True).update(expires_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        user=person,
        token_hash=Invitation.hash(token),
        invited_by=actor,
        expires_at=now + dt.timedelta(days=settings.INVITATION_LIFETIME_DAYS),
    )
    transaction.on_commit(lambda: send_invitation_email(invitation, token))
    return invitation


def send_invitation_email(invitation: Invitation, token: str) -> None:
    context = {
        "invitation": invitation,
        "person": invitation.user,
        "inviter": invitation.invited_by,
        "url": settings.SITE_URL + reverse("people:accept_invitation", args=[token]),
        "site_name": settings.SITE_NAME,
    }
    send_mail(
        subject=f"[{settings.SITE_NAME}] You are invited to join {settings.SITE_NAME}",
        message=render_to_string("people/email/invitation.txt", context),
        from_email=None,
        recipient_list=[invitation.user.email],
    )


def access_invitation(token: str) -> Invitation:
    """The usable invitation for ``token``; ValidationError on the ``token`` field otherwise."""
    invitation = (
        Invitation.objects.select_related("user").filter(token_hash=Invitation.hash(token)).first()
    )
    if invitation is None or not invitation.is_usable:
        raise ValidationError(
            {
                "token": [
                    "This invitation link is not valid any more. Ask an administrator for a new one."
                ]
            }
        )
    return invitation


@transaction.atomic
def do_accept_invitation(*, token: str, password: str) -> User:
    """Set the invited person's password and use up the invitation."""
    invitation = access_invitation(token)
    person = invitation.user
    try:
        validate_password(password, user=person)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    person.set_password(password)
    person.save(update_fields=["password"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return person
