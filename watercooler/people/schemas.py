"""Request and response schemas of the people API (``watercooler/people/api.py``).

Input schemas only check shapes and types; every rule about values (lengths, who may change
what, whether a location exists) lives in ``actions.py``, so pages and the API agree.
"""

import datetime as dt

from django.urls import reverse
from ninja import Field, Schema
from pydantic import ConfigDict

from watercooler.people.models import Role, User
from watercooler.people.queries import DIRECTORY_PAGE_SIZE, MAX_PAGE_SIZE

# --- Output --------------------------------------------------------------------------------------


class LocationOut(Schema):
    name: str
    country: str
    timezone: str


class PersonRef(Schema):
    username: str
    display_name: str


def person_ref(user: User | None) -> dict[str, str] | None:
    """A ``PersonRef``'s data (None for no one)."""
    if user is None:
        return None
    return {"username": user.username, "display_name": user.display_name}


class LinkOut(Schema):
    label: str
    url: str


class PersonOut(Schema):
    """A person's profile. The directory list and the detail use this same schema.

    Expects ``department``, ``location`` and ``manager`` selected and ``skills`` prefetched,
    as ``queries.access_person`` and ``queries.directory_page`` do, so a list is a fixed number
    of queries.
    """

    username: str
    display_name: str
    pronouns: str
    title: str
    department: str | None = Field(description="The department's name.")
    location: LocationOut | None
    manager: PersonRef | None = Field(description="Null when none, or no longer active.")
    email: str
    phone: str
    bio: str
    skills: list[str]
    languages: list[str]
    links: list[LinkOut]
    start_date: dt.date | None
    photo_url: str | None = Field(description="Path of the full-size photo, or null.")
    photo_thumb_url: str | None = Field(description="Path of the small square photo, or null.")
    role: str = Field(description=f"One of: {', '.join(Role.values)}.")
    profile_url: str = Field(description="Path of the person's profile page.")

    @staticmethod
    def resolve_department(obj: User) -> str | None:
        return obj.department.name if obj.department is not None else None

    @staticmethod
    def resolve_location(obj: User) -> LocationOut | None:
        loc = obj.location
        if loc is None:
            return None
        return LocationOut(name=loc.name, country=loc.country, timezone=loc.timezone)

    @staticmethod
    def resolve_manager(obj: User) -> PersonRef | None:
        manager = obj.manager
        if manager is None or not manager.is_active:
            return None
        return PersonRef(username=manager.username, display_name=manager.display_name)

    @staticmethod
    def resolve_skills(obj: User) -> list[str]:
        return [skill.name for skill in obj.skills.all()]

    @staticmethod
    def resolve_languages(obj: User) -> list[str]:
        return [str(lang) for lang in obj.languages or []]

    @staticmethod
    def resolve_links(obj: User) -> list[LinkOut]:
        return [LinkOut(**link) for link in obj.web_links]

    @staticmethod
    def resolve_photo_url(obj: User) -> str | None:
        return obj.photo.url if obj.photo else None

    @staticmethod
    def resolve_photo_thumb_url(obj: User) -> str | None:
        return obj.photo_thumb.url if obj.photo_thumb else None

    @staticmethod
    def resolve_profile_url(obj: User) -> str:
        return reverse("people:profile", kwargs={"username": obj.username})


class PersonPage(Schema):
    items: list[PersonOut]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


class TokenOut(Schema):
    token: str = Field(description="Shown only once. Send it as `Authorization: Bearer <token>`.")


# --- Input ---------------------------------------------------------------------------------------


class StrictInput(Schema):
    """Unknown fields are an error rather than silently ignored."""

    model_config = ConfigDict(extra="forbid")


class TokenIn(StrictInput):
    username: str = Field(max_length=254, description="Username or email address.")
    password: str = Field(max_length=4096)
    code: str | None = Field(
        None,
        max_length=64,
        description="A current authenticator (or recovery) code, for people with two-factor"
        " authentication turned on.",
    )
    name: str | None = Field(
        None, description='A name to recognise the token by; defaults to "API token <date>".'
    )


class LinkIn(StrictInput):
    label: str | None = None
    url: str


class ProfilePatch(StrictInput):
    """Only the fields sent change. People change their own profile's fields, from
    ``display_name`` to ``named_in_network``; the rest are for administrators (anyone else gets
    422 on those fields)."""

    display_name: str | None = None
    pronouns: str | None = None
    title: str | None = None
    phone: str | None = None
    bio: str | None = None
    skills: list[str] | None = None
    languages: list[str] | None = None
    links: list[LinkIn] | None = None
    location: str | None = Field(None, description="The name of an existing location.")
    listed_as_expert: bool | None = Field(
        None, description="Whether search's Experts tab may list you."
    )
    named_in_network: bool | None = Field(
        None,
        description="Whether insights' network analysis may show you by name (you are counted "
        "either way); null follows the organisation's default.",
    )
    department: str | None = Field(None, description="Administrators only.")
    manager: str | None = Field(None, description="A username. Administrators only.")
    employee_id: str | None = Field(None, description="Administrators only.")
    start_date: dt.date | None = Field(None, description="Administrators only.")
    email: str | None = Field(None, description="Administrators only.")
    role: str | None = Field(None, description=f"Administrators only: {', '.join(Role.values)}.")


class PersonCreate(StrictInput):
    username: str
    display_name: str
    email: str | None = None
    password: str | None = Field(
        None, description="Without one the person signs in after an invitation or access code."
    )
    department: str | None = Field(None, description="Created if it does not exist yet.")
    location: str | None = Field(None, description="The name of an existing location.")
    manager: str | None = Field(None, description="The manager's username.")
    title: str | None = None
    role: str | None = Field(None, description=f"One of: {', '.join(Role.values)}.")


class DirectoryQuery(Schema):
    q: str = Field("", max_length=200, description="Words to find in names, titles, usernames.")
    department: str = Field("", max_length=120, description="A department name.")
    location: str = Field("", max_length=120, description="A location name.")
    skill: str = Field("", max_length=60, description="A skill name.")
    cursor: str | None = Field(None, max_length=1000, description="`next_cursor` of a page.")
    limit: int = Field(DIRECTORY_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)
