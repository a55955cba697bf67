"""Insights pages: the reach of one post (its author and communications people), with charts
and the numbers behind them, and their CSV."""

import csv
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from watercooler.core.charts import Chart, Series, chart
from watercooler.core.pages import viewer_of
from watercooler.insights import queries

DIMENSIONS = [("department", "Department"), ("location", "Location"), ("manager", "Manager line")]
STEPS = [
    ("reached", "Reached"),
    ("read", "Read"),
    ("acknowledged", "Acknowledged"),
    ("reacted", "Reacted"),
    ("replied", "Replied"),
]


def _hours_label(hours: float) -> str:
    return f"{hours:.0f} h" if hours < 48 else f"day {hours / 24:.0f}"


def reach_chart(reach: queries.Reach) -> Chart | None:
    points = reach.over_time
    if not points:
        return None
    last = points[-1]
    return chart(
        chart_id="over-time",
        title="Reach since publishing",
        desc=(
            f"People reached and people who read it, counted from publishing: {last[1]} reached "
            f"and {last[2]} read after {_hours_label(last[0])}, of an audience of "
            f"{reach.total.audience}."
        ),
        labels=[_hours_label(h) for h, _, _ in points],
        series=[
            Series("Reached", "series-1", [r for _, r, _ in points]),
            Series("Read", "series-2", [r for _, _, r in points]),
        ],
        kind="line",
        slot_name="Since publishing",
        label_every=max(1, len(points) // 4),
        tip_prefix="",
    )


def _steps(reach: queries.Reach) -> list[tuple[str, str]]:
    return [(name, label) for name, label in STEPS if name != "acknowledged" or reach.must_read]


def _percent(count: int, total: int) -> int:
    return round(100 * count / total) if total else 0


def _cells(
    row: queries.GroupReach, steps: list[tuple[str, str]]
) -> tuple[str, int, list[tuple[int, int]]]:
    """A breakdown row for the table: its group, audience and (count, percent) per step."""
    counts = [getattr(row, name) for name, _ in steps]
    return row.group, row.audience, [(c, _percent(c, row.audience)) for c in counts]


@login_required
@require_GET
def post_reach(request: HttpRequest, post_id: int) -> HttpResponse:
    reach = queries.post_reach(viewer_of(request), post_id)
    steps = _steps(reach)
    if request.GET.get("format") == "csv":
        return reach_csv(reach, steps)
    audience = reach.total.audience
    funnel = [
        {
            "label": label,
            "count": getattr(reach.total, name),
            "percent": _percent(getattr(reach.total, name), audience),
        }
        for name, label in steps
    ]
    context: dict[str, Any] = {
        "reach": reach,
        "funnel": funnel,
        "steps": steps,
        "chart": reach_chart(reach),
        "breakdowns": [
            (key, label, [_cells(row, steps) for row in reach.breakdowns[key]])
            for key, label in DIMENSIONS
            if key in reach.breakdowns
        ],
    }
    return render(request, "insights/post_reach.html", context)


def reach_csv(reach: queries.Reach, steps: list[tuple[str, str]]) -> HttpResponse:
    """Every breakdown row (and the total) as CSV, one line per group."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="post-{reach.post.pk}-reach.csv"'
    writer = csv.writer(response)
    writer.writerow(["breakdown", "group", "audience", *(name for name, _ in steps)])
    rows = [("total", reach.total)] + [
        (key, row) for key, _ in DIMENSIONS for row in reach.breakdowns.get(key, [])
    ]
    for key, row in rows:
        writer.writerow([key, row.group, row.audience, *(getattr(row, name) for name, _ in steps)])
    return response
