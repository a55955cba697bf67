"""Posts with an audience of their own: the hook through which a later app narrows who sees some
posts, so the feed's one visibility rule (``queries.visible_posts_q``) applies it everywhere
without importing that app.

An announcement's post is the case today (the announcements app registers it in its
``AppConfig.ready``): it is seen by the people it was addressed to and its author, not by whoever
could see an ordinary post. One set of restricted posts is registered; the rule's SQL is the
same for every request of the same kind, which the compiled feed query relies on.
"""

from dataclasses import dataclass
from typing import Any, Protocol

from django.db.models import QuerySet

from watercooler.people.models import User


@dataclass(frozen=True)
class RestrictedAudience:
    """Who, of some people asked about, may see one restricted post (``people_who_can_see``)."""

    published: bool
    # Of the people asked about: those the post was addressed to.
    addressed: set[int]
    # Whether communications people may also see it as an ordinary post.
    communications_too: bool


class PostAudiences(Protocol):
    # The reverse one-to-one from Post that marks a restricted post ("announcement").
    relation: str

    def addressed_post_ids(self, viewer: User) -> QuerySet[Any, Any]:
        """Subquery: the restricted posts addressed to ``viewer``."""
        ...

    def hidden_post_ids(self, viewer: User) -> QuerySet[Any, Any]:
        """Subquery: the restricted posts ``viewer`` may not see as ordinary posts."""
        ...

    def all_post_ids(self) -> QuerySet[Any, Any]:
        """Subquery: every restricted post (they are shown on their own, not as feed cards)."""
        ...

    def audience(self, post_id: int, user_ids: set[int]) -> RestrictedAudience | None:
        """None for an ordinary post; else who of ``user_ids`` it was addressed to."""
        ...


_registered: list[PostAudiences] = []


def register_post_audiences(audiences: PostAudiences) -> None:
    if _registered and _registered[0] is not audiences:
        raise RuntimeError("Posts with an audience of their own are registered once.")
    _registered[:] = [audiences]


def post_audiences() -> PostAudiences:
    """The registered restriction; the app that registers it is installed with the feed."""
    if not _registered:
        raise RuntimeError("No app registered posts with an audience of their own.")
    return _registered[0]


def is_restricted(post: Any) -> bool:
    """Whether ``post`` has an audience of its own (a query, unless the relation is loaded)."""
    return hasattr(post, post_audiences().relation)


def mark_unrestricted(post: Any) -> None:
    """Record on a post just created that it has no audience of its own, so ``is_restricted``
    needs no query."""
    post._state.fields_cache[post_audiences().relation] = None
