"""Searching a community's members by name (htmx, cursor-paged) and the "Add people" picker: a
search over the directory with a list to choose from, for moderators only."""

from typing import TYPE_CHECKING, TypedDict

import pytest

from watercooler.communities import actions
from watercooler.communities.models import Membership
from watercooler.communities.tests.conftest import Places
from watercooler.testing.fixtures import ClientAs
from watercooler.testing.world import World, make_person

pytestmark = pytest.mark.django_db

if TYPE_CHECKING:
    # What the test client returns (django-stubs names it; it exists only in the stubs).
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse


class HtmxRequest(TypedDict):
    """What htmx adds to a request, as the test client's WSGI environ extras (``**HTMX``)."""

    HTTP_HX_REQUEST: str


HTMX = HtmxRequest(HTTP_HX_REQUEST="true")


def html(response: "TestResponse") -> str:
    return response.content.decode()


def test_members_search_by_name_with_htmx_and_without(
    world: World, places: Places, client_as: ClientAs
) -> None:
    for name in ("Marta Jones", "Mario Rossi", "Zoe Park"):
        person = make_person(name.lower().replace(" ", "_"), display_name=name)
        actions.do_add_member(actor=world.owner, community=places.open, user=person)
    client = client_as(world.teammate)
    page = html(client.get("/c/python/members/", {"q": "mar"}))
    assert 'id="c-member-q"' in page
    assert "Marta Jones" in page
    assert "Mario Rossi" in page
    assert "Zoe Park" not in page
    rows = html(client.get("/c/python/members/", {"q": "rossi"}, **HTMX))
    assert "<html" not in rows
    assert "Mario Rossi" in rows
    assert "Marta Jones" not in rows
    none = html(client.get("/c/python/members/", {"q": "nobody"}, **HTMX))
    assert "No member matches" in none
    # A NUL or a huge query is no 500.
    assert client.get("/c/python/members/", {"q": "a\x00b"}).status_code == 200
    assert client.get("/c/python/members/", {"q": "x" * 5000}).status_code == 200


def test_members_search_pages_with_a_cursor(
    world: World, places: Places, client_as: ClientAs
) -> None:
    for n in range(55):
        person = make_person(f"pat{n:02d}", display_name=f"Pat Number{n:02d}")
        actions.do_add_member(actor=world.owner, community=places.open, user=person)
    client = client_as(world.owner)
    first = html(client.get("/c/python/members/", {"q": "pat"}, **HTMX))
    assert first.count('class="c-member"') == 50
    assert "Load more members" in first
    more_url = first.split('hx-get="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert "q=pat" in more_url
    more = html(client.get(more_url, **HTMX))
    assert more.count('class="c-member"') == 5
    assert "Olivia Owner" not in more


def test_members_search_of_a_secret_community_is_404_for_outsiders_and_guests(
    world: World, places: Places, client_as: ClientAs
) -> None:
    for viewer in (world.outsider, world.guest):
        response = client_as(viewer).get("/c/falcon/members/", {"q": "olivia"}, **HTMX)
        assert response.status_code == 404
        assert "Olivia" not in html(response)


def test_add_people_picker_lists_matching_non_members(
    world: World, places: Places, client_as: ClientAs
) -> None:
    actions.do_add_member(actor=world.owner, community=places.closed, user=world.teammate)
    owner = client_as(world.owner)
    page = html(owner.get("/c/leaders/members/"))
    assert 'name="add_q"' in page
    assert 'name="username" value="olivia_owner"' not in page  # no exact-username box to fill

    picks = html(owner.get("/c/leaders/members/", {"add_q": "o"}, **HTMX))
    assert "<html" not in picks
    assert "Oscar Outsider" in picks
    assert "Theo Teammate" not in picks  # already a member
    assert 'name="username" value="oscar_outsider"' in picks
    # Choosing posts the chosen person's username.
    added = owner.post("/c/leaders/members/add/", {"username": "oscar_outsider"})
    assert added.status_code == 302
    assert Membership.objects.filter(community=places.closed, user=world.outsider).exists()
    # Without JS the search reloads the page with the choices.
    plain = html(owner.get("/c/leaders/members/", {"add_q": "ada"}))
    assert "Ada Admin" in plain
    assert "<html" in plain


def test_add_people_picker_is_for_moderators_only(
    world: World, places: Places, client_as: ClientAs
) -> None:
    actions.do_add_member(actor=world.owner, community=places.closed, user=world.teammate)
    actions.do_add_member(actor=world.owner, community=places.closed, user=world.guest)
    for viewer in (world.teammate, world.guest):
        picks = client_as(viewer).get("/c/leaders/members/", {"add_q": "oscar"}, **HTMX)
        assert "Oscar Outsider" not in html(picks)
    assert client_as(world.outsider).get("/c/leaders/members/", {"add_q": "o"}).status_code == 403
