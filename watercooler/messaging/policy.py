"""Who may read and write what in messaging. Only the people in a conversation read it: not
administrators, not communications people. A guest messages only people they share an active
community with; nobody messages someone who blocked them."""

from django.core.exceptions import PermissionDenied

from watercooler.communities.models import Membership, MembershipStatus
from watercooler.core.models import SiteSettings
from watercooler.core.policy import check_active
from watercooler.messaging.models import Block, Seat
from watercooler.people.models import User

NOT_IN_CONVERSATION = "No such conversation."

# "Seen by" is shown in conversations of at most this many people (past it, a list of who read
# what is noise, and every read would be sent to everyone).
SEEN_BY_LIMIT = 20
# Each process serving websockets beats this often for the people with a socket open there; a
# beat counts for PRESENCE_EXPIRES_SECONDS (two missed beats and a margin), so a dropped socket
# or a crashed process shows offline within that time.
HEARTBEAT_SECONDS = 30.0
PRESENCE_EXPIRES_SECONDS = 75.0
# With a socket open but nothing done for this long, a person is away.
AWAY_AFTER_SECONDS = 300.0
# One socket tells a conversation "typing" at most this often; readers show it this long.
TYPING_EVERY_SECONDS = 3.0
TYPING_SHOWN_SECONDS = 6.0


def size_limit() -> int:
    """The most people a conversation may hold (the organisation's setting, at least 2)."""
    return max(2, SiteSettings.load().conversation_size_limit)


def shares_a_community(guest: User, other: User) -> bool:
    mine = Membership.objects.filter(user=guest, status=MembershipStatus.ACTIVE).values(
        "community_id"
    )
    return Membership.objects.filter(
        user=other, status=MembershipStatus.ACTIVE, community_id__in=mine
    ).exists()


def may_message(sender: User, receiver: User) -> bool:
    """Whether ``sender`` may start talking to ``receiver`` or add them to a conversation."""
    if not receiver.is_active or receiver.pk == sender.pk:
        return False
    if Block.objects.filter(blocker=receiver, blocked=sender).exists():
        return False
    if sender.is_guest or receiver.is_guest:
        guest, other = (sender, receiver) if sender.is_guest else (receiver, sender)
        return shares_a_community(guest, other)
    return True


def check_can_message(sender: User, receivers: list[User]) -> list[User]:
    """The receivers ``sender`` may not message (empty when all may be)."""
    check_active(sender)
    return [person for person in receivers if not may_message(sender, person)]


def check_can_block(actor: User, other: User) -> None:
    check_active(actor)
    if other.pk == actor.pk:
        raise PermissionDenied("You can't block yourself.")


def can_write(seat: Seat | None) -> bool:
    """Only a present seat writes (a person who left reads what they saw, nothing more)."""
    return seat is not None and seat.left_at is None


def check_can_write(seat: Seat | None) -> None:
    if not can_write(seat):
        raise PermissionDenied("You are no longer in this conversation.")


def can_manage(seat: Seat | None) -> bool:
    """Title, adding and removing people: the conversation's admins (its starter and the people
    they make admins), in a group conversation."""
    return can_write(seat) and seat is not None and seat.is_admin
