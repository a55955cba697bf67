"""Reply by email: a missed-activity email's Reply-To takes the answer back into its thread or
conversation, through the SMTP gateway (a real SMTP conversation with aiosmtpd) and the
providers' webhook; quoted text is stripped; forged, altered or foreign addresses, the wrong
sender, people who may no longer write there and a second delivery of one message post nothing."""

import datetime as dt
import smtplib
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from watercooler.feed import actions as feed
from watercooler.feed.models import Reply
from watercooler.messaging import actions as messaging
from watercooler.messaging.models import Message, Seat
from watercooler.notifications import emails, inbound
from watercooler.notifications.management.commands.email_gateway import ReplyHandler
from watercooler.testing.fixtures import ApiClient, Mailbox, free_port
from watercooler.testing.world import World

pytestmark = pytest.mark.django_db

DOMAIN = "reply.example.com"


@pytest.fixture(autouse=True)
def _reply_domain(settings: Any) -> None:
    settings.EMAIL_REPLY_DOMAIN = DOMAIN
    settings.EMAIL_INBOUND_SECRET = "s3cret-for-tests"


def _answer(to: str, sender: str, text: str, message_id: str = "<a1@mail.example>") -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = "Re: your notification"
    message["Message-ID"] = message_id
    message.set_content(text)
    return message.as_bytes()


QUOTED = """Friday works for me.

See you there.

On Mon, 7 Dec 2026 at 09:12, Watercooler <watercooler@localhost> wrote:
> Theo Teammate replied to your post
> Which office opens first?
"""


def test_the_missed_email_carries_a_reply_address_that_posts_the_reply(
    world: World, smtp_server: Mailbox, django_capture_on_commit_callbacks: Any
) -> None:
    post = feed.create_post(world.owner, body="When is the offsite?")
    with django_capture_on_commit_callbacks(execute=True):
        feed.do_create_reply(author=world.teammate, post=post, body="Friday?")
    with django_capture_on_commit_callbacks(execute=True):
        emails.send_missed_activity(now=timezone.now() + dt.timedelta(minutes=11))
    [message] = smtp_server.to(world.owner.email)
    address = message["Reply-To"]
    assert address.startswith("reply+")
    assert address.endswith(f"@{DOMAIN}")
    assert "Or reply to this email" in Mailbox.body(message)
    received = inbound.receive(_answer(address, world.owner.email, QUOTED))
    assert (received.kind, received.target_id, received.duplicate) == ("post", post.pk, False)
    reply = Reply.objects.filter(post=post, author=world.owner).get()
    assert reply.body == "Friday works for me.\n\nSee you there."
    # The same email delivered again is posted once.
    assert inbound.receive(_answer(address, world.owner.email, QUOTED)).duplicate
    assert Reply.objects.filter(post=post, author=world.owner).count() == 1


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Yes.\n\n> quoted\n> more", "Yes."),
        ("Sure\n-- \nOlivia, Product", "Sure"),
        ("Ok\n\n-----Original Message-----\nFrom: x", "Ok"),
        ("Ok\n\nOn Mon, 7 Dec 2026, Watercooler\n<w@localhost> wrote:\n> x", "Ok"),
        ("From the start, yes", "From the start, yes"),
    ],
)
def test_quoted_text_and_signatures_are_stripped(text: str, kept: str) -> None:
    assert inbound.strip_quoted(text) == kept


def test_what_is_refused_posts_nothing(world: World) -> None:
    post = feed.create_post(world.owner, body="Plans")
    address = inbound.reply_address(world.teammate.pk, "post", post.pk)
    refused = {
        "another's address": _answer(
            address.replace(f"{world.teammate.pk}-", f"{world.outsider.pk}-"),
            world.outsider.email,
            "hi",
        ),
        "a foreign address": _answer(f"someone@{DOMAIN}", world.teammate.email, "hi"),
        "the wrong sender": _answer(address, world.outsider.email, "hi"),
        "nothing written": _answer(address, world.teammate.email, "> only quoted"),
    }
    for why, raw in refused.items():
        with pytest.raises(inbound.Refused):
            inbound.receive(raw)
        assert not Reply.objects.filter(post=post).exists(), why
    # Someone deactivated since, and someone who can no longer see the post.
    world.teammate.is_active = False
    world.teammate.save(update_fields=["is_active"])
    with pytest.raises(inbound.Refused, match="no longer in use"):
        inbound.receive(_answer(address, world.teammate.email, "hi"))
    feed.do_delete_post(actor=world.owner, post=post)
    owner_address = inbound.reply_address(world.owner.pk, "post", post.pk)
    with pytest.raises(inbound.Refused, match="no longer reply"):
        inbound.receive(_answer(owner_address, world.owner.email, "hi", "<other@x>"))


def test_a_reply_to_a_message_email_goes_into_the_conversation(world: World) -> None:
    conversation, _ = messaging.do_start_conversation(
        actor=world.teammate, usernames=[world.owner.username]
    )
    address = inbound.reply_address(world.owner.pk, "conversation", conversation.pk)
    inbound.receive(_answer(address, world.owner.email, "On my way"))
    assert Message.objects.filter(conversation=conversation, author=world.owner).get().body == (
        "On my way"
    )
    # Someone who left the conversation can no longer answer into it.
    Seat.objects.filter(conversation=conversation, person=world.owner).update(
        left_at=timezone.now()
    )
    with pytest.raises(inbound.Refused):
        inbound.receive(_answer(address, world.owner.email, "again", "<a2@mail.example>"))
    # The outsider cannot use a conversation address made for them by hand either.
    forged = inbound.reply_address(world.outsider.pk, "conversation", conversation.pk)
    with pytest.raises(inbound.Refused):
        inbound.receive(_answer(forged, world.outsider.email, "let me in", "<a3@mail.example>"))


@pytest.mark.django_db(transaction=True)
def test_the_smtp_gateway_takes_replies_and_refuses_the_rest(world: World) -> None:
    post = feed.create_post(world.owner, body="Where do we meet?")
    address = inbound.reply_address(world.teammate.pk, "post", post.pk)
    port = free_port()
    controller = Controller(ReplyHandler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            client.sendmail(
                world.teammate.email,
                [address],
                _answer(address, world.teammate.email, "By the lifts"),
            )
            with pytest.raises(smtplib.SMTPRecipientsRefused):
                client.sendmail(
                    world.teammate.email, ["nobody@example.com"], b"Subject: x\r\n\r\nx"
                )
            with pytest.raises(smtplib.SMTPDataError, match="address the email was sent to"):
                client.sendmail(
                    world.outsider.email,
                    [address],
                    _answer(address, world.outsider.email, "sneaky", "<b@x>"),
                )
    finally:
        controller.stop()
    assert list(Reply.objects.filter(post=post).values_list("body", flat=True)) == ["By the lifts"]


def test_the_webhook_needs_its_secret_and_names_what_is_wrong(world: World, settings: Any) -> None:
    post = feed.create_post(world.owner, body="Lunch?")
    address = inbound.reply_address(world.teammate.pk, "post", post.pk)
    client = ApiClient(None)
    body = {"recipient": address, "sender": world.teammate.email, "text": "Yes please"}
    assert client.post("/email/inbound", body).status_code == 401
    client.token = "wrong"
    assert client.post("/email/inbound", body).status_code == 401
    client.token = settings.EMAIL_INBOUND_SECRET
    posted = client.post("/email/inbound", body)
    assert posted.status_code == 201, posted.content
    assert posted.json() == {"kind": "post", "target_id": post.pk, "duplicate": False}
    raw = _answer(address, world.teammate.email, "Raw works too", "<raw@x>").decode()
    assert client.post("/email/inbound", {"raw": raw}).status_code == 201
    refused = client.post("/email/inbound", {**body, "sender": world.outsider.email})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "recipient"
    assert client.post("/email/inbound", {"text": "no address"}).status_code == 422
    assert Reply.objects.filter(post=post).count() == 2
    settings.EMAIL_INBOUND_SECRET = ""
    assert client.post("/email/inbound", body).status_code == 404
