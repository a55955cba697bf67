"""What questions do when the feed changes (feed/signals.py). Connected in ``apps.py``: the feed
sends these signals without knowing this app."""

from typing import Any

from django.dispatch import receiver

from watercooler.feed import signals
from watercooler.feed.models import Reply
from watercooler.questions import actions


@receiver(signals.reply_deleted, dispatch_uid="questions.reply_deleted")
def on_reply_deleted(sender: Any, *, reply: Reply, **_: Any) -> None:
    actions.forget_deleted_answer(reply=reply)
