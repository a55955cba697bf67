"""Schemas every API router shares: the error shape, so each endpoint can document its errors;
and the answer for hot lists that skips re-validating what our own code built."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Schema
from ninja.renderers import JSONRenderer


class ErrorItem(Schema):
    field: str | None
    message: str


class ErrorOut(Schema):
    """Every error response: a sentence for people, and which input fields were wrong."""

    detail: str
    errors: list[ErrorItem]


# The renderer ninja's API uses (NinjaAPI's default): the same JSON, datetimes included.
_RENDERER = JSONRenderer()
JSON_CONTENT_TYPE = f"{_RENDERER.media_type}; charset={_RENDERER.charset}"


def unchecked_json(request: HttpRequest, data: Any, status: int = 200) -> HttpResponse:
    """``data`` rendered as the API renders every answer, without ninja validating it against
    the operation's response schema first: for the hottest lists (a feed page), where that
    validation cost a sixth of the request. The endpoint still documents its schema, a test
    compares its data with the schema's validated output, and the suite's schemathesis run checks
    every answer against the document."""
    return HttpResponse(
        _RENDERER.render(request, data, response_status=status),
        status=status,
        content_type=JSON_CONTENT_TYPE,
    )
