"""Who may do what with people: plain yes/no permission predicates, and the words a refusal uses.

Queries, views and templates ask these to decide what to show (an Edit button, links into the
directory); actions raise through their ``check_*`` functions, which ask the same predicates, so
a button is shown exactly when the action behind it would be allowed.
"""

from watercooler.core.policy import is_active_person
from watercooler.people.models import Role, User

ADMINISTRATORS_ONLY = "Only administrators can do this."
GUESTS_CANNOT_BROWSE = "Guests cannot browse the directory."
OWN_PROFILE_ONLY = "You can only edit your own profile."
SUPERUSERS_SIGN_IN = "Only a superuser can change how a superuser signs in."
KEEP_OWN_ADMIN_ROLE = "You cannot remove your own administrator role; ask another administrator."

# Fields a person may change on their own profile; the rest come from HR and administrators.
SELF_EDITABLE = frozenset(
    {
        "display_name",
        "pronouns",
        "title",
        "phone",
        "bio",
        "skills",
        "languages",
        "links",
        "location",
        "listed_as_expert",
        "named_in_network",
    }
)
ADMIN_EDITABLE = SELF_EDITABLE | {
    "department",
    "manager",
    "employee_id",
    "start_date",
    "email",
    "role",
}


def can_administer(viewer: User) -> bool:
    """Administrators (and superusers) run the people pages, imports and site settings."""
    return is_active_person(viewer) and bool(viewer.is_administrator)


def can_browse_directory(viewer: User) -> bool:
    """The directory and the org chart are for everyone signed in but guests."""
    return is_active_person(viewer) and not viewer.is_guest


def can_see_person(viewer: User, person: User) -> bool:
    """An active person's profile: anyone who may browse the directory, and each guest their
    own (guests learn of others only through what they share: ``queries.access_person_card``)."""
    return (
        is_active_person(viewer)
        and person.is_active
        and (viewer.pk == person.pk or not viewer.is_guest)
    )


def can_edit_profile(viewer: User, person: User) -> bool:
    """One's own profile, and anyone's for an administrator."""
    return is_active_person(viewer) and (viewer.pk == person.pk or viewer.is_administrator)


def editable_profile_fields(viewer: User) -> frozenset[str]:
    """The profile fields ``viewer`` may change on a profile they may edit."""
    return ADMIN_EDITABLE if can_administer(viewer) else SELF_EDITABLE


def can_manage_account(viewer: User, person: User) -> bool:
    """Administrators manage how people sign in (access codes, invitations, email address,
    deactivation), except for superusers: only a superuser may do that to a superuser.

    Otherwise an administrator could give a superuser's account a new email address or an
    access code, sign in as them and so gain the Django admin.
    """
    return can_administer(viewer) and (not person.is_superuser or viewer.is_superuser)


def can_give_role(viewer: User, person: User, role: str) -> bool:
    """Administrators give people roles, but cannot take away their own administrator role
    (superusers may): without this an organisation could lock itself out of its own
    administration."""
    return can_administer(viewer) and (
        person.pk != viewer.pk or role == Role.ADMIN or viewer.is_superuser
    )
