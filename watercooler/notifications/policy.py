"""Which notifications a person may turn off, grouped as people think of them ("Mentions of
you", "Reactions to what you wrote"), and what everyone gets until they choose. Announcements
and their reminders are not among them: an organisation's must-reads always reach people."""

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
# Until a person chooses, every topic shows in the app.
IN_APP_DEFAULT = True
