"""Notifications' side objects for the site-wide scope walk: a message in the side's
resident's inbox (the notice of the side is already built by scope_sides)."""

from __future__ import annotations

from tests.core import scope_sides


def notifications_side(world, side):
    from linli.notifications.models import Notification

    w = scope_sides._who(world, side)
    n = Notification.objects.create(
        recipient=w["resident"], kind="notice_published", title=f"{w['marker']}消息",
        body=f"{w['marker']}内容", dedup_key=f"scope:{side}",
    )  # fmt: skip
    return {"notification": n}


scope_sides.KWARG_KINDS.setdefault("notification_id", "notification")
if not any(getattr(f, "__name__", "") == "notifications_side" for f in scope_sides.BUILDERS):
    scope_sides.BUILDERS.append(notifications_side)
