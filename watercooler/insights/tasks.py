"""Background work of insights: computing the interaction network of a window.

A run is claimed with a conditional UPDATE (pending → running), so a task delivered twice, or
two workers, never compute it twice. A run that fails records its error and shows as failed
(and in /healthz through the task queue's failures); the next request for that window starts a
new one.
"""

import datetime as dt
import logging
import time
from collections import Counter, defaultdict
from itertools import combinations

from django.db import transaction
from django.db.models import F
from django.tasks import task
from django.utils import timezone

from watercooler.feed.models import Post, Reaction, Reply
from watercooler.insights import campaigns, rollups
from watercooler.insights import graph as graphs
from watercooler.insights.models import Campaign, NetworkPerson, NetworkRun, PostView, RunStatus
from watercooler.insights.network import Analysis, analyse, summed_ties
from watercooler.people.models import User

logger = logging.getLogger(__name__)

ADVOCATE_TOP_SHARE = 0.05
MEET_SUGGESTIONS = 30
MEET_PER_PERSON = 2
# Per topic or skill, only its most active people are paired: a topic everyone posts in would
# otherwise make every pair of the organisation a candidate.
MEET_POOL = 40
MAP_TIES = 60_000
COMMUNITY_DEPARTMENTS = 3


def _window(run: NetworkRun) -> tuple[dt.datetime, dt.datetime]:
    return run.window_end - dt.timedelta(days=run.window_days), run.window_end


def _advocacy(
    people: list[graphs.Person], start: dt.datetime, end: dt.datetime
) -> tuple[dict[int, int], dict[int, int]]:
    """Per author: posts in the window that drew two or more other people (replies or
    reactions), and how many people outside the author's department saw or answered them."""
    node_ids = {p.id for p in people}
    posts = Post.objects.filter(
        graphs.not_secret(""),
        created_at__gte=start,
        created_at__lt=end,
        deleted_at__isnull=True,
        author_id__in=node_ids,
    )
    drawn: dict[int, set[int]] = defaultdict(set)
    authors: dict[int, int] = {}
    for pk, author, other in Reply.objects.filter(
        post__in=posts, deleted_at__isnull=True
    ).values_list("post_id", "post__author_id", "author_id"):
        authors[pk] = author
        if other != author:
            drawn[pk].add(other)
    for pk, author, other in Reaction.objects.filter(post__in=posts).values_list(
        "post_id", "post__author_id", "user_id"
    ):
        authors[pk] = author
        if other != author:
            drawn[pk].add(other)
    conversations: Counter[int] = Counter(
        authors[pk] for pk, others in drawn.items() if len(others) >= 2
    )
    department = {p.id: p.department for p in people}
    reached: dict[int, set[int]] = defaultdict(set)
    for author, viewer in (
        PostView.objects.filter(post__in=posts)
        .exclude(person__department_id=F("post__author__department_id"))
        .values_list("post__author_id", "person_id")
        .distinct()
    ):
        reached[author].add(viewer)
    viewer_departments = dict(
        User.objects.filter(pk__in={v for vs in drawn.values() for v in vs}).values_list(
            "pk", "department__name"
        )
    )
    for pk, others in drawn.items():
        author = authors[pk]
        for other in others:
            if (viewer_departments.get(other) or "") != department.get(author, ""):
                reached[author].add(other)
    return dict(conversations), {author: len(v) for author, v in reached.items()}


def _percentiles(values: list[float]) -> list[float]:
    """Each value's rank among them, 0 (lowest) to 1 (highest); ties share a rank."""
    if not values:
        return []
    order = sorted(set(values))
    if len(order) == 1:
        return [1.0] * len(values)
    rank = {v: i / (len(order) - 1) for i, v in enumerate(order)}
    return [rank[v] for v in values]


def advocates(analysis: Analysis, conversations: list[int], reach_outside: list[int]) -> list[bool]:
    """People who start conversations that spread and whose posts reach beyond their team:
    among those with at least one such conversation and some reach outside, the top
    ``ADVOCATE_TOP_SHARE`` by the mean of their PageRank and outside-reach percentiles."""
    candidates = [
        i for i in range(analysis.size) if conversations[i] >= 1 and reach_outside[i] >= 1
    ]
    flags = [False] * analysis.size
    if not candidates:
        return flags
    rank = _percentiles([analysis.pagerank[i] for i in candidates])
    reach = _percentiles([float(reach_outside[i]) for i in candidates])
    scored = sorted(
        zip(candidates, (a + b for a, b in zip(rank, reach, strict=True)), strict=True),
        key=lambda pair: -pair[1],
    )
    top = max(1, round(analysis.size * ADVOCATE_TOP_SHARE))
    for i, _ in scored[:top]:
        flags[i] = True
    return flags


def who_should_meet(
    people: list[graphs.Person],
    analysis: Analysis,
    tied: set[tuple[int, int]],
    start: dt.datetime,
    end: dt.datetime,
) -> list[dict[str, object]]:
    """Pairs of named people in different departments and different found communities who
    have not interacted in the window but post in the same topics or declare the same skills."""
    node = {p.id: i for i, p in enumerate(people)}
    pools: list[tuple[str, str, list[int]]] = []
    topic_posts: dict[str, Counter[int]] = defaultdict(Counter)
    for author, topic in Post.topics.through.objects.filter(
        post__created_at__gte=start,
        post__created_at__lt=end,
        post__deleted_at__isnull=True,
        post__author_id__in=node.keys(),
    ).values_list("post__author_id", "topic__label"):
        topic_posts[topic][node[author]] += 1
    for topic, counts in topic_posts.items():
        pools.append(("topics", topic, [i for i, _ in counts.most_common(MEET_POOL)]))
    skill_people: dict[str, list[int]] = defaultdict(list)
    for person, skill in User.skills.through.objects.filter(user_id__in=node.keys()).values_list(
        "user_id", "skill__name"
    ):
        skill_people[skill].append(node[person])
    for skill, members in skill_people.items():
        pools.append(
            ("skills", skill, sorted(members, key=lambda i: -analysis.strength[i])[:MEET_POOL])
        )
    shared: dict[tuple[int, int], dict[str, list[str]]] = defaultdict(
        lambda: {"topics": [], "skills": []}
    )
    for kind, name, members in pools:
        for a, b in combinations(sorted(members), 2):
            pa, pb = people[a], people[b]
            if (
                not (pa.named and pb.named)
                or not pa.department
                or not pb.department
                or pa.department == pb.department
                or analysis.membership[a] == analysis.membership[b]
                or (a, b) in tied
            ):
                continue
            shared[(a, b)][kind].append(name)
    ranked = sorted(
        shared.items(),
        key=lambda kv: (
            -(2 * len(kv[1]["topics"]) + len(kv[1]["skills"])),
            -(analysis.strength[kv[0][0]] + analysis.strength[kv[0][1]]),
            kv[0],
        ),
    )
    chosen: list[dict[str, object]] = []
    used: Counter[int] = Counter()
    for (a, b), why in ranked:
        if used[a] >= MEET_PER_PERSON or used[b] >= MEET_PER_PERSON:
            continue
        used.update((a, b))
        chosen.append(
            {
                "a": people[a].id,
                "b": people[b].id,
                "topics": sorted(why["topics"])[:5],
                "skills": sorted(why["skills"])[:5],
            }
        )
        if len(chosen) == MEET_SUGGESTIONS:
            break
    return chosen


def _summary(
    people: list[graphs.Person], analysis: Analysis, meet: list[dict[str, object]], unconnected: int
) -> dict[str, object]:
    departments = sorted({p.department for p in people if p.department})
    by_community: dict[int, Counter[str]] = defaultdict(Counter)
    for i, c in enumerate(analysis.membership):
        by_community[c][people[i].department] += 1
    communities = [
        {
            "id": c,
            "size": analysis.community_sizes[c],
            "top_departments": [
                [name or "", n] for name, n in counts.most_common(COMMUNITY_DEPARTMENTS)
            ],
        }
        for c, counts in sorted(by_community.items())
    ]
    return {
        "unconnected": unconnected,
        "total_weight": analysis.total_weight,
        "betweenness_sources": analysis.betweenness_sources,
        "communities": communities,
        "confusion": {
            "departments": departments,
            "rows": [
                [c, [by_community[c][d] for d in departments], by_community[c][""]]
                for c in sorted(by_community)
            ],
        },
        "silos": {
            dimension: [
                {
                    "group": s.group,
                    "size": s.size,
                    "internal": s.internal,
                    "external": s.external,
                    "internal_share": round(s.internal_share, 4),
                    "ei_index": round(s.ei_index, 4),
                }
                for s in groups
            ]
            for dimension, groups in analysis.silos.items()
        },
        "quiet_pairs": {
            dimension: [
                {
                    "first": p.first,
                    "second": p.second,
                    "weight": p.weight,
                    "expected": round(p.expected, 2),
                    "ratio": round(p.ratio, 3),
                }
                for p in pairs
                if p.expected > 0
            ][:10]
            for dimension, pairs in analysis.pairs.items()
        },
        "meet": meet,
    }


def compute(run: NetworkRun) -> None:
    """Build the graph of the run's window, analyse it and store every result."""
    started = time.perf_counter()
    start, end = _window(run)
    window = graphs.build(start, end)
    people = window.people
    analysis = analyse(window.graph)
    ties = summed_ties(window.graph, directed=False)
    tied = set(ties.pairs())
    conversations_by_id, reach_by_id = _advocacy(people, start, end)
    conversations = [conversations_by_id.get(p.id, 0) for p in people]
    reach_outside = [reach_by_id.get(p.id, 0) for p in people]
    advocate = advocates(analysis, conversations, reach_outside)
    meet = who_should_meet(people, analysis, tied, start, end)
    drawn = analysis.positions
    strongest = sorted(
        (
            (int(a), int(b), float(w))
            for a, b, w in zip(ties.a.tolist(), ties.b.tolist(), ties.w.tolist(), strict=True)
            if a in drawn and b in drawn
        ),
        key=lambda t: -t[2],
    )[:MAP_TIES]
    rows = [
        NetworkPerson(
            run=run,
            person_id=p.id,
            node=i,
            community=analysis.membership[i],
            pagerank=analysis.pagerank[i],
            betweenness=analysis.betweenness[i],
            participation=analysis.participation[i],
            degree=analysis.degree[i],
            strength=analysis.strength[i],
            broker=analysis.brokers[i],
            advocate=advocate[i],
            reach_outside=reach_outside[i],
            conversations=conversations[i],
            x=drawn[i][0] if i in drawn else None,
            y=drawn[i][1] if i in drawn else None,
        )
        for i, p in enumerate(people)
    ]
    with transaction.atomic():
        NetworkPerson.objects.filter(run=run).delete()
        NetworkPerson.objects.bulk_create(rows, batch_size=2000)
        run.people = analysis.size
        run.ties = analysis.tie_count
        run.modularity = analysis.modularity
        run.agreement = analysis.agreement
        run.summary = _summary(people, analysis, meet, window.unconnected)
        run.map_ties = [[a, b, round(w, 2)] for a, b, w in strongest]
        run.status = RunStatus.DONE
        run.finished_at = timezone.now()
        run.save()
    logger.info(
        "Network over %s days: %s people, %s ties in %.1f s",
        run.window_days,
        run.people,
        run.ties,
        time.perf_counter() - started,
    )


def run_network(run_id: int) -> bool:
    """Claim and compute one pending run; False when someone else has it or it is gone."""
    claimed = NetworkRun.objects.filter(pk=run_id, status=RunStatus.PENDING).update(
        status=RunStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return False
    run = NetworkRun.objects.get(pk=run_id)
    try:
        compute(run)
    except Exception as error:
        NetworkRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED, finished_at=timezone.now(), error=repr(error)[:2000]
        )
        raise
    return True


@task
def compute_network_task(run_id: int) -> bool:
    return run_network(run_id)


def rollup_due() -> int:
    """Bring the adoption roll-ups up to today (and recompute the last days), and measure the
    running campaigns; the roll-up rows written."""
    start, end = rollups.due_range()
    written = rollups.rollup(start, end)
    measure_campaigns()
    return written


@task
def rollup_task() -> int:
    return rollup_due()


def measure_campaigns(*, today: dt.date | None = None) -> int:
    """Measure every campaign that is running or ended in the last week; how many."""
    today = today or timezone.now().date()
    running = Campaign.objects.filter(
        starts_on__lte=today, ends_on__gte=today - dt.timedelta(days=7)
    )
    count = 0
    for campaign in running:
        campaigns.measure(campaign, today=today)
        count += 1
    return count


@task
def measure_campaign_task(campaign_id: int) -> bool:
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return False
    campaigns.measure(campaign)
    return True
