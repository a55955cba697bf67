"""Actions of the people-administration pages that are more than one call into ``actions``.

Each one checks that ``actor`` is an administrator and writes in one transaction, composing the
rules that live in ``actions`` rather than restating them.
"""

from django.db import transaction

from watercooler.core.errors import FieldErrors
from watercooler.core.models import SiteSettings
from watercooler.people.actions import (
    check_is_administrator,
    check_profile_changes,
    do_create_person,
    do_invite_person,
    do_update_profile,
)
from watercooler.people.models import Invitation, Role, User


@transaction.atomic
def do_set_role(*, actor: User, person: User, role: str) -> User:
    """Give ``person`` another role; ``check_profile_changes`` keeps an administrator from
    removing their own administrator role."""
    check_is_administrator(actor)
    changes = check_profile_changes(actor=actor, person=person, data={"role": role})
    return do_update_profile(actor=actor, person=person, changes=changes)


@transaction.atomic
def do_add_person(
    *,
    actor: User,
    username: str,
    display_name: str,
    email: str = "",
    department: str | None = None,
    location: str | None = None,
    manager: str | None = None,
    title: str = "",
    role: str = Role.MEMBER,
    invite: bool = False,
) -> tuple[User, Invitation | None]:
    """Create a person (without a password) and, if asked, email them an invitation.

    Both happen or neither: a person who cannot be invited (no email address) is not created
    when an invitation was asked for. The email leaves only after the transaction commits.
    """
    errors = FieldErrors()
    if invite and not (email or "").strip():
        errors.add(
            "email",
            "An invitation needs an email address; or leave it out and issue an access code.",
        )
    with errors.collect():
        person = do_create_person(
            actor=actor,
            username=username,
            display_name=display_name,
            email=email,
            department=department,
            location=location,
            manager=manager,
            title=title,
            role=role,
        )
    # Raised inside this transaction: a person created above is rolled back with it.
    errors.raise_if_any()
    invitation = do_invite_person(actor=actor, person=person) if invite else None
    return person, invitation


@transaction.atomic
def do_set_require_mfa(*, actor: User, value: bool) -> SiteSettings:
    """Require (or stop requiring) two-factor authentication from everyone."""
    check_is_administrator(actor)
    settings, _ = SiteSettings.objects.select_for_update().get_or_create(pk=1)
    settings.require_mfa = bool(value)
    settings.save()
    return settings
