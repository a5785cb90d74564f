"""Reading and verifying the audit trail."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection

from linli.audit.models import AuditChainHead, AuditEvent, genesis_hash


@dataclass
class ChainReport:
    ok: bool
    checked: int
    broken_event_id: int | None = None
    reason: str = ""
    chains: int = 0
    checkpoints: int = 0
    warnings: list[str] = field(default_factory=list)


class _Broken(Exception):
    def __init__(self, reason: str, event_id: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.event_id = event_id


def _walk_chain(chain: str, head: AuditChainHead | None, batch_size: int) -> int:
    """Check every link of one chain; return its length or raise :class:`_Broken`."""
    prev = genesis_hash(chain)
    seq = 0
    while True:
        batch = list(
            AuditEvent.objects.filter(chain=chain, seq__gt=seq).order_by("seq")[:batch_size]
        )
        if not batch:
            break
        for event in batch:
            if event.prev_hash != prev:
                raise _Broken(
                    f"事件 #{event.id}（{event.action}）的前序哈希与上一事件不符，链条在此断开"
                    f"（审计链 {chain} 第 {event.seq} 条）",
                    event.id,
                )
            if event.seq != seq + 1:
                raise _Broken(
                    f"事件 #{event.id}（{event.action}）在审计链 {chain} 中应为第 {seq + 1} 条，"
                    f"却记为第 {event.seq} 条：有事件被删除或插入",
                    event.id,
                )
            if event.compute_hash() != event.hash:
                raise _Broken(
                    f"事件 #{event.id}（{event.action}，{event.at:%Y-%m-%d %H:%M}）的内容被改动，"
                    "哈希不符",
                    event.id,
                )
            prev = event.hash
            seq = event.seq
    if head is None:
        raise _Broken(f"审计链 {chain} 有 {seq} 条事件却没有链头记录")
    if head.last_hash != prev or head.count != seq:
        raise _Broken(
            f"审计链 {chain} 的链头记录 {head.count} 条事件，实际校验 {seq} 条：有事件被删除或插入"
        )
    return seq


def audit_chain_verify(*, batch_size: int = 5000, external=None) -> ChainReport:
    """Check every chain link by link, then each chain against its latest signed checkpoint.

    ``external`` is an optional list of :class:`~linli.audit.checkpoints.Checkpoint` kept
    outside the database (printed, or kept by a third party); they are checked as well.
    Reports the first problem: an altered event, a broken link, a head that disagrees with
    its chain, a checkpoint whose signature does not hold, or a chain that was rewritten or
    truncated since a checkpoint.
    """
    from linli.audit import checkpoints as cps
    from linli.audit import guard, signing

    heads = {h.chain: h for h in AuditChainHead.objects.all()}
    chains = sorted(set(heads) | set(AuditEvent.objects.values_list("chain", flat=True).distinct()))
    checked = 0
    report = ChainReport(True, 0, chains=len(chains))
    for chain in chains:
        try:
            checked += _walk_chain(chain, heads.get(chain), batch_size)
        except _Broken as broken:
            return ChainReport(False, checked, broken.event_id, broken.reason, chains=len(chains))
    report.checked = checked

    to_check = cps.latest_checkpoints() + list(external or [])
    try:
        keys = signing.trusted_public_keys()
    except (OSError, ValueError, signing.SigningKeyMissing) as exc:
        keys = {}
        report.warnings.append(f"无法读取审计签名密钥：{exc}")
    if to_check and not keys:
        report.warnings.append(
            f"找不到审计签名密钥（{signing.key_path()}），检查点的签名未能核对，"
            "只核对了事件数和哈希"
        )
    for cp in to_check:
        problem = (cps.signature_problem(cp, keys) if keys else None) or cps.chain_problem(cp)
        if problem:
            report.ok = False
            report.reason = problem
            report.checkpoints = len(to_check)
            return report
    report.checkpoints = len(to_check)
    absent = guard.missing(connection)
    if absent:
        report.warnings.append(
            "数据库缺少审计防篡改触发器：" + "、".join(absent) + "（有人删除了触发器？）"
        )
    return report
