"""What insights compute about a person, shown to that person alone: their posts' reach, their
place in the network with the reasons in words, and the choice to be named or not."""

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from django.utils import timezone

from watercooler.insights import actions, tasks
from watercooler.people.models import User
from watercooler.testing.fixtures import ApiClient
from watercooler.testing.world import World, make_person

Commit = Callable[..., AbstractContextManager[Any]]


def _talk(a: User, b: User) -> int:
    post = ApiClient(a).post("/posts", {"body": f"Lunch, @{b.username}?"}).json()
    ApiClient(b).post(f"/posts/{post['id']}/replies", {"body": "Yes!"})
    return int(post["id"])


def _compute() -> None:
    run = actions.start_network(window_days=actions.DEFAULT_WINDOW_DAYS)
    tasks.run_network(run.pk)


def test_people_see_their_own_measures_and_why(world: World) -> None:
    post = _talk(world.owner, world.teammate)
    _talk(world.owner, world.outsider)
    _talk(world.outsider, world.teammate)
    ApiClient(world.teammate).post(
        "/insights/impressions",
        {"items": [{"post_id": post, "kind": "read", "at": timezone.now().isoformat()}]},
    )
    _compute()
    about = ApiClient(world.owner).get("/insights/me")
    assert about.status_code == 200, about.content
    data = about.json()
    assert data["named"] is True
    assert data["named_in_network"] is None
    assert data["posts"][-1] == {
        **data["posts"][-1],
        "post_id": post,
        "reached": 1,
        "read": 1,
        "replies": 1,
    }
    network = data["network"]
    assert network["degree"] == 2
    assert network["community"]["size"] >= 2
    assert any("interacted with 2 people" in reason for reason in network["why"])
    # The guest and the administrator took no part: nothing about them in the network.
    assert ApiClient(world.guest).get("/insights/me").json()["network"] is None
    assert ApiClient(world.admin).get("/insights/me").json()["network"] is None
    assert ApiClient(None).get("/insights/me").status_code == 401


def test_the_choice_to_be_named_is_made_on_the_profile_and_through_the_api(
    world: World, client_as: Callable[[User | None], Any]
) -> None:
    owner = ApiClient(world.owner)
    assert owner.patch("/me", {"named_in_network": False}).status_code == 200
    world.owner.refresh_from_db()
    assert world.owner.named_in_network is False
    assert owner.get("/insights/me").json()["named"] is False
    assert owner.patch("/me", {"named_in_network": None}).status_code == 200
    world.owner.refresh_from_db()
    assert world.owner.named_in_network is None
    bad = owner.patch("/me", {"named_in_network": "sometimes"})
    assert bad.status_code == 422
    assert "named_in_network" in bad.content.decode()
    page = client_as(world.owner)
    form = page.get(f"/people/{world.owner.username}/edit/").content.decode()
    assert 'name="named_in_network"' in form
    assert "Count me, but never show my name" in form
    me = page.get("/insights/me/").content.decode()
    assert "as the organisation chose for everyone" in me


def test_the_insights_link_leads_each_person_to_what_they_may_see(
    world: World, client_as: Callable[[User | None], Any]
) -> None:
    assert client_as(world.admin).get("/insights/")["Location"] == "/insights/organisation/"
    assert client_as(world.teammate).get("/insights/")["Location"] == "/insights/me/"
    assert client_as(world.guest).get("/insights/me/").status_code == 200
    for i in range(6):
        make_person(f"report_{i}", manager=world.owner)
    tasks.rollup_due()
    assert client_as(world.owner).get("/insights/")["Location"] == "/insights/team/"
    home = client_as(world.teammate).get("/").content.decode()
    assert 'href="/insights/"' in home
