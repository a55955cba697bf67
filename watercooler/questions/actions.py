"""Choosing and clearing a question's accepted answer: the only code that writes it.

A question (``Post.kind == "question"``) may have one accepted answer, a live reply under it,
chosen by the question's author or by a moderator of the community it was asked in
(``policy.can_accept_answer``). Choosing another reply replaces it. The actions follow
``feed/actions.py``: keyword-only, permission checked here (``PermissionDenied``), bad input as
``ValidationError`` keyed by field, and the realtime event (``answer.accepted``, to the post's
group) and the domain signal (``signals.answer_accepted``) only once the transaction commits.

Replies are soft-deleted, so the ``SET_NULL`` on ``Post.accepted_reply`` does not fire when an
author deletes the accepted reply: ``forget_deleted_answer`` (connected to the feed's
``reply_deleted`` in ``receivers.py``) clears it instead, and the thread page never marks a
deleted reply as accepted.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from watercooler.core.events import post_group, send_event
from watercooler.core.signals import send_signal_on_commit
from watercooler.feed.models import Post, PostKind, Reply
from watercooler.people.models import User
from watercooler.questions import signals
from watercooler.questions.events import AnswerAccepted
from watercooler.questions.policy import check_can_accept_answer


def _send_changed(post_id: int, reply_id: int | None) -> None:
    send_event([post_group(post_id)], AnswerAccepted(post_id=post_id, reply_id=reply_id))


def _lock_question(actor: User, post: Post) -> Post:
    """The post locked for the change, after the permission and kind checks."""
    check_can_accept_answer(actor, post)
    locked = Post.objects.select_for_update().get(pk=post.pk)
    if locked.deleted_at is not None:
        raise Http404("No such post.")
    if locked.kind != PostKind.QUESTION:
        raise ValidationError({"post": ["Only questions have an accepted answer."]})
    return locked


def _reply_id(raw: Any) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 < raw < 2**63:
        raise ValidationError({"reply_id": ["Choose a reply under this question."]})
    return raw


@transaction.atomic
def do_accept_answer(*, actor: User, post: Post, reply: Reply | int | None) -> Post:
    """Mark ``reply`` (a Reply, or its id) as the accepted answer of the question ``post``,
    which the caller loaded with ``access_post``; it replaces the previous one.

    403 unless ``actor`` asked the question or moderates its community; 422 on ``post`` when it
    is not a question and on ``reply_id`` when the reply is missing, deleted or under another
    post. Accepting the reply that is already accepted changes nothing and sends nothing.
    On commit: ``answer.accepted`` to ``post.<id>`` and ``signals.answer_accepted(post=,
    reply=, by=)``.
    """
    locked = _lock_question(actor, post)
    reply_id = reply.pk if isinstance(reply, Reply) else _reply_id(reply)
    chosen = (
        Reply.objects.select_related("author")
        .filter(pk=reply_id, post_id=locked.pk, deleted_at__isnull=True)
        .first()
    )
    if chosen is None:
        raise ValidationError({"reply_id": ["No such reply under this question."]})
    if locked.accepted_reply_id == chosen.pk:
        return locked
    locked.accepted_reply, locked.accepted_by = chosen, actor
    locked.save(update_fields=["accepted_reply", "accepted_by"])
    _send_changed(locked.pk, chosen.pk)
    send_signal_on_commit(signals.answer_accepted, sender=Post, post=locked, reply=chosen, by=actor)
    return locked


@transaction.atomic
def do_clear_answer(*, actor: User, post: Post) -> Post:
    """Take back the accepted answer of the question ``post`` (same permission as choosing it);
    the question is unanswered again. Nothing happens when there is none. On commit:
    ``answer.accepted`` with ``reply_id`` null."""
    locked = _lock_question(actor, post)
    if locked.accepted_reply_id is None:
        return locked
    locked.accepted_reply, locked.accepted_by = None, None
    locked.save(update_fields=["accepted_reply", "accepted_by"])
    _send_changed(locked.pk, None)
    return locked


@transaction.atomic
def forget_deleted_answer(*, reply: Reply) -> bool:
    """A deleted reply stops being its question's accepted answer. Returns whether it was."""
    cleared = Post.objects.filter(pk=reply.post_id, accepted_reply_id=reply.pk).update(
        accepted_reply=None, accepted_by=None
    )
    if cleared:
        _send_changed(reply.post_id, None)
    return bool(cleared)
