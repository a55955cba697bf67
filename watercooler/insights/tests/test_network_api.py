"""The network endpoints: who may ask, the window's bounds, the 202 until a first computation
is ready, the audit trail, people who opt out, and a computation that fails."""

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest

from watercooler.core.models import SiteSettings
from watercooler.insights import tasks
from watercooler.insights.models import AuditEntry, NetworkRun, RunStatus
from watercooler.people.models import Role, User
from watercooler.testing.fixtures import ApiClient
from watercooler.testing.world import World

Commit = Callable[..., AbstractContextManager[Any]]


def _talk(a: User, b: User) -> None:
    post = ApiClient(a).post("/posts", {"body": f"Lunch, @{b.username}?"})
    assert post.status_code == 201, post.content
    reply = ApiClient(b).post(f"/posts/{post.json()['id']}/replies", {"body": "Yes!"})
    assert reply.status_code == 201, reply.content


@pytest.mark.parametrize("path", ["/insights/network", "/insights/network/map"])
def test_only_communications_and_administrators_see_the_network(world: World, path: str) -> None:
    for person in (world.owner, world.teammate, world.outsider, world.guest):
        assert ApiClient(person).get(path).status_code == 403, person
    assert ApiClient(None).get(path).status_code == 401
    assert not NetworkRun.objects.exists()


@pytest.mark.parametrize("days", [0, 366, 2**70, "many"])
def test_a_window_outside_one_to_365_days_is_refused(world: World, days: object) -> None:
    response = ApiClient(world.admin).get("/insights/network", window_days=days)
    assert response.status_code == 422, response.content
    assert "window_days" in response.content.decode()


def test_the_first_request_computes_once_and_later_ones_read_it(
    world: World, django_capture_on_commit_callbacks: Commit
) -> None:
    _talk(world.owner, world.teammate)
    _talk(world.outsider, world.owner)
    admin = ApiClient(world.admin)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert admin.get("/insights/network", window_days=7).status_code == 202
        # Asked again before the computation ran: the same run, not a second one.
        assert admin.get("/insights/network/map", window_days=7).status_code == 202
    assert NetworkRun.objects.count() == 1
    for callback in queued:
        callback()
    run = NetworkRun.objects.get()
    assert run.status == RunStatus.DONE
    report = admin.get("/insights/network", window_days=7).json()
    assert report["people_count"] == 3
    assert {p["username"] for p in report["people"]} == {
        "olivia_owner",
        "theo_teammate",
        "oscar_outsider",
    }
    drawn = admin.get("/insights/network/map", window_days=7).json()
    assert len(drawn["nodes"]) == 3
    assert len(drawn["ties"]) == 2
    assert AuditEntry.objects.filter(viewer=world.admin, view="network").count() == 4


def test_people_who_opt_out_are_counted_but_never_named(
    world: World, django_capture_on_commit_callbacks: Commit
) -> None:
    world.teammate.named_in_network = False
    world.teammate.save()
    _talk(world.owner, world.teammate)
    comms = ApiClient(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        comms.get("/insights/network")
    report = comms.get("/insights/network").json()
    assert report["people_count"] == 2
    assert [p["username"] for p in report["people"]] == ["olivia_owner"]
    assert all("theo_teammate" not in c["members"] for c in report["communities"])
    nodes = comms.get("/insights/network/map").json()["nodes"]
    assert sorted((n["username"] or "") for n in nodes) == ["", "olivia_owner"]
    # The organisation's default names nobody who has not chosen.
    settings = SiteSettings.load()
    settings.network_named_by_default = False
    settings.save()
    assert comms.get("/insights/network").json()["people"] == []


def test_a_failed_computation_is_recorded_and_the_next_request_starts_another(
    world: World, django_capture_on_commit_callbacks: Commit, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.outsider.role = Role.COMMS
    world.outsider.save()
    comms = ApiClient(world.outsider)

    def broken(run: NetworkRun) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(tasks, "compute", broken)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert comms.get("/insights/network").status_code == 202
    run = NetworkRun.objects.get()
    with pytest.raises(RuntimeError):
        tasks.run_network(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "disk full" in run.error
    assert len(queued) == 1
    assert comms.get("/insights/network").status_code == 202
    assert NetworkRun.objects.filter(status=RunStatus.PENDING).count() == 1


def test_the_network_page_explains_each_measure_and_is_for_communications_only(
    world: World,
    client_as: Callable[[User | None], Any],
    django_capture_on_commit_callbacks: Commit,
) -> None:
    _talk(world.owner, world.teammate)
    _talk(world.outsider, world.owner)
    admin = client_as(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        pending = admin.get("/insights/network/")
    assert pending.status_code == 200
    assert "Computing the network" in pending.content.decode()
    page = admin.get("/insights/network/")
    html = page.content.decode()
    for heading in (
        "The map",
        "Communities next to the org chart",
        "Silos",
        "Brokers",
        "Advocates",
        "Who should meet",
        "How this is measured",
    ):
        assert heading in html, heading
    assert 'data-map-url="/api/v1/insights/network/map?window_days=90"' in html
    assert "vendor/sigma-3.0.3.min.js" in html
    assert admin.get("/insights/network/?window_days=7000").status_code == 200  # the default
    for person in (world.owner, world.guest):
        assert client_as(person).get("/insights/network/").status_code == 403
    assert AuditEntry.objects.filter(viewer=world.admin, view="network").count() == 3
