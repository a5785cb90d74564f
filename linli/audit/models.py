"""Append-only audit trail: one hash chain per committee (and one for the platform).

Every event links to the previous event *of its chain*; a chain's head row is locked only
by writers of that chain, so committees never wait for one another (ADR 0007). Signed
checkpoints (:class:`AuditCheckpoint`) pin a chain's head and length with a key that is not
stored in the database, so that a rewritten or truncated chain is noticed (ADR 0007).
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy

PLATFORM_CHAIN = "platform"


def genesis_hash(chain: str) -> str:
    """The ``prev_hash`` of a chain's first event.

    The platform chain keeps the all-zero genesis of the single chain it grew from (its
    existing events stay verifiable); every other chain starts from a hash of its own name,
    so events cannot be moved from one chain to another without breaking the links.
    """
    if chain == PLATFORM_CHAIN:
        return "0" * 64
    return hashlib.sha256(f"linli-audit-genesis:{chain}".encode()).hexdigest()


class AuditChainHead(models.Model):
    """The head of one chain, locked while appending so that its writers extend it in turn."""

    chain = models.CharField(gettext_lazy("审计链"), max_length=40, unique=True)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    count = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = gettext_lazy("审计链头")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"审计链 {self.chain}（{self.count} 条）"


class AuditEvent(models.Model):
    at = models.DateTimeField(gettext_lazy("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("操作人"),
        null=True,
        blank=True,
        # an account with audit events is kept: the event's hash covers its actor id and
        # the database refuses to update audit rows (deactivate the account instead)
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(gettext_lazy("操作人（快照）"), max_length=100, blank=True)
    action = models.CharField(gettext_lazy("动作"), max_length=80, db_index=True)
    object_type = models.CharField(gettext_lazy("对象类型"), max_length=80, db_index=True)
    object_id = models.CharField(gettext_lazy("对象编号"), max_length=64, db_index=True)
    object_repr = models.CharField(gettext_lazy("对象"), max_length=200, blank=True)
    before = models.JSONField(gettext_lazy("变更前"), null=True, blank=True)
    after = models.JSONField(gettext_lazy("变更后"), null=True, blank=True)
    chain = models.CharField(gettext_lazy("审计链"), max_length=40, default=PLATFORM_CHAIN)
    seq = models.BigIntegerField(gettext_lazy("链内序号"))
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = gettext_lazy("审计事件")
        verbose_name_plural = verbose_name
        constraints = [
            # one event per position of a chain: two writers can never fork a chain
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_event_chain_seq"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("_allow_update", False):
            raise RuntimeError("审计事件只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("审计事件只能追加，不能删除")

    def canonical_payload(self) -> str:
        """The exact text the hash covers; any change to a covered field changes the hash.

        The chain is covered through ``prev_hash`` (each chain starts from its own genesis
        hash) and the position by the walk in ``verify_audit``.
        """
        return json.dumps(
            {
                "at": self.at.isoformat(),
                "actor": self.actor_id,
                "actor_label": self.actor_label,
                "action": self.action,
                "object_type": self.object_type,
                "object_id": self.object_id,
                "object_repr": self.object_repr,
                "before": self.before,
                "after": self.after,
                "prev_hash": self.prev_hash,
            },
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
            default=str,
        )

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical_payload().encode("utf-8")).hexdigest()


class AuditCheckpoint(models.Model):
    """A signed statement “chain X had N events ending in hash H at time T”.

    The signature is made with an Ed25519 key kept in a file outside the database
    (:mod:`linli.audit.signing`), so whoever controls the database cannot forge one. The
    text form (:func:`linli.audit.checkpoints.checkpoint_text`) is what a committee prints
    on its notice board or a third party keeps.
    """

    chain = models.CharField(gettext_lazy("审计链"), max_length=40)
    count = models.BigIntegerField(gettext_lazy("事件数"))
    head_hash = models.CharField(gettext_lazy("链头哈希"), max_length=64)
    at = models.DateTimeField(gettext_lazy("签署时间"))
    key_id = models.CharField(gettext_lazy("签名密钥指纹"), max_length=16)
    signature = models.CharField(gettext_lazy("签名"), max_length=100)
    reason = models.CharField(gettext_lazy("原因"), max_length=80, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = gettext_lazy("审计检查点")
        verbose_name_plural = verbose_name
        indexes = [models.Index(fields=["chain", "-count"], name="audit_ckpt_chain_count")]

    def __str__(self) -> str:
        return f"检查点 {self.chain} 第 {self.count} 条（{self.at:%Y-%m-%d %H:%M}）"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("审计检查点只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("审计检查点只能追加，不能删除")
