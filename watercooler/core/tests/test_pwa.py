"""The installable app's files: the manifest (what Chromium needs to install it: a name, icons
of 192 and 512 px, standalone, a start URL in scope, shortcuts), the service worker served from
the root with its shell written in, and the offline page, which holds nobody's data."""

import json
from typing import Any

import pytest
from django.contrib.staticfiles import finders

from watercooler.core import pwa
from watercooler.testing.world import World

pytestmark = pytest.mark.django_db


def test_the_manifest_has_what_installing_needs(client: Any) -> None:
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["display"] == "standalone"
    assert manifest["start_url"].startswith(manifest["scope"])
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    assert [s["url"] for s in manifest["shortcuts"]] == [
        "/posts/new/",
        "/messages/",
        "/notifications/",
    ]
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_the_service_worker_is_served_from_the_root_with_its_shell(client: Any) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert response["Service-Worker-Allowed"] == "/"
    script = response.content.decode()
    assert script.startswith("const VERSION = ")
    assert 'addEventListener("push"' in script
    for name in pwa.SHELL:
        assert finders.find(name), name


def test_the_offline_page_shows_nobodys_data(world: World, client_as: Any) -> None:
    page = client_as(world.owner).get("/offline/").content.decode()
    assert "You\u2019re offline" in page
    assert world.owner.display_name not in page
    assert client_as(None).get("/offline/").status_code == 200


def test_a_write_sent_twice_with_one_key_is_made_once(world: World, client_as: Any) -> None:
    """What the offline outbox relies on: its send is repeated, with the same key, when the
    first answer was lost."""
    from watercooler.feed.models import Post

    client = client_as(world.owner)
    key = {"HTTP_IDEMPOTENCY_KEY": "a1b2c3d4-queued-post"}
    first = client.post("/posts/new/", {"body": "Written on the train"}, **key)
    again = client.post("/posts/new/", {"body": "Written on the train"}, **key)
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert Post.objects.filter(body="Written on the train").count() == 1
    # The same key for another address, a malformed key, and another person's key.
    other = client.post(
        "/posts/new/",
        {"body": "x"},
        HTTP_IDEMPOTENCY_KEY="a1b2c3d4-queued-post".replace("post", "rply"),
    )
    assert other.status_code == 302
    moved = client.post(
        f"/posts/{Post.objects.get(body='Written on the train').pk}/replies/", {"body": "y"}, **key
    )
    assert moved.status_code == 422
    assert client.post("/posts/new/", {"body": "z"}, HTTP_IDEMPOTENCY_KEY="no").status_code == 400
    theirs = client_as(world.teammate).post("/posts/new/", {"body": "Theirs"}, **key)
    assert theirs.status_code == 302
    assert Post.objects.filter(body="Theirs").count() == 1
