"""The interaction graph read from the database for a time window: who replied to, mentioned,
reacted to or quoted whom, summed per pair in SQL, with each person's department and location.

Weights say how much attention each kind of interaction takes: a reply most, a mention or a
quote less, a reaction least. Interactions in secret communities are left out: their membership
is hidden from everyone outside, and their ties would show who meets there. Later apps (direct
messages) add their interactions through ``register_interactions``; they count who talked to
whom, never what was said.
"""

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Count, F, Model, Q, QuerySet

from watercooler.communities.models import Privacy
from watercooler.feed.models import Mention, Post, Reaction, Reply
from watercooler.insights.network import InteractionGraph
from watercooler.insights.policy import is_named, min_group_size, named_by_default
from watercooler.people.models import User

REPLY_WEIGHT = 3.0
MENTION_WEIGHT = 2.0
QUOTE_WEIGHT = 2.0
REACTION_WEIGHT = 1.0
OTHER = "Other"

# (actor id, receiver id, how many times, weight of one) for the interactions in [start, end).
Interactions = Callable[[dt.datetime, dt.datetime], Iterable[tuple[int, int, int, float]]]
_sources: list[Interactions] = []


def register_interactions(source: Interactions) -> None:
    """Add a kind of interaction: ``source(start, end)`` yields (actor, receiver, count,
    weight per interaction) for pairs of people."""
    if source not in _sources:
        _sources.append(source)


def not_secret(prefix: str) -> Q:
    return Q(**{f"{prefix}community__isnull": True}) | ~Q(
        **{f"{prefix}community__privacy": Privacy.SECRET}
    )


def _pairs[M: Model](
    rows: QuerySet[M], actor: str, receiver: str, weight: float
) -> Iterable[tuple[int, int, int, float]]:
    for row in rows.values(actor, receiver).annotate(n=Count("pk")).order_by():
        if row[actor] is not None and row[receiver] is not None:
            yield row[actor], row[receiver], row["n"], weight


def feed_interactions(
    start: dt.datetime, end: dt.datetime
) -> Iterable[tuple[int, int, int, float]]:
    """Replies (to the reply they answer, else the post), mentions, reactions and quotes."""
    replies = Reply.objects.filter(
        not_secret("post__"), created_at__gte=start, created_at__lt=end, deleted_at__isnull=True
    )
    yield from _pairs(
        replies.filter(parent__isnull=True), "author_id", "post__author_id", REPLY_WEIGHT
    )
    yield from _pairs(
        replies.filter(parent__isnull=False), "author_id", "parent__author_id", REPLY_WEIGHT
    )
    mentions = Mention.objects.filter(created_at__gte=start, created_at__lt=end)
    yield from _pairs(
        mentions.filter(not_secret("post__"), post__isnull=False, post__deleted_at__isnull=True),
        "post__author_id",
        "user_id",
        MENTION_WEIGHT,
    )
    yield from _pairs(
        mentions.filter(
            not_secret("reply__post__"), reply__isnull=False, reply__deleted_at__isnull=True
        ),
        "reply__author_id",
        "user_id",
        MENTION_WEIGHT,
    )
    reactions = Reaction.objects.filter(created_at__gte=start, created_at__lt=end)
    yield from _pairs(
        reactions.filter(not_secret("post__"), post__isnull=False),
        "user_id",
        "post__author_id",
        REACTION_WEIGHT,
    )
    yield from _pairs(
        reactions.filter(not_secret("reply__post__"), reply__isnull=False),
        "user_id",
        "reply__author_id",
        REACTION_WEIGHT,
    )
    quotes = Post.objects.filter(
        not_secret(""),
        quoted_post__isnull=False,
        created_at__gte=start,
        created_at__lt=end,
        deleted_at__isnull=True,
    )
    yield from _pairs(quotes, "author_id", "quoted_post__author_id", QUOTE_WEIGHT)


register_interactions(feed_interactions)


@dataclass
class Person:
    id: int
    username: str
    display_name: str
    department: str
    location: str
    named: bool


@dataclass
class WindowGraph:
    """The graph of one window with who each node is. People are the active people with at
    least one interaction in the window; ``unconnected`` counts the active rest."""

    graph: InteractionGraph
    people: list[Person]
    unconnected: int


def merged_labels(labels: list[str]) -> list[str]:
    """Group labels with every group smaller than the organisation's minimum merged into
    "Other" (and people with none left without)."""
    smallest = min_group_size()
    sizes = Counter(labels)
    return [label if not label or sizes[label] >= smallest else OTHER for label in labels]


def build(start: dt.datetime, end: dt.datetime) -> WindowGraph:
    """The interaction graph over [start, end) between active people."""
    active = {
        row["pk"]: row
        for row in User.objects.filter(is_active=True).values(
            "pk",
            "username",
            "display_name",
            "named_in_network",
            department_name=F("department__name"),
            location_name=F("location__name"),
        )
    }
    # Group sizes count every active person, connected or not.
    all_ids = sorted(active)
    departments = dict(
        zip(
            all_ids,
            merged_labels([active[i]["department_name"] or "" for i in all_ids]),
            strict=True,
        )
    )
    locations = dict(
        zip(
            all_ids, merged_labels([active[i]["location_name"] or "" for i in all_ids]), strict=True
        )
    )
    index: dict[int, int] = {}
    sources: list[int] = []
    targets: list[int] = []
    weights: list[float] = []
    for source in _sources:
        for actor, receiver, count, weight in source(start, end):
            if actor == receiver or actor not in active or receiver not in active:
                continue
            sources.append(index.setdefault(actor, len(index)))
            targets.append(index.setdefault(receiver, len(index)))
            weights.append(count * weight)
    default = named_by_default()
    people = []
    for pk in index:  # insertion order is node order
        row = active[pk]
        person = User(pk=pk, named_in_network=row["named_in_network"])
        people.append(
            Person(
                id=pk,
                username=row["username"],
                display_name=row["display_name"],
                department=departments[pk],
                location=locations[pk],
                named=is_named(person, default=default),
            )
        )
    graph = InteractionGraph(
        size=len(people),
        sources=sources,
        targets=targets,
        weights=weights,
        groups={
            "department": [p.department for p in people],
            "location": [p.location for p in people],
        },
    )
    return WindowGraph(graph=graph, people=people, unconnected=len(active) - len(people))
