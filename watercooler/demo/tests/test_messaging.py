"""The messaging demo: the member's conversations (direct and group), written by people in them,
with unread counts that match what each person has not read."""

import pytest

from watercooler.demo.builder import STEPS, run_demo
from watercooler.messaging.actions import unread_after
from watercooler.messaging.models import Conversation, Message, Seat


@pytest.mark.django_db
def test_the_member_finds_believable_conversations() -> None:
    demo = run_demo(
        people=60,
        seed=7,
        photos=False,
        steps=[step for step in STEPS if step.name in ("people", "messaging")],
    )
    member = demo.accounts["member"]
    assert Conversation.objects.count() == 4
    mine = Seat.objects.filter(person=member)
    assert mine.count() == 3
    assert {s.conversation.title for s in mine} == {"", "Release train"}
    for message in Message.objects.select_related("conversation"):
        assert Seat.objects.filter(
            conversation=message.conversation, person=message.author
        ).exists()
    for seat in Seat.objects.all():
        assert seat.unread_count == unread_after(seat, seat.last_read_id)
    assert any("open Messages" in note for note in demo.notes)
