"""Which notifications a person may turn off, grouped as people think of them ("Mentions of
you", "Reactions to what you wrote"), on which channel (the app, email, push), and what everyone
gets until they choose. Announcements and their reminders are not among them: an organisation's
must-reads always reach people. Also the other rules of quiet: muting, pausing, quiet hours and
the digest's choices."""

import datetime as dt
from dataclasses import dataclass

from watercooler.notifications.models import NotificationKind as Kind


@dataclass(frozen=True)
class Topic:
    key: str
    label: str
    kinds: tuple[str, ...]


TOPICS = (
    Topic(
        "mentions",
        "Mentions of you, in posts, replies and conversations",
        (Kind.MENTION, Kind.MESSAGE_MENTION),
    ),
    Topic(
        "replies",
        "Replies to your posts and in threads you are in",
        (Kind.REPLY, Kind.THREAD_REPLY),
    ),
    Topic("reactions", "Reactions to what you wrote", (Kind.REACTION,)),
    Topic("followers", "New followers", (Kind.FOLLOW,)),
    Topic("messages", "New messages in your conversations", (Kind.MESSAGE,)),
    Topic(
        "events",
        "Events: a place opened up, starting soon",
        (Kind.EVENT_PROMOTED, Kind.EVENT_REMINDER),
    ),
    Topic(
        "communities",
        "Communities: requests to join yours, being added or approved",
        (Kind.COMMUNITY_REQUEST, Kind.COMMUNITY_ADDED, Kind.COMMUNITY_APPROVED),
    ),
    Topic(
        "questions",
        "Questions: your answer accepted, asked as an expert",
        (Kind.ANSWER_ACCEPTED, Kind.EXPERT_ASK),
    ),
    Topic(
        "skills",
        "Skills exchange: matches, mentoring and thanks",
        (
            Kind.SKILL_MATCH,
            Kind.SKILL_DONE,
            Kind.SKILL_APPLICATION,
            Kind.SKILL_ACCEPTED,
            Kind.SKILL_DECLINED,
            Kind.SKILL_THANKS,
        ),
    ),
)
TOPIC_OF_KIND = {kind: topic.key for topic in TOPICS for kind in topic.kinds}
TOPIC_KEYS = tuple(topic.key for topic in TOPICS)


@dataclass(frozen=True)
class Channel:
    key: str
    label: str
    # The settings table's column heading, narrow enough for a phone.
    short: str
    # Topics on until a person chooses; every other topic is off on this channel until then.
    default_on: frozenset[str]


CHANNELS = (
    # Everything shows in the app until turned off.
    Channel("in_app", "In the app", "App", frozenset(TOPIC_KEYS)),
    # Email is for what someone wrote to you and you have not seen: the rest waits for the
    # digest, so nobody's inbox fills with reactions.
    Channel("email", "By email", "Email", frozenset({"mentions", "replies", "messages"})),
    # Push reaches a phone: what asks for you, not applause.
    Channel("push", "On your devices", "Push", frozenset(TOPIC_KEYS) - {"reactions", "followers"}),
)
CHANNEL_KEYS = tuple(channel.key for channel in CHANNELS)
CHANNEL_DEFAULTS = {channel.key: channel.default_on for channel in CHANNELS}

# Must-reads not acknowledged by their reminder: emailed and pushed whatever the topics say.
ALWAYS_DELIVERED = frozenset({Kind.ANNOUNCEMENT, Kind.ANNOUNCEMENT_REMINDER})
# Reaching you by name gets through a mute: a muted thread, community or topic still tells you
# when someone mentions you there (as chat apps do with a muted channel).
THROUGH_MUTES = frozenset({Kind.MENTION, Kind.MESSAGE_MENTION, *ALWAYS_DELIVERED})


class Digest:
    OFF = "off"
    DAILY = "daily"
    WEEKLY = "weekly"
    CHOICES = ((DAILY, "Every morning"), (WEEKLY, "Monday mornings"), (OFF, "Never"))
    KEYS = (DAILY, WEEKLY, OFF)
    DEFAULT = WEEKLY
    # Sent from this hour of the morning, in the person's time zone.
    HOUR = 7


# "Pause everything": for an hour, or until tomorrow morning (the digest's hour) in the
# person's time zone.
PAUSE_CHOICES = (("1h", "For an hour"), ("tomorrow", "Until tomorrow morning"))
PAUSE_KEYS = tuple(key for key, _ in PAUSE_CHOICES)


def pause_end(choice: str, now_local: dt.datetime) -> dt.datetime:
    """When a pause chosen at ``now_local`` (an aware time in the person's zone) ends."""
    if choice == "1h":
        return now_local + dt.timedelta(hours=1)
    tomorrow = now_local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(tomorrow, dt.time(Digest.HOUR), tzinfo=now_local.tzinfo)


def in_quiet_hours(start: dt.time | None, end: dt.time | None, local: dt.time) -> bool:
    """Whether ``local`` (a wall-clock time in the person's zone) falls in quiet hours from
    ``start`` to ``end``, which may run over midnight (22:00 to 07:00)."""
    if start is None or end is None or start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end
