"""Insights' API shapes."""

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import BaseModel, ConfigDict

from watercooler.core.inputs import Day, Moment
from watercooler.people.schemas import StrictInput


class ImpressionIn(BaseModel):
    """A plain pydantic model, not a ninja Schema: a batch holds 500 of them, and ninja's
    per-object validator (for reading ORM objects) was a third of the request's time."""

    model_config = ConfigDict(extra="forbid")

    post_id: int
    kind: Literal["seen", "read"] = Field(
        description="seen: the post was on screen; read: opened, expanded or dwelt on."
    )
    at: Moment = Field(description="When, as the client saw it (without a zone: UTC).")


class ImpressionsIn(StrictInput):
    items: list[ImpressionIn] = Field(description="Up to 500 impressions.")


class ImpressionsOut(Schema):
    accepted: int
    ignored: int = Field(
        description="Not recorded: posts you may not see, your own, or stamped too long ago."
    )


class NetworkQuery(Schema):
    window_days: int = Field(90, description="The window, in days ending now (1 to 365).")


class NetworkPending(Schema):
    status: Literal["computing"]
    window_days: int


class NetworkCommunityOut(Schema):
    id: int
    size: int
    members: list[str] = Field(description="Usernames of the members who may be named.")
    top_departments: list[str]


class NetworkPersonOut(Schema):
    username: str
    community: int
    department: str
    pagerank: float
    betweenness: float
    broker: bool
    advocate: bool


class SiloOut(Schema):
    department: str
    size: int
    internal_share: float
    ei_index: float


class NetworkOut(Schema):
    computed_at: dt.datetime | None
    window_days: int
    people_count: int = Field(description="Everyone in the network, named or not.")
    ties: int
    modularity: float
    agreement: float = Field(
        description="Normalised mutual information between communities and departments (0 to 1)."
    )
    communities: list[NetworkCommunityOut]
    people: list[NetworkPersonOut]
    silos: list[SiloOut]


class MapNodeOut(Schema):
    node: int
    x: float
    y: float
    community: int
    department: str
    strength: float
    username: str | None
    display_name: str | None


class NetworkMapOut(Schema):
    computed_at: dt.datetime | None
    window_days: int
    nodes: list[MapNodeOut]
    ties: list[list[float]] = Field(description="[node, node, weight] for the drawn ties.")


class GroupReachOut(Schema):
    group: str
    audience: int
    reached: int
    read: int
    acknowledged: int
    reacted: int
    replied: int


class ReachPointOut(Schema):
    hours: float = Field(description="Hours since publishing.")
    reached: int
    read: int


class ReachOut(Schema):
    post_id: int
    published_at: dt.datetime
    is_announcement: bool
    must_read: bool
    audience: int
    reached: int
    read: int
    acknowledged: int
    reacted: int
    replied: int
    breakdowns: dict[str, list[GroupReachOut]] = Field(
        description="By department, location and manager line; groups smaller than "
        "min_group_size merge into “Other”, and nothing is broken down for a smaller audience."
    )
    over_time: list[ReachPointOut]
    min_group_size: int


class OverviewQuery(Schema):
    from_: Day | None = Field(
        None, alias="from", description="First day (default: 27 days before `to`)."
    )
    to: Day | None = Field(None, description="Last day (default: today).")
    scope: Literal["organisation", "team"] = Field(
        "organisation",
        description="organisation (communications people and administrators) or team (the "
        "people who report to you, directly or not, if there are enough of them).",
    )


class AdoptionPointOut(Schema):
    day: dt.date
    people: int
    daily_active: int
    weekly_active: int
    monthly_active: int
    posting: int = Field(description="Wrote something in the 7 days to this day.")
    reading: int = Field(description="Active in the 7 days without writing.")
    new: int = Field(description="Active for the first time this day.")
    posts: int
    questions: int
    announcements: int
    replies: int
    reactions: int


class GroupAdoptionOut(Schema):
    group: str
    people: int
    monthly_active: int
    posting: int
    reading: int
    new: int


class TargetProgressOut(Schema):
    id: int
    measure: str
    description: str
    percent: int = Field(description="The target.")
    people: int = Field(description="The people of the target's group in the scope.")
    current: float = Field(description="Where the scope stands today.")
    met: bool


class CampaignProgressOut(Schema):
    id: int
    name: str
    objective: str
    starts_on: dt.date
    ends_on: dt.date
    targets: list[TargetProgressOut]


class OverviewOut(Schema):
    scope: str
    from_: dt.date = Field(alias="from")
    to: dt.date
    days: list[AdoptionPointOut]
    breakdowns: dict[str, list[GroupAdoptionOut]]
    median_first_answer_minutes: float | None
    as_of: dt.datetime | None = Field(description="When the roll-ups were computed.")
    min_group_size: int
    campaigns: list[CampaignProgressOut] = Field(
        description="Campaigns running in the period. For the team scope, only the targets "
        "about people, counted over the team, where it holds min_group_size people or more."
    )


class TargetIn(StrictInput):
    measure: Literal["acknowledged", "read", "reached", "topic_growth"]
    percent: int = Field(
        description="The share of the group (1 to 100), or for topic_growth the growth wanted "
        "(1 to 1000)."
    )
    department: str | None = Field(None, description="Only people of this department.")
    location: str | None = Field(None, description="Only people at this location.")
    region: str = Field("", max_length=40, description="Only people at locations of this region.")
    within_days: int | None = Field(
        None, description="Counted only within this many days of a post's publishing."
    )


class CampaignIn(StrictInput):
    name: str = Field(max_length=1000)
    objective: str = Field("", max_length=10_000)
    starts_on: Day
    ends_on: Day
    posts: list[int] = Field(default_factory=list, max_length=1000)
    topics: list[str] = Field(default_factory=list, max_length=1000)
    communities: list[str] = Field(default_factory=list, max_length=1000)
    targets: list[TargetIn] = Field(default_factory=list, max_length=100)


class CampaignPatch(StrictInput):
    name: str | None = Field(None, max_length=1000)
    objective: str | None = Field(None, max_length=10_000)
    starts_on: Day | None = None
    ends_on: Day | None = None
    posts: list[int] | None = Field(None, max_length=1000)
    topics: list[str] | None = Field(None, max_length=1000)
    communities: list[str] | None = Field(None, max_length=1000)
    targets: list[TargetIn] | None = Field(None, max_length=100, description="Replace the targets.")


class ProgressPointOut(Schema):
    day: dt.date
    value: float


class TargetOut(Schema):
    id: int
    measure: str
    percent: int
    department: str | None
    location: str | None
    region: str
    within_days: int | None
    description: str
    group_size: int
    current: float | None = Field(description="None when the group is below the minimum size.")
    met: bool
    progress: list[ProgressPointOut]


class CampaignOut(Schema):
    id: int
    name: str
    objective: str
    starts_on: dt.date
    ends_on: dt.date
    owner: str | None
    posts: list[int]
    topics: list[str]
    communities: list[str]
    measured_at: dt.datetime | None
    reach: dict[str, Any] = Field(
        description="What it covers, as measured: {posts, total: {audience, reached, read, "
        "acknowledged, reacted, replied}, breakdowns: {department|location|manager: [rows]}}."
    )
    targets: list[TargetOut]


class CampaignPage(Schema):
    items: list[CampaignOut]
    next_cursor: str | None


class CursorQuery(Schema):
    cursor: str | None = Field(None, max_length=1000)


class OwnPostOut(Schema):
    post_id: int
    created_at: dt.datetime
    reached: int
    read: int
    reactions: int
    replies: int


class OwnNetworkOut(Schema):
    computed_at: dt.datetime | None
    window_days: int
    community: NetworkCommunityOut | None
    pagerank: float
    pagerank_percentile: int
    betweenness: float
    betweenness_percentile: int
    degree: int
    participation: float
    broker: bool
    advocate: bool
    reach_outside: int
    conversations: int
    why: list[str]


class AboutMeOut(Schema):
    named: bool = Field(description="Whether the network analysis may show you by name.")
    named_in_network: bool | None = Field(description="Your own choice; null: the default.")
    named_by_default: bool
    posts: list[OwnPostOut]
    network: OwnNetworkOut | None
