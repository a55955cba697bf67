"""Questions and accepted answers in /api/v1 (mounted under ``/posts``).

``POST /posts/{id}/accept-answer`` with ``{"reply_id": 12}`` marks that reply as the question's
accepted answer (replacing any other); ``DELETE`` on the same path clears it. Both answer with
the post as ``GET /posts/{id}`` returns it, ``accepted_reply_id`` included. A post you cannot see
is 404, a post that is not yours (nor in a community you moderate) 403, a post that is not a
question 422 on ``post``, and a reply that is missing, deleted or under another post 422 on
``reply_id``.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router

from watercooler.core.pages import viewer_of
from watercooler.core.schemas import ErrorOut
from watercooler.feed import queries
from watercooler.feed.models import Post
from watercooler.feed.schemas import PostOut, StrictInput, post_data
from watercooler.people.models import User
from watercooler.questions import actions

router = Router()

WRITE: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class AcceptAnswerIn(StrictInput):
    # The upper bound keeps an id a 64-bit column can hold: a bigger one is bad input (422),
    # not a database overflow (500).
    reply_id: int = Field(ge=1, le=2**63 - 1, description="A live reply under the question.")


def _post_out(viewer: User, post: Post) -> dict[str, Any]:
    fresh = queries.access_post(viewer, post.pk)
    return post_data(fresh, queries.viewer_context(viewer, [fresh]))


@router.post(
    "/{post_id}/accept-answer",
    response={200: PostOut, **WRITE},
    summary="Accept a reply as the answer",
)
def accept_answer(request: HttpRequest, post_id: int, payload: AcceptAnswerIn) -> dict[str, Any]:
    """The question's author, or a moderator of the community it was asked in. Accepting
    another reply replaces the accepted answer; the reply's author is notified."""
    viewer = viewer_of(request)
    post = actions.do_accept_answer(
        actor=viewer,
        post=queries.access_post(viewer, post_id, related=False),
        reply=payload.reply_id,
    )
    return _post_out(viewer, post)


@router.delete(
    "/{post_id}/accept-answer",
    response={200: PostOut, **WRITE},
    summary="Clear the accepted answer",
)
def clear_accepted_answer(request: HttpRequest, post_id: int) -> dict[str, Any]:
    """The question is unanswered again. Clearing when there is no accepted answer is fine."""
    viewer = viewer_of(request)
    post = actions.do_clear_answer(
        actor=viewer, post=queries.access_post(viewer, post_id, related=False)
    )
    return _post_out(viewer, post)
