"""Who may do what (``communities.policy``): the content rule for one community agrees with the
filter lists use, and the buttons a page shows are the ones whose action would succeed."""

import pytest

from watercooler.communities import actions, policy
from watercooler.communities.models import Community, Membership
from watercooler.communities.queries import content_communities_q
from watercooler.communities.tests.conftest import Places
from watercooler.testing.fixtures import ClientAs
from watercooler.testing.world import World, make_person

pytestmark = pytest.mark.django_db


def test_can_see_content_agrees_with_the_content_filter(world: World, places: Places) -> None:
    actions.do_add_member(actor=world.owner, community=places.closed, user=world.guest)
    actions.do_join(actor=world.teammate, community=places.closed)  # a request, still pending
    gone = make_person("gone_person", is_active=False)
    for viewer in [*world.everyone, gone]:
        shown = set(Community.objects.filter(content_communities_q(viewer)))
        for community in (places.open, places.closed, places.secret):
            mine = Membership.objects.filter(community=community, user=viewer).first()
            assert policy.can_see_content(viewer, community, mine) == (community in shown), (
                viewer.username,
                community.handle,
            )


def test_member_rows_offer_only_what_the_viewer_may_do(
    world: World, places: Places, client_as: ClientAs
) -> None:
    """An administrator who is no member moderates (removes plain members) but neither changes
    roles nor removes an owner; a moderator likewise; an owner does all of it."""
    actions.do_add_member(actor=world.owner, community=places.open, user=world.teammate)
    actions.do_set_role(
        actor=world.owner, community=places.open, user=world.teammate, role="moderator"
    )
    actions.do_add_member(actor=world.owner, community=places.open, user=world.outsider)

    admin = client_as(world.admin).get("/c/python/members/").content.decode()
    # Theo (moderator) and Oscar (member) may be removed; Olivia (owner) may not.
    assert admin.count('class="menu c-member-more"') == 2
    assert "Remove from community" in admin
    assert "Make moderator" not in admin
    assert "Make plain member" not in admin
    assert "Hand over ownership" not in admin

    moderator = client_as(world.teammate).get("/c/python/members/").content.decode()
    assert moderator.count('class="menu c-member-more"') == 1  # Oscar; not the owner, not self
    assert "Make moderator" not in moderator

    owner = client_as(world.owner).get("/c/python/members/").content.decode()
    assert owner.count('class="menu c-member-more"') == 2
    assert "Make moderator" in owner
    assert "Hand over ownership" in owner
