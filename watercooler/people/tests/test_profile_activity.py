"""What a profile shows of a person's work: their recent posts and replies (through the feed's
visibility rule, cursor-paged), their communities (a secret one only to its members), and the
minimal card a guest gets of someone they share a community with."""

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from watercooler.communities import actions as community_actions
from watercooler.feed import actions as feed_actions
from watercooler.people.models import User
from watercooler.testing.fixtures import ClientAs
from watercooler.testing.world import World

pytestmark = pytest.mark.django_db


def profile(client: Client, person: User) -> str:
    response = client.get(reverse("people:profile", args=[person.username]))
    assert response.status_code == 200
    return response.content.decode()


def test_profile_lists_recent_posts_the_reader_may_see(world: World, client_as: ClientAs) -> None:
    public = feed_actions.create_post(world.owner, body="Kubernetes upgrade notes for everyone")
    secret = community_actions.create_community(
        world.owner, name="Project Falcon", handle="falcon", privacy="secret"
    )
    feed_actions.create_post(
        world.owner, body="Falcon launch date is fixed", community_handle="falcon"
    )
    assert secret.pk

    teammate_view = profile(client_as(world.teammate), world.owner)
    assert "Kubernetes upgrade notes for everyone" in teammate_view
    assert f'data-post-id="{public.pk}"' in teammate_view
    # The teammate is not in the secret community: its post is not on the profile.
    assert "Falcon launch date" not in teammate_view
    assert "Falcon launch date" in profile(client_as(world.owner), world.owner)
    assert "Falcon launch date" not in profile(client_as(world.outsider), world.owner)


def test_profile_posts_page_on_with_a_cursor(world: World, client_as: ClientAs) -> None:
    for i in range(7):
        feed_actions.create_post(world.owner, body=f"Weekly note number {i}")
    client = client_as(world.teammate)
    html = profile(client, world.owner)
    assert html.count("Weekly note number") == 5
    more = reverse("feed:author_posts", args=[world.owner.username])
    assert f'href="{more}?cursor=' in html
    cursor = html.split(f'href="{more}?cursor=', 1)[1].split('"', 1)[0]
    rest = client.get(f"{more}?cursor={cursor}", headers={"HX-Request": "true"})
    assert rest.status_code == 200
    body = rest.content.decode()
    assert "Weekly note number 1" in body
    assert "Weekly note number 0" in body
    assert "Weekly note number 6" not in body
    # A foreign cursor is a 400 naming the problem, not a 500.
    assert client.get(f"{more}?cursor=not-a-cursor").status_code == 400


def test_profile_lists_replies_only_on_visible_posts(world: World, client_as: ClientAs) -> None:
    community_actions.create_community(
        world.owner, name="Project Falcon", handle="falcon", privacy="secret"
    )
    hidden = feed_actions.create_post(world.owner, body="Falcon plan", community_handle="falcon")
    shown = feed_actions.create_post(world.outsider, body="Who knows the VPN setup?")
    feed_actions.do_create_reply(author=world.owner, post=shown, body="Ask the IT desk first")
    feed_actions.do_create_reply(author=world.owner, post=hidden, body="Falcon reply inside")

    html = profile(client_as(world.teammate), world.owner)
    assert "Recent activity" in html
    assert "Ask the IT desk first" in html
    assert "Falcon reply inside" not in html
    assert "Falcon reply inside" in profile(client_as(world.owner), world.owner)


def test_profile_lists_communities_but_not_secret_ones_to_outsiders(
    world: World, client_as: ClientAs
) -> None:
    community_actions.create_community(
        world.owner, name="Python guild", handle="python", privacy="open"
    )
    community_actions.create_community(
        world.owner, name="Project Falcon", handle="falcon", privacy="secret"
    )
    outsider_view = profile(client_as(world.outsider), world.owner)
    assert "Python guild" in outsider_view
    assert "Project Falcon" not in outsider_view
    assert "Project Falcon" in profile(client_as(world.owner), world.owner)


def test_guest_sees_a_minimal_card_of_someone_in_a_shared_community(
    world: World, client_as: ClientAs
) -> None:
    community = community_actions.create_community(
        world.owner, name="Partner launch", handle="partners", privacy="closed"
    )
    community_actions.do_add_member(actor=world.owner, community=community, user=world.guest)
    feed_actions.create_post(
        world.owner, body="Partner kick-off agenda", community_handle="partners"
    )
    feed_actions.create_post(world.owner, body="Internal only: salary bands")
    guest = client_as(world.guest)

    html = profile(guest, world.owner)
    assert "Olivia Owner" in html
    assert "Engineering Manager" in html  # title
    assert "Engineering" in html  # department
    # No contact details, team or location for a guest; posts only from the shared community.
    assert world.owner.email not in html
    assert "mailto:" not in html
    assert "London" not in html
    assert "Direct reports" not in html
    assert "Partner kick-off agenda" in html
    assert "salary bands" not in html
    assert "Partner launch" in html

    # People the guest shares nothing with stay a 404, like a missing person.
    for other in (world.outsider, world.admin):
        url = reverse("people:profile", args=[other.username])
        assert guest.get(url).status_code == 404
    assert guest.get(reverse("people:profile", args=["nobody_here"])).status_code == 404
    # The card opens no other door: the org chart and follow lists stay closed to the guest.
    assert guest.get(reverse("people:org_chart", args=[world.owner.username])).status_code in (
        403,
        404,
    )
    assert guest.get(reverse("feed:followers", args=[world.owner.username])).status_code == 404


def test_guest_and_outsider_get_404_from_a_stranger_posts_list(
    world: World, client_as: ClientAs
) -> None:
    url = reverse("feed:author_posts", args=[world.owner.username])
    assert client_as(world.guest).get(url).status_code == 404
    assert client_as(world.outsider).get(url).status_code == 200


def test_profile_query_count_does_not_grow_with_posts(
    world: World, client_as: ClientAs, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    community_actions.create_community(
        world.owner, name="Python guild", handle="python", privacy="open"
    )
    for i in range(12):
        post = feed_actions.create_post(world.owner, body=f"Post {i} #python")
        feed_actions.do_create_reply(author=world.owner, post=post, body=f"Reply {i}")
    client = client_as(world.teammate)
    client.get(reverse("people:profile", args=[world.owner.username]))
    with django_assert_max_num_queries(30) as captured:
        client.get(reverse("people:profile", args=[world.owner.username]))
    first = len(captured.captured_queries)
    for i in range(12, 30):
        feed_actions.create_post(world.owner, body=f"Post {i}")
    with django_assert_max_num_queries(first):
        client.get(reverse("people:profile", args=[world.owner.username]))
