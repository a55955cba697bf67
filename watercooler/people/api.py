"""The people endpoints of /api/v1: tokens, one's own profile, the directory, creating people.

Each endpoint parses its input, calls one action (writes) or query (reads) and returns a
schema from ``schemas.py``. Permissions and value rules live in ``actions`` and ``queries``.
"""

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Status

from watercooler.core.compression import never_compress
from watercooler.core.pages import viewer_of
from watercooler.core.schemas import ErrorOut
from watercooler.people import actions, queries
from watercooler.people.credentials import check_token_credentials
from watercooler.people.models import Role, User
from watercooler.people.schemas import (
    DirectoryQuery,
    PersonCreate,
    PersonOut,
    PersonPage,
    ProfilePatch,
    TokenIn,
    TokenOut,
)

auth_router = Router()
me_router = Router()
people_router = Router()

# Errors every authenticated endpoint may answer, for the OpenAPI document.
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}


@auth_router.post(
    "/token",
    auth=None,
    response={200: TokenOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Exchange a username (or email) and password for an API token",
)
def create_token(request: HttpRequest, payload: TokenIn) -> TokenOut:
    """Wrong credentials and deactivated people get 401; repeated failures for one username
    or address get 429. People with two-factor authentication must also send ``code``."""
    never_compress(request)
    user = check_token_credentials(
        request, username=payload.username, password=payload.password, code=payload.code
    )
    name = payload.name or f"API token {timezone.localdate().isoformat()}"
    _, token = actions.do_create_api_token(user=user, name=name)
    return TokenOut(token=token)


@me_router.get("", response={200: PersonOut, 401: ErrorOut, 403: ErrorOut}, summary="Your profile")
def get_me(request: HttpRequest) -> User:
    viewer = viewer_of(request)
    return queries.access_person(viewer, viewer.username)


@me_router.patch("", response={200: PersonOut, **ERRORS}, summary="Change your profile")
def update_me(request: HttpRequest, payload: ProfilePatch) -> User:
    """Only the fields sent change; with any error nothing changes."""
    viewer = viewer_of(request)
    changes = actions.check_profile_changes(
        actor=viewer, person=viewer, data=payload.model_dump(exclude_unset=True)
    )
    actions.do_update_profile(actor=viewer, person=viewer, changes=changes)
    return queries.access_person(viewer, viewer.username)


@people_router.get("", response={200: PersonPage, **ERRORS}, summary="The directory")
def list_people(request: HttpRequest, filters: Query[DirectoryQuery]) -> Any:
    """Active people in name order, a page at a time. Guests get 403."""
    page = queries.directory_page(
        viewer_of(request),
        queries.DirectoryFilter(
            q=filters.q,
            department=filters.department,
            location=filters.location,
            skill=filters.skill,
        ),
        cursor=filters.cursor,
        limit=filters.limit,
    )
    return {"items": page.items, "next_cursor": page.next_cursor}


@people_router.get(
    "/{username}",
    response={200: PersonOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="One person",
)
def get_person(request: HttpRequest, username: str) -> User:
    """404 for unknown and deactivated people (and, for guests, anyone but themselves)."""
    return queries.access_person(viewer_of(request), username)


@people_router.post("", response={201: PersonOut, **ERRORS}, summary="Add a person")
def create_person(request: HttpRequest, payload: PersonCreate) -> Status[User]:
    """Administrators only."""
    viewer = viewer_of(request)
    person = actions.do_create_person(
        actor=viewer,
        username=payload.username,
        display_name=payload.display_name,
        email=payload.email or "",
        password=payload.password or None,
        department=payload.department,
        location=payload.location,
        manager=payload.manager,
        title=payload.title or "",
        role=payload.role or Role.MEMBER,
    )
    return Status(201, queries.access_person(viewer, person.username))
