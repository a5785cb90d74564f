"""Signed checkpoints of the audit chains: made, printed, parsed and checked (ADR 0007).

A checkpoint says “chain C had N events and its N-th event's hash was H at time T”, signed
with the installation's Ed25519 key (:mod:`linli.audit.signing`). Like a Certificate
Transparency signed tree head it commits to the whole prefix of the log: a later rewrite of
any of the first N events changes the N-th hash, and deleting events leaves fewer than N.

Its text form is short enough for a QR code and is what a committee prints on its notice
board; ``audit_checkpoint_verify`` accepts it back.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from linli.audit import signing
from linli.audit.models import (
    PLATFORM_CHAIN,
    AuditChainHead,
    AuditCheckpoint,
    AuditEvent,
)

MAGIC = "LINLI-AUDIT-CHECKPOINT v1"
_CHAIN_RE = re.compile(r"^(platform|committee:\d{1,18})$")
_HASH_RE = re.compile(r"^[0-9a-f]{64}$")
_AT_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def _at_text(at: datetime.datetime) -> str:
    return at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def signed_message(chain: str, count: int, head_hash: str, at: str) -> bytes:
    """The exact bytes the signature covers."""
    return f"linli-audit-checkpoint/v1\n{chain}\n{count}\n{head_hash}\n{at}\n".encode()


@dataclass(frozen=True)
class Checkpoint:
    """A checkpoint as published (from the database or parsed from its printed text)."""

    chain: str
    count: int
    head_hash: str
    at: str  # UTC, ISO 8601 to the second, e.g. 2026-12-03T10:00:00Z
    key_id: str
    signature: str
    reason: str = ""
    pk: int | None = None

    @classmethod
    def of(cls, row: AuditCheckpoint) -> Checkpoint:
        return cls(
            chain=row.chain,
            count=row.count,
            head_hash=row.head_hash,
            at=_at_text(row.at),
            key_id=row.key_id,
            signature=row.signature,
            reason=row.reason,
            pk=row.pk,
        )

    def message(self) -> bytes:
        return signed_message(self.chain, self.count, self.head_hash, self.at)

    def label(self) -> str:
        where = f" #{self.pk}" if self.pk else ""
        return f"签名检查点{where}（{self.chain}，{self.at}，第 {self.count} 条）"


def chain_label(chain: str) -> str:
    """A reader's name for a chain: the committee's name, or 平台."""
    if chain == PLATFORM_CHAIN:
        return "平台（不属于任何居委会的事件）"
    if chain.startswith("committee:"):
        from linli.places.models import Committee

        committee = (
            Committee.objects.filter(pk=int(chain.split(":", 1)[1]))
            .select_related("street")
            .first()
        )
        if committee is not None:
            return f"{committee.street.name} {committee.name}"
    return chain


# -- making checkpoints


def checkpoint_chain(chain: str, *, reason: str = "") -> AuditCheckpoint | None:
    """Sign and store the current head of ``chain`` (None when the chain has no events)."""
    head = AuditChainHead.objects.filter(chain=chain).first()
    if head is None or head.count == 0:
        return None
    at = timezone.now().replace(microsecond=0)
    key_id, signature = signing.sign(
        signed_message(chain, head.count, head.last_hash, _at_text(at))
    )
    row = AuditCheckpoint(
        chain=chain,
        count=head.count,
        head_hash=head.last_hash,
        at=at,
        key_id=key_id,
        signature=signature,
        reason=reason[:80],
    )
    row.save()
    return row


def checkpoint_object(obj, *, reason: str = "") -> AuditCheckpoint | None:
    """Checkpoint the chain that events about ``obj`` go to (e.g. after a vote result)."""
    from linli.audit.services import chain_for

    return checkpoint_chain(chain_for(obj), reason=reason)


def checkpoint_changed(*, reason: str = "daily", chains: list[str] | None = None):
    """Checkpoint every chain (or ``chains``) that grew since its latest checkpoint."""
    latest = dict(
        AuditCheckpoint.objects.values("chain").annotate(n=Max("count")).values_list("chain", "n")
    )
    heads = AuditChainHead.objects.filter(count__gt=0).order_by("chain")
    if chains is not None:
        heads = heads.filter(chain__in=chains)
    made = []
    for head in heads:
        if latest.get(head.chain) == head.count:
            continue
        row = checkpoint_chain(head.chain, reason=reason)
        if row is not None:
            made.append(row)
    return made


def checkpoint_after_commit(obj, *, reason: str = "") -> None:
    """Register a checkpoint of ``obj``'s chain to be made once the transaction commits."""
    transaction.on_commit(lambda: checkpoint_object(obj, reason=reason), robust=True)


# -- text form


def checkpoint_text(cp: Checkpoint, *, title: str | None = None) -> str:
    """The printable, signed text (lines starting with # are not signed and are ignored)."""
    lines = [
        f"# 邻里审计检查点 · {title or chain_label(cp.chain)}",
        f"# 截至 {cp.at}（UTC）本链共 {cp.count} 条审计事件。"
        "用 manage.py audit_checkpoint_verify 核对。",
        MAGIC,
        f"chain: {cp.chain}",
        f"count: {cp.count}",
        f"head: {cp.head_hash}",
        f"at: {cp.at}",
        f"key: {cp.key_id}",
        f"sig: {cp.signature}",
    ]
    return "\n".join(lines) + "\n"


class CheckpointFormatError(ValueError):
    pass


def parse_checkpoints(text: str) -> list[Checkpoint]:
    """Every checkpoint in ``text`` (one or many, as printed by :func:`checkpoint_text`)."""
    blocks: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line == MAGIC:
            current = {}
            blocks.append(current)
            continue
        if current is None:
            raise CheckpointFormatError(f"检查点文本应以“{MAGIC}”开头")
        key, sep, value = line.partition(":")
        if not sep or key.strip() not in {"chain", "count", "head", "at", "key", "sig"}:
            raise CheckpointFormatError(f"无法识别的检查点行：{line[:80]}")
        current[key.strip()] = value.strip()
    if not blocks:
        raise CheckpointFormatError("文本中没有检查点")
    out = []
    for block in blocks:
        missing = {"chain", "count", "head", "at", "key", "sig"} - set(block)
        if missing:
            raise CheckpointFormatError(f"检查点缺少字段：{', '.join(sorted(missing))}")
        if not _CHAIN_RE.match(block["chain"]):
            raise CheckpointFormatError(f"审计链名称无效：{block['chain'][:60]}")
        if not block["count"].isdigit() or len(block["count"]) > 18:
            raise CheckpointFormatError(f"事件数无效：{block['count'][:30]}")
        if not _HASH_RE.match(block["head"]):
            raise CheckpointFormatError("链头哈希应为 64 位十六进制数")
        if not _AT_RE.match(block["at"]):
            raise CheckpointFormatError("时间应为 UTC 格式，如 2026-12-03T10:00:00Z")
        out.append(
            Checkpoint(
                chain=block["chain"],
                count=int(block["count"]),
                head_hash=block["head"],
                at=block["at"],
                key_id=block["key"][:16],
                signature=block["sig"][:100],
            )
        )
    return out


# -- checking


def signature_problem(cp: Checkpoint, keys: dict | None = None) -> str | None:
    """Why the signature does not hold (None when it does)."""
    keys = signing.trusted_public_keys() if keys is None else keys
    public = keys.get(cp.key_id)
    if public is None:
        return f"{cp.label()} 由未知密钥 {cp.key_id} 签署，不是本系统的检查点（或是伪造的）"
    if not signing.verify(cp.message(), cp.signature, public):
        return f"{cp.label()} 的签名不成立：检查点内容被改动或是伪造的"
    return None


def chain_problem(cp: Checkpoint) -> str | None:
    """Whether the chain in the database still agrees with the checkpoint.

    Names a **truncation** (fewer events than the checkpoint recorded) or a **rewrite** (the
    event at the checkpointed position no longer has the checkpointed hash).
    """
    if cp.count == 0:
        return None
    event = AuditEvent.objects.filter(chain=cp.chain, seq=cp.count).only("id", "hash").first()
    if event is None:
        have = AuditEvent.objects.filter(chain=cp.chain).count()
        return (
            f"审计链 {cp.chain} 被截断：现有 {have} 条事件，少于{cp.label()}记录的 "
            f"{cp.count} 条，末尾的事件被删除"
        )
    if event.hash != cp.head_hash:
        return (
            f"审计链 {cp.chain} 被改写：第 {cp.count} 条事件（#{event.id}）的哈希与{cp.label()}"
            "不符，检查点之前的记录被改动后重新计算了哈希"
        )
    return None


def latest_checkpoints() -> list[Checkpoint]:
    """Per chain, the stored checkpoint covering the most events."""
    best: dict[str, AuditCheckpoint] = {}
    tops = AuditCheckpoint.objects.values("chain").annotate(n=Max("count"))
    for top in tops:
        row = (
            AuditCheckpoint.objects.filter(chain=top["chain"], count=top["n"])
            .order_by("-id")
            .first()
        )
        if row is not None:
            best[row.chain] = row
    return [Checkpoint.of(best[c]) for c in sorted(best)]
