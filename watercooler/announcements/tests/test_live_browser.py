"""An announcement from a phone to a department, arriving live, once, and folding away.

A communications person on a 360 px phone targets Engineering with the checkbox lists, reads
the audience preview and publishes; the teammate, whose home page is already open on another
phone, sees the pinned card arrive over the websocket (once: no second copy as a feed post and
no "1 new post" prompt), acknowledges it and watches it fold away. The communications person
then opens /announcements/, the statistics page (no sideways scrolling) and downloads the CSV.

Screenshots land in var/test-artifacts/screenshots/.
"""

import csv
import io

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from watercooler.announcements.models import Announcement
from watercooler.people.models import Role
from watercooler.people.tests.test_journeys_browser import Watch
from watercooler.testing.fixtures import Screenshot, add_session_cookie
from watercooler.testing.world import World, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Lab closed for cleaning"
BODY = "The lab is closed on Friday.\n\n- Take your laptop home\n- Empty the fridge"


def no_sideways_scroll(page: Page, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{what} scrolls sideways on a 360 px phone ({width}px wide)"


def test_targeted_announcement_arrives_live_once_and_folds(
    browser: Browser, phone: BrowserContext, asgi_server: str, world: World, screenshot: Screenshot
) -> None:
    base = asgi_server
    comms = make_person(
        "cora_comms", display_name="Cora Comms", role=Role.COMMS, department=world.sales
    )
    watch = Watch()
    reader_phone = browser.new_context(
        viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True,
        has_touch=True, accept_downloads=True,
    )  # fmt: skip
    try:
        # The teammate's home page is open before anything is published.
        watch.attach(reader_phone)
        add_session_cookie(reader_phone, base, world.teammate)
        home = reader_phone.new_page()
        with home.expect_websocket() as info:
            home.goto(f"{base}/")
        info.value.wait_for_event("framereceived", timeout=10_000)
        expect(home.get_by_text(TITLE)).to_have_count(0)

        # The communications person composes on a phone.
        watch.attach(phone)
        add_session_cookie(phone, base, comms)
        composer = phone.new_page()
        composer.goto(f"{base}/announcements/new/")
        composer.get_by_label("Title").fill(TITLE)
        composer.get_by_label("Text").fill(BODY)
        preview = composer.locator("#ann-preview")
        expect(preview).to_contain_text("4 people")  # everyone but the author and the guest
        departments = composer.get_by_role("group", name="Departments")
        engineering = departments.get_by_label("Engineering")
        engineering.tap()
        expect(engineering).to_be_checked()
        expect(preview).to_contain_text("2 people: Olivia Owner, Theo Teammate")
        composer.get_by_label("Must read").check()
        no_sideways_scroll(composer, "the composer")
        screenshot(composer, "1-composer-preview")
        composer.get_by_role("button", name="Publish").click()
        composer.wait_for_url(f"{base}/announcements/*/stats/")
        announcement = Announcement.objects.get(title=TITLE)
        assert announcement.audience_size == 2

        # It arrives live on the open home page, once.
        card = home.locator(f"#announcement-{announcement.pk}")
        expect(card).to_be_visible(timeout=10_000)
        expect(home.get_by_role("heading", name=TITLE)).to_have_count(1)
        expect(home.get_by_text("Take your laptop home")).to_have_count(1)
        # The list keeps its items (it used to be flattened into one line).
        expect(card.locator("li")).to_have_count(2)
        expect(home.locator("[data-new-posts]")).to_be_hidden()
        no_sideways_scroll(home, "the home feed")
        screenshot(home, "2-arrived-live")

        card.get_by_role("button", name="I have read this").click()
        expect(card).to_contain_text("You acknowledged")
        expect(card.get_by_role("button", name="I have read this")).to_have_count(0)
        screenshot(home, "3-folded")
        home.reload()
        expect(home.locator(f"#announcement-{announcement.pk}")).to_have_count(0)
        home.get_by_role("link", name="Earlier announcements").click()
        expect(home.get_by_role("link", name=TITLE)).to_be_visible()
        screenshot(home, "4-earlier-announcements")

        # The dashboard and the statistics, on the phone.
        composer.goto(f"{base}/announcements/")
        row = composer.locator(".ann-row", has_text=TITLE)
        expect(row.locator(".ann-status-live")).to_be_visible()
        expect(row).to_contain_text("To Engineering · 2 people")
        expect(row).to_contain_text("50%")
        no_sideways_scroll(composer, "the announcements dashboard")
        screenshot(composer, "5-dashboard")
        with composer.expect_download() as download_info:
            row.get_by_role("link", name="CSV").click()
        download = download_info.value
        assert download.suggested_filename == f"announcement-{announcement.pk}.csv"
        path = download.path()
        assert path is not None
        with open(path, encoding="utf-8-sig") as file:
            rows = list(csv.reader(io.StringIO(file.read())))
        names = {row[0] for row in rows[rows.index([]) + 2 :]}
        assert names == {"Olivia Owner", "Theo Teammate"}

        composer.goto(f"{base}/announcements/{announcement.pk}/stats/")
        expect(composer.get_by_role("heading", level=1)).to_have_text(TITLE)
        no_sideways_scroll(composer, "the statistics page")
        table = composer.locator(".ann-dept-wrap")
        assert table.evaluate("el => el.scrollWidth <= el.clientWidth"), "the table is clipped"
        screenshot(composer, "6-stats")
        watch.assert_clean()
    finally:
        reader_phone.close()


def test_stats_page_fits_a_phone(
    phone: BrowserContext, asgi_server: str, world: World, screenshot: Screenshot
) -> None:
    from watercooler.announcements import actions as announcement_actions
    from watercooler.people.models import Department

    comms = make_person("cora_comms", display_name="Cora Comms", role=Role.COMMS)
    support = Department.objects.create(name="Customer Experience")
    for i in range(3):
        make_person(f"cx{i}", display_name=f"Casey Experience {i}", department=support)
    a = announcement_actions.do_create_announcement(
        actor=comms,
        title="Updated travel and expenses policy for everyone",
        body="Read it.",
        must_read=True,
    )
    announcement_actions.do_acknowledge(user=world.owner, announcement=a)
    add_session_cookie(phone, asgi_server, comms)
    page = phone.new_page()
    page.goto(f"{asgi_server}/announcements/{a.pk}/stats/")
    expect(page.get_by_role("heading", name="By department")).to_be_visible()
    screenshot(page, "stats-phone")
    no_sideways_scroll(page, "the statistics page")
    table = page.locator("table.ann-dept")
    box = table.bounding_box()
    assert box is not None
    assert box["x"] + box["width"] <= 360, "the department table runs off the screen"
