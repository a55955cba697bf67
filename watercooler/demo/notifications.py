"""The notification settings of the demo's ``member``: someone who has chosen, as people do
after a few weeks, a daily digest, quiet evenings, no email about reactions, and the on-call
rota's #topic muted — so the settings page shows choices made, not only defaults. Made through
the product's own actions."""

import datetime as dt

from watercooler.demo.context import DemoContext
from watercooler.feed.models import Topic
from watercooler.notifications import actions


def build(ctx: DemoContext) -> None:
    member = ctx.accounts.get("member")
    if member is None:
        return
    actions.do_change_notification_settings(
        user=member,
        changes={
            "digest": "daily",
            "quiet_start": dt.time(21, 0),
            "quiet_end": dt.time(7, 0),
            "email": {"reactions": False, "followers": False},
        },
    )
    # The on-call rota's chatter: busy, and for the people on call, not for a product engineer.
    oncall = Topic.objects.filter(name="oncall").first()
    if oncall is not None:
        actions.do_mute(user=member, topic=oncall)
    ctx.notes.append(
        "Notifications: member reads a daily digest, is quiet from 21:00 to 07:00"
        + (f" and muted #{oncall.label}" if oncall else "")
        + " (Notifications → Choose what notifies you)."
    )
