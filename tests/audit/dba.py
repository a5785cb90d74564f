"""What someone who owns the database can do: drop the triggers, rewrite, recompute, delete."""

from __future__ import annotations

from django.db import connection

from linli.audit import guard
from linli.audit.models import AuditChainHead, AuditEvent


def rewrite_and_rechain(event: AuditEvent, **changes) -> None:
    """Change one event, then recompute its hash and every later hash of its chain and the head,
    so that every link holds again."""
    with guard.lifted(connection):
        AuditEvent.objects.filter(pk=event.pk).update(**changes)
        prev = event.prev_hash
        for row in AuditEvent.objects.filter(chain=event.chain, seq__gte=event.seq).order_by("seq"):
            row.prev_hash = prev
            row.hash = row.compute_hash()
            AuditEvent.objects.filter(pk=row.pk).update(prev_hash=row.prev_hash, hash=row.hash)
            prev = row.hash
        AuditChainHead.objects.filter(chain=event.chain).update(last_hash=prev)


def truncate_tail(chain: str, n: int) -> None:
    """Delete the newest ``n`` events of ``chain`` and step its head back to the survivor."""
    with guard.lifted(connection):
        doomed = list(
            AuditEvent.objects.filter(chain=chain).order_by("-seq").values_list("pk", flat=True)[:n]
        )
        AuditEvent.objects.filter(pk__in=doomed).delete()
        last = AuditEvent.objects.filter(chain=chain).order_by("-seq").first()
        AuditChainHead.objects.filter(chain=chain).update(last_hash=last.hash, count=last.seq)
