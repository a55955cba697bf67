"""The skills exchange's writes: offers, requests and their lifecycle, mentoring applications
and thanks. Each checks permission through ``policy`` and notifies on commit (notifications
are real time like the rest)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from watercooler.core.errors import Conflict, FieldErrors, raise_field
from watercooler.core.inputs import EARLIEST, LATEST, MOMENT_MESSAGE, text_field
from watercooler.core.links import path_to
from watercooler.notifications.actions import do_notify
from watercooler.notifications.models import NotificationKind
from watercooler.people.models import Location, User
from watercooler.people.queries import active_member
from watercooler.skills import policy
from watercooler.skills.models import (
    Application,
    ApplicationStatus,
    HelpRequest,
    Mode,
    Offer,
    RequestStatus,
    Thanks,
)

MAX_PLACES = 50
SHORT_TEXT = 80  # the longest one-line field


def check_can_use(actor: User) -> None:
    if not policy.can_use_exchange(actor):
        raise PermissionDenied(policy.GUESTS_MESSAGE)


def _text(
    errors: FieldErrors, data: dict[str, Any], field: str, *, limit: int, required: bool = False
) -> str:
    # A one-line field (a skill, a time) keeps single spaces; a description keeps its lines.
    return text_field(
        errors, data, field, limit=limit, one_line=limit <= SHORT_TEXT, required=required
    )


def _mode_and_location(errors: FieldErrors, data: dict[str, Any]) -> tuple[str, Location | None]:
    mode = data.get("mode") or Mode.EITHER
    if mode not in Mode.values:
        errors.add("mode", f"Choose one of {', '.join(Mode.values)}.")
        mode = Mode.EITHER
    name = _text(errors, data, "location", limit=120)
    location = Location.objects.filter(name=name).first() if name else None
    if name and location is None:
        errors.add("location", f"Unknown location {name!r}.")
    return str(mode), location


@dataclass(frozen=True)
class OfferInput:
    skill: str
    description: str
    time_commitment: str
    mode: str
    location: Location | None
    is_mentoring: bool
    places: int | None


def check_offer_input(*, actor: User, data: dict[str, Any]) -> OfferInput:
    """Every field's problems at once (ValidationError)."""
    check_can_use(actor)
    errors = FieldErrors()
    skill = _text(errors, data, "skill", limit=80, required=True)
    description = _text(errors, data, "description", limit=2000)
    time_commitment = _text(errors, data, "time_commitment", limit=80)
    mode, location = _mode_and_location(errors, data)
    mentoring = data.get("is_mentoring") in (True, "on", "true", "yes", "1")
    places: int | None = None
    if mentoring:
        raw = data.get("places")
        try:
            places = int(raw) if raw not in (None, "") else 1
        except (TypeError, ValueError):
            errors.add("places", "Must be a whole number.")
        if places is not None and not 1 <= places <= MAX_PLACES:
            errors.add("places", f"Between 1 and {MAX_PLACES} places.")
    errors.raise_if_any()
    return OfferInput(skill, description, time_commitment, mode, location, mentoring, places)


@transaction.atomic
def do_create_offer(*, actor: User, data: OfferInput) -> Offer:
    check_can_use(actor)
    return Offer.objects.create(
        person=actor,
        skill=data.skill,
        description=data.description,
        time_commitment=data.time_commitment,
        mode=data.mode,
        location=data.location,
        is_mentoring=data.is_mentoring,
        places=data.places,
    )


@transaction.atomic
def do_close_offer(*, actor: User, offer: Offer) -> Offer:
    if not policy.can_close_offer(actor, offer):
        raise PermissionDenied("Only the person who made an open offer may close it.")
    offer.closed_at = timezone.now()
    offer.save(update_fields=["closed_at"])
    return offer


@dataclass(frozen=True)
class RequestInput:
    skill: str
    description: str
    needed_by: dt.date | None
    mode: str
    location: Location | None


def check_request_input(*, actor: User, data: dict[str, Any]) -> RequestInput:
    check_can_use(actor)
    errors = FieldErrors()
    skill = _text(errors, data, "skill", limit=80, required=True)
    description = _text(errors, data, "description", limit=2000)
    mode, location = _mode_and_location(errors, data)
    needed_by = data.get("needed_by") or None
    if isinstance(needed_by, str):
        try:
            needed_by = dt.date.fromisoformat(needed_by)
        except ValueError:
            errors.add("needed_by", "Use a date like 2026-03-31.")
            needed_by = None
    if needed_by is not None and not isinstance(needed_by, dt.date):
        errors.add("needed_by", "Use a date like 2026-03-31.")
        needed_by = None
    if needed_by is not None:
        if not EARLIEST.date() <= needed_by < LATEST.date():
            errors.add("needed_by", MOMENT_MESSAGE)
        elif needed_by < timezone.localdate():
            errors.add("needed_by", "The date has passed; choose today or later.")
    errors.raise_if_any()
    return RequestInput(skill, description, needed_by, mode, location)


@transaction.atomic
def do_create_request(*, actor: User, data: RequestInput) -> HelpRequest:
    check_can_use(actor)
    return HelpRequest.objects.create(
        person=actor,
        skill=data.skill,
        description=data.description,
        needed_by=data.needed_by,
        mode=data.mode,
        location=data.location,
    )


def _locked(request: HelpRequest) -> HelpRequest:
    return HelpRequest.objects.select_for_update().get(pk=request.pk)


def _request_url(request: HelpRequest) -> str:
    return path_to("skills:request", request.pk)


@transaction.atomic
def do_match_request(*, actor: User, request: HelpRequest, username: Any) -> HelpRequest:
    """The person who asked picks who helps: open → matched; the helper is notified."""
    request = _locked(request)
    if not policy.can_match(actor, request):
        if request.person_id == actor.pk:
            raise Conflict(f"This request is {request.get_status_display().lower()}.")
        raise PermissionDenied("Only the person who asked may choose who helps.")
    helper = active_member(username)
    if helper is None or helper.pk == actor.pk:
        raise_field("username", "Choose an active colleague other than yourself.")
    request.status = RequestStatus.MATCHED
    request.helper = helper
    request.matched_at = timezone.now()
    request.save(update_fields=["status", "helper", "matched_at"])
    do_notify(
        kind=NotificationKind.SKILL_MATCH,
        recipient_ids=[helper.pk],
        actor=actor,
        subject=request.skill,
        link=_request_url(request),
    )
    return request


@transaction.atomic
def do_complete_request(*, actor: User, request: HelpRequest) -> HelpRequest:
    """Either side: matched → done; the other side is notified."""
    request = _locked(request)
    if not policy.can_complete(actor, request):
        if actor.pk in (request.person_id, request.helper_id):
            raise Conflict(f"This request is {request.get_status_display().lower()}.")
        raise PermissionDenied("Only the two people of a match may mark it done.")
    request.status = RequestStatus.DONE
    request.closed_at = timezone.now()
    request.save(update_fields=["status", "closed_at"])
    other = request.helper_id if actor.pk == request.person_id else request.person_id
    do_notify(
        kind=NotificationKind.SKILL_DONE,
        recipient_ids=[other] if other else [],
        actor=actor,
        subject=request.skill,
        link=_request_url(request),
    )
    return request


@transaction.atomic
def do_withdraw_request(*, actor: User, request: HelpRequest) -> HelpRequest:
    request = _locked(request)
    if not policy.can_withdraw(actor, request):
        if request.person_id == actor.pk:
            raise Conflict(f"This request is {request.get_status_display().lower()}.")
        raise PermissionDenied("Only the person who asked may withdraw a request.")
    request.status = RequestStatus.WITHDRAWN
    request.closed_at = timezone.now()
    request.save(update_fields=["status", "closed_at"])
    return request


@transaction.atomic
def do_thank(
    *, actor: User, username: Any, message: Any, request: HelpRequest | None = None
) -> Thanks:
    """Thank a colleague, for a request (either side of its match, thanking the other) or on
    its own; they are notified and it shows on their profile."""
    check_can_use(actor)
    errors = FieldErrors()
    text = _text(errors, {"message": message}, "message", limit=1000, required=True)
    recipient = active_member(username)
    if recipient is None or recipient.pk == actor.pk:
        errors.add("username", "Choose an active colleague other than yourself.")
    if request is not None and recipient is not None:
        if not policy.can_thank_for(actor, request):
            errors.add("request_id", "Only the two people of a match thank each other for it.")
        elif recipient.pk not in (request.person_id, request.helper_id):
            errors.add("username", "Thank the other person of this request's match.")
    errors.raise_if_any()
    assert recipient is not None
    thanks = Thanks.objects.create(sender=actor, recipient=recipient, request=request, message=text)
    do_notify(
        kind=NotificationKind.SKILL_THANKS,
        recipient_ids=[recipient.pk],
        actor=actor,
        subject=text[:200],
        link=path_to("people:profile", recipient.username) + "#thanks",
    )
    return thanks


@transaction.atomic
def do_apply(*, actor: User, offer: Offer, message: Any) -> Application:
    """Ask for a place on a mentoring offer (once); the mentor is notified."""
    if not policy.can_apply(actor, offer):
        check_can_use(actor)
        raise Conflict("You can apply only to someone else's open mentoring offer.")
    errors = FieldErrors()
    text = _text(errors, {"message": message}, "message", limit=1000)
    errors.raise_if_any()
    try:
        with transaction.atomic():
            application = Application.objects.create(offer=offer, applicant=actor, message=text)
    except IntegrityError:
        raise Conflict("You have already applied to this offer.") from None
    do_notify(
        kind=NotificationKind.SKILL_APPLICATION,
        recipient_ids=[offer.person_id],
        actor=actor,
        subject=offer.skill,
        link=path_to("skills:offer", offer.pk),
    )
    return application


@transaction.atomic
def do_decide(*, actor: User, application: Application, accept: bool) -> Application:
    """The mentor accepts (while places last) or declines; the applicant is notified."""
    offer = Offer.objects.select_for_update().get(pk=application.offer_id)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not policy.can_decide(actor, application, offer):
        if offer.person_id == actor.pk:
            raise Conflict("This application has already been answered.")
        raise PermissionDenied("Only the mentor decides on applications.")
    if accept:
        taken = offer.applications.filter(status=ApplicationStatus.ACCEPTED).count()
        if offer.places is not None and taken >= offer.places:
            raise Conflict("Every place is taken: decline, or add places to the offer.")
    application.status = ApplicationStatus.ACCEPTED if accept else ApplicationStatus.DECLINED
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decided_at"])
    do_notify(
        kind=NotificationKind.SKILL_ACCEPTED if accept else NotificationKind.SKILL_DECLINED,
        recipient_ids=[application.applicant_id],
        actor=actor,
        subject=offer.skill,
        link=path_to("skills:offer", offer.pk),
    )
    return application
