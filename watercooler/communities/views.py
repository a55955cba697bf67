"""Pages of communities: the directory, creating one, and a community's About, Members and
Requests tabs, plus the Join / Leave / Following buttons (its Settings tab: ``settings_views``).

Each view parses its input, calls one query or action and renders. Who may see or change what
is ``communities.policy``, asked by the queries and actions the API shares and by the
templates for their buttons (``queries.CommunityHeader``). A community's Feed, Files and
Health tabs are the feed app's, its Events tab the events app's; all extend
``communities/base_community.html``.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from watercooler.communities import actions, policy, queries
from watercooler.communities.forms import CommunityForm, suggest_handle
from watercooler.communities.models import Category, MemberRole
from watercooler.communities.queries import CommunityHeader
from watercooler.core.errors import Conflict, messages_by_field, one_line
from watercooler.core.markdown import render_markdown
from watercooler.core.pages import is_htmx, next_url, problem_page, vary_on_htmx, viewer_of
from watercooler.core.paging import InvalidCursorError
from watercooler.core.text import contains_nul
from watercooler.people import queries as people_queries
from watercooler.people.models import User

MAX_QUERY_LENGTH = 80


def _feed_url(handle: str) -> str:
    # The feed tab is the feed app's (community_feed:feed); its address is part of the contract.
    return f"/c/{handle}/"


def _about_url(handle: str) -> str:
    return reverse("communities:about", args=[handle])


def _markdown(text: str) -> str:
    """Description and guidelines as sanitised HTML; @mentions stay text (no lookups here)."""
    if not text:
        return ""
    html, _mentions, _topics = render_markdown(
        text, mention_url=lambda _username: None, topic_url=lambda name: f"/topics/{name}/"
    )
    return html


def moderator_header(viewer: User, handle: str) -> CommunityHeader:
    """The header of a community whose moderation tabs ``viewer`` asks for: Http404 when they
    may not know it or see its content, PermissionDenied (403) for members who do not moderate."""
    header = queries.community_header(viewer, handle)
    if header.can_moderate:
        return header
    if header.can_see_content:
        raise PermissionDenied("Only owners and moderators of this community can do that.")
    raise Http404("No such community.")


# --- Directory ---------------------------------------------------------------------------------


@login_required
@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    get = request.GET
    if contains_nul(list(get.lists())):
        return problem_page(
            request,
            title="This search cannot be run",
            message="The link carries characters no community name can contain.",
            status=400,
            back=reverse("communities:directory"),
        )
    q = " ".join(get.get("q", "").split())[:MAX_QUERY_LENGTH]
    category = get.get("category", "")
    if category not in Category.values:
        category = ""
    mine = get.get("mine") == "1"
    cursor = get.get("cursor") or None
    try:
        page = queries.communities_page(viewer, q=q, category=category, mine=mine, cursor=cursor)
    except InvalidCursorError:
        return problem_page(
            request,
            title="This page of the directory no longer exists",
            message=(
                "The link asked for a page we cannot find (its “cursor” is damaged or out of"
                " date). Start again from the first page."
            ),
            status=400,
            back=reverse("communities:directory"),
        )
    context: dict[str, Any] = {
        "page": page,
        "cards": queries.card_headers(viewer, page.items),
        "q": q,
        "category": category,
        "mine": mine,
        "cursor": cursor,
        "filtered": bool(q or category or mine),
        "categories": Category.choices,
        "can_create": policy.can_create_community(viewer),
    }
    if is_htmx(request):
        template = (
            "communities/directory.html#page" if cursor else "communities/directory.html#results"
        )
        return vary_on_htmx(render(request, template, context))
    if not (q or category or mine or cursor):
        suggestions = queries.suggested_communities(viewer, limit=6)
        cards = queries.card_headers(viewer, [s.community for s in suggestions])
        context["suggested"] = [
            {"card": card, "reason": s.reason} for card, s in zip(cards, suggestions, strict=True)
        ]
    return vary_on_htmx(render(request, "communities/directory.html", context))


# --- Creating a community ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    # The form is not even offered to those the action would refuse.
    actions.check_can_create(viewer)
    form = CommunityForm()
    status = 200
    if request.method == "POST":
        form = CommunityForm.from_post(request.POST)
        if not form.handle:
            form.handle = suggest_handle(form.name)
        try:
            data = actions.check_community_input(actor=viewer, handle=form.handle, **form.fields())
            community = actions.do_create_community(actor=viewer, data=data)
        except ValidationError as exc:
            form.errors = messages_by_field(exc)
            status = 400
        else:
            messages.success(
                request, f"{community.name} is ready. Invite people or write the first post."
            )
            return redirect(_feed_url(community.handle))
    return render(request, "communities/create.html", {"form": form}, status=status)


# --- About -------------------------------------------------------------------------------------


@login_required
@require_GET
def about(request: HttpRequest, handle: str) -> HttpResponse:
    viewer = viewer_of(request)
    header = queries.community_header(viewer, handle)
    community = header.community
    rule = queries.community_rule(community)
    return render(
        request,
        "communities/about.html",
        {
            "header": header,
            "active_tab": "about",
            "description_html": _markdown(community.description),
            "guidelines_html": _markdown(community.guidelines),
            "staff": queries.community_staff(community),
            "rule_summary": queries.rule_summary(rule),
            "rule": rule,
        },
    )


# --- Members -----------------------------------------------------------------------------------


def _members_only(request: HttpRequest, header: CommunityHeader, tab: str) -> HttpResponse:
    """A content tab asked for by someone who may know the community but not see inside it (a
    non-member of a closed one): the header and the request-to-join card, 403."""
    return render(
        request,
        "communities/base_community.html",
        {"header": header, "active_tab": tab},
        status=403,
    )


@login_required
@require_GET
def members(request: HttpRequest, handle: str) -> HttpResponse:
    viewer = viewer_of(request)
    header = queries.community_header(viewer, handle)
    if not header.can_see_content:
        return _members_only(request, header, "members")
    cursor = request.GET.get("cursor") or None
    q = str(request.GET.get("q", ""))
    add_q = str(request.GET.get("add_q", ""))
    if header.can_manage_members and add_q and is_htmx(request):
        return vary_on_htmx(_candidates(request, header, add_q))
    try:
        page = queries.members_page(viewer, header.community, cursor=cursor, q=q)
    except InvalidCursorError:
        return problem_page(
            request,
            title="This page of the members list no longer exists",
            message="The link asked for a page we cannot find. Start again from the first page.",
            status=400,
            back=reverse("communities:members", args=[header.community.handle]),
        )
    context: dict[str, Any] = {
        "header": header,
        "active_tab": "members",
        "page": page,
        "cursor": cursor,
        "q": q,
        "add_q": add_q,
    }
    if header.can_manage_members and add_q:
        context["candidates"] = queries.member_candidates(viewer, header.community, add_q)
    # A "Load more" or a search as one types: only the list's rows.
    if is_htmx(request) and (cursor or "q" in request.GET):
        return vary_on_htmx(render(request, "communities/members.html#page", context))
    return vary_on_htmx(render(request, "communities/members.html", context))


def _candidates(request: HttpRequest, header: CommunityHeader, add_q: str) -> HttpResponse:
    """The "Add people" picker's choices for what was typed (htmx)."""
    candidates = queries.member_candidates(viewer_of(request), header.community, add_q)
    return render(
        request,
        "communities/members.html#candidates",
        {"header": header, "candidates": candidates, "add_q": add_q},
    )


def _person_in(viewer: User, username: str) -> User | None:
    try:
        return people_queries.access_person(viewer, username.strip().lstrip("@")[:150])
    except Http404:
        return None


def _member_answer(
    request: HttpRequest,
    header: CommunityHeader,
    *,
    done: str,
    error: str = "",
    status: int = 200,
    back_tab: str = "members",
) -> HttpResponse:
    """After a moderator's change: htmx gets the row's new words; a plain form a redirect back
    with a message (an error: the message and 4xx)."""
    handle = header.community.handle
    back = reverse(f"communities:{back_tab}", args=[handle])
    if is_htmx(request):
        return render(
            request,
            "communities/_member_done.html",
            {"done": done, "error": error},
            status=status,
        )
    if error:
        return problem_page(
            request, title="That did not work", message=error, status=status, back=back
        )
    messages.success(request, done)
    return redirect(next_url(request, back))


def _error_status(exc: Exception) -> int:
    if isinstance(exc, Conflict):
        return 409
    return 400


@login_required
@require_POST
def add_member(request: HttpRequest, handle: str) -> HttpResponse:
    viewer = viewer_of(request)
    header = moderator_header(viewer, handle)
    community = header.community
    username = str(request.POST.get("username", ""))
    person = _person_in(viewer, username) if username.strip() else None
    if person is None:
        error = (
            "Type the username of the person to add."
            if not username.strip()
            else f"No one here is called “{username.strip()[:60]}”."
        )
        return _add_form_error(request, header, username, error)
    try:
        actions.do_add_member(actor=viewer, community=community, user=person)
    except (ValidationError, Conflict) as exc:
        return _add_form_error(request, header, username, one_line(exc), _error_status(exc))
    messages.success(request, f"{person.display_name} is now a member of {community.name}.")
    return redirect(reverse("communities:members", args=[community.handle]))


def _add_form_error(
    request: HttpRequest, header: CommunityHeader, username: str, error: str, status: int = 400
) -> HttpResponse:
    """The members page again with the "Add people" form's error by its field."""
    page = queries.members_page(viewer_of(request), header.community)
    return render(
        request,
        "communities/members.html",
        {
            "header": header,
            "active_tab": "members",
            "page": page,
            "cursor": None,
            "add_username": username[:150],
            "add_errors": {"username": [error]},
        },
        status=status,
    )


@login_required
@require_POST
def remove_member(request: HttpRequest, handle: str, username: str) -> HttpResponse:
    viewer = viewer_of(request)
    header = moderator_header(viewer, handle)
    person = _person_in(viewer, username)
    if person is None:
        raise Http404("No such member.")
    try:
        actions.do_remove_member(actor=viewer, community=header.community, user=person)
    except (ValidationError, Conflict) as exc:
        return _member_answer(
            request, header, done="", error=one_line(exc), status=_error_status(exc)
        )
    return _member_answer(request, header, done=f"{person.display_name} is no longer a member.")


@login_required
@require_POST
def set_role(request: HttpRequest, handle: str, username: str) -> HttpResponse:
    viewer = viewer_of(request)
    header = moderator_header(viewer, handle)
    person = _person_in(viewer, username)
    if person is None:
        raise Http404("No such member.")
    role = str(request.POST.get("role", ""))
    if role not in MemberRole.values:
        return _member_answer(
            request, header, done="", error="Choose owner, moderator or member.", status=400
        )
    try:
        actions.do_set_role(actor=viewer, community=header.community, user=person, role=role)
    except (ValidationError, Conflict) as exc:
        return _member_answer(
            request, header, done="", error=one_line(exc), status=_error_status(exc)
        )
    label = MemberRole(role).label.lower()
    return _member_answer(request, header, done=f"{person.display_name} is now {_a(label)}.")


def _a(label: str) -> str:
    return f"an {label}" if label[:1] in "aeiou" else f"a {label}"


@login_required
@require_POST
def transfer_ownership(request: HttpRequest, handle: str, username: str) -> HttpResponse:
    viewer = viewer_of(request)
    header = moderator_header(viewer, handle)
    person = _person_in(viewer, username)
    if person is None:
        raise Http404("No such member.")
    try:
        actions.do_transfer_ownership(actor=viewer, community=header.community, user=person)
    except (ValidationError, Conflict) as exc:
        return _member_answer(
            request, header, done="", error=one_line(exc), status=_error_status(exc)
        )
    messages.success(
        request, f"{person.display_name} now owns {header.community.name}; you are a moderator."
    )
    return redirect(reverse("communities:members", args=[header.community.handle]))


# --- Requests to join --------------------------------------------------------------------------


@login_required
@require_GET
def requests(request: HttpRequest, handle: str) -> HttpResponse:
    viewer = viewer_of(request)
    header = moderator_header(viewer, handle)
    cursor = request.GET.get("cursor") or None
    try:
        page = queries.requests_page(viewer, header.community, cursor=cursor)
    except InvalidCursorError:
        return problem_page(
            request,
            title="This page of requests no longer exists",
            message="The link asked for a page we cannot find. Start again from the first page.",
            status=400,
            back=reverse("communities:requests", args=[header.community.handle]),
        )
    context = {"header": header, "active_tab": "requests", "page": page, "cursor": cursor}
    if is_htmx(request) and cursor:
        return vary_on_htmx(render(request, "communities/requests.html#page", context))
    return vary_on_htmx(render(request, "communities/requests.html", context))


@login_required
@require_POST
def answer_request(request: HttpRequest, handle: str, username: str, answer: str) -> HttpResponse:
    viewer = viewer_of(request)
    header = moderator_header(viewer, handle)
    person = _person_in(viewer, username)
    if person is None:
        raise Http404("No such request.")
    community = header.community
    try:
        if answer == "approve":
            actions.do_add_member(actor=viewer, community=community, user=person)
            done = f"{person.display_name} is now a member."
        else:
            actions.do_remove_member(actor=viewer, community=community, user=person)
            done = f"{person.display_name}'s request is declined."
    except (ValidationError, Conflict) as exc:
        return _member_answer(
            request,
            header,
            done="",
            error=one_line(exc),
            status=_error_status(exc),
            back_tab="requests",
        )
    return _member_answer(request, header, done=done, back_tab="requests")


# --- Join, leave, follow -----------------------------------------------------------------------


def _membership_answer(
    request: HttpRequest,
    viewer: User,
    handle: str,
    *,
    before: bool | None = None,
    error: str = "",
    status: int = 200,
    done: str = "",
) -> HttpResponse:
    """The viewer's new membership buttons (htmx), or back to where they were (a plain form).

    ``before``: whether they could see the content before; when that changed, htmx reloads the
    page so its tabs and content follow."""
    compact = request.POST.get("compact") == "1"
    try:
        header = queries.community_header(viewer, handle)
    except Http404:
        # They left a secret community: there is nothing left for them to see there.
        if is_htmx(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = reverse("communities:directory")
            return response
        messages.success(request, done or "You left the community.")
        return redirect("communities:directory")
    if is_htmx(request):
        response = render(
            request,
            "communities/_membership.html",
            {
                "header": header,
                "compact": compact,
                "membership_error": error,
                "next_url": next_url(request, _about_url(header.community.handle)),
            },
            status=status,
        )
        if not compact and not error and before is not None and before != header.can_see_content:
            response["HX-Refresh"] = "true"
        return response
    back = next_url(request, _about_url(header.community.handle))
    if error:
        return problem_page(
            request, title="That did not work", message=error, status=status, back=back
        )
    if done:
        messages.success(request, done)
    return redirect(back)


@login_required
@require_POST
def join(request: HttpRequest, handle: str) -> HttpResponse:
    viewer = viewer_of(request)
    community = queries.access_community(viewer, handle)
    before = policy.can_see_content(viewer, community, queries.membership_of(viewer, community))
    try:
        membership = actions.do_join(actor=viewer, community=community)
    except Conflict:
        # Already a member or already asked (a double click, a stale page): show where they are.
        return _membership_answer(request, viewer, handle, before=before)
    except ValidationError as exc:
        return _membership_answer(request, viewer, handle, error=one_line(exc), status=400)
    done = (
        f"You joined {community.name}."
        if membership.is_active
        else f"Your request to join {community.name} is sent to its owners and moderators."
    )
    return _membership_answer(request, viewer, handle, before=before, done=done)


@login_required
@require_POST
def leave(request: HttpRequest, handle: str) -> HttpResponse:
    viewer = viewer_of(request)
    community = queries.access_community(viewer, handle)
    membership = queries.membership_of(viewer, community)
    before = policy.can_see_content(viewer, community, membership)
    if membership is None:
        return _membership_answer(request, viewer, handle, before=before)
    was_request = not membership.is_active
    try:
        actions.do_leave(actor=viewer, community=community)
    except (ValidationError, PermissionDenied) as exc:
        status = 403 if isinstance(exc, PermissionDenied) else 400
        message = one_line(exc)
        if isinstance(exc, PermissionDenied) and not str(exc):
            message = "People its directory rule adds cannot leave this community."
        return _membership_answer(request, viewer, handle, error=message, status=status)
    done = "Your request is withdrawn." if was_request else f"You left {community.name}."
    return _membership_answer(request, viewer, handle, before=before, done=done)


@login_required
@require_POST
def following(request: HttpRequest, handle: str) -> HttpResponse:
    viewer = viewer_of(request)
    community = queries.access_community(viewer, handle)
    follow = request.POST.get("following") == "1"
    try:
        actions.do_set_following(actor=viewer, community=community, following=follow)
    except (ValidationError, Conflict) as exc:
        return _membership_answer(request, viewer, handle, error=one_line(exc), status=400)
    done = (
        f"Posts in {community.name} show in your home feed."
        if follow
        else f"Posts in {community.name} no longer show in your home feed."
    )
    return _membership_answer(request, viewer, handle, done=done)
