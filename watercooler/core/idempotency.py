"""``Idempotency-Key`` on POST: a write sent twice is made once.

The installable app queues posts, replies and messages written offline and sends them when the
connection returns (``static/js/outbox.js``), each with its own key; a send whose answer was lost
is sent again with the same key. The first request with a key claims it (a unique row per person
and key) before it runs and then stores its answer; a later one with that key gets the stored
answer (status, ``Location``, body) without running again, 409 while the first still runs, and
422 when the key was used for another path. An answer of 500 or more frees the key, so the
write can be tried again. Keys are kept for a day (``forget_old``, a periodic job).

Honoured for signed-in sessions: the pages and the API calls the pages make. (Requests with a
bearer token are anonymous at this point of the middleware.)
"""

import datetime as dt
import re
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from watercooler.core.models import IdempotentRequest

HEADER = "Idempotency-Key"
KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
# Answers larger than this are not kept (a page, not a write's answer): the status and
# Location still are.
MAX_BODY = 64 * 1024
KEEP = dt.timedelta(days=1)


def _problem(status: int, detail: str) -> JsonResponse:
    return JsonResponse(
        {"detail": detail, "errors": [{"field": HEADER, "message": detail}]}, status=status
    )


def _replay(row: IdempotentRequest) -> HttpResponse:
    response = HttpResponse(
        bytes(row.body), status=row.status or 200, content_type=row.content_type or None
    )
    if row.location:
        response["Location"] = row.location
    response["Idempotent-Replayed"] = "true"
    return response


class IdempotencyMiddleware:
    """After authentication; see the module's docstring."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        user = getattr(request, "user", None)
        if request.method != "POST" or key is None or user is None or not user.is_authenticated:
            return self.get_response(request)
        if not KEY.match(key):
            return _problem(400, f"{HEADER} must be 8 to 64 letters, digits, - or _.")
        path = request.path[:300]
        try:
            with transaction.atomic():
                row = IdempotentRequest.objects.create(user=user, key=key, path=path)
        except IntegrityError:
            earlier = IdempotentRequest.objects.filter(user=user, key=key).first()
            if earlier is None:  # freed by a failure in between: the sender may try again
                return _problem(409, "This write is being retried; send it again.")
            if earlier.path != path:
                return _problem(422, f"This {HEADER} was used for another address.")
            if earlier.status is None:
                return _problem(409, "This write is still being handled.")
            return _replay(earlier)
        response = self.get_response(request)
        if response.status_code >= 500 or response.streaming:
            row.delete()
            return response
        body = response.content if len(response.content) <= MAX_BODY else b""
        IdempotentRequest.objects.filter(pk=row.pk).update(
            status=response.status_code,
            content_type=response.get("Content-Type", "")[:100],
            location=response.get("Location", "")[:500],
            body=body,
        )
        return response


def forget_old(now: dt.datetime | None = None) -> int:
    """Drop the keys older than ``KEEP``; returns how many."""
    deleted, _ = IdempotentRequest.objects.filter(
        created_at__lt=(now or timezone.now()) - KEEP
    ).delete()
    return deleted
