"""The search pages, the API, the people finder and asking an expert, with the outsider and the
guest in every check."""

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from watercooler.communities.models import Community, MemberRole, Membership, Privacy
from watercooler.feed import actions
from watercooler.feed.models import Post, PostKind
from watercooler.notifications.models import Notification, NotificationKind
from watercooler.people.models import User
from watercooler.questions.actions import do_accept_answer
from watercooler.search.experts import find_experts
from watercooler.search.models import ExpertAsk
from watercooler.testing.fixtures import ApiClient, ClientAs
from watercooler.testing.world import World, make_person

pytestmark = pytest.mark.django_db


def post(author: User, body: str, **fields: Any) -> Post:
    return actions.create_post(author, body=body, **fields)


def secret_community(world: World) -> None:
    made = Community.objects.create(
        name="Skunkworks", handle="skunkworks", privacy=Privacy.SECRET, created_by=world.owner
    )
    now = timezone.now()
    Membership.objects.create(
        community=made, user=world.owner, role=MemberRole.OWNER, joined_at=now
    )


# --- Pages --------------------------------------------------------------------------------------


def test_results_page_highlights_and_hides_what_is_not_yours(
    world: World, client_as: ClientAs
) -> None:
    post(world.owner, "Forklift safety week starts Monday")
    secret_community(world)
    post(world.owner, "Forklift prototype notes", community_handle="skunkworks")
    page = client_as(world.outsider).get("/search/", {"q": "forklift"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "<mark>Forklift</mark> safety" in html
    assert "prototype" not in html
    assert "prototype" in client_as(world.owner).get("/search/", {"q": "forklift"}).content.decode()


def test_guest_may_search_what_they_see_but_not_experts(world: World, client_as: ClientAs) -> None:
    post(world.owner, "Forklift safety week starts Monday")
    guest = client_as(world.guest)
    page = guest.get("/search/", {"q": "forklift"})
    assert page.status_code == 200
    assert "safety week" not in page.content.decode()
    assert guest.get("/search/experts/", {"q": "forklift"}).status_code == 403
    assert client_as(None).get("/search/", {"q": "x"}).status_code == 302


@pytest.mark.parametrize(
    ("params", "status", "text"),
    [
        ({"q": "x", "cursor": "nonsense"}, 400, "no longer exists"),
        ({"q": "x", "since": "2026-02-30"}, 422, "Use a date like"),
        ({"q": "x", "since": "0001-01-01"}, 422, "between the years"),
        ({"q": "x", "type": "spreadsheet"}, 422, "Choose one of"),
        ({"q": "x", "since": "2026-05-02", "until": "2026-05-01"}, 422, "comes before"),
        ({"q": "x", "author": "ol\x00ivia", "community": "sa\x00les"}, 200, "Nobody has"),
        ({"q": '"unbalanced from: \x00 type:' + "y" * 20_000}, 200, "Only the first"),
    ],
)
def test_bad_input_on_the_page_is_a_clear_4xx(
    world: World, client_as: ClientAs, params: dict[str, str], status: int, text: str
) -> None:
    page = client_as(world.owner).get("/search/", params)
    assert page.status_code == status
    assert text in page.content.decode()


def test_suggest_json_and_topbar(world: World, client_as: ClientAs) -> None:
    client = client_as(world.teammate)
    data = client.get("/search/suggest/", {"q": "oli"}).json()
    assert data["items"][0]["title"] == "Olivia Owner"
    assert data["items"][0]["url"] == "/people/olivia_owner/"
    assert client_as(world.guest).get("/search/suggest/", {"q": "oli"}).json() == {"items": []}
    home = client.get("/").content.decode()
    assert 'data-suggest-url="/search/suggest/"' in home


# --- API ----------------------------------------------------------------------------------------


def test_api_search_items_carry_the_contract_fields(world: World, api_as: type[ApiClient]) -> None:
    post(world.owner, "Pricing review for #pricing with the pricing team")
    Community.objects.create(
        name="Pricing guild", handle="pricing-guild", privacy=Privacy.OPEN, created_by=world.owner
    )
    response = api_as(world.teammate).get("/search", q="pricing")
    assert response.status_code == 200, response.content
    data = response.json()
    by_type = {item["type"]: item for item in data["items"]}
    assert {"post", "community", "topic"} <= set(by_type)
    assert by_type["community"]["handle"] == "pricing-guild"
    assert by_type["topic"]["name"] == "pricing"
    assert "<mark>" in by_type["post"]["snippet"]
    for item in data["items"]:
        assert {"type", "id", "title", "snippet", "url"} <= set(item)
    people = api_as(world.teammate).get("/search", q="olivia", type="person").json()
    assert people["items"][0]["username"] == "olivia_owner"
    assert data["next_cursor"] is None


def test_api_search_pages_with_cursor(world: World, api_as: type[ApiClient]) -> None:
    for n in range(5):
        post(world.owner, f"Standup notes {n}")
    client = api_as(world.teammate)
    first = client.get("/search", q="standup", limit=3).json()
    assert len(first["items"]) == 3
    second = client.get("/search", q="standup", limit=3, cursor=first["next_cursor"]).json()
    assert len(second["items"]) == 2
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}
    assert client.get("/search", q="standup", cursor="x").status_code == 422


def test_api_search_bad_filters_are_422_naming_the_field(
    world: World, api_as: type[ApiClient]
) -> None:
    client = api_as(world.owner)
    response = client.get("/search", q="x", type="spreadsheet")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "type"
    assert client.get("/search", q="x", since="0001-01-01").status_code == 422
    # NUL in a filter: the API's one answer for text no database stores.
    assert client.get("/search", q="x", author="ol\x00ivia").status_code == 400
    long = client.get("/search", q="x " * 5_000)
    assert long.status_code == 200
    assert long.json()["notes"]
    assert client.get("/search", q="x" * 20_001).json()["errors"][0]["field"] == "q"
    assert api_as(None).get("/search", q="x").status_code == 401


def test_api_suggest_caps_at_eight(world: World, api_as: type[ApiClient]) -> None:
    for n in range(12):
        make_person(f"sam_{n}", display_name=f"Sam Sample {n}")
    data = api_as(world.owner).get("/search/suggest", q="sam").json()
    assert len(data["items"]) == 8
    assert all(item["type"] == "person" for item in data["items"])


# --- The people finder --------------------------------------------------------------------------


@pytest.fixture
def pricing_people(world: World) -> dict[str, User]:
    """Priya declared the skill and answered; Paul posts a lot about pricing in #pricing; Hana
    knows but hides; Sid's evidence is all in a secret community."""
    priya = make_person("priya", display_name="Priya Patel", skills=["Pricing"])
    paul = make_person("paul", display_name="Paul Porter")
    hana = make_person("hana", display_name="Hana Hidden", skills=["Pricing"])
    hana.listed_as_expert = False
    hana.save()
    sid = make_person("sid", display_name="Sid Secret")
    question = post(world.owner, "How do we set pricing for renewals?", kind=PostKind.QUESTION)
    answer = actions.do_create_reply(
        author=priya, post=question, body="Renewal pricing follows the list price minus 10%"
    )
    do_accept_answer(actor=world.owner, post=question, reply=answer.pk)
    for n in range(3):
        post(paul, f"Pricing update {n} #pricing")
    secret_community(world)
    Membership.objects.create(
        community=Community.objects.get(handle="skunkworks"),
        user=sid,
        joined_at=timezone.now(),
    )
    for n in range(4):
        post(sid, f"Secret pricing model {n}", community_handle="skunkworks")
    return {"priya": priya, "paul": paul, "hana": hana, "sid": sid}


def test_experts_rank_by_evidence_and_show_it(
    world: World, pricing_people: dict[str, User], api_as: type[ApiClient]
) -> None:
    data = api_as(world.outsider).get("/experts", q="pricing").json()
    names = [item["username"] for item in data["items"]]
    assert names[0] == "priya"
    assert "paul" in names
    assert "hana" not in names  # chose to be left out
    assert "sid" not in names  # all their evidence is in a secret community
    priya = data["items"][0]
    kinds = {e["kind"] for e in priya["evidence"]}
    assert {"skill", "accepted_answer"} <= kinds
    texts = " · ".join(e["text"] for e in priya["evidence"])
    assert "1 accepted answer about pricing" in texts
    assert "Skill: Pricing" in texts
    paul = next(item for item in data["items"] if item["username"] == "paul")
    assert any(e["text"] == "3 posts in #pricing" for e in paul["evidence"])
    # The secret community's members see Sid's evidence.
    assert "sid" in [e.person.username for e in find_experts(pricing_people["sid"], "pricing")]
    assert api_as(world.guest).get("/experts", q="pricing").status_code == 403


def test_experts_page_lists_evidence(
    world: World, pricing_people: dict[str, User], client_as: ClientAs
) -> None:
    html = client_as(world.teammate).get("/search/experts/", {"q": "pricing"}).content.decode()
    assert "Priya Patel" in html
    assert "Skill: Pricing" in html
    assert "Hana Hidden" not in html


def test_hiding_oneself_from_experts_through_the_profile(
    world: World, api_as: type[ApiClient]
) -> None:
    response = api_as(world.owner).patch("/me", {"listed_as_expert": False})
    assert response.status_code == 200, response.content
    world.owner.refresh_from_db()
    assert world.owner.listed_as_expert is False
    assert [e.person for e in find_experts(world.teammate, "kubernetes")] == []


# --- Asking an expert ---------------------------------------------------------------------------


def test_the_asker_sees_experts_after_a_while_and_asks_with_one_click(
    world: World, pricing_people: dict[str, User], client_as: ClientAs
) -> None:
    question = post(world.teammate, "Who can explain our #pricing tiers?", kind=PostKind.QUESTION)
    asker = client_as(world.teammate)
    assert "These colleagues may know" not in asker.get(f"/posts/{question.pk}/").content.decode()
    Post.objects.filter(pk=question.pk).update(created_at=timezone.now() - dt.timedelta(hours=2))
    page = asker.get(f"/posts/{question.pk}/").content.decode()
    assert "These colleagues may know" in page
    assert "Ask Paul" in page
    # Nobody else sees the box.
    other = client_as(world.owner).get(f"/posts/{question.pk}/").content.decode()
    assert "These colleagues may know" not in other
    assert ExpertAsk.objects.count() == 0  # never automatic
    response = asker.post(f"/posts/{question.pk}/ask-expert/", {"username": "paul"})
    assert response.status_code == 302
    notification = Notification.objects.get(recipient=pricing_people["paul"])
    assert notification.kind == NotificationKind.EXPERT_ASK
    assert notification.post_id == question.pk
    assert asker.post(f"/posts/{question.pk}/ask-expert/", {"username": "paul"}).status_code == 409
    assert (
        client_as(world.owner)
        .post(f"/posts/{question.pk}/ask-expert/", {"username": "paul"})
        .status_code
        == 403
    )
    assert (
        asker.post(f"/posts/{question.pk}/ask-expert/", {"username": "nobody"}).status_code == 422
    )
