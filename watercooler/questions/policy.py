"""Who may choose a question's accepted answer: ``can_accept_answer`` for templates (the thread's
"Accept as answer" button), and ``check_can_accept_answer``, which the actions raise through."""

from django.core.exceptions import PermissionDenied

from watercooler.communities.models import Community
from watercooler.communities.policy import can_moderate
from watercooler.communities.queries import membership_of
from watercooler.core.policy import check_active, is_active_person
from watercooler.feed.models import Post, PostKind
from watercooler.people.models import User


def _asked_or_moderates(person: User, post: Post) -> bool:
    """``person`` asked ``post`` or moderates the community it was asked in. One query at most
    (the membership), none for the author or a post outside communities."""
    if post.author_id == person.pk:
        return True
    if post.community_id is None:
        return False
    # membership_of reads only the primary key: no need to load the community.
    return can_moderate(person, membership_of(person, Community(pk=post.community_id)))


def can_accept_answer(viewer: User, post: Post) -> bool:
    """Whether ``viewer`` may choose (or clear) the accepted answer of ``post``: a live question,
    and they asked it or moderate the community it was asked in."""
    if (
        not is_active_person(viewer)
        or post.kind != PostKind.QUESTION
        or post.deleted_at is not None
    ):
        return False
    return _asked_or_moderates(viewer, post)


def check_can_accept_answer(actor: User, post: Post) -> None:
    """PermissionDenied unless ``actor`` may choose the answer of ``post``. Only who, not what:
    the action checks, with the post locked, that it is still a live question, so a deleted post
    is 404 and a post of another kind 422 rather than 403."""
    check_active(actor)
    if not _asked_or_moderates(actor, post):
        raise PermissionDenied(
            "Only the person who asked, or a moderator of the community, can choose the answer."
        )
