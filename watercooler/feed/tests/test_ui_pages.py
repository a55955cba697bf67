"""The page structure users rely on: the content before the side navigation (keyboard order),
the bottom bar's More menu, the reaction bar's live hooks and its "Who reacted" popover, and the
new-posts prompt's words. The browser checks are in test_ui_browser.py."""

import pytest
from django.urls import reverse

from watercooler.feed import actions
from watercooler.testing.fixtures import ClientAs
from watercooler.testing.world import World

pytestmark = pytest.mark.django_db


def test_main_content_comes_before_the_navigation_and_the_aside(
    world: World, client_as: ClientAs
) -> None:
    html = client_as(world.owner).get("/").content.decode()
    assert html.index('class="skip-link"') < html.index("<main")
    assert html.index("<main") < html.index('<nav class="sidenav"')
    assert html.index('id="composer"') < html.index('class="feed-aside"')


def test_bottom_bar_reaches_topics_and_the_org_chart(world: World, client_as: ClientAs) -> None:
    html = client_as(world.owner).get("/").content.decode()
    more = html[html.index('class="menu nav-more"') :]
    more = more[: more.index("</details>")]
    assert reverse("feed:topics") in more
    assert reverse("people:org_chart", args=[world.owner.username]) in more
    # Guests have neither (no topics or org chart for them), so no More menu either.
    assert "nav-more" not in client_as(world.guest).get("/").content.decode()


def test_new_posts_prompt_has_no_number_glued_to_fixed_words(
    world: World, client_as: ClientAs
) -> None:
    html = client_as(world.owner).get("/").content.decode()
    prompt = html[html.index("data-new-posts ") :]
    prompt = prompt[: prompt.index("</div>")]
    assert "&nbsp;new posts" not in prompt
    assert "data-new-posts-label" in prompt


def test_reaction_bar_gives_every_kind_a_live_number_and_a_popover(
    world: World, client_as: ClientAs
) -> None:
    post = actions.create_post(world.teammate, body="Release is out")
    html = client_as(world.owner).get(reverse("feed:post", args=[post.pk])).content.decode()
    bar = html[html.index(f'id="reactions-post-{post.pk}"') :]
    bar = bar[: bar.index("</form>")]
    # Every button carries its kind's number (hidden at 0) for live updates to fill in.
    for kind in ("like", "celebrate", "love", "insightful", "funny"):
        assert f'data-reaction-kind="{kind}"' in bar
    assert "data-reaction-label" in bar  # "Like" while nobody liked it
    # "Who reacted" is a popover with a close button, loaded into itself (not over the bar).
    assert '<details class="who-reacted">' not in bar
    assert 'role="dialog"' in bar
    assert "data-who-close" in bar
    assert 'hx-target="this" hx-swap="innerHTML" data-who-list' in bar
