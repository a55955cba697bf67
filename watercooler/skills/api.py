"""The skills exchange in /api/v1/skills: offers, requests and their lifecycle, thanks and
mentoring. The same actions as the pages; errors in the API's one shape (guests get 403)."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from watercooler.core.links import path_to
from watercooler.core.pages import viewer_of
from watercooler.core.schemas import ErrorOut
from watercooler.people.schemas import person_ref
from watercooler.skills import actions, queries
from watercooler.skills.models import Application, HelpRequest, Offer
from watercooler.skills.schemas import (
    ApplicationOut,
    ApplyIn,
    ExchangeQuery,
    MatchIn,
    MenteesOut,
    OfferDetailOut,
    OfferIn,
    OfferOut,
    OfferPage,
    RequestDetailOut,
    RequestIn,
    RequestOut,
    RequestPage,
    RequestQuery,
    ThanksIn,
    ThanksOut,
)

router = Router()

READ: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE: dict[int, Any] = {**READ, 409: ErrorOut}


def offer_data(offer: Offer) -> dict[str, Any]:
    taken = None
    if offer.is_mentoring:
        # Lists and pages read it annotated (queries.with_places_taken); a new offer has none.
        taken = getattr(offer, "places_taken", 0)
    return {
        "id": offer.pk,
        "person": person_ref(offer.person),
        "skill": offer.skill,
        "description": offer.description,
        "time_commitment": offer.time_commitment,
        "mode": offer.mode,
        "location": offer.location.name if offer.location else None,
        "is_mentoring": offer.is_mentoring,
        "places": offer.places,
        "places_taken": taken,
        "created_at": offer.created_at,
        "closed_at": offer.closed_at,
        "url": path_to("skills:offer", offer.pk),
    }


def request_data(request: HelpRequest) -> dict[str, Any]:
    return {
        "id": request.pk,
        "person": person_ref(request.person),
        "skill": request.skill,
        "description": request.description,
        "needed_by": request.needed_by,
        "mode": request.mode,
        "location": request.location.name if request.location else None,
        "status": request.status,
        "helper": person_ref(request.helper),
        "created_at": request.created_at,
        "matched_at": request.matched_at,
        "closed_at": request.closed_at,
        "url": path_to("skills:request", request.pk),
    }


def application_data(application: Application) -> dict[str, Any]:
    return {
        "id": application.pk,
        "offer_id": application.offer_id,
        "applicant": person_ref(application.applicant),
        "message": application.message,
        "status": application.status,
        "created_at": application.created_at,
        "decided_at": application.decided_at,
    }


def _filters(params: ExchangeQuery, **extra: Any) -> queries.ExchangeFilter:
    return queries.ExchangeFilter(
        q=params.q,
        location=params.location,
        department=params.department,
        remote=params.remote,
        **extra,
    )


# --- Offers -------------------------------------------------------------------------------------


@router.get("/offers", response={200: OfferPage, **READ}, summary="Open offers of help")
def list_offers(request: HttpRequest, params: Query[ExchangeQuery]) -> dict[str, Any]:
    page = queries.offers_page(viewer_of(request), _filters(params), cursor=params.cursor,
                               limit=params.limit)  # fmt: skip
    return {"items": [offer_data(o) for o in page.items], "next_cursor": page.next_cursor}


@router.post("/offers", response={201: OfferOut, **WRITE}, summary="Offer help")
def create_offer(request: HttpRequest, payload: OfferIn) -> Status[dict[str, Any]]:
    """An offer of help; with ``is_mentoring`` a mentoring offer with ``places`` mentees."""
    viewer = viewer_of(request)
    data = actions.check_offer_input(actor=viewer, data=payload.model_dump())
    return Status(201, offer_data(actions.do_create_offer(actor=viewer, data=data)))


@router.get("/offers/{offer_id}", response={200: OfferDetailOut, **READ}, summary="One offer")
def get_offer(request: HttpRequest, offer_id: int) -> dict[str, Any]:
    viewer = viewer_of(request)
    offer = queries.access_offer(viewer, offer_id)
    return {
        **offer_data(offer),
        "applications": [application_data(a) for a in queries.offer_applications(viewer, offer)],
        "fitting_requests": [request_data(r) for r in queries.requests_for(viewer, offer)],
    }


@router.post("/offers/{offer_id}/close", response={200: OfferOut, **WRITE}, summary="Close")
def close_offer(request: HttpRequest, offer_id: int) -> dict[str, Any]:
    viewer = viewer_of(request)
    actions.do_close_offer(actor=viewer, offer=queries.access_offer(viewer, offer_id))
    return offer_data(queries.access_offer(viewer, offer_id))


@router.post(
    "/offers/{offer_id}/apply",
    response={201: ApplicationOut, **WRITE},
    summary="Apply for mentoring",
)
def apply(request: HttpRequest, offer_id: int, payload: ApplyIn) -> Status[dict[str, Any]]:
    """Ask for one of the places of someone's open mentoring offer (once); 409 otherwise."""
    viewer = viewer_of(request)
    offer = queries.access_offer(viewer, offer_id)
    application = actions.do_apply(actor=viewer, offer=offer, message=payload.message)
    return Status(201, application_data(application))


@router.post(
    "/applications/{application_id}/accept",
    response={200: ApplicationOut, **WRITE},
    summary="Accept a mentee",
)
def accept_application(request: HttpRequest, application_id: int) -> dict[str, Any]:
    """The mentor takes the applicant on while places last (409 when they are all taken)."""
    viewer = viewer_of(request)
    application = queries.access_application(viewer, application_id)
    return application_data(actions.do_decide(actor=viewer, application=application, accept=True))


@router.post(
    "/applications/{application_id}/decline",
    response={200: ApplicationOut, **WRITE},
    summary="Decline an application",
)
def decline_application(request: HttpRequest, application_id: int) -> dict[str, Any]:
    viewer = viewer_of(request)
    application = queries.access_application(viewer, application_id)
    return application_data(actions.do_decide(actor=viewer, application=application, accept=False))


@router.get("/mentees", response={200: MenteesOut, **READ}, summary="Your mentees")
def mentees(request: HttpRequest) -> dict[str, Any]:
    mine = queries.my_exchange(viewer_of(request))
    return {"items": [application_data(a) for a in mine.mentees]}


# --- Requests -----------------------------------------------------------------------------------


@router.get("/requests", response={200: RequestPage, **READ}, summary="Requests for help")
def list_requests(request: HttpRequest, params: Query[RequestQuery]) -> dict[str, Any]:
    """Open requests by default (``status`` for the others), newest first."""
    page = queries.requests_page(
        viewer_of(request), _filters(params, status=params.status), cursor=params.cursor,
        limit=params.limit,
    )  # fmt: skip
    return {"items": [request_data(r) for r in page.items], "next_cursor": page.next_cursor}


@router.post("/requests", response={201: RequestOut, **WRITE}, summary="Ask for help")
def create_request(request: HttpRequest, payload: RequestIn) -> Status[dict[str, Any]]:
    viewer = viewer_of(request)
    data = actions.check_request_input(actor=viewer, data=payload.model_dump())
    return Status(201, request_data(actions.do_create_request(actor=viewer, data=data)))


@router.get(
    "/requests/{request_id}", response={200: RequestDetailOut, **READ}, summary="One request"
)
def get_request(request: HttpRequest, request_id: int) -> dict[str, Any]:
    """With ``suggested``: people whose offers fit and experts on the skill."""
    viewer = viewer_of(request)
    found = queries.access_request(viewer, request_id)
    return {
        **request_data(found),
        "suggested": [
            {
                "person": person_ref(h.person),
                "reason": h.reason,
                "offer_id": h.offer.pk if h.offer else None,
            }
            for h in queries.helpers_for(viewer, found)
        ],
    }


@router.post("/requests/{request_id}/match", response={200: RequestOut, **WRITE}, summary="Match")
def match_request(request: HttpRequest, request_id: int, payload: MatchIn) -> dict[str, Any]:
    """The person who asked chooses who helps: open → matched (409 from another status)."""
    viewer = viewer_of(request)
    found = queries.access_request(viewer, request_id)
    return request_data(
        actions.do_match_request(actor=viewer, request=found, username=payload.username)
    )


@router.post("/requests/{request_id}/done", response={200: RequestOut, **WRITE}, summary="Done")
def complete_request(request: HttpRequest, request_id: int) -> dict[str, Any]:
    """Either side of the match: matched → done."""
    viewer = viewer_of(request)
    found = queries.access_request(viewer, request_id)
    return request_data(actions.do_complete_request(actor=viewer, request=found))


@router.post(
    "/requests/{request_id}/withdraw", response={200: RequestOut, **WRITE}, summary="Withdraw"
)
def withdraw_request(request: HttpRequest, request_id: int) -> dict[str, Any]:
    viewer = viewer_of(request)
    found = queries.access_request(viewer, request_id)
    return request_data(actions.do_withdraw_request(actor=viewer, request=found))


# --- Thanks -------------------------------------------------------------------------------------


@router.post("/thanks", response={201: ThanksOut, **WRITE}, summary="Thank a colleague")
def thank(request: HttpRequest, payload: ThanksIn) -> Status[dict[str, Any]]:
    """With ``request_id``, for a request: either side of its match thanks the other."""
    viewer = viewer_of(request)
    found = queries.access_request(viewer, payload.request_id) if payload.request_id else None
    thanks = actions.do_thank(
        actor=viewer, username=payload.username, message=payload.message, request=found
    )
    return Status(
        201,
        {
            "id": thanks.pk,
            "sender": person_ref(thanks.sender),
            "recipient": person_ref(thanks.recipient),
            "request_id": thanks.request_id,
            "message": thanks.message,
            "created_at": thanks.created_at,
        },
    )
