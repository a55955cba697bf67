"""What every communities action shares: the actor's membership row, the lock on a community's
row, and the checks that refuse an actor (``PermissionDenied``)."""

from django.core.exceptions import PermissionDenied

from watercooler.communities.models import Community, Membership
from watercooler.communities.queries import can_moderate
from watercooler.core.policy import check_active
from watercooler.people.models import User


def check_can_create(actor: User) -> None:
    check_active(actor)
    if actor.is_guest:
        raise PermissionDenied("Guests cannot create communities.")


def membership_row(community: Community, user: User) -> Membership | None:
    return Membership.objects.filter(community_id=community.pk, user_id=user.pk).first()


def check_moderator(actor: User, community: Community, message: str) -> Membership | None:
    """PermissionDenied unless ``actor`` moderates ``community``; returns their membership."""
    check_active(actor)
    mine = membership_row(community, actor)
    if not can_moderate(actor, mine):
        raise PermissionDenied(message)
    return mine


def lock(community: Community) -> Community:
    """Lock the community's row: every membership change of one community is serialised here."""
    return Community.objects.select_for_update().get(pk=community.pk)
