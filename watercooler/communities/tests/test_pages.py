"""The HTML pages of communities: directory, create, about, members, requests, and the
join / leave / following buttons; checked against the outsider, the guest and the admin (the
settings tab: ``test_settings``)."""

import io
import re
from typing import TYPE_CHECKING, Any, TypedDict

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from pytest_django import DjangoAssertNumQueries

from watercooler.communities import actions
from watercooler.communities.models import (
    Community,
    MemberRole,
    Membership,
    MembershipSource,
    MembershipStatus,
)
from watercooler.communities.queries import suggested_communities
from watercooler.communities.tests.conftest import Places
from watercooler.people.models import User
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


def membership(community: Community, user: Any) -> Membership | None:
    return Membership.objects.filter(community=community, user=user).first()


def png(size: tuple[int, int] = (600, 200)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 120, 200)).save(buffer, format="PNG")
    return SimpleUploadedFile("cover.png", buffer.getvalue(), content_type="image/png")


# --- Secret communities: invisible to outsiders by every page -----------------------------------

SECRET_PAGES = [
    ("get", "/c/falcon/about/"),
    ("get", "/c/falcon/members/"),
    ("get", "/c/falcon/requests/"),
    ("get", "/c/falcon/settings/"),
    ("post", "/c/falcon/join/"),
    ("post", "/c/falcon/leave/"),
    ("post", "/c/falcon/following/"),
    ("post", "/c/falcon/members/add/"),
    ("post", "/c/falcon/members/olivia_owner/remove/"),
    ("post", "/c/falcon/members/olivia_owner/role/"),
    ("post", "/c/falcon/members/olivia_owner/transfer/"),
    ("post", "/c/falcon/requests/olivia_owner/approve/"),
    ("post", "/c/falcon/requests/olivia_owner/decline/"),
]


@pytest.mark.parametrize(("method", "url"), SECRET_PAGES)
def test_outsider_gets_404_for_every_page_of_a_secret_community(
    world: World, places: Places, client_as: ClientAs, method: str, url: str
) -> None:
    for person in (world.outsider, world.guest, world.admin):
        response = getattr(client_as(person), method)(url)
        assert response.status_code == 404, (person, url)
        assert "Falcon" not in html(response)
    # The same answer as for a community that does not exist.
    missing = getattr(client_as(world.outsider), method)(url.replace("falcon", "nothing"))
    assert missing.status_code == 404


def test_secret_community_is_in_no_directory_or_suggestion_of_an_outsider(
    world: World, places: Places, client_as: ClientAs
) -> None:
    # Sales people in it would make it a top suggestion for the outsider (in Sales) if visible.
    for n in range(3):
        seller = make_person(f"seller{n}", department=world.sales)
        actions.do_add_member(actor=world.owner, community=places.secret, user=seller)
    page = html(client_as(world.outsider).get("/communities/"))
    assert "Project Falcon" not in page
    assert "falcon" not in page
    assert "Python guild" in page
    assert "Leadership circle" in page
    assert not [s for s in suggested_communities(world.outsider) if s.community.is_secret]
    searched = html(client_as(world.outsider).get("/communities/", {"q": "falcon"}))
    assert "Project Falcon" not in searched
    # Its members do see it.
    assert "Project Falcon" in html(client_as(world.owner).get("/communities/"))


def test_guest_sees_only_their_own_communities(
    world: World, places: Places, client_as: ClientAs
) -> None:
    actions.do_add_member(actor=world.owner, community=places.closed, user=world.guest)
    page = html(client_as(world.guest).get("/communities/"))
    assert "Leadership circle" in page
    assert "Python guild" not in page
    assert "Project Falcon" not in page
    assert "New community" not in page
    assert client_as(world.guest).get("/c/python/about/").status_code == 404
    assert client_as(world.guest).get("/communities/new/").status_code == 403
    assert suggested_communities(world.guest) == []


def test_signed_out_visitors_are_sent_to_sign_in(places: Places, client: Client) -> None:
    for url in ("/communities/", "/communities/new/", "/c/python/about/", "/c/python/members/"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


# --- Directory -----------------------------------------------------------------------------------


def test_directory_search_category_and_mine(
    world: World, places: Places, client_as: ClientAs
) -> None:
    actions.do_update_community(actor=world.owner, community=places.open, category="practice")
    outsider = client_as(world.outsider)
    found = html(outsider.get("/communities/", {"q": "python"}))
    assert "Python guild" in found
    assert "Leadership circle" not in found
    chips = html(outsider.get("/communities/", {"category": "practice"}))
    assert "Python guild" in chips
    assert "Leadership circle" not in chips
    assert 'aria-current="true">Skills and practice' in chips
    mine = html(outsider.get("/communities/", {"mine": "1"}))
    assert "You are not in any community yet" in mine
    actions.do_join(actor=world.outsider, community=places.open)
    mine = html(outsider.get("/communities/", {"mine": "1"}))
    assert "Python guild" in mine
    assert "Leadership circle" not in mine
    # An unknown category is ignored, not an error.
    assert outsider.get("/communities/", {"category": "nope"}).status_code == 200


def test_directory_cards_show_the_viewers_button(
    world: World, places: Places, client_as: ClientAs
) -> None:
    page = html(client_as(world.outsider).get("/communities/"))
    assert "Request to join" in page  # closed
    assert ">Join<span" in page  # open
    owner_page = html(client_as(world.owner).get("/communities/"))
    assert "Request to join" not in owner_page
    assert "Leave" in owner_page


def test_directory_htmx_search_returns_the_results_only(
    world: World, places: Places, client_as: ClientAs
) -> None:
    response = client_as(world.outsider).get("/communities/", {"q": "leader"}, **HTMX)
    body = html(response)
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="community-results"')
    assert "Leadership circle" in body
    assert "<html" not in body
    assert "HX-Request" in response["Vary"]


def test_directory_load_more_pages_with_a_cursor_with_and_without_htmx(
    world: World, client_as: ClientAs
) -> None:
    for n in range(30):
        actions.create_community(
            world.owner, name=f"Club {n:02d}", handle=f"club-{n:02d}", privacy="open"
        )
    client = client_as(world.outsider)
    first = html(client.get("/communities/"))
    assert first.count('class="card c-card"') == 24
    assert "Load more communities" in first
    cursor = first.split("cursor=")[1].split('"')[0].split("&")[0]
    more = client.get("/communities/", {"cursor": cursor}, **HTMX)
    assert html(more).count('class="card c-card"') == 6
    assert "Load more communities" not in html(more)
    plain = html(client.get("/communities/", {"cursor": cursor}))
    assert "Back to the start of the list" in plain
    assert "<html" in plain
    bad = client.get("/communities/", {"cursor": "not-a-cursor"})
    assert bad.status_code == 400
    assert "no longer exists" in html(bad)


def test_directory_query_count_is_constant(
    world: World, client_as: ClientAs, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client = client_as(world.outsider)

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            community = actions.create_community(
                world.owner,
                name=f"Group {i}",
                handle=f"group-{i}",
                privacy="closed" if i % 2 else "open",
            )
            actions.do_add_member(actor=world.owner, community=community, user=world.teammate)

    add(2, 0)
    with django_assert_max_num_queries(12) as few:
        assert client.get("/communities/").status_code == 200
    add(20, 2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/communities/").status_code == 200


# --- Suggestions -------------------------------------------------------------------------------


def test_suggestions_rank_by_department_then_location_then_team(
    world: World, places: Places
) -> None:
    # The outsider is in Sales, in Berlin.
    sellers = [make_person(f"seller{n}", department=world.sales) for n in range(2)]
    berliners = [make_person(f"berliner{n}", location=world.berlin) for n in range(3)]
    by_sales = actions.create_community(
        world.owner, name="Sales club", handle="sales-club", privacy="open"
    )
    by_place = actions.create_community(
        world.owner, name="Berlin club", handle="berlin-club", privacy="closed"
    )
    for person in sellers:
        actions.do_add_member(actor=world.owner, community=by_sales, user=person)
    for person in berliners:
        actions.do_add_member(actor=world.owner, community=by_place, user=person)
    suggestions = suggested_communities(world.outsider)
    assert [s.community.handle for s in suggestions] == ["sales-club", "berlin-club"]
    assert suggestions[0].reason == "2 people in Sales are members"
    assert suggestions[1].reason == "3 people in Berlin are members"
    # Already in it (or asked to join): no longer suggested.
    actions.do_join(actor=world.outsider, community=by_place)
    assert [s.community.handle for s in suggested_communities(world.outsider)] == ["sales-club"]


def test_suggestions_by_team_and_on_the_directory_page(
    world: World, places: Places, client_as: ClientAs
) -> None:
    # The teammate reports to the owner, who owns (is a member of) every community.
    page = html(client_as(world.teammate).get("/communities/"))
    assert "Suggested for you" in page
    assert "1 person in Engineering is a member" in page  # the owner is in Engineering
    suggestions = suggested_communities(world.teammate)
    assert {s.community.handle for s in suggestions} == {"python", "leaders"}
    # Filtering hides the row (it answers "what is there", not "what matches").
    assert "Suggested for you" not in html(
        client_as(world.teammate).get("/communities/", {"q": "py"})
    )


def test_suggestions_are_one_query(
    world: World, places: Places, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    viewer = (
        type(world.teammate)
        .objects.select_related("department", "location")
        .get(pk=world.teammate.pk)
    )
    with django_assert_max_num_queries(1):
        assert suggested_communities(viewer)


# --- Create --------------------------------------------------------------------------------------


def test_create_a_community_through_the_form(world: World, client_as: ClientAs) -> None:
    client = client_as(world.teammate)
    form = html(client.get("/communities/new/"))
    assert 'name="privacy"' in form
    assert "Only members know it exists" in form
    response = client.post(
        "/communities/new/",
        {
            "name": "Rust Readers",
            "handle": "",
            "description": "We read *Rust* books.",
            "guidelines": "Be kind.",
            "privacy": "closed",
            "category": "practice",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/c/rust-readers/"
    community = Community.objects.get(handle="rust-readers")
    assert (community.name, community.privacy, community.category) == (
        "Rust Readers",
        "closed",
        "practice",
    )
    mine = membership(community, world.teammate)
    assert mine is not None
    assert mine.role == MemberRole.OWNER
    assert mine.is_active


def test_create_with_bad_input_shows_errors_by_field(
    world: World, places: Places, client_as: ClientAs
) -> None:
    client = client_as(world.teammate)
    response = client.post(
        "/communities/new/",
        {"name": "x", "handle": "python", "privacy": "public", "category": "sports"},
    )
    body = html(response)
    assert response.status_code == 400
    for field in ("name", "handle", "privacy", "category"):
        assert f'href="#c-{field}"' in body, field
    assert "already taken" in body
    assert 'aria-invalid="true"' in body
    assert Community.objects.count() == 3  # nothing made


# --- About ---------------------------------------------------------------------------------------


def test_about_of_a_closed_community_for_a_non_member(
    world: World, places: Places, client_as: ClientAs
) -> None:
    actions.do_update_community(
        actor=world.owner, community=places.closed, guidelines="## Be **kind**", description="Leads"
    )
    response = client_as(world.outsider).get("/c/leaders/about/")
    body = html(response)
    assert response.status_code == 200
    assert "Members only" in body
    assert "Request to join" in body
    assert "<strong>kind</strong>" in body  # guidelines as Markdown
    assert "Olivia Owner" in body  # owners are whom to ask
    # Only the About tab: no content tabs.
    assert "/c/leaders/members/" not in body
    assert "/c/leaders/files/" not in body
    assert 'href="/c/leaders/about/" aria-current="page"' in body


def test_about_shows_rule_summary_and_tabs_for_moderators(
    regions: World, places: Places, client_as: ClientAs
) -> None:
    world = regions
    actions.do_set_rule(
        actor=world.owner, community=places.open, departments=["Sales"], regions=["EMEA"]
    )
    body = html(client_as(world.owner).get("/c/python/about/"))
    assert "Everyone in Sales in EMEA is a member automatically" in body
    for path in (
        "/c/python/",
        "/c/python/members/",
        "/c/python/events/",
        "/c/python/files/",
        "/c/python/requests/",
        "/c/python/settings/",
        "/c/python/health/",
    ):
        assert f'href="{path}"' in body, path
    member_view = html(client_as(world.outsider).get("/c/python/about/"))  # added by the rule
    assert "/c/python/members/" in member_view
    assert "/c/python/settings/" not in member_view
    assert "/c/python/health/" not in member_view


# --- Members -------------------------------------------------------------------------------------


def test_members_page_for_members_non_members_and_moderators(
    world: World, places: Places, client_as: ClientAs
) -> None:
    actions.do_add_member(actor=world.owner, community=places.closed, user=world.teammate)
    outsider = client_as(world.outsider).get("/c/leaders/members/")
    assert outsider.status_code == 403
    assert "Members only" in html(outsider)
    assert "Theo Teammate" not in html(outsider)
    member = html(client_as(world.teammate).get("/c/leaders/members/"))
    assert "Theo Teammate" in member
    assert "Olivia Owner" in member
    assert "Owner</span>" in member
    assert "c-member-more" not in member
    assert "Add people" not in member
    owner = html(client_as(world.owner).get("/c/leaders/members/"))
    assert "Add people" in owner
    assert "Make moderator" in owner
    assert "Hand over ownership" in owner
    # The open community's members are for every member of the company.
    assert client_as(world.outsider).get("/c/python/members/").status_code == 200


def test_members_page_query_count_is_constant_and_pages(
    world: World,
    places: Places,
    client_as: ClientAs,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    client = client_as(world.owner)
    with django_assert_max_num_queries(14) as few:
        assert client.get("/c/python/members/").status_code == 200
    for n in range(55):
        person = make_person(f"member{n}", department=world.sales, location=world.berlin)
        actions.do_add_member(actor=world.owner, community=places.open, user=person)
    with django_assert_max_num_queries(len(few.captured_queries)):
        first = html(client.get("/c/python/members/"))
    assert "Load more members" in first
    cursor = first.split("cursor=")[1].split('"')[0]
    more = html(client.get("/c/python/members/", {"cursor": cursor}, **HTMX))
    assert more.count('class="c-member"') == 6
    assert "<html" not in more


def test_moderator_adds_removes_and_changes_roles(
    world: World, places: Places, client_as: ClientAs
) -> None:
    owner = client_as(world.owner)
    unknown = owner.post("/c/leaders/members/add/", {"username": "nobody_here"})
    assert unknown.status_code == 400
    assert "No one here is called" in html(unknown)
    assert 'aria-invalid="true"' in html(unknown)
    added = owner.post("/c/leaders/members/add/", {"username": "@theo_teammate"})
    assert added.status_code == 302
    assert membership(places.closed, world.teammate).is_active  # type: ignore[union-attr]
    again = owner.post("/c/leaders/members/add/", {"username": "theo_teammate"})
    assert again.status_code == 409
    assert "already a member" in html(again)

    made = owner.post("/c/leaders/members/theo_teammate/role/", {"role": "moderator"}, **HTMX)
    assert made.status_code == 200
    assert "is now a moderator" in html(made)
    bad_role = owner.post("/c/leaders/members/theo_teammate/role/", {"role": "king"}, **HTMX)
    assert bad_role.status_code == 400
    # A moderator cannot change roles or remove the owner.
    moderator = client_as(world.teammate)
    assert (
        moderator.post("/c/leaders/members/olivia_owner/role/", {"role": "member"}).status_code
        == 403
    )
    assert moderator.post("/c/leaders/members/olivia_owner/remove/").status_code == 403
    # A plain member cannot manage at all.
    actions.do_add_member(actor=world.owner, community=places.closed, user=world.outsider)
    assert (
        client_as(world.outsider).post("/c/leaders/members/theo_teammate/remove/").status_code
        == 403
    )

    removed = moderator.post("/c/leaders/members/oscar_outsider/remove/", **HTMX)
    assert removed.status_code == 200
    assert "no longer a member" in html(removed)
    assert membership(places.closed, world.outsider) is None


def test_owner_hands_over_ownership(world: World, places: Places, client_as: ClientAs) -> None:
    actions.do_add_member(actor=world.owner, community=places.open, user=world.teammate)
    response = client_as(world.owner).post("/c/python/members/theo_teammate/transfer/")
    assert response.status_code == 302
    assert membership(places.open, world.teammate).role == MemberRole.OWNER  # type: ignore[union-attr]
    assert membership(places.open, world.owner).role == MemberRole.MODERATOR  # type: ignore[union-attr]


# --- Requests ------------------------------------------------------------------------------------


def test_request_approve_and_decline(world: World, places: Places, client_as: ClientAs) -> None:
    outsider = client_as(world.outsider)
    answer = outsider.post("/c/leaders/join/", **HTMX)
    assert answer.status_code == 200
    assert "Withdraw request" in html(answer)
    assert membership(places.closed, world.outsider).status == MembershipStatus.PENDING  # type: ignore[union-attr]
    # Not a moderator: the requests tab is not theirs (not a member: 404).
    assert outsider.get("/c/leaders/requests/").status_code == 404
    owner = client_as(world.owner)
    page = html(owner.get("/c/leaders/requests/"))
    assert "Oscar Outsider" in page
    assert "Approve" in page
    assert 'Requests <span class="badge"' in page
    approved = owner.post("/c/leaders/requests/oscar_outsider/approve/", **HTMX)
    assert approved.status_code == 200
    assert "is now a member" in html(approved)
    assert membership(places.closed, world.outsider).is_active  # type: ignore[union-attr]
    # Now a member but not a moderator: 403.
    assert outsider.get("/c/leaders/requests/").status_code == 403
    assert outsider.get("/c/leaders/settings/").status_code == 403

    client_as(world.teammate).post("/c/leaders/join/")
    declined = owner.post("/c/leaders/requests/theo_teammate/decline/")
    assert declined.status_code == 302
    assert membership(places.closed, world.teammate) is None
    empty = html(owner.get("/c/leaders/requests/"))
    assert "No one is waiting" in empty


def test_administrator_moderates_without_being_a_member(
    world: World, places: Places, client_as: ClientAs
) -> None:
    client_as(world.outsider).post("/c/leaders/join/")
    admin = client_as(world.admin)
    assert admin.get("/c/leaders/requests/").status_code == 200
    assert admin.post("/c/leaders/requests/oscar_outsider/approve/").status_code == 302
    assert membership(places.closed, world.outsider).is_active  # type: ignore[union-attr]


# --- Join, leave, following ----------------------------------------------------------------------


def test_join_leave_and_following_buttons(
    world: World, places: Places, client_as: ClientAs
) -> None:
    client = client_as(world.outsider)
    joined = client.post("/c/python/join/", **HTMX)
    assert joined.status_code == 200
    assert "Following" in html(joined)
    assert "Leave" in html(joined)
    again = client.post("/c/python/join/", **HTMX)  # a double click
    assert again.status_code == 200
    off = client.post("/c/python/following/", {"following": "0"}, **HTMX)
    assert "Follow in my feed" in html(off)
    assert membership(places.open, world.outsider).following is False  # type: ignore[union-attr]
    client.post("/c/python/following/", {"following": "1"})
    assert membership(places.open, world.outsider).following is True  # type: ignore[union-attr]
    left = client.post("/c/python/leave/", {"next": "/communities/"})
    assert left.status_code == 302
    assert left["Location"] == "/communities/"
    assert membership(places.open, world.outsider) is None
    # An unsafe "next" is ignored.
    client.post("/c/python/join/")
    away = client.post("/c/python/leave/", {"next": "https://evil.example/"})
    assert away["Location"] == "/c/python/about/"


def test_last_owner_cannot_leave_and_is_told_why(
    world: World, places: Places, client_as: ClientAs
) -> None:
    client = client_as(world.owner)
    answer = client.post("/c/python/leave/", **HTMX)
    assert answer.status_code == 400
    assert 'role="alert"' in html(answer)
    assert "owner" in html(answer).lower()
    plain = client.post("/c/python/leave/")
    assert plain.status_code == 400
    assert "owner" in html(plain).lower()
    assert membership(places.open, world.owner) is not None


def test_rule_members_who_may_not_leave_are_told_why(
    regions: World, places: Places, client_as: ClientAs
) -> None:
    actions.do_set_rule(actor=regions.owner, community=places.open, departments=["Sales"])
    rule_row = membership(places.open, regions.outsider)
    assert rule_row is not None
    assert rule_row.source == MembershipSource.RULE
    answer = client_as(regions.outsider).post("/c/python/leave/", **HTMX)
    assert answer.status_code == 403
    assert "directory rule" in html(answer)


def test_guest_cannot_join_and_has_no_join_button(
    world: World, places: Places, client_as: ClientAs
) -> None:
    actions.do_add_member(actor=world.owner, community=places.closed, user=world.guest)
    actions.do_remove_member(actor=world.owner, community=places.closed, user=world.guest)
    assert client_as(world.guest).post("/c/python/join/").status_code == 404


def test_every_app_adds_its_tab_and_moderators_see_theirs(
    world: World, places: Places, client_as: ClientAs
) -> None:
    # Feed, Files and Health are the feed's, Events the events app's (communities.tabs).
    def tabs(person: User) -> list[str]:
        page = client_as(person).get(f"/c/{places.open.handle}/about/").content.decode()
        nav = page.split('class="c-tabs"', 1)[1].split("</nav>", 1)[0]
        return re.findall(r'<a href="[^"]+"[^>]*>(\w+)', nav)

    everyone = ["Feed", "About", "Members", "Events", "Files"]
    assert tabs(world.teammate) == everyone
    assert tabs(world.owner) == [*everyone, "Requests", "Settings", "Health"]
