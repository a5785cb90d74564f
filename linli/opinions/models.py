"""Opinion conversations (议题征询, Pol.is style): statements, participants, votes, results."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.db import models
from django.db.models import Q

from linli.core.validators import validate_no_script

STATEMENT_MAX = 140


class Conversation(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "征询中"
        CLOSED = "closed", "已结束"

    committee = models.ForeignKey(
        "places.Committee",
        verbose_name="居委会",
        on_delete=models.PROTECT,
        related_name="conversations",
    )
    topic = models.CharField(
        "征询议题",
        max_length=100,
        validators=[validate_no_script, MinLengthValidator(2)],
    )
    description = models.TextField(
        "说明", blank=True, max_length=2000, validators=[validate_no_script]
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    source = models.CharField("数据来源", max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="发起人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "议题征询"
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.topic

    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Participant(models.Model):
    """Someone who votes: a user, or a synthetic/imported participant (``external_id``)."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversation_participations",
    )
    external_id = models.CharField("外部编号", max_length=40, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "参与者"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "user"],
                condition=Q(user__isnull=False),
                name="uniq_participant_user",
            ),
            models.UniqueConstraint(
                fields=["conversation", "external_id"],
                condition=~Q(external_id=""),
                name="uniq_participant_external",
            ),
        ]

    def __str__(self) -> str:
        return f"参与者{self.pk}"


class Statement(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        ACCEPTED = "accepted", "已通过"
        REJECTED = "rejected", "未通过"

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="statements"
    )
    author = models.ForeignKey(
        Participant,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="statements",
    )
    text = models.CharField(
        "观点",
        max_length=STATEMENT_MAX,
        validators=[validate_no_script, MinLengthValidator(2), MaxLengthValidator(STATEMENT_MAX)],
    )
    status = models.CharField(
        "审核状态", max_length=10, choices=Status.choices, default=Status.PENDING
    )
    reject_reason = models.CharField(
        "不予通过的理由", max_length=200, blank=True, validators=[validate_no_script]
    )
    external_id = models.CharField("外部编号", max_length=40, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "观点"
        verbose_name_plural = verbose_name
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "external_id"],
                condition=~Q(external_id=""),
                name="uniq_statement_external",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reject_reason=""),
                name="statement_reject_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class OpinionVote(models.Model):
    class Value(models.IntegerChoices):
        AGREE = 1, "赞同"
        PASS = 0, "跳过"
        DISAGREE = -1, "反对"

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField("态度", choices=Value.choices)
    voted_at = models.DateTimeField("投票时间")

    class Meta:
        verbose_name = "观点投票"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["participant", "statement"], name="uniq_opinion_vote"),
            models.CheckConstraint(condition=Q(value__in=[-1, 0, 1]), name="opinion_vote_value"),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id}→{self.statement_id}: {self.value}"


class ConversationResult(models.Model):
    """The engine's last analysis, cached: recomputed on demand or when votes changed."""

    conversation = models.OneToOneField(
        Conversation, on_delete=models.CASCADE, related_name="result"
    )
    computed_at = models.DateTimeField("计算时间")
    fingerprint = models.CharField("投票指纹", max_length=100)
    data = models.JSONField("结果", default=dict)
    # the engine's PriorState, handed back on the next run so groups stay stable (as in Pol.is)
    state = models.JSONField("引擎状态", default=dict, blank=True)

    class Meta:
        verbose_name = "观点群组结果"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.conversation_id} @ {self.computed_at:%Y-%m-%d %H:%M}"
