"""Insights' reads: the network report and map of a finished computation. People who opted out
of being named are counted in every number and left out of every list; groups below the
organisation's minimum size were merged into "Other" when the run was computed."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from watercooler.insights.models import NetworkPerson, NetworkRun
from watercooler.insights.policy import named_by_default
from watercooler.people.models import User


@dataclass(frozen=True)
class PersonMeasures:
    username: str
    display_name: str
    department: str
    community: int
    pagerank: float
    betweenness: float
    participation: float
    degree: int
    broker: bool
    advocate: bool
    reach_outside: int
    conversations: int


@dataclass
class Community:
    id: int
    size: int
    members: list[str]  # usernames of the named members, most central first
    top_departments: list[tuple[str, int]]


@dataclass
class NetworkReport:
    run: NetworkRun
    people: list[PersonMeasures]  # named people, by PageRank
    communities: list[Community]
    silos: dict[str, list[dict[str, Any]]]
    quiet_pairs: dict[str, list[dict[str, Any]]]
    confusion: dict[str, Any]
    meet: list[tuple[User, User, list[str], list[str]]]
    unnamed: int  # people counted but not shown
    brokers: list[PersonMeasures] = field(default_factory=list)
    advocates: list[PersonMeasures] = field(default_factory=list)

    @property
    def computed_at(self) -> dt.datetime | None:
        return self.run.finished_at


def _named_rows(run: NetworkRun) -> tuple[list[tuple[NetworkPerson, User]], int]:
    """The run's rows with their people, named ones only, and how many were left out."""
    default = named_by_default()
    rows = (
        NetworkPerson.objects.filter(run=run)
        .select_related("person", "person__department")
        .only(
            *(f.name for f in NetworkPerson._meta.concrete_fields),
            "person__username",
            "person__display_name",
            "person__named_in_network",
            "person__is_active",
            "person__department__name",
        )
        .order_by("-pagerank", "node")
    )
    kept = []
    left_out = 0
    for row in rows:
        person = row.person
        named = person.named_in_network if person.named_in_network is not None else default
        if named and person.is_active:
            kept.append((row, person))
        else:
            left_out += 1
    return kept, left_out


def _measures(row: NetworkPerson, person: User) -> PersonMeasures:
    return PersonMeasures(
        username=person.username,
        display_name=person.display_name,
        department=person.department.name if person.department else "",
        community=row.community,
        pagerank=row.pagerank,
        betweenness=row.betweenness,
        participation=row.participation,
        degree=row.degree,
        broker=row.broker,
        advocate=row.advocate,
        reach_outside=row.reach_outside,
        conversations=row.conversations,
    )


def network_report(run: NetworkRun) -> NetworkReport:
    """Everything about one finished run, for people allowed organisation-wide insights."""
    rows, unnamed = _named_rows(run)
    people = [_measures(row, person) for row, person in rows]
    summary = run.summary or {}
    members: dict[int, list[str]] = {}
    for m in people:
        members.setdefault(m.community, []).append(m.username)
    communities = [
        Community(
            id=c["id"],
            size=c["size"],
            members=members.get(c["id"], []),
            top_departments=[(name, n) for name, n in c["top_departments"]],
        )
        for c in summary.get("communities", [])
    ]
    by_id = {person.pk: person for _, person in rows}
    meet = [
        (by_id[pair["a"]], by_id[pair["b"]], pair["topics"], pair["skills"])
        for pair in summary.get("meet", [])
        if pair["a"] in by_id and pair["b"] in by_id
    ]
    return NetworkReport(
        run=run,
        people=people,
        communities=communities,
        silos=summary.get("silos", {}),
        quiet_pairs=summary.get("quiet_pairs", {}),
        confusion=summary.get("confusion", {}),
        meet=meet,
        unnamed=unnamed,
        brokers=sorted((m for m in people if m.broker), key=lambda m: -m.betweenness),
        advocates=[m for m in people if m.advocate],
    )


@dataclass(frozen=True)
class MapNode:
    node: int
    x: float
    y: float
    community: int
    department: str
    strength: float
    username: str | None  # None for people who are not named
    display_name: str | None


@dataclass
class NetworkMap:
    run: NetworkRun
    nodes: list[MapNode]
    ties: list[list[float]]


def network_map(run: NetworkRun) -> NetworkMap:
    """The drawn people (positions computed with the run) and the strongest ties between them;
    people who are not named are drawn without a name."""
    default = named_by_default()
    rows = (
        NetworkPerson.objects.filter(run=run, x__isnull=False)
        .select_related("person", "person__department")
        .only(
            "node",
            "x",
            "y",
            "community",
            "strength",
            "person__username",
            "person__display_name",
            "person__named_in_network",
            "person__is_active",
            "person__department__name",
        )
        .order_by("node")
    )
    nodes = []
    for row in rows:
        person = row.person
        named = person.is_active and (
            person.named_in_network if person.named_in_network is not None else default
        )
        nodes.append(
            MapNode(
                node=row.node,
                x=row.x or 0.0,
                y=row.y or 0.0,
                community=row.community,
                department=person.department.name if person.department else "",
                strength=row.strength,
                username=person.username if named else None,
                display_name=person.display_name if named else None,
            )
        )
    return NetworkMap(run=run, nodes=nodes, ties=run.map_ties or [])
