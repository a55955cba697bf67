"""Template tags for questions and accepted answers (policy.py, queries.py):
``{% can_accept_answer post as can_accept %}`` in a thread's replies, and
``{% questions_to_answer %}`` for the "Questions you could answer" box beside the home feed."""

from typing import Any

from django import template

from watercooler.feed.models import Post
from watercooler.questions import policy, queries

register = template.Library()

HOME_SUGGESTIONS = 3


@register.simple_tag(takes_context=True)
def can_accept_answer(context: template.Context, post: Post) -> bool:
    """Whether the viewer may choose the accepted answer of ``post``. Remembered on the post, so
    a thread of many replies asks the database once at most."""
    cached = getattr(post, "_can_accept_answer", None)
    if cached is None:
        cached = policy.can_accept_answer(context.get("user"), post)  # type: ignore[arg-type]
        post._can_accept_answer = cached  # type: ignore[attr-defined]
    return bool(cached)


@register.inclusion_tag("questions/_answer_suggestions.html", takes_context=True)
def questions_to_answer(context: template.Context, limit: int = HOME_SUGGESTIONS) -> dict[str, Any]:
    """The box of unanswered questions the viewer could answer (nothing for guests)."""
    viewer = context.get("user")
    return {
        "user": viewer,
        "suggestions": queries.answerable_questions(viewer, limit=limit),  # type: ignore[arg-type]
        "compact": True,
    }
