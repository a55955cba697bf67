"""Helpers every app's page views share: htmx detection and the "something is wrong" page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx asked for a fragment (a history restore wants the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


def vary_on_htmx(response: HttpResponse) -> HttpResponse:
    """Mark a response that differs for htmx, so caches keep the page and the fragment apart."""
    patch_vary_headers(response, ["HX-Request"])
    return response


def problem_page(
    request: HttpRequest, *, title: str, message: str, status: int, back: str | None = None
) -> HttpResponse:
    """A page that says what went wrong (bad link, bad cursor...) with a way onwards."""
    return render(
        request,
        "problem.html",
        {"title": title, "message": message, "back": back},
        status=status,
    )


def bad_cursor_page(request: HttpRequest) -> HttpResponse:
    """A list page asked for with a cursor this server did not make."""
    return problem_page(
        request,
        title="This page of the list no longer exists",
        message="The link asked for a page we cannot find. Start again from the first page.",
        status=400,
    )
