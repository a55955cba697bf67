"""Insights pages: the reach of one post (its author and communications people) and adoption
(the organisation's for communications people, a manager's line for them), with charts, the
numbers behind each one click away, and CSV."""

import csv
import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from watercooler.core.charts import Chart, Series, chart
from watercooler.core.errors import messages_by_field
from watercooler.core.pages import bad_cursor_page, viewer_of
from watercooler.core.paging import InvalidCursorError
from watercooler.feed.queries import visible_posts
from watercooler.insights import actions, campaigns, policy, queries
from watercooler.insights.models import Campaign, Target
from watercooler.people.queries import people_choices

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


def _steps(must_read: bool) -> list[tuple[str, str]]:
    return [(name, label) for name, label in STEPS if name != "acknowledged" or must_read]


def _percent(count: int, total: int) -> int:
    return round(100 * count / total) if total else 0


def _cells(
    row: queries.GroupReach, steps: list[tuple[str, str]]
) -> tuple[str, int, list[tuple[int, int]]]:
    """A breakdown row for the table: its group, audience and (count, percent) per step."""
    counts = [getattr(row, name) for name, _ in steps]
    return row.group, row.audience, [(c, _percent(c, row.audience)) for c in counts]


def funnel_context(
    total: queries.GroupReach,
    breakdowns: dict[str, list[queries.GroupReach]],
    steps: list[tuple[str, str]],
) -> dict[str, Any]:
    """What ``_funnel.html`` and ``_breakdowns.html`` draw."""
    return {
        "audience": total.audience,
        "funnel": [
            {
                "label": label,
                "count": getattr(total, name),
                "percent": _percent(getattr(total, name), total.audience),
            }
            for name, label in steps
        ],
        "steps": steps,
        "breakdowns": [
            (key, label, [_cells(row, steps) for row in breakdowns[key]])
            for key, label in DIMENSIONS
            if breakdowns.get(key)
        ],
        "min_group_size": policy.min_group_size(),
    }


@login_required
@require_GET
def post_reach(request: HttpRequest, post_id: int) -> HttpResponse:
    reach = queries.post_reach(viewer_of(request), post_id)
    steps = _steps(reach.must_read)
    if request.GET.get("format") == "csv":
        return reach_csv(reach, steps)
    context: dict[str, Any] = {
        "reach": reach,
        "chart": reach_chart(reach),
        **funnel_context(reach.total, reach.breakdowns, steps),
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


# --- Adoption ---------------------------------------------------------------------------------

RANGES = [(7, "7 days"), (28, "28 days"), (90, "90 days"), (365, "A year")]
DEFAULT_RANGE = 28


def _day_label(day: dt.date) -> str:
    return f"{day.day} {day:%b}"


def _range(request: HttpRequest) -> tuple[dt.date, dt.date, int | None]:
    """The range asked for: ``?days=`` (one of RANGES), or ``?from=&to=``; else the last 28 days.
    Unreadable dates fall back to the default rather than failing the page."""
    today = timezone.now().date()
    try:
        days = int(request.GET.get("days", ""))
    except ValueError:
        days = 0
    if days in dict(RANGES):
        return today - dt.timedelta(days=days - 1), today, days
    try:
        end = dt.date.fromisoformat(request.GET.get("to", "")) if request.GET.get("to") else today
        start = dt.date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        return today - dt.timedelta(days=DEFAULT_RANGE - 1), today, DEFAULT_RANGE
    return start, end, None


def adoption_charts(overview: queries.Overview) -> list[Chart]:
    days = overview.days
    if not days:
        return []
    labels = [_day_label(d.day) for d in days]
    every = max(1, len(days) // 4)
    last = days[-1]
    common: dict[str, Any] = {
        "labels": labels,
        "label_every": every,
        "slot_name": "Day",
        "tip_prefix": "",
    }
    weeks = _weeks(days)
    return [
        chart(
            chart_id="active",
            title="Active people",
            desc=(
                f"People who read or wrote anything: {last.daily_active} on "
                f"{labels[-1]}, {last.weekly_active} in the 7 days and {last.monthly_active} in "
                f"the 28 days to then, of {last.people}."
            ),
            series=[
                Series("In 28 days", "series-1", [d.monthly_active for d in days]),
                Series("In 7 days", "series-2", [d.weekly_active for d in days]),
                Series("That day", "series-3", [d.daily_active for d in days]),
            ],
            kind="line",
            **common,
        ),
        chart(
            chart_id="posting",
            title="Writing and reading",
            desc=(
                f"In the 7 days to {labels[-1]}, {last.posting} people wrote something and "
                f"{last.reading} only read."
            ),
            series=[
                Series("Wrote", "series-1", [d.posting for d in days]),
                Series("Only read", "series-2", [d.reading for d in days]),
            ],
            kind="line",
            **common,
        ),
        chart(
            chart_id="new",
            title="Newly active people",
            desc=(
                f"{overview.new_people} people were active for the first time between "
                f"{labels[0]} and {labels[-1]}."
            ),
            series=[Series("New", "series-1", [d.new for d in days])],
            **common,
        ),
        chart(
            chart_id="content",
            title="What was written, per week",
            desc=(
                f"{sum(w[1] for w in weeks)} posts, {sum(w[2] for w in weeks)} questions and "
                f"{sum(w[3] for w in weeks)} replies between {labels[0]} and {labels[-1]}."
            ),
            labels=[f"{_day_label(w[0])}" for w in weeks],
            series=[
                Series("Posts", "series-1", [w[1] for w in weeks]),
                Series("Questions", "series-2", [w[2] for w in weeks]),
                Series("Replies", "series-3", [w[3] for w in weeks]),
            ],
            label_every=max(1, len(weeks) // 4),
        ),
    ]


def _weeks(days: list[queries.AdoptionPoint]) -> list[tuple[dt.date, int, int, int]]:
    """(first day, posts with announcements, questions, replies) per 7 days, ending on the last."""
    result = []
    for end in range(len(days), 0, -7):
        chunk = days[max(0, end - 7) : end]
        result.append(
            (
                chunk[0].day,
                sum(d.posts + d.announcements for d in chunk),
                sum(d.questions for d in chunk),
                sum(d.replies for d in chunk),
            )
        )
    return result[::-1]


def _chart_csv(found: Chart, name: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{found.id}.csv"'
    writer = csv.writer(response)
    writer.writerow([found.slot_name, *found.columns])
    for label, values in found.rows:
        writer.writerow([label, *values])
    return response


def _breakdown_csv(overview: queries.Overview) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="adoption-by-group.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "breakdown",
            "group",
            "people",
            "active_28_days",
            "wrote_7_days",
            "read_only_7_days",
            "new",
        ]
    )
    for key, rows in overview.breakdowns.items():
        for row in rows:
            writer.writerow(
                [key, row.group, row.people, row.monthly_active, row.posting, row.reading, row.new]
            )
    return response


def _adoption_page(request: HttpRequest, scope: str) -> HttpResponse:
    start, end, days = _range(request)
    overview = actions.open_overview(actor=viewer_of(request), scope=scope, start=start, end=end)
    drawn = adoption_charts(overview)
    if request.GET.get("format") == "csv":
        wanted = request.GET.get("chart", "")
        if wanted == "groups":
            return _breakdown_csv(overview)
        found = next((c for c in drawn if c.id == wanted), None)
        if found is None:
            raise Http404("No such chart.")
        return _chart_csv(found, scope)
    query = request.GET.copy()
    query["format"] = "csv"
    context: dict[str, Any] = {
        "overview": overview,
        "charts": [(c, f"?{_with(query, chart=c.id)}") for c in drawn],
        "groups_csv": f"?{_with(query, chart='groups')}",
        "ranges": RANGES,
        "days": days,
        "breakdowns": [
            (key, label, overview.breakdowns[key])
            for key, label in DIMENSIONS
            if overview.breakdowns.get(key)
        ],
        "tab": scope,
        "campaign_links": policy.can_see_organisation(viewer_of(request)),
    }
    return render(request, "insights/overview.html", context)


def _with(query: Any, **values: str) -> str:
    copy = query.copy()
    for name, value in values.items():
        copy[name] = value
    return str(copy.urlencode())


@login_required
@require_GET
def organisation(request: HttpRequest) -> HttpResponse:
    return _adoption_page(request, queries.ORGANISATION)


@login_required
@require_GET
def team(request: HttpRequest) -> HttpResponse:
    return _adoption_page(request, queries.TEAM)


# --- Campaigns --------------------------------------------------------------------------------

TARGET_ROWS = 4
COVERED_SHOWN = 12
MEASURE_CHOICES = [
    ("", "No target"),
    ("acknowledged", "acknowledged the must-reads"),
    ("read", "read a campaign post"),
    ("reached", "saw a campaign post"),
    ("topic_growth", "more posts in the topics (growth in %)"),
]


def _split(raw: str) -> list[str]:
    return [part for part in raw.replace(",", " ").split() if part]


def _post_ids(raw: str) -> list[int] | str:
    """Post ids, or links to posts (``…/posts/12/``), separated by commas or spaces; the raw
    text when one is neither, for the action to refuse."""
    ids = []
    for part in _split(raw):
        tail = part.rstrip("/").rsplit("/", 1)[-1]
        if not tail.isdigit() or len(tail) > 18:
            return raw
        ids.append(int(tail))
    return ids


def _int_or_raw(raw: str) -> int | str | None:
    raw = raw.strip()
    if not raw:
        return None
    return int(raw) if raw.isdigit() and len(raw) < 10 else raw


def campaign_form_data(post: Any) -> dict[str, Any]:
    """The campaign form's fields as the action's input (unreadable values passed on as they
    are, for the action to name)."""
    data: dict[str, Any] = {
        "name": post.get("name", ""),
        "objective": post.get("objective", ""),
        "posts": _post_ids(post.get("posts", "")),
        "topics": _split(post.get("topics", "")),
        "communities": _split(post.get("communities", "")),
        "targets": [],
    }
    for field in ("starts_on", "ends_on"):
        try:
            data[field] = dt.date.fromisoformat(post.get(field, ""))
        except ValueError:
            data[field] = None
    for i in range(TARGET_ROWS):
        measure = post.get(f"target-{i}-measure", "")
        if not measure:
            continue
        data["targets"].append(
            {
                "measure": measure,
                "percent": _int_or_raw(post.get(f"target-{i}-percent", "")),
                "department": post.get(f"target-{i}-department", "") or None,
                "location": post.get(f"target-{i}-location", "") or None,
                "region": post.get(f"target-{i}-region", ""),
                "within_days": _int_or_raw(post.get(f"target-{i}-within_days", "")),
            }
        )
    return data


def _form_values(campaign: Campaign | None, post: Any | None) -> dict[str, Any]:
    if post is not None:
        values = {
            k: post.get(k, "")
            for k in ("name", "objective", "starts_on", "ends_on", "posts", "topics", "communities")
        }
        rows = [
            {
                f: post.get(f"target-{i}-{f}", "")
                for f in ("measure", "percent", "department", "location", "region", "within_days")
            }
            for i in range(TARGET_ROWS)
        ]
        return {**values, "rows": rows}
    today = timezone.now().date()
    rows = [
        dict.fromkeys(("measure", "percent", "department", "location", "region", "within_days"), "")
        for _ in range(TARGET_ROWS)
    ]
    if campaign is None:
        return {
            "starts_on": today.isoformat(),
            "ends_on": (today + dt.timedelta(days=30)).isoformat(),
            "rows": rows,
        }
    for i, target in enumerate(list(campaign.targets.all())[:TARGET_ROWS]):
        rows[i] = {
            "measure": target.measure,
            "percent": target.percent,
            "department": target.department.name if target.department else "",
            "location": target.location.name if target.location else "",
            "region": target.region,
            "within_days": target.within_days or "",
        }
    return {
        "name": campaign.name,
        "objective": campaign.objective,
        "starts_on": campaign.starts_on.isoformat(),
        "ends_on": campaign.ends_on.isoformat(),
        "posts": ", ".join(str(p.pk) for p in campaign.posts.all()),
        "topics": ", ".join(t.name for t in campaign.topics.all()),
        "communities": ", ".join(c.handle for c in campaign.communities.all()),
        "rows": rows,
    }


def _campaign_form(request: HttpRequest, campaign: Campaign | None) -> HttpResponse:
    viewer = viewer_of(request)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        data = campaign_form_data(request.POST)
        try:
            checked = actions.check_campaign_input(actor=viewer, data=data, current=campaign)
        except ValidationError as error:
            errors = messages_by_field(error)
        else:
            saved = actions.do_save_campaign(
                actor=viewer, data=checked, campaign=campaign, sent=set(data)
            )
            return redirect("insights:campaign", saved.pk)
    values = _form_values(campaign, request.POST if request.method == "POST" else None)
    for i, row in enumerate(values["rows"]):
        row["errors"] = [
            message
            for field, messages in errors.items()
            if field == f"targets.{i}" or field.startswith(f"targets.{i}.")
            for message in messages
        ]
    return render(
        request,
        "insights/campaign_form.html",
        {
            "campaign": campaign,
            "values": values,
            "errors": errors,
            "measures": MEASURE_CHOICES,
            "choices": people_choices(),
            "tab": "campaigns",
            "status": 422 if errors else 200,
        },
        status=422 if errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def new_campaign(request: HttpRequest) -> HttpResponse:
    policy.check_organisation(viewer_of(request))
    return _campaign_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def edit_campaign(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = queries.access_campaign(viewer_of(request), campaign_id)
    return _campaign_form(request, campaign)


@login_required
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    try:
        page = queries.campaigns_page(viewer_of(request), cursor=request.GET.get("cursor"))
    except InvalidCursorError:
        return bad_cursor_page(request)
    return render(
        request,
        "insights/campaigns.html",
        {"page": page, "tab": "campaigns", "today": timezone.now().date()},
    )


def target_chart(target: Target) -> Chart | None:
    if not target.progress or not queries.target_shown(target):
        return None
    days = [dt.date.fromisoformat(day) for day, _ in target.progress]
    growth = target.measure == "topic_growth"
    unit = "% growth" if growth else "%"
    return chart(
        chart_id=f"target-{target.pk}",
        title=campaigns.describe(target),
        desc=(
            f"Measured each day since the campaign started: {target.current:g}{unit} now, against "
            f"a target of {target.percent}{unit}."
        ),
        labels=[_day_label(d) for d in days],
        series=[
            Series(
                "Measured" if growth else "Share of the group",
                "series-1",
                [round(v) for _, v in target.progress],
            )
        ],
        kind="line",
        slot_name="Day",
        label_every=max(1, len(days) // 4),
        tip_prefix="",
        target=(float(target.percent), f"Target: {target.percent}{unit}"),
        top=None if growth else 100,
    )


@login_required
@require_GET
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = queries.access_campaign(viewer_of(request), campaign_id)
    targets = [
        {
            "target": target,
            "description": campaigns.describe(target),
            "shown": queries.target_shown(target),
            "met": queries.target_met(target),
            "chart": target_chart(target),
        }
        for target in campaign.targets.all()
    ]
    # Only what this reader may see of the posts (a colleague may have chosen one in a secret
    # community); the rest are counted.
    covered = list(
        visible_posts(viewer_of(request))
        .filter(pk__in=[p.pk for p in campaign.posts.all()])
        .only("pk", "body")
    )
    if request.GET.get("format") == "csv":
        drawn = [target_chart(t) for t in campaign.targets.all()]
        found = next((c for c in drawn if c and c.id == request.GET.get("chart")), None)
        if found is None:
            raise Http404("No such chart.")
        return _chart_csv(found, f"campaign-{campaign.pk}")
    reach: dict[str, Any] = {}
    if campaign.reach.get("total"):
        total = queries.GroupReach(**campaign.reach["total"])
        breakdowns = {
            key: [queries.GroupReach(**row) for row in rows]
            for key, rows in campaign.reach.get("breakdowns", {}).items()
        }
        must_read = total.acknowledged > 0 or any(
            t.measure == "acknowledged" for t in campaign.targets.all()
        )
        reach = funnel_context(total, breakdowns, _steps(must_read))
    return render(
        request,
        "insights/campaign.html",
        {
            **reach,
            "has_reach": bool(reach),
            "campaign": campaign,
            "targets": targets,
            "tab": "campaigns",
            "min_group_size": policy.min_group_size(),
            "covered_posts": covered[:COVERED_SHOWN],
            "more_posts": max(0, campaign.posts.count() - min(len(covered), COVERED_SHOWN)),
        },
    )


# --- The network --------------------------------------------------------------------------------

WINDOWS = [(30, "30 days"), (90, "90 days"), (180, "Half a year"), (365, "A year")]


def _window(request: HttpRequest) -> int:
    try:
        days = int(request.GET.get("window_days", actions.DEFAULT_WINDOW_DAYS))
    except ValueError:
        return actions.DEFAULT_WINDOW_DAYS
    return days if days in dict(WINDOWS) else actions.DEFAULT_WINDOW_DAYS


@login_required
@require_GET
def network(request: HttpRequest) -> HttpResponse:
    window_days = _window(request)
    run = actions.request_network(actor=viewer_of(request), window_days=window_days)
    context: dict[str, Any] = {"window_days": window_days, "windows": WINDOWS, "tab": "network"}
    if run is None:
        return render(request, "insights/network_pending.html", context)
    report = queries.network_report(run)
    trend = queries.silo_trend(window_days)
    departments = [s["group"] for s in report.silos.get("department", [])]
    context.update(
        report=report,
        run=run,
        trend_dates=[when for when, _ in trend],
        trend=[(d, [values.get(d) for _, values in trend]) for d in departments],
        confusion_rows=[
            (community, counts, other)
            for community, counts, other in report.confusion.get("rows", [])
        ],
        map_url=f"/api/v1/insights/network/map?window_days={window_days}",
        sources_exact=run.summary.get("betweenness_sources", 0) >= run.people,
    )
    return render(request, "insights/network.html", context)


# --- About you and the landing ------------------------------------------------------------------


@login_required
@require_GET
def about_me(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    policy.check_own_insights(viewer)
    return render(
        request,
        "insights/me.html",
        {
            "about": queries.about_me(viewer),
            "tab": "me",
            "min_group_size": policy.min_group_size(),
        },
    )


@login_required
@require_GET
def landing(request: HttpRequest) -> HttpResponse:
    """The organisation's adoption for communications people, a manager's team, else "About you"."""
    viewer = viewer_of(request)
    if policy.can_see_organisation(viewer):
        return redirect("insights:organisation")
    if queries.team_size(viewer) >= policy.min_group_size():
        return redirect("insights:team")
    return redirect("insights:me")
