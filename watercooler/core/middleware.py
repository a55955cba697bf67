"""Middleware that enforces organisation-wide account rules."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from watercooler.core.models import SiteSettings


class RequireMfaMiddleware:
    """When an administrator requires two-factor authentication, signed-in people who have not
    turned it on are sent to the set-up page until they do. The API answers 403 instead."""

    # Paths a person must still reach to set up two-factor authentication or leave.
    allowed_prefixes = ("/accounts/", "/static/", "/media/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.allowed_prefixes)
            and SiteSettings.load().require_mfa
            and not user.authenticator_set.filter(type="totp").exists()
        ):
            if request.path.startswith("/api/"):
                return HttpResponse(
                    b'{"detail": "Two-factor authentication must be turned on first.", "errors": []}',
                    status=403,
                    content_type="application/json",
                )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
