"""Pages of conversations: the home feed, the composer, post pages with their threads, reactions,
polls, edits and deletes, topics, follows, and the composer's suggestions while typing.

Each view parses its input, calls one action or query of ``feed`` (or ``people.queries`` for
people) and renders. htmx requests get the fragment they swap; the same URLs work without
JavaScript through ordinary forms and redirects.

Longer than most modules on purpose: every page here shows post cards, and the cards' one
decoration (``decorate``, ``CardUI``: buttons from ``policy``, reactions, polls) serves them all.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from watercooler.communities.queries import moderated_community_ids
from watercooler.core.errors import Conflict, FieldErrors, messages_by_field, one_line
from watercooler.core.pages import (
    bad_cursor_page,
    is_htmx,
    next_url,
    problem_page,
    vary_on_htmx,
    viewer_of,
)
from watercooler.core.paging import InvalidCursorError
from watercooler.feed import actions, policy, queries, timeline
from watercooler.feed.attachments import check_alt_text, check_upload
from watercooler.feed.forms import Composer, read_post_form
from watercooler.feed.home_sections import home_sections
from watercooler.feed.models import Post, ReactionKind, Reply
from watercooler.feed.schemas import poll_data
from watercooler.people import queries as people_queries
from watercooler.people.models import User

SUGGEST_LIMIT = 8
SPARSE_FEED = 5  # fewer posts than this on the first page: suggest people and topics too
# Cards per page of the home page: a phone's first screen shows two or three, the next page comes
# in as the reader scrolls ("Load more" is revealed), and each card costs ~0.6 ms to render, so
# the first page is half the API's 20 (docs/performance.md).
HOME_PAGE_POSTS = 10


# --- What a card shows to the viewer ------------------------------------------------------------

REACTIONS = [(value, *str(label).split(" ", 1)) for value, label in ReactionKind.choices]


@dataclass
class CardUI:
    """Per-viewer bits of a post or reply card, computed without queries."""

    can_edit: bool = False
    can_delete: bool = False
    can_pin: bool = False  # a moderator of the post's community (Pin / Unpin)
    reactions_shown: list[dict[str, Any]] = field(default_factory=list)
    reactions_more: list[dict[str, Any]] = field(default_factory=list)
    poll: dict[str, Any] | None = None
    quote_visible: bool = False
    images: list[Any] = field(default_factory=list)
    files: list[Any] = field(default_factory=list)


def _reaction_buttons(
    summary: dict[str, int] | None, mine: Iterable[str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Like and every kind someone used stay in the bar; the rest wait behind "+"."""
    summary = summary or {}
    mine = set(mine)
    shown: list[dict[str, Any]] = []
    more: list[dict[str, Any]] = []
    for kind, emoji, name in REACTIONS:
        item = {
            "kind": kind,
            "emoji": emoji,
            "name": name,
            "count": int(summary.get(kind, 0)),
            "mine": kind in mine,
        }
        (shown if kind == "like" or item["count"] or item["mine"] else more).append(item)
    return shown, more


def _poll_ui(post: Post, ctx: queries.ViewerContext) -> dict[str, Any] | None:
    poll = poll_data(post, ctx)
    if poll is None:
        return None
    total = poll["total_votes"] or 0
    for option in poll["options"]:
        votes = option["votes"] or 0
        option["percent"] = round(votes * 100 / total) if total else 0
    return poll


def decorate(viewer: User, posts: Sequence[Post], ctx: queries.ViewerContext) -> list[Post]:
    """Set ``post.ui`` (a CardUI) on each post; no queries beyond what ``ctx`` loaded, plus one
    when the page holds posts in communities (which of them the viewer moderates)."""
    moderated = moderated_community_ids(viewer, {p.community_id for p in posts})
    for post in posts:
        attachments = list(post.attachments.all()) if post.deleted_at is None else []
        moderates = post.community_id in moderated
        post.ui = CardUI(  # type: ignore[attr-defined]
            can_edit=policy.can_edit(viewer, author_id=post.author_id),
            can_delete=policy.can_delete(
                viewer,
                author_id=post.author_id,
                community_id=post.community_id,
                moderates=moderates,
            ),
            can_pin=moderates,
            poll=_poll_ui(post, ctx) if post.deleted_at is None else None,
            quote_visible=bool(
                post.quoted_post_id
                and post.quoted_post is not None
                and post.quoted_post.deleted_at is None
                and post.quoted_post_id in ctx.visible_quotes
            ),
            images=[a for a in attachments if a.is_image],
            files=[a for a in attachments if not a.is_image],
        )
        post.ui.reactions_shown, post.ui.reactions_more = _reaction_buttons(  # type: ignore[attr-defined]
            post.reaction_summary, ctx.my_reactions.get(post.pk, [])
        )
    return list(posts)


def decorate_replies(
    viewer: User,
    replies: Iterable[Reply],
    mine: dict[int, list[str]],
    *,
    community_id: int | None = None,
    moderates: bool = False,
) -> None:
    """``community_id``: the thread's post's community; ``moderates``: whether ``viewer``
    moderates it (moderators delete replies there too)."""
    for reply in replies:
        shown, more = _reaction_buttons(reply.reaction_summary, mine.get(reply.pk, []))
        reply.ui = CardUI(  # type: ignore[attr-defined]
            can_delete=reply.deleted_at is None
            and policy.can_delete(
                viewer,
                author_id=reply.author_id,
                community_id=community_id,
                moderates=moderates,
            ),
            reactions_shown=shown,
            reactions_more=more,
        )
        decorate_replies(
            viewer,
            getattr(reply, "thread_children", []),
            mine,
            community_id=community_id,
            moderates=moderates,
        )


def _one_card(viewer: User, post: Post) -> Post:
    decorate(viewer, [post], queries.viewer_context(viewer, [post]))
    return post


# --- Home feed ---------------------------------------------------------------------------------


@cache
def _composer_for(
    viewer: User, *, body: str = "", quote_id: int | None = None, in_community: bool = False
) -> Composer | None:
    """An empty composer, or None for someone who may not post (guests, outside their
    communities)."""
    if not policy.can_post(viewer, in_community=in_community):
        return None
    composer = Composer(body=body)
    if quote_id is not None:
        try:
            quote = queries.access_post(viewer, quote_id)
        except Http404:
            pass
        else:
            composer.quote, composer.quote_id = quote, quote.pk
    return composer


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    order = request.GET.get("order", "latest")
    if order not in timeline.FEED_ORDERS:
        order = "latest"
    cursor = request.GET.get("cursor") or None
    try:
        page = timeline.feed_page(viewer, order=order, cursor=cursor, limit=HOME_PAGE_POSTS)
    except InvalidCursorError:
        return bad_cursor_page(request)
    decorate(viewer, page.items, page.context)
    context: dict[str, Any] = {"page": page, "order": order, "cursor": cursor}
    if cursor and is_htmx(request):
        return vary_on_htmx(render(request, "feed/home.html#page", context))
    sparse = not cursor and len(page.items) < SPARSE_FEED
    summary = people_queries.home_summary(viewer)
    context.update(
        composer=_composer_for(viewer, quote_id=_int(request.GET.get("quote"))),
        summary=summary,
        profile_done=4 - len(summary.missing),
        suggestions=timeline.feed_suggestions(viewer) if sparse else None,
        sections=home_sections(viewer),
    )
    return vary_on_htmx(render(request, "feed/home.html", context))


def _int(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


# --- Composer ----------------------------------------------------------------------------------


def community_composer(viewer: User, header: Any) -> Composer | None:
    """The composer of a community's page (``header``: communities.queries.CommunityHeader):
    for its active members only (guests among them too), else None. Render it with
    ``{% include "feed/_composer.html" with community=header.community %}`` above a
    ``#feed-posts`` list: the new card is prepended there."""
    if not header.is_member:
        return None
    return _composer_for(viewer, in_community=True)


@login_required
@require_POST
def create_post(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    community_handle = request.POST.get("community", "").strip()[:80] or None
    actions.check_can_post(viewer, in_community=community_handle is not None)
    form = read_post_form(request.POST, request.FILES)
    composer = form.composer
    data = None
    try:
        data = actions.check_post_input(
            author=viewer,
            body=composer.body,
            kind=composer.kind,
            audience=composer.audience,
            poll_options=form.poll_options,
            poll_closes_at=form.poll_closes_at,
            quoted_post_id=composer.quote_id,
            community_handle=community_handle,
        )
    except ValidationError as exc:
        composer.add_errors(messages_by_field(exc))
    if form.bad_duration:
        composer.add_errors({"closes_in": ["Choose how long the poll stays open."]})
    file_errors = _check_uploads(form.uploads)
    if file_errors:
        composer.add_errors({"attachments": file_errors})
    if data is None or composer.errors:
        return _composer_errors(request, viewer, composer, community_handle)
    try:
        post = actions.do_create_post_with_attachments(
            author=viewer, data=data, uploads=form.uploads
        )
    except ValidationError as exc:
        composer.add_errors(
            {"attachments": [m for ms in messages_by_field(exc).values() for m in ms]}
        )
        return _composer_errors(request, viewer, composer, community_handle)
    if is_htmx(request):
        card = queries.access_post(viewer, post.pk)
        return render(request, "feed/_created.html", {"post": _one_card(viewer, card)})
    messages.success(request, "Your post is published.")
    if composer.quote_id:
        return redirect("feed:post", post.pk)
    return redirect(next_url(request, reverse("home")))


def _prefill(request: HttpRequest) -> str:
    """A topic page's composer starts with its tag again after posting."""
    return request.POST.get("prefill", "")[:70]


def _check_uploads(uploads: list[tuple[Any, str]]) -> list[str]:
    """Every file's problem at once (the action checks them again while saving)."""
    problems: list[str] = []
    for upload, alt in uploads:
        errors = FieldErrors()
        with errors.collect():
            check_upload(upload)
        with errors.collect():
            check_alt_text(alt)
        problems.extend(f"{upload.name}: {m}" for ms in errors.messages.values() for m in ms)
        upload.seek(0)
    return problems


def _composer_errors(
    request: HttpRequest, viewer: User, composer: Composer, community_handle: str | None = None
) -> HttpResponse:
    if composer.quote_id and composer.quote is None and "quote" not in composer.errors:
        try:
            composer.quote = queries.access_post(viewer, composer.quote_id)
        except Http404:
            composer.quote_id = None
    community = None
    if community_handle and "community" not in composer.errors:
        # Shown back as "Posting in …" so a second try still goes to the community.
        community = actions.check_post_community(viewer, community_handle)
    context = {"composer": composer, "prefill": _prefill(request), "community": community}
    if is_htmx(request):
        response = render(request, "feed/_composer.html", context, status=400)
        # htmx leaves 4xx answers unswapped by default; feed.js swaps a composer's own errors.
        response["HX-Retarget"] = "#composer"
        response["HX-Reswap"] = "outerHTML"
        return response
    return render(request, "feed/compose.html", context, status=400)


# --- Post page, thread, replies ----------------------------------------------------------------


def _thread_context(
    request: HttpRequest, viewer: User, post_id: int, cursor: str | None
) -> dict[str, Any]:
    thread = queries.replies_page(viewer, post_id, cursor=cursor)
    post = thread.post
    decorate(viewer, [post], queries.viewer_context(viewer, [post]))
    decorate_replies(
        viewer,
        thread.replies,
        thread.my_reactions,
        community_id=post.community_id,
        moderates=post.ui.can_pin,  # type: ignore[attr-defined]
    )
    return {
        "post": post,
        "thread": thread,
        "reply_to": _int(request.GET.get("reply_to")),
        "cursor": cursor,
    }


@login_required
@require_GET
def post_detail(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    cursor = request.GET.get("cursor") or None
    try:
        context = _thread_context(request, viewer, post_id, cursor)
    except InvalidCursorError:
        return bad_cursor_page(request)
    if cursor and is_htmx(request):
        return vary_on_htmx(render(request, "feed/post.html#replies-page", context))
    return vary_on_htmx(render(request, "feed/post.html", context))


@login_required
@require_GET
def post_card(request: HttpRequest, post_id: int) -> HttpResponse:
    """One card, for pages that show a post someone else just wrote (live.js)."""
    viewer = viewer_of(request)
    post = queries.access_post(viewer, post_id)
    return render(request, "feed/_post.html", {"post": _one_card(viewer, post)})


@login_required
@require_http_methods(["GET", "POST"])
def replies(request: HttpRequest, post_id: int) -> HttpResponse:
    """GET: the thread (for live updates). POST: a reply, or a reply to a reply (parent)."""
    viewer = viewer_of(request)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        post = queries.access_post(viewer, post_id, related=False)
        body = request.POST.get("body", "")
        parent_id = _int(request.POST.get("parent"))
        try:
            reply = actions.do_create_reply(
                author=viewer, post=post, body=body, parent_id=parent_id
            )
        except ValidationError as exc:
            errors = messages_by_field(exc)
            values = {"body": body, "parent": parent_id}
            status = 400
        else:
            if not is_htmx(request):
                return redirect(reverse("feed:post", args=[post.pk]) + f"#reply-{reply.pk}")
            values = {"new_reply": reply.pk}
    context = _thread_context(request, viewer, post_id, None)
    context.update(errors=errors, values=values)
    if errors:
        context["reply_to"] = values.get("parent")
    if is_htmx(request):
        return vary_on_htmx(render(request, "feed/post.html#thread", context, status=status))
    return render(request, "feed/post.html", context, status=status)


@login_required
@require_POST
def delete_reply(request: HttpRequest, reply_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    reply = queries.access_reply(viewer, reply_id)
    actions.do_delete_reply(actor=viewer, reply=reply)
    if is_htmx(request):
        context = _thread_context(request, viewer, reply.post_id, None)
        return render(request, "feed/post.html#thread", context)
    messages.success(request, "Your reply is deleted.")
    return redirect(reverse("feed:post", args=[reply.post_id]) + "#replies")


# --- Reactions and polls -------------------------------------------------------------------------


def _reaction_kind(request: HttpRequest) -> str | None:
    try:
        return actions.check_reaction_kind(request.POST.get("kind"))
    except ValidationError:
        return None


def _bad_reaction(request: HttpRequest) -> HttpResponse:
    return problem_page(
        request,
        title="Unknown reaction",
        message="Choose one of the reactions under the post.",
        status=400,
    )


def _reaction_response(
    request: HttpRequest, target: Post | Reply, kind: str, state: actions.ReactionState, back: str
) -> HttpResponse:
    if not is_htmx(request):
        return redirect(next_url(request, back))
    target.reaction_count = state.reaction_count
    target.reaction_summary = state.reaction_summary
    shown, more = _reaction_buttons(state.reaction_summary, state.my_reactions)
    target.ui = CardUI(reactions_shown=shown, reactions_more=more)  # type: ignore[union-attr]
    return render(request, "feed/_reactions.html", {"target": target, "kind": kind})


@login_required
@require_POST
def react_post(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    post = queries.access_post(viewer, post_id, related=False)
    kind = _reaction_kind(request)
    if kind is None:
        return _bad_reaction(request)
    state = actions.do_toggle_reaction(user=viewer, post=post, kind=kind)
    return _reaction_response(request, post, "post", state, reverse("feed:post", args=[post.pk]))


@login_required
@require_POST
def react_reply(request: HttpRequest, reply_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    reply = queries.access_reply(viewer, reply_id)
    kind = _reaction_kind(request)
    if kind is None:
        return _bad_reaction(request)
    state = actions.do_toggle_reaction(user=viewer, post=reply.post, reply=reply, kind=kind)
    back = reverse("feed:post", args=[reply.post_id]) + f"#reply-{reply.pk}"
    return _reaction_response(request, reply, "reply", state, back)


def _who_reacted(
    request: HttpRequest, *, post_id: int | None = None, reply_id: int | None = None
) -> HttpResponse:
    viewer = viewer_of(request)
    cursor = request.GET.get("cursor") or None
    try:
        page = queries.reactions_page(viewer, post_id=post_id, reply_id=reply_id, cursor=cursor)
    except InvalidCursorError:
        return bad_cursor_page(request)
    names = {kind: (emoji, name) for kind, emoji, name in REACTIONS}
    for reaction in page.items:
        reaction.emoji, reaction.label = names.get(reaction.kind, ("", reaction.kind))  # type: ignore[attr-defined]
    if reply_id is not None:
        back = reverse("feed:post", args=[queries.access_reply(viewer, reply_id).post_id])
    else:
        back = reverse("feed:post", args=[post_id])
    context = {"page": page, "back": back}
    if is_htmx(request):
        return vary_on_htmx(render(request, "feed/reactions.html#list", context))
    return vary_on_htmx(render(request, "feed/reactions.html", context))


@login_required
@require_GET
def post_reactions(request: HttpRequest, post_id: int) -> HttpResponse:
    return _who_reacted(request, post_id=post_id)


@login_required
@require_GET
def reply_reactions(request: HttpRequest, reply_id: int) -> HttpResponse:
    return _who_reacted(request, reply_id=reply_id)


@login_required
@require_POST
def vote(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    post = queries.access_post(viewer, post_id, related=False)
    error = ""
    status = 200
    try:
        actions.do_vote(user=viewer, post=post, option_id=_int(request.POST.get("option")))
    except ValidationError as exc:
        error = one_line(exc)
        status = 400
    except Conflict:
        pass  # already voted or closed: the results show what is true now
    if not is_htmx(request) and not error:
        return redirect(next_url(request, reverse("feed:post", args=[post.pk])))
    card = _one_card(viewer, queries.access_post(viewer, post_id))
    if not is_htmx(request):
        return problem_page(request, title="That vote did not count", message=error, status=400)
    return render(
        request,
        "feed/_poll.html",
        {"post": card, "poll": card.ui.poll, "error": error},  # type: ignore[attr-defined]
        status=status,
    )


# --- Edit, history, delete ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def edit_post(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    post = queries.access_post(viewer, post_id)
    actions.check_can_edit(actor=viewer, author_id=post.author_id)
    body = post.body
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        body = request.POST.get("body", "")
        try:
            actions.do_edit_post(actor=viewer, post=post, body=body)
        except ValidationError as exc:
            errors = messages_by_field(exc)
            status = 400
        else:
            messages.success(request, "Your changes are saved.")
            return redirect("feed:post", post.pk)
    return render(
        request,
        "feed/edit.html",
        {"post": post, "body": body, "errors": errors},
        status=status,
    )


@login_required
@require_GET
def post_history(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    post, revisions = queries.post_revisions(viewer, post_id)
    return render(request, "feed/history.html", {"post": post, "revisions": revisions})


@login_required
@require_http_methods(["GET", "POST"])
def delete_post(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = viewer_of(request)
    post = queries.access_post(viewer, post_id)
    actions.check_can_delete(actor=viewer, author_id=post.author_id, community_id=post.community_id)
    if request.method == "POST":
        actions.do_delete_post(actor=viewer, post=post)
        messages.success(request, "The post is deleted.")
        if post.community_id is not None and post.community is not None:
            return redirect(f"/c/{post.community.handle}/")
        return redirect("home")
    return render(request, "feed/delete.html", {"post": _one_card(viewer, post)})


@login_required
@require_POST
def pin_post(request: HttpRequest, post_id: int) -> HttpResponse:
    """Pin (``action=pin``) or unpin (``action=unpin``) a post in a community; an htmx request
    gets the card back, a form post goes back to where it came from."""
    viewer = viewer_of(request)
    post = queries.access_post(viewer, post_id, related=False)
    pinned = request.POST.get("action", "pin") != "unpin"
    try:
        actions.do_pin_post(actor=viewer, post=post, pinned=pinned)
    except ValidationError as exc:
        message = one_line(exc)
        return problem_page(
            request, title="This post cannot be pinned", message=message, status=400
        )
    if is_htmx(request):
        card = _one_card(viewer, queries.access_post(viewer, post_id))
        return render(request, "feed/_post.html", {"post": card})
    messages.success(request, "Pinned to the community's page." if pinned else "Unpinned.")
    return redirect(next_url(request, reverse("feed:post", args=[post.pk])))


# --- Topics -------------------------------------------------------------------------------------


@login_required
@require_GET
def topics(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    cursor = request.GET.get("cursor") or None
    try:
        page = queries.active_topics_page(viewer, cursor=cursor)
    except InvalidCursorError:
        return bad_cursor_page(request)
    context = {"page": page, "cursor": cursor}
    if cursor and is_htmx(request):
        return vary_on_htmx(render(request, "feed/topics.html#page", context))
    return vary_on_htmx(render(request, "feed/topics.html", context))


@login_required
@require_GET
def topic(request: HttpRequest, name: str) -> HttpResponse:
    """A topic's posts, newest first; ``?show=`` narrows them to questions, unanswered or
    answered ones (``queries.filter_posts``; anything else shows all)."""
    viewer = viewer_of(request)
    cursor = request.GET.get("cursor") or None
    show = request.GET.get("show") or "all"
    if show not in queries.POST_FILTERS:
        show = "all"
    details = queries.topic_details(viewer, name)
    try:
        page = queries.topic_posts_page(viewer, details.topic.name, cursor=cursor, show=show)
    except InvalidCursorError:
        return bad_cursor_page(request)
    decorate(viewer, page.items, page.context)
    context: dict[str, Any] = {
        "details": details,
        "topic": details.topic,
        "page": page,
        "show": show,
    }
    if cursor and is_htmx(request):
        return vary_on_htmx(render(request, "feed/topic.html#page", context))
    prefill = f"#{details.topic.label} "
    context.update(composer=_composer_for(viewer, body=prefill), prefill=prefill)
    return vary_on_htmx(render(request, "feed/topic.html", context))


@login_required
@require_POST
def follow_topic(request: HttpRequest, name: str) -> HttpResponse:
    viewer = viewer_of(request)
    found = queries.access_topic(viewer, name)
    try:
        if request.POST.get("action") == "unfollow":
            actions.do_unfollow_topic(follower=viewer, topic=found)
        else:
            actions.do_follow_topic(follower=viewer, topic=found)
    except (Conflict, Http404):
        pass  # already in the state asked for
    if is_htmx(request):
        details = queries.topic_details(viewer, found.name)
        return render(request, "feed/_topic_follow.html", {"details": details})
    return redirect(next_url(request, reverse("feed:topic", args=[found.name])))


@login_required
@require_GET
def topic_suggest(request: HttpRequest) -> JsonResponse:
    viewer = viewer_of(request)
    found = queries.suggest_topics(viewer, request.GET.get("q", "")[:64], limit=SUGGEST_LIMIT)
    return JsonResponse(
        [{"name": t.name, "label": t.label, "post_count": t.post_count} for t in found],
        safe=False,
    )


# --- People: mentions, follows ------------------------------------------------------------------


@login_required
@require_GET
def mention_suggest(request: HttpRequest) -> JsonResponse:
    """Up to 8 people for "@abc" while typing; guests may not browse people (403)."""
    viewer = viewer_of(request)
    q = request.GET.get("q", "").strip().lstrip("@")[:50]
    if not q:
        people_queries.check_can_browse_directory(viewer)
        return JsonResponse([], safe=False)
    people = people_queries.people_matching(viewer, q, limit=SUGGEST_LIMIT)
    return JsonResponse(
        [
            {
                "username": person.username,
                "display_name": person.display_name,
                "title": person.title,
                "avatar": person.photo_thumb.url if person.photo_thumb else None,
            }
            for person in people
            if not person.is_guest
        ],
        safe=False,
    )


@login_required
@require_POST
def follow_person(request: HttpRequest, username: str) -> HttpResponse:
    viewer = viewer_of(request)
    person = people_queries.access_person(viewer, username)
    try:
        if request.POST.get("action") == "unfollow":
            actions.do_unfollow_person(follower=viewer, followee=person)
        else:
            actions.do_follow_person(follower=viewer, followee=person)
    except (Conflict, Http404):
        pass  # already in the state asked for
    except ValidationError as exc:
        if is_htmx(request):
            return HttpResponse(" ".join(exc.messages), status=400)
        return problem_page(
            request, title="Not followed", message=" ".join(exc.messages), status=400
        )
    if is_htmx(request):
        following = bool(queries.is_following(viewer, [person.pk]))
        return render(
            request,
            "feed/_follow_button.html",
            {"person": person, "is_following": following, "show": True},
        )
    return redirect(next_url(request, reverse("people:profile", args=[person.username])))


# --- A person's posts and replies (their profile shows the first page of each) -------------------


@login_required
@require_GET
def author_posts(request: HttpRequest, username: str) -> HttpResponse:
    """Posts by ``username`` that the viewer may see, newest first, cursor-paged."""
    viewer = viewer_of(request)
    person, _card_only = people_queries.access_person_card(viewer, username)
    cursor = request.GET.get("cursor") or None
    try:
        page = queries.author_posts_page(viewer, person, cursor=cursor)
    except InvalidCursorError:
        return bad_cursor_page(request)
    decorate(viewer, page.items, page.context)
    context = {"person": person, "page": page}
    if cursor and is_htmx(request):
        return vary_on_htmx(render(request, "feed/_author_posts_page.html", context))
    return vary_on_htmx(render(request, "feed/author_posts.html", context))


@login_required
@require_GET
def author_replies(request: HttpRequest, username: str) -> HttpResponse:
    """Replies and answers by ``username`` on posts the viewer may see, newest first."""
    viewer = viewer_of(request)
    person, _card_only = people_queries.access_person_card(viewer, username)
    cursor = request.GET.get("cursor") or None
    try:
        page = queries.author_replies_page(viewer, person, cursor=cursor)
    except InvalidCursorError:
        return bad_cursor_page(request)
    context = {"person": person, "page": page}
    if cursor and is_htmx(request):
        return vary_on_htmx(render(request, "feed/_author_replies_page.html", context))
    return vary_on_htmx(render(request, "feed/author_replies.html", context))


def _follow_list(request: HttpRequest, username: str, *, which: str) -> HttpResponse:
    viewer = viewer_of(request)
    person = people_queries.access_person(viewer, username)
    cursor = request.GET.get("cursor") or None
    lister = queries.followers_page if which == "followers" else queries.following_page
    try:
        page = lister(viewer, person, cursor=cursor)
    except InvalidCursorError:
        return bad_cursor_page(request)
    people = [f.follower if which == "followers" else f.followee for f in page.items]
    mine = queries.is_following(viewer, [p.pk for p in people]) if people else set()
    for other in people:
        other.is_followed = other.pk in mine  # type: ignore[attr-defined]
    context = {
        "person": person,
        "people": people,
        "page": page,
        "which": which,
        "counts": queries.follow_counts(person),
        "is_self": person.pk == viewer.pk,
    }
    if cursor and is_htmx(request):
        return vary_on_htmx(render(request, "feed/follows.html#page", context))
    return vary_on_htmx(render(request, "feed/follows.html", context))


@login_required
@require_GET
def followers(request: HttpRequest, username: str) -> HttpResponse:
    return _follow_list(request, username, which="followers")


@login_required
@require_GET
def following(request: HttpRequest, username: str) -> HttpResponse:
    return _follow_list(request, username, which="following")
