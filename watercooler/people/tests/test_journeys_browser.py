"""The main journeys of the people directory release, end to end in a real Chromium.

Each test is one journey a person takes: signing in (with a password, an email address or a
one-time access code on a phone), browsing and filtering the directory down to the org chart,
editing a profile with a photo, importing people from a CSV file, moving through the directory
with the keyboard, and reading it in dark mode. Every journey also listens for console errors,
uncaught exceptions and Content-Security-Policy violations and fails if the browser saw any that
the journey did not expect (a deliberate 400 page logs one "Failed to load resource").

Screenshots land in var/test-artifacts/screenshots/ for a human to look at.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import BrowserContext, ConsoleMessage, FilePayload, Page, expect
from pytest_django.live_server_helper import LiveServer

from watercooler.people import actions
from watercooler.people.models import Department, Location, User
from watercooler.testing.fixtures import Screenshot, sign_in
from watercooler.testing.world import PASSWORD, World, make_person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 360
NEW_PASSWORD = "a-fresh-Passphrase-917"


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """Desktop journeys run at 1280x800; the ``phone`` fixture makes its own 360 px context."""
    return {**browser_context_args, "viewport": {"width": 1280, "height": 800}}


@pytest.fixture(autouse=True)
def media_in_tmp(media_served_from_tmp: Path) -> Path:
    """Uploads (photos, import files) go to a temporary folder, and /media/ serves from it."""
    return media_served_from_tmp


# --- Watching the browser: console errors, page errors, CSP violations --------------------------

# Runs in every document before the page's own scripts. The binding reports to Python at once,
# so a violation during a navigation is not lost with the page that saw it.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportCspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
    + ` in ${event.documentURI} (${event.sourceFile || "?"}:${event.lineNumber})`
  );
}, true);
"""


@dataclass
class Watch:
    """What went wrong in the browser during a journey; ``expect_http_error`` allows one kind."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    allowed_statuses: set[int] = field(default_factory=set)

    def attach(self, context: BrowserContext) -> None:
        context.expose_function("__reportCspViolation", self._on_violation)
        context.add_init_script(CSP_LISTENER)
        context.on("console", self._on_console)
        context.on("weberror", lambda error: self.page_errors.append(str(error.error)))

    def _on_violation(self, text: str) -> None:
        self.csp_violations.append(text)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        text = message.text
        status = re.search(r"server responded with a status of (\d{3})", text)
        if status and int(status.group(1)) in self.allowed_statuses:
            return
        self.console_errors.append(f"{text} ({message.location.get('url', '')})")

    def expect_http_error(self, status: int) -> None:
        """The journey is about to get a ``status`` response on purpose (a form with errors)."""
        self.allowed_statuses.add(status)

    def assert_clean(self) -> None:
        # live_server speaks no websockets: every page's live.js failing to connect (and
        # retrying) is expected here; the realtime tests drive the socket under uvicorn.
        self.console_errors = [e for e in self.console_errors if "WebSocket connection" not in e]
        assert self.csp_violations == [], "Content-Security-Policy violations"
        assert self.page_errors == [], "uncaught JavaScript errors"
        assert self.console_errors == [], "errors in the browser console"


@pytest.fixture
def watch(page: Page) -> Watch:
    """A watch on the default (desktop) context; ``watch.attach(phone)`` adds the phone."""
    found = Watch()
    found.attach(page.context)
    return found


def assert_fits_phone(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url} scrolls sideways on a phone ({width}px wide)"


def sign_out_with_menu(page: Page, base_url: str) -> None:
    page.get_by_label("Your menu").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{base_url}/accounts/login/")


def expect_home_of(page: Page, name: str) -> None:
    """The feed home, signed in as ``name``: the account menu shows whose it is."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Home")
    expect(page.get_by_label("Your menu").get_by_role("img", name=name)).to_be_visible()


def a_file(name: str, mime_type: str, data: bytes) -> FilePayload:
    return {"name": name, "mimeType": mime_type, "buffer": data}


def png_bytes(size: tuple[int, int] = (640, 480)) -> bytes:
    """A real PNG: a blue picture with an orange square, so the crop is visible."""
    image = Image.new("RGB", size, (30, 120, 200))
    image.paste((255, 159, 26), (size[0] // 3, size[1] // 3, size[0] * 2 // 3, size[1] * 2 // 3))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


# --- 1. Signing in on a desktop --------------------------------------------------------------------


def test_sign_in_with_username_then_with_email(
    page: Page, live_server: LiveServer, world: World, screenshot: Screenshot, watch: Watch
) -> None:
    base = live_server.url
    page.goto(f"{base}/")
    page.wait_for_url(f"{base}/accounts/login/?next=/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Watercooler")
    screenshot(page, "sign-in")

    page.get_by_label("Username or email").fill("olivia_owner")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")
    expect_home_of(page, "Olivia Owner")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Home")
    ).to_have_attribute("aria-current", "page")
    screenshot(page, "home")

    sign_out_with_menu(page, base)
    sign_in(page, base, "olivia_owner@example.com")
    assert page.url == f"{base}/"
    expect_home_of(page, "Olivia Owner")
    watch.assert_clean()


# --- 2. An access code on a phone ----------------------------------------------------------------


def test_access_code_then_own_password_on_a_phone(
    page: Page,
    phone: BrowserContext,
    live_server: LiveServer,
    world: World,
    screenshot: Screenshot,
    watch: Watch,
) -> None:
    base = live_server.url
    actions.do_create_person(
        actor=world.admin,
        username="wanda_worker",
        display_name="Wanda Worker",
        department="Sales",
        location="Berlin",
        title="Warehouse Lead",
    )
    # The administrator issues the code on their desktop.
    sign_in(page, base, "ada_admin")
    page.goto(f"{base}/manage/people/wanda_worker/")
    page.get_by_role("button", name="Issue access code").click()
    code = page.locator(".adm-code-value").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4})+", code), code
    screenshot(page, "admin-issues-code")

    # Wanda signs in with it on her phone.
    watch.attach(phone)
    mobile = phone.new_page()
    mobile.goto(f"{base}/accounts/login/")
    assert_fits_phone(mobile)
    screenshot(mobile, "phone-1-sign-in")
    mobile.get_by_role("link", name="Sign in with an access code").click()
    mobile.wait_for_url(f"{base}/accounts/access-code/")
    mobile.get_by_label("Username").fill("wanda_worker")
    mobile.get_by_label("Access code").fill(f" {code.lower()} ")  # forgiving about case and spaces
    assert_fits_phone(mobile)
    screenshot(mobile, "phone-2-access-code")
    mobile.get_by_role("button", name="Sign in with code").click()

    mobile.wait_for_url("**/accounts/password/set/**")
    expect(mobile.get_by_role("heading", level=1)).to_have_text("Choose a password")
    mobile.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    mobile.get_by_label("Password (again)").fill(NEW_PASSWORD)
    assert_fits_phone(mobile)
    screenshot(mobile, "phone-3-choose-password")
    mobile.get_by_role("button", name="Set password").click()

    mobile.wait_for_url(f"{base}/")
    expect_home_of(mobile, "Wanda Worker")
    assert_fits_phone(mobile)
    screenshot(mobile, "phone-4-home")

    # Signed out, Wanda comes back with the password she chose.
    sign_out_with_menu(mobile, base)
    screenshot(mobile, "phone-5-signed-out")
    sign_in(mobile, base, "wanda_worker", NEW_PASSWORD)
    assert mobile.url == f"{base}/"
    expect_home_of(mobile, "Wanda Worker")
    assert_fits_phone(mobile)
    assert User.objects.get(username="wanda_worker").check_password(NEW_PASSWORD)
    watch.assert_clean()


# --- 3. Browsing and filtering the directory, then the org chart ---------------------------------

# fmt: off
FIRST_NAMES = (
    "Aiko", "Bram", "Chloe", "Dmitri", "Elif", "Farah", "Gustav", "Hana", "Ines", "Jonas", "Kemal",
    "Lena", "Mateo", "Nia", "Omar", "Priya", "Quentin", "Rosa", "Sanjay", "Tova", "Ugo", "Vera",
    "Wim", "Xenia", "Yusuf", "Zora", "Anouk", "Bilal", "Carmen", "Dario", "Esme", "Femi", "Greta",
    "Hugo", "Ilse", "Jamal", "Kaito", "Liv", "Mira", "Noor", "Otto", "Petra", "Rafael", "Sofia",
    "Tariq",
)
LAST_NAMES = (
    "Abara", "Berg", "Castillo", "Dube", "Eriksen", "Fontaine", "Gallo", "Haddad", "Ivanova",
    "Jensen", "Kaur", "Larsen", "Moreau", "Novak", "Okafor",
)
# fmt: on
DEPARTMENTS = ("Engineering", "Sales", "IT", "Design", "Finance")
LOCATIONS = ("London", "Berlin", "Lisbon")
SKILLS = ("Python", "Excel", "Figma", "Negotiation", "Research", "Kubernetes")
TITLES = {
    "Engineering": "Software Engineer",
    "Sales": "Account Manager",
    "IT": "Systems Administrator",
    "Design": "Product Designer",
    "Finance": "Financial Analyst",
}


@dataclass(frozen=True)
class Colleague:
    username: str
    name: str
    department: str
    location: str
    skills: tuple[str, ...]


def populate_directory(world: World) -> tuple[list[Colleague], User]:
    """45 colleagues across five departments, three places and six skills, plus a Head of Design
    to whom the designers report. Returns them and the head."""
    Location.objects.create(name="Lisbon", country="Portugal", timezone="Europe/Lisbon")
    departments = {d.name: d for d in Department.objects.all()}
    for name in DEPARTMENTS:
        if name not in departments:
            departments[name] = Department.objects.create(name=name)
    locations = {loc.name: loc for loc in Location.objects.all()}
    head = make_person(
        "marta_head",
        display_name="Marta Head",
        title="Head of Design",
        department=departments["Design"],
        location=locations["Lisbon"],
        manager=world.admin,
        skills=["Figma"],
    )
    colleagues = []
    for i, first in enumerate(FIRST_NAMES):
        department = DEPARTMENTS[i % len(DEPARTMENTS)]
        location = LOCATIONS[i % len(LOCATIONS)]
        skills = (SKILLS[i % len(SKILLS)], SKILLS[(i + 2) % len(SKILLS)])
        name = f"{first} {LAST_NAMES[i % len(LAST_NAMES)]}"
        username = name.lower().replace(" ", "_")
        make_person(
            username,
            display_name=name,
            title=TITLES[department],
            department=departments[department],
            location=locations[location],
            manager=head if department == "Design" else None,
            skills=list(skills),
        )
        colleagues.append(Colleague(username, name, department, location, skills))
    return colleagues, head


def shown_names(page: Page) -> list[str]:
    results = page.get_by_role("region", name="Results")
    return results.locator(".person-card-name a").all_inner_texts()


def scroll_to_the_end(page: Page, expected_total: int) -> None:
    """Scroll to the bottom until the list is complete (htmx loads "Load more" when revealed).

    The page scrolls, not the link: a revealed link may already be loading its page and be
    swapped out at any moment, so acting on that element races htmx on a busy machine.
    """
    load_more = page.get_by_role("link", name="Load more people")
    for _ in range(10):
        if load_more.count() == 0:
            break
        shown = len(shown_names(page))  # counted before the scroll can load more
        page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
        page.wait_for_function(
            """n => document.querySelectorAll('.person-card').length > n
              || ![...document.querySelectorAll('a')].some(a => a.textContent.includes('Load more people'))""",
            arg=shown,
        )
    expect(page.get_by_role("region", name="Results").locator(".person-card")).to_have_count(
        expected_total
    )
    expect(load_more).to_have_count(0)


def test_browse_filter_and_navigate_the_org_chart(
    page: Page,
    phone: BrowserContext,
    live_server: LiveServer,
    world: World,
    screenshot: Screenshot,
    watch: Watch,
) -> None:
    base = live_server.url
    colleagues, head = populate_directory(world)
    total = User.objects.filter(is_active=True).count()
    assert total > 48, "enough people for three pages of the directory"

    sign_in(page, base, "olivia_owner")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    page.wait_for_url(f"{base}/people/")
    assert len(shown_names(page)) == 24
    screenshot(page, "directory")

    # "Load more" by click, then the rest by scrolling.
    page.get_by_role("link", name="Load more people").click()
    page.wait_for_function("() => document.querySelectorAll('.person-card').length > 24")
    scroll_to_the_end(page, total)
    names = shown_names(page)
    assert len(set(names)) == total, "a person was shown twice or skipped between pages"
    assert names == sorted(names, key=str.casefold), "the directory is not in name order"

    # Search by name: the list updates as one types.
    search = page.get_by_role("searchbox", name="Name or job title")
    search.fill("zora")
    expect(page).to_have_url(re.compile(r"\?q=zora$"))
    expect(page.get_by_role("region", name="Results").locator(".person-card")).to_have_count(1)
    assert shown_names(page) == [c.name for c in colleagues if c.name.startswith("Zora ")]
    screenshot(page, "search-by-name")
    search.fill("")

    # Filter by department, location and skill together.
    page.get_by_label("Department").select_option("Design")
    page.get_by_label("Location").select_option("Lisbon")
    page.get_by_label("Skill").fill("Figma")
    expected = sorted(
        [
            c.name
            for c in colleagues
            if (c.department, c.location) == ("Design", "Lisbon") and "Figma" in c.skills
        ]
        + [head.display_name],
        key=str.casefold,
    )
    assert 2 <= len(expected) < sum(c.department == "Design" for c in colleagues)
    expect(page).to_have_url(re.compile(r"department=Design&location=Lisbon&skill=Figma"))
    expect(page.get_by_role("region", name="Results").locator(".person-card")).to_have_count(
        len(expected)
    )
    assert shown_names(page) == expected
    results = page.get_by_role("region", name="Results")
    expect(results).to_contain_text("Skill: Figma")
    screenshot(page, "filtered")

    # A profile, then the org chart: up to the manager, down to a report.
    designer = next(name for name in expected if name != head.display_name)
    results.get_by_role("link", name=designer).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(designer)
    screenshot(page, "profile")
    page.get_by_role("link", name=re.compile(r"place in the org chart")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Org chart")
    chain = page.get_by_role("region", name="Reporting line")
    expect(chain.get_by_role("link", name=re.compile("^Ada Admin"))).to_be_visible()
    screenshot(page, "org-chart-person")
    chain.get_by_role("link", name=re.compile("^Marta Head")).click()
    page.wait_for_url(f"{base}/people/marta_head/org/")
    reports = page.get_by_role("region", name=re.compile("^Direct reports"))
    designers = sorted((c.name for c in colleagues if c.department == "Design"), key=str.casefold)
    expect(reports.get_by_role("listitem")).to_have_count(len(designers))
    screenshot(page, "org-chart-manager")
    other = next(name for name in designers if name != designer)
    reports.get_by_role("link", name=re.compile(f"^{other}")).click()
    other_username = next(c.username for c in colleagues if c.name == other)
    page.wait_for_url(f"{base}/people/{other_username}/org/")
    expect(page.get_by_role("region", name="Reporting line")).to_contain_text("Marta Head")

    # The same directory on a phone: filters folded away, one column, no sideways scroll.
    watch.attach(phone)
    mobile = phone.new_page()
    sign_in(mobile, base, "theo_teammate")
    mobile.goto(f"{base}/people/")
    assert_fits_phone(mobile)
    screenshot(mobile, "phone-directory")
    scroll_to_the_end(mobile, total)
    assert_fits_phone(mobile)
    mobile.evaluate("window.scrollTo(0, 0)")
    filters = mobile.get_by_text("Filters", exact=True)
    expect(mobile.get_by_label("Location")).to_be_hidden()
    filters.click()
    mobile.get_by_label("Location").select_option("Berlin")
    in_berlin = User.objects.filter(is_active=True, location__name="Berlin").count()
    expect(mobile).to_have_url(re.compile(r"location=Berlin"))
    expect(mobile.get_by_role("region", name="Results").locator(".person-card")).to_have_count(
        min(in_berlin, 24)
    )
    assert_fits_phone(mobile)
    screenshot(mobile, "phone-filtered")
    scroll_to_the_end(mobile, in_berlin)
    assert_fits_phone(mobile)
    mobile.get_by_role("region", name="Results").get_by_role("link", name="Oscar Outsider").click()
    expect(mobile.get_by_role("heading", level=1)).to_contain_text("Oscar Outsider")
    assert_fits_phone(mobile)
    screenshot(mobile, "phone-profile")
    mobile.get_by_role("link", name=re.compile(r"place in the org chart")).click()
    expect(mobile.get_by_role("heading", level=1)).to_have_text("Org chart")
    assert_fits_phone(mobile)
    mobile.goto(f"{base}/people/marta_head/org/")
    assert_fits_phone(mobile)
    screenshot(mobile, "phone-org-chart")
    watch.assert_clean()


# --- 4. Editing one's profile, with a photo ------------------------------------------------------


def test_edit_profile_and_photo(
    page: Page,
    phone: BrowserContext,
    live_server: LiveServer,
    world: World,
    screenshot: Screenshot,
    watch: Watch,
) -> None:
    base = live_server.url
    sign_in(page, base, "olivia_owner")
    page.goto(f"{base}/people/olivia_owner/")
    page.get_by_role("main").get_by_role("link", name="Edit profile").click()
    page.wait_for_url(f"{base}/people/olivia_owner/edit/")
    screenshot(page, "editor")

    page.get_by_label("Pronouns").fill("she/her")
    page.get_by_label("About you").fill("I run the platform team.\nAsk me about on-call and tea.")
    page.get_by_label("Skills", exact=True).fill("Python, Kubernetes, Incident review")
    page.get_by_role("button", name="Save profile").click()
    page.wait_for_url(f"{base}/people/olivia_owner/")
    expect(page.get_by_role("status")).to_contain_text("Your profile is saved.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("(she/her)")
    expect(page.get_by_role("region", name="About")).to_contain_text(
        "Ask me about on-call and tea."
    )
    skills = page.get_by_role("region", name="Skills")
    expect(skills.get_by_role("link")).to_have_text(
        ["Incident review", "Kubernetes", "Python"], ignore_case=True
    )

    # A real PNG: previewed before upload, then saved and shown on the profile.
    page.get_by_role("main").get_by_role("link", name="Edit profile").click()
    page.get_by_label("Choose a photo").set_input_files(
        files=a_file("me.png", "image/png", png_bytes())
    )
    expect(page.get_by_role("img", name="Preview of the chosen photo")).to_be_visible()
    screenshot(page, "photo-preview")
    page.get_by_role("button", name="Upload photo").click()
    expect(page.get_by_role("status")).to_contain_text("The new photo is saved.")
    expect(page.get_by_role("button", name="Remove photo")).to_be_visible()
    page.goto(f"{base}/people/olivia_owner/")
    photo = page.get_by_role("main").get_by_role("img", name="Photo of Olivia Owner")
    expect(photo).to_have_attribute("src", re.compile(r"^/media/photos/"))
    photo.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=photo.element_handle()
    )
    assert photo.evaluate("img => img.naturalWidth") == 512
    screenshot(page, "profile-with-photo")

    # A text file dressed up as a PNG is refused, next to the file input.
    page.get_by_role("main").get_by_role("link", name="Edit profile").click()
    watch.expect_http_error(400)
    page.get_by_label("Choose a new photo").set_input_files(
        files=a_file("photo.png", "image/png", b"just some text, honest")
    )
    screenshot(page, "bad-photo-chosen")
    page.get_by_role("button", name="Upload photo").click()
    file_input = page.get_by_label("Choose a new photo")
    expect(file_input).to_have_attribute("aria-invalid", "true")
    expect(file_input).to_have_accessible_description(
        re.compile("The file is not an image we can read.")
    )
    screenshot(page, "bad-photo")
    owner = User.objects.get(pk=world.owner.pk)
    assert (owner.photo.name or "").startswith("photos/"), "the good photo was kept"

    # The profile and the editor on a phone.
    watch.attach(phone)
    mobile = phone.new_page()
    sign_in(mobile, base, "olivia_owner")
    mobile.goto(f"{base}/people/olivia_owner/")
    assert_fits_phone(mobile)
    screenshot(mobile, "phone-profile-with-photo")
    mobile.goto(f"{base}/people/olivia_owner/edit/")
    assert_fits_phone(mobile)
    screenshot(mobile, "phone-editor")
    watch.assert_clean()


# --- 5. Importing people from a CSV file ---------------------------------------------------------

IMPORT_HEADER = ["employee_id", "email", "display_name", "title", "department", "location",
                 "manager_employee_id", "skills"]  # fmt: skip


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(IMPORT_HEADER)
    writer.writerows(rows)
    return out.getvalue().encode()


def upload_csv(page: Page, name: str, data: bytes) -> None:
    page.get_by_label("CSV file").set_input_files(files=a_file(name, "text/csv", data))
    page.get_by_role("button", name="Preview changes").click()
    page.wait_for_load_state()


def test_csv_import_shows_every_error_then_applies_a_good_file(
    page: Page,
    phone: BrowserContext,
    live_server: LiveServer,
    world: World,
    screenshot: Screenshot,
    watch: Watch,
) -> None:
    base = live_server.url
    sign_in(page, base, "ada_admin")
    page.get_by_label("Your menu").click()
    page.get_by_role("link", name="Manage people").click()
    page.get_by_role("navigation", name="Administration").get_by_role("link", name="Import").click()
    page.wait_for_url(f"{base}/manage/people/import/")
    screenshot(page, "import-form")

    people_before = User.objects.count()
    departments_before = Department.objects.count()
    bad = csv_bytes(
        [
            ["E200", "good.person@example.com", "Good Person", "", "Data", "London", "", ""],
            ["E201", "not-an-email", "Bad Email", "", "Data", "London", "", ""],
            ["E202", "lost@example.com", "Lost Report", "", "Data", "London", "NOPE-999", ""],
            ["E203", "anon@example.com", "", "", "Data", "London", "", ""],
        ]
    )
    watch.expect_http_error(400)
    upload_csv(page, "bad.csv", bad)
    expect(
        page.get_by_role("heading", name="3 problems found: nothing was changed")
    ).to_be_visible()
    problems = page.get_by_role("region", name="Problems")
    rows = [row.get_by_role("cell").all_inner_texts() for row in problems.locator("tbody tr").all()]
    assert [(row_, column) for row_, column, _ in rows] == [
        ("3", "email"),
        ("4", "manager_employee_id"),
        ("5", "display_name"),
    ], rows
    assert "valid email" in rows[0][2]
    assert "NOPE-999" in rows[1][2]
    assert "required" in rows[2][2]
    expect(page.get_by_role("button", name="Apply these changes")).to_have_count(0)
    screenshot(page, "import-errors")
    assert User.objects.count() == people_before
    assert Department.objects.count() == departments_before

    # The same problems on an administrator's phone: the table wraps instead of overflowing.
    watch.attach(phone)
    mobile = phone.new_page()
    sign_in(mobile, base, "ada_admin")
    mobile.goto(f"{base}/manage/people/import/")
    upload_csv(mobile, "bad.csv", bad)
    expect(mobile.get_by_role("region", name="Problems").locator("tbody tr")).to_have_count(3)
    assert_fits_phone(mobile)
    screenshot(mobile, "phone-import-errors")
    assert User.objects.count() == people_before

    good = csv_bytes(
        [
            ["E100", "nadia.nouveau@example.com", "Nadia Nouveau", "Head of Data", "Data",
             "London", "", "SQL;Python"],
            ["E101", "pablo.primo@example.com", "Pablo Primo", "Data Engineer", "Data",
             "Berlin", "E100", "Python"],
            ["E102", "quinn.quarry@example.com", "Quinn Quarry", "Data Analyst", "Data",
             "London", "E100", "SQL"],
            ["", "ada_admin@example.com", "Ada Admin", "Head of IT", "IT", "London", "", ""],
        ]
    )  # fmt: skip
    upload_csv(page, "people.csv", good)
    expect(page.get_by_role("heading", name="Preview of people.csv")).to_be_visible()
    to_create = page.get_by_role("region", name="People to create")
    expect(to_create.locator("tbody tr")).to_have_count(3)
    for name in ("Nadia Nouveau", "Pablo Primo", "Quinn Quarry"):
        expect(to_create.get_by_role("rowheader", name=name)).to_be_visible()
    to_update = page.get_by_role("region", name="People to update")
    expect(to_update.locator("tbody tr")).to_have_count(1)
    expect(to_update).to_contain_text("Head of IT")
    screenshot(page, "import-preview")
    assert User.objects.count() == people_before, "a preview writes nothing"

    page.get_by_role("button", name="Apply these changes").click()
    done = page.get_by_role("status", name="Import done")
    expect(done).to_contain_text("3 created")
    expect(done).to_contain_text("1 updated")
    screenshot(page, "import-done")
    assert User.objects.count() == people_before + 3
    assert User.objects.get(username="ada_admin").title == "Head of IT"

    page.goto(f"{base}/people/?department=Data")
    assert shown_names(page) == ["Nadia Nouveau", "Pablo Primo", "Quinn Quarry"]
    page.get_by_role("region", name="Results").get_by_role("link", name="Pablo Primo").click()
    team = page.get_by_role("region", name="Team")
    expect(team.get_by_role("link", name="Nadia Nouveau")).to_be_visible()
    screenshot(page, "imported-profile")
    watch.assert_clean()


# --- 6. The keyboard ------------------------------------------------------------------------------

FOCUS_STYLE = """el => {
  const style = getComputedStyle(el);
  return {style: style.outlineStyle, width: parseFloat(style.outlineWidth)};
}"""


# What has keyboard focus, and whether a sighted person can see it.
FOCUSED = """() => {
  const el = document.activeElement;
  const box = el.getBoundingClientRect();
  const style = getComputedStyle(el);
  return {
    element: `${el.tagName.toLowerCase()} ${el.getAttribute("aria-label") || el.textContent.trim()}`,
    visible: box.width > 0 && box.height > 0 && style.visibility !== "hidden",
  };
}"""


def assert_focus_visible(page: Page) -> None:
    outline = page.evaluate(f"({FOCUS_STYLE})(document.activeElement)")
    assert outline["style"] != "none", outline
    assert outline["width"] > 0, outline


def test_keyboard_skip_link_then_search(
    page: Page, live_server: LiveServer, world: World, screenshot: Screenshot, watch: Watch
) -> None:
    base = live_server.url
    sign_in(page, base, "olivia_owner")
    page.goto(f"{base}/people/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    assert_focus_visible(page)
    box = skip.bounding_box()
    assert box is not None
    assert box["x"] >= 0, "the skip link stays off screen"
    assert box["y"] >= 0, "the skip link stays off screen"
    screenshot(page, "skip-link")

    # Tabbing on without the skip link: every stop is visible (the top bar's search, hidden on
    # this page, is not one of them) and the directory's search box comes within a few stops.
    search = page.get_by_role("searchbox", name="Name or job title")
    stops = []
    for _ in range(12):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(FOCUSED))
        assert stops[-1]["visible"], stops
        assert_focus_visible(page)
        if search.evaluate("el => el === document.activeElement"):
            break
    else:
        raise AssertionError(f"Tab never reached the directory search: {stops}")

    page.reload()
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(search).to_be_focused()
    assert_focus_visible(page)
    page.keyboard.type("theo")
    expect(page.get_by_role("region", name="Results").locator(".person-card")).to_have_count(1)
    screenshot(page, "search-focused")
    watch.assert_clean()


# --- 7. Dark mode ---------------------------------------------------------------------------------


def relative_luminance(css_color: str) -> float:
    channels = [int(x) / 255 for x in re.findall(r"\d+", css_color)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


# The text colour of an element and the first opaque background behind it (a card or the page).
COLOURS = """el => {
  const color = getComputedStyle(el).color;
  for (let node = el; node; node = node.parentElement) {
    const background = getComputedStyle(node).backgroundColor;
    if (background !== "rgba(0, 0, 0, 0)" && background !== "transparent") return [color, background];
  }
  return [color, getComputedStyle(document.documentElement).backgroundColor];
}"""


def contrast(page: Page, selector: str) -> float:
    """WCAG contrast ratio of the first match's text against what is behind it."""
    fg, bg = page.eval_on_selector(selector, COLOURS)
    lighter, darker = sorted((relative_luminance(fg), relative_luminance(bg)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_dark_mode_home_and_profile(
    page: Page,
    phone: BrowserContext,
    live_server: LiveServer,
    world: World,
    screenshot: Screenshot,
    watch: Watch,
) -> None:
    base = live_server.url
    page.emulate_media(color_scheme="dark")
    sign_in(page, base, "olivia_owner")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert relative_luminance(background) < 0.05, f"home is not dark: {background}"
    assert contrast(page, "h1") >= 7
    assert contrast(page, ".sidenav a:not([aria-current])") >= 4.5
    screenshot(page, "home-dark")
    page.goto(f"{base}/people/theo_teammate/")
    assert contrast(page, ".profile-head .muted") >= 4.5
    assert contrast(page, ".facts dt") >= 4.5
    screenshot(page, "profile-dark")
    page.goto(f"{base}/people/")
    screenshot(page, "directory-dark")

    watch.attach(phone)
    mobile = phone.new_page()
    mobile.emulate_media(color_scheme="dark")
    sign_in(mobile, base, "theo_teammate")
    assert (
        relative_luminance(mobile.evaluate("getComputedStyle(document.body).backgroundColor"))
        < 0.05
    )
    screenshot(mobile, "phone-home-dark")
    mobile.goto(f"{base}/people/olivia_owner/")
    assert_fits_phone(mobile)
    screenshot(mobile, "phone-profile-dark")
    watch.assert_clean()


# --- 8. The watch itself ----------------------------------------------------------------------------


def test_the_watch_catches_a_csp_violation_and_a_console_error(
    page: Page, live_server: LiveServer, world: World, watch: Watch
) -> None:
    """Without this, a journey that reports nothing might just be a watch that sees nothing."""
    sign_in(page, live_server.url, "olivia_owner")
    page.evaluate("""() => {
      const img = document.createElement("img");
      img.src = "https://example.invalid/tracker.png";
      document.body.append(img);
      console.error("something broke");
    }""")
    for _ in range(40):  # the reports arrive through the browser's event loop
        if watch.csp_violations and watch.console_errors:
            break
        page.wait_for_timeout(25)
    assert any("img-src" in v for v in watch.csp_violations), watch.csp_violations
    assert any("something broke" in e for e in watch.console_errors), watch.console_errors
