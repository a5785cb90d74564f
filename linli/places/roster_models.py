"""One household-roster upload and its progress (see :mod:`linli.places.roster`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RosterImport(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        VALIDATING = "validating", "正在校验"
        WRITING = "writing", "正在写入"
        DONE = "done", "已完成"
        FAILED = "failed", "未导入"

    FINISHED = (Status.DONE, Status.FAILED)

    committee = models.ForeignKey(
        "places.Committee",
        verbose_name="居委会",
        on_delete=models.CASCADE,
        related_name="roster_imports",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="上传人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file = models.FileField("名册文件", upload_to="roster_imports/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=200, blank=True)
    sha256 = models.CharField("文件SHA-256", max_length=64, blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField("数据行数", default=0)
    processed_rows = models.PositiveIntegerField("已处理行数", default=0)
    message = models.CharField("说明", max_length=500, blank=True)
    report = models.JSONField("错误报告", default=list, blank=True)
    error_count = models.PositiveIntegerField("错误数", default=0)
    created = models.PositiveIntegerField("新增户室", default=0)
    updated = models.PositiveIntegerField("更新户室", default=0)
    unchanged = models.PositiveIntegerField("未变户室", default=0)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "名册导入"
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.committee} 名册导入 #{self.pk}"

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
