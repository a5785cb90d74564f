"""Writing to the audit trail. Every state-changing service calls :func:`audit_record`."""

from __future__ import annotations

import datetime
import decimal
import json
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from linli.audit.models import AuditChainHead, AuditEvent


def _jsonable(value: Any) -> Any:
    """Normalise to JSON the way it will read back, so the stored hash stays verifiable."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=_default, sort_keys=True))


def _default(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Model):
        return value.pk
    return str(value)


def audit_record(
    *,
    actor,
    action: str,
    obj: Model | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Append one event to the hash chain, inside the caller's transaction.

    The chain head row is locked (``select_for_update``) so that concurrent writers on
    PostgreSQL append one after another instead of forking the chain.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk if object_id is None else object_id
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        actor_obj = (
            actor if actor is not None and getattr(actor, "is_authenticated", False) else None
        )
        event = AuditEvent(
            at=timezone.now(),
            actor=actor_obj,
            actor_label=(str(actor_obj) if actor_obj else "系统")[:100],
            action=action,
            object_type=object_type or "",
            object_id=str(object_id if object_id is not None else ""),
            object_repr=(str(obj) if obj is not None else "")[:200],
            before=_jsonable(before) if before is not None else None,
            after=_jsonable(after) if after is not None else None,
            prev_hash=head.last_hash,
        )
        event.hash = event.compute_hash()
        event.save()
        head.last_hash = event.hash
        head.count += 1
        head.save(update_fields=["last_hash", "count"])
    return event


def snapshot(instance: Model, fields: list[str]) -> dict:
    """A small dict of field values for before/after records."""
    data = {}
    for name in fields:
        value = getattr(instance, name)
        if isinstance(value, Model):
            value = value.pk
        data[name] = value
    return _jsonable(data)
