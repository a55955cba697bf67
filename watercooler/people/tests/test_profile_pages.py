"""Profile pages, the profile editor (fields and photo) and the org chart."""

import datetime as dt
import io
import re
import struct
from html import unescape
from pathlib import Path
from zlib import crc32

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks, Settings

from watercooler.people.models import Role, User
from watercooler.testing.fixtures import ClientAs
from watercooler.testing.world import World, make_person


def profile_url(person: User) -> str:
    return reverse("people:profile", args=[person.username])


def edit_url(person: User) -> str:
    return reverse("people:edit_profile", args=[person.username])


def org_url(person: User) -> str:
    return reverse("people:org_chart", args=[person.username])


def form_data(person: User, **changes: str) -> dict[str, str]:
    """What the editor posts for ``person`` when nothing is changed, plus ``changes``."""
    data = {
        "action": "profile",
        "display_name": person.display_name,
        "pronouns": person.pronouns,
        "title": person.title,
        "phone": person.phone,
        "bio": person.bio,
        "location": person.location.name if person.location else "",
        "skills": ", ".join(s.name for s in person.skills.all()),
        "languages": ", ".join(person.languages),
    }
    for i in range(5):
        data[f"link-{i}-label"] = ""
        data[f"link-{i}-url"] = ""
    data.update(changes)
    return data


def png_bytes(size: tuple[int, int] = (800, 600)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


# --- Viewing a profile -------------------------------------------------------------------------


def test_profile_shows_the_person(world: World, client_as: ClientAs) -> None:
    owner = world.owner
    owner.pronouns = "she/her"
    owner.phone = "+44 20 7946 0000"
    owner.bio = "Line one <b>bold?</b>\nLine two"
    owner.languages = ["English", "French"]
    owner.start_date = dt.date(2021, 3, 15)
    owner.links = [{"label": "Blog", "url": "https://example.com/blog"}]
    owner.save()
    response = client_as(world.outsider).get(profile_url(owner))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Olivia Owner" in html
    assert "(she/her)" in html
    assert "Engineering Manager" in html
    assert "local time" in html
    assert "1 h behind you" in html  # London seen from Berlin
    assert 'href="mailto:olivia_owner@example.com"' in html
    assert 'href="tel:+442079460000"' in html
    assert "Line one &lt;b&gt;bold?&lt;/b&gt;<br>Line two" in html
    assert f'href="{reverse("people:directory")}?skill=Kubernetes"' in html
    assert "French" in html
    assert "Joined" in html
    assert "March 2021" in html
    assert '<a href="https://example.com/blog" rel="noopener nofollow">Blog</a>' in html
    assert f'href="{profile_url(world.admin)}"' in html  # the manager
    assert "1 person" in html  # one direct report
    assert f'href="{org_url(owner)}"' in html
    main = html.split('id="main"')[1]
    assert edit_url(owner) not in main
    assert "Manage</a>" not in main


def test_only_http_links_become_links(world: World, client_as: ClientAs) -> None:
    User.objects.filter(pk=world.owner.pk).update(
        links=[
            {"label": "Bad", "url": "javascript:alert(1)"},
            {"label": "Ok", "url": "http://a.example"},
        ]
    )
    html = client_as(world.teammate).get(profile_url(world.owner)).content.decode()
    assert "javascript:" not in html
    assert 'href="http://a.example"' in html


def test_the_edit_button_shows_to_the_person_and_administrators(
    world: World, client_as: ClientAs
) -> None:
    own = client_as(world.owner).get(profile_url(world.owner)).content.decode()
    assert f'href="{edit_url(world.owner)}">Edit profile' in own
    assert "Manage</a>" not in own
    admin = client_as(world.admin).get(profile_url(world.owner)).content.decode()
    assert f'href="{edit_url(world.owner)}">Edit profile' in admin
    assert f'href="{reverse("people:admin_person", args=["olivia_owner"])}">Manage' in admin


def test_unknown_and_deactivated_people_are_404(world: World, client_as: ClientAs) -> None:
    client = client_as(world.owner)
    assert client.get("/people/nobody/").status_code == 404
    world.outsider.is_active = False
    world.outsider.save()
    for url in (profile_url(world.outsider), edit_url(world.outsider), org_url(world.outsider)):
        assert client.get(url).status_code == 404
        assert client_as(world.admin).get(url).status_code == 404


def test_guests_see_only_themselves(world: World, client_as: ClientAs) -> None:
    client = client_as(world.guest)
    assert client.get(profile_url(world.owner)).status_code == 404
    assert client.get(org_url(world.owner)).status_code == 404
    assert client.get(edit_url(world.owner)).status_code == 404
    own = client.get(profile_url(world.guest))
    assert own.status_code == 200
    main = own.content.decode().split('id="main"')[1]
    assert not re.search(r'href="/people/[?"]', main)  # no links into the directory
    assert org_url(world.guest) not in main
    assert client.get(edit_url(world.guest)).status_code == 200
    assert client.get(org_url(world.guest)).status_code == 403


@pytest.mark.parametrize("count", [10, 50])
def test_profile_and_org_chart_query_counts_do_not_grow(
    world: World,
    client_as: ClientAs,
    django_assert_max_num_queries: DjangoAssertNumQueries,
    count: int,
) -> None:
    for i in range(count):
        make_person(f"report_{i:02d}", manager=world.owner, skills=["Python", f"Skill {i}"])
        make_person(f"peer_{i:02d}", manager=world.admin)
    world.owner.skills.add(*world.teammate.skills.all())
    client = client_as(world.teammate)
    client.get(profile_url(world.owner))
    # 7 for the profile itself, +1 for the notifications badge (unread COUNT) and +3 for the
    # follow button and counts (followers COUNT, following COUNT, does the viewer follow), +3
    # for what they wrote and their communities (no posts here: one query each), +1 for the
    # thanks they received (none: no count), +1 for the Messages badge (unread SUM), +2 for
    # presence (hidden? heartbeats) and +2 for the Message and Block buttons (blocked either
    # way): fixed costs, the same for 10 or 50 reports.
    with django_assert_max_num_queries(7 + 1 + 3 + 3 + 1 + 1 + 2 + 2):
        response = client.get(profile_url(world.owner))
    assert f"{count + 1} people" in response.content.decode()
    with django_assert_max_num_queries(10):
        response = client.get(org_url(world.owner))
    assert response.content.decode().count('class="org-card"') == 1 + 2 * count + 1
    editor = client_as(world.owner)
    editor.get(edit_url(world.owner))
    with django_assert_max_num_queries(9):
        assert editor.get(edit_url(world.owner)).status_code == 200


# --- Editing a profile -------------------------------------------------------------------------


def test_outsiders_cannot_open_or_post_someone_elses_editor(
    world: World, client_as: ClientAs
) -> None:
    client = client_as(world.outsider)
    assert client.get(edit_url(world.owner)).status_code == 403
    response = client.post(edit_url(world.owner), form_data(world.owner, display_name="Hacked"))
    assert response.status_code == 403
    upload = SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")
    response = client.post(edit_url(world.owner), {"action": "upload_photo", "photo": upload})
    assert response.status_code == 403
    assert client.post(edit_url(world.owner), {"action": "remove_photo"}).status_code == 403
    world.owner.refresh_from_db()
    assert world.owner.display_name == "Olivia Owner"
    assert not world.owner.photo


def test_editor_shows_own_fields_only(world: World, client_as: ClientAs) -> None:
    html = client_as(world.owner).get(edit_url(world.owner)).content.decode()
    for name in (
        "display_name",
        "pronouns",
        "title",
        "phone",
        "bio",
        "skills",
        "languages",
        "location",
    ):
        assert f'name="{name}"' in html
    assert 'value="Kubernetes, Python"' in html or 'value="Python, Kubernetes"' in html
    for name in ("department", "manager", "employee_id", "start_date", "email", "role"):
        assert f'name="{name}"' not in html
    assert 'name="link-4-url"' in html
    assert 'for="id_bio"' in html
    assert 'id="id_bio"' in html


def test_person_saves_their_profile(world: World, client_as: ClientAs) -> None:
    data = form_data(
        world.owner,
        display_name="Olivia O.",
        pronouns="she/her",
        bio="Hello\nthere",
        skills="Python, Go,  go , Leadership",
        languages="English, Spanish",
        location="Berlin",
        department="Sales",  # not hers to change: ignored
    )
    data["link-0-label"] = "Site"
    data["link-0-url"] = "https://olivia.example"
    data["link-2-url"] = "https://second.example"
    client = client_as(world.owner)
    response = client.post(edit_url(world.owner), data)
    assert response.status_code == 302
    assert response["Location"] == profile_url(world.owner)
    owner = User.objects.get(pk=world.owner.pk)
    assert owner.display_name == "Olivia O."
    assert owner.bio == "Hello\nthere"
    assert sorted(s.name for s in owner.skills.all()) == ["Go", "Leadership", "Python"]
    assert owner.languages == ["English", "Spanish"]
    assert owner.location == world.berlin
    assert owner.department == world.engineering
    assert owner.links == [
        {"label": "Site", "url": "https://olivia.example"},
        {"label": "https://second.example", "url": "https://second.example"},
    ]
    page = client.get(response["Location"]).content.decode()
    assert "Your profile is saved." in page


def test_administrator_edits_anyone_including_work_fields(
    world: World, client_as: ClientAs
) -> None:
    client = client_as(world.admin)
    html = client.get(edit_url(world.teammate)).content.decode()
    assert 'name="department"' in html
    assert 'list="id_department-options"' in html
    assert '<option value="Engineering"></option>' in html
    assert 'name="manager" value="olivia_owner"' in html
    data = form_data(
        world.teammate,
        department="Platform",
        manager="oscar_outsider",
        employee_id="E-42",
        start_date="2022-05-01",
        email="theo@example.org",
        role=Role.COMMS,
    )
    response = client.post(edit_url(world.teammate), data)
    assert response.status_code == 302
    theo = User.objects.get(pk=world.teammate.pk)
    assert theo.department is not None
    assert theo.department.name == "Platform"
    assert theo.manager == world.outsider
    assert theo.employee_id == "E-42"
    assert theo.start_date == dt.date(2022, 5, 1)
    assert theo.email == "theo@example.org"
    assert theo.role == Role.COMMS


@pytest.mark.parametrize(
    ("who", "changes", "field", "message"),
    [
        ("owner", {"bio": "x" * 2001}, "bio", "At most 2000 characters (got 2001)."),
        ("owner", {"link-1-url": "not a url"}, "links", "Enter a valid URL."),
        ("owner", {"display_name": "  "}, "display_name", "This field is required."),
        (
            "admin",
            {"manager": "theo_teammate"},
            "manager",
            "That would make a loop in the reporting line.",
        ),
        ("admin", {"start_date": "31/12/2020"}, "start_date", "Must be a date like 2024-03-31."),
    ],
)
def test_bad_input_is_a_400_that_keeps_the_typing_and_saves_nothing(
    world: World, client_as: ClientAs, who: str, changes: dict[str, str], field: str, message: str
) -> None:
    actor = world.owner if who == "owner" else world.admin
    data = form_data(world.owner, title="A new title typed here", **changes)
    if who == "admin":
        data.update(
            department="Engineering",
            manager=changes.get("manager", "ada_admin"),
            employee_id="",
            start_date=changes.get("start_date", ""),
            email="olivia_owner@example.com",
            role="member",
        )
    response = client_as(actor).post(edit_url(world.owner), data)
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert message in html
    assert "Nothing was saved" in html
    assert 'value="A new title typed here"' in html  # what was typed stays
    error_id = "links-error" if field == "links" else f"id_{field}-error"
    assert f'id="{error_id}"' in html
    owner = User.objects.get(pk=world.owner.pk)
    assert owner.title == "Engineering Manager"
    assert owner.manager == world.admin


def test_long_bio_error_sits_next_to_the_bio(world: World, client_as: ClientAs) -> None:
    response = client_as(world.owner).post(
        edit_url(world.owner), form_data(world.owner, bio="y" * 2001)
    )
    html = response.content.decode()
    bio_block = html.split('for="id_bio"')[1].split("</div>")[0]
    assert 'aria-invalid="true"' in bio_block
    assert "At most 2000 characters" in bio_block


def admin_form_data(person: User, **changes: str) -> dict[str, str]:
    """What the editor posts when an administrator saves ``person`` unchanged, plus ``changes``."""
    data = form_data(
        person,
        department=person.department.name if person.department else "",
        manager=person.manager.username if person.manager else "",
        employee_id=person.employee_id or "",
        start_date="",
        email=person.email,
        role=person.role,
    )
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("display_name", "Olivia\x00Owner"),
        ("pronouns", "she\x00her"),
        ("title", "Lead\x00"),
        ("phone", "+44\x00"),
        ("bio", "Hello\x00"),
        ("skills", "Python, Go\x00"),
        ("languages", "English\x00"),
        ("location", "London\x00"),
        ("department", "Engineering\x00"),
        ("manager", "ada_admin\x00"),
        ("employee_id", "E\x001"),
        ("email", "olivia\x00@example.com"),
        ("start_date", "2024-01-01\x00"),
        ("role", "member\x00"),
        ("link-0-label", "Blog\x00"),
        ("link-0-url", "https://example.com/\x00"),
    ],
)
def test_a_nul_character_in_any_field_is_a_400_that_saves_nothing(
    world: World, client_as: ClientAs, field: str, value: str
) -> None:
    # PostgreSQL refuses NUL in text and JSON: it must be bad input, never a 500.
    data = admin_form_data(world.owner, title="Changed", **{"link-0-url": "https://example.com/"})
    data[field] = value
    response = client_as(world.admin).post(edit_url(world.owner), data)
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()
    owner = User.objects.get(pk=world.owner.pk)
    assert owner.title == "Engineering Manager"
    assert owner.links == []


def test_an_administrator_cannot_remove_their_own_admin_role_in_the_editor(
    world: World, client_as: ClientAs
) -> None:
    response = client_as(world.admin).post(
        edit_url(world.admin), admin_form_data(world.admin, role="member", title="Head of IT")
    )
    assert response.status_code == 400
    assert "You cannot remove your own administrator role" in unescape(response.content.decode())
    admin = User.objects.get(pk=world.admin.pk)
    assert (admin.role, admin.title) == (Role.ADMIN, "")


def test_only_a_superuser_changes_a_superusers_email(world: World, client_as: ClientAs) -> None:
    # Otherwise an administrator could send the superuser's password reset to themselves.
    root = make_person("root", is_superuser=True, is_staff=True)
    response = client_as(world.admin).post(
        edit_url(root), admin_form_data(root, email="ada@evil.example")
    )
    assert response.status_code == 400
    assert "Only a superuser can change how a superuser signs in." in response.content.decode()
    assert User.objects.get(pk=root.pk).email == "root@example.com"
    # Their other fields stay the administrators' to keep up to date.
    response = client_as(world.admin).post(edit_url(root), admin_form_data(root, title="Founder"))
    assert response.status_code == 302
    assert User.objects.get(pk=root.pk).title == "Founder"
    other_root = make_person("root2", is_superuser=True)
    response = client_as(other_root).post(
        edit_url(root), admin_form_data(root, email="root@new.example")
    )
    assert response.status_code == 302
    assert User.objects.get(pk=root.pk).email == "root@new.example"


# --- Photos ------------------------------------------------------------------------------------


def test_a_real_png_becomes_the_photo_and_thumbnail(world: World, client_as: ClientAs) -> None:
    upload = SimpleUploadedFile("me.png", png_bytes(), content_type="image/png")
    client = client_as(world.owner)
    response = client.post(edit_url(world.owner), {"action": "upload_photo", "photo": upload})
    assert response.status_code == 302
    owner = User.objects.get(pk=world.owner.pk)
    with Image.open(owner.photo.path) as photo:
        assert photo.size == (512, 512)
    with Image.open(owner.photo_thumb.path) as thumb:
        assert thumb.size == (128, 128)
        # WebP: a feed page shows many of them, on phones too (feed/tests/test_page_weight.py).
        assert thumb.format == "WEBP"
    html = client.get(response["Location"]).content.decode()
    assert "The new photo is saved." in html
    assert owner.photo.url in html  # the preview
    assert "Remove photo" in html
    profile = client.get(profile_url(world.owner)).content.decode()
    assert f'src="{owner.photo.url}" alt="Photo of Olivia Owner"' in profile


def test_a_text_file_named_png_is_refused(world: World, client_as: ClientAs) -> None:
    upload = SimpleUploadedFile("me.png", b"just some text, honest", content_type="image/png")
    response = client_as(world.owner).post(
        edit_url(world.owner), {"action": "upload_photo", "photo": upload}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The file is not an image we can read." in html
    assert 'id="id_photo-error"' in html
    assert not User.objects.get(pk=world.owner.pk).photo


def test_a_damaged_png_is_refused_not_a_server_error(world: World, client_as: ClientAs) -> None:
    # A PNG whose header chunk is cut short: Pillow raises ValueError, not OSError.
    header = b"IHDR\x00\x00\x00\x10"
    data = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 4) + header + struct.pack(">I", crc32(header))
    upload = SimpleUploadedFile("me.png", data, content_type="image/png")
    response = client_as(world.owner).post(
        edit_url(world.owner), {"action": "upload_photo", "photo": upload}
    )
    assert response.status_code == 400
    assert "The file is not an image we can read." in response.content.decode()


def test_photo_file_names_cannot_be_guessed_from_the_username(
    world: World, client_as: ClientAs
) -> None:
    # Media files are fetched by URL: a name like photos/olivia_owner.jpg would let anyone
    # fetch the photo, or learn that the username exists.
    upload = SimpleUploadedFile("me.png", png_bytes(), content_type="image/png")
    client_as(world.owner).post(edit_url(world.owner), {"action": "upload_photo", "photo": upload})
    owner = User.objects.get(pk=world.owner.pk)
    for name in (owner.photo.name, owner.photo_thumb.name):
        assert re.fullmatch(r"photos/(thumbs/)?olivia_owner-[0-9a-f]{32}\.(jpg|webp)", str(name)), (
            name
        )


def test_an_oversized_photo_is_refused(
    world: World, client_as: ClientAs, settings: Settings
) -> None:
    settings.PHOTO_MAX_BYTES = 1024
    upload = SimpleUploadedFile("big.png", png_bytes((1200, 1200)), content_type="image/png")
    response = client_as(world.owner).post(
        edit_url(world.owner), {"action": "upload_photo", "photo": upload}
    )
    assert response.status_code == 400
    assert "The photo must be at most" in response.content.decode()
    assert not User.objects.get(pk=world.owner.pk).photo


def test_no_file_chosen_is_a_clear_error(world: World, client_as: ClientAs) -> None:
    response = client_as(world.owner).post(edit_url(world.owner), {"action": "upload_photo"})
    assert response.status_code == 400
    assert "Choose a photo to upload first." in response.content.decode()


def test_removing_the_photo(
    world: World,
    client_as: ClientAs,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    client = client_as(world.owner)
    upload = SimpleUploadedFile("me.png", png_bytes(), content_type="image/png")
    client.post(edit_url(world.owner), {"action": "upload_photo", "photo": upload})
    owner = User.objects.get(pk=world.owner.pk)
    photo_path = owner.photo.path
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(edit_url(world.owner), {"action": "remove_photo"})
    assert response.status_code == 302
    owner.refresh_from_db()
    assert not owner.photo
    assert not owner.photo_thumb
    html = client.get(profile_url(owner)).content.decode()
    assert 'class="avatar avatar-xl avatar-initials' in html
    assert not Path(photo_path).exists()


def test_administrator_sets_someone_elses_photo(world: World, client_as: ClientAs) -> None:
    upload = SimpleUploadedFile("them.png", png_bytes(), content_type="image/png")
    response = client_as(world.admin).post(
        edit_url(world.teammate), {"action": "upload_photo", "photo": upload}
    )
    assert response.status_code == 302
    assert User.objects.get(pk=world.teammate.pk).photo_thumb


# --- Org chart ---------------------------------------------------------------------------------


def card_names(html: str) -> list[str]:
    return [unescape(n) for n in re.findall(r'<span class="org-card-name">([^<]+)</span>', html)]


def test_org_chart_shows_chain_person_reports_and_peers_in_order(
    world: World, client_as: ClientAs
) -> None:
    ceo = make_person("cara_ceo", display_name="Cara Ceo")
    User.objects.filter(pk=world.admin.pk).update(manager=ceo)
    make_person("zed_peer", display_name="Zed Peer", manager=world.admin)
    make_person("abe_peer", display_name="Abe Peer", manager=world.admin)
    make_person("rita_report", display_name="Rita Report", manager=world.owner)
    make_person("gone_report", display_name="Gone Report", manager=world.owner, is_active=False)
    response = client_as(world.outsider).get(org_url(world.owner))
    assert response.status_code == 200
    html = response.content.decode()
    assert card_names(html) == [
        "Cara Ceo",  # the top
        "Ada Admin",  # the manager
        "Olivia Owner",  # the person
        "Rita Report",
        "Theo Teammate",  # reports, by name
        "Abe Peer",
        "Zed Peer",  # peers, by name
    ]
    sections = re.findall(r"<h2[^>]*>([^<]+)", html)
    assert [s.strip() for s in sections] == [
        "Reporting line",
        "Olivia Owner",
        "Direct reports",
        "Peers",
    ]
    assert 'aria-current="page"' in html.split("org-card-current")[1]
    assert f'href="{org_url(world.teammate)}"' in html
    assert f'href="{profile_url(world.teammate)}"' in html
    assert 'aria-label="Profile of Theo Teammate"' in html


def test_org_chart_of_someone_at_the_top_without_reports(world: World, client_as: ClientAs) -> None:
    html = client_as(world.owner).get(org_url(world.outsider)).content.decode()
    assert "Reporting line" not in html
    assert "No one reports to Oscar Outsider." in html
    assert "Peers" not in html
