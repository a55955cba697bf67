"""Pictures and files in messages: checked as post attachments are, shown and downloadable only
for those who may read the message (an outsider, an administrator, a guest and someone added
later get 404 — by API, by page and by media URL), removed with a deleted message."""

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from watercooler.messaging.models import MessageAttachment
from watercooler.people.models import User
from watercooler.testing.fixtures import ApiClient, client_for
from watercooler.testing.world import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(media_served_from_tmp: Path) -> Path:
    return media_served_from_tmp


def png(name: str = "board.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _group(starter: User, *others: User) -> int:
    response = ApiClient(starter).post(
        "/conversations", {"participants": [p.username for p in others]}
    )
    assert response.status_code == 201, response.content
    pk: int = response.json()["id"]
    return pk


def _send_files(sender: User, conversation: int, files: list[Any], **data: Any) -> Any:
    client = client_for(sender)
    return client.post(
        f"/api/v1/conversations/{conversation}/messages/with-attachments",
        {**data, "files": files},
    )


def test_a_picture_and_a_file_reach_the_people_in_the_conversation(world: World) -> None:
    pk = _group(world.owner, world.teammate)
    notes = SimpleUploadedFile("notes.txt", b"Agenda: ship it", content_type="text/plain")
    response = _send_files(
        world.owner, pk, [png(), notes], body="", alt_texts=["Whiteboard with the plan"]
    )
    assert response.status_code == 201, response.content
    picture, text = response.json()["attachments"]
    assert picture["is_image"] is True
    assert picture["alt_text"] == "Whiteboard with the plan"
    assert picture["width"] == 64
    assert text["name"] == "notes.txt"
    teammate = client_for(world.teammate)
    download = teammate.get(text["url"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == b"Agenda: ship it"  # type: ignore[attr-defined]
    # The page shows the picture with its description, signed for the reader.
    page = teammate.get(f"/messages/{pk}/").content.decode()
    assert 'alt="Whiteboard with the plan"' in page
    listed = ApiClient(world.teammate).get(f"/conversations/{pk}/messages").json()["items"][0]
    assert teammate.get(listed["attachments"][0]["thumbnail_url"]).status_code == 200


@pytest.mark.parametrize("who", ["outsider", "admin", "guest", "latecomer"])
def test_nobody_else_gets_the_files(world: World, who: str) -> None:
    pk = _group(world.owner, world.teammate)
    notes = SimpleUploadedFile("salaries.csv", b"name,pay\n", content_type="text/csv")
    sent = _send_files(world.owner, pk, [png(), notes]).json()
    picture, table = sent["attachments"]
    if who == "latecomer":
        # Added after the files were sent: they read from then on, not before.
        ApiClient(world.owner).post(
            f"/conversations/{pk}/participants", {"participants": [world.outsider.username]}
        )
        person = world.outsider
    else:
        person = getattr(world, who)
    client = client_for(person)
    assert client.get(table["url"]).status_code == 404
    # Unsigned media URLs (as events carry them) are checked against the database.
    assert client.get(picture["url"]).status_code == 404
    assert client.get(picture["thumbnail_url"]).status_code == 404


def test_a_refused_file_sends_nothing(world: World) -> None:
    pk = _group(world.owner, world.teammate)
    fake = SimpleUploadedFile("photo.png", b"<html>not a picture</html>", content_type="image/png")
    response = _send_files(world.owner, pk, [png(), fake], body="Two pictures")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "file"
    assert ApiClient(world.owner).get(f"/conversations/{pk}/messages").json()["items"] == []
    assert MessageAttachment.objects.count() == 0
    empty = client_for(world.owner).post(
        f"/api/v1/conversations/{pk}/messages/with-attachments", {"body": ""}
    )
    assert empty.status_code == 422


def test_deleting_the_message_removes_its_files(
    world: World, media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    pk = _group(world.owner, world.teammate)
    sent = _send_files(world.owner, pk, [png()], body="Oops, wrong picture").json()
    stored = [p for p in media_root.rglob("*") if p.is_file()]
    assert len(stored) == 2  # the picture and its thumbnail
    with django_capture_on_commit_callbacks(execute=True):
        deleted = ApiClient(world.owner).delete(f"/messages/{sent['id']}")
    assert deleted.json()["attachments"] == []
    assert MessageAttachment.objects.count() == 0
    assert not [p for p in media_root.rglob("*") if p.is_file()]
