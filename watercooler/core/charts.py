"""Charts as inline SVG, drawn on the server: bars (grouped when there are several series) or a
line, with axes, labels, a title and description for assistive technology, and the same numbers
as a table. The Jinja2 template ``core/jinja2/core/_chart_card.html`` draws them;
``static/css/charts.css`` colours them by class, since the Content-Security-Policy allows no
style attribute. Pages pass one label per slot (a week, a day, a department) and the series'
values in the same order."""

import itertools
from dataclasses import dataclass, field

# The drawing area of every chart, in SVG user units; the SVG scales to its box (charts.css), and
# these proportions keep 12.5-unit labels readable on a 360 px phone.
CHART_W = 360
CHART_H = 200
PAD_LEFT = 34
PAD_RIGHT = 10
PAD_TOP = 12
PAD_BOTTOM = 26
PLOT_W = CHART_W - PAD_LEFT - PAD_RIGHT
PLOT_H = CHART_H - PAD_TOP - PAD_BOTTOM
BASELINE = PAD_TOP + PLOT_H


@dataclass
class Series:
    name: str
    css: str  # the class that colours it (charts.css): series-1, series-2, series-3
    values: list[int]


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    tip: str


@dataclass
class Line:
    css: str
    points: str  # polyline points
    dots: list[tuple[float, float, str]]


@dataclass
class Chart:
    """What ``core/_chart_card.html`` (Jinja2) draws: bars or lines, axes, labels, an optional target
    line, and the same numbers as a table (``slot_name`` heads its first column)."""

    id: str
    title: str
    desc: str
    series: list[Series]
    slot_name: str
    columns: list[str]  # the table's headings after ``slot_name``
    rows: list[tuple[str, list[int]]] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    target: tuple[float, str] | None = None  # (y, label) of a dashed target line
    x_labels: list[tuple[float, str]] = field(default_factory=list)
    y_ticks: list[tuple[float, int]] = field(default_factory=list)
    width: int = CHART_W
    height: int = CHART_H
    plot_left: int = PAD_LEFT
    plot_right: int = CHART_W - PAD_RIGHT
    baseline: int = BASELINE


def nice_max(value: float) -> int:
    """The top of the scale: four steps of 1, 2 or 5 times a power of ten reaching ``value`` (4 for nothing),
    so the ticks at half and full height are whole numbers."""
    step, factors = 1, itertools.cycle((2, 2.5, 2))  # 1, 2, 5, 10, 20, 50 …
    while step * 4 < value:
        step = int(step * next(factors))
    return step * 4


def chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    labels: list[str],
    series: list[Series],
    kind: str = "bars",
    slot_name: str = "Week of",
    label_every: int = 3,
    tip_prefix: str = "Week of ",
    target: tuple[float, str] | None = None,
    top: int | None = None,
) -> Chart:
    """A chart of ``series`` over the slots ``labels`` (every ``label_every``-th labelled,
    ending on the last); ``kind`` is "bars" or "line" (one line per series). ``top`` fixes the
    scale (100 for percentages); by default it is the next round number above every value."""
    highest = max((v for s in series for v in s.values), default=0)
    if top is None:
        top = nice_max(max(highest, target[0] if target else 0))
    slot = PLOT_W / max(len(labels), 1)
    result = Chart(
        id=chart_id,
        title=title,
        desc=desc,
        series=series,
        slot_name=slot_name,
        columns=[s.name for s in series],
        rows=[(labels[i], [s.values[i] for s in series]) for i in range(len(labels))],
        y_ticks=[(round(BASELINE - PLOT_H * t / top, 1), t) for t in (0, top // 2, top)],
    )

    def y_of(value: float) -> float:
        return round(BASELINE - PLOT_H * value / top, 1)

    if target is not None:
        result.target = (y_of(target[0]), target[1])
    for i, label in enumerate(labels):
        if (len(labels) - 1 - i) % label_every == 0:
            result.x_labels.append((round(PAD_LEFT + slot * (i + 0.5), 1), label))
    if kind == "line":
        for s in series:
            points = [
                (round(PAD_LEFT + slot * (i + 0.5), 1), y_of(v)) for i, v in enumerate(s.values)
            ]
            result.lines.append(
                Line(
                    css=s.css,
                    points=" ".join(f"{x},{y}" for x, y in points),
                    dots=[
                        (x, y, f"{tip_prefix}{labels[i]}: {s.values[i]} {s.name.lower()}")
                        for i, (x, y) in enumerate(points)
                    ]
                    if len(points) <= 60
                    else [],
                )
            )
        return result
    group = slot * 0.76
    width = group / len(series)
    for i in range(len(labels)):
        left = PAD_LEFT + slot * i + (slot - group) / 2
        for j, s in enumerate(series):
            value = s.values[i]
            y = y_of(value)
            result.bars.append(
                Bar(
                    x=round(left + width * j, 1),
                    y=y,
                    width=round(width - (1 if len(series) > 1 else 0), 1),
                    height=round(BASELINE - y, 1),
                    css=s.css,
                    tip=f"{tip_prefix}{labels[i]}: {value} {s.name.lower()}",
                )
            )
    return result
