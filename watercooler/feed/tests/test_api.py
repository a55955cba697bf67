"""The feed API: every endpoint's success, 401 for the anonymous, 403/404 for those who must not
see or change, and bad input answered with the error shape (never a 5xx)."""

import io
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from pytest_django import Settings

from watercooler.feed import actions
from watercooler.feed.models import PersonFollow, Post, Topic, TopicFollow
from watercooler.testing.fixtures import ApiClient
from watercooler.testing.world import World

pytestmark = pytest.mark.django_db


def error_fields(response: Any) -> set[str | None]:
    data = response.json()
    assert set(data) == {"detail", "errors"}
    return {e["field"] for e in data["errors"]}


def make_post(author: Any, **fields: Any) -> Post:
    fields.setdefault("body", "hello")
    return actions.create_post(author, **fields)


def test_create_post_returns_the_post(world: World, api_as: type[ApiClient]) -> None:
    response = api_as(world.owner).post(
        "/posts", {"body": "Hi @theo_teammate, **bold** #Launch", "audience": "everyone"}
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["author"]["username"] == "olivia_owner"
    assert data["kind"] == "post"
    assert data["audience"] == "everyone"
    assert data["topics"] == ["launch"]
    assert "<strong>bold</strong>" in data["body_html"]
    assert data["counts"] == {"reply_count": 0, "reaction_count": 0}
    assert data["my_reactions"] == []
    assert data["poll"] is None
    assert data["quoted_post"] is None
    assert data["is_deleted"] is False
    assert data["edited_at"] is None
    assert data["url"] == f"/posts/{data['id']}/"


def test_anonymous_gets_401_everywhere(world: World, api_as: type[ApiClient]) -> None:
    post = make_post(world.owner)
    anon = api_as(None)
    for method, path in [
        ("post", "/posts"),
        ("get", f"/posts/{post.pk}"),
        ("patch", f"/posts/{post.pk}"),
        ("delete", f"/posts/{post.pk}"),
        ("get", f"/posts/{post.pk}/replies"),
        ("post", f"/posts/{post.pk}/reactions"),
        ("get", f"/posts/{post.pk}/revisions"),
        ("get", "/feed"),
        ("post", "/people/olivia_owner/follow"),
        ("get", "/topics/x"),
    ]:
        response = getattr(anon, method)(path)
        assert response.status_code == 401, (method, path)
        error_fields(response)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"body": ""}, "body"),
        ({"body": "   "}, "body"),
        ({"body": "x" * 20_001}, "body"),
        ({"body": "q", "kind": "poll", "poll_options": ["one"]}, "poll_options"),
        (
            {"body": "q", "kind": "poll", "poll_options": [str(i) for i in range(11)]},
            "poll_options",
        ),
        ({"body": "q", "kind": "nope"}, "kind"),
        ({"body": "q", "audience": "planet"}, "audience"),
        ({"body": "q", "quoted_post_id": 999999}, "quoted_post_id"),
        ({"body": "q", "surprise": 1}, "surprise"),
        ({}, "body"),
    ],
)
def test_bad_post_input_is_422_on_the_field(
    world: World, api_as: type[ApiClient], payload: dict[str, Any], field: str
) -> None:
    response = api_as(world.owner).post("/posts", payload)
    assert response.status_code == 422, response.content
    assert field in error_fields(response)


def test_malformed_json_is_400(world: World, api_as: type[ApiClient]) -> None:
    client = api_as(world.owner)
    response = client.client.post(
        "/api/v1/posts", "{not json", content_type="application/json", headers=client._headers()
    )
    assert response.status_code == 400
    error_fields(response)


def test_guest_cannot_post(world: World, api_as: type[ApiClient]) -> None:
    assert api_as(world.guest).post("/posts", {"body": "hi"}).status_code == 403


def test_followers_only_post_is_hidden_from_non_followers(
    world: World, api_as: type[ApiClient]
) -> None:
    post = make_post(world.owner, body="inner circle #secret", audience="followers")
    PersonFollow.objects.create(follower=world.teammate, followee=world.owner)
    assert api_as(world.teammate).get(f"/posts/{post.pk}").status_code == 200
    outsider = api_as(world.outsider)
    for path in [
        f"/posts/{post.pk}",
        f"/posts/{post.pk}/replies",
        f"/posts/{post.pk}/reactions",
        f"/posts/{post.pk}/revisions",
    ]:
        assert outsider.get(path).status_code == 404, path
    assert outsider.post(f"/posts/{post.pk}/reactions", {"kind": "like"}).status_code == 404
    assert outsider.post(f"/posts/{post.pk}/replies", {"body": "hi"}).status_code == 404
    assert outsider.get("/feed").json()["items"] == []
    # Its topic is used nowhere the outsider may look: a topic nobody used.
    assert outsider.get("/topics/secret/posts").status_code == 404
    TopicFollow.objects.create(follower=world.outsider, topic=Topic.objects.get(name="secret"))
    assert outsider.get("/feed").json()["items"] == []
    assert api_as(world.guest).get(f"/posts/{post.pk}").status_code == 404
    # Quoting what you cannot see is refused.
    response = outsider.post("/posts", {"body": "look", "quoted_post_id": post.pk})
    assert response.status_code == 422
    assert "quoted_post_id" in error_fields(response)


def test_guest_sees_nothing_but_their_own(world: World, api_as: type[ApiClient]) -> None:
    post = make_post(world.owner)
    assert api_as(world.guest).get(f"/posts/{post.pk}").status_code == 404
    assert api_as(world.guest).get("/feed").json()["items"] == []


def test_edit_keeps_revisions_and_the_edited_mark(world: World, api_as: type[ApiClient]) -> None:
    post = make_post(world.owner, body="first")
    assert api_as(world.teammate).patch(f"/posts/{post.pk}", {"body": "x"}).status_code == 403
    assert api_as(world.outsider).patch(f"/posts/{post.pk}", {"body": ""}).status_code in (403, 422)
    response = api_as(world.owner).patch(f"/posts/{post.pk}", {"body": "second"})
    assert response.status_code == 200
    assert response.json()["body"] == "second"
    assert response.json()["edited_at"]
    assert response.json()["is_edited"] is True
    response = api_as(world.teammate).get(f"/posts/{post.pk}/revisions")
    assert response.status_code == 200
    assert [r["body"] for r in response.json()["items"]] == ["first"]
    bad = api_as(world.owner).patch(f"/posts/{post.pk}", {"body": ""})
    assert bad.status_code == 422
    assert error_fields(bad) == {"body"}


def test_delete_hides_everywhere_but_keeps_replies(world: World, api_as: type[ApiClient]) -> None:
    post = make_post(world.owner, body="bye #gone")
    PersonFollow.objects.create(follower=world.teammate, followee=world.owner)
    reply = actions.do_create_reply(author=world.teammate, post=post, body="answer")
    quote = make_post(world.teammate, body="quoting", quoted_post_id=post.pk)
    assert api_as(world.teammate).delete(f"/posts/{post.pk}").status_code == 403
    assert api_as(world.owner).delete(f"/posts/{post.pk}").status_code == 204
    teammate = api_as(world.teammate)
    assert teammate.get(f"/posts/{post.pk}").status_code == 404
    assert [p["id"] for p in teammate.get("/feed").json()["items"]] == [quote.pk]
    # Its only post gone, the topic is one nobody uses.
    assert teammate.get("/topics/gone/posts").status_code == 404
    thread = teammate.get(f"/posts/{post.pk}/replies").json()
    assert thread["post"] is None
    assert thread["post_deleted"] is True
    assert [r["id"] for r in thread["items"]] == [reply.pk]
    quoted = teammate.get(f"/posts/{quote.pk}").json()["quoted_post"]
    assert quoted["is_deleted"] is True
    assert quoted["body"] == ""
    assert quoted["available"] is False
    assert api_as(world.owner).delete(f"/posts/{post.pk}").status_code == 404


def test_admin_can_delete(world: World, api_as: type[ApiClient]) -> None:
    post = make_post(world.owner)
    assert api_as(world.admin).delete(f"/posts/{post.pk}").status_code == 204


def test_replies_nest_two_levels_and_page(world: World, api_as: type[ApiClient]) -> None:
    post = make_post(world.owner)
    client = api_as(world.teammate)
    top = client.post(f"/posts/{post.pk}/replies", {"body": "top"}).json()
    child = client.post(f"/posts/{post.pk}/replies", {"body": "c", "parent_id": top["id"]}).json()
    grand = client.post(f"/posts/{post.pk}/replies", {"body": "g", "parent_id": child["id"]})
    assert grand.status_code == 201
    assert grand.json()["parent_id"] == top["id"]
    for i in range(3):
        client.post(f"/posts/{post.pk}/replies", {"body": f"more {i}"})
    page = client.get(f"/posts/{post.pk}/replies", limit=2).json()
    assert [r["body"] for r in page["items"]] == ["top", "more 0"]
    assert [c["body"] for c in page["items"][0]["children"]] == ["c", "g"]
    rest = client.get(f"/posts/{post.pk}/replies", limit=2, cursor=page["next_cursor"]).json()
    assert [r["body"] for r in rest["items"]] == ["more 1", "more 2"]
    assert client.get(f"/posts/{post.pk}").json()["counts"]["reply_count"] == 6
    bad = client.post(f"/posts/{post.pk}/replies", {"body": "x", "parent_id": 999999})
    assert bad.status_code == 422
    assert error_fields(bad) == {"parent_id"}
    assert client.post(f"/posts/{post.pk}/replies", {"body": ""}).status_code == 422
    assert client.get(f"/posts/{post.pk}/replies", cursor="garbage").status_code == 422


def test_reactions(world: World, api_as: type[ApiClient]) -> None:
    post = make_post(world.owner)
    client = api_as(world.teammate)
    response = client.post(f"/posts/{post.pk}/reactions", {"kind": "like"})
    assert response.status_code == 201
    assert response.json()["reaction_summary"] == {"like": 1}
    again = client.post(f"/posts/{post.pk}/reactions", {"kind": "like"})
    assert again.status_code == 409
    error_fields(again)
    unknown = client.post(f"/posts/{post.pk}/reactions", {"kind": "angry"})
    assert unknown.status_code == 422
    assert "kind" in error_fields(unknown)
    who = client.get(f"/posts/{post.pk}/reactions").json()
    assert [(r["user"]["username"], r["kind"]) for r in who["items"]] == [("theo_teammate", "like")]
    assert client.get(f"/posts/{post.pk}").json()["my_reactions"] == ["like"]
    assert client.delete(f"/posts/{post.pk}/reactions", {"kind": "like"}).status_code == 200
    assert client.delete(f"/posts/{post.pk}/reactions", {"kind": "like"}).status_code == 404
    reply = actions.do_create_reply(author=world.owner, post=post, body="r")
    response = client.post(f"/replies/{reply.pk}/reactions", {"kind": "celebrate"})
    assert response.status_code == 201
    assert response.json()["reply_id"] == reply.pk
    assert client.post(f"/replies/{reply.pk}/reactions", {"kind": "celebrate"}).status_code == 409
    assert client.get(f"/replies/{reply.pk}/reactions").json()["items"][0]["kind"] == "celebrate"
    assert client.delete(f"/replies/{reply.pk}/reactions", {"kind": "celebrate"}).status_code == 200
    assert (
        api_as(world.outsider).post("/replies/999999/reactions", {"kind": "like"}).status_code
        == 404
    )


def test_reaction_toggle_is_what_a_button_does(world: World, api_as: type[ApiClient]) -> None:
    post = make_post(world.owner, audience="followers")
    reply = actions.do_create_reply(author=world.owner, post=post, body="r")
    client = api_as(world.owner)
    on = client.post(f"/posts/{post.pk}/reactions/toggle", {"kind": "like"})
    assert (on.status_code, on.json()["my_reactions"]) == (200, ["like"])
    off = client.post(f"/posts/{post.pk}/reactions/toggle", {"kind": "like"})
    assert (off.status_code, off.json()["reaction_summary"]) == (200, {})
    on_reply = client.post(f"/replies/{reply.pk}/reactions/toggle", {"kind": "celebrate"})
    assert (on_reply.json()["reply_id"], on_reply.json()["my_reactions"]) == (
        reply.pk,
        ["celebrate"],
    )
    assert "kind" in error_fields(client.post(f"/posts/{post.pk}/reactions/toggle", {"kind": "x"}))
    # A followers-only post: the outsider does not follow the author, the guest is no member.
    for person in (world.outsider, world.guest):
        other = api_as(person)
        assert other.post(f"/posts/{post.pk}/reactions/toggle", {"kind": "like"}).status_code == 404
        assert (
            other.post(f"/replies/{reply.pk}/reactions/toggle", {"kind": "like"}).status_code == 404
        )
    assert Post.objects.get(pk=post.pk).reaction_count == 0


def test_polls(world: World, api_as: type[ApiClient]) -> None:
    response = api_as(world.owner).post(
        "/posts", {"body": "Lunch?", "kind": "poll", "poll_options": ["Pizza", "Sushi"]}
    )
    assert response.status_code == 201
    poll = response.json()["poll"]
    assert [o["votes"] for o in poll["options"]] == [None, None]
    assert poll["results_visible"] is False
    assert poll["my_vote"] is None
    post_id, option = response.json()["id"], poll["options"][1]["id"]
    client = api_as(world.teammate)
    bad = client.post(f"/posts/{post_id}/vote", {"option_id": 999999})
    assert bad.status_code == 422
    assert error_fields(bad) == {"option_id"}
    voted = client.post(f"/posts/{post_id}/vote", {"option_id": option})
    assert voted.status_code == 200
    assert voted.json()["poll"]["my_vote"] == option
    assert [o["votes"] for o in voted.json()["poll"]["options"]] == [0, 1]
    assert client.post(f"/posts/{post_id}/vote", {"option_id": option}).status_code == 409
    Post.objects.filter(pk=post_id).update(poll_closes_at="2000-01-01T00:00:00Z")
    closed = api_as(world.outsider).post(f"/posts/{post_id}/vote", {"option_id": option})
    assert closed.status_code == 409
    assert api_as(world.outsider).get(f"/posts/{post_id}").json()["poll"]["results_visible"]


def test_follow_people(world: World, api_as: type[ApiClient]) -> None:
    client = api_as(world.outsider)
    response = client.post("/people/olivia_owner/follow")
    assert response.status_code == 201
    assert response.json()["following"] is True
    assert client.post("/people/olivia_owner/follow").status_code == 409
    assert client.post("/people/oscar_outsider/follow").status_code == 422
    assert client.post("/people/nobody_at_all/follow").status_code == 404
    assert api_as(world.guest).post("/people/olivia_owner/follow").status_code == 404
    followers = api_as(world.teammate).get("/people/olivia_owner/followers").json()
    assert [f["person"]["username"] for f in followers["items"]] == ["oscar_outsider"]
    following = api_as(world.teammate).get("/people/oscar_outsider/following").json()
    assert [f["person"]["username"] for f in following["items"]] == ["olivia_owner"]
    assert client.delete("/people/olivia_owner/follow").status_code == 204
    assert client.delete("/people/olivia_owner/follow").status_code == 404


def test_topics(world: World, api_as: type[ApiClient]) -> None:
    make_post(world.owner, body="about #Django")
    client = api_as(world.outsider)
    topic = client.get("/topics/django").json()
    assert topic["name"] == "django"
    assert topic["label"] == "Django"
    assert topic["post_count"] == 1
    assert topic["is_following"] is False
    assert client.post("/topics/django/follow").status_code == 201
    assert client.post("/topics/django/follow").status_code == 409
    topic = client.get("/topics/django").json()
    assert topic["is_following"] is True
    assert topic["follower_count"] == 1
    assert len(client.get("/topics/django/posts").json()["items"]) == 1
    assert len(client.get("/feed").json()["items"]) == 1
    assert client.delete("/topics/django/follow").status_code == 204
    assert client.get("/topics/nope").status_code == 404
    assert client.post("/topics/nope/follow").status_code == 404


def test_quote(world: World, api_as: type[ApiClient]) -> None:
    original = make_post(world.owner, body="original")
    response = api_as(world.teammate).post(
        "/posts", {"body": "so true", "quoted_post_id": original.pk}
    )
    assert response.status_code == 201
    quoted = response.json()["quoted_post"]
    assert quoted["id"] == original.pk
    assert quoted["body"] == "original"
    assert quoted["available"]


def test_invalid_cursor_is_422(world: World, api_as: type[ApiClient]) -> None:
    client = api_as(world.owner)
    for cursor in ["garbage", "WyJ4Il0", "t" + "abc"]:
        response = client.get("/feed", cursor=cursor)
        assert response.status_code == 422
        assert error_fields(response) == {"cursor"}
    assert client.get("/feed", order="sideways").status_code == 422


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 600), "red").save(buffer, "PNG")
    return buffer.getvalue()


@override_settings(ATTACHMENT_MAX_BYTES=200_000)
def test_attachments(
    world: World, api_as: type[ApiClient], tmp_path: Path, settings: Settings
) -> None:
    settings.MEDIA_ROOT = tmp_path
    post = make_post(world.owner)
    client = api_as(world.owner)
    headers = client._headers()

    def upload(name: str, data: bytes, who: Any = client) -> Any:
        file = io.BytesIO(data)
        file.name = name
        return who.client.post(
            f"/api/v1/posts/{post.pk}/attachments",
            {"file": file, "alt_text": "a red box"},
            headers=who._headers(),
        )

    response = upload("box.png", _png())
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["is_image"]
    assert data["width"] == 1200
    assert data["height"] == 600
    assert data["thumbnail_url"]
    # The preview a feed shows: 640 px wide WebP, a fraction of the original's bytes.
    thumb_path = data["thumbnail_url"].partition("?")[0].removeprefix(settings.MEDIA_URL)
    with Image.open(tmp_path / thumb_path) as thumb:
        assert thumb.format == "WEBP"
        assert thumb.size == (640, 320)
    assert data["alt_text"] == "a red box"
    assert upload("doc.pdf", b"%PDF-1.4 hello").status_code == 201
    assert upload("fake.pdf", b"<html>").status_code == 422
    assert upload("page.html", b"<html>").status_code == 422
    assert upload("fake.png", b"not an image").status_code == 422
    assert upload("big.txt", b"a" * 200_001).status_code == 422
    assert upload("notes.txt", b"hello").status_code == 201
    assert upload("x.txt", b"hi", who=api_as(world.teammate)).status_code == 403
    shown = client.get(f"/posts/{post.pk}").json()["attachments"]
    assert [a["name"] for a in shown] == ["box.png", "doc.pdf", "notes.txt"]
    download = client.client.get(shown[1]["url"], headers=headers)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    followers_only = make_post(world.owner, audience="followers")
    hidden = api_as(world.outsider).get(f"/posts/{followers_only.pk}")
    assert hidden.status_code == 404


def test_post_with_attachments_in_one_call(
    world: World, api_as: type[ApiClient], tmp_path: Path, settings: Settings
) -> None:
    settings.MEDIA_ROOT = tmp_path

    def send(person: Any, files: list[tuple[str, bytes]], **fields: Any) -> Any:
        client = api_as(person)
        uploads = []
        for name, data in files:
            upload = io.BytesIO(data)
            upload.name = name
            uploads.append(upload)
        return client.client.post(
            "/api/v1/posts/with-attachments",
            {"body": "Site photos #rollout", "files": uploads, **fields},
            headers=client._headers(),
        )

    made = send(world.owner, [("box.png", _png()), ("notes.txt", b"hi")], alt_texts=["A red box"])
    assert made.status_code == 201, made.content
    post = made.json()
    assert [a["name"] for a in post["attachments"]] == ["box.png", "notes.txt"]
    assert [a["alt_text"] for a in post["attachments"]] == ["A red box", ""]
    assert post["topics"] == ["rollout"]
    # All or nothing: one refused file leaves no post behind.
    before = Post.objects.count()
    refused = send(world.owner, [("box.png", _png()), ("page.html", b"<html>")])
    assert (refused.status_code, Post.objects.count()) == (422, before)
    too_long = send(world.owner, [("box.png", _png())], alt_texts=["x" * 501])
    assert (too_long.status_code, error_fields(too_long)) == (422, {"alt_text"})
    extra = send(world.owner, [("box.png", _png())], alt_texts=["a", "b"])
    assert error_fields(extra) == {"alt_texts"}
    assert send(world.owner, []).status_code == 422
    # A guest posts only in their communities; outside them the action refuses.
    assert send(world.guest, [("notes.txt", b"hi")]).status_code == 403
    assert Post.objects.count() == before


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    payload=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(
                st.sampled_from(["body", "kind", "poll_options", "audience", "quoted_post_id", "x"])
                | st.text(max_size=5),
                children,
                max_size=5,
            )
        ),
        max_leaves=10,
    )
)
def test_arbitrary_json_never_5xx(world_for_hypothesis: ApiClient, payload: object) -> None:
    response = world_for_hypothesis.post("/posts", payload)
    assert response.status_code < 500, response.content


@pytest.fixture
def world_for_hypothesis(world: World, api_as: type[ApiClient]) -> ApiClient:
    return api_as(world.owner)
