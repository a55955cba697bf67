"""Search pages: the results page with its tabs and filters, the Experts tab, the top bar's
type-ahead (JSON) and asking an expert to answer a question."""

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from watercooler.core.errors import messages_by_field
from watercooler.core.pages import bad_cursor_page, is_htmx, vary_on_htmx, viewer_of
from watercooler.feed.queries import access_post
from watercooler.people.policy import can_browse_directory
from watercooler.search import actions, experts, queries
from watercooler.search.language import MAX_QUERY_CHARS

# The tabs of the results page: (type filter, label). "experts" is a page of its own.
TABS = (
    ("", "All"),
    ("post", "Posts"),
    ("question", "Questions"),
    ("reply", "Replies"),
    ("person", "People"),
    ("community", "Communities"),
    ("topic", "Topics"),
    ("event", "Events"),
    ("file", "Files"),
)
MAX_PARAM = 4 * MAX_QUERY_CHARS


def _date(value: str, field: str, errors: dict[str, list[str]]) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        errors[field] = ["Use a date like 2026-03-31."]
        return None


@login_required
@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    get = request.GET
    viewer = viewer_of(request)
    q = get.get("q", "")[:MAX_PARAM]
    errors: dict[str, list[str]] = {}
    filters = queries.SearchFilters(
        type=get.get("type", "")[:20] or None,
        author=get.get("author", "").strip()[:150] or None,
        community=get.get("community", "").strip()[:40] or None,
        since=_date(get.get("since", ""), "since", errors),
        until=_date(get.get("until", ""), "until", errors),
    )
    cursor = get.get("cursor") or None
    results = None
    if not errors:
        try:
            results = queries.search(viewer, q, filters=filters, cursor=cursor)
        except queries.SearchCursorError:
            return bad_cursor_page(request)
        except ValidationError as error:
            errors = messages_by_field(error)
    context: dict[str, Any] = {
        "q": q,
        "filters": filters,
        "filtered": bool(filters.author or filters.community or filters.since or filters.until),
        "results": results,
        "errors": errors,
        "tabs": TABS,
        "current_type": filters.type or "",
        "can_find_experts": can_browse_directory(viewer),
        "cursor": cursor,
    }
    if is_htmx(request) and cursor:
        return vary_on_htmx(render(request, "search/search.html#page", context))
    status = 422 if errors else 200
    return vary_on_htmx(render(request, "search/search.html", context, status=status))


@login_required
@require_GET
def experts_page(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    q = request.GET.get("q", "")[:MAX_PARAM]
    found = experts.find_experts(viewer, q)
    return render(
        request,
        "search/experts.html",
        {"q": q, "experts": found, "tabs": TABS, "can_find_experts": True},
    )


@login_required
@require_GET
def suggest(request: HttpRequest) -> JsonResponse:
    """The top bar's type-ahead: up to 8 people, communities and topics."""
    hits = queries.suggest(viewer_of(request), request.GET.get("q", "")[:MAX_PARAM])
    return JsonResponse(
        {
            "items": [
                {
                    "type": hit.type,
                    "title": hit.title,
                    "url": hit.url,
                    "note": _suggest_note(hit),
                    "avatar": _avatar(hit),
                }
                for hit in hits
            ]
        }
    )


def _suggest_note(hit: queries.Hit) -> str:
    if hit.type == "person":
        person = hit.extra["person"]
        return " · ".join(p for p in (f"@{person.username}", person.title) if p)
    if hit.type == "community":
        return f"Community · c/{hit.extra['handle']}"
    count = hit.extra.get("post_count", 0)
    return f"Topic · {count} post{'' if count == 1 else 's'}"


def _avatar(hit: queries.Hit) -> str | None:
    if hit.type != "person":
        return None
    person = hit.extra["person"]
    return person.photo_thumb.url if person.photo_thumb else None


@login_required
@require_POST
def ask_expert(request: HttpRequest, post_id: int) -> HttpResponse:
    """The asker invites one suggested expert to answer (a notification to them)."""
    viewer = viewer_of(request)
    question = access_post(viewer, post_id, related=False)
    expert = actions.do_ask_expert(
        asker=viewer, question=question, username=request.POST.get("username", "")[:150]
    )
    if is_htmx(request):
        return render(request, "search/_asked.html", {"expert": expert})
    return redirect("feed:post", post_id=post_id)
