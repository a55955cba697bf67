"""Who may choose a question's accepted answer: ``can_accept_answer`` for templates (the thread's
"Accept as answer" button), and ``check_can_accept_answer``, which the actions raise through."""

from django.core.exceptions import PermissionDenied

from watercooler.communities.models import Community
from watercooler.communities.queries import can_moderate, membership_of
from watercooler.core.policy import is_active_person
from watercooler.feed.models import Post, PostKind
from watercooler.people.models import User


def can_accept_answer(viewer: User, post: Post) -> bool:
    """Whether ``viewer`` may choose (or clear) the accepted answer of ``post``: a live question,
    and they asked it or moderate the community it was asked in. One query at most (the
    membership), none for the author or a post outside communities."""
    if (
        not is_active_person(viewer)
        or post.kind != PostKind.QUESTION
        or post.deleted_at is not None
    ):
        return False
    if post.author_id == viewer.pk:
        return True
    if post.community_id is None:
        return False
    # membership_of reads only the primary key: no need to load the community.
    community = Community(pk=post.community_id)
    return can_moderate(viewer, membership_of(viewer, community))


def check_can_accept_answer(actor: User, post: Post) -> None:
    if not is_active_person(actor):
        raise PermissionDenied("Sign in first.")
    if post.author_id == actor.pk:
        return
    if post.community_id is not None and can_moderate(
        actor, membership_of(actor, Community(pk=post.community_id))
    ):
        return
    raise PermissionDenied(
        "Only the person who asked, or a moderator of the community, can choose the answer."
    )
