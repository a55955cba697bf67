"""The events demo: events behind and ahead, exact counters, waitlists in order, RSVPs only from
people who may see the event, and times in the organiser's own zone."""

import datetime as dt
import zoneinfo
from collections.abc import Iterator

import pytest
from django.db import transaction
from pytest_django import DjangoDbBlocker

from watercooler.communities.models import Membership, MembershipStatus, Privacy
from watercooler.demo.builder import run_demo
from watercooler.demo.context import DemoContext
from watercooler.events.models import Event, Rsvp, RsvpStatus
from watercooler.events.queries import visible_events
from watercooler.people.models import Role

NOW = dt.datetime(2025, 3, 12, 15, 30, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def built(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[DemoContext]:
    """One demo for the whole module (it takes seconds), rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield run_demo(people=120, seed=7, photos=False, now=NOW)
        transaction.set_rollback(True)


@pytest.fixture
def demo(built: DemoContext, db: None) -> DemoContext:
    return built


def test_events_behind_and_ahead_company_wide_and_in_communities(demo: DemoContext) -> None:
    events = list(Event.objects.select_related("community", "organiser__location"))
    assert 20 <= len(events) <= 35
    past = [e for e in events if e.starts_at < NOW]
    ahead = [e for e in events if e.starts_at > NOW]
    assert len(past) >= 8
    assert len(ahead) >= 8
    assert all(
        NOW - dt.timedelta(days=62) <= e.starts_at <= NOW + dt.timedelta(days=45) for e in events
    )
    assert any(e.community is None for e in events)
    assert {e.community.privacy for e in events if e.community} == set(Privacy.values)
    assert any(e.online_url and not e.location for e in events)
    assert any(e.location and e.capacity for e in events)
    assert sum(1 for e in events if e.cancelled_at is not None) == 1
    for event in events:
        assert event.ends_at > event.starts_at
        assert event.created_at <= min(event.starts_at, NOW)
        # Set in the organiser's zone, at a sensible local hour.
        location = event.organiser.location
        assert location is not None
        assert event.timezone == location.timezone
        local = event.starts_at.astimezone(zoneinfo.ZoneInfo(event.timezone))
        assert 6 <= local.hour <= 18, event.title
        if event.title.startswith("Sunday"):
            assert local.weekday() == 6
        # Organisers of community events are its members.
        if event.community is not None:
            assert Membership.objects.filter(
                community=event.community, user=event.organiser, status=MembershipStatus.ACTIVE
            ).exists()


def test_counters_match_the_rsvps(demo: DemoContext) -> None:
    for event in Event.objects.all():
        rows = Rsvp.objects.filter(event=event)
        going = rows.filter(status=RsvpStatus.GOING)
        assert event.going_count == going.filter(waitlisted_at__isnull=True).count(), event.title
        assert event.waitlist_count == going.filter(waitlisted_at__isnull=False).count()
        assert event.maybe_count == rows.filter(status=RsvpStatus.MAYBE).count()
        assert (
            not rows.exclude(status=RsvpStatus.GOING).filter(waitlisted_at__isnull=False).exists()
        )
        if event.capacity is not None:
            assert event.going_count <= event.capacity
            if event.waitlist_count:
                assert event.going_count == event.capacity
                # The list is served in order: everyone confirmed answered before anyone waiting.
                confirmed = going.filter(waitlisted_at__isnull=True)
                waiting = going.filter(waitlisted_at__isnull=False)
                assert max(r.responded_at for r in confirmed) <= min(
                    r.responded_at for r in waiting
                )
        assert all(r.responded_at <= min(event.starts_at, NOW) for r in rows)
        if event.cancelled_at is not None:
            assert all(r.responded_at <= event.cancelled_at for r in rows)
    # Waitlists exist, behind and ahead; past events kept the attendance recorded.
    full = Event.objects.filter(waitlist_count__gt=0)
    assert full.filter(starts_at__lt=NOW).exists()
    assert full.filter(starts_at__gt=NOW).exists()
    assert Rsvp.objects.filter(event__starts_at__lt=NOW, attended=True).exists()
    assert not Rsvp.objects.filter(event__starts_at__gt=NOW, attended__isnull=False).exists()
    # Past events are reminded; the upcoming ones are left for the reminder task.
    assert not Event.objects.filter(starts_at__lt=NOW, reminded_at__isnull=True).exists()
    assert not Event.objects.filter(starts_at__gt=NOW, reminded_at__isnull=False).exists()


def test_only_people_who_may_see_an_event_answer_it(demo: DemoContext) -> None:
    guest = demo.accounts["guest"]
    for event in Event.objects.select_related("community"):
        people = set(Rsvp.objects.filter(event=event).values_list("user_id", flat=True))
        if event.community is None:
            assert guest.pk not in people
            continue
        members = set(
            Membership.objects.filter(
                community=event.community, status=MembershipStatus.ACTIVE
            ).values_list("user_id", flat=True)
        )
        assert people <= members, event.title
    # The demo accounts: the member waits for a place on the full sunrise run, knows nothing of
    # the secret projects' events; the guest sees only the photography group's events.
    member = demo.accounts["member"]
    sunrise = Rsvp.objects.get(event__title="Sunrise trail run", user=member)
    assert sunrise.is_waitlisted
    assert not visible_events(member).filter(community__privacy=Privacy.SECRET).exists()
    assert set(visible_events(guest).values_list("community__handle", flat=True)) == {"photography"}
    assert Rsvp.objects.filter(user=guest, status=RsvpStatus.GOING).exists()
    assert not Rsvp.objects.filter(user__role=Role.GUEST, event__community__isnull=True).exists()
