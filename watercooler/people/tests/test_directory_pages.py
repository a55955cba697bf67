"""The directory page, the people dashboard on the home page and the health check, checked against the shared world."""

import datetime as dt
import re
from html import unescape
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from watercooler.core.paging import encode_cursor
from watercooler.people import queries
from watercooler.people.models import Department, Location, Role, Skill, User
from watercooler.testing.fixtures import ClientAs
from watercooler.testing.world import World, make_person

DIRECTORY = "/people/"


def make_people(count: int, *, prefix: str = "person", **fields: Any) -> list[User]:
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
def test_anonymous_people_are_sent_to_sign_in(world: World, client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_anonymous_post_to_edit_is_sent_to_sign_in(world: World, client: Client) -> None:
    response = client.post("/people/olivia_owner/edit/", {"display_name": "Hacked"})
    assert response.status_code == 302
    world.owner.refresh_from_db()
    assert world.owner.display_name == "Olivia Owner"


def test_guests_cannot_browse_the_directory(world: World, client_as: ClientAs) -> None:
    assert client_as(world.guest).get(DIRECTORY).status_code == 403
    assert client_as(world.guest).get(DIRECTORY, headers={"HX-Request": "true"}).status_code == 403
    assert client_as(world.guest).get(DIRECTORY, {"q": "a\x00"}).status_code == 403


@pytest.mark.parametrize("param", ["q", "department", "location", "skill"])
def test_a_nul_character_in_the_search_is_a_400(
    world: World, client_as: ClientAs, param: str
) -> None:
    # PostgreSQL cannot compare text with NUL: it must never reach a query.
    response = client_as(world.outsider).get(DIRECTORY, {param: "Ol\x00ivia"})
    assert response.status_code == 400
    assert "This search cannot be run" in response.content.decode()


@pytest.mark.parametrize("field", ["q", "department", "location", "skill"])
def test_the_directory_query_matches_no_one_for_a_nul_filter(world: World, field: str) -> None:
    # Other callers (mention suggestions, say) pass text straight through: no query may fail.
    page = queries.directory_page(
        world.owner, queries.DirectoryFilter(**{field: "Ol\x00"}), cursor=None
    )
    assert (page.items, page.next_cursor) == ([], None)
    assert queries.admin_people_page(world.admin, q="ada\x00").items == []


@pytest.mark.parametrize("suffix", ["", "edit/", "org/"])
def test_a_nul_character_in_a_username_is_a_404(
    world: World, client_as: ClientAs, suffix: str
) -> None:
    assert client_as(world.admin).get(f"/people/olivia%00owner/{suffix}").status_code == 404


# --- Listing, search and filters -------------------------------------------------------------


def test_directory_lists_active_people_in_name_order(world: World, client_as: ClientAs) -> None:
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


def test_deactivated_people_leave_the_directory(world: World, client_as: ClientAs) -> None:
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
def test_search_and_filters(
    world: World, client_as: ClientAs, params: dict[str, str], expected: list[str]
) -> None:
    response = client_as(world.teammate).get(DIRECTORY, params)
    assert response.status_code == 200
    assert names_in(response.content.decode()) == expected


def test_filter_menus_offer_the_reference_data_and_keep_the_choice(
    world: World, client_as: ClientAs
) -> None:
    html = client_as(world.owner).get(DIRECTORY, {"department": "Sales"}).content.decode()
    assert "<option selected>Sales</option>" in html
    assert "<option>Engineering</option>" in html
    assert "<option>Berlin</option>" in html
    assert '<option value="Kubernetes"></option>' in html  # a suggestion for the skill box
    assert '<details class="dir-filters" data-open-wide open>' in html  # a filter is on: show it


def skill_suggestions(html: str) -> list[str]:
    datalist = re.search(r'<datalist id="skill-options">(.*?)</datalist>', html, re.S)
    assert datalist is not None
    return [unescape(name) for name in re.findall(r'<option value="([^"]*)">', datalist.group(1))]


def test_skill_suggestions_are_the_commonest_skills_of_active_people(
    world: World, client_as: ClientAs
) -> None:
    make_people(3, prefix="sql", skills=["SQL"])
    make_people(2, prefix="gone", skills=["Fortran"], is_active=False)
    html = client_as(world.owner).get(DIRECTORY).content.decode()
    # Most holders first (SQL 3, Python 2), ties by name; nobody active knows Fortran.
    assert skill_suggestions(html) == ["SQL", "Python", "Kubernetes", "Negotiation"]


def test_skill_suggestions_are_capped_but_any_skill_can_be_typed(
    world: World, client_as: ClientAs, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queries, "SKILL_SUGGESTIONS", 2)
    client = client_as(world.owner)
    html = client.get(DIRECTORY).content.decode()
    assert skill_suggestions(html) == ["Python", "Kubernetes"]
    # Negotiation is not suggested, yet typing it filters, and the box keeps what was typed.
    html = client.get(DIRECTORY, {"skill": "negotiation"}).content.decode()
    assert names_in(html) == ["Oscar Outsider"]
    assert 'name="skill" value="negotiation"' in html


def test_skills_differing_only_in_case_list_a_person_once(
    world: World, client_as: ClientAs
) -> None:
    # The Django admin can create "python" beside "Python"; a person may list both.
    world.owner.skills.add(Skill.objects.create(name="python"))
    html = client_as(world.teammate).get(DIRECTORY, {"skill": "PYTHON"}).content.decode()
    assert names_in(html) == ["Olivia Owner", "Theo Teammate"]


def test_empty_results_teach_what_to_do(world: World, client_as: ClientAs) -> None:
    html = client_as(world.owner).get(DIRECTORY, {"q": "xyz"}).content.decode()
    assert "No one matches “xyz”" in html
    assert "Try a shorter name" in html
    html = client_as(world.owner).get(DIRECTORY, {"q": "xyz", "skill": "Python"}).content.decode()
    assert "clear the filters" in html
    html = (
        client_as(world.owner)
        .get(DIRECTORY, {"location": "Berlin", "skill": "Python"})
        .content.decode()
    )
    assert "No one matches these filters" in html


def test_search_input_is_escaped(world: World, client_as: ClientAs) -> None:
    html = client_as(world.owner).get(DIRECTORY, {"q": "<script>alert(1)</script>"}).content
    assert b"<script>alert(1)</script>" not in html
    assert b"&lt;script&gt;" in html


# --- Paging ----------------------------------------------------------------------------------


def test_walking_the_cursors_shows_everyone_exactly_once(world: World, client_as: ClientAs) -> None:
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


def test_paging_keeps_the_filters(world: World, client_as: ClientAs) -> None:
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


def test_htmx_gets_only_the_next_page_of_the_list(world: World, client_as: ClientAs) -> None:
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


def test_htmx_search_gets_the_result_list(world: World, client_as: ClientAs) -> None:
    response = client_as(world.owner).get(DIRECTORY, {"q": "theo"}, headers={"HX-Request": "true"})
    fragment = response.content.decode()
    assert fragment.lstrip().startswith('<section id="directory-results"')
    assert "<html" not in fragment
    assert names_in(fragment) == ["Theo Teammate"]


def test_history_restore_gets_the_full_page(world: World, client_as: ClientAs) -> None:
    response = client_as(world.owner).get(
        DIRECTORY, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.content.decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor!",
        encode_cursor(["a"]),
        encode_cursor([True, 1]),
        encode_cursor(["a", "not an id"]),  # text where the id goes
        encode_cursor(["a\x00", 1]),  # PostgreSQL refuses NUL in a query
        encode_cursor(["a", 10**30]),  # no 64-bit column holds it
    ],
)
def test_a_bad_cursor_is_a_clear_400(world: World, client_as: ClientAs, cursor: str) -> None:
    response = client_as(world.owner).get(DIRECTORY, {"cursor": cursor})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This page of the directory no longer exists" in html
    assert "Start again from the first page" in html


@pytest.mark.parametrize("count", [10, 50])
def test_directory_query_count_does_not_grow(
    world: World,
    client_as: ClientAs,
    django_assert_max_num_queries: DjangoAssertNumQueries,
    count: int,
) -> None:
    make_people(count, department=world.engineering, location=world.london)
    client = client_as(world.owner)
    client.get(DIRECTORY)  # warm the site-settings cache
    with django_assert_max_num_queries(8):  # 7, and the Messages badge
        response = client.get(DIRECTORY)
    assert len(names_in(response.content.decode())) == min(count + 5, 24)
    with django_assert_max_num_queries(4):
        client.get(
            next_link(response.content.decode()) or DIRECTORY, headers={"HX-Request": "true"}
        )


# --- Home: the people dashboard beside the feed (people.queries.home_summary) --------------------


def aside_of(html: str) -> str:
    """The feed home's side column, where the people dashboard lives."""
    start = html.index('<aside class="feed-aside"')
    return html[start : html.index("</aside>", start)]


def test_home_shows_the_team(world: World, client_as: ClientAs) -> None:
    peer = make_person("pat_peer", display_name="Pat Peer", manager=world.admin)
    response = client_as(world.owner).get("/")
    assert response.status_code == 200
    aside = aside_of(response.content.decode())
    team = aside.split("Your team")[1].split("New joiners")[0]
    assert re.search(r"Ada Admin</span>\s*<span class=\"tile-note\">Manager<", team)
    assert peer.display_name in team  # also reports to Ada Admin
    assert re.search(r"Theo Teammate</span>\s*<span class=\"tile-note\">Reports to you<", team)
    assert "Olivia Owner</span>" not in team  # not one's own teammate
    assert "Oscar Outsider" not in team
    assert reverse("people:directory") in aside
    assert reverse("people:org_chart", args=["olivia_owner"]) in team
    assert "coming soon" not in aside.lower()


def test_home_nudges_towards_a_complete_profile(world: World, client_as: ClientAs) -> None:
    aside = aside_of(client_as(world.owner).get("/").content.decode())
    assert "Complete your profile" in aside
    assert "Add your photo, bio and pronouns so colleagues" in aside  # the owner has skills
    assert 'value="1"' in aside  # 1 of 4 done
    assert reverse("people:edit_profile", args=["olivia_owner"]) in aside
    world.owner.bio = "Hello"
    world.owner.pronouns = "she/her"
    world.owner.photo = "photos/x.jpg"
    world.owner.photo_thumb = "photos/thumbs/x.jpg"
    world.owner.save()
    aside = aside_of(client_as(world.owner).get("/").content.decode())
    assert "Complete your profile" not in aside


def test_home_shows_the_newest_joiners(world: World, client_as: ClientAs) -> None:
    today = timezone.localdate()
    for i in range(8):
        make_person(f"new_{i}", display_name=f"New {i}", start_date=today - dt.timedelta(days=i))
    make_person("future", display_name="Future Person", start_date=today + dt.timedelta(days=5))
    make_person("visitor", display_name="Visiting Guest", role=Role.GUEST, start_date=today)
    aside = aside_of(client_as(world.outsider).get("/").content.decode())
    joiners = aside.split("New joiners")[1]
    assert re.findall(r"New \d", joiners) == [f"New {i}" for i in range(6)]
    assert "Future Person" not in joiners
    assert "Visiting Guest" not in joiners
    assert f"joined {today:%-d %b}" in joiners


def test_guest_home_has_no_team_or_joiners(world: World, client_as: ClientAs) -> None:
    make_person("new_0", display_name="New Joiner", start_date=timezone.localdate())
    response = client_as(world.guest).get("/")
    assert response.status_code == 200
    aside = aside_of(response.content.decode())
    assert "Your team" not in aside
    assert "New joiners" not in aside
    assert "New Joiner" not in aside
    assert "Ada Admin" not in aside
    assert "Complete your profile" not in aside
    assert reverse("people:org_chart", args=["gwen_guest"]) not in aside
    assert reverse("people:directory") not in aside


def test_home_query_count_does_not_grow(world: World, client_as: ClientAs) -> None:
    """The people dashboard costs the same number of queries with 10 or 50 reports and peers."""
    today = timezone.localdate()
    client = client_as(world.owner)
    counts = []
    for added in (10, 40):  # 10 of each, then 50 of each
        make_people(added, prefix=f"report{added}", manager=world.owner, start_date=today)
        make_people(added, prefix=f"peer{added}", manager=world.admin)
        client.get("/")  # warm caches (site settings)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/")
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # The feed home's own budget (watercooler/feed/tests/test_pages.py) covers the dashboard.
    assert counts[1] <= 24
    team = aside_of(response.content.decode()).split("Your team")[1].split("New joiners")[0]
    assert team.count("Reports to you<") == 12  # capped at people.queries.TEAM_LIMIT
    assert team.count('class="tile"') == 1 + 12 + 12  # the manager, 12 teammates, 12 reports


def test_healthz_answers_without_sign_in(db: None, client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"  # the task queue's figures: core/tests/test_healthz.py


def test_unknown_location_time_zone_does_not_break_pages(world: World, client_as: ClientAs) -> None:
    Location.objects.filter(pk=world.london.pk).update(timezone="Mars/Olympus")
    assert client_as(world.owner).get("/").status_code == 200
    assert client_as(world.outsider).get("/people/olivia_owner/").status_code == 200
