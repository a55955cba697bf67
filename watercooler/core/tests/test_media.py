"""Uploaded media goes only to those who may see what it belongs to (core/media.py).

Profile photos: any signed-in, active person. Post attachments and thumbnails: those who may see
the post. Community covers: those who may know the community exists. Import files: nobody.
Pages hand out URLs signed for their viewer; a copied, tampered or expired URL is refused, and
behind a proxy the app answers with the proxy's internal redirect.
"""

import io
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image
from pytest_django import Settings

from watercooler.communities.models import (
    Community,
    MemberRole,
    Membership,
    MembershipStatus,
    Privacy,
)
from watercooler.core import media
from watercooler.feed import actions
from watercooler.feed.models import Attachment, Post
from watercooler.people.models import User
from watercooler.testing.fixtures import ApiClient, ClientAs
from watercooler.testing.world import World


@pytest.fixture
def media_root(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "a.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    (tmp_path / "imports").mkdir()
    (tmp_path / "imports" / "x.csv").write_text("employee_id,email\n1,a@example.com\n")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "y.txt").write_text("nobody registered this folder")
    return tmp_path


def png(name: str) -> ContentFile[bytes]:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 200)).save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name=name)


def community(handle: str, privacy: str, owner: User, members: list[User]) -> Community:
    club = Community.objects.create(
        name=handle.title(), handle=handle, privacy=privacy, created_by=owner
    )
    for person, role in [(owner, MemberRole.OWNER)] + [(m, MemberRole.MEMBER) for m in members]:
        Membership.objects.create(
            community=club,
            user=person,
            role=role,
            status=MembershipStatus.ACTIVE,
            joined_at=timezone.now(),
        )
    return club


def with_picture(post: Post, name: str = "board.png") -> Attachment:
    return Attachment.objects.create(
        post=post,
        file=png(name),
        thumbnail=png(f"thumb-{name}"),
        name=name,
        content_type="image/png",
        size=2048,
        alt_text="The whiteboard",
    )


def media_urls(html: str) -> list[str]:
    return [unescape(u) for u in re.findall(r'(?:src|href)="(/media/[^"]+)"', html)]


@pytest.fixture
def secret(world: World, media_root: Path) -> dict[str, Any]:
    """A secret community (owner, teammate) with a post carrying a picture, and the URLs of
    that picture and its thumbnail as the teammate's page shows them."""
    club = community("secret-club", Privacy.SECRET, world.owner, [world.teammate])
    post = actions.create_post(world.owner, body="Whiteboard", community_handle=club.handle)
    attachment = with_picture(post)
    page = world_client(world.teammate).get(f"/c/{club.handle}/")
    assert page.status_code == 200
    urls = media_urls(page.content.decode())
    assert len(urls) == 2
    assert all("?e=" in u and "&s=" in u for u in urls)
    return {"club": club, "post": post, "attachment": attachment, "urls": urls}


def world_client(user: User) -> Any:
    from watercooler.testing.fixtures import client_for

    return client_for(user)


# --- Profile photos and folders that are never served ---------------------------------------


def test_signed_in_people_get_photos(world: World, client_as: ClientAs, media_root: Path) -> None:
    for person in (world.outsider, world.guest):
        response = client_as(person).get("/media/photos/a.jpg")
        assert response.status_code == 200
        assert "sandbox" in response["Content-Security-Policy"]


def test_anonymous_people_are_sent_to_sign_in(db: None, client: Client, media_root: Path) -> None:
    response = client.get("/media/photos/a.jpg")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_deactivated_people_get_no_media(
    world: World, client_as: ClientAs, media_root: Path
) -> None:
    client = client_as(world.outsider)
    world.outsider.is_active = False
    world.outsider.save()
    assert client.get("/media/photos/a.jpg").status_code == 302


def test_import_files_are_never_served(world: World, client_as: ClientAs, media_root: Path) -> None:
    assert client_as(world.admin).get("/media/imports/x.csv").status_code == 404


def test_folders_no_app_registered_are_not_served(
    world: World, client_as: ClientAs, media_root: Path
) -> None:
    assert client_as(world.admin).get("/media/other/y.txt").status_code == 404


@pytest.mark.parametrize(
    "path", ["/media/../settings.py", "/media/photos/../imports/x.csv", "/media/photos//a.jpg"]
)
def test_paths_with_tricks_are_refused(
    world: World, client_as: ClientAs, media_root: Path, path: str
) -> None:
    assert client_as(world.admin).get(path).status_code in (400, 404)


# --- Attachments of a secret community's post ---------------------------------------------------


def test_the_member_gets_the_picture_and_thumbnail(world: World, secret: dict[str, Any]) -> None:
    client = world_client(world.teammate)
    for url in secret["urls"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"].startswith("private, max-age=")
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")


@pytest.mark.parametrize("who", ["outsider", "guest", "admin"])
def test_a_url_copied_from_a_member_is_refused_to_others(
    world: World, secret: dict[str, Any], who: str
) -> None:
    client = world_client(getattr(world, who))
    for url in secret["urls"]:
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("who", ["outsider", "guest"])
def test_the_bare_file_path_is_refused_to_outsiders_and_guests(
    world: World, secret: dict[str, Any], who: str
) -> None:
    client = world_client(getattr(world, who))
    attachment = secret["attachment"]
    for name in (attachment.file.name, attachment.thumbnail.name):
        assert client.get(f"/media/{name}").status_code == 404


def test_the_bare_file_path_is_checked_for_members(world: World, secret: dict[str, Any]) -> None:
    attachment = secret["attachment"]
    response = world_client(world.owner).get(f"/media/{attachment.thumbnail.name}")
    assert response.status_code == 200
    assert response["Cache-Control"] == f"private, max-age={media.CHECKED_MAX_AGE}"


def test_a_deleted_posts_files_are_no_longer_served_unsigned(
    world: World, secret: dict[str, Any]
) -> None:
    Post.objects.filter(pk=secret["post"].pk).update(deleted_at=timezone.now())
    name = secret["attachment"].thumbnail.name
    assert world_client(world.owner).get(f"/media/{name}").status_code == 404


def test_a_tampered_signature_is_refused(world: World, secret: dict[str, Any]) -> None:
    client = world_client(world.teammate)
    url = secret["urls"][1]
    signature = url.rsplit("s=", 1)[1]
    forged = url[: -len(signature)] + ("0" if signature[0] != "0" else "1") + signature[1:]
    assert client.get(forged).status_code == 404
    expires = int(re.search(r"e=(\d+)", url).group(1))  # type: ignore[union-attr]
    assert client.get(url.replace(f"e={expires}", f"e={expires + 86400}")).status_code == 404
    assert client.get(url.replace(f"e={expires}", "e=soon")).status_code == 404
    other = f"/media/{secret['attachment'].file.name}?{url.split('?', 1)[1]}"
    assert client.get(other).status_code == 404  # the thumbnail's signature, on the full file


def test_an_expired_signature_is_refused(
    world: World, secret: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = secret["urls"][1]
    expires = int(re.search(r"e=(\d+)", url).group(1))  # type: ignore[union-attr]
    monkeypatch.setattr("watercooler.core.media.time.time", lambda: expires + 1)
    assert world_client(world.teammate).get(url).status_code == 404


def test_urls_stay_the_same_within_a_time_bucket(world: World, secret: dict[str, Any]) -> None:
    again = world_client(world.teammate).get(f"/c/{secret['club'].handle}/")
    assert media_urls(again.content.decode()) == secret["urls"]


def test_the_api_hands_out_a_thumbnail_url_signed_for_its_caller(
    world: World, secret: dict[str, Any], api_as: type[ApiClient]
) -> None:
    member = api_as(world.teammate)
    data = member.get(f"/posts/{secret['post'].pk}").json()
    url = data["attachments"][0]["thumbnail_url"]
    assert "&s=" in url
    # An app fetches it with its bearer token; a browser with its session.
    assert member.client.get(url, headers=member._headers()).status_code == 200
    assert world_client(world.teammate).get(url).status_code == 200
    outsider = api_as(world.outsider)
    assert outsider.client.get(url, headers=outsider._headers()).status_code == 404
    assert world_client(world.outsider).get(url).status_code == 404
    anonymous = Client().get(url, headers={"Authorization": "Bearer wc_not-a-token"})
    assert anonymous.status_code == 302


def test_a_feed_pages_query_count_does_not_grow_with_its_images(
    world: World, media_root: Path
) -> None:
    club = community("pictures", Privacy.SECRET, world.owner, [world.teammate])
    client = world_client(world.teammate)

    def page() -> tuple[int, int]:
        client.get(f"/c/{club.handle}/")  # warm caches (site settings, sessions)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/c/{club.handle}/")
        assert response.status_code == 200
        return len(ctx.captured_queries), len(media_urls(response.content.decode()))

    first = actions.create_post(world.owner, body="One picture", community_handle=club.handle)
    with_picture(first, "one.png")
    few, images = page()
    assert images == 2
    for n in range(4):
        post = actions.create_post(world.owner, body=f"More {n}", community_handle=club.handle)
        for k in range(3):
            with_picture(post, f"more-{n}-{k}.png")
    many, images = page()
    assert images == 2 * 13
    assert many == few


# --- Community covers -------------------------------------------------------------------------


def with_cover(club: Community) -> Community:
    club.cover.save("cover.png", png("cover.png"))
    return club


def test_a_secret_communitys_cover_is_for_its_members(world: World, media_root: Path) -> None:
    club = with_cover(community("hush", Privacy.SECRET, world.owner, [world.teammate]))
    page = world_client(world.teammate).get(f"/c/{club.handle}/")
    [url] = [u for u in media_urls(page.content.decode()) if "covers" in u]
    assert world_client(world.teammate).get(url).status_code == 200
    bare = f"/media/{club.cover.name}"
    assert world_client(world.owner).get(bare).status_code == 200
    for who in (world.outsider, world.guest):
        assert world_client(who).get(url).status_code == 404
        assert world_client(who).get(bare).status_code == 404


def test_a_closed_communitys_cover_is_for_those_who_may_know_it(
    world: World, media_root: Path
) -> None:
    club = with_cover(community("quiet", Privacy.CLOSED, world.owner, []))
    bare = f"/media/{club.cover.name}"
    assert world_client(world.outsider).get(bare).status_code == 200
    assert world_client(world.guest).get(bare).status_code == 404


# --- Behind a proxy ---------------------------------------------------------------------------


def test_nginx_gets_an_internal_redirect(
    world: World, secret: dict[str, Any], settings: Settings
) -> None:
    settings.MEDIA_ACCEL_REDIRECT = "x-accel-redirect"
    settings.MEDIA_INTERNAL_PREFIX = "/protected-media/"
    url = secret["urls"][1]
    response = world_client(world.teammate).get(url)
    assert response.status_code == 200
    name = secret["attachment"].thumbnail.name
    assert response["X-Accel-Redirect"] == f"/protected-media/{name}"
    assert response["Content-Type"] == "image/png"
    assert response.content == b""
    assert "sandbox" in response["Content-Security-Policy"]
    refused = world_client(world.outsider).get(url)
    assert refused.status_code == 404
    assert "X-Accel-Redirect" not in refused


def test_apache_gets_the_files_path(
    world: World, secret: dict[str, Any], settings: Settings, media_root: Path
) -> None:
    settings.MEDIA_ACCEL_REDIRECT = "x-sendfile"
    response = world_client(world.teammate).get(secret["urls"][1])
    assert response["X-Sendfile"] == str(media_root / secret["attachment"].thumbnail.name)
    assert response.content == b""
