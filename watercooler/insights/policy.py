"""Who may see which insights. Organisation-wide numbers and the network: communications people
and administrators. A manager: the aggregates of their own reports. Everyone: the reach of their
own posts and what is computed about themselves. Breakdowns never show a group smaller than the
organisation's minimum; people who opt out of being named are counted, never shown."""

from django.core.exceptions import PermissionDenied

from watercooler.core.models import SiteSettings
from watercooler.core.policy import is_active_person
from watercooler.feed.models import Post
from watercooler.people.models import User

ORGANISATION_MESSAGE = (
    "Organisation-wide insights are for communications people and administrators."
)
REACH_MESSAGE = "Only the author and communications people can see a post's reach."
TEAM_MESSAGE = "Team insights are for managers, about the people who report to them."


def can_see_organisation(viewer: User) -> bool:
    return is_active_person(viewer) and viewer.is_communications


def can_see_reach(viewer: User, post: Post) -> bool:
    return is_active_person(viewer) and (post.author_id == viewer.pk or viewer.is_communications)


def check_organisation(viewer: User) -> None:
    """Organisation-wide insights (adoption, campaigns, the network): 403 for anyone else."""
    if not can_see_organisation(viewer):
        raise PermissionDenied(ORGANISATION_MESSAGE)


def can_see_own_insights(viewer: User) -> bool:
    return is_active_person(viewer)


def check_own_insights(viewer: User) -> None:
    if not can_see_own_insights(viewer):
        raise PermissionDenied("Sign in to see what is computed about you.")


def min_group_size() -> int:
    """The smallest group a breakdown may show (the organisation's setting, at least 1)."""
    return max(1, SiteSettings.load().insights_min_group_size)


def named_by_default() -> bool:
    return SiteSettings.load().network_named_by_default


def is_named(person: User, *, default: bool | None = None) -> bool:
    """Whether network analysis may show ``person`` by name: their own choice, else the
    organisation's default."""
    if person.named_in_network is not None:
        return person.named_in_network
    return named_by_default() if default is None else default
