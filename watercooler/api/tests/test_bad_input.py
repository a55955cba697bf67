"""Classes of crafted input that once gave 500s, refused at the shared layer with a 4xx naming the
field: lone surrogates, integers beyond 64 bits, numbers that are not finite, dates at the
calendar's edges (in bodies and in cursors), JSON nested past the decoder, multipart bodies
without a boundary. Nothing of it reaches the database."""

import base64
import json
from typing import Any

import pytest
from django.test import Client

from watercooler.core.paging import encode_cursor
from watercooler.feed.models import Post
from watercooler.testing.fixtures import ApiClient
from watercooler.testing.world import World

pytestmark = pytest.mark.django_db


def assert_refused(response: Any, status: int, field: str | None) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["detail"]
    assert field in [error["field"] for error in body["errors"]], body


def raw_post(api: Any, path: str, text: str) -> Any:
    """A body sent as written: ``json.dumps`` would escape a lone surrogate differently."""
    return api.client.post(
        f"/api/v1{path}",
        text.encode("utf-8", "surrogatepass"),
        content_type="application/json",
        headers={"Authorization": f"Bearer {api.token}"},
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ('{"body": "hi \\ud800"}', "body"),
        ('{"body": "hi", "poll_options": ["a", "\\udfff"], "kind": "poll"}', "poll_options.1"),
        ('{"body": "hi", "\\ud83d": 1}', None),
    ],
)
def test_lone_surrogates_are_400_naming_the_field_and_stored_nowhere(
    world: World, api_as: type[ApiClient], body: str, field: str | None
) -> None:
    api = api_as(world.owner)
    assert_refused(raw_post(api, "/posts", body), 400, field)
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"body": "hi", "quoted_post_id": 2**64}, "quoted_post_id"),
        ({"body": "hi", "quoted_post_id": -(2**70)}, "quoted_post_id"),
    ],
)
def test_integers_beyond_64_bits_are_422_naming_the_field(
    world: World, api_as: type[ApiClient], body: dict[str, Any], field: str
) -> None:
    assert_refused(api_as(world.owner).post("/posts", body), 422, field)


def test_numbers_that_are_not_finite_are_422(world: World, api_as: type[ApiClient]) -> None:
    api = api_as(world.owner)
    response = raw_post(
        api, "/announcements", '{"title": "t", "body": "b", "remind_after_hours": 1e400}'
    )
    assert_refused(response, 422, "remind_after_hours")


@pytest.mark.parametrize(
    "moment", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "0001-01-01T00:00:00"]
)
def test_dates_at_the_calendar_edges_in_bodies_are_422(
    world: World, api_as: type[ApiClient], moment: str
) -> None:
    api = api_as(world.owner)
    poll = {"body": "When?", "kind": "poll", "poll_options": ["a", "b"], "poll_closes_at": moment}
    assert_refused(api.post("/posts", poll), 422, "poll_closes_at")
    event = {"title": "Offsite", "starts_at": moment, "ends_at": moment, "timezone": "UTC"}
    assert_refused(api.post("/events", event), 422, "starts_at")
    admin = api_as(world.admin)
    announcement = {"title": "t", "body": "b", "publish_at": moment}
    assert_refused(admin.post("/announcements", announcement), 422, "publish_at")
    assert not Post.objects.exists()


@pytest.mark.parametrize(
    "cursor",
    [
        encode_cursor(["0001-01-01T00:00:00+14:00", 1]),
        encode_cursor(["9999-12-31T23:59:59-14:00", 1]),
        "t" + encode_cursor(["0001-01-01T00:00:00+00:00", 0]),  # minus the top window's days
        "l" + encode_cursor(["0001-01-01T00:00:00+14:00", 1]),
        base64.urlsafe_b64encode(b"[" * 5000).decode(),
    ],
)
def test_cursors_at_the_calendar_edges_are_422(
    world: World, api_as: type[ApiClient], cursor: str
) -> None:
    api = api_as(world.owner)
    assert_refused(api.get("/feed", cursor=cursor, order="top"), 422, "cursor")
    assert_refused(api.get("/feed", cursor=cursor.lstrip("tl")), 422, "cursor")


def test_dated_keys_of_generic_paging_are_bounded_too(
    world: World, api_as: type[ApiClient]
) -> None:
    api = api_as(world.owner)
    created = api.post("/communities", {"name": "Runners", "handle": "runners", "privacy": "open"})
    assert created.status_code == 201, created.content
    for moment in ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"):
        cursor = encode_cursor([moment, 1])
        response = api.get("/communities/runners/members", cursor=cursor)
        assert_refused(response, 422, "cursor")


def test_json_nested_past_the_decoder_is_400(world: World, api_as: type[ApiClient]) -> None:
    api = api_as(world.owner)
    response = raw_post(api, "/posts", "[" * 100_000)
    assert response.status_code == 400, response.content
    nested = json.dumps({"body": "x"})
    for _ in range(200):
        nested = '{"body": ' + nested + "}"
    assert raw_post(api, "/posts", nested).status_code in {400, 422}


def test_multipart_without_a_boundary_is_400(world: World, api_as: type[ApiClient]) -> None:
    api = api_as(world.owner)
    post = api.post("/posts", {"body": "With a file"}).json()
    for content_type in ("multipart/form-data", "multipart/form-data; boundary="):
        response = Client().post(
            f"/api/v1/posts/{post['id']}/attachments",
            b"--x\r\nContent-Disposition: form-data; name=file\r\n\r\nabc\r\n--x--",
            content_type=content_type,
            headers={"Authorization": f"Bearer {api.token}"},
        )
        assert response.status_code == 400, (content_type, response.content)
        assert response.json()["detail"]
