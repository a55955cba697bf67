"""Search in /api/v1: ``GET /search``, ``GET /search/suggest`` and ``GET /experts``.

Results are what the person may see, checked against the live tables as the pages do. A ``q``
that cannot be read whole (too long, an unknown operator) still answers 200, with ``notes``
saying what was left out; a ``type`` or a date no search can apply is 422 naming the field.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from watercooler.core.pages import viewer_of
from watercooler.core.schemas import ErrorOut
from watercooler.search import experts, queries
from watercooler.search.schemas import (
    ExpertsOut,
    ExpertsQueryIn,
    SearchPageOut,
    SearchQueryIn,
    SuggestOut,
    SuggestQueryIn,
)

router = Router()
experts_router = Router()

READ: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}


def item_data(hit: queries.Hit) -> dict[str, Any]:
    extra = hit.extra
    return {
        "type": hit.type,
        "id": hit.id,
        "title": hit.title,
        "snippet": str(hit.snippet),
        "url": hit.url,
        "created_at": hit.created_at,
        "username": extra.get("username"),
        "handle": extra.get("handle"),
        "name": extra.get("name"),
        "kind": extra.get("kind"),
        "answered": extra.get("answered") if extra.get("kind") == "question" else None,
        "accepted_answer": str(extra["accepted_answer"]) if "accepted_answer" in extra else None,
    }


@router.get("", response={200: SearchPageOut, **READ}, summary="Search everything")
def search(request: HttpRequest, params: Query[SearchQueryIn]) -> dict[str, Any]:
    """Posts, replies, people, communities, topics, events and files the caller may see,
    best first (relevance with a recency boost), a page at a time."""
    results = queries.search(
        viewer_of(request),
        params.q,
        filters=queries.SearchFilters(
            type=params.type,
            author=params.author,
            community=params.community,
            since=params.since,
            until=params.until,
        ),
        cursor=params.cursor,
        limit=params.limit,
    )
    return {
        "items": [item_data(hit) for hit in results.items],
        "next_cursor": results.next_cursor,
        "notes": results.notes,
    }


@router.get("/suggest", response={200: SuggestOut, **READ}, summary="Type-ahead suggestions")
def suggest(request: HttpRequest, params: Query[SuggestQueryIn]) -> dict[str, Any]:
    """At most 8 people, communities and topics whose names start with what was typed."""
    return {"items": [item_data(hit) for hit in queries.suggest(viewer_of(request), params.q)]}


@experts_router.get("", response={200: ExpertsOut, **READ}, summary="Who knows about…")
def find_experts(request: HttpRequest, params: Query[ExpertsQueryIn]) -> dict[str, Any]:
    """People ranked by what they have done on the subject, each with the evidence. People
    who chose not to be listed, and evidence the caller may not see, are left out."""
    found = experts.find_experts(viewer_of(request), params.q)
    return {
        "items": [
            {
                "username": expert.person.username,
                "display_name": expert.person.display_name,
                "title": expert.person.title,
                "score": round(expert.score, 3),
                "evidence": [
                    {"kind": e.kind, "text": e.text, "url": e.url} for e in expert.evidence
                ],
            }
            for expert in found
        ]
    }
