"""Questions and accepted answers: who may choose the answer, bad replies, replacing and clearing
it, the event and the notification after commit, the API, the thread page, the answered /
unanswered filters of topic pages, and the "questions you could answer" suggestions and page."""

import datetime as dt
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks

from watercooler.communities.models import Community, MemberRole, Membership, Privacy
from watercooler.feed import actions, queries
from watercooler.feed.models import Post, PostKind, Reply, Topic, TopicFollow
from watercooler.notifications.models import Notification, NotificationKind
from watercooler.questions.actions import do_accept_answer, do_clear_answer
from watercooler.questions.policy import can_accept_answer
from watercooler.questions.queries import answerable_questions, skill_topic_name
from watercooler.testing.fixtures import ApiClient, ClientAs
from watercooler.testing.world import World, make_person

HTMX = {"HX-Request": "true"}


# --- Helpers ----------------------------------------------------------------------------------


def ask(author: Any, body: str = "How do we rotate the API keys? #security", **fields: Any) -> Post:
    return actions.create_post(author, body=body, kind=PostKind.QUESTION, **fields)


def reply_to(post: Post, author: Any, body: str = "Like this.") -> Reply:
    return actions.do_create_reply(author=author, post=post, body=body)


def community(handle: str, privacy: str = Privacy.OPEN, **members: tuple[Any, str]) -> Community:
    """A community with ``members`` given as name=(user, role)."""
    made = Community.objects.create(name=handle.title(), handle=handle, privacy=privacy)
    for user, role in members.values():
        Membership.objects.create(
            community=made, user=user, role=role, status="active", joined_at=timezone.now()
        )
    return made


def in_community(post: Post, where: Community) -> Post:
    # Posting into a community has its own tests (test_communities_feed.py); the rule under
    # test here only needs the post to belong to it.
    Post.objects.filter(pk=post.pk).update(community=where)
    post.refresh_from_db()
    return post


@pytest.fixture
def question(world: World) -> tuple[Post, Reply, Reply]:
    """The owner's question with two replies: the teammate's and the administrator's."""
    post = ask(world.owner)
    return post, reply_to(post, world.teammate, "Use the vault."), reply_to(post, world.admin)


@pytest.fixture
def sent() -> Iterator[mock.MagicMock]:
    """Every realtime event handed to the channel layer (i.e. after commit)."""
    with mock.patch("watercooler.core.events.send_now") as send_now:
        yield send_now


def answer_events(send_now: Any) -> list[tuple[list[str], dict[str, Any]]]:
    return [
        (list(call.args[0]), call.args[1])
        for call in send_now.call_args_list
        if call.args[1].get("type") == "answer.accepted"
    ]


# --- The actions ------------------------------------------------------------------------------


def test_author_accepts_and_replaces_the_answer(world: World, question: Any) -> None:
    post, first, second = question
    do_accept_answer(actor=world.owner, post=post, reply=first)
    post.refresh_from_db()
    assert (post.accepted_reply_id, post.accepted_by_id) == (first.pk, world.owner.pk)
    do_accept_answer(actor=world.owner, post=post, reply=second.pk)
    post.refresh_from_db()
    assert post.accepted_reply_id == second.pk
    do_clear_answer(actor=world.owner, post=post)
    post.refresh_from_db()
    assert (post.accepted_reply_id, post.accepted_by_id) == (None, None)


def test_others_may_not_choose_the_answer_outside_communities(world: World, question: Any) -> None:
    post, first, _ = question
    for other in (world.teammate, world.outsider, world.admin):
        assert not can_accept_answer(other, post)
        with pytest.raises(PermissionDenied):
            do_accept_answer(actor=other, post=post, reply=first)
        with pytest.raises(PermissionDenied):
            do_clear_answer(actor=other, post=post)
    assert can_accept_answer(world.owner, post)
    post.refresh_from_db()
    assert post.accepted_reply_id is None


def test_community_moderator_chooses_but_a_plain_member_cannot(world: World) -> None:
    mod = make_person("mia_moderator")
    place = community(
        "platform",
        owner=(world.owner, MemberRole.OWNER),
        mod=(mod, MemberRole.MODERATOR),
        member=(world.teammate, MemberRole.MEMBER),
        outsider=(world.outsider, MemberRole.MEMBER),
    )
    post = in_community(ask(world.outsider), place)
    reply = reply_to(post, world.teammate)
    assert not can_accept_answer(world.teammate, post)
    with pytest.raises(PermissionDenied):
        do_accept_answer(actor=world.teammate, post=post, reply=reply)
    assert can_accept_answer(mod, post)
    do_accept_answer(actor=mod, post=post, reply=reply)
    post.refresh_from_db()
    assert (post.accepted_reply_id, post.accepted_by_id) == (reply.pk, mod.pk)
    # The community's owner moderates too; site administrators run the network.
    do_clear_answer(actor=world.owner, post=post)
    assert can_accept_answer(world.admin, post)


def test_only_questions_have_answers(world: World) -> None:
    post = actions.create_post(world.owner, body="Release notes")
    reply = reply_to(post, world.teammate)
    assert not can_accept_answer(world.owner, post)
    with pytest.raises(ValidationError) as caught:
        do_accept_answer(actor=world.owner, post=post, reply=reply)
    assert list(caught.value.message_dict) == ["post"]


@pytest.mark.parametrize("bad", ["other_post", "deleted", "missing", None, "text", True, 2**70])
def test_bad_replies_are_refused_on_reply_id(world: World, question: Any, bad: Any) -> None:
    post, first, _ = question
    other = reply_to(ask(world.teammate, "Another question?"), world.owner)
    if bad == "other_post":
        bad = other
    elif bad == "deleted":
        actions.do_delete_reply(actor=world.teammate, reply=first)
        bad = first.pk
    elif bad == "missing":
        bad = 987654
    with pytest.raises(ValidationError) as caught:
        do_accept_answer(actor=world.owner, post=post, reply=bad)
    assert list(caught.value.message_dict) == ["reply_id"]
    post.refresh_from_db()
    assert post.accepted_reply_id is None


def test_a_deleted_question_cannot_get_an_answer(world: World, question: Any) -> None:
    post, first, _ = question
    actions.do_delete_post(actor=world.owner, post=post)
    with pytest.raises(Http404):
        do_accept_answer(actor=world.owner, post=post, reply=first)
    post.refresh_from_db()
    assert not can_accept_answer(world.owner, post)
    with pytest.raises(Http404):
        do_accept_answer(actor=world.owner, post=post, reply=first)


def test_event_goes_to_the_post_group_on_commit_only(
    world: World,
    question: Any,
    sent: mock.MagicMock,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    post, first, _ = question
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        do_accept_answer(actor=world.owner, post=post, reply=first)
    assert answer_events(sent) == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert answer_events(sent) == [
        ([f"post.{post.pk}"], {"type": "answer.accepted", "post_id": post.pk, "reply_id": first.pk})
    ]
    sent.reset_mock()
    with django_capture_on_commit_callbacks(execute=True):
        do_accept_answer(actor=world.owner, post=post, reply=first)  # no change
    assert answer_events(sent) == []
    with django_capture_on_commit_callbacks(execute=True):
        do_clear_answer(actor=world.owner, post=post)
    assert answer_events(sent) == [
        ([f"post.{post.pk}"], {"type": "answer.accepted", "post_id": post.pk, "reply_id": None})
    ]


def test_the_reply_author_is_notified(
    world: World, question: Any, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    post, first, _ = question
    with django_capture_on_commit_callbacks(execute=True):
        do_accept_answer(actor=world.owner, post=post, reply=first)
    note = Notification.objects.get(kind=NotificationKind.ANSWER_ACCEPTED)
    assert (note.recipient_id, note.actor_id, note.post_id, note.reply_id) == (
        world.teammate.pk,
        world.owner.pk,
        post.pk,
        first.pk,
    )
    mine = reply_to(post, world.owner, "Answering myself")
    with django_capture_on_commit_callbacks(execute=True):
        do_accept_answer(actor=world.owner, post=post, reply=mine)
    assert Notification.objects.filter(kind=NotificationKind.ANSWER_ACCEPTED).count() == 1


def test_deleting_the_accepted_reply_clears_it(
    world: World,
    question: Any,
    client_as: ClientAs,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    post, first, _ = question
    do_accept_answer(actor=world.owner, post=post, reply=first)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_delete_reply(actor=world.teammate, reply=first)
    post.refresh_from_db()
    assert (post.accepted_reply_id, post.accepted_by_id) == (None, None)
    page = client_as(world.owner).get(f"/posts/{post.pk}/")
    assert page.status_code == 200
    assert "Accepted answer" not in page.content.decode()


# --- The API ----------------------------------------------------------------------------------


def test_api_accepts_replaces_and_clears(
    world: World, question: Any, api_as: type[ApiClient]
) -> None:
    post, first, second = question
    api = api_as(world.owner)
    response = api.post(f"/posts/{post.pk}/accept-answer", {"reply_id": first.pk})
    assert response.status_code == 200, response.content
    assert response.json()["accepted_reply_id"] == first.pk
    assert response.json()["id"] == post.pk
    response = api.post(f"/posts/{post.pk}/accept-answer", {"reply_id": second.pk})
    assert response.json()["accepted_reply_id"] == second.pk
    assert api.get(f"/posts/{post.pk}").json()["accepted_reply_id"] == second.pk
    response = api.delete(f"/posts/{post.pk}/accept-answer")
    assert response.status_code == 200
    assert response.json()["accepted_reply_id"] is None


def test_api_permissions(world: World, question: Any, api_as: type[ApiClient]) -> None:
    post, first, _ = question
    body = {"reply_id": first.pk}
    assert api_as(None).post(f"/posts/{post.pk}/accept-answer", body).status_code == 401
    for other in (world.teammate, world.outsider):
        response = api_as(other).post(f"/posts/{post.pk}/accept-answer", body)
        assert response.status_code == 403
        assert api_as(other).delete(f"/posts/{post.pk}/accept-answer").status_code == 403
    # Guests see only what is shared with them: the question is not.
    assert api_as(world.guest).post(f"/posts/{post.pk}/accept-answer", body).status_code == 404


def test_api_outsider_gets_404_for_a_secret_communitys_question(
    world: World, api_as: type[ApiClient]
) -> None:
    secret = community("skunkworks", Privacy.SECRET, owner=(world.owner, MemberRole.OWNER))
    post = in_community(ask(world.owner), secret)
    reply = reply_to(post, world.owner)
    for method in ("post", "delete"):
        response = getattr(api_as(world.outsider), method)(
            f"/posts/{post.pk}/accept-answer", {"reply_id": reply.pk}
        )
        assert response.status_code == 404
        assert "skunkworks" not in response.content.decode().lower()
    missing = api_as(world.outsider).post("/posts/987654/accept-answer", {"reply_id": reply.pk})
    assert missing.status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "reply_id"),
        ({"reply_id": "abc"}, "reply_id"),
        ({"reply_id": 0}, "reply_id"),
        ({"reply_id": 2**70}, "reply_id"),
        ({"reply_id": 987654}, "reply_id"),
        ({"reply_id": None}, "reply_id"),
        ({"reply_id": 1, "extra": True}, "extra"),
    ],
)
def test_api_bad_input_is_422_with_the_field(
    world: World, question: Any, api_as: type[ApiClient], body: dict[str, Any], field: str
) -> None:
    post, _, _ = question
    response = api_as(world.owner).post(f"/posts/{post.pk}/accept-answer", body)
    assert response.status_code == 422, response.content
    assert field in [e["field"] for e in response.json()["errors"]]


def test_api_reply_of_another_post_or_a_non_question_is_422(
    world: World, question: Any, api_as: type[ApiClient]
) -> None:
    post, _, _ = question
    elsewhere = reply_to(ask(world.owner, "Second question?"), world.teammate)
    api = api_as(world.owner)
    response = api.post(f"/posts/{post.pk}/accept-answer", {"reply_id": elsewhere.pk})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "reply_id"
    plain = actions.create_post(world.owner, body="Not a question")
    on_plain = reply_to(plain, world.teammate)
    response = api.post(f"/posts/{plain.pk}/accept-answer", {"reply_id": on_plain.pk})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "post"


# --- The thread page --------------------------------------------------------------------------


def test_thread_offers_accept_to_the_author_only(
    world: World, question: Any, client_as: ClientAs
) -> None:
    post, first, _ = question
    child = actions.do_create_reply(
        author=world.owner, post=post, body="Thanks", parent_id=first.pk
    )
    mine = client_as(world.owner).get(f"/posts/{post.pk}/").content.decode()
    # One button per top-level reply, none on the reply to a reply.
    assert mine.count('aria-label="Accept as answer: ') == 2
    assert f'value="{child.pk}"' not in mine
    theirs = client_as(world.teammate).get(f"/posts/{post.pk}/").content.decode()
    assert "Accept as answer" not in theirs


def test_accept_with_a_plain_form_redirects_to_the_answer(
    world: World, question: Any, client_as: ClientAs
) -> None:
    post, first, _ = question
    client = client_as(world.owner)
    response = client.post(f"/posts/{post.pk}/answer/", {"reply_id": first.pk})
    assert response.status_code == 302
    assert response["Location"] == f"/posts/{post.pk}/#reply-{first.pk}"
    page = client.get(f"/posts/{post.pk}/").content.decode()
    assert "Accepted answer" in page
    assert "chosen by you" in page
    assert "Unmark as answer" in page
    # Everyone else sees who chose it.
    other = client_as(world.teammate).get(f"/posts/{post.pk}/").content.decode()
    assert "chosen by Olivia Owner" in other
    assert "Unmark as answer" not in other
    response = client.post(f"/posts/{post.pk}/answer/clear/")
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.accepted_reply_id is None


def test_accept_with_htmx_swaps_the_thread_and_the_chip(
    world: World, question: Any, client_as: ClientAs
) -> None:
    post, first, second = question
    client = client_as(world.owner)
    response = client.post(
        f"/posts/{post.pk}/answer/",
        {"reply_id": second.pk, "answer_status_shown": "1"},
        headers=HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card thread" id="thread"')
    assert f'id="reply-{second.pk}-accepted"' in html
    assert f'id="answer-status-{post.pk}" class="answer-status" hx-swap-oob="true"' in html
    assert "Answered" in html
    # A page without the chip gets no out-of-band part (htmx would report a missing target).
    response = client.post(f"/posts/{post.pk}/answer/", {"reply_id": first.pk}, headers=HTMX)
    assert f'id="reply-{first.pk}-accepted"' in response.content.decode()
    assert "hx-swap-oob" not in response.content.decode()
    response = client.post(
        f"/posts/{post.pk}/answer/clear/", {"answer_status_shown": "1"}, headers=HTMX
    )
    assert "Unanswered" in response.content.decode()
    assert "Accepted answer" not in response.content.decode()


def test_a_stale_reply_is_explained_not_a_crash(
    world: World, question: Any, client_as: ClientAs
) -> None:
    post, first, _ = question
    actions.do_delete_reply(actor=world.teammate, reply=first)
    client = client_as(world.owner)
    response = client.post(f"/posts/{post.pk}/answer/", {"reply_id": first.pk}, headers=HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/posts/{post.pk}/#replies"
    response = client.post(f"/posts/{post.pk}/answer/", {"reply_id": "nonsense"}, follow=True)
    assert "No such reply under this question." in response.content.decode()


def test_accept_pages_refuse_others(world: World, question: Any, client_as: ClientAs) -> None:
    post, first, _ = question
    assert (
        client_as(world.teammate)
        .post(f"/posts/{post.pk}/answer/", {"reply_id": first.pk})
        .status_code
        == 403
    )
    assert client_as(world.teammate).post(f"/posts/{post.pk}/answer/clear/").status_code == 403
    assert client_as(world.owner).get(f"/posts/{post.pk}/answer/").status_code == 405
    signed_out = client_as(None).post(f"/posts/{post.pk}/answer/", {"reply_id": first.pk})
    assert signed_out.status_code == 302
    assert "/accounts/login/" in signed_out["Location"]
    secret = community("hidden", Privacy.SECRET, owner=(world.owner, MemberRole.OWNER))
    hidden = in_community(ask(world.owner), secret)
    hidden_reply = reply_to(hidden, world.owner)
    for path in (f"/posts/{hidden.pk}/answer/", f"/posts/{hidden.pk}/answer/clear/"):
        response = client_as(world.outsider).post(path, {"reply_id": hidden_reply.pk})
        assert response.status_code == 404
    post.refresh_from_db()
    assert post.accepted_reply_id is None


# --- Filters on topic pages -------------------------------------------------------------------


@pytest.fixture
def mixed_topic(world: World) -> dict[str, Post]:
    """#hiring with a post, an unanswered and an answered question."""
    plain = actions.create_post(world.owner, body="We are hiring! #hiring")
    open_q = ask(world.teammate, "Who interviews on Friday? #hiring")
    done_q = ask(world.owner, "Where is the hiring plan? #hiring")
    do_accept_answer(actor=world.owner, post=done_q, reply=reply_to(done_q, world.admin))
    return {"plain": plain, "open": open_q, "done": done_q}


@pytest.mark.parametrize(
    ("show", "expected"),
    [
        ("all", {"plain", "open", "done"}),
        (None, {"plain", "open", "done"}),
        ("questions", {"open", "done"}),
        ("unanswered", {"open"}),
        ("answered", {"done"}),
    ],
)
def test_topic_posts_page_filters(
    world: World, mixed_topic: dict[str, Post], show: str | None, expected: set[str]
) -> None:
    page = queries.topic_posts_page(world.outsider, "hiring", show=show)
    names = {name for name, post in mixed_topic.items() if post in page.items}
    assert names == expected
    assert len(page.items) == len(expected)


def test_topic_page_tabs_filter_and_keep_the_filter_while_paging(
    world: World, mixed_topic: dict[str, Post], client_as: ClientAs
) -> None:
    client = client_as(world.outsider)
    html = client.get("/topics/hiring/?show=unanswered").content.decode()
    assert 'href="/topics/hiring/?show=unanswered" aria-current="page"' in html
    assert f'id="post-{mixed_topic["open"].pk}"' in html
    assert f'id="post-{mixed_topic["done"].pk}"' not in html
    assert f'id="post-{mixed_topic["plain"].pk}"' not in html
    html = client.get("/topics/hiring/?show=answered").content.decode()
    assert f'id="post-{mixed_topic["done"].pk}"' in html
    assert f'id="post-{mixed_topic["open"].pk}"' not in html
    # Anything unknown shows everything rather than failing.
    html = client.get("/topics/hiring/?show=bogus").content.decode()
    assert 'href="/topics/hiring/" aria-current="page"' in html
    assert all(f'id="post-{p.pk}"' in html for p in mixed_topic.values())
    # Paging: more questions than a page, the next page's link keeps ?show=.
    for i in range(queries.FEED_PAGE_SIZE):
        ask(world.teammate, f"Open question {i} #hiring")
    first = client.get("/topics/hiring/?show=questions").content.decode()
    assert "show=questions&amp;cursor=" in first
    cursor = first.split("show=questions&amp;cursor=")[1].split('"')[0]
    rest = client.get(f"/topics/hiring/?show=questions&cursor={cursor}", headers=HTMX)
    body = rest.content.decode()
    assert f'id="post-{mixed_topic["open"].pk}"' in body
    assert f'id="post-{mixed_topic["plain"].pk}"' not in body


def test_topic_filter_empty_states_teach(world: World, client_as: ClientAs) -> None:
    actions.create_post(world.owner, body="Nothing to ask #plans")
    client = client_as(world.owner)
    assert "No questions about #plans yet" in client.get("/topics/plans/?show=questions").text
    assert "No answered questions about #plans" in client.get("/topics/plans/?show=answered").text


# --- Questions I could answer -----------------------------------------------------------------


def test_suggestions_by_followed_topic_and_by_skill(world: World) -> None:
    # The teammate knows Python (world.py) and follows #hiring.
    py = ask(world.owner, "Which #python version do we target?")
    hiring = ask(world.outsider, "Who runs #hiring this quarter?")
    ask(world.owner, "Is #lunch free on Friday?")  # neither followed nor a skill
    TopicFollow.objects.create(follower=world.teammate, topic=Topic.objects.get(name="hiring"))
    found = answerable_questions(world.teammate)
    assert [(s.post.pk, s.reason) for s in found] == [
        (hiring.pk, "You follow #hiring"),
        (py.pk, "You know Python"),
    ]


def test_skill_names_match_topic_names(world: World) -> None:
    assert skill_topic_name("Machine Learning") == "machinelearning"
    assert skill_topic_name("Node.js") == "nodejs"
    assert skill_topic_name("front-end") == "frontend"
    assert skill_topic_name("C++") is None
    dev = make_person("dev_person", skills=["Machine Learning"])
    post = ask(world.owner, "Any #MachineLearning reading group?")
    assert [(s.post.pk, s.reason) for s in answerable_questions(dev)] == [
        (post.pk, "You know Machine Learning")
    ]


def test_suggestions_leave_out_mine_answered_old_plain_and_invisible(world: World) -> None:
    ask(world.teammate, "My own #python question")
    answered = ask(world.owner, "Answered #python question")
    do_accept_answer(actor=world.owner, post=answered, reply=reply_to(answered, world.admin))
    old = ask(world.owner, "Old #python question")
    Post.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=61))
    actions.create_post(world.owner, body="Not a question about #python")
    followers_only = ask(world.outsider, "Followers only #python", audience="followers")
    secret = community("inner", Privacy.SECRET, owner=(world.owner, MemberRole.OWNER))
    in_community(ask(world.owner, "Secret #python question"), secret)
    deleted = ask(world.owner, "Deleted #python question")
    actions.do_delete_post(actor=world.owner, post=deleted)
    assert answerable_questions(world.teammate) == []
    # Once visible (a member of the secret community), its question is suggested.
    Membership.objects.create(
        community=secret, user=world.teammate, status="active", joined_at=timezone.now()
    )
    assert [s.post.body for s in answerable_questions(world.teammate)] == [
        "Secret #python question"
    ]
    assert followers_only.pk not in [s.post.pk for s in answerable_questions(world.owner)]


def test_suggestions_rank_fewest_replies_then_newest(world: World) -> None:
    busy = ask(world.owner, "Busy #python question")
    reply_to(busy, world.admin)
    older = ask(world.owner, "Older #python question")
    newer = ask(world.owner, "Newer #python question")
    Post.objects.filter(pk=older.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    found = [s.post.pk for s in answerable_questions(world.teammate)]
    assert found == [newer.pk, older.pk, busy.pk]
    assert len(answerable_questions(world.teammate, limit=2)) == 2


def test_guests_and_people_without_interests_get_none(world: World) -> None:
    ask(world.owner, "A #python question")
    assert answerable_questions(world.guest) == []
    assert answerable_questions(world.admin) == []  # no skills, no follows


@pytest.mark.parametrize("count", [2, 25])
def test_suggestions_take_constant_queries(
    world: World, django_assert_max_num_queries: DjangoAssertNumQueries, count: int
) -> None:
    for i in range(count):
        ask(world.owner, f"Question {i} about #python and #topic{i}")
        TopicFollow.objects.create(
            follower=world.teammate, topic=Topic.objects.get(name=f"topic{i}")
        )
    with django_assert_max_num_queries(4):
        found = answerable_questions(world.teammate, limit=5)
    assert len(found) == min(count, 5)


# --- The questions page and the home box -------------------------------------------------------


def test_questions_page_lists_suggestions_and_open_questions(
    world: World, client_as: ClientAs
) -> None:
    py = ask(world.owner, "Which #python linter?")
    done = ask(world.owner, "Solved #python question")
    do_accept_answer(actor=world.owner, post=done, reply=reply_to(done, world.admin))
    secret = community("vault", Privacy.SECRET, owner=(world.owner, MemberRole.OWNER))
    hidden = in_community(ask(world.owner, "Hidden #python question"), secret)
    html = client_as(world.teammate).get("/questions/").content.decode()
    assert "Questions you could answer" in html
    assert "You know Python" in html
    assert f'id="post-{py.pk}"' in html
    assert f'id="post-{done.pk}"' not in html
    assert "Hidden" not in html
    answered = client_as(world.teammate).get("/questions/?show=answered").content.decode()
    assert f'id="post-{done.pk}"' in answered
    assert f'id="post-{py.pk}"' not in answered
    outsider = client_as(world.outsider).get("/questions/?show=questions").content.decode()
    assert f'id="post-{hidden.pk}"' not in outsider
    assert "Hidden" not in outsider
    assert client_as(None).get("/questions/").status_code == 302
    guest = client_as(world.guest).get("/questions/")
    assert guest.status_code == 200
    assert "Questions you could answer" not in guest.content.decode()
    assert client_as(world.owner).get("/questions/?cursor=garbage").status_code == 400


@pytest.mark.parametrize("count", [3, 30])
def test_questions_page_query_count_is_constant(
    world: World,
    client_as: ClientAs,
    django_assert_max_num_queries: DjangoAssertNumQueries,
    count: int,
) -> None:
    for i in range(count):
        post = ask(world.owner, f"Question {i} #python")
        reply_to(post, world.admin)
    client = client_as(world.teammate)
    client.get("/questions/")
    with django_assert_max_num_queries(13):
        assert client.get("/questions/").status_code == 200


def test_home_shows_questions_i_could_answer(world: World, client_as: ClientAs) -> None:
    for i in range(4):
        ask(world.owner, f"Python question {i} #python")
    html = client_as(world.teammate).get("/").content.decode()
    assert 'id="aside-questions"' in html
    box = html.split('id="aside-questions"')[1].split("</section>")[0]
    assert box.count("You know Python") == 3
    empty = client_as(world.admin).get("/").content.decode()
    assert "add your skills" in empty
    assert 'id="aside-questions"' not in client_as(world.guest).get("/").content.decode()
