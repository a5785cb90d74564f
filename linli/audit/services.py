"""Writing to the audit trail. Every state-changing service calls :func:`audit_record`.

Events go to the hash chain of the committee their object belongs to (``committee:<id>``),
or to the ``platform`` chain when the object belongs to no committee (accounts, districts,
streets, the demo). Each chain has its own head row, so the lock an append takes is held
against writers of the same committee only (ADR 0007).
"""

from __future__ import annotations

import datetime
import decimal
import json
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from linli.audit.models import PLATFORM_CHAIN, AuditChainHead, AuditEvent, genesis_hash

# how many foreign keys to follow from an object towards its committee (ballot → vote)
_MAX_DEPTH = 3


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


def _committee_id(obj: Any, depth: int = 0) -> int | None:
    from linli.places.hierarchy import committee_id_of

    try:
        cid = committee_id_of(obj)
    except (AttributeError, ObjectDoesNotExist):
        cid = None
    if cid is not None or depth >= _MAX_DEPTH or not isinstance(obj, Model):
        return cid
    # objects without a committee of their own (a ballot, a funding entry, a survey answer)
    # belong to the committee of what they point at: follow their foreign keys in order
    user_model = settings.AUTH_USER_MODEL.lower()
    for field in obj._meta.concrete_fields:
        if not (field.many_to_one or field.one_to_one) or field.related_model is None:
            continue
        if field.related_model._meta.label_lower in (user_model, "contenttypes.contenttype"):
            continue
        if getattr(obj, field.attname) is None:
            continue
        try:
            parent = getattr(obj, field.name)
        except ObjectDoesNotExist:
            continue
        cid = _committee_id(parent, depth + 1)
        if cid is not None:
            return cid
    return None


def chain_for(obj: Model | None) -> str:
    """The chain an event about ``obj`` is appended to."""
    cid = _committee_id(obj) if obj is not None else None
    return f"committee:{cid}" if cid is not None else PLATFORM_CHAIN


def _locked_head(chain: str) -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(chain=chain).first()
    if head is None:
        # first event of this chain: concurrent first writers both try, one row results
        AuditChainHead.objects.bulk_create(
            [AuditChainHead(chain=chain, last_hash=genesis_hash(chain), count=0)],
            ignore_conflicts=True,
        )
        head = AuditChainHead.objects.select_for_update().get(chain=chain)
    return head


def audit_record(
    *,
    actor,
    action: str,
    obj: Model | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    before: dict | None = None,
    after: dict | None = None,
    chain: str | None = None,
    object_repr: str | None = None,
) -> AuditEvent:
    """Append one event to its committee's hash chain, inside the caller's transaction.

    The head row of that chain is locked (``select_for_update``) until the caller commits,
    so concurrent writers of one committee append one after another instead of forking the
    chain, while writers of other committees go on undisturbed.

    ``chain`` and ``object_repr`` may be given by a caller that already knows them (the
    ballot cast: ``committee:<vote.committee_id>`` and the ballot's text), which spares the
    walk up the object's foreign keys; ``chain`` must be what :func:`chain_for` gives.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = obj.pk if object_id is None else object_id
    if chain is None:
        chain = chain_for(obj)
    if object_repr is None:
        object_repr = str(obj) if obj is not None else ""
    actor_obj = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        actor=actor_obj,
        actor_label=(str(actor_obj) if actor_obj else "系统")[:100],
        action=action,
        object_type=object_type or "",
        object_id=str(object_id if object_id is not None else ""),
        object_repr=object_repr[:200],
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        chain=chain,
    )
    # No savepoint inside the caller's transaction (two round trips saved per event): an
    # error here rolls the caller's whole transaction back, which is what it must do anyway.
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            _append_pg(event)
        else:
            head = _locked_head(chain)
            event.at = timezone.now()  # after the lock: times never step back along a chain
            event.seq = head.count + 1
            event.prev_hash = head.last_hash
            event.hash = event.compute_hash()
            event.save()
            head.last_hash = event.hash
            head.count += 1
            head.save(update_fields=["last_hash", "count"])
    return event


_EVENT_COLUMNS = (
    "at", "actor", "actor_label", "action", "object_type", "object_id", "object_repr",
    "before", "after", "chain", "seq", "prev_hash", "hash",
)  # fmt: skip


def _append_pg(event: AuditEvent) -> None:
    """The append in two statements (PostgreSQL): lock the chain's head, then insert the
    event and move the head in one statement. Same rows as the ORM path, three round trips
    and the ORM's query compilation fewer."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT last_hash, count FROM audit_auditchainhead WHERE chain = %s FOR UPDATE",
            [event.chain],
        )
        row = cursor.fetchone()
        if row is None:
            head = _locked_head(event.chain)
            row = (head.last_hash, head.count)
        event.prev_hash, event.seq = row[0], row[1] + 1
        event.at = timezone.now()
        event.hash = event.compute_hash()
        fields = [AuditEvent._meta.get_field(name) for name in _EVENT_COLUMNS]
        params = [f.get_db_prep_save(getattr(event, f.attname), connection) for f in fields]
        columns = ", ".join(f.column for f in fields)
        cursor.execute(
            f"WITH ev AS (INSERT INTO audit_auditevent ({columns}) "
            f"VALUES ({', '.join(['%s'] * len(fields))}) RETURNING id), "
            "head AS (UPDATE audit_auditchainhead SET last_hash = %s, count = %s "
            "WHERE chain = %s) SELECT id FROM ev",
            [*params, event.hash, event.seq, event.chain],
        )
        event.pk = cursor.fetchone()[0]
    event._state.adding = False
    event._state.db = "default"


def snapshot(instance: Model, fields: list[str]) -> dict:
    """A small dict of field values for before/after records."""
    data = {}
    for name in fields:
        value = getattr(instance, name)
        if isinstance(value, Model):
            value = value.pk
        data[name] = value
    return _jsonable(data)
