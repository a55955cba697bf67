"""Who may do what with events: plain yes/no permission predicates, and the words a refusal uses.

Seeing an event is a filter, not a predicate (``queries.visible_events_q``), so lists and single
events share it. The rest is here: queries and pages ask these to decide which buttons to show,
actions raise through their ``check_*`` functions, which ask the same predicates.
"""

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone

from watercooler.communities.models import Membership
from watercooler.communities.policy import can_moderate
from watercooler.communities.queries import membership_of, moderated_community_ids
from watercooler.core.policy import is_active_person
from watercooler.events.models import Event
from watercooler.people.models import User

ORGANISERS_ONLY = (
    "Only the organiser, the community's moderators or an administrator can change this event."
)
GUESTS_PLAN_IN_COMMUNITIES = "Guests can only plan events in communities they belong to."
MEMBERS_PLAN = "Join the community first: only its members can plan its events."


def can_plan_company_event(viewer: User) -> bool:
    """Company-wide events: any active member of the company but guests."""
    return is_active_person(viewer) and not viewer.is_guest


def can_plan_community_event(viewer: User, membership: Membership | None) -> bool:
    """A community's events: its active members (guests too), ``membership`` being theirs."""
    return is_active_person(viewer) and membership is not None and membership.is_active


def can_manage_event(viewer: User, event: Event) -> bool:
    """Edit and cancel: the organiser, the community's owners and moderators, administrators."""
    if not is_active_person(viewer):
        return False
    if viewer.pk == event.organiser_id or viewer.is_administrator:
        return True
    if event.community is None:
        return False
    return can_moderate(viewer, membership_of(viewer, event.community))


def managed_event_ids(viewer: User, events: Sequence[Event]) -> set[int]:
    """Which of ``events`` ``viewer`` may edit and cancel (``can_manage_event`` for a whole page,
    in one query at most)."""
    if not is_active_person(viewer):
        return set()
    if viewer.is_administrator:
        return {e.pk for e in events}
    managed = {e.pk for e in events if e.organiser_id == viewer.pk}
    community_ids = {e.community_id for e in events if e.community_id and e.pk not in managed}
    if community_ids:
        moderated = moderated_community_ids(viewer, community_ids)
        managed |= {e.pk for e in events if e.community_id in moderated}
    return managed


def has_started(event: Event, now: dt.datetime | None = None) -> bool:
    return event.starts_at <= (now or timezone.now())


def rsvp_open(event: Event, now: dt.datetime | None = None) -> bool:
    """Answers close when the event starts or is cancelled."""
    return event.cancelled_at is None and not has_started(event, now)


def can_rsvp(viewer: User, event: Event, now: dt.datetime | None = None) -> bool:
    """Whoever may see the event (loaded through ``queries.access_event``) may answer while
    answers are open."""
    return is_active_person(viewer) and rsvp_open(event, now)
