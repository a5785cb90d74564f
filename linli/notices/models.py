"""Public notices (公示), their history, and residents' objections (异议)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from linli.core.validators import validate_no_script
from linli.notices.validators import validate_attachment


class NoticeKind(models.TextChoices):
    MEETING_RESULT = "meeting_result", gettext_lazy("会议结果")
    MINUTES = "minutes", gettext_lazy("会议纪要")
    NEEDS_LIST = "needs_list", gettext_lazy("需求清单")
    OPTION_ROUND = "option_round", gettext_lazy("方案征询")
    PLAN = "plan", gettext_lazy("项目方案")
    VOTE_RESULT = "vote_result", gettext_lazy("表决结果")
    ACCOUNT = "account", gettext_lazy("资金账目")
    ACCEPTANCE = "acceptance", gettext_lazy("验收结果")
    OTHER = "other", gettext_lazy("其他")


# Default publication period in days per kind; override with settings.LINLI_NOTICE_DAYS.
DEFAULT_NOTICE_DAYS: dict[str, int] = {kind.value: 7 for kind in NoticeKind}


def notice_days(kind: str) -> int:
    configured = getattr(settings, "LINLI_NOTICE_DAYS", {}) or {}
    return int(configured.get(kind, DEFAULT_NOTICE_DAYS.get(kind, 7)))


class Notice(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", gettext_lazy("草稿")
        PUBLISHED = "published", gettext_lazy("公示中")
        WITHDRAWN = "withdrawn", gettext_lazy("已撤回")
        CLOSED = "closed", gettext_lazy("公示结束")

    committee = models.ForeignKey(
        "places.Committee",
        verbose_name=gettext_lazy("居委会"),
        on_delete=models.PROTECT,
        related_name="notices",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=gettext_lazy("所属项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
    )
    subject_type = models.ForeignKey(
        ContentType,
        verbose_name=gettext_lazy("公示对象类型"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject_id = models.PositiveBigIntegerField(gettext_lazy("公示对象编号"), null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    kind = models.CharField(gettext_lazy("公示类型"), max_length=20, choices=NoticeKind.choices)
    title = models.CharField(gettext_lazy("标题"), max_length=100, validators=[validate_no_script])
    body = models.TextField(
        gettext_lazy("公示内容"), max_length=10000, validators=[validate_no_script]
    )
    starts_at = models.DateTimeField(gettext_lazy("公示开始"), null=True, blank=True)
    ends_at = models.DateTimeField(gettext_lazy("公示截止"), null=True, blank=True)
    posted_online = models.BooleanField(gettext_lazy("网上公示"), default=True)
    boards = models.TextField(
        gettext_lazy("张贴地点（公告栏，每行一个）"),
        max_length=1000,
        blank=True,
        validators=[validate_no_script],
    )
    status = models.CharField(
        gettext_lazy("状态"),
        max_length=12,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(gettext_lazy("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("公示")
        verbose_name_plural = verbose_name
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="notice_subject_both_or_neither",
                condition=models.Q(subject_type__isnull=True, subject_id__isnull=True)
                | models.Q(subject_type__isnull=False, subject_id__isnull=False),
            ),
            models.CheckConstraint(
                name="notice_end_after_start",
                condition=models.Q(starts_at__isnull=True)
                | models.Q(ends_at__isnull=True)
                | models.Q(ends_at__gt=models.F("starts_at")),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "公示截止时间必须晚于开始时间"})
        if self.project_id and self.committee_id and self.project.committee_id != self.committee_id:
            raise ValidationError({"project": "所选项目不属于该居委会"})

    @property
    def board_list(self) -> list[str]:
        return [b.strip() for b in (self.boards or "").splitlines() if b.strip()]

    @property
    def status_label(self) -> str:
        """The status as residents should read it: a published notice past its end is 期满."""
        now = timezone.now()
        if self.status == self.Status.PUBLISHED and self.starts_at and now < self.starts_at:
            return gettext("待公示")
        if self.status == self.Status.PUBLISHED and self.ends_at and now > self.ends_at:
            return gettext("公示期满")
        return self.get_status_display()

    def is_open_for_objections(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.starts_at is not None
            and self.starts_at <= now <= self.ends_at
        )


class NoticeAttachment(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(
        gettext_lazy("附件"), upload_to="notices/%Y/%m/", validators=[validate_attachment]
    )
    name = models.CharField(gettext_lazy("文件名"), max_length=120, validators=[validate_no_script])
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("公示附件")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.name


class NoticeEvent(models.Model):
    """The notice's history: published, extended, withdrawn, closed (append-only)."""

    class Kind(models.TextChoices):
        CREATED = "created", gettext_lazy("创建")
        PUBLISHED = "published", gettext_lazy("发布公示")
        EXTENDED = "extended", gettext_lazy("延长公示期")
        WITHDRAWN = "withdrawn", gettext_lazy("撤回")
        CLOSED = "closed", gettext_lazy("公示结束")
        OBJECTION = "objection", gettext_lazy("收到异议")
        RESPONDED = "responded", gettext_lazy("答复异议")

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(gettext_lazy("事件"), max_length=12, choices=Kind.choices)
    note = models.TextField(gettext_lazy("说明"), max_length=2000, blank=True)
    ends_before = models.DateTimeField(gettext_lazy("原截止时间"), null=True, blank=True)
    ends_after = models.DateTimeField(gettext_lazy("新截止时间"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(gettext_lazy("时间"), default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("公示记录")
        verbose_name_plural = verbose_name
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.notice} · {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("公示记录只能追加，不能修改")
        super().save(*args, **kwargs)


class Objection(models.Model):
    notice = models.ForeignKey(
        Notice,
        verbose_name=gettext_lazy("公示"),
        on_delete=models.PROTECT,
        related_name="objections",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("提出人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(
        gettext_lazy("异议理由"), max_length=4000, validators=[validate_no_script]
    )
    created_at = models.DateTimeField(gettext_lazy("提出时间"), default=timezone.now)
    response = models.TextField(
        gettext_lazy("答复"), max_length=4000, blank=True, validators=[validate_no_script]
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(gettext_lazy("答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("异议")
        verbose_name_plural = verbose_name
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="objection_response_complete",
                condition=models.Q(responded_at__isnull=True, response="")
                | (models.Q(responded_at__isnull=False) & ~models.Q(response="")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.notice} · 异议#{self.pk}"

    @property
    def answered(self) -> bool:
        return self.responded_at is not None


class ObjectionAttachment(models.Model):
    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(
        gettext_lazy("附件"), upload_to="objections/%Y/%m/", validators=[validate_attachment]
    )
    name = models.CharField(gettext_lazy("文件名"), max_length=120)

    class Meta:
        verbose_name = gettext_lazy("异议附件")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.name
