"""The realtime event questions send, and the group it goes to.

Built and queued only by ``watercooler.questions.actions``, and delivered only after the
transaction commits (``watercooler.core.events.send_event``).

* ``answer.accepted`` → ``post.<post id>``.
"""

from dataclasses import dataclass
from typing import ClassVar

from watercooler.core.events import Event


@dataclass(frozen=True)
class AnswerAccepted(Event):
    """The accepted answer of question ``post_id`` changed: ``reply_id`` is the newly accepted
    reply, or null when the answer was cleared (by hand, or because the reply was deleted).
    Sent to ``post.<post id>``; a thread page reloads its replies."""

    type: ClassVar[str] = "answer.accepted"
    post_id: int
    reply_id: int | None
