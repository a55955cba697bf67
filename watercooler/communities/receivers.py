"""Directory rules re-apply when profiles change: receivers of the people app's signals.

The people app sends ``profiles_changed`` after its transaction commits (a profile's
department, location or role changed, a person was created or reactivated, an HR import ran),
so the rules re-apply in a transaction of their own. A failure is logged, not raised: the
profile change has already happened, and the next change or an owner saving the rule again
re-applies it.
"""

import logging
from typing import Any

from django.dispatch import receiver

from watercooler.communities.rules import apply_rules_for_people
from watercooler.people.signals import profiles_changed

logger = logging.getLogger(__name__)


@receiver(profiles_changed, dispatch_uid="communities.profiles_changed")
def on_profiles_changed(sender: Any, *, user_ids: list[int], **_: Any) -> None:
    try:
        apply_rules_for_people(user_ids)
    except Exception:
        logger.exception("Re-applying directory rules for %d people failed", len(user_ids))
