"""Time-driven messages: meeting reminders, a vote's last day, patrol shifts due.

Run by ``manage.py send_due_reminders`` from cron; safe to run as often as one likes, since
every message has a dedup key and reaches each user once.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from linli.notifications.delivery import deliver, flush
from linli.notifications.models import Kind

LEAD = datetime.timedelta(hours=24)


@dataclass
class ReminderCounts:
    meetings: int = 0
    votes: int = 0
    patrols: int = 0
    messages: int = 0
    sent: int = 0


def send_due_reminders(*, now: datetime.datetime | None = None) -> ReminderCounts:
    from linli.deliberation.models import Meeting
    from linli.implementation.models import DutySlot
    from linli.voting.models import Vote

    now = now or timezone.now()
    counts = ReminderCounts()
    for pk in Meeting.objects.filter(
        status=Meeting.Status.SCHEDULED, starts_at__gt=now, starts_at__lte=now + LEAD
    ).values_list("pk", flat=True):
        counts.meetings += 1
        counts.messages += deliver(Kind.MEETING_REMINDER, {"meeting_id": pk}, now=now)
    for pk in Vote.objects.filter(
        status="open", closes_at__gt=now, closes_at__lte=now + LEAD
    ).values_list("pk", flat=True):
        counts.votes += 1
        counts.messages += deliver(Kind.VOTE_LAST_DAY, {"vote_id": pk}, now=now)
    today = timezone.localdate(now)
    for pk in DutySlot.objects.filter(
        date__gte=today, date__lte=today + datetime.timedelta(days=1)
    ).values_list("pk", flat=True):
        counts.patrols += 1
        counts.messages += deliver(Kind.PATROL_DUE, {"slot_id": pk}, now=now)
    counts.sent = flush(now)
    return counts
