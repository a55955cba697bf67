"""Uploaded media is for signed-in, active people only; import files are never served."""

from pathlib import Path

import pytest

from watercooler.testing.world import World


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "a.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    (tmp_path / "imports").mkdir()
    (tmp_path / "imports" / "x.csv").write_text("employee_id,email\n1,a@example.com\n")
    return tmp_path


def test_signed_in_people_get_media(world: World, client_as, media: Path) -> None:
    response = client_as(world.outsider).get("/media/photos/a.jpg")
    assert response.status_code == 200
    assert "sandbox" in response["Content-Security-Policy"]


def test_anonymous_people_are_sent_to_sign_in(db, client, media: Path) -> None:
    response = client.get("/media/photos/a.jpg")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_deactivated_people_get_no_media(world: World, client_as, media: Path) -> None:
    client = client_as(world.outsider)
    world.outsider.is_active = False
    world.outsider.save()
    assert client.get("/media/photos/a.jpg").status_code == 302


def test_import_files_are_never_served(world: World, client_as, media: Path) -> None:
    assert client_as(world.admin).get("/media/imports/x.csv").status_code == 404


def test_paths_outside_media_are_refused(world: World, client_as, media: Path) -> None:
    assert client_as(world.admin).get("/media/../settings.py").status_code in (400, 404)
