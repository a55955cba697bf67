"""Middleware: organisation-wide account rules, and the status pages answer domain errors with."""

import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from watercooler.core.errors import Conflict, one_line, status_of
from watercooler.core.models import SiteSettings
from watercooler.core.pages import problem_page

MFA_REQUIRED_MESSAGE = (
    "Your organisation asks everyone to turn on two-factor authentication. Set up an "
    "authenticator app to continue."
)
API_MFA_REQUIRED_MESSAGE = "Two-factor authentication must be turned on first."


def mfa_missing(user: Any) -> bool:
    """True when the organisation requires two-factor authentication and ``user`` has no
    authenticator app yet. Pages (this middleware) and the API's authentication both ask this."""
    return bool(
        SiteSettings.load().require_mfa and not user.authenticator_set.filter(type="totp").exists()
    )


class RequireMfaMiddleware:
    """When an administrator requires two-factor authentication, signed-in people who have not
    turned it on are sent to the set-up page until they do. The API answers 403 instead.

    Must come after AuthenticationMiddleware and MessageMiddleware. Bearer-token API requests
    are anonymous here; the API's own authentication applies the same rule to them.
    """

    # Paths a person must still reach to set up two-factor authentication or leave: allauth's
    # pages (sign-in, sign-out, password, two-factor set-up) and static files.
    allowed_prefixes = ("/accounts/", "/static/", "/media/", "/healthz")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.allowed_prefixes)
            and mfa_missing(user)
        ):
            return self.refuse(request)
        return self.get_response(request)

    def refuse(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            return HttpResponse(
                json.dumps({"detail": API_MFA_REQUIRED_MESSAGE, "errors": []}),
                status=403,
                content_type="application/json",
            )
        setup_url = reverse("mfa_activate_totp")
        if request.headers.get("HX-Request") == "true":
            # A redirect would be followed inside the fragment; have htmx load the whole page.
            return HttpResponseClientRedirect(setup_url)
        if request.method == "GET":
            messages.warning(request, MFA_REQUIRED_MESSAGE, fail_silently=True)
        return redirect(setup_url)


class DomainErrorMiddleware:
    """Pages answer an action's ``Conflict`` or ``ValidationError`` that no view caught with the
    problem page and the status ``core.errors`` gives it (409, 422), as the API does, instead
    of a server error. (Django itself maps ``Http404`` and ``PermissionDenied``.) The API has
    its own handlers and never lets an exception reach here."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, Conflict | ValidationError):
            return None
        status = status_of(exception)
        assert status is not None
        return problem_page(
            request, title="That did not work", message=one_line(exception), status=status
        )
