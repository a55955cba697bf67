"""Domain signals the communities app sends after a change commits, for apps above it
(notifications, search, insights) that communities must not import. Keyword arguments only.

Each is sent on commit, so a receiver never hears of a change that was rolled back; receivers
run outside the transaction.
"""

from django.dispatch import Signal

from watercooler.communities.models import Community
from watercooler.core.signals import send_signal_on_commit

# community=Community, by=User (its first owner)
community_created = Signal()
# community=Community, user=User: asked to join a closed community (owners and moderators decide)
membership_requested = Signal()
# community=Community, user=User: joined an open community by themselves
member_joined = Signal()
# community=Community, user=User, by=User, approved=bool: an owner or moderator added them
# (approved=True when that answered their request to join)
member_added = Signal()
# community=Community, user=User: left by themselves (or withdrew their request: was_pending=True)
member_left = Signal()
# community=Community, user=User, by=User, was_pending=bool: removed, or their request declined
member_removed = Signal()
# community=Community, user=User, role=str, by=User
role_changed = Signal()
# community=Community, added=list[int], removed=list[int] (user ids): a directory rule applied
rule_applied = Signal()


def send_on_commit(signal: Signal, **kwargs: object) -> None:
    """Send ``signal`` (from the Community model) once the current transaction commits."""
    send_signal_on_commit(signal, sender=Community, **kwargs)
