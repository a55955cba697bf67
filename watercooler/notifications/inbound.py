"""Reply by email: an answer to a notification's email becomes a reply in the thread (or a
message in the conversation) it came from.

Each email about a thread carries a ``Reply-To`` of its own, ``reply+<token>@EMAIL_REPLY_DOMAIN``
(when that domain is set): the token names the person it was sent to and the thread, signed with
the site's secret key (``reply_address``). What arrives there — through the SMTP gateway
(``manage.py email_gateway``) or a mail provider's webhook (``POST /api/v1/email/inbound``) —
is checked (``receive``): the token must be ours, the sender must be that person's address and
they must still be active and allowed to write there; the text above the quoted email is kept
(``strip_quoted``) and posted through the same actions as the pages. A message delivered twice
(the same ``Message-ID``) is posted once.

Where a reply goes is decided by the thread's kind: ``post`` here (the feed's replies), others
by a later app that registers its writer (``register_target``), as messaging does for
conversations.
"""

import email
import email.policy
import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parseaddr

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils.crypto import salted_hmac
from django.utils.html import strip_tags

from watercooler.core.errors import one_line
from watercooler.feed.actions import do_create_reply
from watercooler.feed.queries import access_post
from watercooler.notifications.models import InboundEmail
from watercooler.people.models import User

SALT = "watercooler.notifications.reply-by-email"
LOCAL_PART = "reply"
# What may follow ``reply+``: <person>-<kind letter><id>-<signature>.
TOKEN = re.compile(r"^(\d{1,12})-([a-z])(\d{1,12})-([0-9a-f]{20})$")
KINDS = {"p": "post", "c": "conversation"}
MAX_CHARS = 10_000

# kind -> (person, id, text) -> what was written, for kinds of later apps.
TARGETS: dict[str, Callable[[User, int, str], object]] = {}


def register_target(kind: str, write: Callable[[User, int, str], object]) -> None:
    TARGETS[kind] = write


class Refused(Exception):
    """Why an inbound email was not posted, in words for the sender's bounce."""


@dataclass(frozen=True)
class Received:
    kind: str
    target_id: int
    person: User
    duplicate: bool = False


def _signature(person_id: int, letter: str, target_id: int) -> str:
    value = f"{person_id}-{letter}{target_id}"
    return salted_hmac(SALT, value, algorithm="sha256").hexdigest()[:20]


def reply_address(person_id: int, kind: str, target_id: int) -> str:
    """The address whose mail becomes ``person_id``'s reply to ``kind`` ``target_id``; "" when
    replying by email is off (no ``EMAIL_REPLY_DOMAIN``)."""
    domain = settings.EMAIL_REPLY_DOMAIN
    letter = next((key for key, name in KINDS.items() if name == kind), None)
    if not domain or letter is None:
        return ""
    signature = _signature(person_id, letter, target_id)
    return f"{LOCAL_PART}+{person_id}-{letter}{target_id}-{signature}@{domain}"


def _target(address: str) -> tuple[int, str, int] | None:
    """(person, kind, id) of a reply address of ours, else None."""
    local, _, domain = parseaddr(address)[1].partition("@")
    prefix, plus, token = local.partition("+")
    if not plus or prefix.lower() != LOCAL_PART:
        return None
    if settings.EMAIL_REPLY_DOMAIN and domain.lower() != settings.EMAIL_REPLY_DOMAIN.lower():
        return None
    match = TOKEN.match(token.lower())
    if match is None:
        return None
    person, letter, target, signature = match.groups()
    if letter not in KINDS:
        return None
    expected = _signature(int(person), letter, int(target))
    if not hmac.compare_digest(expected, signature):
        return None
    return int(person), KINDS[letter], int(target)


def is_reply_address(address: str) -> bool:
    return _target(address) is not None


# Lines that start what a mail client quotes below a reply.
_QUOTE_HEADERS = (
    re.compile(r"^On .{1,200}wrote:\s*$"),
    re.compile(r"^-{2,}\s*Original Message\s*-{2,}", re.IGNORECASE),
    re.compile(r"^From:\s.+", re.IGNORECASE),
    re.compile(r"^_{10,}\s*$"),
)


def strip_quoted(text: str) -> str:
    """What the person wrote, without the email they answer: everything from the first quoted
    line (``>``), a client's "On … wrote:" line, an "Original Message" rule or a ``From:``
    header on, and a signature after ``-- ``."""
    kept: list[str] = []
    lines = text.replace("\r\n", "\n").split("\n")
    for index, line in enumerate(lines):
        stripped = line.strip()
        joined = f"{stripped} {lines[index + 1].strip()}" if index + 1 < len(lines) else stripped
        if stripped.startswith(">") or line == "-- " or stripped == "--":
            break
        if any(p.match(stripped) for p in _QUOTE_HEADERS):
            break
        # Some clients wrap "On Mon, … <someone@example.com> wrote:" over two lines.
        if _QUOTE_HEADERS[0].match(joined) and stripped.startswith("On "):
            break
        kept.append(line)
    return "\n".join(kept).strip()


def _text_of(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain", "html"))
    if body is None:
        return ""
    content = body.get_content()
    if not isinstance(content, str):
        return ""
    if body.get_content_type() == "text/html":
        content = strip_tags(re.sub(r"(?i)<br\s*/?>|</p>", "\n", content))
    return content


def receive(raw: bytes, recipients: list[str] | None = None) -> Received:
    """Post what the email ``raw`` says, as a reply from the person it was sent to; raises
    ``Refused`` with the reason otherwise. ``recipients`` are the envelope's (the SMTP
    ``RCPT TO``); without them the message's own ``To`` and ``Cc`` are read."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    addresses = recipients or [
        address
        for header in ("To", "Cc", "Delivered-To")
        for address in message.get_all(header, [])
    ]
    targets = [found for found in map(_target, addresses) if found is not None]
    if not targets:
        raise Refused("This address does not take replies: reply from the email you received.")
    person_id, kind, target_id = targets[0]
    person = User.objects.filter(pk=person_id, is_active=True).first()
    if person is None or not person.email:
        raise Refused("This reply address is no longer in use.")
    sender = parseaddr(str(message.get("From", "")))[1]
    if sender.lower() != person.email.lower():
        raise Refused("Reply from the address the email was sent to.")
    text = strip_quoted(_text_of(message))[:MAX_CHARS]
    if not text:
        raise Refused("The reply was empty: write above the quoted email.")
    message_id = str(message.get("Message-ID", "")).strip()[:250] or hashlib.sha256(raw).hexdigest()
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    InboundEmail.objects.create(message_id=message_id, person=person)
            except IntegrityError:
                return Received(kind, target_id, person, duplicate=True)
            _write(person, kind, target_id, text)
    except (Http404, PermissionDenied) as error:
        raise Refused("You can no longer reply there.") from error
    except ValidationError as error:
        raise Refused(one_line(error)) from error
    return Received(kind, target_id, person)


def _write(person: User, kind: str, target_id: int, text: str) -> object:
    if kind == "post":
        return do_create_reply(author=person, post=access_post(person, target_id), body=text)
    write = TARGETS.get(kind)
    if write is None:
        raise Http404("Nothing takes these replies.")
    return write(person, target_id, text)
