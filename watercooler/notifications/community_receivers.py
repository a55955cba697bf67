"""Notifications about communities: receivers of the communities app's domain signals.

A request to join tells the community's owners and moderators; being added tells the person
(``community_added``), and so does an approved request (``community_approved``). Joining an
open community, or being added by a directory rule, tells nobody: that would be noise.

The signals are sent after the change commits; a failure here is logged, not raised (other
receivers of the same signal must still run, and the membership change has already happened).
"""

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.dispatch import receiver

from watercooler.communities import signals
from watercooler.communities.models import (
    Community,
    MemberRole,
    Membership,
    MembershipStatus,
)
from watercooler.notifications import actions
from watercooler.notifications.models import NotificationKind
from watercooler.people.models import User

logger = logging.getLogger(__name__)


def _logged(handler: Callable[..., None]) -> Callable[..., None]:
    @functools.wraps(handler)
    def wrapper(sender: Any, **kwargs: Any) -> None:
        try:
            handler(sender, **kwargs)
        except Exception:
            logger.exception("Notifications for %s failed", handler.__name__)

    return wrapper


@receiver(signals.membership_requested, dispatch_uid="notifications.community_request")
@_logged
def on_membership_requested(sender: Any, *, community: Community, user: User, **_: Any) -> None:
    # Only the community's own owners and moderators: they are members, so even a secret
    # community's name reaches nobody who may not know it.
    moderators = Membership.objects.filter(
        community_id=community.pk,
        status=MembershipStatus.ACTIVE,
        role__in=[MemberRole.OWNER, MemberRole.MODERATOR],
    ).values_list("user_id", flat=True)
    actions.do_notify(
        kind=NotificationKind.COMMUNITY_REQUEST,
        recipient_ids=list(moderators),
        actor=user,
        community=community,
    )


@receiver(signals.member_added, dispatch_uid="notifications.community_added")
@_logged
def on_member_added(
    sender: Any, *, community: Community, user: User, by: User, approved: bool, **_: Any
) -> None:
    actions.do_notify(
        kind=NotificationKind.COMMUNITY_APPROVED if approved else NotificationKind.COMMUNITY_ADDED,
        recipient_ids=[user.pk],
        actor=by,
        community=community,
    )
