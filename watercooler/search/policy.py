"""Who may do what in search: only the asker of a question asks experts to answer it."""

from watercooler.core.policy import is_active_person
from watercooler.feed.models import Post, PostKind
from watercooler.people.models import User


def can_ask_experts(viewer: User, question: Post) -> bool:
    """The asker of a live, unanswered question (members only: guests do not browse people)."""
    return (
        is_active_person(viewer)
        and not viewer.is_guest
        and question.author_id == viewer.pk
        and question.kind == PostKind.QUESTION
        and question.accepted_reply_id is None
        and question.deleted_at is None
    )
