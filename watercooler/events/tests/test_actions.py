"""Creating events, the input rules, RSVP with the waitlist and its exact counters, promotion
notifications, cancelling, editing and reminders."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from watercooler.communities.models import Community, Membership
from watercooler.core.errors import Conflict
from watercooler.events import actions, queries
from watercooler.events.models import Event, Rsvp, RsvpStatus
from watercooler.events.tasks import send_event_reminders
from watercooler.events.tests.conftest import make_event, soon
from watercooler.notifications.models import Notification, NotificationKind
from watercooler.testing.fixtures import Commit
from watercooler.testing.world import World, make_person

pytestmark = pytest.mark.django_db


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def _counts(event: Event) -> tuple[int, int, int]:
    event.refresh_from_db()
    return event.going_count, event.maybe_count, event.waitlist_count


def _true_counts(event: Event) -> tuple[int, int, int]:
    rows = Rsvp.objects.filter(event=event)
    return (
        rows.filter(status=RsvpStatus.GOING, waitlisted_at__isnull=True).count(),
        rows.filter(status=RsvpStatus.MAYBE).count(),
        rows.filter(status=RsvpStatus.GOING, waitlisted_at__isnull=False).count(),
    )


# --- Input ---------------------------------------------------------------------------------------


def test_times_with_offset_are_stored_in_utc_and_zone_defaults_to_the_organisers(
    world: World,
) -> None:
    event = make_event(
        world.outsider, starts_at="2031-03-01T18:00:00+01:00", ends_at="2031-03-01T20:00:00+01:00"
    )
    assert event.starts_at == dt.datetime(2031, 3, 1, 17, 0, tzinfo=dt.UTC)
    assert event.timezone == "Europe/Berlin"  # the outsider works in Berlin


def test_naive_times_need_a_timezone(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        make_event(world.owner, starts_at="2031-07-01T18:00", ends_at="2031-07-01T19:00")
    assert set(_errors(exc)) == {"starts_at", "ends_at"}
    assert "offset" in _errors(exc)["starts_at"][0]
    event = make_event(
        world.owner,
        starts_at="2031-07-01T18:00",
        ends_at="2031-07-01T19:00",
        timezone_name="America/New_York",
    )
    assert event.starts_at == dt.datetime(2031, 7, 1, 22, 0, tzinfo=dt.UTC)  # EDT is UTC-4
    assert event.timezone == "America/New_York"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"timezone_name": "Mars/Olympus"}, "timezone"),
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"online_url": "javascript:alert(1)"}, "online_url"),
        ({"online_url": "ftp://example.com/x"}, "online_url"),
        ({"online_url": "https://"}, "online_url"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": "lots"}, "capacity"),
        ({"capacity": True}, "capacity"),
        ({"location": "x" * 301}, "location"),
        ({"description": "x" * 10_001}, "description"),
    ],
)
def test_bad_input_names_the_field(world: World, fields: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as exc:
        make_event(world.owner, **fields)
    assert field in _errors(exc)


def test_end_must_follow_start_and_start_be_in_the_future(world: World) -> None:
    start = soon()
    with pytest.raises(ValidationError) as exc:
        make_event(world.owner, start=start, ends_at=start.isoformat())
    assert _errors(exc)["ends_at"] == ["The end must be after the start."]
    with pytest.raises(ValidationError) as exc:
        make_event(world.owner, start=soon(-2))
    assert "future" in _errors(exc)["starts_at"][0]


def test_description_is_markdown_rendered_safely(world: World) -> None:
    event = make_event(world.owner, description="**Bring** food <script>alert(1)</script>")
    assert "<strong>Bring</strong>" in event.description_html
    assert "<script>" not in event.description_html


def test_guests_plan_only_in_their_communities(world: World, open_community: Community) -> None:
    with pytest.raises(PermissionDenied):
        make_event(world.guest)
    Membership.objects.create(community=open_community, user=world.guest, joined_at=timezone.now())
    assert make_event(world.guest, community_handle="runners").community == open_community


def test_community_events_need_membership(
    world: World, secret: Community, open_community: Community
) -> None:
    with pytest.raises(ValidationError) as exc:
        make_event(world.outsider, community_handle="runners")
    assert "Join the community" in _errors(exc)["community"][0]
    # A secret community a person cannot see reads like no community at all.
    with pytest.raises(ValidationError) as exc:
        make_event(world.outsider, community_handle="skunkworks")
    assert _errors(exc)["community"] == ["No such community."]
    assert make_event(world.teammate, community_handle="skunkworks").community == secret


# --- RSVP and the waitlist ----------------------------------------------------------------------


def test_waitlist_promotes_the_longest_waiting_in_the_same_transaction(
    world: World, commit: Commit
) -> None:
    event = make_event(world.admin, capacity=1)
    first = actions.do_rsvp(actor=world.owner, event=event, status="going")
    assert (first.waitlisted, first.position) == (False, None)
    second = actions.do_rsvp(actor=world.teammate, event=event, status="going")
    third = actions.do_rsvp(actor=world.outsider, event=event, status="going")
    assert (second.waitlisted, second.position) == (True, 1)
    assert (third.waitlisted, third.position) == (True, 2)
    assert _counts(event) == (1, 0, 2) == _true_counts(event)

    with commit():
        freed = actions.do_rsvp(actor=world.owner, event=event, status="not_going")
    assert freed.promoted == [world.teammate.pk]
    assert _counts(event) == (1, 0, 1) == _true_counts(event)
    assert not Rsvp.objects.get(event=event, user=world.teammate).is_waitlisted
    outsider = Rsvp.objects.get(event=event, user=world.outsider)
    assert queries.waitlist_position(outsider) == 1

    note = Notification.objects.get(kind=NotificationKind.EVENT_PROMOTED)
    assert (note.recipient, note.event, note.actor) == (world.teammate, event, None)


def test_counters_stay_exact_through_every_change(world: World) -> None:
    event = make_event(world.admin, capacity=2)
    people = [world.owner, world.teammate, world.outsider]
    steps = [
        (0, "going"), (1, "maybe"), (2, "going"), (1, "going"), (0, "maybe"),
        (2, "not_going"), (1, "going"), (0, "going"), (2, "going"), (1, "not_going"),
    ]  # fmt: skip
    for who, status in steps:
        actions.do_rsvp(actor=people[who], event=event, status=status)
        assert _counts(event) == _true_counts(event)
    assert _counts(event) == (2, 0, 0)


def test_answering_going_again_keeps_the_place_in_line(world: World) -> None:
    event = make_event(world.admin, capacity=1)
    actions.do_rsvp(actor=world.owner, event=event, status="going")
    actions.do_rsvp(actor=world.teammate, event=event, status="going")
    actions.do_rsvp(actor=world.outsider, event=event, status="going")
    again = actions.do_rsvp(actor=world.teammate, event=event, status="going")
    assert (again.waitlisted, again.position) == (True, 1)
    assert _counts(event) == (1, 0, 2)


def test_rsvp_status_is_checked(world: World) -> None:
    event = make_event(world.admin)
    with pytest.raises(ValidationError) as exc:
        actions.do_rsvp(actor=world.owner, event=event, status="perhaps")
    assert "status" in _errors(exc)


def test_rsvp_closes_when_started_or_cancelled_and_attendance_stays(world: World) -> None:
    event = make_event(world.admin, capacity=5)
    actions.do_rsvp(actor=world.owner, event=event, status="going")
    later = event.starts_at + dt.timedelta(minutes=1)
    with pytest.raises(Conflict, match="started"):
        actions.do_rsvp(actor=world.teammate, event=event, status="going", now=later)
    actions.do_cancel_event(actor=world.admin, event=event)
    with pytest.raises(Conflict, match="cancelled"):
        actions.do_rsvp(actor=world.teammate, event=event, status="going")
    assert _counts(event) == (1, 0, 0)


def test_raising_the_capacity_promotes_and_lowering_below_going_is_refused(
    world: World, commit: Commit
) -> None:
    event = make_event(world.admin, capacity=1)
    actions.do_rsvp(actor=world.owner, event=event, status="going")
    actions.do_rsvp(actor=world.teammate, event=event, status="going")
    edit: dict[str, Any] = {
        "title": event.title,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "timezone_name": event.timezone,
    }
    data = actions.check_event_input(actor=world.admin, event=event, capacity=2, **edit)
    with commit():
        actions.do_update_event(actor=world.admin, event=event, data=data)
    assert _counts(event) == (2, 0, 0)
    assert event.sequence == 1
    assert Notification.objects.filter(
        kind=NotificationKind.EVENT_PROMOTED, recipient=world.teammate
    ).exists()
    with pytest.raises(ValidationError) as exc:
        actions.check_event_input(actor=world.admin, event=event, capacity=1, **edit)
    assert "already going" in _errors(exc)["capacity"][0]


def test_only_organiser_moderators_and_admins_manage(world: World, secret: Community) -> None:
    event = make_event(world.teammate, community_handle="skunkworks")
    with pytest.raises(PermissionDenied):
        actions.do_cancel_event(actor=world.outsider, event=event)
    actions.do_cancel_event(actor=world.owner, event=event)  # the community's owner
    with pytest.raises(Conflict):
        actions.do_cancel_event(actor=world.owner, event=event)
    event.refresh_from_db()
    assert event.cancelled_at is not None
    assert event.sequence == 1


# --- Reminders ----------------------------------------------------------------------------------


def test_reminders_go_once_to_people_going_who_may_still_see_it(
    world: World, secret: Community, commit: Commit
) -> None:
    event = make_event(world.owner, community_handle="skunkworks", start=soon(0.5), capacity=1)
    later = make_event(world.owner, start=soon(5))
    actions.do_rsvp(actor=world.teammate, event=event, status="going")
    actions.do_rsvp(actor=world.owner, event=event, status="going")  # waitlisted: no reminder
    actions.do_rsvp(actor=world.teammate, event=later, status="going")

    with commit():
        assert send_event_reminders() == 1
    assert send_event_reminders() == 0  # claimed: a second worker sends nothing
    call_command("send_event_reminders", verbosity=0)
    notes = Notification.objects.filter(kind=NotificationKind.EVENT_REMINDER)
    assert [(n.recipient, n.event) for n in notes] == [(world.teammate, event)]
    event.refresh_from_db()
    assert event.reminded_at is not None

    # Four hours on, the later event is due; someone who left the secret community since is not
    # reminded of its events.
    third = make_event(world.owner, community_handle="skunkworks", start=soon(5))
    actions.do_rsvp(actor=world.teammate, event=third, status="going")
    Membership.objects.filter(community=secret, user=world.teammate).delete()
    with commit():
        assert send_event_reminders(now=timezone.now() + dt.timedelta(hours=4, minutes=30)) == 1
    assert set(notes.values_list("event_id", flat=True)) == {event.pk, later.pk}


def test_moving_an_event_rearms_its_reminder(world: World) -> None:
    event = make_event(world.owner, start=soon(0.5))
    actions.do_rsvp(actor=world.teammate, event=event, status="going")
    assert send_event_reminders() == 1
    start = soon(30)
    data = actions.check_event_input(
        actor=world.owner,
        event=event,
        title=event.title,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
    )
    event = actions.do_update_event(actor=world.owner, event=event, data=data)
    assert event.reminded_at is None
    assert send_event_reminders(now=start - dt.timedelta(minutes=30)) == 1


def test_deactivated_people_are_not_reminded(world: World) -> None:
    event = make_event(world.owner, start=soon(0.5))
    gone = make_person("gone_person")
    actions.do_rsvp(actor=gone, event=event, status="going")
    gone.is_active = False
    gone.save()
    assert send_event_reminders() == 0
