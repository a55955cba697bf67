"""Skills exchange pages: the marketplace, offering and asking, one offer or request with its
matches, your own exchange, and the forms that act on them (each calls one action)."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from watercooler.core.errors import messages_by_field
from watercooler.core.pages import bad_cursor_page, is_htmx, vary_on_htmx, viewer_of
from watercooler.core.paging import InvalidCursorError
from watercooler.people.queries import people_choices
from watercooler.skills import actions, policy, queries
from watercooler.skills.models import Mode, RequestStatus

MAX_FILTER = 120


def _filters(get: Any) -> queries.ExchangeFilter:
    status = get.get("status", RequestStatus.OPEN)
    return queries.ExchangeFilter(
        q=get.get("q", "").strip()[:200],
        location=get.get("location", "").strip()[:MAX_FILTER],
        department=get.get("department", "").strip()[:MAX_FILTER],
        remote=get.get("remote") == "on",
        status=status if status in RequestStatus.values else RequestStatus.OPEN,
    )


@login_required
@require_GET
def marketplace(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    queries.check_can_use(viewer)
    show = "requests" if request.GET.get("show") == "requests" else "offers"
    filters = _filters(request.GET)
    cursor = request.GET.get("cursor") or None
    try:
        if show == "requests":
            page: Any = queries.requests_page(viewer, filters, cursor=cursor)
        else:
            page = queries.offers_page(viewer, filters, cursor=cursor)
    except InvalidCursorError:
        return bad_cursor_page(request)
    context = {
        "show": show,
        "filters": filters,
        "filtered": bool(filters.location or filters.department or filters.remote),
        "page": page,
        "choices": people_choices(),
        "statuses": RequestStatus.choices,
    }
    if is_htmx(request) and cursor:
        return vary_on_htmx(render(request, "skills/marketplace.html#page", context))
    return vary_on_htmx(render(request, "skills/marketplace.html", context))


def _form_page(
    request: HttpRequest,
    template: str,
    check: Callable[..., Any],
    create: Callable[..., Any],
    url_name: str,
) -> HttpResponse:
    viewer = viewer_of(request)
    queries.check_can_use(viewer)
    values: dict[str, Any] = {"mode": Mode.EITHER}
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        values = {
            key: request.POST.get(key, "") for key in request.POST if key != "csrfmiddlewaretoken"
        }
        try:
            made = create(actor=viewer, data=check(actor=viewer, data=values))
        except ValidationError as error:
            errors = messages_by_field(error)
            status = 422
        else:
            return redirect(url_name, made.pk)
    context = {
        "values": values,
        "errors": errors,
        "modes": Mode.choices,
        "locations": people_choices()["locations"],
    }
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def new_offer(request: HttpRequest) -> HttpResponse:
    return _form_page(
        request,
        "skills/offer_form.html",
        actions.check_offer_input,
        actions.do_create_offer,
        "skills:offer",
    )


@login_required
@require_http_methods(["GET", "POST"])
def new_request(request: HttpRequest) -> HttpResponse:
    return _form_page(
        request,
        "skills/request_form.html",
        actions.check_request_input,
        actions.do_create_request,
        "skills:request",
    )


@login_required
@require_GET
def offer_detail(request: HttpRequest, offer_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    offer = queries.access_offer(viewer, offer_id)
    applications = queries.offer_applications(viewer, offer)
    return render(
        request,
        "skills/offer.html",
        {
            "offer": offer,
            "applications": applications,
            "taken": sum(1 for a in applications if a.status == "accepted")
            if offer.person_id == viewer.pk
            else None,
            "fitting": queries.requests_for(viewer, offer),
            "can_apply": policy.can_apply(viewer, offer)
            and not any(a.applicant_id == viewer.pk for a in applications),
            "can_close": policy.can_close_offer(viewer, offer),
            "is_mentor": offer.person_id == viewer.pk,
        },
    )


@login_required
@require_GET
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    found = queries.access_request(viewer, request_id)
    can_match = policy.can_match(viewer, found)
    other = None
    if policy.can_thank_for(viewer, found):
        other = found.helper if viewer.pk == found.person_id else found.person
    return render(
        request,
        "skills/request.html",
        {
            "help_request": found,
            "helpers": queries.helpers_for(viewer, found) if can_match else [],
            "can_match": can_match,
            "can_complete": policy.can_complete(viewer, found),
            "can_withdraw": policy.can_withdraw(viewer, found),
            "thank": other,
        },
    )


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    return render(request, "skills/mine.html", {"mine": queries.my_exchange(viewer_of(request))})


# --- Forms that act -----------------------------------------------------------------------------


@login_required
@require_POST
def close_offer(request: HttpRequest, offer_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    actions.do_close_offer(actor=viewer, offer=queries.access_offer(viewer, offer_id))
    return redirect("skills:offer", offer_id)


@login_required
@require_POST
def apply(request: HttpRequest, offer_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    offer = queries.access_offer(viewer, offer_id)
    actions.do_apply(actor=viewer, offer=offer, message=request.POST.get("message", ""))
    return redirect("skills:offer", offer_id)


@login_required
@require_POST
def decide(request: HttpRequest, application_id: int, *, accept: bool) -> HttpResponse:
    viewer = viewer_of(request)
    application = queries.access_application(viewer, application_id)
    actions.do_decide(actor=viewer, application=application, accept=accept)
    return redirect("skills:offer", application.offer_id)


@login_required
@require_POST
def match(request: HttpRequest, request_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    found = queries.access_request(viewer, request_id)
    actions.do_match_request(actor=viewer, request=found, username=request.POST.get("username"))
    return redirect("skills:request", request_id)


@login_required
@require_POST
def complete(request: HttpRequest, request_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    actions.do_complete_request(actor=viewer, request=queries.access_request(viewer, request_id))
    return redirect("skills:request", request_id)


@login_required
@require_POST
def withdraw(request: HttpRequest, request_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    actions.do_withdraw_request(actor=viewer, request=queries.access_request(viewer, request_id))
    return redirect("skills:request", request_id)


@login_required
@require_POST
def thank(request: HttpRequest, request_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    found = queries.access_request(viewer, request_id)
    actions.do_thank(
        actor=viewer,
        username=request.POST.get("username"),
        message=request.POST.get("message", ""),
        request=found,
    )
    return redirect("skills:request", request_id)
