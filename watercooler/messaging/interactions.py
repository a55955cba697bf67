"""Messages as interactions for insights' network analysis: who wrote to whom, counted, never
what was said. A message ties its author to each person who could read it (in the conversation
when it was sent): a direct message as much as a mention, a group message as a reaction."""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, F, Q

from watercooler.insights.graph import register_interactions
from watercooler.messaging.models import Seat

DIRECT_WEIGHT = 2.0
GROUP_WEIGHT = 1.0


def message_interactions(
    start: dt.datetime, end: dt.datetime
) -> Iterable[tuple[int, int, int, float]]:
    for direct, weight in ((True, DIRECT_WEIGHT), (False, GROUP_WEIGHT)):
        # One filter() call: every condition applies to the same joined message.
        readers = Seat.objects.filter(
            Q(conversation__direct_key__isnull=not direct),
            Q(conversation__messages__created_at__gte=start),
            Q(conversation__messages__created_at__lt=end),
            Q(conversation__messages__deleted_at__isnull=True),
            Q(conversation__messages__author__isnull=False),
            Q(conversation__messages__pk__gt=F("first_visible_id")),
            Q(last_visible_id__isnull=True)
            | Q(conversation__messages__pk__lte=F("last_visible_id")),
        ).annotate(author=F("conversation__messages__author_id"))
        rows = (
            readers.exclude(author=F("person_id"))
            .values("author", "person_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            yield row["author"], row["person_id"], row["n"], weight


def register() -> None:
    register_interactions(message_interactions)
