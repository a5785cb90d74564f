"""One household-roster upload and its progress (see :mod:`linli.places.roster`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class RosterImport(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", gettext_lazy("排队中")
        VALIDATING = "validating", gettext_lazy("正在校验")
        WRITING = "writing", gettext_lazy("正在写入")
        DONE = "done", gettext_lazy("已完成")
        FAILED = "failed", gettext_lazy("未导入")

    FINISHED = (Status.DONE, Status.FAILED)

    committee = models.ForeignKey(
        "places.Committee",
        verbose_name=gettext_lazy("居委会"),
        on_delete=models.CASCADE,
        related_name="roster_imports",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("上传人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file = models.FileField(gettext_lazy("名册文件"), upload_to="roster_imports/%Y/%m/")
    original_name = models.CharField(gettext_lazy("原文件名"), max_length=200, blank=True)
    sha256 = models.CharField(gettext_lazy("文件SHA-256"), max_length=64, blank=True)
    status = models.CharField(
        gettext_lazy("状态"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    total_rows = models.PositiveIntegerField(gettext_lazy("数据行数"), default=0)
    processed_rows = models.PositiveIntegerField(gettext_lazy("已处理行数"), default=0)
    message = models.CharField(gettext_lazy("说明"), max_length=500, blank=True)
    report = models.JSONField(gettext_lazy("错误报告"), default=list, blank=True)
    error_count = models.PositiveIntegerField(gettext_lazy("错误数"), default=0)
    created = models.PositiveIntegerField(gettext_lazy("新增户室"), default=0)
    updated = models.PositiveIntegerField(gettext_lazy("更新户室"), default=0)
    unchanged = models.PositiveIntegerField(gettext_lazy("未变户室"), default=0)
    created_at = models.DateTimeField(gettext_lazy("上传时间"), auto_now_add=True)
    finished_at = models.DateTimeField(gettext_lazy("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("名册导入")
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return _("%(committee)s 名册导入 #%(pk)s") % {"committee": self.committee, "pk": self.pk}

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total_rows:
            return 0
        return min(99, int(self.processed_rows * 100 / self.total_rows))
