"""From an event to inboxes and external channels: hooks, quiet hours, de-duplication.

A service calls ``notify(kind, actor=…, **ids)`` inside its transaction. Nothing happens
then: after the transaction commits, a django-tasks task is enqueued, and the task builds the
messages from the committed records (``events.BUILDERS``), writes each recipient's inbox row
once (DB-unique dedup key) and sends SMS / WeChat as each user's preferences allow — outside
quiet hours only; at night they wait until the morning.
"""

from __future__ import annotations

import datetime
import logging
import zoneinfo

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from linli.notifications.models import (
    EXTERNAL_CHANNELS,
    ChannelPreference,
    Delivery,
    Kind,
    Notification,
)

logger = logging.getLogger("linli.notifications")

QUIET_TZ = "Asia/Shanghai"
MAX_ATTEMPTS = 3


def notify(kind: str, *, actor=None, **ids) -> None:
    """Schedule the event's messages for after the current transaction commits (a rollback
    sends nothing). ``ids`` are the JSON-able arguments of the event's builder."""
    if kind not in Kind.values:
        raise ValueError(f"unknown notification kind {kind}")
    actor_id = getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None

    def enqueue():
        deliver_event.enqueue(kind, ids, actor_id)

    transaction.on_commit(enqueue, robust=True)


# ------------------------------------------------------------------ quiet hours


def quiet_hours() -> tuple[int, int]:
    start, end = getattr(settings, "LINLI_NOTIFY_QUIET_HOURS", (21, 8))
    return int(start), int(end)


def quiet_until(now: datetime.datetime | None = None) -> datetime.datetime | None:
    """When the night ends, if ``now`` is inside quiet hours (Asia/Shanghai), else None."""
    start, end = quiet_hours()
    if start == end:  # no quiet hours configured
        return None
    local = timezone.localtime(now or timezone.now(), zoneinfo.ZoneInfo(QUIET_TZ))
    morning = local.replace(hour=end, minute=0, second=0, microsecond=0)
    if local.hour >= start:
        return morning + datetime.timedelta(days=1)
    if local.hour < end:
        return morning
    return None


# ------------------------------------------------------------------ preferences


def disabled_channels(user_ids, kind: str) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for uid, channel in ChannelPreference.objects.filter(
        user_id__in=user_ids, kind=kind, enabled=False
    ).values_list("user_id", "channel"):
        out.setdefault(uid, set()).add(channel)
    return out


# ------------------------------------------------------------------ delivery


def deliver(kind: str, ids: dict | None = None, actor_id: int | None = None, *, now=None) -> int:
    """Build the event's messages and deliver them; returns the number of new inbox rows.

    Idempotent: a message already in a user's inbox (same dedup key) is not written or sent
    again, so re-running an event or a reminder command is harmless.
    """
    from django.contrib.auth import get_user_model

    from linli.notifications.events import BUILDERS
    from linli.notifications.senders import InAppSender, external_senders

    now = now or timezone.now()
    messages = BUILDERS[kind](**(ids or {}))
    senders = external_senders()
    active = get_user_model().objects.filter(is_active=True)
    created_total = 0
    for message in messages:
        recipients = set(message.recipients) - {actor_id, None}
        if not recipients:
            continue
        recipients = set(active.filter(pk__in=recipients).values_list("pk", flat=True))
        already = set(
            Notification.objects.filter(
                dedup_key=message.dedup_key, recipient_id__in=recipients
            ).values_list("recipient_id", flat=True)
        )
        new = sorted(recipients - already)
        if not new:
            continue
        InAppSender().send_all(
            [
                Notification(
                    recipient_id=uid,
                    kind=message.kind,
                    title=message.title[:100],
                    body=message.body[:1000],
                    link=message.link[:300],
                    topic=message.topic[:40],
                    dedup_key=message.dedup_key[:120],
                    created_at=now,
                )
                for uid in new
            ]
        )
        rows = list(
            Notification.objects.filter(
                dedup_key=message.dedup_key, recipient_id__in=new, created_at=now
            ).values_list("pk", "recipient_id")
        )
        created_total += len(rows)
        off = disabled_channels(new, message.kind)
        wait = quiet_until(now)
        deliveries = [
            Delivery(
                notification_id=pk,
                channel=channel,
                status=Delivery.Status.DEFERRED if wait else Delivery.Status.PENDING,
                not_before=wait,
            )
            for pk, uid in rows
            for channel in senders
            if channel in EXTERNAL_CHANNELS and channel not in off.get(uid, set())
        ]
        Delivery.objects.bulk_create(deliveries, ignore_conflicts=True, batch_size=500)
        if wait and deliveries:
            _schedule_morning(wait)
    send_pending(now=now)
    return created_total


def _schedule_morning(when: datetime.datetime) -> None:
    """Ask the task backend to flush deferred messages in the morning, if it can defer;
    otherwise ``send_due_reminders`` (cron) flushes them."""
    from django_tasks import default_task_backend

    if getattr(default_task_backend, "supports_defer", False):
        flush_deliveries.using(run_after=when).enqueue()


def release_deferred(now=None) -> int:
    """Deferred deliveries whose night is over become pending."""
    now = now or timezone.now()
    if quiet_until(now) is not None:
        return 0
    return Delivery.objects.filter(status=Delivery.Status.DEFERRED, not_before__lte=now).update(
        status=Delivery.Status.PENDING
    )


def send_pending(*, now=None, limit: int = 5000) -> int:
    """Send pending deliveries, each claimed once (a concurrent worker never sends twice)."""
    from linli.notifications.senders import SendSkipped, external_senders

    now = now or timezone.now()
    if quiet_until(now) is not None:
        return 0
    senders = external_senders()
    sent = 0
    ids = list(
        Delivery.objects.filter(status=Delivery.Status.PENDING)
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        claimed = Delivery.objects.filter(pk=pk, status=Delivery.Status.PENDING).update(
            status=Delivery.Status.SENDING, attempts=F("attempts") + 1
        )
        if not claimed:
            continue
        delivery = Delivery.objects.select_related("notification__recipient").get(pk=pk)
        sender = senders.get(delivery.channel)
        fields = {"sent_at": None, "detail": ""}
        try:
            if sender is None:
                raise SendSkipped("未配置该渠道")
            sender.send(delivery.notification)
        except SendSkipped as exc:
            fields.update(status=Delivery.Status.SKIPPED, detail=str(exc)[:200])
        except Exception as exc:  # an outside service failed: retry later, up to MAX_ATTEMPTS
            logger.warning("notification delivery %s failed: %s", pk, exc)
            retry = delivery.attempts < MAX_ATTEMPTS
            fields.update(
                status=Delivery.Status.PENDING if retry else Delivery.Status.FAILED,
                detail=str(exc)[:200],
            )
            if retry:
                Delivery.objects.filter(pk=pk).update(**fields)
                continue
        else:
            fields.update(status=Delivery.Status.SENT, sent_at=timezone.now())
            sent += 1
        Delivery.objects.filter(pk=pk).update(**fields)
    return sent


def flush(now=None) -> int:
    """Release deferred deliveries whose morning has come and send everything pending."""
    release_deferred(now)
    return send_pending(now=now)


# ------------------------------------------------------------------ background tasks
# Defined here, beside what they run, so that this module never imports linli.notifications
# .tasks (which re-exports them): no delivery <-> tasks import cycle.


@task()
def deliver_event(kind: str, ids: dict, actor_id: int | None = None) -> int:
    return deliver(kind, ids, actor_id)


@task()
def flush_deliveries() -> int:
    """Send SMS / WeChat messages held back by quiet hours."""
    return flush()
