"""Meetings (会议): agenda, sign-in, minutes; and the "四议" track of a project."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from linli.core.validators import validate_no_script
from linli.deliberation.meeting_types import Convener, MeetingKind


def _new_key() -> str:
    return secrets.token_hex(8)


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", gettext_lazy("已安排")
        CLOSED = "closed", gettext_lazy("已结束")

    committee = models.ForeignKey(
        "places.Committee",
        verbose_name=gettext_lazy("居委会"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    compound = models.ForeignKey(
        "places.Compound",
        verbose_name=gettext_lazy("范围：小区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
        help_text=gettext_lazy("不选则为整个居委会"),
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=gettext_lazy("所属项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    kind = models.CharField(gettext_lazy("会议类型"), max_length=30, choices=MeetingKind.choices)
    title = models.CharField(
        gettext_lazy("会议名称"), max_length=80, validators=[validate_no_script]
    )
    convener = models.CharField(gettext_lazy("召集方"), max_length=20, choices=Convener.choices)
    acting_convener = models.BooleanField(
        gettext_lazy("居委会代行召集"),
        default=False,
        help_text=gettext_lazy("未成立业委会时由居委会代行组织"),
    )
    starts_at = models.DateTimeField(gettext_lazy("开始时间"))
    location = models.CharField(
        gettext_lazy("地点"), max_length=100, blank=True, validators=[validate_no_script]
    )
    expected_count = models.PositiveIntegerField(
        gettext_lazy("应到人数"), validators=[MinValueValidator(1, "应到人数至少为1")]
    )
    invitee_roles = models.JSONField(gettext_lazy("邀请角色"), default=list, blank=True)
    invitee_buildings = models.ManyToManyField(
        "places.Building", verbose_name=gettext_lazy("邀请楼栋"), blank=True, related_name="+"
    )
    invited_officials = models.TextField(
        gettext_lazy("约请的街镇及职能部门代表"),
        max_length=1000,
        blank=True,
        validators=[validate_no_script],
    )
    status = models.CharField(
        gettext_lazy("状态"), max_length=12, choices=Status.choices, default=Status.SCHEDULED
    )
    checkin_key = models.CharField(max_length=32, default=_new_key, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(gettext_lazy("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("会议")
        verbose_name_plural = verbose_name
        ordering = ["-starts_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if (
            self.compound_id
            and self.committee_id
            and self.compound.committee_id != self.committee_id
        ):
            raise ValidationError({"compound": "所选小区不属于该居委会"})
        if self.project_id and self.committee_id and self.project.committee_id != self.committee_id:
            raise ValidationError({"project": "所选项目不属于该居委会"})


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=gettext_lazy("会议"), on_delete=models.CASCADE, related_name="agenda"
    )
    position = models.PositiveSmallIntegerField(gettext_lazy("顺序"), default=0)
    title = models.CharField(gettext_lazy("议题"), max_length=120, validators=[validate_no_script])
    text = models.TextField(
        gettext_lazy("说明"), max_length=2000, blank=True, validators=[validate_no_script]
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=gettext_lazy("关联项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agenda_items",
    )
    need = models.ForeignKey(
        "needs.Need",
        verbose_name=gettext_lazy("关联需求"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agenda_items",
    )
    design_option = models.ForeignKey(
        "planning.DesignOption",
        verbose_name=gettext_lazy("关联设计方案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agenda_items",
    )

    class Meta:
        verbose_name = gettext_lazy("议程")
        verbose_name_plural = verbose_name
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    class Method(models.TextChoices):
        QR = "qr", gettext_lazy("扫码签到")
        STAFF = "staff", gettext_lazy("工作人员代签")

    meeting = models.ForeignKey(
        Meeting,
        verbose_name=gettext_lazy("会议"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(gettext_lazy("姓名"), max_length=50, validators=[validate_no_script])
    note = models.CharField(
        gettext_lazy("身份/楼室"), max_length=60, blank=True, validators=[validate_no_script]
    )
    counts = models.BooleanField(
        gettext_lazy("计入应到人员"), default=True, help_text=gettext_lazy("列席人员不计入")
    )
    method = models.CharField(gettext_lazy("方式"), max_length=10, choices=Method.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(gettext_lazy("签到时间"), default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("签到")
        verbose_name_plural = verbose_name
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=models.Q(user__isnull=False),
                name="attendance_one_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.name}"


class Minutes(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", gettext_lazy("草稿")
        APPROVED = "approved", gettext_lazy("已审定")

    meeting = models.OneToOneField(
        Meeting, verbose_name=gettext_lazy("会议"), on_delete=models.CASCADE, related_name="minutes"
    )
    summary = models.TextField(
        gettext_lazy("会议概况"), max_length=8000, blank=True, validators=[validate_no_script]
    )
    status = models.CharField(
        gettext_lazy("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(gettext_lazy("更新时间"), default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(gettext_lazy("审定时间"), null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("会议纪要")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.meeting} 纪要"

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def committee_id(self) -> int:
        return self.meeting.committee_id

    def as_notice(self) -> dict:
        """Default text when the minutes are published as a notice (公示)."""
        m = self.meeting
        lines = [
            f"{m.starts_at:%Y年%m月%d日}，{m.get_convener_display()}在{m.location or '本社区'}"
            f"召开{m.get_kind_display()}。",
        ]
        if self.summary:
            lines.append(self.summary)
        for i, r in enumerate(self.resolutions.all(), start=1):
            lines.append(f"决议{i}：{r.text}" + (f"（{r.outcome}）" if r.outcome else ""))
        for f in self.follow_ups.all():
            due = f"，{f.due:%Y年%m月%d日}前完成" if f.due else ""
            lines.append(f"后续事项：{f.action}（责任人：{f.owner}{due}）")
        return {
            "kind": "minutes",
            "title": f"{m.title}会议纪要公示"[:100],
            "body": "\n".join(lines),
            "committee": m.committee_id,
            "project": m.project_id,
        }


class SpeakerPoint(models.Model):
    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="points")
    position = models.PositiveSmallIntegerField(default=0)
    speaker = models.CharField(
        gettext_lazy("发言人"), max_length=50, validators=[validate_no_script]
    )
    point = models.TextField(
        gettext_lazy("发言要点"), max_length=2000, validators=[validate_no_script]
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = gettext_lazy("发言要点")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.speaker}：{self.point[:20]}"


class Resolution(models.Model):
    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="resolutions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(gettext_lazy("决议"), max_length=2000, validators=[validate_no_script])
    agree = models.PositiveIntegerField(gettext_lazy("同意人数"), null=True, blank=True)
    passed = models.BooleanField(gettext_lazy("通过"), null=True, blank=True)
    outcome = models.CharField(gettext_lazy("计票说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = gettext_lazy("决议")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.text[:40]


class FollowUp(models.Model):
    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="follow_ups")
    position = models.PositiveSmallIntegerField(default=0)
    action = models.CharField(
        gettext_lazy("后续事项"), max_length=200, validators=[validate_no_script]
    )
    owner = models.CharField(gettext_lazy("责任人"), max_length=50, validators=[validate_no_script])
    due = models.DateField(gettext_lazy("完成期限"), null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = gettext_lazy("后续事项")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.action}（{self.owner}）"


class SiyiStep(models.Model):
    """One step of the "四议" path of a topic: 提议 → 商议 → 动议 → 评议."""

    class Step(models.TextChoices):
        PROPOSE = "propose", gettext_lazy("提议")
        DISCUSS = "discuss", gettext_lazy("商议")
        MOVE = "move", gettext_lazy("动议")
        EVALUATE = "evaluate", gettext_lazy("评议")

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=gettext_lazy("项目"),
        on_delete=models.CASCADE,
        related_name="siyi_steps",
    )
    step = models.CharField(gettext_lazy("环节"), max_length=10, choices=Step.choices)
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=gettext_lazy("会议"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="siyi_steps",
    )
    note = models.TextField(
        gettext_lazy("说明"), max_length=2000, blank=True, validators=[validate_no_script]
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(gettext_lazy("时间"), default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("四议环节")
        verbose_name_plural = verbose_name
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "step"], name="siyi_one_step_per_project")
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_step_display()}"


SIYI_ORDER = [s.value for s in SiyiStep.Step]
