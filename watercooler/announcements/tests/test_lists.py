"""Announcements shown once on the home page, folded when done, listed at /announcements/ (the
comms dashboard, or what was addressed to me), exported as CSV, and the composer's targeting
control with its audience preview."""

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from watercooler.announcements import actions as announcement_actions
from watercooler.announcements import queries as announcement_queries
from watercooler.announcements.models import Announcement
from watercooler.feed import timeline
from watercooler.feed.tests.test_community_pages import make_community
from watercooler.people.models import Role, User
from watercooler.realtime.access import new_post_ids
from watercooler.testing.fixtures import ApiClient, ClientAs
from watercooler.testing.world import World, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def comms(world: World) -> User:
    return make_person("cora_comms", display_name="Cora Comms", role=Role.COMMS)


def create(actor: User, **kwargs: Any) -> Announcement:
    kwargs.setdefault("title", "Office closed Friday")
    kwargs.setdefault("body", "The London office is closed on Friday.")
    return announcement_actions.do_create_announcement(actor=actor, **kwargs)


# --- Shown once, folded when done ---------------------------------------------------------------


def test_home_shows_an_announcement_once(world: World, comms: User, client_as: ClientAs) -> None:
    # The owner follows the author too: the post must not come back through the follow.
    from watercooler.feed.models import PersonFollow

    PersonFollow.objects.create(follower=world.owner, followee=comms)
    since = timezone.now() - dt.timedelta(minutes=1)
    a = create(comms, title="Quarterly all-hands", body="Join us **Thursday**.")
    page = timeline.feed_page(world.owner)
    assert a.post_id not in [p.pk for p in page.items]
    top = timeline.feed_page(world.owner, order="top")
    assert a.post_id not in [p.pk for p in top.items]
    # Nor is it counted as "1 new post" after a dropped connection.
    assert a.post_id not in new_post_ids(world.owner, since)
    html = client_as(world.owner).get("/").content.decode()
    assert html.count("Join us <strong>Thursday</strong>") == 1
    assert html.count(f'id="announcement-{a.pk}"') == 1


def test_pinned_card_keeps_markdown_lists(world: World, comms: User, client_as: ClientAs) -> None:
    create(comms, title="Bring", body="Please bring:\n\n- your badge\n- a pen\n\nThanks.")
    html = client_as(world.owner).get("/").content.decode()
    card = html[html.index('class="card ann-card') :]
    card = card[: card.index("</article>")]
    assert "<li>your badge</li>" in card
    assert "<li>a pen</li>" in card


def test_acknowledged_must_read_folds_from_home_and_stays_findable(
    world: World, comms: User, client_as: ClientAs
) -> None:
    a = create(comms, title="Fire drill", must_read=True)
    client = client_as(world.owner)
    assert f'id="announcement-{a.pk}"' in client.get("/").content.decode()
    client.post(f"/announcements/{a.pk}/acknowledge/")
    home = client.get("/").content.decode()
    assert f'id="announcement-{a.pk}"' not in home
    assert "Earlier announcements" in home
    mine = client.get("/announcements/").content.decode()
    assert "Fire drill" in mine
    assert "Acknowledged" in mine
    assert client.get(f"/announcements/{a.pk}/").status_code == 200


def test_card_endpoint_for_live_insertion(world: World, comms: User, client_as: ClientAs) -> None:
    a = create(comms, title="Live one", departments=["Engineering"])
    card = client_as(world.owner).get(f"/announcements/{a.pk}/card/")
    assert card.status_code == 200
    assert f'id="announcement-{a.pk}"' in card.content.decode()
    assert client_as(world.outsider).get(f"/announcements/{a.pk}/card/").status_code == 404
    assert client_as(world.guest).get(f"/announcements/{a.pk}/card/").status_code == 404
    announcement_actions.do_dismiss(user=world.owner, announcement=a)
    gone = client_as(world.owner).get(f"/announcements/{a.pk}/card/")
    assert (gone.status_code, gone.content) == (200, b"")


def test_home_page_loads_the_live_insertion_script(world: World, client_as: ClientAs) -> None:
    html = client_as(world.owner).get("/").content.decode()
    assert "data-pinned-announcements" in html
    assert "js/announcements.js" in html


# --- The dashboard ------------------------------------------------------------------------------


def test_audience_in_words(world: World, comms: User) -> None:
    a = create(comms, departments=["Sales", "Engineering"], locations=["Berlin"], roles=["guest"])
    assert announcement_queries.audience_words(a) == "Engineering, Sales, Berlin · guests"
    assert announcement_queries.audience_words(create(comms)) == "Everyone"


def test_dashboard_lists_status_audience_and_rates(
    world: World, comms: User, client_as: ClientAs
) -> None:
    now = timezone.now()
    live = create(comms, title="Live", departments=["Engineering"], must_read=True)
    announcement_actions.do_acknowledge(user=world.owner, announcement=live)
    create(comms, title="Later", publish_at=now + dt.timedelta(days=2))
    expired = create(comms, title="Over", expires_at=now + dt.timedelta(hours=1))
    Announcement.objects.filter(pk=expired.pk).update(expires_at=now - dt.timedelta(minutes=1))
    response = client_as(comms).get("/announcements/")
    assert response.status_code == 200
    html = response.content.decode()
    for status in ("Live", "Scheduled", "Expired"):
        assert f"ann-status-{status.lower()}" in html
    assert "To Engineering · <strong>2</strong> people" in html
    assert '<progress class="ann-progress-ok" max="100" value="50"' in html
    assert f"/announcements/{live.pk}/export.csv" in html
    # Administrators get it too.
    assert "ann-status-live" in client_as(world.admin).get("/announcements/").content.decode()


def test_dashboard_pages_with_a_cursor_in_constant_queries(
    world: World, comms: User, client_as: ClientAs
) -> None:
    now = timezone.now()
    made = [
        create(comms, title=f"N{i}", departments=["Sales"], now=now + dt.timedelta(seconds=i))
        for i in range(30)
    ]
    first = announcement_queries.dashboard_page(comms, limit=25)
    assert first.next_cursor
    rest = announcement_queries.dashboard_page(comms, cursor=first.next_cursor, limit=25)
    ids = [a.pk for a in first.items + rest.items]
    assert ids == [a.pk for a in reversed(made)]
    client = client_as(comms)
    client.get("/announcements/")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/announcements/?cursor={first.next_cursor}")
    with CaptureQueriesContext(connection) as many:
        client.get("/announcements/")
    assert len(many.captured_queries) == len(few.captured_queries)
    assert client.get("/announcements/?cursor=garbage").status_code == 302


def test_members_get_what_was_addressed_to_them(
    world: World, comms: User, client_as: ClientAs
) -> None:
    to_eng = create(comms, title="For engineering", departments=["Engineering"])
    create(comms, title="For sales", departments=["Sales"])
    announcement_actions.do_dismiss(user=world.owner, announcement=to_eng)
    owner = client_as(world.owner).get("/announcements/")
    assert owner.status_code == 200
    html = owner.content.decode()
    assert "For engineering" in html  # dismissed, still listed
    assert "Dismissed" in html
    assert "For sales" not in html
    assert "export.csv" not in html
    outsider = client_as(world.outsider).get("/announcements/").content.decode()
    assert "For sales" in outsider
    assert "For engineering" not in outsider
    guest = client_as(world.guest).get("/announcements/")
    assert guest.status_code == 200
    assert "For engineering" not in guest.content.decode()
    assert "No announcements for you yet" in guest.content.decode()
    assert client_as(None).get("/announcements/").status_code == 302


def test_community_owner_sees_only_their_own(
    world: World, comms: User, client_as: ClientAs
) -> None:
    create(comms, title="Company wide")
    community = make_community("climbing", "open", owner=world.owner, members=[world.teammate])
    announcement_actions.do_create_announcement(
        actor=world.owner, title="Club news", body="b", community=community
    )
    html = client_as(world.owner).get("/announcements/").content.decode()
    assert "Club news" in html
    assert "ann-status-live" in html
    assert "Company wide" not in html.split("ann-list")[1].split("</ul>")[0]
    # Communications people do not see a community's announcement on their dashboard.
    assert "Club news" not in client_as(comms).get("/announcements/").content.decode()


# --- CSV export ---------------------------------------------------------------------------------


def read_csv(response: Any) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_csv_export(world: World, comms: User, client_as: ClientAs) -> None:
    world.teammate.display_name = "=HYPERLINK(1)"
    world.teammate.save()
    a = create(comms, title="Badges", departments=["Engineering"], must_read=True)
    announcement_actions.do_acknowledge(user=world.owner, announcement=a)
    response = client_as(comms).get(f"/announcements/{a.pk}/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="announcement-{a.pk}.csv"' in response["Content-Disposition"]
    rows = read_csv(response)
    summary = {row[0]: row[1] for row in rows[: rows.index([])]}
    assert summary["Announcement"] == "Badges"
    assert summary["Status"] == "live"
    assert summary["Audience"] == "Engineering"
    assert summary["Audience size"] == "2"
    assert summary["Acknowledged"] == "1"
    assert summary["Acknowledged %"] == "50"
    people = rows[rows.index([]) + 1 :]
    assert people[0] == ["Name", "Department", "Location", "Seen at", "Acknowledged at"]
    by_name = {row[0]: row for row in people[1:]}
    assert set(by_name) == {"Olivia Owner", "'=HYPERLINK(1)"}  # no author; no formula
    assert by_name["Olivia Owner"][1:3] == ["Engineering", "London"]
    assert by_name["Olivia Owner"][4].endswith("UTC")
    assert by_name["'=HYPERLINK(1)"][3:] == ["", ""]
    assert client_as(world.admin).get(f"/announcements/{a.pk}/export.csv").status_code == 200


def test_csv_export_is_for_comms_and_admins_only(
    world: World, comms: User, client_as: ClientAs
) -> None:
    a = create(comms, title="Badges", departments=["Engineering"])
    url = f"/announcements/{a.pk}/export.csv"
    assert client_as(world.owner).get(url).status_code == 403  # in the audience
    assert client_as(world.outsider).get(url).status_code == 404
    assert client_as(world.guest).get(url).status_code == 404
    assert client_as(None).get(url).status_code == 302
    assert client_as(comms).get("/announcements/999999/export.csv").status_code == 404


# --- Composer: targeting control and audience preview -------------------------------------------


def test_composer_uses_checkboxes_not_multi_selects(comms: User, client_as: ClientAs) -> None:
    html = client_as(comms).get("/announcements/new/").content.decode()
    assert "multiple" not in html  # no Ctrl-click lists
    assert 'type="checkbox" name="departments" value="Engineering"' in html
    assert "<legend>Departments" in html
    assert 'hx-get="/announcements/audience/"' in html
    # The preview is there before any change: everyone but the author and the guest.
    assert "4 people</strong>: Ada Admin, Olivia Owner and 2 more" in html


def test_audience_preview(world: World, comms: User, client_as: ClientAs) -> None:
    client = client_as(comms)
    one = client.get("/announcements/audience/", {"departments": ["Engineering"]})
    assert one.status_code == 200
    assert "2 people</strong>: Olivia Owner, Theo Teammate" in one.content.decode()
    comms.department = world.engineering
    comms.save()
    # The author is left out of the preview exactly as out of the receipts.
    same = client.get("/announcements/audience/", {"departments": ["Engineering"]})
    assert "2 people" in same.content.decode()
    a = create(comms, departments=["Engineering"])
    assert a.audience_size == 2
    none = client.get("/announcements/audience/", {"locations": ["Berlin"], "roles": ["admin"]})
    assert "0 people" in none.content.decode()
    bad = client.get("/announcements/audience/", {"departments": ["Nope"]})
    assert bad.status_code == 400
    assert "No department is called" in bad.content.decode()
    assert client_as(world.owner).get("/announcements/audience/").status_code == 403
    assert client_as(world.guest).get("/announcements/audience/").status_code == 403


def test_preview_counts_a_large_audience_in_few_queries(
    world: World, comms: User, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    User.objects.bulk_create(
        [User(username=f"bulk{i}", display_name=f"Bulk {i}", sort_name=f"bulk {i}",
              department=world.sales) for i in range(300)]
    )  # fmt: skip
    with django_assert_num_queries(3):  # departments (no location named), sample, count
        preview = announcement_queries.audience_preview(actor=comms, departments=["Sales"])
    assert preview.size == 301
    assert preview.sample == ["Bulk 0", "Bulk 1"]
    assert preview.more == 299


# --- The same over the API ----------------------------------------------------------------------


def test_api_audience_preview_and_dashboard(
    world: World, comms: User, api_as: type[ApiClient]
) -> None:
    api = api_as(comms)
    preview = api.get("/announcements/audience?departments=Engineering")
    assert preview.status_code == 200, preview.content
    assert preview.json() == {"size": 2, "sample": ["Olivia Owner", "Theo Teammate"], "more": 0}
    bad = api.get("/announcements/audience?departments=Nope&roles=boss")
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"departments", "roles"}
    assert api_as(world.owner).get("/announcements/audience").status_code == 403
    assert api_as(world.guest).get("/announcements/audience").status_code == 403

    a = create(comms, title="Badges", departments=["Engineering"], must_read=True)
    announcement_actions.do_acknowledge(user=world.owner, announcement=a)
    listed = api.get("/announcements/all")
    assert listed.status_code == 200, listed.content
    [item] = listed.json()["items"]
    assert (item["status"], item["audience"], item["audience_size"]) == ("live", "Engineering", 2)
    assert (item["acknowledged_percent"], item["seen_percent"]) == (50, 50)
    # Members manage nothing: an empty list, not the company's announcements.
    assert api_as(world.owner).get("/announcements/all").json()["items"] == []
    assert api_as(world.guest).get("/announcements/all").json()["items"] == []
