"""The JSON API at /api/v1: one NinjaAPI, each app contributing its own router (``<app>/api.py``).

Every error is ``{"detail": ..., "errors": [{"field": ..., "message": ...}]}`` with a 4xx status:
bad input is 422 (400 for a body that is not JSON, 413 for one too large, 415 for another
content type), missing or invalid credentials 401, forbidden 403, unknown objects and paths 404,
a wrong method 405, too many failed sign-ins 429. Nothing a client sends should produce a 500.
"""

import functools
import inspect
import json
import logging
from collections.abc import Callable
from typing import Any, cast

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    ValidationError,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import URLPattern, URLResolver, re_path
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.types import DictStrAny

from watercooler.api.auth import api_auth
from watercooler.core.errors import Conflict, field_errors, status_of
from watercooler.core.inputs import first_problem
from watercooler.core.paging import InvalidCursorError
from watercooler.core.text import NUL_MESSAGE as NUL_TEXT_MESSAGE
from watercooler.core.text import contains_nul
from watercooler.people.api import auth_router, me_router, people_router
from watercooler.people.credentials import InvalidCredentialsError, TooManyAttemptsError

logger = logging.getLogger("django.request")

INVALID = "The request is not valid."


# PostgreSQL cannot store NUL in text, and no person means to send one: refuse it at the door
# (core.text explains why).
NUL_MESSAGE = "Text in the request may not contain NUL (\\u0000) characters."


def _nul_in_url(request: HttpRequest) -> bool:
    return contains_nul([request.path, *request.GET.lists()])


class BodyNotAcceptedError(Exception):
    def __init__(self, status: int, message: str, errors: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.status = status
        self.errors = errors or []


class JsonParser(Parser):
    """Bodies are JSON. Other content types get 415 and broken JSON 400, with a clear message
    (ninja wraps parser errors in a generic 400; ``on_http_error`` unwraps ours). Values the
    product never accepts (core.inputs) are refused here, naming their field, before any
    schema or query sees them."""

    def parse_body(self, request: HttpRequest) -> DictStrAny:
        content_type = (request.content_type or "").lower()
        if content_type and not (
            content_type == "application/json" or content_type.endswith("+json")
        ):
            raise BodyNotAcceptedError(
                415, "Send the request body as JSON, with Content-Type: application/json."
            )
        try:
            data = json.loads(request.body)
        except (ValueError, RecursionError):
            raise BodyNotAcceptedError(400, "The request body is not valid JSON.") from None
        problem = first_problem(data)
        if problem is not None:
            # Text no database stores is not understood (400); a number or date beyond what a
            # column holds is well-formed but invalid (422).
            status = 400 if problem.unreadable else 422
            detail = NUL_MESSAGE if problem.message == NUL_TEXT_MESSAGE else INVALID
            errors = [{"field": problem.field, "message": problem.message}]
            raise BodyNotAcceptedError(status, detail, errors)
        # Any JSON value: the schema of the operation refuses what is not an object (422).
        return cast(DictStrAny, data)


class WatercoolerAPI(NinjaAPI):
    """NinjaAPI whose every response, even for an unknown path or method, is our JSON shape."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls: list[URLResolver | URLPattern] = [
            URLPattern(url.pattern, _api_view(url.callback), url.default_args, url.name)
            if isinstance(url, URLPattern)
            else url
            for url in super()._get_urls()
        ]
        urls.append(re_path(r"^.*$", _unknown_path, name="not-found"))
        return urls

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: DictStrAny | None = None
    ) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_errors(schema)
        return schema

    def get_openapi_operation_id(self, operation: Any) -> str:
        # Client generators name their methods after these: "list_people", not the module path.
        # View function names must therefore be unique across the API (a test checks).
        return str(operation.view_func.__name__)


# Why each shared error status can answer an operation (the routers add their own: 409, 429).
_ANY_REQUEST = {
    "400": "Not understood: a body that is not JSON, text with a NUL or a lone surrogate,"
    " a multipart body that cannot be read.",
    "422": "Not valid: a parameter or body field has the wrong type or a value the rules refuse.",
}
_AUTHENTICATED = {
    "401": "No valid credentials.",
    "403": "Not allowed, or two-factor authentication must be turned on first.",
}
_WITH_PATH_PARAMETERS = {"404": "No such object, or none you may see."}
_WITH_BODY = {
    "413": "The body is larger than the server accepts.",
    "415": "The body is not sent as application/json.",
}
ERROR_SCHEMA_REF = "#/components/schemas/ErrorOut"


def document_errors(schema: DictStrAny) -> None:
    """Document on every operation the error statuses the shared layer answers with (the parser,
    authentication, path matching), each with the error shape, so clients and the schema-driven
    tests know every status an operation can return."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            # ninja keys statuses by int; JSON would then hold "422" twice, which strict parsers
            # (the docs page's YAML reader) refuse. One key per status, as text.
            responses = {
                str(status): answer for status, answer in operation.get("responses", {}).items()
            }
            operation["responses"] = responses
            statuses = dict(_ANY_REQUEST)
            if operation.get("security"):
                statuses.update(_AUTHENTICATED)
            if any(p.get("in") == "path" for p in operation.get("parameters", [])):
                statuses.update(_WITH_PATH_PARAMETERS)
            body = operation.get("requestBody", {}).get("content", {})
            if body:
                statuses["413"] = _WITH_BODY["413"]
            if "application/json" in body:
                statuses["415"] = _WITH_BODY["415"]
            for status, description in statuses.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": ERROR_SCHEMA_REF}}},
                    },
                )


api = WatercoolerAPI(
    title="Watercooler API",
    version="1",
    description=(
        "Authenticate with `POST /api/v1/auth/token` and send `Authorization: Bearer <token>`."
        " Lists page with an opaque `cursor`: pass back `next_cursor` until it is null."
        ' Every error is `{"detail": "...", "errors": [{"field": "...", "message": "..."}]}`.'
    ),
    urls_namespace="api",
    auth=api_auth,
    parser=JsonParser(),
    # No badge from the public validator: the docs page loads nothing from other origins.
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
)


def error_response(
    request: HttpRequest, status: int, detail: str, errors: list[dict[str, Any]] | None = None
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


def _api_view(view: Callable[..., Any]) -> Callable[..., Any]:
    """Turn ninja's plain-text 405 into the JSON error shape, keeping the Allow header, and
    refuse NUL characters in the path or query string before any view sees them."""

    def convert(request: HttpRequest, response: Any) -> Any:
        if response.status_code != 405 or response.get("Content-Type", "").startswith(
            "application/json"
        ):
            return response
        converted = error_response(
            request, 405, f"The method {request.method} is not allowed here."
        )
        if response.has_header("Allow"):
            converted["Allow"] = response["Allow"]
        return converted

    if inspect.iscoroutinefunction(view):

        @functools.wraps(view)
        async def async_wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if _nul_in_url(request):
                return error_response(request, 400, NUL_MESSAGE)
            return convert(request, await view(request, *args, **kwargs))

        wrapper: Callable[..., Any] = async_wrapper
    else:

        @functools.wraps(view)
        def sync_wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if _nul_in_url(request):
                return error_response(request, 400, NUL_MESSAGE)
            return convert(request, view(request, *args, **kwargs))

        wrapper = sync_wrapper
    wrapper.csrf_exempt = getattr(view, "csrf_exempt", False)  # type: ignore[attr-defined]
    return wrapper


def _unknown_path(request: HttpRequest) -> HttpResponse:
    return error_response(request, 404, "There is no API endpoint at this path.")


_unknown_path.csrf_exempt = True  # type: ignore[attr-defined]

# Where ninja says an error is; the first element is always the source (body, query, ...).
_SOURCES = {"body", "query", "path", "form", "file", "header", "cookie"}


def _location_name(loc: Any) -> str | None:
    # Ninja reports locations like ("body", "payload", "username"): keep the meaningful tail.
    # Only the leading source and a body parameter's own name are dropped, so a field that is
    # itself called "body" keeps its name.
    parts = [str(p) for p in loc]
    if parts and parts[0] in _SOURCES:
        source = parts.pop(0)
        if source == "body" and parts and parts[0] == "payload":
            parts.pop(0)
    parts = [p for p in parts if not p.startswith("function-")]
    return ".".join(parts) or None


def _schema_message(err: dict[str, Any]) -> str:
    if err.get("type") == "extra_forbidden":
        return "This field does not exist or cannot be changed."
    return str(err.get("msg") or "Invalid value.")


@api.exception_handler(NinjaValidationError)
def on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"field": _location_name(err.get("loc", ())), "message": _schema_message(err)}
        for err in exc.errors
    ]
    return error_response(request, 422, INVALID, errors)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return error_response(request, status_of(exc) or 422, INVALID, field_errors(exc))


@api.exception_handler(InvalidCursorError)
def on_invalid_cursor(request: HttpRequest, exc: InvalidCursorError) -> HttpResponse:
    return error_response(request, 422, INVALID, [{"field": "cursor", "message": str(exc)}])


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error_response(request, 401, "Authentication required: send a valid bearer token.")
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(InvalidCredentialsError)
def on_invalid_credentials(request: HttpRequest, exc: InvalidCredentialsError) -> HttpResponse:
    errors = [{"field": exc.field, "message": str(exc)}] if exc.field else []
    return error_response(request, 401, str(exc), errors)


@api.exception_handler(TooManyAttemptsError)
def on_too_many_attempts(request: HttpRequest, exc: TooManyAttemptsError) -> HttpResponse:
    response = error_response(request, 429, str(exc))
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(Conflict)
def on_conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    # Joining twice, acknowledging twice, editing a cancelled event: the request clashes with
    # the current state.
    return error_response(
        request, status_of(exc) or 409, str(exc) or "This clashes with the current state."
    )


@api.exception_handler(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(
        request, status_of(exc) or 403, str(exc) or "You do not have permission to do this."
    )


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, status_of(exc) or 404, str(exc) or "Not found.")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc.__cause__, BodyNotAcceptedError):
        cause = exc.__cause__
        return error_response(request, cause.status, str(cause), cause.errors)
    return error_response(request, exc.status_code, str(exc))


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return error_response(request, 413, "The request body is too large.")


@api.exception_handler(MultiPartParserError)
def on_bad_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    # No boundary, a broken part: the upload cannot be read.
    return error_response(request, 400, "The multipart body could not be read.", [])


@api.exception_handler(SuspiciousOperation)
def on_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    return error_response(request, 400, "The request could not be understood.")


@api.exception_handler(Exception)
def on_server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    # Logged like Django's own 500s, so error reporting sees it; the client gets our shape.
    logger.error(
        "Internal Server Error: %s", request.path, exc_info=exc, extra={"request": request}
    )
    return error_response(request, 500, "Something went wrong on our side. Please try again.")


def _register_routers() -> None:
    api.add_router("/auth", auth_router, tags=["auth"])
    api.add_router("/me", me_router, tags=["me"])
    api.add_router("/people", people_router, tags=["people"])
    api.add_router("/people", "watercooler.feed.api.follows_router", tags=["follows"])
    api.add_router("/posts", "watercooler.feed.api.posts_router", tags=["posts"])
    api.add_router("/replies", "watercooler.feed.api.replies_router", tags=["posts"])
    api.add_router("/feed", "watercooler.feed.api.feed_router", tags=["feed"])
    api.add_router("/topics", "watercooler.feed.api.topics_router", tags=["topics"])
    api.add_router("/attachments", "watercooler.feed.api.attachments_router", tags=["posts"])
    api.add_router("/notifications", "watercooler.notifications.api.router", tags=["notifications"])
    api.add_router("/me", "watercooler.notifications.api.me_router", tags=["notifications"])
    api.add_router("/email", "watercooler.notifications.api.inbound_router", tags=["notifications"])
    api.add_router("/push", "watercooler.notifications.api.push_router", tags=["notifications"])
    api.add_router("/announcements", "watercooler.announcements.api.router", tags=["announcements"])
    api.add_router("/communities", "watercooler.communities.api.router", tags=["communities"])
    # A community's feed is the feed app's (communities may not import the feed).
    api.add_router(
        "/communities", "watercooler.feed.api.community_feed_router", tags=["communities"]
    )
    api.add_router("/posts", "watercooler.questions.api.router", tags=["questions"])
    api.add_router("/events", "watercooler.events.api.router", tags=["events"])
    api.add_router("/search", "watercooler.search.api.router", tags=["search"])
    api.add_router("/experts", "watercooler.search.api.experts_router", tags=["search"])
    api.add_router("/skills", "watercooler.skills.api.router", tags=["skills"])
    api.add_router("/insights", "watercooler.insights.api.router", tags=["insights"])
    api.add_router(
        "/conversations", "watercooler.messaging.api.conversations_router", tags=["messaging"]
    )
    api.add_router("/messages", "watercooler.messaging.api.messages_router", tags=["messaging"])
    api.add_router("/me", "watercooler.messaging.api.me_router", tags=["messaging"])


_register_routers()
