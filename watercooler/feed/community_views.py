"""The feed app's tabs of a community's page: Feed (composer, pinned posts, the posts with
filters and live "N new posts"), Files (what was attached to its posts) and Health (charts for
the people who run it).

Every tab loads the page's header with ``communities.queries.community_header`` (Http404 when
the viewer may not know the community exists, so a secret community cannot be probed) and
extends ``communities/base_community.html``. Someone who may see the community but not its
content (a closed community's non-member) gets the header and the way to ask to join, status 200.
Charts are inline SVG drawn here from ``community_stats``: no script, no inline style (CSP), a
title and description for assistive technology and the numbers again as a table.
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from watercooler.communities.queries import CommunityHeader, community_header
from watercooler.core.charts import Chart, Series, chart
from watercooler.core.pages import bad_cursor_page, is_htmx, problem_page, vary_on_htmx, viewer_of
from watercooler.core.paging import InvalidCursorError, Page
from watercooler.feed import community_stats, queries
from watercooler.feed.forms import Composer
from watercooler.feed.models import Attachment, Post
from watercooler.feed.views import decorate

# Pinned posts are shown above the list (and left out of it); moderators pin a few at most.
PINNED_LIMIT = 10

FILTERS = [
    ("all", "All"),
    ("questions", "Questions"),
    ("unanswered", "Unanswered"),
    ("answered", "Answered"),
]


def _tab(
    request: HttpRequest,
    template: str,
    header: CommunityHeader,
    active_tab: str,
    context: dict[str, Any],
) -> HttpResponse:
    context.update(header=header, community=header.community, active_tab=active_tab)
    return vary_on_htmx(render(request, template, context))


def _members_only(request: HttpRequest, header: CommunityHeader, active_tab: str) -> HttpResponse:
    """A closed community's tab for someone outside it: the layout shows who the community is
    and the way to ask to join instead of the tab's content (status 200)."""
    template = {"feed": "feed/community_feed.html", "files": "feed/community_files.html"}
    return _tab(request, template[active_tab], header, active_tab, {})


# --- Feed ----------------------------------------------------------------------------------------


@login_required
@require_GET
def feed(request: HttpRequest, handle: str) -> HttpResponse:
    viewer = viewer_of(request)
    header = community_header(viewer, handle)
    show = request.GET.get("show") or "all"
    if show not in queries.POST_FILTERS:
        return problem_page(
            request,
            title="Unknown filter",
            message="Show all posts, questions, unanswered or answered questions.",
            status=400,
        )
    if not header.can_see_content:
        return _members_only(request, header, "feed")
    community = header.community
    cursor = request.GET.get("cursor") or None
    try:
        page = queries.community_posts_page(viewer, community, cursor=cursor, show=show)
    except InvalidCursorError:
        return bad_cursor_page(request)
    # Pinned posts sit above the list on the unfiltered view; a filtered view lists them in place.
    skip_pinned = show == "all"
    items = [p for p in page.items if not (skip_pinned and p.pinned_at is not None)]
    pinned: list[Post] = []
    if skip_pinned and not cursor:
        pinned = queries.community_pinned_posts(viewer, community, limit=PINNED_LIMIT)
    # One pass over both lists: the per-viewer facts of the pinned posts join the page's.
    ctx = page.context
    if pinned:
        extra = queries.viewer_context(viewer, pinned)
        ctx.my_reactions.update(extra.my_reactions)
        ctx.my_votes.update(extra.my_votes)
        ctx.visible_quotes |= extra.visible_quotes
    decorate(viewer, [*pinned, *items], ctx)
    context: dict[str, Any] = {
        "page": queries.FeedPage(items, page.next_cursor, ctx),
        "show": show,
        "cursor": cursor,
    }
    if cursor and is_htmx(request):
        return vary_on_htmx(render(request, "feed/community_feed.html#page", context))
    context.update(
        # Active members post here (guests too, when they are members).
        composer=Composer() if header.is_member else None,
        pinned=pinned,
        filters=FILTERS,
        filter_label=dict(FILTERS)[show],
    )
    return _tab(request, "feed/community_feed.html", header, "feed", context)


# --- Files ---------------------------------------------------------------------------------------


# What a reader calls a file, by its type; anything else is named by its extension.
FILE_KINDS = {
    "application/pdf": "PDF",
    "text/plain": "Text",
    "text/csv": "CSV table",
    "application/zip": "ZIP archive",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel workbook",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint",
}


def _labelled(page: Page[Attachment]) -> Page[Attachment]:
    for attachment in page.items:
        extension = attachment.name.rsplit(".", 1)[-1].upper() if "." in attachment.name else ""
        attachment.kind_label = FILE_KINDS.get(  # type: ignore[attr-defined]
            attachment.content_type, f"{extension} file" if extension else "File"
        )
    return page


@login_required
@require_GET
def files(request: HttpRequest, handle: str) -> HttpResponse:
    """Images as a grid and other files as a list, each with its own "Load more"
    (``?images=<cursor>`` / ``?files=<cursor>``; htmx gets just that list's next page)."""
    viewer = viewer_of(request)
    header = community_header(viewer, handle)
    if not header.can_see_content:
        return _members_only(request, header, "files")
    community = header.community
    image_cursor = request.GET.get("images") or None
    file_cursor = request.GET.get("files") or None
    try:
        if is_htmx(request) and (image_cursor or file_cursor):
            images = bool(image_cursor)
            page = community_stats.community_files_page(
                viewer, community, images=images, cursor=image_cursor or file_cursor
            )
            part = "images" if images else "documents"
            return vary_on_htmx(
                render(request, f"feed/community_files.html#{part}", {part: _labelled(page)})
            )
        images_page = community_stats.community_files_page(
            viewer, community, images=True, cursor=image_cursor
        )
        files_page = community_stats.community_files_page(
            viewer, community, images=False, cursor=file_cursor
        )
    except InvalidCursorError:
        return bad_cursor_page(request)
    context: dict[str, Any] = {"images": images_page, "documents": _labelled(files_page)}
    return _tab(request, "feed/community_files.html", header, "files", context)


# --- Health --------------------------------------------------------------------------------------


def _week_label(start: Any) -> str:
    return f"{start.day} {start:%b}"


def health_charts(health: community_stats.Health) -> list[Chart]:
    weeks = health.weeks
    count = len(weeks)
    first, now = weeks[0], weeks[-1]
    members = [w.members for w in weeks]
    active = [w.active for w in weeks]
    posts = [w.posts for w in weeks]
    replies = [w.replies for w in weeks]
    asked = [w.questions for w in weeks]
    answered = [w.answered for w in weeks]
    labels = [_week_label(w.start) for w in weeks]
    return [
        chart(
            chart_id="members",
            title="Members over time",
            desc=(
                f"Members at the end of each of the last {count} weeks: "
                f"{first.members} in the week of {_week_label(first.start)}, {now.members} now."
            ),
            labels=labels,
            series=[Series("Members", "series-1", members)],
            kind="line",
        ),
        chart(
            chart_id="active",
            title="Active members per week",
            desc=(
                f"People who posted, replied or reacted, per week: {now.active} this week, "
                f"{max(active)} at most, {sum(active)} person-weeks in all."
            ),
            labels=labels,
            series=[Series("Active members", "series-1", active)],
        ),
        chart(
            chart_id="posts",
            title="Posts and replies per week",
            desc=(
                f"{sum(posts)} posts and {sum(replies)} replies in the last {count} weeks; "
                f"{now.posts} posts and {now.replies} replies this week."
            ),
            labels=labels,
            series=[Series("Posts", "series-1", posts), Series("Replies", "series-2", replies)],
        ),
        chart(
            chart_id="questions",
            title="Questions asked and answered",
            desc=(
                f"{sum(asked)} questions asked in the last {count} weeks, {sum(answered)} of "
                f"them answered; {health.unanswered_now} questions are waiting for an answer."
            ),
            labels=labels,
            series=[
                Series("Questions asked", "series-1", asked),
                Series("Answered by now", "series-2", answered),
            ],
        ),
    ]


@login_required
@require_GET
def health(request: HttpRequest, handle: str) -> HttpResponse:
    viewer = viewer_of(request)
    header = community_header(viewer, handle)
    report = community_stats.community_health(viewer, header)
    context = {"health": report, "charts": health_charts(report), "weeks": len(report.weeks)}
    return _tab(request, "feed/community_health.html", header, "health", context)
