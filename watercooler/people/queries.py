"""Reads of people for pages and the API, each through an access check.

Members, communications staff and administrators see the whole directory of active people.
Guests see only themselves (later capabilities add what is shared with them). Deactivated
people are gone from every directory read, though their content stays attributed to them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from watercooler.core.inputs import text_problem
from watercooler.core.models import SiteSettings
from watercooler.core.paging import InvalidCursorError, Page, paginate
from watercooler.core.policy import check_active, is_active_person
from watercooler.core.sqlcache import instances, run_template
from watercooler.core.text import contains_nul
from watercooler.people import policy
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

DIRECTORY_PAGE_SIZE = 24
MAX_PAGE_SIZE = 100


def check_can_browse_directory(viewer: User) -> None:
    if not policy.can_browse_directory(viewer):
        raise PermissionDenied(policy.GUESTS_CANNOT_BROWSE)


def active_member(username: object) -> User | None:
    """The active member (not a guest) with exactly this username, or None: for input naming
    a colleague to act on (whom to match, thank or ask). Anything but readable text is None."""
    if not isinstance(username, str) or not username or text_problem(username) is not None:
        return None
    return User.objects.filter(username=username, is_active=True).exclude(role=Role.GUEST).first()


def _people() -> QuerySet[User]:
    return User.objects.filter(is_active=True).select_related("department", "location")


# Whom a guest may know besides themselves: later apps (which people may not import) register a
# check ``shares(guest, person) -> bool``; communities registers "they share a community".
GuestContactCheck = Callable[[User, User], bool]
_guest_contact_checks: list[GuestContactCheck] = []


def register_guest_contact(check: GuestContactCheck) -> GuestContactCheck:
    if check not in _guest_contact_checks:
        _guest_contact_checks.append(check)
    return check


def guest_may_know(guest: User, person: User) -> bool:
    return any(check(guest, person) for check in _guest_contact_checks)


# The one people search behind the directory's box, @mentions and the search page: the search
# app registers its engine's (word prefixes of names, usernames, job titles, departments,
# locations and skills, accents folded), ``search(viewer, text, limit) -> ids, best first``.
# Until one is registered (an app-less test), names and usernames are matched as typed.
PeopleSearch = Callable[[User, str, int], list[int]]
_people_search: list[PeopleSearch] = []
# Matches a directory search considers: its pages then list them in name order.
DIRECTORY_MATCHES = 500


def register_people_search(search: PeopleSearch) -> PeopleSearch:
    _people_search[:] = [search]
    return search


def people_matching(viewer: User, q: str, *, limit: int) -> list[User]:
    """Active people matching ``q`` that ``viewer`` may browse, best match first."""
    check_can_browse_directory(viewer)
    if contains_nul(q) or not q.strip():
        return []
    if not _people_search:
        return list(
            _people().filter(name_matches(q, also_title=True)).order_by("sort_name")[:limit]
        )
    ids = _people_search[0](viewer, q, limit)
    found = _people().in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def access_person_card(viewer: User, username: str) -> tuple[User, bool]:
    """``(person, card_only)``: like ``access_person``, but a guest also gets the people they
    share something with (a community), as a minimal card (``card_only`` True: name, photo,
    title and department; no contact details, team or links). Anyone else: Http404 for guests."""
    if is_active_person(viewer) and viewer.is_guest and "\x00" not in username:
        person = _people().filter(username=username).first()
        if person is not None and person.pk != viewer.pk and guest_may_know(viewer, person):
            return person, True
    return access_person(viewer, username), False


def sign_in_account(login: str) -> str:
    """The name failed sign-ins are counted under (core/ratelimit.py): the username of the
    account whose email address ``login`` is, else ``login`` itself, so typing the email
    address instead of the username does not give a guesser a second allowance."""
    login = login.strip()
    if "@" in login and not contains_nul(login):
        username = User.objects.filter(email__iexact=login).values_list("username", flat=True)
        return username.first() or login
    return login


def access_person(viewer: User, username: str) -> User:
    """The active person ``username`` if ``viewer`` may see them, else Http404.

    A guest asking for anyone but themselves gets the same 404 as for a missing person, so the
    directory cannot be probed.
    """
    # A NUL can be in no username (and PostgreSQL refuses it in a query).
    if not is_active_person(viewer) or "\x00" in username:
        raise Http404("No such person.")
    person = (
        _people()
        .select_related("manager")
        .prefetch_related("skills")
        .filter(username=username)
        .first()
    )
    if person is None or not policy.can_see_person(viewer, person):
        raise Http404("No such person.")
    return person


@dataclass(frozen=True)
class DirectoryFilter:
    q: str = ""
    department: str = ""
    location: str = ""
    skill: str = ""


def name_matches(q: str, *, prefix: str = "", also_title: bool = False) -> Q:
    """Filter on User (or, with ``prefix`` like ``"user__"``, on a row pointing at one): every
    word of ``q`` (five at most) is in the name, starts the username or (``also_title``) is in
    the job title. The directory, member searches and people pickers all search this way."""
    match = Q()
    for word in q.split()[:5]:
        one = Q(**{f"{prefix}sort_name__contains": word.casefold()}) | Q(
            **{f"{prefix}username__istartswith": word}
        )
        if also_title:
            one |= Q(**{f"{prefix}title__icontains": word})
        match &= one
    return match


def directory_page(
    viewer: User, filters: DirectoryFilter, *, cursor: str | None, limit: int = DIRECTORY_PAGE_SIZE
) -> Page[User]:
    """One page of the directory in name order. Raises InvalidCursorError for a foreign cursor.

    Filters with a NUL character match no one (no stored text has one, and PostgreSQL refuses
    it in a query); pages that take the filters from a person answer 400 before calling this.
    """
    check_can_browse_directory(viewer)
    if contains_nul([filters.q, filters.department, filters.location, filters.skill]):
        return Page(items=[], next_cursor=None)
    # Managers and skills come along so a page renders in a fixed number of queries.
    people = _people().select_related("manager").prefetch_related("skills")
    if filters.q.strip() and _people_search:
        people = people.filter(pk__in=_people_search[0](viewer, filters.q, DIRECTORY_MATCHES))
    elif filters.q.strip():
        people = people.filter(name_matches(filters.q, also_title=True))
    if filters.department:
        people = people.filter(department__name__iexact=filters.department)
    if filters.location:
        people = people.filter(location__name__iexact=filters.location)
    if filters.skill:
        # EXISTS rather than a join: a person listing two skills that differ only in case
        # ("SQL", "sql") must still appear once, or the cursor would skip or repeat them.
        people = people.filter(
            Exists(
                User.skills.through.objects.filter(
                    user_id=OuterRef("pk"), skill__name__iexact=filters.skill
                )
            )
        )
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
            _people()
            .filter(manager_id=person.manager_id)
            .exclude(pk=person.pk)
            .order_by("sort_name")[:limit]
        )
    reports = list(_people().filter(manager=person).order_by("sort_name")[:limit])
    return OrgChart(person=person, chain=chain, peers=peers, reports=reports)


def people_choices() -> dict[str, list[str]]:
    """Department and location names, for filter menus and the profile editor's choices.

    Both are short lists an organisation curates (through HR imports and administrators).
    """
    return {
        "departments": list(Department.objects.values_list("name", flat=True)),
        "locations": list(Location.objects.values_list("name", flat=True)),
    }


SKILL_SUGGESTIONS = 50
_POPULAR_SKILLS_KEY = "people:popular-skills"
_POPULAR_SKILLS_SECONDS = 300


def popular_skills(limit: int | None = None) -> list[str]:
    """The ``limit`` (default SKILL_SUGGESTIONS) skills most active people list, most common
    first: suggestions for the directory's skill filter, which itself accepts any skill typed.

    Skills are free text, so there are as many as people care to type: listing them all would
    not scale. One aggregate over the people's skills, cached for a few minutes.
    """
    limit = limit or SKILL_SUGGESTIONS
    key = f"{_POPULAR_SKILLS_KEY}:{limit}"
    names: list[str] | None = cache.get(key)
    if names is None:
        names = list(
            Skill.objects.filter(people__is_active=True)
            .annotate(holders=Count("people"))
            .order_by("-holders", "name")
            .values_list("name", flat=True)[:limit]
        )
        cache.set(key, names, _POPULAR_SKILLS_SECONDS)
    return names


# --- Pages: profile, org chart and home (people/views.py) ---------------------------------------


@dataclass(frozen=True)
class ProfileDetails:
    person: User
    manager: User | None  # None when there is none or they were deactivated
    reports_count: int
    can_edit: bool
    can_browse: bool  # the viewer may follow links into the directory and the org chart
    card_only: bool = False  # a guest's view of someone they share a community with
    can_administer: bool = False  # the viewer may manage people (a link to this one's account)


def profile_details(viewer: User, username: str) -> ProfileDetails:
    """What the profile page shows, in a fixed number of queries. Http404 as
    ``access_person_card``."""
    person, card_only = access_person_card(viewer, username)
    if card_only:
        return ProfileDetails(person, None, 0, can_edit=False, can_browse=False, card_only=True)
    can_browse = policy.can_browse_directory(viewer)
    reports_count = _people().filter(manager=person).count() if can_browse else 0
    manager = person.manager if person.manager and person.manager.is_active else None
    return ProfileDetails(
        person=person,
        manager=manager if can_browse else None,
        reports_count=reports_count,
        can_edit=policy.can_edit_profile(viewer, person),
        can_browse=can_browse,
        can_administer=policy.can_administer(viewer),
    )


def access_org_chart(viewer: User, username: str) -> OrgChart:
    """The org chart around ``username``: Http404 as ``access_person``, PermissionDenied for guests."""
    return org_chart(viewer, access_person(viewer, username))


TEAM_LIMIT = 12
NEW_JOINERS_LIMIT = 6


@dataclass(frozen=True)
class HomeSummary:
    person: User
    missing: list[str]  # profile parts still empty: "photo", "bio", "skills", "pronouns"
    manager: User | None
    teammates: list[User]  # people with the same manager
    more_teammates: bool
    reports: list[User]
    more_reports: bool
    new_joiners: list[User]


def home_summary(viewer: User) -> HomeSummary:
    """The home page of a signed-in person, in five queries at most whatever the team size, each
    a compiled template (core/sqlcache.py: building them cost more than running them, on every
    home page).

    Guests get only their own profile: the directory is closed to them.
    """
    check_active(viewer)
    person = instances(
        "home-person",
        lambda reader: _people().select_related("manager").filter(pk=reader),
        {"reader": viewer.pk},
    )[0]
    has_skills = run_template(
        "home-has-skills",
        lambda reader: User.skills.through.objects.filter(user_id=reader).values_list("pk")[:1],
        {"reader": viewer.pk},
    )
    missing = [
        part
        for part, present in (
            ("photo", bool(person.photo_thumb)),
            ("bio", bool(person.bio.strip())),
            ("skills", bool(has_skills)),
            ("pronouns", bool(person.pronouns.strip())),
        )
        if not present
    ]
    if not policy.can_browse_directory(viewer):
        return HomeSummary(person, missing, None, [], False, [], False, [])
    manager = person.manager if person.manager and person.manager.is_active else None
    teammates: list[User] = []
    if manager is not None:
        teammates = instances(
            "home-teammates",
            lambda manager, reader: (
                _people()
                .filter(manager_id=manager)
                .exclude(pk=reader)
                .order_by("sort_name", "id")[: TEAM_LIMIT + 1]
            ),
            {"manager": manager.pk, "reader": person.pk},
        )
    reports = instances(
        "home-reports",
        lambda reader: (
            _people().filter(manager_id=reader).order_by("sort_name", "id")[: TEAM_LIMIT + 1]
        ),
        {"reader": person.pk},
    )
    new_joiners = instances(
        "home-new-joiners",
        lambda today: (
            _people()
            .filter(start_date__isnull=False, start_date__lte=today)
            .exclude(role=Role.GUEST)
            .order_by("-start_date", "-id")[:NEW_JOINERS_LIMIT]
        ),
        {"today": timezone.localdate()},
    )
    return HomeSummary(
        person=person,
        missing=missing,
        manager=manager,
        teammates=teammates[:TEAM_LIMIT],
        more_teammates=len(teammates) > TEAM_LIMIT,
        reports=reports[:TEAM_LIMIT],
        more_reports=len(reports) > TEAM_LIMIT,
        new_joiners=new_joiners,
    )


# --- One's own account: the settings page (account_views.py) ------------------------------------


@dataclass(frozen=True)
class AccountOverview:
    has_password: bool
    totp_enabled: bool
    recovery_codes_left: int | None  # None without recovery codes
    mfa_required: bool  # the organisation requires two-factor authentication
    tokens: list[ApiToken]


def account_overview(viewer: User) -> AccountOverview:
    """What the settings page shows about the viewer's own sign-in: only ever their own rows."""
    check_active(viewer)
    authenticators = {a.type: a for a in Authenticator.objects.filter(user=viewer)}
    codes = authenticators.get(Authenticator.Type.RECOVERY_CODES)
    return AccountOverview(
        has_password=viewer.has_usable_password(),
        totp_enabled=Authenticator.Type.TOTP in authenticators,
        recovery_codes_left=len(codes.wrap().get_unused_codes()) if codes else None,
        mfa_required=SiteSettings.load().require_mfa,
        tokens=list(ApiToken.objects.filter(user=viewer).order_by("-created_at", "-id")),
    )


# --- Administration of people (people/admin_views.py) -------------------------------------------

ADMIN_PAGE_SIZE = 50
ADMIN_STATUSES = ("active", "deactivated", "all")


def check_can_administer(viewer: User) -> None:
    if not policy.can_administer(viewer):
        raise PermissionDenied(policy.ADMINISTRATORS_ONLY)


def admin_people_page(
    viewer: User,
    *,
    q: str = "",
    status: str = "active",
    cursor: str | None = None,
    limit: int = ADMIN_PAGE_SIZE,
) -> Page[User]:
    """Everyone, deactivated people included, in name order; for administrators only.

    Each status is a range scan of ``people_directory_idx`` (is_active, sort_name, id). "all"
    lists the active people, then the deactivated ones: its cursor says which scan it is in
    ("a:…" or "d:…"), so a page is at most two indexed queries however deep it is and the
    database alone decides the order. Raises InvalidCursorError for a foreign cursor.
    """
    check_can_administer(viewer)
    if contains_nul(q):  # matches no one, as in directory_page
        return Page(items=[], next_cursor=None)
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    people = User.objects.select_related("department")
    for word in q.split()[:5]:
        people = people.filter(
            Q(sort_name__contains=word.casefold())
            | Q(username__istartswith=word)
            | Q(email__istartswith=word)
            | Q(employee_id=word)
        )
    keys = ("sort_name", "id")
    active, deactivated = people.filter(is_active=True), people.filter(is_active=False)
    if status != "all":
        chosen = deactivated if status == "deactivated" else active
        return paginate(chosen, keys=keys, cursor=cursor, limit=limit)
    phase, inner = "a", ""
    if cursor:
        phase, _, inner = cursor.partition(":")
        if phase not in ("a", "d"):
            raise InvalidCursorError("cursor is not valid")
    items: list[User] = []
    if phase == "a":
        page = paginate(active, keys=keys, cursor=inner or None, limit=limit)
        if page.next_cursor:
            return Page(items=page.items, next_cursor=f"a:{page.next_cursor}")
        items, inner = page.items, ""
        if len(items) == limit:
            return Page(items=items, next_cursor="d:" if deactivated.exists() else None)
    page = paginate(deactivated, keys=keys, cursor=inner or None, limit=limit - len(items))
    next_cursor = f"d:{page.next_cursor}" if page.next_cursor else None
    return Page(items=items + page.items, next_cursor=next_cursor)


def admin_access_person(viewer: User, username: str) -> User:
    """Anyone, deactivated or not, for an administrator; Http404 when there is no such person."""
    check_can_administer(viewer)
    if "\x00" in username:
        raise Http404("No such person.")
    person = (
        User.objects.select_related("department", "location", "manager")
        .prefetch_related("skills")
        .filter(username=username)
        .first()
    )
    if person is None:
        raise Http404("No such person.")
    return person


@dataclass(frozen=True)
class AdminPersonDetails:
    person: User
    invitation: Invitation | None  # the latest one
    access_code: AccessCode | None  # the latest one; only its hash is stored
    reports_count: int
    can_manage_account: bool  # invite, issue codes, (de)activate: not a superuser, unless one


def admin_person_details(viewer: User, username: str) -> AdminPersonDetails:
    """What an administrator's page about one person shows, in a fixed number of queries."""
    person = admin_access_person(viewer, username)
    return AdminPersonDetails(
        person=person,
        invitation=Invitation.objects.filter(user=person).order_by("-created_at", "-id").first(),
        access_code=AccessCode.objects.filter(user=person).order_by("-created_at", "-id").first(),
        reports_count=User.objects.filter(manager=person, is_active=True).count(),
        can_manage_account=policy.can_manage_account(viewer, person),
    )
