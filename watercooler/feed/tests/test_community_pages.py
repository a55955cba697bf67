"""A community's Feed, Files and Health tabs (feed/community_views.py, feed/community_stats.py):
who may see each tab (outsider, guest, non-member of a closed community, member, moderator,
owner, administrator), secret communities answering 404 everywhere, the feed's filters and
paging, files only from the community's live posts, and the health numbers of a small
hand-built history, drawn as accessible SVG."""

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image
from pytest_django import DjangoAssertNumQueries, Settings

from watercooler.communities.models import (
    Community,
    MemberRole,
    Membership,
    MembershipChange,
    MembershipStatus,
    Privacy,
)
from watercooler.communities.queries import community_header
from watercooler.core import charts
from watercooler.feed import actions, community_stats, community_views
from watercooler.feed.models import Attachment, Post, PostKind, Reaction, Reply
from watercooler.people.models import User
from watercooler.testing.fixtures import ClientAs
from watercooler.testing.world import World, make_person

HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def make_community(
    handle: str,
    privacy: str,
    *,
    owner: User,
    members: list[User] = (),  # type: ignore[assignment]
    moderators: list[User] = (),  # type: ignore[assignment]
) -> Community:
    community = Community.objects.create(
        name=handle.replace("-", " ").title(), handle=handle, privacy=privacy, created_by=owner
    )
    now = timezone.now()
    roles = [(owner, MemberRole.OWNER)]
    roles += [(m, MemberRole.MODERATOR) for m in moderators]
    roles += [(m, MemberRole.MEMBER) for m in members]
    for person, role in roles:
        Membership.objects.create(
            community=community,
            user=person,
            role=role,
            status=MembershipStatus.ACTIVE,
            joined_at=now,
        )
    community.member_count = len(roles)
    community.save(update_fields=["member_count"])
    return community


@pytest.fixture
def mo(world: World) -> User:
    """A moderator of every community below (an ordinary member of the company otherwise)."""
    return make_person("mo_moderator", display_name="Mo Moderator", department=world.engineering)


@pytest.fixture
def places(world: World, mo: User) -> dict[str, Community]:
    """An open, a closed and a secret community, each owned by the owner, moderated by Mo, with
    the teammate as a member; the guest is a member of the closed one only."""
    return {
        privacy: make_community(
            f"{privacy}-club",
            privacy,
            owner=world.owner,
            moderators=[mo],
            members=[world.teammate, world.guest]
            if privacy == Privacy.CLOSED
            else [world.teammate],
        )
        for privacy in (Privacy.OPEN, Privacy.CLOSED, Privacy.SECRET)
    }


def post_in(community: Community, author: User, body: str, **fields: Any) -> Post:
    return actions.create_post(author, body=body, community_handle=community.handle, **fields)


# --- Who may see which tab ------------------------------------------------------------------------

TABS = ["/c/{h}/", "/c/{h}/files/", "/c/{h}/health/"]


@pytest.mark.parametrize("path", TABS)
def test_signed_out_is_sent_to_sign_in(
    places: dict[str, Community], client: Client, path: str
) -> None:
    response = client.get(path.format(h="open-club"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("path", TABS)
@pytest.mark.parametrize("who", ["outsider", "guest", "admin"])
def test_secret_community_is_404_for_everyone_outside(
    world: World, places: dict[str, Community], client_as: ClientAs, path: str, who: str
) -> None:
    post_in(places["secret"], world.teammate, "Skunkworks plans")
    response = client_as(getattr(world, who)).get(path.format(h="secret-club"))
    assert response.status_code == 404
    assert "Skunkworks" not in response.content.decode()
    assert "Secret Club" not in response.content.decode()


@pytest.mark.parametrize("path", TABS)
def test_unknown_community_is_404(world: World, client_as: ClientAs, path: str) -> None:
    assert client_as(world.owner).get(path.format(h="no-such-club")).status_code == 404


@pytest.mark.parametrize("path", TABS)
def test_guest_outside_an_open_community_gets_404(
    world: World, places: dict[str, Community], client_as: ClientAs, path: str
) -> None:
    """Guests see only the communities they belong to."""
    assert client_as(world.guest).get(path.format(h="open-club")).status_code == 404


@pytest.mark.parametrize("path", ["/c/{h}/", "/c/{h}/files/"])
@pytest.mark.parametrize("who", ["outsider", "admin"])
def test_closed_community_shows_non_members_the_way_in_and_no_content(
    world: World, places: dict[str, Community], client_as: ClientAs, path: str, who: str
) -> None:
    post = post_in(places["closed"], world.teammate, "Members-only roadmap")
    Attachment.objects.create(
        post=post,
        file=ContentFile(b"plan", name="roadmap.txt"),
        name="roadmap.txt",
        content_type="text/plain",
        size=4,
    )
    response = client_as(getattr(world, who)).get(path.format(h="closed-club"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Closed Club" in html
    assert "Request to join" in html
    assert "Members-only roadmap" not in html
    assert "roadmap.txt" not in html
    assert 'id="composer"' not in html
    assert "data-post-id" not in html


@pytest.mark.parametrize("who", ["teammate", "guest", "mo", "owner"])
def test_members_of_a_closed_community_see_its_feed_and_composer(
    world: World, places: dict[str, Community], client_as: ClientAs, mo: User, who: str
) -> None:
    post_in(places["closed"], world.teammate, "Members-only roadmap")
    viewer = mo if who == "mo" else getattr(world, who)
    html = client_as(viewer).get("/c/closed-club/").content.decode()
    assert "Members-only roadmap" in html
    assert 'id="composer"' in html
    assert 'name="community" value="closed-club"' in html
    assert 'data-feed="community" data-community="closed-club"' in html
    assert "data-new-posts" in html


@pytest.mark.parametrize("path", ["/c/{h}/", "/c/{h}/files/"])
def test_secret_community_members_see_its_tabs(
    world: World, places: dict[str, Community], client_as: ClientAs, path: str
) -> None:
    post_in(places["secret"], world.owner, "Skunkworks plans")
    response = client_as(world.teammate).get(path.format(h="secret-club"))
    assert response.status_code == 200
    assert "Secret Club" in response.content.decode()


def test_open_community_is_readable_by_non_members_without_composer(
    world: World, places: dict[str, Community], client_as: ClientAs
) -> None:
    post_in(places["open"], world.teammate, "Open to all")
    response = client_as(world.outsider).get("/c/open-club/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Open to all" in html
    assert 'id="composer"' not in html


@pytest.mark.parametrize("privacy", ["open", "closed"])
@pytest.mark.parametrize("who", ["outsider", "teammate"])
def test_health_is_forbidden_to_people_who_do_not_run_the_community(
    world: World, places: dict[str, Community], client_as: ClientAs, privacy: str, who: str
) -> None:
    response = client_as(getattr(world, who)).get(f"/c/{privacy}-club/health/")
    assert response.status_code == 403
    assert 'class="chart"' not in response.content.decode()


@pytest.mark.parametrize("privacy", ["open", "closed", "secret"])
@pytest.mark.parametrize("who", ["owner", "mo"])
def test_health_is_for_owners_and_moderators(
    world: World,
    places: dict[str, Community],
    client_as: ClientAs,
    mo: User,
    privacy: str,
    who: str,
) -> None:
    viewer = mo if who == "mo" else world.owner
    response = client_as(viewer).get(f"/c/{privacy}-club/health/")
    assert response.status_code == 200
    assert "Community health" in response.content.decode()


def test_health_is_open_to_administrators_of_communities_they_can_see(
    world: World, places: dict[str, Community], client_as: ClientAs
) -> None:
    admin = client_as(world.admin)
    assert admin.get("/c/open-club/health/").status_code == 200
    assert admin.get("/c/closed-club/health/").status_code == 200
    assert admin.get("/c/secret-club/health/").status_code == 404


def test_health_tab_is_linked_only_for_those_who_run_the_community(
    world: World, places: dict[str, Community], client_as: ClientAs
) -> None:
    assert "/c/open-club/health/" in client_as(world.owner).get("/c/open-club/").content.decode()
    member_page = client_as(world.teammate).get("/c/open-club/").content.decode()
    assert "/c/open-club/health/" not in member_page


# --- Feed: pinned posts, filters, paging, query count ------------------------------------------


def test_pinned_posts_sit_above_the_list_once(
    world: World, places: dict[str, Community], client_as: ClientAs
) -> None:
    club = places["open"]
    pinned = post_in(club, world.owner, "Read the guidelines first")
    post_in(club, world.teammate, "Hello everyone")
    Post.objects.filter(pk=pinned.pk).update(pinned_at=timezone.now())
    html = client_as(world.teammate).get("/c/open-club/").content.decode()
    assert html.count(f'id="post-{pinned.pk}"') == 1
    pinned_section = html.split('id="pinned-heading"')[1].split('id="cposts-heading"')[0]
    assert "Read the guidelines first" in pinned_section
    assert "Hello everyone" in html.split('id="cposts-heading"')[1]
    # A filtered view lists a pinned question in place (there is no pinned section there).
    Post.objects.filter(pk=pinned.pk).update(kind=PostKind.QUESTION)
    questions = client_as(world.teammate).get("/c/open-club/?show=questions").content.decode()
    assert 'id="pinned-heading"' not in questions
    assert questions.count(f'id="post-{pinned.pk}"') == 1


def test_filters_questions_unanswered_answered(
    world: World, places: dict[str, Community], client_as: ClientAs
) -> None:
    club = places["open"]
    post_in(club, world.owner, "Just news")
    open_q = post_in(club, world.owner, "Who knows Rust?", kind=PostKind.QUESTION)
    done_q = post_in(club, world.owner, "Where is the wiki?", kind=PostKind.QUESTION)
    reply = Reply.objects.create(
        post=done_q, author=world.teammate, body="Here", body_html="<p>Here</p>"
    )
    Post.objects.filter(pk=done_q.pk).update(accepted_reply=reply, accepted_by=world.owner)
    client = client_as(world.teammate)

    def shown(show: str) -> str:
        response = client.get(f"/c/open-club/?show={show}")
        assert response.status_code == 200
        return response.content.decode()

    everything = shown("all")
    assert "Just news" in everything
    assert "Who knows Rust?" in everything
    assert 'aria-current="page">All' in everything
    questions = shown("questions")
    assert "Just news" not in questions
    assert "Who knows Rust?" in questions
    assert "Where is the wiki?" in questions
    assert 'aria-current="page">Questions' in questions
    unanswered = shown("unanswered")
    assert "Who knows Rust?" in unanswered
    assert "Where is the wiki?" not in unanswered
    answered = shown("answered")
    assert "Where is the wiki?" in answered
    assert "Who knows Rust?" not in answered
    assert open_q.pk != done_q.pk
    assert client.get("/c/open-club/?show=everything").status_code == 400


def test_empty_filter_teaches_what_to_do(
    world: World, places: dict[str, Community], client_as: ClientAs
) -> None:
    html = client_as(world.teammate).get("/c/open-club/?show=questions").content.decode()
    assert "No questions here yet." in html
    assert "choose Question" in html
    assert (
        "No posts in Open Club yet."
        in client_as(world.teammate).get("/c/open-club/").content.decode()
    )


def test_feed_pages_with_load_more(
    world: World, places: dict[str, Community], client_as: ClientAs
) -> None:
    club = places["open"]
    for i in range(25):
        post_in(club, world.teammate, f"Community post {i}")
    post_by_outsider = actions.create_post(world.owner, body="Not in the community")
    client = client_as(world.owner)
    first = client.get("/c/open-club/").content.decode()
    assert "Community post 24" in first
    assert "Community post 4<" not in first
    assert "Load more posts" in first
    assert "Not in the community" not in first
    cursor = first.split("?cursor=")[1].split('"')[0]
    more = client.get(f"/c/open-club/?cursor={cursor}", headers=HTMX)
    body = more.content.decode()
    assert more.status_code == 200
    assert "<html" not in body
    assert "Community post 0" in body
    assert "Community post 4" in body
    assert "Load more" not in body
    assert post_by_outsider.community_id is None
    assert client.get("/c/open-club/?cursor=garbage").status_code == 400


def _feed_queries(client: Client, path: str) -> int:
    client.get(path)  # the first request of a test creates the site settings row
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# The community feed page for a member, with pinned posts: session and user (2), the header
# (community, membership, pending requests for a moderator: 3), the pinned posts (content access,
# posts, topics, attachments, poll options: 5) and the page (the same 5), the viewer's reactions
# on both (2), which communities they moderate (1), the notification and message badges (2) and
# the upcoming events box (2), whether the viewer muted the community (1). Recorded for the
# issue's closing note.
COMMUNITY_FEED_QUERIES = 23


def test_feed_query_count_does_not_grow_with_posts(
    world: World, places: dict[str, Community], client_as: ClientAs
) -> None:
    club = places["open"]
    client = client_as(world.owner)

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            post = post_in(club, world.teammate, f"Post {i} #topic{i % 3}")
            Attachment.objects.create(
                post=post,
                file=ContentFile(b"x", name=f"f{i}.txt"),
                name=f"f{i}.txt",
                content_type="text/plain",
                size=1,
            )
            Reaction.objects.create(post=post, user=world.owner, kind="like")
        pin = Post.objects.filter(community=club).order_by("id")[0]
        Post.objects.filter(pk=pin.pk).update(pinned_at=timezone.now())

    add(5, 0)
    few = _feed_queries(client, "/c/open-club/")
    add(25, 5)
    many = _feed_queries(client, "/c/open-club/")
    assert few == many
    assert many <= COMMUNITY_FEED_QUERIES
    cursor_page = client.get("/c/open-club/").content.decode().split("?cursor=")[1].split('"')[0]
    with CaptureQueriesContext(connection) as ctx:
        client.get(f"/c/open-club/?cursor={cursor_page}", headers=HTMX)
    assert len(ctx.captured_queries) <= many


# --- Files ----------------------------------------------------------------------------------------


def png_file(name: str = "photo.png") -> ContentFile[bytes]:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (30, 120, 200)).save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name=name)


def attach(post: Post, name: str, *, image: bool = False) -> Attachment:
    if image:
        return Attachment.objects.create(
            post=post,
            file=png_file(name),
            thumbnail=png_file(f"thumb-{name}"),
            name=name,
            content_type="image/png",
            size=2048,
            alt_text=f"Picture {name}",
        )
    return Attachment.objects.create(
        post=post,
        file=ContentFile(b"hello", name=name),
        name=name,
        content_type="application/pdf",
        size=1536,
    )


def test_files_are_those_of_the_communitys_live_posts(
    world: World, places: dict[str, Community], client_as: ClientAs
) -> None:
    club = places["closed"]
    older = post_in(club, world.owner, "Slides from the offsite")
    attach(older, "slides.pdf")
    newer = post_in(club, world.teammate, "Photo of the whiteboard")
    attach(newer, "board.png", image=True)
    gone = post_in(club, world.teammate, "Oops")
    attach(gone, "secret-salaries.pdf")
    Post.objects.filter(pk=gone.pk).update(deleted_at=timezone.now())
    attach(actions.create_post(world.teammate, body="Elsewhere"), "elsewhere.pdf")
    attach(post_in(places["open"], world.teammate, "Other club"), "other-club.pdf")

    response = client_as(world.teammate).get("/c/closed-club/files/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "slides.pdf" in html
    assert "board.png" in html
    for absent in ("secret-salaries.pdf", "elsewhere.pdf", "other-club.pdf"):
        assert absent not in html
    slides = Attachment.objects.get(name="slides.pdf")
    assert f'href="/api/v1/attachments/{slides.pk}"' in html  # the access-checked download
    assert f'href="/posts/{older.pk}/"' in html
    assert "Olivia Owner" in html
    assert "1.5" in html
    assert "1.5\xa0KB · PDF" in html
    assert 'alt="Picture board.png"' in html
    assert 'id="images-heading"' in html
    assert 'id="documents-heading"' in html
    # The download itself stays behind the post's access check.
    assert client_as(world.outsider).get(f"/api/v1/attachments/{slides.pk}").status_code == 404
    assert client_as(world.teammate).get(f"/api/v1/attachments/{slides.pk}").status_code == 200


def test_files_empty_state(world: World, places: dict[str, Community], client_as: ClientAs) -> None:
    html = client_as(world.teammate).get("/c/open-club/files/").content.decode()
    assert "No files shared yet." in html
    assert "composer" in html


def test_files_page_newest_first_with_cursor(
    world: World, places: dict[str, Community], client_as: ClientAs
) -> None:
    club = places["open"]
    names = []
    for i in range(30):
        post = post_in(club, world.teammate, f"File post {i}")
        names.append(attach(post, f"doc-{i:02d}.pdf").name)
    first = community_stats.community_files_page(world.owner, club, images=False, limit=12)
    assert [a.name for a in first.items] == [f"doc-{i:02d}.pdf" for i in range(29, 17, -1)]
    second = community_stats.community_files_page(
        world.owner, club, images=False, cursor=first.next_cursor, limit=12
    )
    third = community_stats.community_files_page(
        world.owner, club, images=False, cursor=second.next_cursor, limit=12
    )
    seen = [a.name for page in (first, second, third) for a in page.items]
    assert sorted(seen) == sorted(names)
    assert len(seen) == 30
    assert third.next_cursor is None

    client = client_as(world.teammate)
    html = client.get("/c/open-club/files/").content.decode()
    assert "More files" in html
    assert "doc-29.pdf" in html
    assert "doc-05.pdf" not in html
    found = re.search(r"\?files=([^\"&]+)", html)
    assert found is not None
    cursor = found.group(1)
    more = client.get(f"/c/open-club/files/?files={cursor}", headers=HTMX)
    body = more.content.decode()
    assert more.status_code == 200
    assert "<html" not in body
    assert "doc-05.pdf" in body
    assert "doc-29.pdf" not in body
    assert client.get("/c/open-club/files/?files=nonsense").status_code == 400


def test_files_query_count_is_constant(
    world: World, places: dict[str, Community], client_as: ClientAs
) -> None:
    club = places["open"]
    client = client_as(world.teammate)

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            post = post_in(club, world.teammate, f"File post {i}")
            attach(post, f"doc-{i}.pdf")
            attach(post, f"pic-{i}.png", image=True)

    add(2, 0)
    client.get("/c/open-club/files/")  # the first request of a test creates the site settings row
    with CaptureQueriesContext(connection) as few:
        client.get("/c/open-club/files/")
    add(30, 2)
    with CaptureQueriesContext(connection) as many:
        client.get("/c/open-club/files/")
    assert len(few.captured_queries) == len(many.captured_queries) <= 14


# --- Health ---------------------------------------------------------------------------------------


def test_nice_scale() -> None:
    assert [charts.nice_max(v) for v in (0, 1, 4, 5, 8, 9, 20, 21, 199)] == [
        4, 4, 4, 8, 8, 20, 20, 40, 200,
    ]  # fmt: skip


@pytest.fixture
def history(world: World, mo: User) -> tuple[Community, list[dt.datetime]]:
    """Twelve weeks of a closed community, hand-built (see the expected values in the test)."""
    club = make_community("history", Privacy.CLOSED, owner=world.owner, moderators=[mo])
    club.member_count = 6
    club.save(update_fields=["member_count"])
    weeks = community_stats.week_starts(timezone.now())
    w = weeks

    def change(delta: int, at: dt.datetime, who: User) -> None:
        MembershipChange.objects.create(community=club, user=who, delta=delta, at=at)

    change(+1, w[0] - dt.timedelta(days=3), world.owner)  # before the window: not counted
    change(+1, w[0] + dt.timedelta(days=1), mo)
    change(+1, w[2] + dt.timedelta(hours=5), world.teammate)
    change(+1, w[5] + dt.timedelta(hours=1), world.outsider)
    change(-1, w[5] + dt.timedelta(hours=2), world.outsider)
    change(+1, w[8] + dt.timedelta(days=6, hours=23), world.admin)
    change(+1, w[11], world.guest)

    def post(author: User, at: dt.datetime, **fields: Any) -> Post:
        return Post.objects.create(
            author=author, body="x", body_html="<p>x</p>", community=club, created_at=at, **fields
        )

    old_question = post(world.owner, w[0] - dt.timedelta(days=10), kind=PostKind.QUESTION)
    news = post(world.owner, w[0] + dt.timedelta(hours=3))
    open_q = post(world.teammate, w[0] + dt.timedelta(days=2), kind=PostKind.QUESTION)
    answered_q = post(world.teammate, w[3] + dt.timedelta(days=1), kind=PostKind.QUESTION)
    post(world.teammate, w[3] + dt.timedelta(days=2), deleted_at=w[3] + dt.timedelta(days=3))
    post(world.teammate, w[11] + dt.timedelta(minutes=1))
    Post.objects.create(  # outside the community
        author=world.admin, body="x", body_html="<p>x</p>", created_at=w[3]
    )
    reply = Reply.objects.create(
        post=answered_q,
        author=world.owner,
        body="a",
        body_html="a",
        created_at=w[3] + dt.timedelta(days=2),
    )
    Reply.objects.create(
        post=answered_q,
        author=world.owner,
        body="b",
        body_html="b",
        created_at=w[3] + dt.timedelta(days=2),
    )
    Reply.objects.create(  # deleted: not counted
        post=answered_q,
        author=world.admin,
        body="c",
        body_html="c",
        created_at=w[3] + dt.timedelta(days=2),
        deleted_at=w[4],
    )
    Post.objects.filter(pk=answered_q.pk).update(accepted_reply=reply, accepted_by=world.teammate)
    Reaction.objects.create(
        post=news, user=world.owner, kind="like", created_at=w[0] + dt.timedelta(hours=4)
    )
    Reaction.objects.create(
        reply=reply, user=mo, kind="like", created_at=w[3] + dt.timedelta(days=3)
    )
    Reaction.objects.create(
        post=news, user=mo, kind="celebrate", created_at=w[4] + dt.timedelta(days=1)
    )
    assert old_question.pk
    assert open_q.pk
    return club, weeks


def test_health_numbers_of_a_hand_built_history(
    world: World,
    history: tuple[Community, list[dt.datetime]],
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    club, weeks = history
    header = community_header(world.owner, club.handle)
    with django_assert_num_queries(5):
        health = community_stats.community_health(world.owner, header)
    assert [w.start for w in health.weeks] == [w.date() for w in weeks]
    assert all(w.start.weekday() == 0 for w in health.weeks)
    # 6 now; walking back: week 11 had +1 (guest), week 8 +1 (admin), week 5 +1 -1, week 2 +1,
    # week 0 +1 (its end includes it).
    assert [w.members for w in health.weeks] == [3, 3, 4, 4, 4, 4, 4, 4, 5, 5, 5, 6]
    # Week 0: owner (post, reaction) and teammate (question); week 3: teammate (question),
    # owner (replies), Mo (reaction on a reply); week 4: Mo; week 11: teammate.
    assert [w.active for w in health.weeks] == [2, 0, 0, 3, 1, 0, 0, 0, 0, 0, 0, 1]
    assert [w.posts for w in health.weeks] == [2, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]
    assert [w.replies for w in health.weeks] == [0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0]
    assert [w.questions for w in health.weeks] == [1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]
    assert [w.answered for w in health.weeks] == [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]
    assert health.unanswered_now == 2  # the one before the window and week 0's


def test_health_weeks_follow_the_site_time_zone(settings: Settings) -> None:
    settings.TIME_ZONE = "Pacific/Auckland"
    # Monday 2026-03-02 01:00 in Auckland is still Sunday in UTC.
    now = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
    with timezone.override("Pacific/Auckland"):
        starts = community_stats.week_starts(now, weeks=2)
    assert [s.date() for s in starts] == [dt.date(2026, 2, 23), dt.date(2026, 3, 2)]
    assert starts[-1].utcoffset() == dt.timedelta(hours=13)


def test_health_page_draws_accessible_svg_charts(
    world: World, history: tuple[Community, list[dt.datetime]], client_as: ClientAs
) -> None:
    club, _ = history
    response = client_as(world.owner).get(f"/c/{club.handle}/health/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<svg class="chart"') == 4
    for chart_id in ("members", "active", "posts", "questions"):
        assert f'aria-labelledby="chart-{chart_id}-title chart-{chart_id}-desc"' in html
        assert f'<title id="chart-{chart_id}-title">' in html
        assert f'<desc id="chart-{chart_id}-desc">' in html
    assert 'role="img"' in html
    assert "<polyline" in html
    assert "<rect" in html
    # The numbers again as tables for screen readers.
    assert html.count('<details class="chart-numbers">') == 4
    assert '<caption class="visually-hidden">Members over time</caption>' in html
    assert "2 questions are waiting for an answer." in html
    assert "6 now." in html
    # Strict CSP: nothing inline.
    content = html.split('id="health-heading"')[1]
    assert " style=" not in content
    assert "<style" not in content
    assert not re.search(r"<script(?![^>]*\bsrc=)", content)
    assert 'href="/static/css/charts.css"' in html


def test_health_page_query_count_is_constant(
    world: World, history: tuple[Community, list[dt.datetime]], client_as: ClientAs
) -> None:
    club, weeks = history
    client = client_as(world.owner)
    client.get(f"/c/{club.handle}/health/")  # creates the site settings row
    with CaptureQueriesContext(connection) as before:
        client.get(f"/c/{club.handle}/health/")
    for i in range(40):
        Post.objects.create(
            author=world.teammate,
            body="x",
            body_html="x",
            community=club,
            created_at=weeks[i % 12] + dt.timedelta(hours=1),
        )
    with CaptureQueriesContext(connection) as after:
        client.get(f"/c/{club.handle}/health/")
    # 13: the header's "Mute" button asks whether the viewer muted the community.
    assert len(before.captured_queries) == len(after.captured_queries) <= 13


def test_bar_heights_follow_the_values(world: World) -> None:
    weeks = community_stats.week_starts(timezone.now())
    stats = [
        community_stats.WeekStats(
            start=w.date(), members=10, active=i, posts=i, replies=0, questions=0, answered=0
        )
        for i, w in enumerate(weeks)
    ]
    drawn = community_views.health_charts(community_stats.Health(stats, unanswered_now=0))
    active = next(c for c in drawn if c.id == "active")
    heights = [bar.height for bar in active.bars]
    assert heights[0] == 0
    assert heights == sorted(heights)
    # 11 on a scale to 20: 55 % of the plot's height.
    assert heights[-1] == round(charts.PLOT_H * 11 / 20, 1)
    assert [t for _, t in active.y_ticks] == [0, 10, 20]
    assert len(active.x_labels) == 4
    assert active.x_labels[-1][1] == community_views._week_label(stats[-1].start)
    posts = next(c for c in drawn if c.id == "posts")
    assert len(posts.bars) == 24
