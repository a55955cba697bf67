"""The people endpoints of /api/v1: tokens, /me, the directory, one person, adding people.

Each endpoint is checked for what it returns, against the anonymous caller, the guest and the
outsider, and with bad input (422 naming the fields, never a 5xx).
"""

from collections.abc import Iterator
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_django import DjangoAssertNumQueries

from watercooler.core.models import SiteSettings
from watercooler.core.paging import encode_cursor
from watercooler.core.ratelimit import PASSWORD_FAILURES
from watercooler.people.actions import authenticate_api_token, do_set_active
from watercooler.people.models import ApiToken, Department, Role, User
from watercooler.testing.fixtures import ApiClient
from watercooler.testing.world import PASSWORD, World, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    # Site settings and sign-in failure counts live in the cache; keep tests independent.
    cache.clear()
    yield
    cache.clear()


def assert_error(response: Any, status: int, *fields: str | None) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body: dict[str, Any] = response.json()
    assert isinstance(body["detail"], str)
    assert isinstance(body["errors"], list)
    got = {error["field"] for error in body["errors"]}
    for field in fields:
        assert field in got, body
    return body


def token_request(body: Any, **headers: str) -> Any:
    return Client().post(
        "/api/v1/auth/token", body, content_type="application/json", headers=headers
    )


# --- POST /auth/token ----------------------------------------------------------------------------


def test_token_from_username_and_password(world: World) -> None:
    response = token_request({"username": "olivia_owner", "password": PASSWORD})
    assert response.status_code == 200, response.content
    token = response.json()["token"]
    assert set(response.json()) == {"token"}
    assert authenticate_api_token(token) == world.owner
    row = ApiToken.objects.get(user=world.owner)
    assert row.name == f"API token {timezone.localdate().isoformat()}"
    me = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["username"] == "olivia_owner"


def test_token_from_email_with_a_name(world: World) -> None:
    response = token_request(
        {"username": "olivia_owner@example.com", "password": PASSWORD, "name": "My laptop"}
    )
    assert response.status_code == 200, response.content
    assert ApiToken.objects.get(user=world.owner).name == "My laptop"


@pytest.mark.parametrize(
    "body",
    [
        {"username": "olivia_owner", "password": "wrong"},
        {"username": "nobody_here", "password": PASSWORD},
        {"username": "", "password": ""},
        {"username": "olivia_owner", "password": ""},
    ],
)
def test_wrong_credentials_get_401(world: World, body: dict[str, str]) -> None:
    assert_error(token_request(body), 401)
    assert not ApiToken.objects.exists()


def test_deactivated_person_gets_401(world: World) -> None:
    do_set_active(actor=world.admin, person=world.outsider, active=False)
    assert_error(token_request({"username": "oscar_outsider", "password": PASSWORD}), 401)


def test_token_request_needs_no_csrf_even_with_a_session(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner)
    response = client.post(
        "/api/v1/auth/token",
        {"username": "olivia_owner", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"username": "olivia_owner"}, ["password"]),
        ({"password": PASSWORD}, ["username"]),
        ({"username": 5, "password": PASSWORD}, ["username"]),
        ({"username": "olivia_owner", "password": PASSWORD, "admin": True}, ["admin"]),
        ({"username": "olivia_owner", "password": PASSWORD, "name": "n" * 81}, ["name"]),
        ({"username": "u" * 10_000, "password": PASSWORD}, ["username"]),
    ],
)
def test_bad_token_requests_are_422(world: World, body: dict[str, Any], fields: list[str]) -> None:
    assert_error(token_request(body), 422, *fields)


def test_failed_attempts_per_username_are_limited(world: World) -> None:
    wrong = {"username": "olivia_owner", "password": "wrong"}
    for _ in range(PASSWORD_FAILURES.per_account_address):
        assert token_request(wrong).status_code == 401
    # Even the right password waits now, and the username's case does not get around it.
    response = token_request({"username": "OLIVIA_OWNER", "password": PASSWORD})
    assert_error(response, 429)
    assert int(response["Retry-After"]) > 0
    # Other people are not locked out by someone guessing Olivia's password, nor is Olivia
    # herself elsewhere.
    other = token_request({"username": "theo_teammate", "password": PASSWORD})
    assert other.status_code == 200
    elsewhere = Client(REMOTE_ADDR="10.1.2.3").post(
        "/api/v1/auth/token",
        {"username": "olivia_owner", "password": PASSWORD},
        content_type="application/json",
    )
    assert elsewhere.status_code == 200


def test_failed_attempts_per_address_are_limited(world: World) -> None:
    for i in range(PASSWORD_FAILURES.per_address):
        response = token_request({"username": f"guess_{i}", "password": "wrong"})
        assert response.status_code == 401
    assert_error(token_request({"username": "theo_teammate", "password": PASSWORD}), 429)
    elsewhere = Client(REMOTE_ADDR="10.1.2.3").post(
        "/api/v1/auth/token",
        {"username": "theo_teammate", "password": PASSWORD},
        content_type="application/json",
    )
    assert elsewhere.status_code == 200


def test_success_clears_the_username_count(world: World) -> None:
    wrong = {"username": "olivia_owner", "password": "wrong"}
    right = {"username": "olivia_owner", "password": PASSWORD}
    for _ in range(PASSWORD_FAILURES.per_account_address - 1):
        token_request(wrong)
    assert token_request(right).status_code == 200
    for _ in range(PASSWORD_FAILURES.per_account_address - 1):
        token_request(wrong)
    assert token_request(right).status_code == 200


def test_two_factor_people_must_send_a_code(world: World) -> None:
    secret = generate_totp_secret()
    TOTP.activate(world.owner, secret)
    body = {"username": "olivia_owner", "password": PASSWORD}
    assert_error(token_request(body), 401, "code")
    assert_error(token_request({**body, "code": "000000x"}), 401, "code")
    counter = list(yield_hotp_counters_from_time())[len(list(yield_hotp_counters_from_time())) // 2]
    code = format_hotp_value(hotp_value(secret, counter))
    assert token_request({**body, "code": code}).status_code == 200
    # A code works once.
    assert_error(token_request({**body, "code": code}), 401, "code")


def test_required_mfa_without_totp_gets_no_token(world: World) -> None:
    site = SiteSettings.load()
    site.require_mfa = True
    site.save()
    response = token_request({"username": "theo_teammate", "password": PASSWORD})
    assert "Two-factor" in assert_error(response, 403)["detail"]
    assert not ApiToken.objects.exists()


# --- GET /me -------------------------------------------------------------------------------------


def test_get_me(world: World, api_as: type[ApiClient]) -> None:
    response = api_as(world.teammate).get("/me")
    assert response.status_code == 200
    me = response.json()
    assert me == {
        "username": "theo_teammate",
        "display_name": "Theo Teammate",
        "pronouns": "",
        "title": "Software Engineer",
        "department": "Engineering",
        "location": {"name": "London", "country": "United Kingdom", "timezone": "Europe/London"},
        "manager": {"username": "olivia_owner", "display_name": "Olivia Owner"},
        "email": "theo_teammate@example.com",
        "phone": "",
        "bio": "",
        "skills": ["Python"],
        "languages": [],
        "links": [],
        "start_date": None,
        "photo_url": None,
        "photo_thumb_url": None,
        "role": "member",
        "profile_url": "/people/theo_teammate/",
    }


def test_guest_sees_themselves(world: World, api_as: type[ApiClient]) -> None:
    me = api_as(world.guest).get("/me").json()
    assert me["username"] == "gwen_guest"
    assert me["role"] == "guest"
    assert me["department"] is None
    assert me["location"] is None
    assert me["manager"] is None


def test_photo_urls_are_paths(world: World, api_as: type[ApiClient]) -> None:
    User.objects.filter(pk=world.owner.pk).update(
        photo="photos/olivia.jpg", photo_thumb="photos/thumbs/olivia.jpg"
    )
    me = api_as(world.owner).get("/me").json()
    assert me["photo_url"] == "/media/photos/olivia.jpg"
    assert me["photo_thumb_url"] == "/media/photos/thumbs/olivia.jpg"


# --- PATCH /me -----------------------------------------------------------------------------------


def test_patch_me_changes_only_what_is_sent(world: World, api_as: type[ApiClient]) -> None:
    changes = {
        "display_name": "Theo T.",
        "pronouns": "he/him",
        "skills": ["Go", "python", "Go"],
        "languages": ["English", "French"],
        "links": [{"label": "Blog", "url": "https://example.com/theo"}, {"url": "https://x.org"}],
        "location": "Berlin",
        "phone": "+44 20 0000 0000",
        "bio": "Hello.",
    }
    response = api_as(world.teammate).patch("/me", changes)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["display_name"] == "Theo T."
    assert body["skills"] == ["Go", "Python"]  # existing skill matched, duplicates dropped
    assert body["location"]["name"] == "Berlin"
    assert body["links"] == [
        {"label": "Blog", "url": "https://example.com/theo"},
        {"label": "https://x.org", "url": "https://x.org"},
    ]
    theo = User.objects.get(pk=world.teammate.pk)
    assert theo.display_name == "Theo T."
    assert theo.sort_name == "theo t."
    assert theo.pronouns == "he/him"
    assert theo.languages == ["English", "French"]
    assert theo.location == world.berlin
    assert theo.title == "Software Engineer"  # not sent, not changed
    assert theo.department == world.engineering
    assert sorted(s.name for s in theo.skills.all()) == ["Go", "Python"]


def test_patch_me_can_clear_fields(world: World, api_as: type[ApiClient]) -> None:
    response = api_as(world.owner).patch("/me", {"title": "", "location": None, "skills": []})
    assert response.status_code == 200, response.content
    owner = User.objects.get(pk=world.owner.pk)
    assert (owner.title, owner.location, owner.skills.count()) == ("", None, 0)


def snapshot(user: User) -> dict[str, Any]:
    fresh = User.objects.get(pk=user.pk)
    return {
        "fields": {
            f.attname: getattr(fresh, f.attname)
            for f in User._meta.concrete_fields
            if f.attname not in ("last_login",)
        },
        "skills": sorted(fresh.skills.values_list("name", flat=True)),
    }


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"role": "admin"}, ["role"]),
        ({"department": "Sales", "title": "Boss"}, ["department"]),
        ({"manager": "ada_admin"}, ["manager"]),
        ({"email": "new@example.com"}, ["email"]),
        ({"start_date": "2024-01-01"}, ["start_date"]),
        ({"employee_id": "E1"}, ["employee_id"]),
        ({"is_superuser": True}, ["is_superuser"]),
        ({"password": "x", "username": "y"}, ["password", "username"]),
        ({"display_name": ""}, ["display_name"]),
        ({"display_name": None}, ["display_name"]),
        ({"display_name": 12}, ["display_name"]),
        ({"title": "t" * 151, "bio": "b" * 2001}, ["title", "bio"]),
        ({"location": "Atlantis"}, ["location"]),
        ({"skills": "not-a-list-of-objects", "languages": [1, 2]}, ["languages.0"]),
        ({"skills": [{"name": "Go"}]}, ["skills.0"]),
        ({"skills": ["s" * 61]}, ["skills"]),
        ({"skills": [f"skill {i}" for i in range(31)]}, ["skills"]),
        ({"links": [{"url": "javascript:alert(1)"}]}, ["links"]),
        ({"links": [{"label": "x"}]}, ["links.0.url"]),
        ({"links": "https://example.com"}, ["links"]),
        ({"links": [{"url": "https://e.com", "colour": "red"}]}, ["links.0.colour"]),
        ({"title": "fine", "role": "admin"}, ["role"]),
    ],
)
def test_bad_patch_is_422_and_changes_nothing(
    world: World, api_as: type[ApiClient], body: dict[str, Any], fields: list[str]
) -> None:
    before = snapshot(world.owner)
    assert_error(api_as(world.owner).patch("/me", body), 422, *fields)
    assert snapshot(world.owner) == before


def test_admin_cannot_remove_their_own_admin_role(world: World, api_as: type[ApiClient]) -> None:
    # The rule of the Manage people page holds here too: it lives in the action.
    response = api_as(world.admin).patch("/me", {"role": "member", "title": "Ex-admin"})
    assert_error(response, 422, "role")
    admin = User.objects.get(pk=world.admin.pk)
    assert (admin.role, admin.title) == (Role.ADMIN, "")


def test_only_web_links_are_returned(world: World, api_as: type[ApiClient]) -> None:
    # Rows written around the actions (the Django admin's raw JSON, old data) must not hand a
    # javascript: URL to API clients that render links.
    User.objects.filter(pk=world.owner.pk).update(
        links=[
            {"label": "Bad", "url": "javascript:alert(1)"},
            {"url": "HTTPS://example.com/me"},
            "not a link",
        ]
    )
    links = api_as(world.teammate).get("/people/olivia_owner").json()["links"]
    assert links == [{"label": "HTTPS://example.com/me", "url": "HTTPS://example.com/me"}]


def test_admin_may_patch_admin_fields_on_themselves(world: World, api_as: type[ApiClient]) -> None:
    response = api_as(world.admin).patch(
        "/me", {"department": "Operations", "start_date": "2020-02-03", "employee_id": "A-1"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["department"] == "Operations"
    assert response.json()["start_date"] == "2020-02-03"
    assert Department.objects.filter(name="Operations").exists()


def test_guest_may_patch_own_profile(world: World, api_as: type[ApiClient]) -> None:
    response = api_as(world.guest).patch("/me", {"title": "Consultant"})
    assert response.status_code == 200
    assert User.objects.get(pk=world.guest.pk).title == "Consultant"


# --- GET /people ---------------------------------------------------------------------------------


def usernames(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [p["username"] for p in response.json()["items"]]


def test_directory_lists_active_people_in_name_order(world: World, api_as: type[ApiClient]) -> None:
    do_set_active(actor=world.admin, person=world.outsider, active=False)
    response = api_as(world.owner).get("/people")
    assert usernames(response) == ["ada_admin", "gwen_guest", "olivia_owner", "theo_teammate"]
    assert response.json()["next_cursor"] is None
    item = response.json()["items"][2]
    assert item == api_as(world.owner).get("/people/olivia_owner").json()


def test_guests_cannot_browse(world: World, api_as: type[ApiClient]) -> None:
    assert_error(api_as(world.guest).get("/people"), 403)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"department": "Engineering"}, ["olivia_owner", "theo_teammate"]),
        ({"department": "engineering"}, ["olivia_owner", "theo_teammate"]),
        ({"location": "Berlin"}, ["oscar_outsider"]),
        ({"skill": "python"}, ["olivia_owner", "theo_teammate"]),
        ({"skill": "Negotiation"}, ["oscar_outsider"]),
        ({"q": "olivia"}, ["olivia_owner"]),
        ({"q": "engineer"}, ["olivia_owner", "theo_teammate"]),
        ({"q": "software engineer"}, ["theo_teammate"]),
        ({"q": "theo_"}, ["theo_teammate"]),
        ({"department": "Engineering", "skill": "Kubernetes"}, ["olivia_owner"]),
        ({"department": "Nowhere"}, []),
        ({"q": "zzz"}, []),
    ],
)
def test_directory_filters(
    world: World, api_as: type[ApiClient], params: dict[str, str], expected: list[str]
) -> None:
    assert usernames(api_as(world.outsider).get("/people", **params)) == expected


def test_cursor_paging_returns_everyone_once_in_order(
    world: World, api_as: type[ApiClient]
) -> None:
    for i in range(60):
        make_person(f"p{i:02d}", display_name=f"Person {59 - i:02d}", department=world.sales)
    client = api_as(world.outsider)
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"department": "Sales", "limit": 7}
        if cursor:
            params["cursor"] = cursor
        response = client.get("/people", **params)
        page = response.json()
        assert len(page["items"]) <= 7
        seen += usernames(response)
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 9  # 61 people in Sales, 7 a page
    # "oscar outsider" sorts before "person 00" (p59) … "person 59" (p00).
    assert seen == ["oscar_outsider"] + [f"p{59 - i:02d}" for i in range(60)]


def test_default_and_maximum_page_size(world: World, api_as: type[ApiClient]) -> None:
    for i in range(30):
        make_person(f"extra{i:02d}")
    client = api_as(world.owner)
    assert len(client.get("/people").json()["items"]) == 24
    assert len(client.get("/people", limit=100).json()["items"]) == 35
    assert_error(client.get("/people", limit=101), 422, "limit")


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!",
        "WzFd",
        "eyJhIjoxfQ",
        "W3RydWUsZmFsc2Vd",
        "x" * 5000,
        "==",
        encode_cursor(["olivia owner", "not an id"]),
        encode_cursor(["olivia\x00", 1]),
        encode_cursor(["olivia owner", 2**70]),
    ],
)
def test_invalid_cursor_is_422(world: World, api_as: type[ApiClient], cursor: str) -> None:
    assert_error(api_as(world.owner).get("/people", cursor=cursor), 422, "cursor")


def _make_people(count: int, world: World) -> None:
    for i in range(count):
        person = make_person(
            f"n{i:03d}",
            department=world.engineering,
            location=world.london,
            manager=world.owner,
            skills=["Python", f"Skill {i % 7}"],
            links=[{"label": "Site", "url": f"https://example.com/{i}"}],
        )
        assert person.pk


@pytest.mark.parametrize("count", [10, 50])
def test_directory_query_count_does_not_grow(
    world: World,
    api_as: type[ApiClient],
    django_assert_max_num_queries: DjangoAssertNumQueries,
    count: int,
) -> None:
    _make_people(count, world)
    client = api_as(world.outsider)
    client.get("/me")  # token use recorded: later calls do not write
    with django_assert_max_num_queries(3):
        response = client.get("/people", limit=100)
    assert len(response.json()["items"]) == count + 5
    made = [item for item in response.json()["items"] if item["username"].startswith("n")]
    assert len(made) == count
    assert all(item["skills"] and item["manager"] and item["links"] for item in made)


# --- GET /people/{username} ----------------------------------------------------------------------


def test_get_person(world: World, api_as: type[ApiClient]) -> None:
    response = api_as(world.outsider).get("/people/olivia_owner")
    assert response.status_code == 200
    body = response.json()
    assert body["manager"] == {"username": "ada_admin", "display_name": "Ada Admin"}
    assert body["skills"] == ["Kubernetes", "Python"]
    assert body["profile_url"] == "/people/olivia_owner/"


def test_unknown_and_deactivated_people_are_404(world: World, api_as: type[ApiClient]) -> None:
    client = api_as(world.owner)
    assert_error(client.get("/people/nobody"), 404)
    do_set_active(actor=world.admin, person=world.outsider, active=False)
    assert_error(client.get("/people/oscar_outsider"), 404)


def test_deactivated_manager_is_not_shown(world: World, api_as: type[ApiClient]) -> None:
    do_set_active(actor=world.admin, person=world.owner, active=False)
    assert api_as(world.outsider).get("/people/theo_teammate").json()["manager"] is None


def test_guest_sees_only_themselves(world: World, api_as: type[ApiClient]) -> None:
    client = api_as(world.guest)
    assert client.get("/people/gwen_guest").status_code == 200
    for other in ("olivia_owner", "ada_admin", "nobody"):
        assert_error(client.get(f"/people/{other}"), 404)


# --- POST /people --------------------------------------------------------------------------------


def test_admin_creates_a_person(world: World, api_as: type[ApiClient]) -> None:
    response = api_as(world.admin).post(
        "/people",
        {
            "username": "nina_new",
            "email": "nina@example.com",
            "password": "a-long-enough-password-7",
            "display_name": "Nina New",
            "department": "Research",
            "location": "London",
            "manager": "olivia_owner",
            "title": "Researcher",
            "role": "comms",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["username"] == "nina_new"
    assert body["department"] == "Research"
    assert body["location"]["name"] == "London"
    assert body["manager"]["username"] == "olivia_owner"
    assert body["role"] == "comms"
    nina = User.objects.get(username="nina_new")
    assert nina.check_password("a-long-enough-password-7")
    assert nina.role == Role.COMMS
    token = token_request({"username": "nina_new", "password": "a-long-enough-password-7"})
    assert token.status_code == 200


def test_minimal_person_has_no_usable_password(world: World, api_as: type[ApiClient]) -> None:
    response = api_as(world.admin).post("/people", {"username": "min", "display_name": "Min"})
    assert response.status_code == 201, response.content
    person = User.objects.get(username="min")
    assert not person.has_usable_password()
    assert person.role == Role.MEMBER


@pytest.mark.parametrize("who", ["owner", "teammate", "outsider", "guest"])
def test_only_administrators_create_people(world: World, api_as: type[ApiClient], who: str) -> None:
    response = api_as(getattr(world, who)).post(
        "/people", {"username": "sneaky", "display_name": "Sneaky"}
    )
    assert_error(response, 403)
    assert not User.objects.filter(username="sneaky").exists()


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"username": "olivia_owner", "display_name": "Dup"}, ["username"]),
        ({"username": "OLIVIA_OWNER", "display_name": "Dup"}, ["username"]),
        ({"username": "new one", "display_name": "Bad"}, ["username"]),
        ({"username": "", "display_name": "Empty"}, ["username"]),
        ({"username": "u" * 151, "display_name": "Long"}, ["username"]),
        ({"username": "x1", "display_name": "X", "location": "Atlantis"}, ["location"]),
        ({"username": "x2", "display_name": "X", "manager": "nobody"}, ["manager"]),
        ({"username": "x3", "display_name": "X", "role": "emperor"}, ["role"]),
        ({"username": "x4", "display_name": "X", "email": "not-an-email"}, ["email"]),
        ({"username": "x5", "display_name": "X", "email": "OLIVIA_owner@example.com"}, ["email"]),
        ({"username": "x6", "display_name": "X", "password": "123"}, ["password"]),
        ({"username": "x7", "display_name": ""}, ["display_name"]),
        ({"username": "x8"}, ["display_name"]),
        ({"display_name": "X"}, ["username"]),
        ({"username": "x9", "display_name": "X", "is_superuser": True}, ["is_superuser"]),
        ({"username": 9, "display_name": ["X"]}, ["username", "display_name"]),
        ({"username": "x10", "display_name": "X" * 151, "title": "t" * 151}, ["display_name"]),
    ],
)
def test_bad_new_person_is_422(
    world: World, api_as: type[ApiClient], body: dict[str, Any], fields: list[str]
) -> None:
    count = User.objects.count()
    assert_error(api_as(world.admin).post("/people", body), 422, *fields)
    assert User.objects.count() == count


def test_anonymous_cannot_create(world: World, api_as: type[ApiClient]) -> None:
    assert_error(api_as(None).post("/people", {"username": "a", "display_name": "A"}), 401)


# --- Arbitrary input never produces a 5xx --------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=300),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
PERSON_KEYS = [
    "username",
    "email",
    "password",
    "display_name",
    "department",
    "location",
    "manager",
    "title",
    "role",
]
PROFILE_KEYS = [
    "display_name",
    "pronouns",
    "title",
    "phone",
    "bio",
    "skills",
    "languages",
    "links",
    "location",
    "department",
    "manager",
    "employee_id",
    "start_date",
    "email",
    "role",
]
plausible_values = st.one_of(
    json_values,
    st.sampled_from(["London", "Berlin", "olivia_owner", "admin", "guest", "2024-02-30", ""]),
    st.lists(st.text(max_size=70), max_size=35),
    st.lists(
        st.fixed_dictionaries(
            {"url": st.sampled_from(["https://e.com", "ftp://x", "", "http://"])},
            optional={"label": json_values},
        ),
        max_size=12,
    ),
)


def bodies(keys: list[str]) -> st.SearchStrategy[Any]:
    return st.one_of(
        json_values,
        st.dictionaries(
            st.one_of(st.sampled_from(keys), st.text(max_size=10)), plausible_values, max_size=8
        ),
    )


FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def admin_api(world: World, api_as: type[ApiClient]) -> ApiClient:
    return api_as(world.admin)


@pytest.fixture
def owner_api(world: World, api_as: type[ApiClient]) -> ApiClient:
    return api_as(world.owner)


@FUZZ
@given(body=bodies(PERSON_KEYS))
def test_arbitrary_new_person_bodies_never_5xx(admin_api: ApiClient, body: Any) -> None:
    response = admin_api.post("/people", body)
    assert response.status_code in (201, 400, 422), (body, response.content)
    if response.status_code != 201:
        assert set(response.json()) == {"detail", "errors"}


@FUZZ
@given(body=bodies(PROFILE_KEYS))
def test_arbitrary_profile_patches_never_5xx(
    owner_api: ApiClient, admin_api: ApiClient, body: Any
) -> None:
    for client in (owner_api, admin_api):
        response = client.patch("/me", body)
        assert response.status_code in (200, 400, 422), (body, response.content)
        expected = {"detail", "errors"} if response.status_code >= 400 else {"username"}
        assert set(response.json()) >= expected


@FUZZ
@given(body=st.one_of(json_values, st.binary(max_size=200)))
def test_arbitrary_token_requests_never_5xx(world: World, body: Any) -> None:
    cache.clear()
    if isinstance(body, bytes):
        response = Client().generic(
            "POST", "/api/v1/auth/token", body, content_type="application/json"
        )
    else:
        response = token_request(body)
    assert response.status_code in (400, 401, 422), (body, response.content)


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(["q", "department", "location", "skill", "cursor", "limit", "other"]),
        st.text(max_size=50),
        max_size=5,
    )
)
def test_arbitrary_directory_queries_never_5xx(
    owner_api: ApiClient, params: dict[str, str]
) -> None:
    response = owner_api.get("/people", **params)
    assert response.status_code in (200, 400, 422), (params, response.content)
