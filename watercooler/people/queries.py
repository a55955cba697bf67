"""Reads of people for pages and the API, each through an access check.

Members, communications staff and administrators see the whole directory of active people.
Guests see only themselves (later capabilities add what is shared with them). Deactivated
people are gone from every directory read, though their content stays attributed to them.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404

from watercooler.core.paging import Page, paginate
from watercooler.people.models import User

DIRECTORY_PAGE_SIZE = 24
MAX_PAGE_SIZE = 100


def can_browse_directory(viewer: User) -> bool:
    return viewer.is_authenticated and viewer.is_active and not viewer.is_guest


def check_can_browse_directory(viewer: User) -> None:
    if not can_browse_directory(viewer):
        raise PermissionDenied("Guests cannot browse the directory.")


def _people() -> QuerySet[User]:
    return User.objects.filter(is_active=True).select_related("department", "location")


def access_person(viewer: User, username: str) -> User:
    """The active person ``username`` if ``viewer`` may see them, else Http404.

    A guest asking for anyone but themselves gets the same 404 as for a missing person, so the
    directory cannot be probed.
    """
    if not (viewer.is_authenticated and viewer.is_active):
        raise Http404("No such person.")
    person = (
        _people()
        .select_related("manager")
        .prefetch_related("skills")
        .filter(username=username)
        .first()
    )
    if person is None or (viewer.is_guest and person.pk != viewer.pk):
        raise Http404("No such person.")
    return person


@dataclass(frozen=True)
class DirectoryFilter:
    q: str = ""
    department: str = ""
    location: str = ""
    skill: str = ""


def directory_page(
    viewer: User, filters: DirectoryFilter, *, cursor: str | None, limit: int = DIRECTORY_PAGE_SIZE
) -> Page[User]:
    """One page of the directory in name order. Raises InvalidCursor for a foreign cursor."""
    check_can_browse_directory(viewer)
    people = _people()
    if filters.q.strip():
        for word in filters.q.split()[:5]:
            people = people.filter(
                Q(sort_name__contains=word.casefold())
                | Q(title__icontains=word)
                | Q(username__istartswith=word)
            )
    if filters.department:
        people = people.filter(department__name__iexact=filters.department)
    if filters.location:
        people = people.filter(location__name__iexact=filters.location)
    if filters.skill:
        people = people.filter(skills__name__iexact=filters.skill)
    return paginate(
        people, keys=("sort_name", "id"), cursor=cursor, limit=max(1, min(limit, MAX_PAGE_SIZE))
    )


@dataclass(frozen=True)
class OrgChart:
    person: User
    chain: list[User]  # from the top of the organisation down to the person's manager
    peers: list[User]
    reports: list[User]


_CHAIN_SQL = """
WITH RECURSIVE chain(id, manager_id, depth) AS (
    SELECT id, manager_id, 0 FROM people_user WHERE id = %s
    UNION ALL
    SELECT u.id, u.manager_id, chain.depth + 1
    FROM people_user u JOIN chain ON u.id = chain.manager_id
    WHERE chain.depth < 50
)
SELECT id, depth FROM chain WHERE depth > 0
"""


def org_chart(viewer: User, person: User, *, limit: int = 200) -> OrgChart:
    """The person's manager chain, peers and direct reports, in a fixed number of queries."""
    check_can_browse_directory(viewer)
    with connection.cursor() as cursor:
        cursor.execute(_CHAIN_SQL, [person.pk])
        depth_of = dict(cursor.fetchall())
    managers = {u.pk: u for u in _people().filter(pk__in=depth_of)}
    chain = sorted(managers.values(), key=lambda u: -depth_of[u.pk])
    peers: list[User] = []
    if person.manager_id:
        peers = list(
            _people().filter(manager_id=person.manager_id).exclude(pk=person.pk).order_by("sort_name")[:limit]
        )
    reports = list(_people().filter(manager=person).order_by("sort_name")[:limit])
    return OrgChart(person=person, chain=chain, peers=peers, reports=reports)


def people_choices() -> dict[str, list[str]]:
    """Department, location and skill names for the directory's filter menus."""
    from watercooler.people.models import Department, Location, Skill

    return {
        "departments": list(Department.objects.values_list("name", flat=True)),
        "locations": list(Location.objects.values_list("name", flat=True)),
        "skills": list(Skill.objects.values_list("name", flat=True)),
    }
