"""Pages of cards leave without ninja's re-validation (core.schemas.unchecked_json): what they
send must be exactly what validating against ``PostPage`` would have sent, for every kind of card
(attachments, a poll, a question, a quote, topics, reactions, a community, a deleted quote)."""

import io
import json
from pathlib import Path
from typing import Any

from ninja.renderers import JSONRenderer
from PIL import Image
from pytest_django import Settings

from watercooler.communities.actions.community import create_community
from watercooler.feed.models import PersonFollow
from watercooler.feed.schemas import PostPage
from watercooler.testing.fixtures import ApiClient
from watercooler.testing.world import World


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), "teal").save(buffer, "PNG")
    return buffer.getvalue()


def _validated(data: dict[str, Any]) -> Any:
    """``data`` as ninja sends a validated answer: through the schema, then the same renderer."""
    dumped = PostPage.model_validate(data).model_dump(by_alias=True)
    return json.loads(JSONRenderer().render(None, dumped, response_status=200))  # type: ignore[arg-type]


def test_a_feed_page_is_what_the_schema_would_send(
    world: World, api_as: type[ApiClient], tmp_path: Path, settings: Settings
) -> None:
    settings.MEDIA_ROOT = tmp_path
    owner = api_as(world.owner)
    PersonFollow.objects.create(follower=world.teammate, followee=world.owner)
    photo = io.BytesIO(_png())
    photo.name = "site.png"
    notes = io.BytesIO(b"minutes")
    notes.name = "notes.txt"
    made = owner.client.post(
        "/api/v1/posts/with-attachments",
        {"body": "Site photos #rollout #safety", "files": [photo, notes], "alt_texts": ["Site"]},
        headers=owner._headers(),
    )
    assert made.status_code == 201, made.content
    with_files = made.json()["id"]
    poll = owner.post(
        "/posts", {"body": "Lunch?", "kind": "poll", "poll_options": ["Pho", "Tacos"]}
    )
    assert poll.status_code == 201, poll.content
    question = owner.post("/posts", {"body": "Who owns the VPN?", "kind": "question"})
    assert question.status_code == 201, question.content
    quoted = owner.post("/posts", {"body": "Will be deleted"})
    quote = owner.post("/posts", {"body": "Quoting", "quoted_post_id": quoted.json()["id"]})
    assert quote.status_code == 201, quote.content
    assert owner.delete(f"/posts/{quoted.json()['id']}").status_code == 204
    community = create_community(
        world.owner, name="Rollout crew", handle="rollout-crew", privacy="open"
    )
    in_community = owner.post("/posts", {"body": "Crew update", "community": community.handle})
    assert in_community.status_code == 201, in_community.content
    reader = api_as(world.teammate)
    assert reader.post(f"/posts/{with_files}/reactions", {"kind": "celebrate"}).status_code in (
        200,
        201,
    )
    option = poll.json()["poll"]["options"][0]["id"]
    voted = reader.post(f"/posts/{poll.json()['id']}/vote", {"option_id": option})
    assert voted.status_code == 200, voted.content

    for path in ("/feed?limit=4", "/feed", "/feed?order=top", "/topics/rollout/posts"):
        response = reader.get(path)
        assert response.status_code == 200, response.content
        assert response["Content-Type"] == "application/json; charset=utf-8"
        sent = response.json()
        assert sent == _validated(sent), path
    kinds = {item["kind"] for item in reader.get("/feed").json()["items"]}
    assert {"post", "poll", "question"} <= kinds
    community_page = reader.get(f"/communities/{community.handle}/feed")
    assert community_page.status_code == 200, community_page.content
    assert community_page.json() == _validated(community_page.json())
