"""Helpers every app's page views and API share: who is asking, htmx detection, the "something is
wrong" page, and where a form sends the person back to."""

from typing import TYPE_CHECKING, cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme

if TYPE_CHECKING:
    # Types only: the user model (settings.AUTH_USER_MODEL) is the people app's, after core.
    from watercooler.people.models import User


def viewer_of(request: HttpRequest) -> "User":
    """The signed-in person asking. Pages call it behind ``login_required`` and the API behind
    its authentication (a token or the session: ninja puts the person in ``request.auth``), so
    there always is one."""
    person = getattr(request, "auth", None) or request.user
    assert person.is_authenticated, "viewer_of() needs login_required or the API's authentication"
    return cast("User", person)


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


def next_url(request: HttpRequest, default: str) -> str:
    """The form's ``next`` (posted, else in the query) when it is a path on this site, else
    ``default``. Only paths: ``redirect("nan")`` would look "nan" up as a view name and fail
    with a 500, and another host's URL would make the form an open redirect."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and not target.startswith("//")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default
