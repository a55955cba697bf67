"""A community's settings page: the details, the cover image and the directory rule."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from watercooler.communities import actions
from watercooler.communities.models import DirectoryRule
from watercooler.communities.tests.conftest import Places
from watercooler.communities.tests.test_pages import html, membership, png
from watercooler.testing.world import World

pytestmark = pytest.mark.django_db


# --- The page ------------------------------------------------------------------------------------


def test_settings_edit_and_errors(world: World, places: Places, client_as: Any) -> None:
    owner = client_as(world.owner)
    assert owner.get("/c/python/settings/").status_code == 200
    saved = owner.post(
        "/c/python/settings/",
        {
            "action": "details",
            "name": "Pythonistas",
            "handle": "pythonistas",
            "description": "All things Python",
            "guidelines": "",
            "privacy": "closed",
            "category": "practice",
        },
    )
    assert saved.status_code == 302
    assert saved["Location"] == "/c/pythonistas/settings/"
    places.open.refresh_from_db()
    assert (places.open.name, places.open.handle, places.open.privacy) == (
        "Pythonistas",
        "pythonistas",
        "closed",
    )
    bad = owner.post(
        "/c/pythonistas/settings/",
        {"action": "details", "name": "", "privacy": "everyone", "category": "practice"},
    )
    assert bad.status_code == 400
    assert 'href="#c-name"' in html(bad)
    assert 'href="#c-privacy"' in html(bad)
    places.open.refresh_from_db()
    assert places.open.name == "Pythonistas"
    # A moderator edits but does not see (nor change) the handle.
    actions.do_add_member(actor=world.owner, community=places.open, user=world.teammate)
    actions.do_set_role(
        actor=world.owner, community=places.open, user=world.teammate, role="moderator"
    )
    page = html(client_as(world.teammate).get("/c/pythonistas/settings/"))
    assert 'name="handle"' not in page
    assert 'name="name"' in page
    # The outsider (can see the content but is no member) may not.
    assert client_as(world.outsider).get("/c/leaders/settings/").status_code == 404


def test_cover_upload_bad_file_changes_nothing_good_file_is_saved(
    world: World, places: Places, client_as: Any, media_served_from_tmp: Any
) -> None:
    owner = client_as(world.owner)
    bad = owner.post(
        "/c/python/settings/",
        {
            "action": "cover",
            "cover_alt": "x",
            "cover": SimpleUploadedFile("cover.png", b"not an image", content_type="image/png"),
        },
    )
    assert bad.status_code == 400
    assert 'id="c-cover-error"' in html(bad)
    places.open.refresh_from_db()
    assert not places.open.cover
    assert places.open.cover_alt == ""
    missing = owner.post("/c/python/settings/", {"action": "cover"})
    assert missing.status_code == 400
    assert "Choose an image" in html(missing)
    good = owner.post(
        "/c/python/settings/",
        {"action": "cover", "cover": png(), "cover_alt": "Snakes on a laptop"},
    )
    assert good.status_code == 302
    places.open.refresh_from_db()
    assert places.open.cover
    assert places.open.cover_alt == "Snakes on a laptop"
    about = html(owner.get("/c/python/about/"))
    assert 'alt="Snakes on a laptop"' in about
    removed = owner.post("/c/python/settings/", {"action": "remove_cover"})
    assert removed.status_code == 302
    places.open.refresh_from_db()
    assert not places.open.cover


def test_directory_rule_editor_applies_and_reports(
    regions: World, places: Places, client_as: Any
) -> None:
    world = regions
    owner = client_as(world.owner)
    saved = owner.post(
        "/c/python/settings/",
        {"action": "rule", "departments": ["Sales"], "regions": ["EMEA"], "allow_leave": "1"},
        follow=True,
    )
    assert "The directory rule is saved and applied: 1 added, 0 removed." in html(saved)
    assert "Everyone in Sales in EMEA is a member automatically" in html(saved)
    rule = DirectoryRule.objects.get(community=places.open)
    assert rule.allow_leave
    assert rule.regions == ["EMEA"]
    assert membership(places.open, world.outsider).is_active  # type: ignore[union-attr]
    # Someone moves into Sales; "Apply now" picks them up and says so.
    world.teammate.department = world.sales
    world.teammate.save(update_fields=["department"])
    applied = owner.post("/c/python/settings/", {"action": "apply_rule"}, follow=True)
    assert "The rule is applied: 1 added, 0 removed." in html(applied)
    bad = owner.post("/c/python/settings/", {"action": "rule", "regions": ["Atlantis"]})
    assert bad.status_code == 400
    assert "Atlantis" in html(bad)
    removed = owner.post("/c/python/settings/", {"action": "rule"}, follow=True)
    assert "No directory rule" in html(removed)
    assert not DirectoryRule.objects.filter(community=places.open).exists()
