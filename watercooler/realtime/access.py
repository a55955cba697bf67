"""What a websocket may be told, asked through the feed's one visibility rule.

``watercooler.feed.queries.visible_posts`` decides who sees a post for pages and the API; the
socket uses the same query, batched (one query per ``subscribe``), so a post group is only joined
for posts the page itself could show. The home feed's make-up (``timeline.new_home_post_ids``)
answers "how many new posts" after a dropped connection.
"""

import datetime as dt
from collections.abc import Iterable

from watercooler.communities.models import Membership, MembershipStatus
from watercooler.feed.models import PersonFollow, TopicFollow
from watercooler.feed.queries import visible_posts
from watercooler.feed.timeline import new_home_post_ids
from watercooler.messaging.queries import changed_since, unread_total
from watercooler.notifications.queries import unread_count
from watercooler.people.models import User

# A socket answers "N new posts"; past this many the page shows "99+" and a reload is due anyway.
NEW_POSTS_CAP = 100


def visible_post_ids(user: User, ids: Iterable[int]) -> set[int]:
    """The subset of ``ids`` that ``user`` may see (and that are not deleted), in one query."""
    wanted = set(ids)
    if not wanted:
        return set()
    return set(visible_posts(user).filter(pk__in=wanted).values_list("pk", flat=True))


def following(user: User) -> tuple[dict[int, str], set[str], set[int]]:
    """The people ({id: username}) and topics (names) ``user`` follows, and the communities
    (ids) they are an active member of. Guests follow no people or topics live: they may not
    see other people's posts outside their communities, so their sockets never join author or
    topic groups (their communities' groups they do join). Usernames too, because
    ``post.created`` names its author by username."""
    communities = set(
        Membership.objects.filter(user_id=user.pk, status=MembershipStatus.ACTIVE).values_list(
            "community_id", flat=True
        )
    )
    if user.is_guest:
        return {}, set(), communities
    people = dict(
        PersonFollow.objects.filter(follower_id=user.pk).values_list(
            "followee_id", "followee__username"
        )
    )
    topics = set(
        TopicFollow.objects.filter(follower_id=user.pk).values_list("topic__name", flat=True)
    )
    return people, topics, communities


def new_post_ids(user: User, since: dt.datetime) -> list[int]:
    """The posts of ``user``'s home feed that appeared after ``since``, not their own, newest
    first, at most ``NEW_POSTS_CAP``. Ids rather than a count, so a page can leave out the posts
    it already shows (clocks differ; a client asks with a margin)."""
    return new_home_post_ids(user, since, limit=NEW_POSTS_CAP)


def unread_notification_count(user: User) -> int:
    return unread_count(user)


def post_states(user: User, ids: Iterable[int]) -> list[dict[str, object]]:
    """The live counters of posts a socket shows, for catching up after a dropped connection.
    A post that was deleted, or that ``user`` may no longer see, comes back as deleted."""
    wanted = set(ids)
    if not wanted:
        return []
    rows = {
        row["pk"]: row
        for row in visible_posts(user)
        .filter(pk__in=wanted)
        .values("pk", "reply_count", "reaction_count", "reaction_summary", "edited_at")
    }
    states: list[dict[str, object]] = []
    for pk in sorted(wanted):
        row = rows.get(pk)
        if row is None:
            states.append({"id": pk, "deleted": True})
        else:
            states.append(
                {
                    "id": pk,
                    "deleted": False,
                    "reply_count": row["reply_count"],
                    "reaction_count": row["reaction_count"],
                    "reaction_summary": row["reaction_summary"] or {},
                    "edited_at": row["edited_at"].isoformat() if row["edited_at"] else None,
                }
            )
    return states


def conversations_since(user: User, since: dt.datetime) -> list[dict[str, int]]:
    """The conversations of ``user`` with news after ``since`` (their pages fetch what they
    missed): only the person's own, as every messaging read."""
    return changed_since(user, since)


def unread_message_count(user: User) -> int:
    return unread_total(user)
