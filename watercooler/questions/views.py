"""Pages of questions and accepted answers: choosing (or clearing) a question's accepted answer
from its thread, and the questions page ("Questions you could answer" and every open question).

Each view parses its input and calls one action or query (``actions.py``, ``queries.py``), the
same ones the API uses. htmx requests get the thread back (and the question's Answered chip out of band);
without JavaScript the forms post and redirect back to the thread.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from watercooler.core.pages import bad_cursor_page, is_htmx, vary_on_htmx, viewer_of
from watercooler.core.paging import InvalidCursorError
from watercooler.feed import queries as feed_queries
from watercooler.feed.models import Post
from watercooler.feed.views import _int, _thread_context, decorate
from watercooler.questions import actions, queries

SUGGESTIONS_ON_PAGE = 5


def _thread_response(request: HttpRequest, post: Post, *, reply_id: int | None) -> HttpResponse:
    """The thread after a change: htmx gets the thread and, when the page shows it, the chip on
    the question's card (out of band); a plain form post goes back to the thread at the
    accepted reply."""
    viewer = viewer_of(request)
    if not is_htmx(request):
        anchor = f"#reply-{reply_id}" if reply_id else "#replies"
        return redirect(reverse("feed:post", args=[post.pk]) + anchor)
    context = _thread_context(request, viewer, post.pk, None)
    thread = render_to_string("feed/post.html#thread", context, request=request)
    if not request.POST.get("answer_status_shown"):
        # The page shows no Answered chip (the form includes the chip's marker when it does):
        # an out-of-band part without a target would be an htmx error.
        return HttpResponse(thread)
    chip = render_to_string(
        "feed/_answer_status.html", {"post": context["post"], "oob": True}, request=request
    )
    return HttpResponse(thread + chip)


def _refused(request: HttpRequest, post_id: int, exc: ValidationError) -> HttpResponse:
    """A reply deleted meanwhile, or a post that is no question: say so on the thread page."""
    messages.error(request, " ".join(exc.messages))
    target = reverse("feed:post", args=[post_id]) + "#replies"
    if is_htmx(request):
        return HttpResponseClientRedirect(target)
    return redirect(target)


@login_required
@require_POST
def accept_answer(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    post = feed_queries.access_post(viewer, post_id, related=False)
    reply_id = _int(request.POST.get("reply_id"))
    try:
        post = actions.do_accept_answer(actor=viewer, post=post, reply=reply_id)
    except ValidationError as exc:
        return _refused(request, post_id, exc)
    if not is_htmx(request):
        messages.success(request, "Marked as the accepted answer.")
    return _thread_response(request, post, reply_id=post.accepted_reply_id)


@login_required
@require_POST
def clear_answer(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    post = feed_queries.access_post(viewer, post_id, related=False)
    try:
        post = actions.do_clear_answer(actor=viewer, post=post)
    except ValidationError as exc:
        return _refused(request, post_id, exc)
    if not is_htmx(request):
        messages.success(request, "The question has no accepted answer now.")
    return _thread_response(request, post, reply_id=None)


@login_required
@require_GET
def questions(request: HttpRequest) -> HttpResponse:
    """Questions you could answer (first page only) and the questions you can see, newest
    first: unanswered by default, or answered, or all (``?show=``; anything else: unanswered)."""
    viewer = viewer_of(request)
    show = request.GET.get("show") or "unanswered"
    if show not in queries.QUESTION_FILTERS:
        show = "unanswered"
    cursor = request.GET.get("cursor") or None
    try:
        page = queries.questions_page(viewer, show=show, cursor=cursor)
    except InvalidCursorError:
        return bad_cursor_page(request)
    decorate(viewer, page.items, page.context)
    context: dict[str, Any] = {"page": page, "show": show}
    if cursor and is_htmx(request):
        return vary_on_htmx(render(request, "questions/questions.html#page", context))
    if not cursor:
        context["suggestions"] = queries.answerable_questions(viewer, limit=SUGGESTIONS_ON_PAGE)
    return vary_on_htmx(render(request, "questions/questions.html", context))
