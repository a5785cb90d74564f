"""Notifications: the in-app inbox, deliveries by SMS / WeChat, preferences, and the
door-to-door record of households told offline (上门告知)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from linli.core.validators import validate_no_script


class Kind(models.TextChoices):
    MEETING_INVITATION = "meeting_invitation", gettext_lazy("会议邀请")
    MEETING_REMINDER = "meeting_reminder", gettext_lazy("会议提醒")
    NOTICE_PUBLISHED = "notice_published", gettext_lazy("公示发布")
    OBJECTION_ANSWERED = "objection_answered", gettext_lazy("异议答复")
    VOTE_OPENED = "vote_opened", gettext_lazy("表决开始")
    VOTE_LAST_DAY = "vote_last_day", gettext_lazy("表决最后一天")
    VOTE_RESULT = "vote_result", gettext_lazy("表决结果")
    NEED_ANSWERED = "need_answered", gettext_lazy("需求答复")
    NEED_MERGED = "need_merged", gettext_lazy("需求合并")
    TICKET_UPDATED = "ticket_updated", gettext_lazy("报修进展")
    PATROL_DUE = "patrol_due", gettext_lazy("巡查值班")
    DESIGN_ROUND = "design_round", gettext_lazy("设计方案征询")


class Channel(models.TextChoices):
    IN_APP = "in_app", gettext_lazy("站内消息")
    SMS = "sms", gettext_lazy("短信")
    WECHAT = "wechat", gettext_lazy("微信")


# Channels beyond the inbox; the inbox itself is always on.
EXTERNAL_CHANNELS = (Channel.SMS, Channel.WECHAT)


class Notification(models.Model):
    """One message in one user's inbox. ``dedup_key`` names the event: the same event reaches
    the same user once (DB-unique per recipient)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("收件人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(gettext_lazy("类型"), max_length=30, choices=Kind.choices)
    title = models.CharField(gettext_lazy("标题"), max_length=100, validators=[validate_no_script])
    body = models.TextField(gettext_lazy("内容"), max_length=1000, blank=True)
    link = models.CharField(gettext_lazy("链接"), max_length=300, blank=True)
    # what the message is about, e.g. "notice:12" — the door-to-door list reads it
    topic = models.CharField(gettext_lazy("事项"), max_length=40, blank=True, db_index=True)
    dedup_key = models.CharField(gettext_lazy("去重键"), max_length=120)
    created_at = models.DateTimeField(gettext_lazy("时间"), default=timezone.now)
    read_at = models.DateTimeField(gettext_lazy("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("消息")
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedup_key"], name="notification_once_per_recipient"
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.recipient_id} · {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Delivery(models.Model):
    """A notification sent (or deferred, skipped) on one external channel."""

    class Status(models.TextChoices):
        PENDING = "pending", gettext_lazy("待发送")
        DEFERRED = "deferred", gettext_lazy("夜间暂缓")
        SENDING = "sending", gettext_lazy("发送中")
        SENT = "sent", gettext_lazy("已发送")
        SKIPPED = "skipped", gettext_lazy("未发送")
        FAILED = "failed", gettext_lazy("发送失败")

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(gettext_lazy("渠道"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        gettext_lazy("状态"),
        max_length=10,
        choices=Status.choices,
        default=Status.PENDING,
        db_index=True,
    )
    not_before = models.DateTimeField(
        gettext_lazy("最早发送时间"), null=True, blank=True, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(gettext_lazy("尝试次数"), default=0)
    sent_at = models.DateTimeField(gettext_lazy("发送时间"), null=True, blank=True)
    detail = models.CharField(gettext_lazy("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = gettext_lazy("消息投递")
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="delivery_once_per_channel"
            )
        ]

    def __str__(self) -> str:
        return f"{self.notification_id} · {self.channel} · {self.status}"


class ChannelPreference(models.Model):
    """A user's choice for one kind of message on one external channel (no row = on)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs"
    )
    kind = models.CharField(gettext_lazy("类型"), max_length=30, choices=Kind.choices)
    channel = models.CharField(gettext_lazy("渠道"), max_length=10, choices=Channel.choices)
    enabled = models.BooleanField(gettext_lazy("接收"), default=True)

    class Meta:
        verbose_name = gettext_lazy("通知偏好")
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "channel"], name="notification_pref_once"
            ),
            models.CheckConstraint(
                name="notification_pref_external_channel",
                condition=models.Q(channel__in=["sms", "wechat"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.kind} · {self.channel} · {self.enabled}"


class WechatBinding(models.Model):
    """The WeChat openid subscription messages go to (set by a deployment's WeChat login)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wechat_binding"
    )
    openid = models.CharField("openid", max_length=64, unique=True)
    bound_at = models.DateTimeField(gettext_lazy("绑定时间"), default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("微信绑定")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.user_id} · 微信"


class DoorContact(models.Model):
    """A household (flat) told offline about a notice or a vote: how, by whom, when."""

    class Subject(models.TextChoices):
        NOTICE = "notice", gettext_lazy("公示")
        VOTE = "vote", gettext_lazy("表决")

    class Method(models.TextChoices):
        DOOR = "door", gettext_lazy("上门告知")
        PHONE = "phone", gettext_lazy("电话")
        POSTER = "poster", gettext_lazy("张贴")
        OTHER = "other", gettext_lazy("其他")

    subject_type = models.CharField(
        gettext_lazy("事项类型"), max_length=10, choices=Subject.choices
    )
    subject_id = models.PositiveBigIntegerField(gettext_lazy("事项编号"))
    committee = models.ForeignKey(
        "places.Committee",
        verbose_name=gettext_lazy("居委会"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    flat = models.ForeignKey(
        "places.Flat",
        verbose_name=gettext_lazy("户室"),
        on_delete=models.PROTECT,
        related_name="door_contacts",
    )
    person = models.ForeignKey(
        "places.Person",
        verbose_name=gettext_lazy("告知对象"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    method = models.CharField(gettext_lazy("告知方式"), max_length=10, choices=Method.choices)
    method_note = models.CharField(
        gettext_lazy("其他方式说明"), max_length=60, blank=True, validators=[validate_no_script]
    )
    told_by_name = models.CharField(
        gettext_lazy("告知人"), max_length=50, validators=[validate_no_script]
    )
    told_at = models.DateTimeField(gettext_lazy("告知时间"))
    note = models.CharField(
        gettext_lazy("备注"), max_length=200, blank=True, validators=[validate_no_script]
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(gettext_lazy("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("上门告知记录")
        verbose_name_plural = verbose_name
        ordering = ["-told_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="door_contact_subject")]
        constraints = [
            models.CheckConstraint(
                name="door_contact_other_explained",
                condition=~models.Q(method="other") | ~models.Q(method_note=""),
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject_type}:{self.subject_id} · {self.flat_id} · {self.method}"
