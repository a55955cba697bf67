"""Insights' API shapes."""

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from watercooler.core.inputs import Moment
from watercooler.people.schemas import StrictInput


class ImpressionIn(StrictInput):
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
