"""Who may do what in the feed: plain yes/no answers. Pages and queries use them to decide which
buttons a card shows (``views.decorate``); actions raise through their ``check_*`` functions."""

from watercooler.communities.models import Community
from watercooler.communities.policy import can_moderate
from watercooler.communities.queries import membership_of, moderated_community_ids
from watercooler.core.policy import is_active_person
from watercooler.feed.models import Post
from watercooler.people.models import Role, User


def can_post(actor: User, *, in_community: bool = False) -> bool:
    """Members post; guests post only inside communities they belong to (``check_post_input``
    checks that membership), elsewhere they only read what is shared with them."""
    if not is_active_person(actor):
        return False
    return actor.role != Role.GUEST or actor.is_superuser or in_community


def _moderates(actor: User, community_id: int) -> bool:
    return community_id in moderated_community_ids(actor, [community_id])


def can_edit(actor: User, *, author_id: int) -> bool:
    """Only the author edits a post (nobody else puts words in their mouth)."""
    return is_active_person(actor) and actor.pk == author_id


def can_delete(
    actor: User, *, author_id: int, community_id: int | None = None, moderates: bool | None = None
) -> bool:
    """The author, an administrator, or for something in a community (``community_id``) its
    owners and moderators. ``moderates`` is the answer of ``moderated_community_ids`` when the
    caller already asked it for a whole page; otherwise it is asked here (one query)."""
    if not is_active_person(actor):
        return False
    if actor.pk == author_id or actor.is_administrator:
        return True
    if community_id is None:
        return False
    if moderates is None:
        moderates = _moderates(actor, community_id)
    return moderates


def can_pin(actor: User, post: Post) -> bool:
    """Owners and moderators of the post's community (and administrators); posts outside
    communities are not pinned."""
    if not is_active_person(actor) or post.community_id is None:
        return False
    community = Community.objects.get(pk=post.community_id)
    return can_moderate(actor, membership_of(actor, community))
