"""Channel-layer group names. A websocket joins the groups for what its person may see."""


def user_group(user_id: int) -> str:
    """Everything addressed to one person: notifications, their announcements, their own posts."""
    return f"user.{user_id}"


def author_group(author_id: int) -> str:
    """New posts by an author, for the sockets of their followers."""
    return f"author.{author_id}"


def topic_group(topic_name: str) -> str:
    """New posts in a topic, for the sockets of the topic's followers (names are [a-z0-9_])."""
    return f"topic.{topic_name}"


def post_group(post_id: int) -> str:
    """Live updates (replies, reactions, edits) of one post, for sockets showing it."""
    return f"post.{post_id}"


def community_group(community_id: int) -> str:
    """New posts in a community, for the sockets of its active members."""
    return f"community.{community_id}"
