"""The people finder: who knows about a subject, ranked by what they have done, with the evidence.

Evidence, each with its weight (a kind counts a few times at most, so one prolific poster does
not drown an accepted answer):
- a declared skill of that name;
- accepted answers to questions on the subject;
- posts and replies on the subject;
- posts in a topic of that name;
- events on the subject they organised;
- whatever later apps register (the skills exchange's thanks: ``register_evidence``).

Everything counted is something the searcher may see (the same candidates and visibility rules
as search), so the list never reveals a secret community's talk; people who chose not to be
listed (``User.listed_as_expert``) and deactivated people are left out.
"""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from watercooler.core.links import path_to
from watercooler.events.queries import visible_events
from watercooler.feed.models import Post, PostKind, Reply, Topic
from watercooler.feed.queries import readable_topics_q, visible_posts
from watercooler.people.models import Role, Skill, User
from watercooler.people.queries import check_can_browse_directory
from watercooler.search import policy
from watercooler.search.engines import ContentFilter, engine
from watercooler.search.language import SearchQuery, covers, parse_query, word_root, words_of
from watercooler.search.models import KIND_SHIFT, NAME_KINDS
from watercooler.search.queries import visible_post_ids, visible_post_rows

EXPERTS_LIMIT = 10
CANDIDATES = 1000  # matching posts (and replies) considered per subject
TOPIC_POSTS = 2000  # a topic's newest posts counted per subject


@dataclass(frozen=True)
class Evidence:
    kind: str  # skill, accepted_answer, reply, post, topic, event, thanks
    text: str
    url: str
    weight: float


@dataclass
class Expert:
    person: User
    score: float = 0.0
    evidence: list[Evidence] = field(default_factory=list)


# For one person: (what to count, how many, where to look). Later apps add theirs.
EvidenceFinder = Callable[[User, SearchQuery, str], dict[int, list[Evidence]]]
_finders: list[EvidenceFinder] = []


def register_evidence(finder: EvidenceFinder) -> EvidenceFinder:
    """``finder(viewer, query, subject) -> {person id: [Evidence]}``: a later app's evidence
    (counted only from what ``viewer`` may see)."""
    if finder not in _finders:
        _finders.append(finder)
    return finder


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _subject(query: SearchQuery) -> str:
    return " ".join(query.all_words())


def _skill_evidence(query: SearchQuery) -> dict[int, list[Evidence]]:
    named = Skill.objects.filter(name__icontains=word_root(query.all_words()[0]))[:200]
    skills = [s for s in named if covers(query, s.name)]
    found: dict[int, list[Evidence]] = defaultdict(list)
    directory = reverse("people:directory")
    holders = User.skills.through.objects.filter(skill__in=skills).values_list(
        "user_id", "skill__name"
    )
    for user_id, name in holders:
        found[user_id].append(
            Evidence("skill", f"Skill: {name}", f"{directory}?{urlencode({'skill': name})}", 6.0)
        )
    return found


def _content_evidence(viewer: User, query: SearchQuery, subject: str) -> dict[int, list[Evidence]]:
    post_ids = engine().content_ids("post", query, ContentFilter(), CANDIDATES)
    reply_ids = engine().content_ids("reply", query, ContentFilter(), CANDIDATES)
    posts = visible_post_rows(viewer, post_ids, ("pk", "author_id", "kind"))
    question_ids = [pk for pk, _, kind in posts if kind == PostKind.QUESTION]
    answers = Post.objects.filter(pk__in=question_ids, accepted_reply__isnull=False).values_list(
        "pk", "accepted_reply__author_id"
    )
    live_replies = list(
        Reply.objects.filter(pk__in=reply_ids, deleted_at__isnull=True).values_list(
            "post_id", "author_id"
        )
    )
    visible = visible_post_ids(viewer, {post_id for post_id, _ in live_replies})
    replies = [(post_id, author_id) for post_id, author_id in live_replies if post_id in visible]
    found: dict[int, list[Evidence]] = defaultdict(list)
    answered: dict[int, list[int]] = defaultdict(list)
    for question_id, author_id in answers:
        answered[author_id].append(question_id)
    for author_id, questions in answered.items():
        count = len(questions)
        found[author_id].append(
            Evidence(
                "accepted_answer",
                f"{_plural(count, 'accepted answer', 'accepted answers')} about {subject}",
                path_to("feed:post", questions[0]),
                5.0 * min(count, 3),
            )
        )
    by_author: dict[int, list[int]] = defaultdict(list)
    for pk, author_id, _kind in posts:
        by_author[author_id].append(pk)
    for author_id, pks in by_author.items():
        found[author_id].append(
            Evidence(
                "post",
                f"{_plural(len(pks), 'post', 'posts')} on {subject}",
                path_to("feed:post", pks[0]),
                1.5 * min(len(pks), 5),
            )
        )
    reply_counts = Counter(author_id for _post, author_id in replies)
    first_reply = {author_id: post_id for post_id, author_id in replies}
    for author_id, count in reply_counts.items():
        found[author_id].append(
            Evidence(
                "reply",
                f"{_plural(count, 'reply', 'replies')} on {subject}",
                path_to("feed:post", first_reply[author_id]),
                1.0 * min(count, 5),
            )
        )
    return found


def _topic_evidence(viewer: User, query: SearchQuery) -> dict[int, list[Evidence]]:
    name = "".join(query.all_words())[:64]
    topic = Topic.objects.filter(readable_topics_q(viewer), name=name).first()
    found: dict[int, list[Evidence]] = defaultdict(list)
    if topic is None:
        return found
    newest = (
        visible_posts(viewer)
        .filter(topics=topic)
        .order_by("-created_at", "-id")
        .values("pk")[:TOPIC_POSTS]
    )
    counts = (
        Post.objects.filter(pk__in=newest).values("author_id").annotate(n=Count("id")).order_by()
    )
    for row in counts:
        found[row["author_id"]].append(
            Evidence(
                "topic",
                f"{_plural(row['n'], 'post', 'posts')} in #{topic.label}",
                path_to("feed:topic", topic.name),
                0.5 * min(row["n"], 20),
            )
        )
    return found


def _event_evidence(viewer: User, query: SearchQuery, subject: str) -> dict[int, list[Evidence]]:
    entry_ids = engine().name_ids(query, ["event"], CANDIDATES)
    mask = (1 << KIND_SHIFT) - 1
    event_ids = [e & mask for e in entry_ids if e >> KIND_SHIFT == NAME_KINDS["event"]]
    found: dict[int, list[Evidence]] = defaultdict(list)
    organised: dict[int, list[int]] = defaultdict(list)
    for pk, organiser_id in (
        visible_events(viewer).filter(pk__in=event_ids).values_list("pk", "organiser_id")
    ):
        organised[organiser_id].append(pk)
    for organiser_id, events in organised.items():
        found[organiser_id].append(
            Evidence(
                "event",
                f"Ran {_plural(len(events), 'event', 'events')} on {subject}",
                path_to("events:detail", events[0]),
                3.0 * min(len(events), 3),
            )
        )
    return found


def find_experts(
    viewer: User, text: str, *, limit: int = EXPERTS_LIMIT, leave_out: Iterable[int] = ()
) -> list[Expert]:
    """The people who know most about ``text``, best first, each with their evidence. Guests
    may not browse people (PermissionDenied)."""
    check_can_browse_directory(viewer)
    query = parse_query(text)
    query.excluded = []
    if not query.has_terms:
        return []
    subject = _subject(query)
    gathered: dict[int, list[Evidence]] = defaultdict(list)
    parts = [
        _skill_evidence(query),
        _content_evidence(viewer, query, subject),
        _topic_evidence(viewer, query),
        _event_evidence(viewer, query, subject),
        *(finder(viewer, query, subject) for finder in _finders),
    ]
    for part in parts:
        for person_id, evidence in part.items():
            gathered[person_id].extend(evidence)
    skip = set(leave_out)
    people = User.objects.filter(
        pk__in=[pk for pk in gathered if pk not in skip],
        is_active=True,
        listed_as_expert=True,
    ).exclude(role=Role.GUEST)
    experts = [
        Expert(
            person,
            sum(e.weight for e in gathered[person.pk]),
            sorted(gathered[person.pk], key=lambda e: -e.weight),
        )
        for person in people
    ]
    experts.sort(key=lambda e: (-e.score, e.person.sort_name))
    return experts[:limit]


# --- Experts for an unanswered question ----------------------------------------------------------

# A question unanswered this long shows its asker who might know.
SUGGEST_AFTER = dt.timedelta(hours=1)
QUESTION_EXPERTS = 3


def question_subjects(question: Post) -> list[str]:
    """What a question is about: its topics, then the declared skills its text names."""
    subjects = [t.name for t in question.topics.all()][:3]
    words = set(words_of(question.body))
    held = Skill.objects.filter(people__isnull=False).distinct()
    for skill in held.values_list("name", flat=True)[:2000]:
        skill_words = words_of(skill)
        if skill_words and set(skill_words) <= words and skill.lower() not in subjects:
            subjects.append(skill.lower())
        if len(subjects) >= 4:
            break
    return subjects


def should_suggest_experts(viewer: User, question: Post, *, now: dt.datetime | None = None) -> bool:
    """Whether the asker is shown experts for their own question, unanswered a while."""
    now = now or timezone.now()
    return policy.can_ask_experts(viewer, question) and now - question.created_at >= SUGGEST_AFTER


def experts_for_question(viewer: User, question: Post) -> list[Expert]:
    """Up to three people who may know the answer to ``viewer``'s question, for its asker only;
    not the asker, not who already replied."""
    if not should_suggest_experts(viewer, question):
        return []
    replied = Reply.objects.filter(post=question, deleted_at__isnull=True).values_list(
        "author_id", flat=True
    )
    leave_out = {viewer.pk, *replied}
    merged: dict[int, Expert] = {}
    for subject in question_subjects(question):
        for expert in find_experts(viewer, subject, leave_out=leave_out):
            kept = merged.setdefault(expert.person.pk, Expert(expert.person))
            kept.score += expert.score
            kept.evidence.extend(expert.evidence)
    ranked = sorted(merged.values(), key=lambda e: (-e.score, e.person.sort_name))
    return ranked[:QUESTION_EXPERTS]
