"""Who may do what on the skills exchange. Members use it; guests (outside the organisation)
do not. Requests are changed by the person who asked (and matching by them alone), a match is
completed by either side, a mentoring offer is decided by its mentor."""

from watercooler.core.policy import is_active_person
from watercooler.people.models import User
from watercooler.skills.models import (
    Application,
    ApplicationStatus,
    HelpRequest,
    Offer,
    RequestStatus,
)

GUESTS_MESSAGE = "The skills exchange is for members of the organisation."


def can_use_exchange(viewer: User) -> bool:
    return is_active_person(viewer) and not viewer.is_guest


def can_close_offer(viewer: User, offer: Offer) -> bool:
    return (
        can_use_exchange(viewer)
        and offer.closed_at is None
        and (offer.person_id == viewer.pk or viewer.is_administrator)
    )


def can_apply(viewer: User, offer: Offer) -> bool:
    return (
        can_use_exchange(viewer)
        and offer.is_mentoring
        and offer.closed_at is None
        and offer.person_id != viewer.pk
    )


def can_decide(viewer: User, application: Application, offer: Offer) -> bool:
    return (
        can_use_exchange(viewer)
        and offer.person_id == viewer.pk
        and application.status == ApplicationStatus.PENDING
    )


def can_match(viewer: User, request: HelpRequest) -> bool:
    return (
        can_use_exchange(viewer)
        and request.person_id == viewer.pk
        and request.status == RequestStatus.OPEN
    )


def can_complete(viewer: User, request: HelpRequest) -> bool:
    return (
        can_use_exchange(viewer)
        and viewer.pk in (request.person_id, request.helper_id)
        and request.status == RequestStatus.MATCHED
    )


def can_withdraw(viewer: User, request: HelpRequest) -> bool:
    return (
        can_use_exchange(viewer)
        and request.person_id == viewer.pk
        and request.status in (RequestStatus.OPEN, RequestStatus.MATCHED)
    )


def can_thank_for(viewer: User, request: HelpRequest) -> bool:
    """Either side of a matched or completed request."""
    return (
        can_use_exchange(viewer)
        and request.helper_id is not None
        and viewer.pk in (request.person_id, request.helper_id)
        and request.status in (RequestStatus.MATCHED, RequestStatus.DONE)
    )
