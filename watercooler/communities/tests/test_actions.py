"""Community actions: creating and editing, joining and requests, adding and removing people,
roles and ownership, with every permission (outsider, guest, member, moderator, owner,
administrator), member counts, the change log, realtime events, signals and notifications."""

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.http import Http404
from PIL import Image
from pytest_django import Settings

from watercooler.communities import actions
from watercooler.communities.models import (
    Community,
    MemberRole,
    Membership,
    MembershipChange,
    MembershipStatus,
)
from watercooler.communities.tests.conftest import Places, follows_changed_for
from watercooler.core.errors import Conflict
from watercooler.notifications.models import Notification, NotificationKind
from watercooler.people.models import User
from watercooler.testing.fixtures import ClientAs, Commit, SentEvents, SentSignals
from watercooler.testing.world import World, make_person

pytestmark = pytest.mark.django_db


def members(community: Community) -> dict[str, str]:
    """username -> role of the active members."""
    return dict(
        Membership.objects.filter(community=community, status=MembershipStatus.ACTIVE)
        .values_list("user__username", "role")
        .order_by("user__username")
    )


def assert_counts_right(community: Community) -> None:
    """member_count equals the active rows and the sum of the change log."""
    community.refresh_from_db()
    active = Membership.objects.filter(community=community, status="active").count()
    logged = MembershipChange.objects.filter(community=community).aggregate(n=Sum("delta"))["n"]
    assert community.member_count == active == (logged or 0)


def with_moderator(world: World, community: Community) -> User:
    """The teammate, made a moderator of ``community``."""
    actions.do_add_member(actor=world.owner, community=community, user=world.teammate)
    actions.do_set_role(
        actor=world.owner, community=community, user=world.teammate, role=MemberRole.MODERATOR
    )
    return world.teammate


def png(size: tuple[int, int] = (900, 600)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, "PNG")
    return SimpleUploadedFile("cover.png", buffer.getvalue(), content_type="image/png")


# --- Creating --------------------------------------------------------------------------------


def test_creating_makes_the_creator_its_owner(
    world: World, commit: Commit, sent_events: SentEvents, sent_signals: SentSignals
) -> None:
    with commit():
        community = actions.create_community(
            world.teammate,
            name="  Rust   readers ",
            handle="Rust-Readers",
            privacy="closed",
            description="We read The Book.",
        )
    assert (community.name, community.handle, community.privacy) == (
        "Rust readers",
        "rust-readers",
        "closed",
    )
    assert community.category == "interest"
    assert community.created_by == world.teammate
    membership = Membership.objects.get(community=community)
    assert (membership.user, membership.role, membership.status, membership.following) == (
        world.teammate,
        "owner",
        "active",
        True,
    )
    assert membership.joined_at is not None
    assert_counts_right(community)
    assert community.member_count == 1
    assert follows_changed_for(sent_events) == {f"user.{world.teammate.pk}"}
    assert [name for name, _ in sent_signals] == ["community_created"]


@pytest.mark.parametrize("who", ["guest", "inactive"])
def test_guests_and_deactivated_people_cannot_create(world: World, who: str) -> None:
    person = world.guest
    if who == "inactive":
        person = world.teammate
        person.is_active = False
    with pytest.raises(PermissionDenied):
        actions.create_community(person, name="Mine", handle="mine-now", privacy="open")
    assert not Community.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"handle": "ab"}, "handle", "Between 3 and 40"),
        ({"handle": "x" * 41}, "handle", "Between 3 and 40"),
        ({"handle": "-dash"}, "handle", "starting and ending"),
        ({"handle": "dash-"}, "handle", "starting and ending"),
        ({"handle": "has space"}, "handle", "lowercase letters"),
        ({"handle": "émigré"}, "handle", "lowercase letters"),
        ({"handle": "under_score"}, "handle", "lowercase letters"),
        ({"handle": "new"}, "handle", "reserved"),
        ({"handle": "PYTHON"}, "handle", "already taken"),
        ({"handle": 42}, "handle", "Must be text"),
        ({"name": "x"}, "name", "At least 2"),
        ({"name": "x" * 81}, "name", "At most 80"),
        ({"name": "nul\x00"}, "name", "NUL"),
        ({"privacy": "public"}, "privacy", "open, closed, secret"),
        ({"category": "sports"}, "category", "Must be one of"),
        ({"description": "d" * 2001}, "description", "At most 2000"),
        ({"guidelines": "g" * 5001}, "guidelines", "At most 5000"),
    ],
)
def test_bad_input_names_the_field(
    world: World, places: Places, fields: dict[str, object], field: str, message: str
) -> None:
    data = {"name": "A community", "handle": "a-community", "privacy": "open", **fields}
    with pytest.raises(ValidationError) as caught:
        actions.check_community_input(actor=world.teammate, **data)
    assert list(caught.value.message_dict) == [field]
    assert message in caught.value.message_dict[field][0]


def test_every_field_error_is_reported_at_once(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        actions.check_community_input(actor=world.teammate, name="", handle="!", privacy="x")
    assert set(caught.value.message_dict) == {"name", "handle", "privacy"}


# --- Editing ---------------------------------------------------------------------------------


def test_moderators_edit_settings_but_only_owners_change_the_handle(
    world: World, places: Places
) -> None:
    moderator = with_moderator(world, places.open)
    updated = actions.do_update_community(
        actor=moderator,
        community=places.open,
        name="Pythonistas",
        description="All things Python.",
        privacy="closed",
        category="practice",
        cover_alt="Snakes",
    )
    assert (updated.name, updated.privacy, updated.category) == (
        "Pythonistas",
        "closed",
        "practice",
    )
    with pytest.raises(ValidationError) as caught:
        actions.do_update_community(actor=moderator, community=places.open, handle="snakes")
    assert "handle" in caught.value.message_dict
    updated = actions.do_update_community(actor=world.owner, community=places.open, handle="snakes")
    assert Community.objects.get(pk=places.open.pk).handle == "snakes"


def test_editing_refuses_unknown_fields_taken_handles_and_outsiders(
    world: World, places: Places
) -> None:
    with pytest.raises(ValidationError) as caught:
        actions.do_update_community(actor=world.owner, community=places.open, member_count=9)
    assert caught.value.message_dict == {
        "member_count": ["This field does not exist or cannot be changed."]
    }
    with pytest.raises(ValidationError) as caught:
        actions.do_update_community(actor=world.owner, community=places.open, handle="Leaders")
    assert caught.value.message_dict == {"handle": ["This handle is already taken."]}
    actions.do_join(actor=world.outsider, community=places.open)
    for person in (world.outsider, world.guest):
        with pytest.raises(PermissionDenied):
            actions.do_update_community(actor=person, community=places.open, name="Taken over")
    # Administrators run the network: they may edit any community's settings.
    actions.do_update_community(actor=world.admin, community=places.open, name="Python")
    assert Community.objects.get(pk=places.open.pk).name == "Python"


def test_cover_is_checked_resized_and_stored_under_a_random_name(
    world: World, places: Places, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    community = actions.do_set_cover(
        actor=world.owner, community=places.open, upload=png(), alt_text="A blue banner"
    )
    assert community.cover_alt == "A blue banner"
    name = community.cover.name or ""
    assert name.startswith("communities/covers/")
    assert "python" not in name
    with Image.open(community.cover.path) as stored:
        assert (stored.format, stored.size) == ("JPEG", actions.COVER_SIZE)
    first = community.cover.path
    community = actions.do_set_cover(actor=world.owner, community=places.open, upload=png())
    assert community.cover.name != name

    fake = SimpleUploadedFile("cover.png", b"%PDF-1.4 not an image", content_type="image/png")
    with pytest.raises(ValidationError) as caught:
        actions.do_set_cover(actor=world.owner, community=places.open, upload=fake)
    assert list(caught.value.message_dict) == ["cover"]
    with pytest.raises(ValidationError) as caught:
        actions.do_set_cover(
            actor=world.owner, community=places.open, upload=png(), alt_text="a" * 301
        )
    assert list(caught.value.message_dict) == ["cover_alt"]
    with pytest.raises(PermissionDenied):
        actions.do_set_cover(actor=world.outsider, community=places.open, upload=png())
    removed = actions.do_remove_cover(actor=world.owner, community=places.open)
    assert not removed.cover
    assert first  # the first file was replaced (deleted on commit, outside this test's scope)


# --- Joining, requests, leaving ---------------------------------------------------------------


def test_joining_an_open_community(
    world: World, places: Places, commit: Commit, sent_events: SentEvents, sent_signals: SentSignals
) -> None:
    with commit():
        membership = actions.do_join(actor=world.outsider, community=places.open)
    assert (membership.status, membership.role, membership.source, membership.following) == (
        "active",
        "member",
        "manual",
        True,
    )
    assert_counts_right(places.open)
    assert places.open.member_count == 2
    assert follows_changed_for(sent_events) == {f"user.{world.outsider.pk}"}
    assert [name for name, _ in sent_signals] == ["member_joined"]
    with pytest.raises(Conflict):
        actions.do_join(actor=world.outsider, community=places.open)
    # Nobody is notified of an open join (and never of their own doing).
    assert not Notification.objects.exists()


def test_asking_to_join_a_closed_community_notifies_its_moderators(
    world: World, places: Places, commit: Commit, sent_events: SentEvents, sent_signals: SentSignals
) -> None:
    moderator = with_moderator(world, places.closed)
    bystander = make_person("bea_member")
    actions.do_add_member(actor=world.owner, community=places.closed, user=bystander)
    Notification.objects.all().delete()
    with commit():
        membership = actions.do_join(actor=world.outsider, community=places.closed)
    assert (membership.status, membership.joined_at) == ("pending", None)
    assert membership.requested_at is not None
    assert_counts_right(places.closed)
    assert follows_changed_for(sent_events) == set()
    assert [name for name, _ in sent_signals] == ["membership_requested"]
    told = Notification.objects.filter(kind=NotificationKind.COMMUNITY_REQUEST)
    assert sorted(told.values_list("recipient__username", flat=True)) == sorted(
        [world.owner.username, moderator.username]
    )
    assert {(n.actor_id, n.community_id) for n in told} == {(world.outsider.pk, places.closed.pk)}
    with pytest.raises(Conflict):
        actions.do_join(actor=world.outsider, community=places.closed)


def test_approving_and_declining_requests(
    world: World, places: Places, commit: Commit, sent_signals: SentSignals
) -> None:
    actions.do_join(actor=world.outsider, community=places.closed)
    actions.do_join(actor=world.teammate, community=places.closed)
    with commit():
        approved = actions.do_add_member(
            actor=world.owner, community=places.closed, user=world.outsider
        )
        actions.do_remove_member(actor=world.owner, community=places.closed, user=world.teammate)
    assert approved.status == "active"
    assert approved.joined_at is not None
    assert approved.added_by == world.owner
    assert members(places.closed) == {"olivia_owner": "owner", "oscar_outsider": "member"}
    assert not Membership.objects.filter(community=places.closed, user=world.teammate).exists()
    assert_counts_right(places.closed)
    added = [kw for name, kw in sent_signals if name == "member_added"]
    assert [(kw["user"], kw["by"], kw["approved"]) for kw in added] == [
        (world.outsider, world.owner, True)
    ]
    removed = [kw for name, kw in sent_signals if name == "member_removed"]
    assert [(kw["user"], kw["was_pending"]) for kw in removed] == [(world.teammate, True)]
    assert list(
        Notification.objects.filter(recipient=world.outsider).values_list("kind", "actor_id")
    ) == [(NotificationKind.COMMUNITY_APPROVED, world.owner.pk)]
    assert not Notification.objects.filter(recipient=world.teammate).exists()


def test_withdrawing_a_request_and_leaving(
    world: World, places: Places, commit: Commit, sent_events: SentEvents
) -> None:
    actions.do_join(actor=world.outsider, community=places.closed)
    actions.do_leave(actor=world.outsider, community=places.closed)
    assert not Membership.objects.filter(user=world.outsider).exists()
    actions.do_join(actor=world.outsider, community=places.open)
    with commit():
        actions.do_leave(actor=world.outsider, community=places.open)
    assert members(places.open) == {"olivia_owner": "owner"}
    assert_counts_right(places.open)
    assert follows_changed_for(sent_events) == {f"user.{world.outsider.pk}"}
    with pytest.raises(Http404):
        actions.do_leave(actor=world.outsider, community=places.open)


def test_secret_communities_cannot_be_joined_and_guests_only_get_added(
    world: World, places: Places
) -> None:
    with pytest.raises(Http404):
        actions.do_join(actor=world.outsider, community=places.secret)
    for community in (places.open, places.closed):
        with pytest.raises(PermissionDenied):
            actions.do_join(actor=world.guest, community=community)
    # External collaborators: a moderator adds the guest, even to a secret community.
    with pytest.raises(Conflict):
        actions.do_join(actor=world.owner, community=places.secret)
    membership = actions.do_add_member(actor=world.owner, community=places.secret, user=world.guest)
    assert membership.is_active
    assert members(places.secret) == {"gwen_guest": "member", "olivia_owner": "owner"}


def test_being_added_notifies_the_person(
    world: World, places: Places, commit: Commit, sent_events: SentEvents
) -> None:
    with commit():
        actions.do_add_member(actor=world.owner, community=places.secret, user=world.guest)
    assert list(
        Notification.objects.filter(recipient=world.guest).values_list(
            "kind", "actor_id", "community_id"
        )
    ) == [(NotificationKind.COMMUNITY_ADDED, world.owner.pk, places.secret.pk)]
    assert f"user.{world.guest.pk}" in follows_changed_for(sent_events)
    with pytest.raises(Conflict):
        actions.do_add_member(actor=world.owner, community=places.secret, user=world.guest)


def test_deactivated_people_cannot_be_added(world: World, places: Places) -> None:
    gone = make_person("gone_person", is_active=False)
    with pytest.raises(ValidationError) as caught:
        actions.do_add_member(actor=world.owner, community=places.open, user=gone)
    assert list(caught.value.message_dict) == ["username"]


# --- Permissions -----------------------------------------------------------------------------


def roles_world(world: World, community: Community) -> dict[str, User]:
    """owner, moderator (teammate), member (outsider), guest (member too), outsider (a newcomer),
    admin (not a member)."""
    moderator = with_moderator(world, community)
    actions.do_add_member(actor=world.owner, community=community, user=world.outsider)
    actions.do_add_member(actor=world.owner, community=community, user=world.guest)
    return {
        "owner": world.owner,
        "moderator": moderator,
        "member": world.outsider,
        "guest": world.guest,
        "outsider": make_person("nina_newcomer"),
        "admin": world.admin,
    }


MODERATORS = {"owner", "moderator", "admin"}


@pytest.mark.parametrize("who", ["owner", "moderator", "admin", "member", "guest", "outsider"])
def test_who_adds_removes_and_edits(world: World, places: Places, who: str) -> None:
    people = roles_world(world, places.open)
    actor = people[who]
    target = make_person("tina_target")

    def attempts() -> list[Any]:
        return [
            lambda: actions.do_add_member(actor=actor, community=places.open, user=target),
            lambda: actions.do_remove_member(actor=actor, community=places.open, user=target),
            lambda: actions.do_update_community(
                actor=actor, community=places.open, description=f"by {who}"
            ),
            lambda: actions.do_set_rule(actor=actor, community=places.open, departments=["Sales"]),
            lambda: actions.do_remove_rule(actor=actor, community=places.open),
        ]

    for attempt in attempts():
        if who in MODERATORS:
            attempt()
        else:
            with pytest.raises(PermissionDenied):
                attempt()
    assert_counts_right(places.open)


@pytest.mark.parametrize("who", ["owner", "moderator", "admin", "member", "outsider"])
def test_only_owners_change_roles_and_hand_over_ownership(
    world: World, places: Places, who: str
) -> None:
    people = roles_world(world, places.open)
    actor = people[who]
    member = people["member"]
    if who == "owner":
        actions.do_set_role(
            actor=actor, community=places.open, user=member, role=MemberRole.MODERATOR
        )
        actions.do_transfer_ownership(actor=actor, community=places.open, user=member)
        assert members(places.open)[member.username] == "owner"
        assert members(places.open)[actor.username] == "moderator"
        return
    with pytest.raises(PermissionDenied):
        actions.do_set_role(actor=actor, community=places.open, user=member, role="moderator")
    with pytest.raises(PermissionDenied):
        actions.do_transfer_ownership(actor=actor, community=places.open, user=member)


def test_a_moderator_cannot_remove_an_owner_but_an_owner_can(world: World, places: Places) -> None:
    people = roles_world(world, places.open)
    second = make_person("sam_second")
    actions.do_add_member(actor=world.owner, community=places.open, user=second)
    actions.do_set_role(actor=world.owner, community=places.open, user=second, role="owner")
    with pytest.raises(PermissionDenied):
        actions.do_remove_member(actor=people["moderator"], community=places.open, user=second)
    with pytest.raises(PermissionDenied):
        actions.do_remove_member(actor=world.admin, community=places.open, user=second)
    # A moderator may remove a plain member.
    actions.do_remove_member(
        actor=people["moderator"], community=places.open, user=people["member"]
    )
    actions.do_remove_member(actor=world.owner, community=places.open, user=second)
    assert "sam_second" not in members(places.open)
    assert_counts_right(places.open)


def test_removing_someone_who_is_not_a_member_is_404(world: World, places: Places) -> None:
    with pytest.raises(Http404):
        actions.do_remove_member(actor=world.owner, community=places.open, user=world.outsider)
    with pytest.raises(Http404):
        actions.do_set_role(
            actor=world.owner, community=places.open, user=world.outsider, role="member"
        )


def test_bad_role_is_a_validation_error(world: World, places: Places) -> None:
    with pytest.raises(ValidationError) as caught:
        actions.do_set_role(actor=world.owner, community=places.open, user=world.owner, role="king")
    assert list(caught.value.message_dict) == ["role"]


# --- The last owner ------------------------------------------------------------------------------


def test_the_last_owner_cannot_leave_be_removed_or_demoted(world: World, places: Places) -> None:
    with pytest.raises(ValidationError) as caught:
        actions.do_leave(actor=world.owner, community=places.open)
    assert list(caught.value.message_dict) == ["role"]
    with pytest.raises(ValidationError):
        actions.do_remove_member(actor=world.owner, community=places.open, user=world.owner)
    with pytest.raises(ValidationError) as caught:
        actions.do_set_role(
            actor=world.owner, community=places.open, user=world.owner, role="moderator"
        )
    assert list(caught.value.message_dict) == ["role"]
    assert members(places.open) == {"olivia_owner": "owner"}


def test_a_deactivated_second_owner_does_not_count(world: World, places: Places) -> None:
    other = make_person("otto_owner")
    actions.do_add_member(actor=world.owner, community=places.open, user=other)
    actions.do_set_role(actor=world.owner, community=places.open, user=other, role="owner")
    User.objects.filter(pk=other.pk).update(is_active=False)
    with pytest.raises(ValidationError):
        actions.do_leave(actor=world.owner, community=places.open)


def test_after_handing_over_the_former_owner_may_leave(
    world: World, places: Places, commit: Commit, sent_signals: SentSignals
) -> None:
    actions.do_add_member(actor=world.owner, community=places.open, user=world.teammate)
    with pytest.raises(ValidationError) as caught:
        actions.do_transfer_ownership(actor=world.owner, community=places.open, user=world.outsider)
    assert list(caught.value.message_dict) == ["username"]
    with pytest.raises(ValidationError):
        actions.do_transfer_ownership(actor=world.owner, community=places.open, user=world.owner)
    with commit():
        actions.do_transfer_ownership(actor=world.owner, community=places.open, user=world.teammate)
    assert members(places.open) == {"olivia_owner": "moderator", "theo_teammate": "owner"}
    assert [(kw["user"], kw["role"]) for name, kw in sent_signals if name == "role_changed"] == [
        (world.teammate, "owner"),
        (world.owner, "moderator"),
    ]
    actions.do_leave(actor=world.owner, community=places.open)
    assert members(places.open) == {"theo_teammate": "owner"}
    assert_counts_right(places.open)


def test_an_owner_may_step_down_when_another_owner_remains(world: World, places: Places) -> None:
    actions.do_add_member(actor=world.owner, community=places.open, user=world.teammate)
    actions.do_set_role(actor=world.owner, community=places.open, user=world.teammate, role="owner")
    actions.do_set_role(actor=world.owner, community=places.open, user=world.owner, role="member")
    assert members(places.open) == {"olivia_owner": "member", "theo_teammate": "owner"}


# --- Following -------------------------------------------------------------------------------


def test_following_a_community_in_the_home_feed(
    world: World, places: Places, commit: Commit, sent_events: SentEvents
) -> None:
    actions.do_join(actor=world.outsider, community=places.open)
    with commit():
        membership = actions.do_set_following(
            actor=world.outsider, community=places.open, following=False
        )
    assert membership.following is False
    assert follows_changed_for(sent_events) == {f"user.{world.outsider.pk}"}
    with pytest.raises(ValidationError):
        actions.do_set_following(actor=world.outsider, community=places.open, following="no")
    with pytest.raises(Http404):
        actions.do_set_following(actor=world.teammate, community=places.open, following=True)


def test_member_counts_stay_right_through_a_busy_day(world: World, places: Places) -> None:
    community = places.closed
    people = [make_person(f"person_{i}") for i in range(6)]
    for person in people:
        actions.do_join(actor=person, community=community)
    for person in people[:4]:
        actions.do_add_member(actor=world.owner, community=community, user=person)
    actions.do_remove_member(actor=world.owner, community=community, user=people[4])
    actions.do_leave(actor=people[0], community=community)
    actions.do_remove_member(actor=world.owner, community=community, user=people[1])
    actions.do_join(actor=people[0], community=community)
    actions.do_add_member(actor=world.owner, community=community, user=people[0])
    assert_counts_right(community)
    assert community.member_count == 4  # owner, people 0, 2, 3


# --- The Django admin ------------------------------------------------------------------------


def test_the_django_admin_lists_and_applies_rules(
    world: World, places: Places, client_as: ClientAs
) -> None:
    superuser = make_person("root", is_staff=True, is_superuser=True)
    client = client_as(superuser)
    actions.do_set_rule(actor=world.owner, community=places.open, departments=["Sales"])
    for model in ("community", "membership", "directoryrule", "ruleoptout", "membershipchange"):
        assert client.get(f"/admin/communities/{model}/").status_code == 200, model
    assert client.get(f"/admin/communities/community/{places.open.pk}/change/").status_code == 200
    # Memberships are read-only here: counts and live groups go through the actions.
    assert client.get("/admin/communities/membership/add/").status_code == 403
    rule = places.open.rule
    response = client.post(
        f"/admin/communities/directoryrule/{rule.pk}/change/",
        {
            "community": places.open.pk,
            "departments": [world.engineering.pk],
            "regions": "[]",
            "countries": "[]",
            "created_at_0": "2024-01-01",
            "created_at_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert members(places.open) == {"olivia_owner": "owner", "theo_teammate": "member"}
    assert_counts_right(places.open)
