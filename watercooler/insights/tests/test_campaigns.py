"""Campaigns: targets measured against what people did, the minimum group size, every field's
validation, who may see and change them."""

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.utils import timezone

from watercooler.feed.models import Post
from watercooler.insights import campaigns, rollups
from watercooler.insights.models import Campaign
from watercooler.people.models import User
from watercooler.testing.fixtures import ApiClient
from watercooler.testing.world import World, make_person

Commit = Callable[..., AbstractContextManager[Any]]


def _engineers(world: World, count: int = 6) -> list[User]:
    return [
        make_person(f"engineer_{i}", department=world.engineering, location=world.london)
        for i in range(count)
    ]


def _announce(world: World, commit: Commit) -> dict[str, Any]:
    with commit(execute=True):
        response = ApiClient(world.admin).post(
            "/announcements",
            {"title": "Safety week", "body": "Read the new forklift rules.", "must_read": True},
        )
    assert response.status_code == 201, response.content
    result: dict[str, Any] = response.json()
    return result


def test_an_acknowledgement_target_follows_the_group_acknowledging(
    world: World, django_capture_on_commit_callbacks: Commit
) -> None:
    engineers = _engineers(world)
    announcement = _announce(world, django_capture_on_commit_callbacks)
    today = timezone.now().date()
    with django_capture_on_commit_callbacks(execute=True):
        created = ApiClient(world.admin).post(
            "/insights/campaigns",
            {
                "name": "Safety week",
                "objective": "Everyone in Engineering knows the new forklift rules.",
                "starts_on": (today - dt.timedelta(days=1)).isoformat(),
                "ends_on": (today + dt.timedelta(days=6)).isoformat(),
                "posts": [announcement["post_id"]],
                "targets": [
                    {
                        "measure": "acknowledged",
                        "percent": 80,
                        "department": "Engineering",
                        "within_days": 7,
                    },
                    {"measure": "reached", "percent": 90},
                ],
            },
        )
    assert created.status_code == 201, created.content
    campaign = created.json()
    assert campaign["targets"][0]["description"] == (
        "80 % of Engineering acknowledged the must-reads within 7 days"
    )
    for person in engineers[:5]:
        ApiClient(person).post(f"/announcements/{announcement['id']}/acknowledge")
    ApiClient(world.outsider).post(f"/announcements/{announcement['id']}/seen")
    campaigns.measure(Campaign.objects.get(pk=campaign["id"]))

    measured = ApiClient(world.admin).get(f"/insights/campaigns/{campaign['id']}").json()
    acknowledged, reached = measured["targets"]
    # Engineering: the owner, the teammate and six engineers; five acknowledged.
    assert acknowledged["group_size"] == 8
    assert acknowledged["current"] == 62.5
    assert not acknowledged["met"]
    assert [p["day"] for p in acknowledged["progress"]] == [
        (today - dt.timedelta(days=1)).isoformat(),
        today.isoformat(),
    ]
    assert acknowledged["progress"][-1]["value"] == 62.5
    # Everyone active: 11 people; the five engineers and the outsider saw it.
    assert reached["group_size"] == 11
    assert reached["current"] == round(100 * 6 / 11, 1)
    # The reach of what it covers: the announcement went to the members but its author (the
    # administrator) and the guest.
    reach = measured["reach"]
    assert reach["posts"] == 1
    assert reach["total"]["audience"] == 9
    assert reach["total"]["acknowledged"] == 5
    assert reach["total"]["reached"] == 6
    engineering = {row["group"]: row for row in reach["breakdowns"]["department"]}["Engineering"]
    assert (engineering["audience"], engineering["acknowledged"]) == (8, 5)
    listed = ApiClient(world.admin).get("/insights/campaigns").json()
    assert [c["id"] for c in listed["items"]] == [campaign["id"]]


def test_topic_growth_compares_with_the_same_days_before(world: World) -> None:
    today = timezone.now().date()
    start = today - dt.timedelta(days=9)
    author = ApiClient(world.owner)
    for offset, count in ((-5, 2), (2, 3)):  # two posts the period before, three during
        for _ in range(count):
            post = author.post("/posts", {"body": "Tip of the day #safety"}).json()
            moment = dt.datetime.combine(
                start + dt.timedelta(days=offset), dt.time(9), tzinfo=dt.UTC
            )
            Post.objects.filter(pk=post["id"]).update(created_at=moment)
    campaign = ApiClient(world.admin).post(
        "/insights/campaigns",
        {
            "name": "More safety talk",
            "starts_on": start.isoformat(),
            "ends_on": (today + dt.timedelta(days=20)).isoformat(),
            "topics": ["safety"],
            "targets": [{"measure": "topic_growth", "percent": 20}],
        },
    )
    assert campaign.status_code == 201, campaign.content
    campaigns.measure(Campaign.objects.get(pk=campaign.json()["id"]))
    target = (
        ApiClient(world.admin)
        .get(f"/insights/campaigns/{campaign.json()['id']}")
        .json()["targets"][0]
    )
    assert target["current"] == 50.0  # 3 posts against 2
    assert target["met"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "  "}, "name"),
        ({"ends_on": "2026-01-01"}, "ends_on"),
        ({"ends_on": "2028-06-01"}, "ends_on"),
        ({"topics": ["nosuchtopic"]}, "topics"),
        ({"communities": ["nowhere"]}, "communities"),
        ({"posts": [10**9]}, "posts"),
        ({"targets": [{"measure": "read", "percent": 50, "department": "Sales"}]}, "targets.0"),
        ({"targets": [{"measure": "read", "percent": 150}]}, "targets.0.percent"),
        ({"targets": [{"measure": "liked", "percent": 50}]}, "targets"),
        ({"targets": [{"measure": "read", "percent": 50, "location": "Mars"}]}, "location"),
        ({"targets": [{"measure": "read", "percent": 50, "within_days": 0}]}, "within_days"),
        ({"name": "x\ud800"}, "name"),
    ],
)
def test_bad_campaigns_are_refused_naming_the_field(
    world: World, change: dict[str, Any], field: str
) -> None:
    _engineers(world)
    data = {"name": "Q3 push", "starts_on": "2026-06-01", "ends_on": "2026-06-30", **change}
    response = ApiClient(world.admin).post("/insights/campaigns", data)
    assert response.status_code in (400, 422), response.content
    assert field in response.content.decode()
    assert not Campaign.objects.exists()


def test_only_communications_and_administrators_use_campaigns(world: World) -> None:
    created = ApiClient(world.admin).post(
        "/insights/campaigns",
        {"name": "Q3 push", "starts_on": "2026-06-01", "ends_on": "2026-06-30"},
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    for person in (world.owner, world.teammate, world.outsider, world.guest):
        client = ApiClient(person)
        assert client.get("/insights/campaigns").status_code == 403
        assert client.get(f"/insights/campaigns/{pk}").status_code == 403
        assert client.patch(f"/insights/campaigns/{pk}", {"name": "Mine"}).status_code == 403
        assert (
            client.post(
                "/insights/campaigns",
                {"name": "Mine", "starts_on": "2026-06-01", "ends_on": "2026-06-30"},
            ).status_code
            == 403
        )
    assert ApiClient(None).get("/insights/campaigns").status_code == 401
    assert ApiClient(world.admin).get("/insights/campaigns/999999").status_code == 404
    changed = ApiClient(world.admin).patch(f"/insights/campaigns/{pk}", {"name": "Q3 launch"})
    assert changed.status_code == 200, changed.content
    assert changed.json()["name"] == "Q3 launch"
    assert changed.json()["ends_on"] == "2026-06-30"


def test_campaign_pages_start_show_and_change_a_campaign(
    world: World,
    client_as: Callable[[User | None], Any],
    django_capture_on_commit_callbacks: Commit,
) -> None:
    _engineers(world)
    announcement = _announce(world, django_capture_on_commit_callbacks)
    admin = client_as(world.admin)
    assert admin.get("/insights/campaigns/").status_code == 200
    assert "No campaign yet" in admin.get("/insights/campaigns/").content.decode()
    form = {
        "name": "Forklift safety week",
        "objective": "Everyone in Engineering knows the rules.",
        "starts_on": timezone.now().date().isoformat(),
        "ends_on": (timezone.now().date() + dt.timedelta(days=7)).isoformat(),
        "posts": f"https://example.com/posts/{announcement['post_id']}/",
        "topics": "",
        "communities": "",
        "target-0-measure": "acknowledged",
        "target-0-percent": "80",
        "target-0-department": "Sales",
        "target-0-within_days": "7",
    }
    refused = admin.post("/insights/campaigns/new/", form)
    assert refused.status_code == 422
    assert "This group has 1 people" in refused.content.decode()
    form["target-0-department"] = "Engineering"
    with django_capture_on_commit_callbacks(execute=True):
        created = admin.post("/insights/campaigns/new/", form)
    assert created.status_code == 302
    campaign = Campaign.objects.get()
    assert list(campaign.posts.values_list("pk", flat=True)) == [announcement["post_id"]]
    page = admin.get(created["Location"]).content.decode()
    assert "80 % of Engineering acknowledged the must-reads within 7 days" in page
    assert "Reach of everything it covers" in page
    assert "By department" in page
    assert '<details class="chart-numbers">' in page
    csv = admin.get(f"{created['Location']}?format=csv&chart=target-{campaign.targets.get().pk}")
    assert csv["Content-Type"].startswith("text/csv")
    edit = admin.get(f"/insights/campaigns/{campaign.pk}/edit/").content.decode()
    assert 'value="Forklift safety week"' in edit
    form["name"] = "Forklift safety fortnight"
    assert admin.post(f"/insights/campaigns/{campaign.pk}/edit/", form).status_code == 302
    campaign.refresh_from_db()
    assert campaign.name == "Forklift safety fortnight"
    for person in (world.owner, world.guest):
        client = client_as(person)
        assert client.get("/insights/campaigns/").status_code == 403
        assert client.get(f"/insights/campaigns/{campaign.pk}/").status_code == 403
        assert client.post("/insights/campaigns/new/", form).status_code == 403


def test_a_manager_sees_where_their_line_stands_on_each_campaign(
    world: World,
    client_as: Callable[[User | None], Any],
    django_capture_on_commit_callbacks: Commit,
) -> None:
    engineers = [
        make_person(f"engineer_{i}", department=world.engineering, manager=world.owner)
        for i in range(6)
    ]
    sales = world.sales
    for i in range(5):  # a group big enough for the organisation, absent from the owner's line
        make_person(f"seller_{i}", department=sales)
    announcement = _announce(world, django_capture_on_commit_callbacks)
    ApiClient(world.owner).post("/posts", {"body": "Tip of the day #safety"})
    today = timezone.now().date()
    with django_capture_on_commit_callbacks(execute=True):
        created = ApiClient(world.admin).post(
            "/insights/campaigns",
            {
                "name": "Safety week",
                "objective": "Everyone knows the new forklift rules.",
                "starts_on": today.isoformat(),
                "ends_on": (today + dt.timedelta(days=6)).isoformat(),
                "posts": [announcement["post_id"]],
                "topics": ["safety"],
                "targets": [
                    {"measure": "acknowledged", "percent": 80, "department": "Engineering"},
                    {"measure": "reached", "percent": 70},
                    {"measure": "read", "percent": 50, "department": sales.name},
                    {"measure": "topic_growth", "percent": 20},
                ],
            },
        )
    assert created.status_code == 201, created.content
    for person in engineers[:5]:
        ApiClient(person).post(f"/announcements/{announcement['id']}/acknowledge")
    campaigns.measure(Campaign.objects.get(pk=created.json()["id"]))
    rollups.rollup(today, today)

    team = ApiClient(world.owner).get("/insights/overview", scope="team")
    assert team.status_code == 200, team.content
    [campaign] = team.json()["campaigns"]
    assert campaign["name"] == "Safety week"
    # The owner's line is the teammate and the six engineers: five of seven acknowledged and
    # saw it. The Sales target has none of them and topic growth is not about people.
    acknowledged, reached = campaign["targets"]
    assert (acknowledged["measure"], acknowledged["people"]) == ("acknowledged", 7)
    assert acknowledged["current"] == round(100 * 5 / 7, 1)
    assert not acknowledged["met"]
    assert (reached["measure"], reached["people"], reached["met"]) == ("reached", 7, True)
    # The organisation's scope shows every target, with the organisation's figures.
    organisation = ApiClient(world.admin).get("/insights/overview").json()["campaigns"][0]
    assert [t["measure"] for t in organisation["targets"]] == [
        "acknowledged",
        "reached",
        "read",
        "topic_growth",
    ]
    assert organisation["targets"][0]["people"] == 8  # the owner is in Engineering too
    page = client_as(world.owner).get("/insights/team/").content.decode()
    assert "Campaigns in this period" in page
    assert "80 % of Engineering acknowledged the must-reads" in page
    assert f"/insights/campaigns/{campaign['id']}/" not in page  # campaigns are for comms
    # Someone else's reports: the teammate manages nobody.
    assert ApiClient(world.teammate).get("/insights/overview", scope="team").status_code == 403
