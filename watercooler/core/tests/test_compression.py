"""Response compression (core/compression.py): pages and API answers leave gzipped when the client
accepts it; secrets, files, partial content and already-compressed types do not."""

import gzip
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.test import Client, RequestFactory
from pytest_django import Settings

from watercooler.core.compression import CompressionMiddleware, carries_secret, never_compress
from watercooler.feed import actions as feed_actions
from watercooler.testing.fixtures import ApiClient, ClientAs
from watercooler.testing.world import World

GZIP = {"Accept-Encoding": "gzip, deflate, br"}
TEXT = "A line of a page that repeats, as markup does. " * 40


def gunzip(response: Any) -> str:
    assert response["Content-Encoding"] == "gzip"
    return gzip.decompress(response.content).decode()


def test_the_home_page_is_gzipped_when_the_client_accepts_it(
    world: World, client_as: ClientAs
) -> None:
    for number in range(5):
        feed_actions.create_post(world.owner, body=f"Post number {number} for the home page")
    client = client_as(world.owner)
    plain = client.get("/")
    assert plain.status_code == 200
    assert "Content-Encoding" not in plain
    assert "Accept-Encoding" in plain["Vary"]

    packed = client.get("/", headers=GZIP)
    assert packed.status_code == 200
    html = gunzip(packed)
    assert "Post number 4 for the home page" in html
    assert int(packed["Content-Length"]) == len(packed.content)
    # A feed page compresses several times over (markup repeats card after card).
    assert len(packed.content) * 4 < len(html.encode())
    assert "Accept-Encoding" in packed["Vary"]


def test_api_answers_are_gzipped(world: World, api_as: type[ApiClient]) -> None:
    for number in range(5):
        feed_actions.create_post(world.owner, body=f"Post number {number} through the API")
    api = api_as(world.owner)
    response = api.client.get("/api/v1/feed", headers={**api._headers(), **GZIP})
    assert response.status_code == 200
    assert "Post number 4 through the API" in gunzip(response)


def test_every_csrf_token_on_a_compressed_page_is_masked_anew(
    world: World, client_as: ClientAs
) -> None:
    # BREACH guesses a secret from the compressed length across many requests: Django masks the
    # CSRF token differently in every answer, so there is no constant secret in a page to guess.
    client = client_as(world.owner)
    first, second = gunzip(client.get("/", headers=GZIP)), gunzip(client.get("/", headers=GZIP))

    def token(html: str) -> str:
        return html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]

    assert token(first) != token(second)


def test_a_page_showing_a_new_api_token_is_not_compressed(
    world: World, client_as: ClientAs
) -> None:
    client = client_as(world.owner)
    response = client.post("/settings/tokens/", {"name": "laptop"}, headers=GZIP)
    assert response.status_code == 200
    assert "Content-Encoding" not in response
    assert "it is shown only this once" in response.content.decode()
    assert "Content-Encoding" not in client.get("/settings/", headers=GZIP)


def test_an_answer_marked_as_carrying_a_secret_is_not_compressed() -> None:
    # The API's token answer calls never_compress; pages use the carries_secret decorator.
    request = RequestFactory().post("/api/v1/auth/token", headers=GZIP)
    never_compress(request)
    response: Any = CompressionMiddleware(lambda request: HttpResponse(TEXT))(request)
    assert "Content-Encoding" not in response

    @carries_secret
    def view(request: Any) -> HttpResponse:
        return HttpResponse(TEXT)

    request = RequestFactory().get("/", headers=GZIP)
    response = CompressionMiddleware(view)(request)
    assert "Content-Encoding" not in response


def test_the_private_calendar_address_is_not_compressed(world: World, client_as: ClientAs) -> None:
    response = client_as(world.owner).get("/events/calendar/", headers=GZIP)
    assert response.status_code == 200
    assert "Content-Encoding" not in response


def test_allauth_pages_are_not_compressed(db: None, client: Client) -> None:
    response = client.get("/accounts/login/", headers=GZIP)
    assert response.status_code == 200
    assert len(response.content) > 200
    assert "Content-Encoding" not in response


def test_uploaded_files_are_served_whole(
    world: World, client_as: ClientAs, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "notes.txt").write_text(TEXT)
    response = client_as(world.owner).get("/media/photos/notes.txt", headers=GZIP)
    assert response.status_code == 200
    assert "Content-Encoding" not in response


# --- The middleware's rules, one by one ---------------------------------------------------------


def run_middleware(response: HttpResponse | FileResponse, path: str = "/") -> Any:
    request = RequestFactory().get(path, headers=GZIP)
    return CompressionMiddleware(lambda request: response)(request)


def test_text_types_are_compressed() -> None:
    for content_type in (
        "text/html; charset=utf-8",
        "application/json",
        "application/problem+json",
        "text/csv",
        "text/calendar",
        "image/svg+xml",
    ):
        response = run_middleware(HttpResponse(TEXT, content_type=content_type))
        assert response.get("Content-Encoding") == "gzip", content_type


@pytest.mark.parametrize(
    "content_type", ["image/jpeg", "image/webp", "video/mp4", "application/pdf", "application/zip"]
)
def test_compressed_types_are_left_alone(content_type: str) -> None:
    response = run_middleware(HttpResponse(TEXT, content_type=content_type))
    assert "Content-Encoding" not in response


def test_partial_content_and_proxy_filled_answers_are_left_alone() -> None:
    partial = HttpResponse(TEXT, status=206, content_type="text/plain")
    partial["Content-Range"] = f"bytes 0-{len(TEXT) - 1}/{len(TEXT) * 2}"
    assert "Content-Encoding" not in run_middleware(partial)
    redirected = HttpResponse(TEXT, content_type="text/html")
    redirected["X-Accel-Redirect"] = "/protected/photos/a.jpg"
    assert "Content-Encoding" not in run_middleware(redirected)
    no_transform = HttpResponse(TEXT, content_type="text/html")
    no_transform["Cache-Control"] = "no-transform"
    assert "Content-Encoding" not in run_middleware(no_transform)


def test_file_downloads_keep_their_length(db: None, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text(TEXT)
    response = run_middleware(FileResponse(path.open("rb"), content_type="text/plain"))
    try:
        assert "Content-Encoding" not in response
        assert int(response["Content-Length"]) == len(TEXT)
    finally:
        response.close()


def test_the_compressed_length_varies_between_answers() -> None:
    # Django's gzip pads its header with 0 to 99 random bytes (a BREACH mitigation).
    lengths = {len(run_middleware(HttpResponse(TEXT)).content) for _ in range(20)}
    assert len(lengths) > 1


def test_compression_comes_after_whitenoise_and_before_the_body_writers() -> None:
    order = settings.MIDDLEWARE
    compression = order.index("watercooler.core.compression.CompressionMiddleware")
    assert order.index("whitenoise.middleware.WhiteNoiseMiddleware") < compression
    assert compression < order.index("django.contrib.sessions.middleware.SessionMiddleware")
