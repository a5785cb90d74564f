"""Background delivery of notifications (django-tasks; the database backend in production,
ADR 0004). The hooks enqueue ``deliver_event`` after their transaction commits."""

from __future__ import annotations

from django_tasks import task


@task()
def deliver_event(kind: str, ids: dict, actor_id: int | None = None) -> int:
    from linli.notifications.delivery import deliver

    return deliver(kind, ids, actor_id)


@task()
def flush_deliveries() -> int:
    """Send SMS / WeChat messages held back by quiet hours."""
    from linli.notifications.delivery import flush

    return flush()
