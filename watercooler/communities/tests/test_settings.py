"""A community's settings, by page and by API: the details, the cover image and the directory
rule (set, removed, applied again now). Every form of the settings page is an action the API
reaches too; both are checked against the outsider, a guest and a plain member."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from watercooler.communities import actions
from watercooler.communities.models import DirectoryRule
from watercooler.communities.tests.conftest import Places
from watercooler.communities.tests.test_pages import html, membership, png
from watercooler.testing.fixtures import ApiClient, ClientAs
from watercooler.testing.world import World

pytestmark = pytest.mark.django_db


# --- The page ------------------------------------------------------------------------------------


def test_settings_edit_and_errors(world: World, places: Places, client_as: ClientAs) -> None:
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
    world: World, places: Places, client_as: ClientAs, media_served_from_tmp: Path
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
    regions: World, places: Places, client_as: ClientAs
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


def test_apply_now_is_for_moderators_and_needs_a_rule(
    regions: World, places: Places, client_as: ClientAs
) -> None:
    world = regions
    actions.do_add_member(actor=world.owner, community=places.open, user=world.teammate)
    actions.do_set_role(
        actor=world.owner, community=places.open, user=world.teammate, role="moderator"
    )
    actions.do_add_member(actor=world.owner, community=places.open, user=world.guest)
    apply_now = {"action": "apply_rule"}
    # No rule to apply (a page left open while someone removed it).
    assert client_as(world.teammate).post("/c/python/settings/", apply_now).status_code == 404
    actions.do_set_rule(actor=world.owner, community=places.open, departments=["Sales"])
    world.admin.department = world.sales
    world.admin.save(update_fields=["department"])
    applied = client_as(world.teammate).post("/c/python/settings/", apply_now, follow=True)
    assert "The rule is applied: 1 added, 0 removed." in html(applied)
    # A plain member (the guest) may not; whoever may not see the community does not learn of it.
    assert client_as(world.guest).post("/c/python/settings/", apply_now).status_code == 403
    assert client_as(world.outsider).post("/c/falcon/settings/", apply_now).status_code == 404


# --- The API -------------------------------------------------------------------------------------


def test_api_applies_the_rule_now(regions: World, places: Places, api_as: type[ApiClient]) -> None:
    world = regions
    owner = api_as(world.owner)
    path = "/communities/python/rule/apply"
    assert owner.post(path).status_code == 404  # no rule yet
    actions.do_set_rule(
        actor=world.owner, community=places.open, departments=["Sales"], regions=["EMEA"]
    )
    world.teammate.department = world.sales
    world.teammate.save(update_fields=["department"])
    response = owner.post(path)
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["added"], data["removed"], data["member_count"]) == (1, 0, 3)
    assert (data["departments"], data["regions"], data["allow_leave"]) == (
        ["Sales"],
        ["EMEA"],
        False,
    )
    assert data["applied_at"]
    assert membership(places.open, world.teammate).is_active  # type: ignore[union-attr]
    # Nothing changed since: applying again adds and removes nobody.
    again = owner.post(path).json()
    assert (again["added"], again["removed"]) == (0, 0)
    # Administrators moderate every community they may see.
    assert api_as(world.admin).post(path).status_code == 200


def test_api_apply_rule_refuses_who_may_not(
    world: World, places: Places, api_as: type[ApiClient]
) -> None:
    # Engineering: the owner and the teammate; the outsider (Sales) stays out.
    for community in (places.open, places.secret):
        actions.do_set_rule(actor=world.owner, community=community, departments=["Engineering"])
    missing = api_as(world.outsider).post("/communities/no-such-thing/rule/apply").json()
    # The outsider may see the open community but not change it; a guest who is not a member
    # may not know it exists; a guest who is a plain member may not change it either.
    assert api_as(world.outsider).post("/communities/python/rule/apply").status_code == 403
    assert api_as(world.guest).post("/communities/python/rule/apply").status_code == 404
    actions.do_add_member(actor=world.owner, community=places.open, user=world.guest)
    refused = api_as(world.guest).post("/communities/python/rule/apply")
    assert refused.status_code == 403
    assert set(refused.json()) == {"detail", "errors"}
    # A secret community is exactly a missing one to whoever is not in it.
    for person in (world.outsider, world.guest, world.admin):
        response = api_as(person).post("/communities/falcon/rule/apply")
        assert response.status_code == 404
        assert response.json() == missing
    assert api_as(None).post("/communities/python/rule/apply").status_code == 401
    assert DirectoryRule.objects.get(community=places.open).applied_at is not None


def test_api_reads_the_rule(world: World, places: Places, api_as: type[ApiClient]) -> None:
    actions.do_set_rule(
        actor=world.owner, community=places.closed, departments=["Sales"], allow_leave=True
    )
    # The closed community's About page tells everyone whom its rule takes in; so does this.
    response = api_as(world.outsider).get("/communities/leaders/rule")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "departments": ["Sales"],
        "locations": [],
        "regions": [],
        "countries": [],
        "allow_leave": True,
        "applied_at": response.json()["applied_at"],
        "member_count": 2,
    }
    assert api_as(world.owner).get("/communities/python/rule").status_code == 404  # no rule
    actions.do_set_rule(actor=world.owner, community=places.secret, departments=["Engineering"])
    missing = api_as(world.outsider).get("/communities/no-such-thing").json()
    for person in (world.outsider, world.guest):
        response = api_as(person).get("/communities/falcon/rule")
        assert response.status_code == 404
        assert response.json() == missing
    assert api_as(world.guest).get("/communities/leaders/rule").status_code == 404
    assert api_as(None).get("/communities/leaders/rule").status_code == 401


def test_api_rule_endpoints_document_their_errors(world: World, api_as: type[ApiClient]) -> None:
    paths = api_as(world.owner).get("/openapi.json").json()["paths"]
    applied = paths["/api/v1/communities/{handle}/rule/apply"]["post"]["responses"]
    assert {"200", "401", "403", "404", "409", "422"} <= set(applied)
    read = paths["/api/v1/communities/{handle}/rule"]["get"]["responses"]
    assert {"200", "401", "403", "404", "422"} <= set(read)
