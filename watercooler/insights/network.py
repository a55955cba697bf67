"""The organisational network analysis itself, on plain numbers: no database, no Django.

Input is the interaction graph (people as node indices, weighted directed edges "a replied to,
mentioned, reacted to or quoted b") and each person's department and location as group labels;
output is what the insights pages show: communities found by Leiden (modularity), PageRank,
betweenness (exact on small graphs, estimated from sampled sources on large ones), brokers,
silos and the agreement between found communities and departments. ``graph.py`` builds the input
from the database and ``tasks.py`` stores the output; docs/insights.md explains each measure.

igraph does the graph work in C. Randomness (Leiden's refinement, the sampled sources, the
layout) comes from one seeded generator, so the same input gives the same answer.
"""

import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import igraph
import numpy as np
from numpy.typing import NDArray

# Below this many people betweenness is exact (all sources); above it, estimated from sampled
# sources (Brandes and Pich's estimator): as many as a fixed amount of work allows (sources
# times ties), at least ``MIN_SOURCES``, so the job stays linear in the ties. The network bench
# reports how close the estimate ranks people to the exact figure.
EXACT_BETWEENNESS_LIMIT = 4_000
MIN_SOURCES = 64
SOURCE_WORK = 64_000_000
# A broker is among the most "between" people and splits their ties across communities, or is
# a cut vertex whose ties reach into more than one community.
BROKER_TOP_SHARE = 0.05
BROKER_MIN_PARTICIPATION = 0.3
# The map draws at most this many people (the most connected); the rest are counted, not drawn.
MAP_LIMIT = 10_000
SEED = 20_261_206


Ints = NDArray[np.int64]
Floats = NDArray[np.float64]


@dataclass(frozen=True)
class InteractionGraph:
    """``size`` people (node indices 0…size-1) and directed weighted ties between them; a pair
    may repeat (repeats are summed). ``groups`` maps a dimension ("department", "location") to
    one label per node ("" for none)."""

    size: int
    sources: Sequence[int] | Ints
    targets: Sequence[int] | Ints
    weights: Sequence[float] | Floats
    groups: dict[str, Sequence[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Ties:
    """Summed ties, one per pair: ``a[i]`` and ``b[i]`` with weight ``w[i]``."""

    a: Ints
    b: Ints
    w: Floats

    def pairs(self) -> list[tuple[int, int]]:
        return list(zip(self.a.tolist(), self.b.tolist(), strict=True))


def summed_ties(graph: InteractionGraph, *, directed: bool) -> Ties:
    """The ties with repeats summed and self-ties dropped; undirected ties have a < b."""
    a = np.asarray(graph.sources, dtype=np.int64)
    b = np.asarray(graph.targets, dtype=np.int64)
    w = np.asarray(graph.weights, dtype=np.float64)
    if not directed:
        a, b = np.minimum(a, b), np.maximum(a, b)
    keep = a != b
    keys = a[keep] * graph.size + b[keep]
    unique, inverse = np.unique(keys, return_inverse=True)
    return Ties(
        a=unique // graph.size,
        b=unique % graph.size,
        w=np.bincount(inverse, weights=w[keep], minlength=len(unique)).astype(np.float64),
    )


@dataclass(frozen=True)
class GroupSilo:
    """How much of a group's interaction stays inside it: ``internal`` is the weight of ties
    between two of its members, ``external`` of ties from a member to someone outside.
    ``ei_index`` is Krackhardt and Stern's (E - I) / (E + I): -1 all inside, +1 all outside."""

    group: str
    size: int
    internal: float
    external: float

    @property
    def internal_share(self) -> float:
        total = self.internal + self.external
        return self.internal / total if total else 0.0

    @property
    def ei_index(self) -> float:
        total = self.internal + self.external
        return (self.external - self.internal) / total if total else 0.0


@dataclass(frozen=True)
class GroupPair:
    """Two groups and the weight of ties between them next to what random mixing would give
    (the product of each group's tie ends over all tie ends): a ``ratio`` well below 1 means
    they barely talk for their size."""

    first: str
    second: str
    weight: float
    expected: float

    @property
    def ratio(self) -> float:
        return self.weight / self.expected if self.expected else 0.0


@dataclass
class Analysis:
    size: int
    tie_count: int  # distinct pairs of people who interacted
    total_weight: float
    modularity: float
    membership: list[int]  # community of each node; 0 is the largest community
    community_sizes: list[int]
    pagerank: list[float]
    betweenness: list[float]  # normalised to 0…1 (the share of shortest paths through a person)
    betweenness_sources: int  # how many sources were used; ``size`` when exact
    participation: list[float]  # 0: all ties in one community … towards 1: spread over many
    degree: list[int]  # how many people each person interacted with
    strength: list[float]  # the weight of those ties
    brokers: list[bool]
    silos: dict[str, list[GroupSilo]]
    pairs: dict[str, list[GroupPair]]  # per dimension, every pair of groups, quietest first
    agreement: float  # normalised mutual information of communities and departments, 0…1
    positions: dict[int, tuple[float, float]]  # node → map position, for up to MAP_LIMIT nodes


def communities(
    network: igraph.Graph, weights: list[float], rng: random.Random
) -> tuple[list[int], float]:
    """Leiden with the modularity objective (igraph's default objective, CPM, would leave every
    person alone), iterated until it no longer improves; communities renumbered by size, largest
    first, so numbers are stable across runs of the same data."""
    if network.vcount() == 0:
        return [], 0.0
    random.seed(rng.random())  # igraph draws from Python's global generator
    found = network.community_leiden(
        objective_function="modularity", weights=weights or None, n_iterations=-1
    )
    by_size = Counter(found.membership)
    ranked = sorted(by_size.items(), key=lambda kv: (-kv[1], kv[0]))
    order = {c: i for i, (c, _) in enumerate(ranked)}
    membership = [order[c] for c in found.membership]
    modularity = network.modularity(membership, weights=weights) if weights else 0.0
    return membership, float(modularity)


def betweenness(
    network: igraph.Graph, rng: random.Random, *, sources: int | None = None
) -> tuple[list[float], int]:
    """Betweenness normalised by the number of pairs of other people, on hops (a tie is a tie
    however strong: strength says who is close, not how far a message travels).

    Exact up to ``EXACT_BETWEENNESS_LIMIT`` people; above, shortest paths from ``sources(…)``
    sources drawn at random, scaled up by size / sources: Brandes and Pich's unbiased estimate,
    whose ranking of the top people is what the pages use. ``sources`` overrides both (the
    bench gives networkx and us the same number)."""
    size = network.vcount()
    if size < 3:
        return [0.0] * size, size
    pairs = (size - 1) * (size - 2) / 2
    count = sources or sample_size(size, network.ecount())
    if count >= size or (sources is None and size <= EXACT_BETWEENNESS_LIMIT):
        return [b / pairs for b in network.betweenness(directed=False)], size
    raw = network.betweenness(directed=False, sources=rng.sample(range(size), count))
    # From all sources each unordered pair's paths would be counted twice (once from each end).
    scale = size / count / 2
    return [b * scale / pairs for b in raw], count


def sample_size(people: int, ties: int) -> int:
    """How many sources the betweenness estimate of a network this size uses."""
    return min(people, max(MIN_SOURCES, SOURCE_WORK // max(ties, 1)))


def participation(ties: Ties, membership: Ints, size: int) -> Floats:
    """Guimera and Amaral's participation coefficient: 1 - Σ over communities of (the share of
    a person's tie weight that goes into that community)²."""
    count = int(membership.max()) + 1 if size else 1
    people = np.concatenate([ties.a, ties.b])
    keys = people * count + np.concatenate([membership[ties.b], membership[ties.a]])
    unique, inverse = np.unique(keys, return_inverse=True)
    into = np.bincount(inverse, weights=np.concatenate([ties.w, ties.w]))
    owner = unique // count
    total = np.bincount(owner, weights=into, minlength=size)
    squares = np.bincount(owner, weights=into**2, minlength=size)
    with np.errstate(divide="ignore", invalid="ignore"):
        result = np.where(total > 0, 1 - squares / total**2, 0.0)
    return result.astype(np.float64)


def brokers(
    network: igraph.Graph, between: list[float], part: Floats, membership: list[int]
) -> list[bool]:
    """Among the top ``BROKER_TOP_SHARE`` by betweenness with ties spread over communities
    (participation at least ``BROKER_MIN_PARTICIPATION``), or a cut vertex (taking them away
    splits the network) whose ties reach into more than one community."""
    size = network.vcount()
    flags = [False] * size
    if size == 0:
        return flags
    top = max(1, math.ceil(size * BROKER_TOP_SHARE))
    for i in np.argsort(-np.asarray(between), kind="stable")[:top].tolist():
        if between[i] > 0 and part[i] >= BROKER_MIN_PARTICIPATION:
            flags[i] = True
    for i in network.articulation_points():
        if len({membership[j] for j in network.neighbors(i)}) > 1:
            flags[i] = True
    return flags


def silos(ties: Ties, labels: Sequence[str]) -> tuple[list[GroupSilo], list[GroupPair]]:
    """Per group (people without one left out): the weight of ties inside and across; and every
    pair of groups with the weight between them against random mixing, quietest first."""
    names, codes = np.unique(np.asarray(labels, dtype=object).astype(str), return_inverse=True)
    count = len(names)
    if count == 0:
        return [], []
    ga, gb = codes[ties.a], codes[ties.b]
    named = (names[ga] != "") & (names[gb] != "")
    ga, gb, w = ga[named], gb[named], ties.w[named]
    inside = ga == gb
    internal = np.bincount(ga[inside], weights=w[inside], minlength=count)
    across = ~inside
    external = np.bincount(ga[across], weights=w[across], minlength=count) + np.bincount(
        gb[across], weights=w[across], minlength=count
    )
    lo, hi = np.minimum(ga[across], gb[across]), np.maximum(ga[across], gb[across])
    between = np.bincount(lo * count + hi, weights=w[across], minlength=count * count)
    sizes = np.bincount(codes, minlength=count)
    kept = [i for i in range(count) if names[i] != ""]
    groups = [
        GroupSilo(
            group=str(names[i]),
            size=int(sizes[i]),
            internal=float(internal[i]),
            external=float(external[i]),
        )
        for i in kept
    ]
    ends = 2 * internal + external
    all_ends = float(ends[kept].sum())
    pairs = [
        GroupPair(
            first=str(names[i]),
            second=str(names[j]),
            weight=float(between[i * count + j]),
            expected=float(ends[i] * ends[j] / all_ends) if all_ends else 0.0,
        )
        for n, i in enumerate(kept)
        for j in kept[n + 1 :]
    ]
    pairs.sort(key=lambda p: (p.ratio, -p.expected, p.first, p.second))
    return groups, pairs


def agreement(membership: list[int], labels: Sequence[str]) -> float:
    """Normalised mutual information between found communities and the groups (people without
    a group left out): 1 when communities are exactly the departments, 0 when unrelated."""
    kept = [i for i, label in enumerate(labels) if label]
    if len(kept) < 2:
        return 0.0
    ids: dict[str, int] = {}
    groups = [ids.setdefault(labels[i], len(ids)) for i in kept]
    found = [membership[i] for i in kept]
    if len(set(groups)) == 1 and len(set(found)) == 1:
        return 1.0
    return float(igraph.compare_communities(found, groups, method="nmi"))


def layout(
    network: igraph.Graph, membership: list[int], strength: list[float], rng: random.Random
) -> dict[int, tuple[float, float]]:
    """Map positions for the ``MAP_LIMIT`` most connected people: each community is first
    placed as one node (Fruchterman-Reingold on the graph of communities), each person starts
    near their community's place, then one grid-accelerated force layout of the people settles
    them. Coordinates fit in -1…1."""
    size = network.vcount()
    if size == 0:
        return {}
    # igraph's induced sub-graph keeps the vertices in index order: so does ``drawn``.
    drawn = sorted(np.argsort(-np.asarray(strength), kind="stable")[:MAP_LIMIT].tolist())
    sub = network.induced_subgraph(drawn) if len(drawn) < size else network
    sub_weights = list(sub.es["weight"]) if sub.ecount() else []
    groups = [membership[i] for i in drawn]
    count = max(groups) + 1
    between: Counter[tuple[int, int]] = Counter()
    for (a, b), w in zip(sub.get_edgelist(), sub_weights, strict=True):
        ca, cb = groups[a], groups[b]
        if ca != cb:
            between[(ca, cb) if ca < cb else (cb, ca)] += w
    random.seed(rng.random())  # igraph's layouts draw from Python's global generator
    if count > 1:
        overview = igraph.Graph(n=count, edges=list(between))
        centres = overview.layout_fruchterman_reingold(
            weights=list(between.values()) or None, niter=500
        ).coords
    else:
        centres = [[0.0, 0.0]]
    # Start at the scale the force layout settles at (its own random start spans about the
    # square root of the number of people): packed tighter, its grid puts everyone in a few
    # cells and each step compares every pair.
    spread = max((math.dist(c, (0, 0)) for c in centres), default=1.0) or 1.0
    scale = math.sqrt(len(drawn)) / spread
    sizes = Counter(groups)
    start = []
    for c in groups:
        radius = 0.5 * math.sqrt(sizes[c]) * rng.random() ** 0.5
        angle = rng.random() * 2 * math.pi
        start.append(
            [
                centres[c][0] * scale + radius * math.cos(angle),
                centres[c][1] * scale + radius * math.sin(angle),
            ]
        )
    coords = sub.layout_fruchterman_reingold(
        seed=start, weights=sub_weights or None, niter=150, grid="auto"
    ).coords
    xs = [p[0] for p in coords]
    ys = [p[1] for p in coords]
    half = max(max(xs) - min(xs), max(ys) - min(ys)) / 2 or 1.0
    mid_x, mid_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return {
        node: (round((x - mid_x) / half, 4), round((y - mid_y) / half, 4))
        for node, (x, y) in zip(drawn, coords, strict=True)
    }


def analyse(
    graph: InteractionGraph, *, with_layout: bool = True, sources: int | None = None
) -> Analysis:
    """Everything the insights pages show about the network, from the interaction graph."""
    rng = random.Random(SEED)  # noqa: S311 (reproducible analysis, not secrets)
    size = graph.size
    ties = summed_ties(graph, directed=False)
    weights = ties.w.tolist()
    network = igraph.Graph(n=size, edges=ties.pairs())
    network.es["weight"] = weights
    membership, modularity = communities(network, weights, rng)
    # PageRank follows attention: a reply, mention, reaction or quote points at its receiver.
    attention = summed_ties(graph, directed=True)
    pagerank = (
        igraph.Graph(n=size, edges=attention.pairs(), directed=True).pagerank(
            weights=attention.w.tolist() or None
        )
        if size
        else []
    )
    between, used = betweenness(network, rng, sources=sources)
    part = participation(ties, np.asarray(membership, dtype=np.int64), size)
    strength = network.strength(weights="weight") if size else []
    silo_tables: dict[str, list[GroupSilo]] = {}
    pair_tables: dict[str, list[GroupPair]] = {}
    for dimension, labels in graph.groups.items():
        silo_tables[dimension], pair_tables[dimension] = silos(ties, labels)
    return Analysis(
        size=size,
        tie_count=len(ties.w),
        total_weight=float(ties.w.sum()),
        modularity=modularity,
        membership=membership,
        community_sizes=[n for _, n in sorted(Counter(membership).items())],
        pagerank=list(pagerank),
        betweenness=between,
        betweenness_sources=used,
        participation=part.tolist(),
        degree=network.degree() if size else [],
        strength=list(strength),
        brokers=brokers(network, between, part, membership),
        silos=silo_tables,
        pairs=pair_tables,
        agreement=agreement(membership, graph.groups.get("department", [""] * size)),
        positions=layout(network, membership, list(strength), rng) if with_layout else {},
    )
