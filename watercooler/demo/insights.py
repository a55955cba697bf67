"""The insights part of the demo: six months of reading, the roll-ups, the network and campaigns,
so a communications person opening Insights finds reach, adoption, silos, brokers, advocates
and campaigns with progress at once.

Reading is written in bulk (``PostView`` and ``PersonDay`` rows, as the impressions action
would leave them): at 300 people that is about 80,000 views, where an action per batch per person
and day would cost minutes. Who reads what follows the organisation the feed builder made:
people read their team's and their department's posts most, others' now and then, and the
cross-department connectors' posts travel furthest; about four in ten sightings become reads.
Community posts are read by their members only; announcements have their own receipts.

Then, through the product's own code: the daily roll-ups over the whole history, the network of
the last 90 days computed as the task worker would (and, for a small organisation, the same
window ending one to five months ago, which is the silos' trend), and three campaigns made
through the actions as the communications person: the travel-policy must-read (ended), the
launch week (ended) and a sustainability month (running), measured.
"""

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from django.core.exceptions import ValidationError

from watercooler.announcements.models import Announcement
from watercooler.core.errors import messages_by_field
from watercooler.demo import feed_text
from watercooler.demo.context import DemoContext
from watercooler.feed.models import Audience, Post, Reaction, Reply
from watercooler.insights import actions, campaigns, rollups, tasks
from watercooler.insights.models import Campaign, PersonDay, PostView
from watercooler.people.models import Role, User

HISTORY_DAYS = 182
TEAM_READS = 0.8
DEPARTMENT_READS = 0.3
OTHERS_READ = 6  # people outside the author's department who happen upon an ordinary post
CONNECTOR_REACH = 4  # … times more for a connector's post
READ_SHARE = 0.4
# Past windows of the network (days before now) for the silos' trend, at this size or below.
TREND_ENDS = (150, 120, 90, 60, 30)
TREND_UP_TO = 2_000
BATCH = 5_000


def build(ctx: DemoContext) -> None:
    comms = ctx.accounts.get("comms") or ctx.accounts.get("ceo")
    if comms is None or len(ctx.people) < 10:
        return
    views = _write_reading(ctx)
    start = (ctx.now - dt.timedelta(days=HISTORY_DAYS)).date()
    rollups.rollup(start, ctx.now.date())
    runs = _compute_networks(ctx)
    made = _campaigns(ctx, comms)
    ctx.notes.append(
        f"Insights: {views} posts seen or read, the daily roll-ups since {start}, the network of "
        f"the last 90 days ({runs} computation{'s' if runs != 1 else ''}) and {made} campaigns: "
        f"sign in as {comms.username} and open Insights."
    )


def _write_reading(ctx: DemoContext) -> int:
    """Who saw and read each ordinary post, and each person's days of reading."""
    rng = ctx.rng
    active = [u for u in ctx.people if u.is_active and u.role != Role.GUEST]
    department_of = {u.pk: u.department_id for u in active}
    by_department: dict[int | None, list[int]] = defaultdict(list)
    for u in active:
        by_department[u.department_id].append(u.pk)
    team: dict[int, set[int]] = defaultdict(set)
    for person, manager in ctx.managers.items():
        if manager is not None:
            team[person].add(manager)
            team[manager].add(person)
    for members in ctx.reports().values():
        for person in members:
            team[person].update(m for m in members if m != person)
    connectors = set(ctx.extra.get("feed.connectors", []))
    everyone = [u.pk for u in active]
    members_of: dict[str, dict[int, dt.datetime]] = ctx.extra.get("communities.members", {})
    community_members = {
        community.pk: list(members_of.get(handle, {}))
        for handle, community in ctx.extra.get("communities.communities", {}).items()
    }
    announced = set(Announcement.objects.values_list("post_id", flat=True))
    since = ctx.now - dt.timedelta(days=HISTORY_DAYS)
    answered: dict[int, set[int]] = defaultdict(set)
    for post, person in Reply.objects.filter(created_at__gte=since).values_list(
        "post_id", "author_id"
    ):
        answered[post].add(person)
    for post, person in Reaction.objects.filter(
        created_at__gte=since, post__isnull=False
    ).values_list("post_id", "user_id"):
        answered[post].add(person)
    rows: list[PostView] = []
    days: dict[tuple[int, dt.date], Counter[str]] = defaultdict(Counter)
    posts = Post.objects.filter(created_at__gte=since, deleted_at__isnull=True).values_list(
        "pk", "author_id", "created_at", "community_id", "audience"
    )
    for pk, author, created, community, audience in posts:
        if pk in announced or audience == Audience.FOLLOWERS:
            continue
        readers: set[int] = set(answered.get(pk, ()))
        if community is not None:
            pool = community_members.get(community, [])
            readers.update(p for p in pool if rng.random() < 0.6)
        else:
            readers.update(p for p in team.get(author, ()) if rng.random() < TEAM_READS)
            readers.update(
                p
                for p in by_department.get(department_of.get(author), ())
                if rng.random() < DEPARTMENT_READS
            )
            others = OTHERS_READ * (CONNECTOR_REACH if author in connectors else 1)
            readers.update(rng.sample(everyone, min(len(everyone), others)))
        readers.discard(author)
        for person in readers:
            if person not in department_of:
                continue
            seen = min(created + dt.timedelta(hours=rng.expovariate(1 / 6)), ctx.now)
            read = (
                min(seen + dt.timedelta(seconds=rng.uniform(8, 90)), ctx.now)
                if person in answered.get(pk, ()) or rng.random() < READ_SHARE
                else None
            )
            rows.append(PostView(post_id=pk, person_id=person, seen_at=seen, read_at=read))
            day = days[(person, seen.date())]
            day["seen"] += 1
            if read is not None:
                day["read"] += 1
    PostView.objects.bulk_create(rows, batch_size=BATCH)
    PersonDay.objects.bulk_create(
        (
            PersonDay(person_id=person, day=day, seen=c["seen"] + c["read"], read=c["read"])
            for (person, day), c in days.items()
        ),
        batch_size=BATCH,
    )
    return len(rows)


def _compute_networks(ctx: DemoContext) -> int:
    """The network of the last 90 days, and for a small organisation the same window ending
    one to five months ago (the silos' trend), each computed as the task worker would."""
    ends = (
        [ctx.now - dt.timedelta(days=d) for d in TREND_ENDS]
        if len(ctx.people) <= TREND_UP_TO
        else []
    )
    for end in [*ends, ctx.now]:
        with ctx.at(end):
            run = actions.start_network(window_days=actions.DEFAULT_WINDOW_DAYS, now=end)
            tasks.run_network(run.pk)
    return len(ends) + 1


def _campaigns(ctx: DemoContext, comms: User) -> int:
    """Three campaigns as the communications person would set them up, measured."""
    from_feed: dict[str, int] = ctx.extra.get("feed.announcements", {})
    launch = ctx.extra.get("feed.events", {}).get("launch")
    today = ctx.now.date()
    plans: list[dict[str, Any]] = []
    travel = from_feed.get("travel_policy")
    if travel is not None:
        announcement = Announcement.objects.get(pk=travel)
        published = (announcement.published_at or ctx.now).date()
        plans.append(
            {
                "name": "New travel policy: everyone knows it",
                "objective": (
                    "The new travel policy applies to every trip from next month. Everyone "
                    "should have read and acknowledged it within a week, the stores included."
                ),
                "starts_on": published,
                "ends_on": published + dt.timedelta(days=14),
                "posts": [announcement.post_id],
                "targets": [
                    {"measure": "acknowledged", "percent": 90, "within_days": 7},
                    {
                        "measure": "acknowledged",
                        "percent": 80,
                        "department": "Retail Stores",
                        "within_days": 7,
                    },
                ],
            }
        )
    if launch is not None:
        plans.append(
            {
                "name": f"{feed_text.LAUNCH_PRODUCT} launch week",
                "objective": (
                    f"Everyone hears about {feed_text.LAUNCH_PRODUCT} in launch week, Europe's "
                    "stores first, and talks about it."
                ),
                "starts_on": launch[0],
                "ends_on": launch[1] + dt.timedelta(days=9),
                "topics": [feed_text.LAUNCH_TOPIC],
                "targets": [
                    {"measure": "reached", "percent": 75, "region": "EMEA", "within_days": 7},
                    {"measure": "topic_growth", "percent": 50},
                ],
            }
        )
    plans.append(
        {
            "name": "Sustainability month",
            "objective": "More ideas and wins about waste, energy and travel, from every team.",
            "starts_on": today - dt.timedelta(days=20),
            "ends_on": today + dt.timedelta(days=10),
            "topics": ["sustainability"],
            "targets": [
                {"measure": "topic_growth", "percent": 20},
                {"measure": "read", "percent": 30, "department": "Operations"},
            ],
        }
    )
    made = 0
    for plan in plans:
        start = dt.datetime.combine(plan["starts_on"], dt.time(8), tzinfo=dt.UTC)
        with ctx.at(min(start, ctx.now)):
            try:
                data = actions.check_campaign_input(actor=comms, data=plan)
            except ValidationError as error:
                # A small demo organisation: leave out targets about groups below the minimum.
                refused = {key.split(".")[1] for key in messages_by_field(error)}
                plan["targets"] = [
                    t for i, t in enumerate(plan["targets"]) if str(i) not in refused
                ]
                data = actions.check_campaign_input(actor=comms, data=plan)
            campaign = actions.do_save_campaign(actor=comms, data=data, sent=set(plan))
        campaigns.measure(Campaign.objects.get(pk=campaign.pk), today=today)
        made += 1
    return made
