"""Search's one write: asking an expert to answer a question (a notification, never automatic)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from watercooler.core.errors import Conflict
from watercooler.feed.models import Post
from watercooler.feed.queries import people_who_can_see
from watercooler.notifications.actions import do_notify
from watercooler.notifications.models import NotificationKind
from watercooler.people.models import User
from watercooler.people.queries import active_member
from watercooler.search import policy
from watercooler.search.models import ExpertAsk

ASK_MESSAGE = "Only the asker of an unanswered question may ask colleagues to answer it."


def check_can_ask(*, asker: User, question: Post, username: str) -> User:
    """The expert to ask: an active member who may see the question and is not the asker."""
    if not policy.can_ask_experts(asker, question):
        raise PermissionDenied(ASK_MESSAGE)
    expert = active_member(username)
    if (
        expert is None
        or expert.pk == asker.pk
        or expert.pk not in people_who_can_see(question, [expert.pk])
    ):
        raise ValidationError({"username": ["Choose someone who can see the question."]})
    return expert


@transaction.atomic
def do_ask_expert(*, asker: User, question: Post, username: str) -> User:
    """Notify ``username`` that ``asker`` thinks they may know the answer; once per question
    and person (asking again is a Conflict)."""
    expert = check_can_ask(asker=asker, question=question, username=username)
    try:
        with transaction.atomic():
            ExpertAsk.objects.create(question=question, asker=asker, expert=expert)
    except IntegrityError:
        raise Conflict(f"You already asked {expert.display_name}.") from None
    do_notify(
        kind=NotificationKind.EXPERT_ASK, recipient_ids=[expert.pk], actor=asker, post=question
    )
    return expert
