"""Pages answer crafted form input with a 4xx or their usual redirect, never a 500: a ``next``
that is not a path, dates at the calendar's edges, cursors at the calendar's edges, multipart
bodies without a boundary."""

from typing import Any

import pytest

from watercooler.core.paging import encode_cursor
from watercooler.events.models import Event
from watercooler.testing.fixtures import ApiClient, client_for
from watercooler.testing.world import World

pytestmark = pytest.mark.django_db

# Each once made redirect() look the text up as a view name (NoReverseMatch: a 500); the last
# two are other sites (an open redirect).
BAD_NEXT = [
    "nan",
    "1e400",
    "0001-01-01T00:00",
    "people:profile",
    "//evil.example/",
    "https://evil.example/",
]


@pytest.mark.parametrize("target", BAD_NEXT)
def test_a_next_that_is_not_a_path_here_falls_back(world: World, target: str) -> None:
    client = client_for(world.owner)
    response = client.post("/people/theo_teammate/follow/", {"next": target})
    assert response.status_code == 302
    assert response["Location"] == "/people/theo_teammate/"
    response = client.post("/people/theo_teammate/follow/", {"next": "/topics/"})
    assert response["Location"] == "/topics/"


@pytest.mark.parametrize(
    ("starts_at", "zone"),
    [
        ("9999-12-31T23:59", "America/Los_Angeles"),  # UTC would be in the year 10000
        ("0001-01-01T00:00", "Pacific/Kiritimati"),  # UTC would be in the year 0
    ],
)
def test_event_form_with_dates_at_the_calendar_edges_is_400(
    world: World, starts_at: str, zone: str
) -> None:
    form: dict[str, Any] = {
        "title": "Offsite",
        "starts_at": starts_at,
        "ends_at": starts_at,
        "timezone": zone,
        "location": "",
        "online_url": "",
        "capacity": "",
        "community": "",
        "description": "",
    }
    response = client_for(world.owner).post("/events/new/", form)
    assert response.status_code == 400
    assert "between the years" in response.content.decode()
    assert not Event.objects.exists()


def test_list_page_with_a_cursor_at_the_calendar_edge_is_400(
    world: World, api_as: type[ApiClient]
) -> None:
    api = api_as(world.owner)
    created = api.post("/communities", {"name": "Runners", "handle": "runners", "privacy": "open"})
    assert created.status_code == 201, created.content
    cursor = encode_cursor(["0001-01-01T00:00:00+14:00", 1])
    response = client_for(world.owner).get("/c/runners/members/", {"cursor": cursor})
    assert response.status_code == 400


def test_multipart_without_a_boundary_is_400_on_pages(world: World) -> None:
    response = client_for(world.owner).generic(
        "POST", "/events/new/", b"--x\r\n\r\n--x--", content_type="multipart/form-data"
    )
    assert response.status_code == 400
