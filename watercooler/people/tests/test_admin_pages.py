"""The Manage people pages: who gets in, adding, deactivating, access codes, import, settings."""

import re
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks, Settings

from watercooler.core.models import SiteSettings
from watercooler.people import queries
from watercooler.people.actions import do_create_api_token, do_issue_access_code, redeem_access_code
from watercooler.people.models import Invitation, Role, User
from watercooler.people.tests.test_import import EXAMPLE, db_state, give_employee_ids
from watercooler.testing.fixtures import ClientAs, Mailbox
from watercooler.testing.world import PASSWORD, World, make_person


@pytest.fixture(autouse=True)
def media(tmp_path: Path, settings: Settings) -> Path:
    """Uploads kept between preview and apply go to a temporary folder, not var/media."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def committing(django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks) -> Any:
    """``committing(client.post, url, data)``: the request, then what it left for after commit
    (emails are sent on commit, which the test's own transaction never reaches)."""

    def call(method: Any, *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return method(*args, **kwargs)

    return call


def pages(world: World) -> list[str]:
    return [
        reverse("people:admin_people"),
        reverse("people:admin_create_person"),
        reverse("people:admin_import"),
        reverse("people:admin_person", args=[world.owner.username]),
        reverse("people:admin_site_settings"),
    ]


def upload(data: bytes, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def token_in(response: Any) -> str:
    match = re.search(r'name="upload" value="([^"]+)"', response.content.decode())
    assert match, "no Apply button on the page"
    return match.group(1)


# --- Who gets in -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["owner", "outsider", "guest", "teammate"])
def test_every_page_is_forbidden_to_non_administrators(
    world: World, client_as: ClientAs, who: str
) -> None:
    client = client_as(getattr(world, who))
    for url in pages(world):
        assert client.get(url).status_code == 403, url
    for url in pages(world)[1:]:  # the list is read-only (GET); every other page takes a POST
        assert client.post(url, {"action": "deactivate"}).status_code == 403, url
    world.owner.refresh_from_db()
    assert world.owner.is_active


def test_anonymous_visitors_are_sent_to_sign_in(world: World) -> None:
    client = Client()
    for url in pages(world):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_a_deactivated_administrator_is_forbidden(world: World, client_as: ClientAs) -> None:
    client = client_as(world.admin)
    world.admin.is_active = False
    world.admin.save()
    # The session no longer authenticates an inactive user: they are sent to sign in.
    assert client.get(reverse("people:admin_people")).status_code in (302, 403)


def test_changes_need_the_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.admin)
    url = reverse("people:admin_person", args=[world.owner.username])
    assert client.post(url, {"action": "deactivate"}).status_code == 403
    world.owner.refresh_from_db()
    assert world.owner.is_active


# --- Everyone --------------------------------------------------------------------------------------


def test_the_list_shows_everyone_with_filters(world: World, client_as: ClientAs) -> None:
    world.outsider.is_active = False
    world.outsider.save()
    client = client_as(world.admin)
    url = reverse("people:admin_people")
    page = client.get(url).content.decode()
    assert "Olivia Owner" in page
    assert "Oscar Outsider" not in page
    assert reverse("people:admin_person", args=["olivia_owner"]) in page
    assert "Add person" in page
    assert "Import from CSV" in page
    deactivated = client.get(url, {"status": "deactivated"}).content.decode()
    assert "Oscar Outsider" in deactivated
    assert "Olivia Owner" not in deactivated
    everyone = client.get(url, {"status": "all"}).content.decode()
    assert "Oscar Outsider" in everyone
    assert "Gwen Guest" in everyone
    found = client.get(url, {"status": "all", "q": "osc"}).content.decode()
    assert "Oscar Outsider" in found
    assert "Olivia Owner" not in found
    assert client.get(url, {"cursor": "garbage!"}).status_code == 400


def test_paging_through_everyone_visits_each_person_once(
    world: World, client_as: ClientAs, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for i in range(70):
        make_person(f"p{i:02d}", is_active=i % 3 != 0)
    client = client_as(world.admin)
    seen: list[str] = []
    cursor = None
    for _ in range(10):
        with django_assert_max_num_queries(12):
            response = client.get(
                reverse("people:admin_people"),
                {"status": "all", **({"cursor": cursor} if cursor else {})},
            )
        assert response.status_code == 200
        seen += re.findall(
            r'class="adm-person" href="/manage/people/([^/"]+)/"', response.content.decode()
        )
        match = re.search(r"cursor=([^\"&]+)", response.content.decode())
        if not match:
            break
        cursor = match.group(1).replace("%3A", ":")
    assert sorted(seen) == sorted(User.objects.values_list("username", flat=True))
    assert len(seen) == len(set(seen))


def test_the_page_query_pages_each_status(world: World) -> None:
    for i in range(5):
        make_person(f"z{i}", is_active=False)
    first = queries.admin_people_page(world.admin, status="all", limit=4)
    assert [p.username for p in first.items] == [
        "ada_admin",
        "gwen_guest",
        "olivia_owner",
        "oscar_outsider",
    ]
    second = queries.admin_people_page(world.admin, status="all", cursor=first.next_cursor, limit=4)
    assert [p.username for p in second.items] == ["theo_teammate", "z0", "z1", "z2"]
    third = queries.admin_people_page(world.admin, status="all", cursor=second.next_cursor, limit=4)
    assert [p.username for p in third.items] == ["z3", "z4"]
    assert third.next_cursor is None


# --- Adding a person -------------------------------------------------------------------------------


def test_adding_a_person_with_an_invitation_over_smtp(
    world: World, client_as: ClientAs, smtp_server: Mailbox, committing: Any
) -> None:
    client = client_as(world.admin)
    form = client.get(reverse("people:admin_create_person")).content.decode()
    assert '<option value="London">London</option>' in form
    response = committing(
        client.post,
        reverse("people:admin_create_person"),
        {
            "username": "nina_new",
            "display_name": "Nina New",
            "email": "nina@example.com",
            "title": "Designer",
            "department": "Design",
            "location": "Berlin",
            "manager": "olivia_owner",
            "role": "member",
            "invite": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("people:admin_person", args=["nina_new"])
    nina = User.objects.get(username="nina_new")
    assert (nina.display_name, nina.title, nina.manager) == ("Nina New", "Designer", world.owner)
    assert nina.department is not None
    assert nina.department.name == "Design"
    assert nina.location == world.berlin
    assert not nina.has_usable_password()
    assert Invitation.objects.filter(user=nina, invited_by=world.admin).count() == 1
    [message] = smtp_server.to("nina@example.com")
    body = smtp_server.body(message)
    assert re.search(r"https?://\S+/accounts/invitation/[\w-]+/", body)
    assert "nina_new" in body


def test_adding_a_person_without_an_invitation(
    world: World, client_as: ClientAs, smtp_server: Mailbox, committing: Any
) -> None:
    response = committing(
        client_as(world.admin).post,
        reverse("people:admin_create_person"),
        {"username": "frontline", "display_name": "Front Line", "role": "member"},
        follow=True,
    )
    assert response.status_code == 200
    assert "They cannot sign in yet" in response.content.decode()
    assert User.objects.filter(username="frontline").exists()
    assert smtp_server.messages == []


def test_adding_a_person_reports_field_errors(world: World, client_as: ClientAs) -> None:
    client = client_as(world.admin)
    before = db_state()
    response = client.post(
        reverse("people:admin_create_person"),
        {
            "username": "olivia_owner",
            "display_name": "",
            "email": "nope",
            "manager": "nobody",
            "role": "member",
            "invite": "on",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "This username is taken." in page
    assert "This field is required." in page
    assert "Enter a valid email address." in page
    assert "No active person has the username" in page
    assert db_state() == before


def test_an_invitation_needs_an_email(world: World, client_as: ClientAs) -> None:
    response = client_as(world.admin).post(
        reverse("people:admin_create_person"),
        {"username": "nomail", "display_name": "No Mail", "role": "member", "invite": "on"},
    )
    assert response.status_code == 400
    assert "An invitation needs an email address" in response.content.decode()
    assert not User.objects.filter(username="nomail").exists()


# --- One person ------------------------------------------------------------------------------------


def test_deactivating_removes_from_the_directory_and_blocks_sign_in(
    world: World, client_as: ClientAs
) -> None:
    url = reverse("people:admin_person", args=[world.outsider.username])
    assert Client().login(username="oscar_outsider", password=PASSWORD)
    response = client_as(world.admin).post(url, {"action": "deactivate"})
    assert response.status_code == 302
    world.outsider.refresh_from_db()
    assert not world.outsider.is_active
    directory = queries.directory_page(world.owner, queries.DirectoryFilter(), cursor=None)
    assert world.outsider not in directory.items
    assert world.owner in directory.items
    assert not Client().login(username="oscar_outsider", password=PASSWORD)
    page = client_as(world.admin).get(url).content.decode()
    assert "Deactivated" in page
    assert "Reactivate Oscar Outsider" in page

    client_as(world.admin).post(url, {"action": "reactivate"})
    world.outsider.refresh_from_db()
    assert world.outsider.is_active
    assert Client().login(username="oscar_outsider", password=PASSWORD)


def test_an_administrator_cannot_deactivate_themselves(world: World, client_as: ClientAs) -> None:
    response = client_as(world.admin).post(
        reverse("people:admin_person", args=[world.admin.username]), {"action": "deactivate"}
    )
    assert response.status_code == 400
    assert "You cannot deactivate yourself." in response.content.decode()
    world.admin.refresh_from_db()
    assert world.admin.is_active


def test_issuing_an_access_code_shows_it_once(world: World, client_as: ClientAs) -> None:
    client = client_as(world.admin)
    url = reverse("people:admin_person", args=[world.outsider.username])
    response = client.post(url, {"action": "access_code"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    match = re.search(r'class="adm-code-value"[^>]*>([A-Z0-9-]+)<', page)
    assert match
    code = match.group(1)
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    assert "/accounts/access-code/" in page
    assert "It works once and until" in page
    # Shown once: the page does not show it again, and only its hash is stored.
    again = client.get(url).content.decode()
    assert code not in again
    assert world.outsider.access_codes.get().code_hash != code
    assert redeem_access_code(username="oscar_outsider", code=code.lower()) == world.outsider


def test_an_access_code_for_a_deactivated_person_is_refused(
    world: World, client_as: ClientAs
) -> None:
    world.outsider.is_active = False
    world.outsider.save()
    response = client_as(world.admin).post(
        reverse("people:admin_person", args=[world.outsider.username]), {"action": "access_code"}
    )
    assert response.status_code == 400
    assert "This person is deactivated." in response.content.decode()


def test_sending_an_invitation(
    world: World, client_as: ClientAs, smtp_server: Mailbox, committing: Any
) -> None:
    response = committing(
        client_as(world.admin).post,
        reverse("people:admin_person", args=[world.outsider.username]),
        {"action": "invite"},
        follow=True,
    )
    assert "An invitation is on its way to oscar_outsider@example.com." in response.content.decode()
    assert len(smtp_server.to("oscar_outsider@example.com")) == 1


def test_changing_a_role(world: World, client_as: ClientAs) -> None:
    client = client_as(world.admin)
    url = reverse("people:admin_person", args=[world.owner.username])
    assert client.post(url, {"action": "role", "role": "comms"}).status_code == 302
    world.owner.refresh_from_db()
    assert world.owner.role == Role.COMMS
    bad = client.post(url, {"action": "role", "role": "emperor"})
    assert bad.status_code == 400
    assert "Must be one of" in bad.content.decode()
    mine = client.post(
        reverse("people:admin_person", args=[world.admin.username]),
        {"action": "role", "role": "member"},
    )
    assert mine.status_code == 400
    assert "You cannot remove your own administrator role" in mine.content.decode()
    world.admin.refresh_from_db()
    assert world.admin.role == Role.ADMIN


def test_an_unknown_person_or_action(world: World, client_as: ClientAs) -> None:
    client = client_as(world.admin)
    assert client.get(reverse("people:admin_person", args=["nobody"])).status_code == 404
    assert client.get("/manage/people/olivia%00owner/").status_code == 404
    url = reverse("people:admin_person", args=[world.owner.username])
    assert client.post(url, {"action": "explode"}).status_code == 400
    assert client.post(url, {"action": "role", "role": "admin\x00"}).status_code == 400


@pytest.mark.parametrize("params", [{"q": "olivia\x00"}, {"status": "all", "cursor": "a:\x00"}])
def test_a_nul_character_in_the_list_link_is_a_400(
    world: World, client_as: ClientAs, params: dict[str, str]
) -> None:
    response = client_as(world.admin).get(reverse("people:admin_people"), params)
    assert response.status_code == 400
    assert "That page link is not valid any more." in response.content.decode()
    # Non-administrators learn nothing about the input: the page is closed to them.
    response = client_as(world.owner).get(reverse("people:admin_people"), params)
    assert response.status_code == 403


@pytest.mark.parametrize("action", ["access_code", "invite", "deactivate"])
def test_an_administrator_cannot_take_over_a_superuser(
    world: World, client_as: ClientAs, superuser: User, action: str
) -> None:
    # An access code, an invitation or deactivation would let an administrator sign in as the
    # superuser (or lock them out), and so gain the Django admin.
    client = client_as(world.admin)
    url = reverse("people:admin_person", args=[superuser.username])
    page = client.get(url).content.decode()
    assert "only another superuser can send them an invitation" in page
    assert 'value="access_code"' not in page
    assert 'value="deactivate"' not in page
    assert client.post(url, {"action": action}).status_code == 403
    superuser.refresh_from_db()
    assert superuser.is_active
    assert superuser.has_usable_password()
    assert not superuser.access_codes.exists()
    assert not superuser.invitations.exists()


def test_a_superuser_manages_another_superuser(
    world: World, client_as: ClientAs, superuser: User
) -> None:
    other = make_person("root2", is_superuser=True)
    url = reverse("people:admin_person", args=[other.username])
    response = client_as(superuser).post(url, {"action": "access_code"})
    assert response.status_code == 200
    assert other.access_codes.count() == 1


# --- Import ----------------------------------------------------------------------------------------


def test_import_preview_then_apply(world: World, client_as: ClientAs, media: Path) -> None:
    client = client_as(world.admin)
    url = reverse("people:admin_import")
    assert "Preview changes" in client.get(url).content.decode()
    before = db_state()
    preview = client.post(url, {"file": upload(EXAMPLE.read_bytes())})
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "5</strong> to create" in page
    assert "María García" in page
    assert "Apply these changes" in page
    assert db_state() == before  # a preview writes nothing
    assert len(list((media / "imports").iterdir())) == 1

    result = client.post(url, {"upload": token_in(preview)})
    assert result.status_code == 200
    assert "Import done" in result.content.decode()
    assert User.objects.filter(employee_id__startswith="E100").count() == 5
    assert list((media / "imports").iterdir()) == []  # forgotten after applying
    # The same token cannot be applied twice.
    again = client.post(url, {"upload": token_in(preview)})
    assert again.status_code == 400
    assert "This upload has expired" in again.content.decode()


def test_import_shows_updates_and_deactivations(world: World, client_as: ClientAs) -> None:
    give_employee_ids(world)
    data = (
        b"employee_id,display_name,title\nE1,Olivia Owner,CTO\nE2,Theo Teammate,Software Engineer\n"
    )
    preview = client_as(world.admin).post(
        reverse("people:admin_import"), {"file": upload(data), "deactivate_missing": "on"}
    )
    page = preview.content.decode()
    assert preview.status_code == 200
    assert "<del>Engineering Manager</del>" in page
    assert "<ins>CTO</ins>" in page
    assert "To deactivate" in page
    assert "@oscar_outsider" in page
    assert "1</strong> unchanged" in page
    client_as(world.admin).post(reverse("people:admin_import"), {"upload": token_in(preview)})
    world.outsider.refresh_from_db()
    world.admin.refresh_from_db()
    assert not world.outsider.is_active
    assert world.admin.is_active


def test_a_bad_file_shows_every_error_and_changes_nothing(
    world: World, client_as: ClientAs
) -> None:
    client = client_as(world.admin)
    before = db_state()
    data = (
        b"employee_id,email,display_name,timezone,location\n"
        b"N1,ok@example.com,Fine,,\n"
        b"N2,broken,Bad Email,,\n"
        b"N3,n3@example.com,Bad Zone,Mars/Olympus,Olympus\n"
    )
    response = client.post(reverse("people:admin_import"), {"file": upload(data)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "2 problems found: nothing was changed" in page
    assert re.search(
        r"<td>3</td><td><code>email</code></td><td>Enter a valid email address.</td>", page
    )
    assert re.search(r"<td>4</td><td><code>timezone</code></td>", page)
    assert 'name="upload"' not in page
    assert db_state() == before
    assert not default_storage.exists("imports")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The submitted file is empty."),
        (b"\r\n\r\n", "The file is empty."),
        (b"\x00\x01\x02binary\xff", "This is not a CSV file"),
        (b"name,mail\nA,a@b.c\n", "The header row must name the columns"),
    ],
)
def test_unusable_files(world: World, client_as: ClientAs, data: bytes, message: str) -> None:
    response = client_as(world.admin).post(reverse("people:admin_import"), {"file": upload(data)})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_file_over_the_limit(world: World, client_as: ClientAs, settings: Settings) -> None:
    settings.IMPORT_MAX_BYTES = 1024
    data = b"employee_id,display_name\n" + b"".join(b"N%d,Person\n" % i for i in range(300))
    response = client_as(world.admin).post(reverse("people:admin_import"), {"file": upload(data)})
    assert response.status_code == 400
    assert "The file is larger than" in response.content.decode()


def test_no_file_chosen(world: World, client_as: ClientAs) -> None:
    response = client_as(world.admin).post(reverse("people:admin_import"), {})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_an_upload_is_bound_to_the_administrator_who_previewed_it(
    world: World, client_as: ClientAs
) -> None:
    other_admin = make_person("second_admin", role=Role.ADMIN)
    preview = client_as(world.admin).post(
        reverse("people:admin_import"), {"file": upload(EXAMPLE.read_bytes())}
    )
    token = token_in(preview)
    for bad in (token, token[:-2] + "xx", "imports/../../settings"):
        response = client_as(other_admin).post(reverse("people:admin_import"), {"upload": bad})
        assert response.status_code == 400
        assert "This upload has expired" in response.content.decode()
    assert not User.objects.filter(employee_id="E1001").exists()


def test_apply_respects_changes_made_after_the_preview(world: World, client_as: ClientAs) -> None:
    client = client_as(world.admin)
    preview = client.post(reverse("people:admin_import"), {"file": upload(EXAMPLE.read_bytes())})
    make_person("maria")  # takes the username the file gives E1001
    before = db_state()
    response = client.post(reverse("people:admin_import"), {"upload": token_in(preview)})
    assert response.status_code == 400
    assert "This username is taken." in response.content.decode()
    assert db_state() == before


# --- Site settings -----------------------------------------------------------------------------------


def test_requiring_two_factor_authentication(world: World, client_as: ClientAs) -> None:
    Authenticator.objects.create(user=world.admin, type=Authenticator.Type.TOTP, data={})
    client = client_as(world.admin)
    url = reverse("people:admin_site_settings")
    page = client.get(url).content.decode()
    assert "Require two-factor authentication for everyone" in page
    response = client.post(url, {"require_mfa": "on"})
    assert response.status_code == 302
    assert SiteSettings.load().require_mfa
    # From now on, people without an authenticator are sent to set one up.
    assert client_as(world.owner).get(reverse("people:directory")).status_code == 302
    assert client.post(url, {}).status_code == 302
    assert not SiteSettings.load().require_mfa
    assert client_as(world.owner).get(reverse("people:directory")).status_code == 200


# --- The Django admin ----------------------------------------------------------------------------


@pytest.fixture
def superuser() -> User:
    return make_person("root", is_superuser=True, is_staff=True)


@pytest.mark.parametrize("who", ["outsider", "guest", "admin"])
def test_the_django_admin_is_closed_to_everyone_but_staff(
    world: World, client_as: ClientAs, who: str
) -> None:
    # The administrator role is for the Manage people pages; the Django admin needs is_staff.
    client = client_as(getattr(world, who))
    for url in ("/admin/", "/admin/people/user/", f"/admin/people/user/{world.owner.pk}/change/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/")


def test_the_django_admin_lists_every_model(
    world: World, client_as: ClientAs, superuser: User
) -> None:
    client = client_as(superuser)
    for model in (
        "people/user",
        "people/department",
        "people/location",
        "people/skill",
        "people/accesscode",
        "people/apitoken",
        "people/invitation",
        "core/sitesettings",
    ):
        assert client.get(f"/admin/{model}/").status_code == 200, model
    assert client.get(f"/admin/people/user/{world.owner.pk}/change/").status_code == 200


def test_the_django_admin_shows_only_the_hash_of_an_access_code(
    world: World, client_as: ClientAs, superuser: User
) -> None:
    row, code = do_issue_access_code(actor=world.admin, person=world.outsider)
    client = client_as(superuser)
    page = client.get(f"/admin/people/accesscode/{row.pk}/change/").content.decode()
    assert row.code_hash in page
    assert code not in page
    assert code.replace("-", "") not in page
    assert client.get("/admin/people/accesscode/add/").status_code == 403
    response = client.post(f"/admin/people/accesscode/{row.pk}/change/", {"used_at": ""})
    assert response.status_code == 403


def test_the_django_admin_refuses_a_javascript_link(
    world: World, client_as: ClientAs, superuser: User
) -> None:
    client = client_as(superuser)
    url = f"/admin/people/user/{world.outsider.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("password", "last_login", "date_joined")
    }
    data.update(
        {
            "skills": [s.pk for s in world.outsider.skills.all()],
            "groups": [],
            "user_permissions": [],
            "languages": "[]",
            "links": '[{"label": "Me", "url": "javascript:alert(document.cookie)"}]',
            "department": world.sales.pk,
            "location": world.berlin.pk,
            "manager": "",
            "start_date": "",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "links" in response.context["adminform"].form.errors
    world.outsider.refresh_from_db()
    assert world.outsider.links == []


def test_deactivating_in_the_django_admin_goes_through_the_action(
    world: World, client_as: ClientAs, superuser: User
) -> None:
    do_create_api_token(user=world.outsider, name="laptop")
    client = client_as(superuser)
    url = f"/admin/people/user/{world.outsider.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and name not in ("password", "last_login", "date_joined")
    }
    data.update(
        {
            "skills": [s.pk for s in world.outsider.skills.all()],
            "groups": [],
            "user_permissions": [],
            "languages": "[]",
            "links": "[]",
            "department": world.sales.pk,
            "location": world.berlin.pk,
            "manager": "",
            "start_date": "",
        }
    )
    data.pop("is_active", None)  # unchecked: deactivate
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    world.outsider.refresh_from_db()
    assert not world.outsider.is_active
    assert not world.outsider.api_tokens.exists()  # do_set_active's clean-up ran
