"""Reading and verifying the audit trail."""

from __future__ import annotations

from dataclasses import dataclass

from linli.audit.models import AuditChainHead, AuditEvent


@dataclass
class ChainReport:
    ok: bool
    checked: int
    broken_event_id: int | None = None
    reason: str = ""


def audit_chain_verify(*, batch_size: int = 5000) -> ChainReport:
    """Walk the chain in order; report the first event whose hash or link does not hold."""
    prev = "0" * 64
    checked = 0
    last_id = 0
    while True:
        batch = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            break
        for event in batch:
            if event.prev_hash != prev:
                return ChainReport(
                    False,
                    checked,
                    event.id,
                    f"事件 #{event.id}（{event.action}）的前序哈希与上一事件不符，链条在此断开",
                )
            if event.compute_hash() != event.hash:
                return ChainReport(
                    False,
                    checked,
                    event.id,
                    f"事件 #{event.id}（{event.action}，{event.at:%Y-%m-%d %H:%M}）的内容被改动，哈希不符",
                )
            prev = event.hash
            checked += 1
            last_id = event.id
    head = AuditChainHead.objects.filter(pk=1).first()
    if head and (head.last_hash != prev or head.count != checked):
        return ChainReport(
            False,
            checked,
            None,
            f"链头记录 {head.count} 条事件，实际校验 {checked} 条：有事件被删除或插入",
        )
    return ChainReport(True, checked)
