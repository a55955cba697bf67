"""The directory page, the home page and the health check, checked against the shared world."""

import datetime as dt
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from watercooler.core.paging import encode_cursor
from watercooler.people.models import Department, Location, Role, User
from watercooler.testing.world import World, make_person

DIRECTORY = "/people/"


def make_people(count: int, *, prefix: str = "person", **fields) -> list[User]:
    return [
        make_person(f"{prefix}_{i:03d}", display_name=f"{prefix.title()} {i:03d}", **fields)
        for i in range(count)
    ]


def names_in(html: str) -> list[str]:
    """Display names of the person cards, in page order."""
    return [
        unescape(name)
        for name in re.findall(r'class="person-card-name"><a href="[^"]+">([^<]+)</a>', html)
    ]


def next_link(html: str) -> str | None:
    match = re.search(r'<li class="load-more">\s*<a class="btn" href="([^"]+)"', html)
    return unescape(match.group(1)) if match else None


# --- Who may see what ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/",
        DIRECTORY,
        "/people/olivia_owner/",
        "/people/olivia_owner/edit/",
        "/people/olivia_owner/org/",
    ],
)
def test_anonymous_people_are_sent_to_sign_in(world: World, client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_anonymous_post_to_edit_is_sent_to_sign_in(world: World, client) -> None:
    response = client.post("/people/olivia_owner/edit/", {"display_name": "Hacked"})
    assert response.status_code == 302
    world.owner.refresh_from_db()
    assert world.owner.display_name == "Olivia Owner"


def test_guests_cannot_browse_the_directory(world: World, client_as) -> None:
    assert client_as(world.guest).get(DIRECTORY).status_code == 403
    assert client_as(world.guest).get(DIRECTORY, headers={"HX-Request": "true"}).status_code == 403


# --- Listing, search and filters -------------------------------------------------------------


def test_directory_lists_active_people_in_name_order(world: World, client_as) -> None:
    response = client_as(world.outsider).get(DIRECTORY)
    assert response.status_code == 200
    assert names_in(response.content.decode()) == [
        "Ada Admin",
        "Gwen Guest",
        "Olivia Owner",
        "Oscar Outsider",
        "Theo Teammate",
    ]
    html = response.content.decode()
    assert "Engineering Manager" in html
    assert "Engineering · London" in html
    assert 'aria-current="page"' in html  # the side navigation marks People


def test_deactivated_people_leave_the_directory(world: World, client_as) -> None:
    world.teammate.is_active = False
    world.teammate.save()
    html = client_as(world.owner).get(DIRECTORY).content.decode()
    assert "Theo Teammate" not in names_in(html)
    html = client_as(world.owner).get(DIRECTORY, {"q": "theo"}).content.decode()
    assert names_in(html) == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "oli"}, ["Olivia Owner"]),
        ({"q": "OWNER olivia"}, ["Olivia Owner"]),
        ({"q": "engineer"}, ["Olivia Owner", "Theo Teammate"]),
        ({"department": "engineering"}, ["Olivia Owner", "Theo Teammate"]),
        ({"location": "Berlin"}, ["Oscar Outsider"]),
        ({"skill": "Python"}, ["Olivia Owner", "Theo Teammate"]),
        ({"skill": "Python", "q": "theo"}, ["Theo Teammate"]),
        ({"department": "Sales", "location": "London"}, []),
    ],
)
def test_search_and_filters(world: World, client_as, params, expected) -> None:
    response = client_as(world.teammate).get(DIRECTORY, params)
    assert response.status_code == 200
    assert names_in(response.content.decode()) == expected


def test_filter_menus_offer_the_reference_data_and_keep_the_choice(world: World, client_as) -> None:
    html = client_as(world.owner).get(DIRECTORY, {"department": "Sales"}).content.decode()
    assert "<option selected>Sales</option>" in html
    assert "<option>Engineering</option>" in html
    assert "<option>Berlin</option>" in html
    assert "<option>Kubernetes</option>" in html
    assert '<details class="dir-filters" data-open-wide open>' in html  # a filter is on: show it


def test_empty_results_teach_what_to_do(world: World, client_as) -> None:
    html = client_as(world.owner).get(DIRECTORY, {"q": "xyz"}).content.decode()
    assert "No one matches “xyz”" in html
    assert "Try a shorter name" in html
    html = client_as(world.owner).get(DIRECTORY, {"q": "xyz", "skill": "Python"}).content.decode()
    assert "clear the filters" in html
    html = client_as(world.owner).get(DIRECTORY, {"location": "Berlin", "skill": "Python"}).content
    assert "No one matches these filters" in html.decode()


def test_search_input_is_escaped(world: World, client_as) -> None:
    html = client_as(world.owner).get(DIRECTORY, {"q": "<script>alert(1)</script>"}).content
    assert b"<script>alert(1)</script>" not in html
    assert b"&lt;script&gt;" in html


# --- Paging ----------------------------------------------------------------------------------


def test_walking_the_cursors_shows_everyone_exactly_once(world: World, client_as) -> None:
    make_people(60)
    client = client_as(world.owner)
    expected = sorted(
        User.objects.filter(is_active=True).values_list("display_name", flat=True),
        key=lambda name: (name.casefold(), name),
    )
    seen: list[str] = []
    url: str | None = DIRECTORY
    pages = 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        seen += names_in(html)
        url = next_link(html)
        pages += 1
        assert pages < 10
    assert pages == 3  # 65 people, 24 a page
    assert seen == expected
    assert len(seen) == len(set(seen)) == 65


def test_paging_keeps_the_filters(world: World, client_as) -> None:
    sales = Department.objects.get(name="Sales")
    make_people(30, prefix="seller", department=sales)
    make_people(5, prefix="builder", department=world.engineering)
    client = client_as(world.owner)
    first = client.get(DIRECTORY, {"department": "Sales"}).content.decode()
    link = next_link(first)
    assert link is not None
    assert "department=Sales" in link
    second = client.get(link).content.decode()
    names = names_in(first) + names_in(second)
    assert len(names) == 31  # 30 sellers and the outsider
    assert all(name.startswith(("Seller", "Oscar")) for name in names)
    assert next_link(second) is None
    assert "Back to the start" in second


def test_htmx_gets_only_the_next_page_of_the_list(world: World, client_as) -> None:
    make_people(30)
    client = client_as(world.owner)
    html = client.get(DIRECTORY).content.decode()
    link = next_link(html)
    assert link is not None
    assert f'hx-get="{link}"'.replace("&", "&amp;") in html
    assert 'hx-trigger="click, revealed"' in html
    response = client.get(link, headers={"HX-Request": "true"})
    assert response.status_code == 200
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert "<form" not in fragment
    assert "topbar" not in fragment
    assert fragment.lstrip().startswith('<li class="person-card" data-page-first>')
    assert len(names_in(fragment)) == 11
    assert next_link(fragment) is None
    assert "HX-Request" in response["Vary"]


def test_htmx_search_gets_the_result_list(world: World, client_as) -> None:
    response = client_as(world.owner).get(DIRECTORY, {"q": "theo"}, headers={"HX-Request": "true"})
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<section id="directory-results"')
    assert "<html" not in fragment
    assert names_in(fragment) == ["Theo Teammate"]


def test_history_restore_gets_the_full_page(world: World, client_as) -> None:
    response = client_as(world.owner).get(
        DIRECTORY, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.content.decode()


@pytest.mark.parametrize(
    "cursor", ["not-a-cursor!", encode_cursor(["a"]), encode_cursor([True, 1])]
)
def test_a_bad_cursor_is_a_clear_400(world: World, client_as, cursor: str) -> None:
    response = client_as(world.owner).get(DIRECTORY, {"cursor": cursor})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This page of the directory no longer exists" in html
    assert "Start again from the first page" in html


@pytest.mark.parametrize("count", [10, 50])
def test_directory_query_count_does_not_grow(
    world: World, client_as, django_assert_max_num_queries, count: int
) -> None:
    make_people(count, department=world.engineering, location=world.london)
    client = client_as(world.owner)
    client.get(DIRECTORY)  # warm the site-settings cache
    with django_assert_max_num_queries(7):
        response = client.get(DIRECTORY)
    assert len(names_in(response.content.decode())) == min(count + 5, 24)
    with django_assert_max_num_queries(4):
        client.get(
            next_link(response.content.decode()) or DIRECTORY, headers={"HX-Request": "true"}
        )


# --- Home --------------------------------------------------------------------------------------


def test_home_welcomes_and_shows_the_team(world: World, client_as) -> None:
    peer = make_person("pat_peer", display_name="Pat Peer", manager=world.admin)
    response = client_as(world.owner).get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Olivia Owner</h1>" in html
    assert "Your manager" in html
    assert "Ada Admin" in html
    assert "Also reporting to Ada Admin" in html
    assert peer.display_name in html
    assert "Reporting to you" in html
    assert "Theo Teammate" in html
    assert "Oscar Outsider" not in html.split("New joiners")[0]
    assert reverse("people:directory") in html
    assert reverse("people:org_chart", args=["olivia_owner"]) in html
    assert "coming soon" not in html.lower()


def test_home_nudges_towards_a_complete_profile(world: World, client_as) -> None:
    html = client_as(world.owner).get("/").content.decode()
    assert "Help colleagues find you" in html
    assert "Add a photo" in html
    assert "Write a short bio" in html
    assert "Add your pronouns" in html
    assert "List your skills" not in html  # the owner has skills
    assert 'value="1"' in html  # 1 of 4 done
    world.owner.bio = "Hello"
    world.owner.pronouns = "she/her"
    world.owner.photo = "photos/x.jpg"
    world.owner.photo_thumb = "photos/thumbs/x.jpg"
    world.owner.save()
    html = client_as(world.owner).get("/").content.decode()
    assert "Help colleagues find you" not in html


def test_home_shows_the_newest_joiners(world: World, client_as) -> None:
    today = timezone.localdate()
    for i in range(8):
        make_person(f"new_{i}", display_name=f"New {i}", start_date=today - dt.timedelta(days=i))
    make_person("future", display_name="Future Person", start_date=today + dt.timedelta(days=5))
    make_person("visitor", display_name="Visiting Guest", role=Role.GUEST, start_date=today)
    html = client_as(world.outsider).get("/").content.decode()
    joiners = html.split("New joiners")[1]
    assert re.findall(r"New \d", joiners) == [f"New {i}" for i in range(6)]
    assert "Future Person" not in joiners
    assert "Visiting Guest" not in joiners
    assert "Joined <time" in joiners
    assert ">today</time>" in joiners


def test_guest_home_is_a_short_welcome(world: World, client_as) -> None:
    html = client_as(world.guest).get("/").content.decode()
    assert "Gwen Guest</h1>" in html
    assert reverse("people:profile", args=["gwen_guest"]) in html
    assert "Your team" not in html
    assert "New joiners" not in html
    assert reverse("people:org_chart", args=["gwen_guest"]) not in html


@pytest.mark.parametrize("count", [10, 50])
def test_home_query_count_does_not_grow(
    world: World, client_as, django_assert_max_num_queries, count: int
) -> None:
    today = timezone.localdate()
    make_people(count, manager=world.owner, start_date=today)
    make_people(count, prefix="peer", manager=world.admin)
    client = client_as(world.owner)
    client.get("/")
    with django_assert_max_num_queries(8):
        response = client.get("/")
    html = response.content.decode()
    assert ("See all your reports in the org chart" in html) == (count > 12)


def test_healthz_answers_without_sign_in(db, client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_unknown_location_time_zone_does_not_break_pages(world: World, client_as) -> None:
    Location.objects.filter(pk=world.london.pk).update(timezone="Mars/Olympus")
    assert client_as(world.owner).get("/").status_code == 200
    assert client_as(world.outsider).get("/people/olivia_owner/").status_code == 200
