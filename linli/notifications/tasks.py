"""Background delivery of notifications (django-tasks; the database backend in production,
ADR 0004). The hooks enqueue ``deliver_event`` after their transaction commits.

The tasks are defined in ``linli.notifications.delivery`` beside the code they run (so the
two modules do not import each other); this module names them for the worker and the docs.
"""

from __future__ import annotations

from linli.notifications.delivery import deliver_event, flush_deliveries

__all__ = ["deliver_event", "flush_deliveries"]
