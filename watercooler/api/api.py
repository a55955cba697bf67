"""The JSON API at /api/v1: one NinjaAPI, each app contributing its own router (``<app>/api.py``).

Every error is ``{"detail": ..., "errors": [{"field": ..., "message": ...}]}`` with a 4xx status:
bad input is 422, missing or invalid credentials 401, forbidden 403, unknown objects 404.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from watercooler.api.auth import api_auth
from watercooler.core.errors import field_errors
from watercooler.core.paging import InvalidCursor

api = NinjaAPI(
    title="Watercooler API",
    version="1",
    description=(
        "Authenticate with `POST /api/v1/auth/token` and send `Authorization: Bearer <token>`."
        " Lists page with an opaque `cursor`: pass back `next_cursor` until it is null."
    ),
    urls_namespace="api",
    auth=api_auth,
)


def error_response(
    request: HttpRequest, status: int, detail: str, errors: list[dict[str, Any]] | None = None
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


def _location_name(loc: Any) -> str | None:
    # Ninja reports locations like ("body", "payload", "username"); keep the meaningful tail.
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "form", "file")]
    parts = [p for p in parts if not p.startswith("function-")]
    return ".".join(parts) or None


@api.exception_handler(NinjaValidationError)
def on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"field": _location_name(err.get("loc", ())), "message": err.get("msg", "Invalid value.")}
        for err in exc.errors
    ]
    return error_response(request, 422, "The request is not valid.", errors)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return error_response(request, 422, "The request is not valid.", field_errors(exc))


@api.exception_handler(InvalidCursor)
def on_invalid_cursor(request: HttpRequest, exc: InvalidCursor) -> HttpResponse:
    return error_response(
        request, 422, "The request is not valid.", [{"field": "cursor", "message": str(exc)}]
    )


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, "Authentication required: send a valid bearer token.")


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(request, 403, str(exc) or "You do not have permission to do this.")


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, str(exc) or "Not found.")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, exc.status_code, str(exc))


def _register_routers() -> None:
    from watercooler.people.api import auth_router, me_router, people_router

    api.add_router("/auth", auth_router)
    api.add_router("/me", me_router)
    api.add_router("/people", people_router)


_register_routers()
