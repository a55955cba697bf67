"""Web push: notifications that reach a device with the app closed (RFC 8030, with RFC 8291's
encryption and RFC 8292's VAPID signature, through pywebpush).

A person opts in per device (``do_subscribe_push`` with the browser's ``PushSubscription``).
When notifications are made for people with a device (``device_owners``, cached), one task is
queued after the commit (``queue_push``): it asks every recipient's settings in bulk and pushes to each of their devices what they want pushed
(``NotificationSettings.wants("push", …)``), unless they are in quiet hours, paused, or read
only the digest (nothing is held: the app still collects). A subscription the push service says
is gone (404 or 410) is removed.

The VAPID key comes from ``WEBPUSH_VAPID_PRIVATE_KEY`` or, when unset, a key generated once into
``var/`` (as the secret key is); in production without it, push is off (``enabled``).
"""

import base64
import binascii
import functools
import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush

from watercooler.core.errors import FieldErrors
from watercooler.core.policy import check_active
from watercooler.notifications import queries
from watercooler.notifications.models import Notification, PushSubscription
from watercooler.people.models import User

logger = logging.getLogger(__name__)

# Seconds a push service keeps a push for a device that is offline.
TTL = 24 * 3600
TIMEOUT = 10.0
# Devices a person may have subscribed at once; the oldest goes when one more subscribes.
MAX_DEVICES = 10


@functools.cache
def _vapid() -> Vapid02 | None:
    raw = settings.WEBPUSH_VAPID_PRIVATE_KEY.strip()
    if raw:
        if raw.startswith("-----BEGIN"):
            return Vapid02.from_pem(raw.encode())
        return Vapid02.from_string(raw)
    if settings.PRODUCTION:
        return None
    path = Path(settings.VAR_DIR) / "vapid_private.pem"
    if not path.exists():
        key = Vapid02()
        key.generate_keys()
        key.save_key(str(path))
        path.chmod(0o600)
    return Vapid02.from_file(str(path))


def enabled() -> bool:
    return _vapid() is not None


def public_key() -> str:
    """The key browsers subscribe with (``applicationServerKey``), base64url; "" when off."""
    vapid = _vapid()
    if vapid is None:
        return ""
    raw = vapid.public_key.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _b64url_bytes(value: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None


def check_subscription(endpoint: object, p256dh: object, auth: object) -> tuple[str, str, str]:
    """The subscription's parts if they can take a push; ValidationError naming the field
    otherwise. Endpoints must be https (``WEBPUSH_TEST_HOSTS`` may be plain http)."""
    errors = FieldErrors()
    url = endpoint if isinstance(endpoint, str) else ""
    parts = urlsplit(url) if len(url) <= 1000 else None
    test_host = parts is not None and parts.hostname in settings.WEBPUSH_TEST_HOSTS
    if (
        parts is None
        or not parts.hostname
        or not (parts.scheme == "https" or (test_host and parts.scheme == "http"))
    ):
        errors.add("endpoint", "A push endpoint is an https URL of up to 1,000 characters.")
    key = _b64url_bytes(p256dh) if isinstance(p256dh, str) and len(p256dh) <= 120 else None
    if key is None or len(key) != 65 or key[0] != 4:
        errors.add("keys.p256dh", "Give the subscription's P-256 public key (base64url).")
    secret = _b64url_bytes(auth) if isinstance(auth, str) and len(auth) <= 40 else None
    if secret is None or len(secret) != 16:
        errors.add("keys.auth", "Give the subscription's 16-byte auth secret (base64url).")
    errors.raise_if_any()
    assert isinstance(p256dh, str)
    assert isinstance(auth, str)
    return url, p256dh, auth


def do_subscribe_push(
    *, user: User, endpoint: object, p256dh: object, auth: object, user_agent: str = ""
) -> PushSubscription:
    """Subscribe this device for ``user``. A browser has one subscription per site, so an
    endpoint someone else had on this device becomes this person's."""
    check_active(user)
    if not enabled():
        raise ValidationError({"endpoint": "Push is not set up on this server."})
    url, key, secret = check_subscription(endpoint, p256dh, auth)
    with transaction.atomic():
        subscription, _ = PushSubscription.objects.update_or_create(
            endpoint=url,
            defaults={
                "person": user,
                "p256dh": key,
                "auth": secret,
                "user_agent": user_agent[:300],
            },
        )
        extra = list(
            PushSubscription.objects.filter(person=user)
            .order_by("-created_at", "-pk")
            .values_list("pk", flat=True)[MAX_DEVICES:]
        )
        if extra:
            PushSubscription.objects.filter(pk__in=extra).delete()
    _forget_device_owners()
    return subscription


def do_unsubscribe_push(*, user: User, subscription_id: int) -> bool:
    """Remove one of ``user``'s own subscriptions; False when they have none of that id."""
    deleted, _ = PushSubscription.objects.filter(pk=subscription_id, person_id=user.pk).delete()
    _forget_device_owners()
    return bool(deleted)


# --- Sending ------------------------------------------------------------------------------------


# Who has a device subscribed, kept in the cache so that making a notification for someone
# without one (most people) costs nothing: no query, no task. A minute at most: the embedded
# default's cache is each process's own, and the task worker makes notifications too.
DEVICE_OWNERS_KEY = "notifications:push-device-owners"
DEVICE_OWNERS_SECONDS = 60


def device_owners() -> set[int]:
    owners: set[int] | None = cache.get(DEVICE_OWNERS_KEY)
    if owners is None:
        owners = set(PushSubscription.objects.values_list("person_id", flat=True).distinct())
        cache.set(DEVICE_OWNERS_KEY, owners, DEVICE_OWNERS_SECONDS)
    return owners


def _forget_device_owners() -> None:
    transaction.on_commit(lambda: cache.delete(DEVICE_OWNERS_KEY), robust=True)


def queue_push(rows: Sequence[Notification]) -> None:
    """After the commit, ask the task worker to push those of these new notifications whose
    recipients have a device subscribed."""
    if not rows or not enabled():
        return
    owners = device_owners()
    ids = [row.pk for row in rows if row.recipient_id in owners]
    if ids:
        transaction.on_commit(lambda: push_notifications_task.enqueue(ids), robust=True)


@dataclass(frozen=True)
class PushReport:
    pushed: int
    removed: int
    failed: int


def payload(row: Notification, unread: int) -> str:
    return json.dumps(
        {
            "title": settings.SITE_NAME,
            "body": queries.notification_text(row),
            "url": reverse("notifications:open", args=[row.pk]),
            "tag": row.group_key or f"notification-{row.pk}",
            "unread": unread,
        }
    )


# Notifications per round: well under every database's limit on bound parameters.
CHUNK = 900


def push_notifications(notification_ids: Iterable[int]) -> PushReport:
    """Push each notification to its recipient's devices, as their settings allow, 900 at a
    time. Most people have no device subscribed: finding that out is the one query per round
    they cost."""
    ids = list(notification_ids)
    pushed = removed = failed = 0
    for start in range(0, len(ids), CHUNK):
        report = _push_round(ids[start : start + CHUNK])
        pushed, removed, failed = (
            pushed + report.pushed,
            removed + report.removed,
            failed + report.failed,
        )
    return PushReport(pushed, removed, failed)


def _push_round(ids: list[int]) -> PushReport:
    vapid = _vapid()
    devices: dict[int, list[PushSubscription]] = defaultdict(list)
    recipients = Notification.objects.filter(pk__in=ids).values("recipient_id")
    for subscription in PushSubscription.objects.filter(
        person_id__in=recipients, person__is_active=True
    ):
        devices[subscription.person_id].append(subscription)
    if vapid is None or not devices:
        return PushReport(0, 0, 0)
    rows = list(
        Notification.objects.filter(
            pk__in=ids, read_at__isnull=True, recipient_id__in=list(devices)
        )
        .select_related("actor", "post__announcement", "community", "event")
        .defer("post__body_html")
    )
    chosen = queries.settings_of(list(devices))
    unread = dict(
        Notification.objects.filter(recipient_id__in=list(devices), read_at__isnull=True)
        .values_list("recipient_id")
        .annotate(n=Count("id"))
        .values_list("recipient_id", "n")
    )
    now = timezone.now()
    pushed = failed = 0
    gone: list[int] = []
    reached: list[int] = []
    with requests.Session() as session:
        for row in rows:
            wanted = chosen.get(row.recipient_id)
            if (
                wanted is None
                or not wanted.wants("push", row.kind)
                or wanted.digest_only
                or wanted.quiet_at(now)
            ):
                continue
            data = payload(row, unread.get(row.recipient_id, 0))
            for subscription in devices[row.recipient_id]:
                outcome = send_one(subscription, data, vapid, session)
                if outcome == "sent":
                    pushed += 1
                    reached.append(subscription.pk)
                elif outcome == "gone":
                    gone.append(subscription.pk)
                else:
                    failed += 1
    if gone:
        PushSubscription.objects.filter(pk__in=gone).delete()
        _forget_device_owners()
    if reached:
        PushSubscription.objects.filter(pk__in=reached).update(last_pushed_at=now)
    return PushReport(pushed, len(gone), failed)


def send_one(
    subscription: PushSubscription, data: str, vapid: Vapid02, session: requests.Session
) -> str:
    """ "sent", "gone" (the service no longer knows the subscription) or "failed"."""
    endpoint = urlsplit(subscription.endpoint)
    claims = {"sub": settings.WEBPUSH_SUBJECT, "aud": f"{endpoint.scheme}://{endpoint.netloc}"}
    try:
        webpush(
            {
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            data=data,
            vapid_private_key=vapid,
            vapid_claims=claims,
            ttl=TTL,
            timeout=TIMEOUT,
            requests_session=session,
        )
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else None
        if status in (404, 410):
            return "gone"
        logger.warning("A push to subscription %s failed: %s", subscription.pk, status)
        return "failed"
    except requests.RequestException as error:
        logger.warning("A push to subscription %s failed: %s", subscription.pk, error)
        return "failed"
    return "sent"


@task
def push_notifications_task(notification_ids: list[int]) -> dict[str, int]:
    report = push_notifications(notification_ids)
    return {"pushed": report.pushed, "removed": report.removed, "failed": report.failed}
