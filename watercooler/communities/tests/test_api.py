"""The communities API: every endpoint's success, 401 for the anonymous, 403/404 for those who
must not see or change, 409 for duplicates, bad input answered with the error shape and the
field (never a 5xx), a secret community invisible to outsiders on every route, and query counts
that do not grow with the rows."""

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from pytest_django import DjangoAssertNumQueries, Settings

from watercooler.communities import actions
from watercooler.communities.models import Community, DirectoryRule, Membership
from watercooler.communities.tests.conftest import Places
from watercooler.testing.fixtures import ApiClient
from watercooler.testing.world import World, make_person

pytestmark = pytest.mark.django_db


def error_fields(response: Any) -> set[str | None]:
    data = response.json()
    assert set(data) == {"detail", "errors"}, data
    return {e["field"] for e in data["errors"]}


def delete_without_body(api: ApiClient, path: str) -> Any:
    """A DELETE with no body at all (the test client's own default sends the text "None")."""
    return api.client.delete(f"/api/v1{path}", headers=api._headers())


# --- Creating --------------------------------------------------------------------------------


def test_create_returns_the_community_with_my_membership(
    world: World, api_as: type[ApiClient]
) -> None:
    response = api_as(world.teammate).post(
        "/communities",
        {
            "name": "Rust readers",
            "handle": "rust-readers",
            "privacy": "closed",
            "description": "We read The Book.",
        },
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["id"] == Community.objects.get().pk
    assert {k: data[k] for k in ("handle", "name", "privacy", "category", "member_count")} == {
        "handle": "rust-readers",
        "name": "Rust readers",
        "privacy": "closed",
        "category": "interest",
        "member_count": 1,
    }
    assert data["description"] == "We read The Book."
    assert data["guidelines"] == ""
    assert data["cover_url"] is None
    assert data["url"] == "/c/rust-readers/"
    assert data["created_at"]
    membership = data["membership"]
    assert {k: membership[k] for k in ("status", "role", "following", "source")} == {
        "status": "active",
        "role": "owner",
        "following": True,
        "source": "manual",
    }
    assert membership["person"]["username"] == "theo_teammate"


def test_guests_cannot_create(world: World, api_as: type[ApiClient]) -> None:
    response = api_as(world.guest).post(
        "/communities", {"name": "Guests", "handle": "guests", "privacy": "open"}
    )
    assert response.status_code == 403
    error_fields(response)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "x", "handle": "fine", "privacy": "open"}, "name"),
        ({"name": "Fine", "handle": "no", "privacy": "open"}, "handle"),
        ({"name": "Fine", "handle": "Bad Handle", "privacy": "open"}, "handle"),
        ({"name": "Fine", "handle": "new", "privacy": "open"}, "handle"),
        ({"name": "Fine", "handle": "fine", "privacy": "public"}, "privacy"),
        ({"name": "Fine", "handle": "fine", "privacy": "open", "category": "x"}, "category"),
        ({"name": "Fine", "handle": "fine", "privacy": "open", "owner": "me"}, "owner"),
        ({"name": "Fine", "handle": "fine"}, "privacy"),
        ({"name": 5, "handle": "fine", "privacy": "open"}, "name"),
        ({"name": "Fine", "handle": "fine", "privacy": "open", "description": None}, "description"),
    ],
)
def test_bad_input_is_422_with_the_field(
    world: World, api_as: type[ApiClient], payload: dict[str, Any], field: str
) -> None:
    response = api_as(world.owner).post("/communities", payload)
    assert response.status_code == 422, response.content
    assert field in error_fields(response)
    assert not Community.objects.exists()


def test_a_taken_handle_is_refused_whatever_its_case(
    world: World, places: Places, api_as: type[ApiClient]
) -> None:
    response = api_as(world.teammate).post(
        "/communities", {"name": "Another", "handle": "PYTHON", "privacy": "open"}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "handle", "message": "This handle is already taken."}
    ]


def test_malformed_json_is_400_and_other_bodies_415(world: World, api_as: type[ApiClient]) -> None:
    api = api_as(world.owner)
    response = api.client.post(
        "/api/v1/communities", "{not json", content_type="application/json", headers=api._headers()
    )
    assert response.status_code == 400
    error_fields(response)
    response = api.client.post(
        "/api/v1/communities", "name=x", content_type="text/plain", headers=api._headers()
    )
    assert response.status_code == 415


def test_anonymous_gets_401_everywhere(
    world: World, places: Places, api_as: type[ApiClient]
) -> None:
    anon = api_as(None)
    for method, path in [
        ("get", "/communities"),
        ("post", "/communities"),
        ("get", "/communities/python"),
        ("patch", "/communities/python"),
        ("post", "/communities/python/membership"),
        ("delete", "/communities/python/membership"),
        ("get", "/communities/python/members"),
        ("put", "/communities/python/rule"),
        ("post", "/communities/python/transfer"),
    ]:
        if method == "put":
            response = anon.client.put(f"/api/v1{path}", {}, content_type="application/json")
        else:
            response = getattr(anon, method)(path)
        assert response.status_code == 401, (method, path)
        error_fields(response)


# --- Reading ---------------------------------------------------------------------------------


def test_the_directory_shows_what_each_person_may_see(
    world: World, places: Places, api_as: type[ApiClient]
) -> None:
    def handles(user: Any, **params: Any) -> list[str]:
        response = api_as(user).get("/communities", **params)
        assert response.status_code == 200, response.content
        return [c["handle"] for c in response.json()["items"]]

    assert sorted(handles(world.owner)) == ["falcon", "leaders", "python"]
    # The outsider sees the open and the closed one, never the secret one.
    assert sorted(handles(world.outsider)) == ["leaders", "python"]
    assert handles(world.outsider, q="falcon") == []
    assert handles(world.outsider, mine="true") == []
    # Guests see only the communities they are in.
    assert handles(world.guest) == []
    actions.do_add_member(actor=world.owner, community=places.secret, user=world.guest)
    assert handles(world.guest) == ["falcon"]
    assert handles(world.owner, q="Leader") == ["leaders"]
    assert handles(world.owner, category="interest", q="python") == ["python"]
    assert handles(world.owner, category="practice") == []


def test_directory_items_carry_my_membership(
    world: World, places: Places, api_as: type[ApiClient]
) -> None:
    actions.do_join(actor=world.outsider, community=places.closed)
    items = {c["handle"]: c for c in api_as(world.outsider).get("/communities").json()["items"]}
    assert items["leaders"]["membership"]["status"] == "pending"
    assert items["python"]["membership"] is None


def test_directory_bad_parameters_are_422(world: World, api_as: type[ApiClient]) -> None:
    api = api_as(world.owner)
    assert "category" in error_fields(api.get("/communities", category="sports"))
    assert "limit" in error_fields(api.get("/communities", limit=0))
    assert "cursor" in error_fields(api.get("/communities", cursor="%%%"))


def test_directory_pages_with_a_cursor(world: World, api_as: type[ApiClient]) -> None:
    for i in range(5):
        actions.create_community(world.owner, name=f"Team {i}", handle=f"team-{i}", privacy="open")
    api = api_as(world.outsider)
    first = api.get("/communities", limit=3).json()
    second = api.get("/communities", limit=3, cursor=first["next_cursor"]).json()
    assert second["next_cursor"] is None
    seen = [c["handle"] for c in first["items"] + second["items"]]
    assert sorted(seen) == [f"team-{i}" for i in range(5)]


def test_directory_query_count_does_not_grow(
    world: World, api_as: type[ApiClient], django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    api = api_as(world.outsider)

    def make(n: int, start: int) -> None:
        for i in range(start, start + n):
            community = actions.create_community(
                world.owner, name=f"Group {i}", handle=f"group-{i}", privacy="open"
            )
            actions.do_join(actor=world.outsider, community=community)

    make(2, 0)
    api.get("/communities")  # the first request also records the token's use
    with django_assert_max_num_queries(8) as few:
        assert len(api.get("/communities").json()["items"]) == 2
    make(20, 2)
    with django_assert_max_num_queries(8) as many:
        assert len(api.get("/communities").json()["items"]) == 22
    assert len(few) == len(many)


def test_one_community(world: World, places: Places, api_as: type[ApiClient]) -> None:
    response = api_as(world.outsider).get("/communities/LEADERS")
    assert response.status_code == 200
    data = response.json()
    assert (data["handle"], data["privacy"], data["membership"]) == ("leaders", "closed", None)
    assert api_as(world.outsider).get("/communities/nope").status_code == 404


def test_a_secret_community_is_404_for_outsiders_on_every_route(
    world: World, places: Places, api_as: type[ApiClient]
) -> None:
    for person in (world.outsider, world.guest, world.admin):
        api = api_as(person)
        attempts = [
            api.get("/communities/falcon"),
            api.patch("/communities/falcon", {"name": "Found you"}),
            api.post("/communities/falcon/membership"),
            api.post("/communities/falcon/membership", {"username": person.username}),
            api.delete("/communities/falcon/membership", {}),
            api.get("/communities/falcon/members"),
            api.get("/communities/falcon/members", status="pending"),
            api.post("/communities/falcon/transfer", {"username": "oscar_outsider"}),
            api.client.put(
                "/api/v1/communities/falcon/rule",
                {"departments": ["Sales"]},
                content_type="application/json",
                headers=api._headers(),
            ),
            api.client.put(
                "/api/v1/communities/falcon/following",
                {"following": True},
                content_type="application/json",
                headers=api._headers(),
            ),
            api.client.put(
                "/api/v1/communities/falcon/members/olivia_owner/role",
                {"role": "member"},
                content_type="application/json",
                headers=api._headers(),
            ),
        ]
        missing = api.get("/communities/no-such-thing").json()
        for response in attempts:
            assert response.status_code == 404, (person.username, response.content)
            # Exactly what a community that does not exist answers.
            assert response.json() == missing
    places.secret.refresh_from_db()
    assert places.secret.name == "Project Falcon"
    assert Membership.objects.filter(community=places.secret).count() == 1


def test_members_of_a_closed_community_are_for_members(
    world: World, places: Places, api_as: type[ApiClient]
) -> None:
    assert api_as(world.outsider).get("/communities/leaders/members").status_code == 404
    response = api_as(world.outsider).get("/communities/python/members")
    assert response.status_code == 200
    [item] = response.json()["items"]
    assert item["person"]["username"] == "olivia_owner"
    assert (item["role"], item["status"], item["source"]) == ("owner", "active", "manual")
    assert item["person"]["department"] == "Engineering"


def test_requests_are_listed_for_moderators_only(
    world: World, places: Places, api_as: type[ApiClient]
) -> None:
    actions.do_join(actor=world.outsider, community=places.closed)
    actions.do_add_member(actor=world.owner, community=places.closed, user=world.teammate)
    response = api_as(world.owner).get("/communities/leaders/members", status="pending")
    assert [m["person"]["username"] for m in response.json()["items"]] == ["oscar_outsider"]
    assert response.json()["items"][0]["status"] == "pending"
    assert (
        api_as(world.teammate).get("/communities/leaders/members", status="pending").status_code
        == 404
    )
    assert "status" in error_fields(
        api_as(world.owner).get("/communities/leaders/members", status="banned")
    )


def test_members_query_count_does_not_grow(
    world: World,
    places: Places,
    api_as: type[ApiClient],
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    api = api_as(world.owner)

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            person = make_person(f"member_{i}", department=world.sales, location=world.berlin)
            actions.do_add_member(actor=world.owner, community=places.open, user=person)

    add(2, 0)
    api.get("/communities/python/members")  # the first request also records the token's use
    with django_assert_max_num_queries(8) as few:
        assert len(api.get("/communities/python/members").json()["items"]) == 3
    add(30, 2)
    with django_assert_max_num_queries(8) as many:
        assert len(api.get("/communities/python/members").json()["items"]) == 33
    assert len(few) == len(many)


# --- Editing ---------------------------------------------------------------------------------


def test_patch_for_moderators(world: World, places: Places, api_as: type[ApiClient]) -> None:
    actions.do_join(actor=world.outsider, community=places.open)
    assert (
        api_as(world.outsider).patch("/communities/python", {"name": "Mine now"}).status_code == 403
    )
    assert api_as(world.teammate).patch("/communities/python", {"name": "Mine"}).status_code == 403
    actions.do_add_member(actor=world.owner, community=places.open, user=world.teammate)
    actions.do_set_role(
        actor=world.owner, community=places.open, user=world.teammate, role="moderator"
    )
    moderator = api_as(world.teammate)
    response = moderator.patch(
        "/communities/python", {"description": "All things Python.", "guidelines": "Be kind."}
    )
    assert response.status_code == 200, response.content
    assert response.json()["description"] == "All things Python."
    assert response.json()["membership"]["role"] == "moderator"
    response = moderator.patch("/communities/python", {"handle": "snakes"})
    assert response.status_code == 422
    assert error_fields(response) == {"handle"}
    response = api_as(world.owner).patch("/communities/python", {"handle": "snakes"})
    assert response.status_code == 200
    assert response.json()["url"] == "/c/snakes/"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"member_count": 1000}, "member_count"),
        ({"privacy": "hidden"}, "privacy"),
        ({"name": ""}, "name"),
        ({"handle": "leaders"}, "handle"),
        ({"name": ["list"]}, "name"),
    ],
)
def test_patch_bad_input(
    world: World, places: Places, api_as: type[ApiClient], payload: dict[str, Any], field: str
) -> None:
    response = api_as(world.owner).patch("/communities/python", payload)
    assert response.status_code == 422, response.content
    assert field in error_fields(response)


def test_cover_upload(
    world: World, places: Places, api_as: type[ApiClient], settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), (200, 80, 40)).save(buffer, "PNG")
    api = api_as(world.owner)
    response = api.client.post(
        "/api/v1/communities/python/cover",
        {
            "file": SimpleUploadedFile("x.png", buffer.getvalue(), content_type="image/png"),
            "alt_text": "Orange",
        },
        headers=api._headers(),
    )
    assert response.status_code == 200, response.content
    cover_url = response.json()["cover_url"]
    assert cover_url.split("?")[0].endswith(".jpg")
    assert api.client.get(cover_url, headers=api._headers()).status_code == 200
    assert response.json()["cover_alt"] == "Orange"
    response = api.client.post(
        "/api/v1/communities/python/cover",
        {"file": SimpleUploadedFile("x.png", b"<svg/>", content_type="image/png")},
        headers=api._headers(),
    )
    assert response.status_code == 422
    assert error_fields(response) == {"cover"}
    outsider = api_as(world.outsider)
    response = outsider.client.delete(
        "/api/v1/communities/python/cover", headers=outsider._headers()
    )
    assert response.status_code == 403
    response = api.client.delete("/api/v1/communities/python/cover", headers=api._headers())
    assert response.json()["cover_url"] is None


# --- Membership ------------------------------------------------------------------------------


def test_joining_with_and_without_a_body(
    world: World, places: Places, api_as: type[ApiClient]
) -> None:
    outsider = api_as(world.outsider)
    response = outsider.post("/communities/python/membership")  # the test client sends {}
    assert response.status_code == 201, response.content
    assert {k: response.json()[k] for k in ("status", "role", "source", "following")} == {
        "status": "active",
        "role": "member",
        "source": "manual",
        "following": True,
    }
    assert outsider.post("/communities/python/membership").status_code == 409
    response = outsider.client.post(
        "/api/v1/communities/leaders/membership",
        "",
        content_type="application/json",
        headers=outsider._headers(),
    )  # no body at all
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "pending"
    assert response.json()["joined_at"] is None
    response = outsider.post("/communities/leaders/membership")
    assert response.status_code == 409
    error_fields(response)
    assert api_as(world.owner).get("/communities/python").json()["member_count"] == 2


def test_guests_cannot_join_by_themselves(
    world: World, places: Places, api_as: type[ApiClient]
) -> None:
    # They cannot see open or closed communities they are not in: 404, like a missing one.
    assert api_as(world.guest).post("/communities/python/membership").status_code == 404


def test_adding_and_approving(world: World, places: Places, api_as: type[ApiClient]) -> None:
    owner = api_as(world.owner)
    actions.do_join(actor=world.outsider, community=places.closed)
    response = owner.post("/communities/leaders/membership", {"username": "oscar_outsider"})
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "active"
    assert response.json()["person"]["username"] == "oscar_outsider"
    assert (
        owner.post("/communities/leaders/membership", {"username": "oscar_outsider"}).status_code
        == 409
    )
    response = owner.post("/communities/falcon/membership", {"username": "gwen_guest"})
    assert response.status_code == 201
    response = owner.post("/communities/leaders/membership", {"username": "nobody_here"})
    assert response.status_code == 422
    assert error_fields(response) == {"username"}
    response = owner.post("/communities/leaders/membership", {"username": 7})
    assert response.status_code == 422
    response = owner.post("/communities/leaders/membership", {"user": "oscar_outsider"})
    assert response.status_code == 422
    assert "user" in error_fields(response)
    # A member who does not moderate cannot add.
    response = api_as(world.outsider).post(
        "/communities/leaders/membership", {"username": "theo_teammate"}
    )
    assert response.status_code == 403


def test_leaving_removing_and_declining(
    world: World, places: Places, api_as: type[ApiClient]
) -> None:
    actions.do_join(actor=world.outsider, community=places.open)
    actions.do_join(actor=world.teammate, community=places.closed)
    outsider = api_as(world.outsider)
    assert delete_without_body(outsider, "/communities/python/membership").status_code == 204
    assert delete_without_body(outsider, "/communities/python/membership").status_code == 404
    owner = api_as(world.owner)
    response = delete_without_body(owner, "/communities/python/membership")
    assert response.status_code == 422
    assert error_fields(response) == {"role"}
    response = owner.delete("/communities/leaders/membership", {"username": "theo_teammate"})
    assert response.status_code == 204
    assert not Membership.objects.filter(user=world.teammate).exists()
    actions.do_join(actor=world.outsider, community=places.open)
    response = api_as(world.teammate).delete(
        "/communities/python/membership", {"username": "oscar_outsider"}
    )
    assert response.status_code == 403  # the teammate does not moderate it
    assert (
        owner.delete("/communities/python/membership", {"username": "oscar_outsider"}).status_code
        == 204
    )
    places.open.refresh_from_db()
    assert places.open.member_count == 1


def test_rule_members_leave_only_when_allowed(
    regions: World, places: Places, api_as: type[ApiClient]
) -> None:
    world = regions
    owner = api_as(world.owner)
    rule = owner.client.put(
        "/api/v1/communities/python/rule",
        {"departments": ["Sales"], "regions": ["EMEA"]},
        content_type="application/json",
        headers=owner._headers(),
    )
    assert rule.status_code == 200, rule.content
    assert rule.json()["member_count"] == 2
    assert rule.json()["regions"] == ["EMEA"]
    outsider = api_as(world.outsider)
    assert delete_without_body(outsider, "/communities/python/membership").status_code == 403
    response = owner.client.put(
        "/api/v1/communities/python/rule",
        {"departments": ["Sales"], "regions": ["EMEA"], "allow_leave": True},
        content_type="application/json",
        headers=owner._headers(),
    )
    assert response.json()["allow_leave"] is True
    assert delete_without_body(outsider, "/communities/python/membership").status_code == 204
    response = owner.client.put(
        "/api/v1/communities/python/rule",
        {"departments": ["Nowhere"]},
        content_type="application/json",
        headers=owner._headers(),
    )
    assert response.status_code == 422
    assert error_fields(response) == {"departments"}
    assert delete_without_body(owner, "/communities/python/rule").status_code == 204
    assert not DirectoryRule.objects.exists()
    assert delete_without_body(owner, "/communities/python/rule").status_code == 404


def test_roles_ownership_and_following(
    world: World, places: Places, api_as: type[ApiClient]
) -> None:
    actions.do_add_member(actor=world.owner, community=places.open, user=world.teammate)
    owner = api_as(world.owner)

    def put(api: ApiClient, path: str, data: Any) -> Any:
        return api.client.put(
            f"/api/v1{path}",
            json.dumps(data),
            content_type="application/json",
            headers=api._headers(),
        )

    response = put(owner, "/communities/python/members/theo_teammate/role", {"role": "moderator"})
    assert response.status_code == 200, response.content
    assert response.json()["role"] == "moderator"
    response = put(owner, "/communities/python/members/theo_teammate/role", {"role": "king"})
    assert response.status_code == 422
    assert error_fields(response) == {"role"}
    teammate = api_as(world.teammate)
    response = put(teammate, "/communities/python/members/olivia_owner/role", {"role": "member"})
    assert response.status_code == 403
    response = put(owner, "/communities/python/members/olivia_owner/role", {"role": "member"})
    assert response.status_code == 422
    assert error_fields(response) == {"role"}
    assert (
        teammate.post("/communities/python/transfer", {"username": "theo_teammate"}).status_code
        == 403
    )
    response = owner.post("/communities/python/transfer", {"username": "oscar_outsider"})
    assert response.status_code == 422
    assert error_fields(response) == {"username"}
    response = owner.post("/communities/python/transfer", {"username": "theo_teammate"})
    assert response.status_code == 200
    assert response.json()["membership"]["role"] == "moderator"
    response = put(owner, "/communities/python/following", {"following": False})
    assert response.status_code == 200
    assert response.json()["following"] is False
    response = put(owner, "/communities/python/following", {"following": "maybe"})
    assert response.status_code == 422
    response = put(api_as(world.outsider), "/communities/python/following", {"following": True})
    assert response.status_code == 404


def test_operation_ids_are_unique(world: World, api_as: type[ApiClient]) -> None:
    schema = api_as(world.owner).get("/openapi.json").json()
    ids = [
        operation["operationId"] for path in schema["paths"].values() for operation in path.values()
    ]
    assert len(ids) == len(set(ids))
    assert {"community_list", "community_create", "community_join_or_add"} <= set(ids)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["name", "handle", "privacy", "description", "category", "username", "regions"]
            )
            | st.text(max_size=5),
            children,
            max_size=5,
        )
    ),
    max_leaves=10,
)


@pytest.fixture
def owner_api(world: World, places: Places, api_as: type[ApiClient]) -> ApiClient:
    return api_as(world.owner)


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(payload=JSON, route=st.sampled_from(["create", "patch", "join", "leave", "rule"]))
def test_arbitrary_json_never_5xx(owner_api: ApiClient, payload: object, route: str) -> None:
    api = owner_api
    if route == "create":
        response = api.post("/communities", payload)
    elif route == "patch":
        response = api.patch("/communities/python", payload)
    elif route == "join":
        response = api.post("/communities/leaders/membership", payload)
    elif route == "leave":
        response = api.delete("/communities/leaders/membership", payload)
    else:
        response = api.client.put(
            "/api/v1/communities/python/rule",
            json.dumps(payload),
            content_type="application/json",
            headers=api._headers(),
        )
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        error_fields(response)
