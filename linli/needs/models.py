"""Needs intake (需求征集) and the needs list (需求清单), step 1 of the 004 loop.

A ``Need`` is one thing one person (or one meeting) said the community needs, online or
heard offline; every need starts with one ``NeedSupport`` row for the person who raised it,
so online and offline needs are counted by the same rows. Duplicates are merged by pointing
``merged_into`` at the surviving need: nothing is deleted, every text, supporter and channel
stays. A ``NeedsList`` is a dated, numbered snapshot of the ranking with the weights used.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.validators import validate_no_script
from linli.places.models import LAT, LNG, UNIT_FRACTION, MicroSpace

TEXT_MAX = 500


class Category(models.TextChoices):
    ENVIRONMENT = "environment", gettext_lazy("环境卫生")
    GREENING = "greening", gettext_lazy("绿化景观")
    PARKING = "parking", gettext_lazy("停车与非机动车")
    SAFETY = "safety", gettext_lazy("安全隐患")
    ELDERLY = "elderly", gettext_lazy("为老服务")
    CHILDREN = "children", gettext_lazy("儿童友好")
    FACILITIES = "facilities", gettext_lazy("公共设施")
    HOUSING = "housing", gettext_lazy("楼道与房屋")
    ELEVATOR = "elevator", gettext_lazy("加装电梯")
    ACTIVITIES = "activities", gettext_lazy("文体活动空间")
    OTHER = "other", gettext_lazy("其他")


class Channel(models.TextChoices):
    ONLINE = "online", gettext_lazy("线上（居社互动）")
    VISIT = "visit", gettext_lazy("入户走访")
    RECEPTION = "reception", gettext_lazy("全岗通接待")
    QUESTIONNAIRE = "questionnaire", gettext_lazy("纸质问卷")
    PHONE = "phone", gettext_lazy("电话")
    MEETING = "meeting", gettext_lazy("会议")


OFFLINE_CHANNELS = [c for c in Channel.values if c != Channel.ONLINE]


class MeetingKind(models.TextChoices):
    NONE = "", "—"
    TOPIC_CONSULTATION = "topic_consultation", gettext_lazy("议题征询会")
    HOME_COUNCIL = "home_council", gettext_lazy("家园理事会")
    COMMUNITY_COUNCIL = "community_council", gettext_lazy("社区议事会")
    BUILDING_COUNCIL = "building_council", gettext_lazy("楼组议事会")


class AgeGroup(models.TextChoices):
    UNDER_18 = "under_18", gettext_lazy("18岁以下")
    AGE_18_34 = "18_34", gettext_lazy("18–34岁")
    AGE_35_59 = "35_59", gettext_lazy("35–59岁")
    AGE_60_79 = "60_79", gettext_lazy("60–79岁")
    AGE_80_UP = "80_up", gettext_lazy("80岁及以上")
    UNKNOWN = "unknown", gettext_lazy("未知")


def age_group_of(birth_year: int | None, year: int | None = None) -> str:
    if not birth_year:
        return AgeGroup.UNKNOWN
    age = (year or timezone.localdate().year) - birth_year
    if age < 18:
        return AgeGroup.UNDER_18
    if age < 35:
        return AgeGroup.AGE_18_34
    if age < 60:
        return AgeGroup.AGE_35_59
    if age < 80:
        return AgeGroup.AGE_60_79
    return AgeGroup.AGE_80_UP


class CostBand(models.TextChoices):
    LOW = "low", gettext_lazy("低于1万元")
    MEDIUM = "medium", gettext_lazy("1万–10万元")
    HIGH = "high", gettext_lazy("10万–50万元")
    VERY_HIGH = "very_high", gettext_lazy("50万元以上")
    UNKNOWN = "unknown", gettext_lazy("未估算")


class Hazard(models.IntegerChoices):
    NONE = 0, gettext_lazy("无安全隐患")
    MINOR = 1, gettext_lazy("轻微")
    SERIOUS = 2, gettext_lazy("较重")
    IMMEDIATE = 3, gettext_lazy("紧急")


class Need(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", gettext_lazy("征集中")
        MERGED = "merged", gettext_lazy("已合并")
        PROJECT = "project", gettext_lazy("已转为项目")
        CLOSED = "closed", gettext_lazy("已办结")

    committee = models.ForeignKey(
        "places.Committee",
        verbose_name=gettext_lazy("居委会"),
        on_delete=models.PROTECT,
        related_name="needs",
    )
    compound = models.ForeignKey(
        "places.Compound",
        verbose_name=gettext_lazy("小区"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="needs",
    )
    building = models.ForeignKey(
        "places.Building",
        verbose_name=gettext_lazy("楼栋"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="needs",
    )
    microspace = models.ForeignKey(
        "places.MicroSpace",
        verbose_name=gettext_lazy("小微空间"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="needs",
    )
    text = models.TextField(
        gettext_lazy("需求内容"), max_length=TEXT_MAX, validators=[validate_no_script]
    )
    category = models.CharField(
        gettext_lazy("类别"), max_length=20, choices=Category.choices, default=Category.OTHER
    )
    channel = models.CharField(
        gettext_lazy("收集渠道"), max_length=20, choices=Channel.choices, default=Channel.ONLINE
    )
    meeting_kind = models.CharField(
        gettext_lazy("来自会议"), max_length=24, choices=MeetingKind.choices, blank=True, default=""
    )
    meeting_date = models.DateField(gettext_lazy("会议日期"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("提出人账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="needs",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reporter_label = models.CharField(
        gettext_lazy("提出人（线下）"), max_length=50, blank=True, validators=[validate_no_script]
    )
    anonymous = models.BooleanField(gettext_lazy("对其他居民匿名"), default=False)
    lat = models.DecimalField(
        gettext_lazy("纬度"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LAT
    )
    lng = models.DecimalField(
        gettext_lazy("经度"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LNG
    )
    plan_x = models.DecimalField(
        gettext_lazy("总平面图横坐标"), max_digits=5, decimal_places=4, null=True, blank=True,
        validators=UNIT_FRACTION,
    )  # fmt: skip
    plan_y = models.DecimalField(
        gettext_lazy("总平面图纵坐标"), max_digits=5, decimal_places=4, null=True, blank=True,
        validators=UNIT_FRACTION,
    )  # fmt: skip
    status = models.CharField(
        gettext_lazy("状态"),
        max_length=12,
        choices=Status.choices,
        default=Status.OPEN,
        db_index=True,
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=gettext_lazy("合并到"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_needs",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=gettext_lazy("转为项目"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="needs",
    )
    # Facts for the priority score, judged by staff (hints from the text are only a prefill).
    households_affected = models.PositiveIntegerField(gettext_lazy("影响户数"), default=0)
    safety_hazard = models.PositiveSmallIntegerField(
        gettext_lazy("安全隐患"), choices=Hazard.choices, default=Hazard.NONE
    )
    affects_elderly = models.BooleanField(gettext_lazy("涉及老人"), default=False)
    affects_children = models.BooleanField(gettext_lazy("涉及儿童"), default=False)
    cost_band = models.CharField(
        gettext_lazy("费用档次"), max_length=12, choices=CostBand.choices, default=CostBand.UNKNOWN
    )
    created_at = models.DateTimeField(gettext_lazy("提出时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = gettext_lazy("居民需求")
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="need_not_merged_into_itself",
                condition=~models.Q(merged_into=models.F("id")),
            ),
            models.CheckConstraint(
                name="need_merged_status_matches",
                condition=(
                    models.Q(status="merged", merged_into__isnull=False)
                    | (~models.Q(status="merged") & models.Q(merged_into__isnull=True))
                ),
            ),
        ]

    def __str__(self) -> str:
        text = self.text.replace("\n", " ")
        return text[:30] + ("…" if len(text) > 30 else "")

    @property
    def is_offline(self) -> bool:
        return self.channel != Channel.ONLINE

    def clean(self):
        errors = {}
        text = (self.text or "").strip()
        if not text:
            errors["text"] = _("请填写需求内容")
        if self.channel == Channel.MEETING and not self.meeting_kind:
            errors["meeting_kind"] = _("来自会议的需求请选择会议类型")
        if self.channel != Channel.MEETING and self.meeting_kind:
            errors["meeting_kind"] = _("只有渠道为“会议”时才填写会议类型")
        if self.building_id and self.building.compound.committee_id != self.committee_id:
            errors["building"] = _("所选楼栋不属于该居委会")
        if self.compound_id and self.compound.committee_id != self.committee_id:
            errors["compound"] = _("所选小区不属于该居委会")
        if self.microspace_id and self.microspace.compound.committee_id != self.committee_id:
            errors["microspace"] = _("所选小微空间不属于该居委会")
        if self.merged_into_id and self.merged_into.committee_id != self.committee_id:
            errors["merged_into"] = _("只能合并同一居委会的需求")
        if errors:
            raise ValidationError(errors)


class NeedSupport(models.Model):
    """One person behind a need: the one who raised it (``is_origin``) or a "我也需要"."""

    need = models.ForeignKey(
        Need, verbose_name=gettext_lazy("需求"), on_delete=models.CASCADE, related_name="supports"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="need_supports",
    )
    building = models.ForeignKey(
        "places.Building",
        verbose_name=gettext_lazy("所在楼栋"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    age_group = models.CharField(
        gettext_lazy("年龄段"), max_length=10, choices=AgeGroup.choices, default=AgeGroup.UNKNOWN
    )
    channel = models.CharField(gettext_lazy("渠道"), max_length=20, choices=Channel.choices)
    is_origin = models.BooleanField(gettext_lazy("提出人"), default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(gettext_lazy("时间"), default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("需求支持")
        verbose_name_plural = verbose_name
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["need", "user"],
                condition=models.Q(user__isnull=False),
                name="uniq_need_support_per_user",
                violation_error_message=gettext_lazy("您已经支持过这条需求"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.need_id} ← {self.user_id or _('线下')}"


class NeedPhoto(models.Model):
    need = models.ForeignKey(
        Need, verbose_name=gettext_lazy("需求"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(gettext_lazy("照片"), upload_to="needs/%Y/%m/")
    width = models.PositiveIntegerField(gettext_lazy("宽"), default=0)
    height = models.PositiveIntegerField(gettext_lazy("高"), default=0)
    location_kept = models.BooleanField(gettext_lazy("保留了拍摄位置"), default=False)

    class Meta:
        verbose_name = gettext_lazy("需求照片")
        verbose_name_plural = verbose_name
        ordering = ["id"]

    def __str__(self) -> str:
        return _("需求 %(need_id)s 照片") % {"need_id": self.need_id}


class SpaceReport(models.Model):
    """“发现小微”: a resident points at a neglected micro-space; staff verify it into the register."""

    class Status(models.TextChoices):
        NEW = "new", gettext_lazy("待核实")
        VERIFIED = "verified", gettext_lazy("已登记")
        REJECTED = "rejected", gettext_lazy("未采纳")

    committee = models.ForeignKey(
        "places.Committee",
        verbose_name=gettext_lazy("居委会"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    compound = models.ForeignKey(
        "places.Compound",
        verbose_name=gettext_lazy("小区"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    building = models.ForeignKey(
        "places.Building",
        verbose_name=gettext_lazy("附近楼栋"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(
        gettext_lazy("空间类型"), max_length=20, choices=MicroSpace.Kind.choices
    )
    place = models.CharField(
        gettext_lazy("位置描述"), max_length=100, validators=[validate_no_script]
    )
    problem = models.TextField(
        gettext_lazy("存在的问题"), max_length=TEXT_MAX, validators=[validate_no_script]
    )
    photo = models.ImageField(gettext_lazy("照片"), upload_to="space_reports/%Y/%m/", blank=True)
    lat = models.DecimalField(
        gettext_lazy("纬度"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LAT
    )
    lng = models.DecimalField(
        gettext_lazy("经度"), max_digits=9, decimal_places=6, null=True, blank=True, validators=LNG
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("发现人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        gettext_lazy("状态"),
        max_length=10,
        choices=Status.choices,
        default=Status.NEW,
        db_index=True,
    )
    microspace = models.ForeignKey(
        "places.MicroSpace",
        verbose_name=gettext_lazy("登记为"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("核实人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_note = models.CharField(
        gettext_lazy("核实说明"), max_length=200, blank=True, validators=[validate_no_script]
    )
    created_at = models.DateTimeField(gettext_lazy("发现时间"), default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("发现小微")
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.place

    def clean(self):
        if self.compound_id and self.compound.committee_id != self.committee_id:
            raise ValidationError({"compound": _("所选小区不属于该居委会")})
        if self.building_id and self.building.compound_id != self.compound_id:
            raise ValidationError({"building": _("所选楼栋不属于该小区")})


WEIGHT_FIELDS = ("supporters", "households", "safety", "vulnerable", "cost")
WEIGHT_LIMIT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class PriorityWeightSet(models.Model):
    """A committee's own priority weights (defaults = the engine's)."""

    committee = models.OneToOneField(
        "places.Committee",
        verbose_name=gettext_lazy("居委会"),
        on_delete=models.CASCADE,
        related_name="priority_weights",
    )
    supporters = models.DecimalField(
        gettext_lazy("提出或附议人数"), max_digits=5, decimal_places=1, default=Decimal("25"),
        validators=WEIGHT_LIMIT,
    )  # fmt: skip
    households = models.DecimalField(
        gettext_lazy("影响户数"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("20"),
        validators=WEIGHT_LIMIT,
    )
    safety = models.DecimalField(
        gettext_lazy("安全隐患"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("30"),
        validators=WEIGHT_LIMIT,
    )
    vulnerable = models.DecimalField(
        gettext_lazy("老人与儿童"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("15"),
        validators=WEIGHT_LIMIT,
    )
    cost = models.DecimalField(
        gettext_lazy("费用档次"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("10"),
        validators=WEIGHT_LIMIT,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(gettext_lazy("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("优先级权重")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return _("%(committee)s 权重") % {"committee": self.committee}


class NeedsList(models.Model):
    """A dated, numbered needs list (需求清单) of a committee, or rolled up for a street."""

    committee = models.ForeignKey(
        "places.Committee",
        verbose_name=gettext_lazy("居委会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="needs_lists",
    )
    street = models.ForeignKey(
        "places.Street",
        verbose_name=gettext_lazy("街道（汇总）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="needs_lists",
    )
    version = models.PositiveIntegerField(gettext_lazy("版本"))
    title = models.CharField(gettext_lazy("标题"), max_length=100, validators=[validate_no_script])
    weights = models.JSONField(gettext_lazy("使用的权重"))
    entries = models.JSONField(gettext_lazy("清单条目"))
    totals = models.JSONField(gettext_lazy("汇总"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(gettext_lazy("生成时间"), default=timezone.now)
    published_at = models.DateTimeField(gettext_lazy("公开时间"), null=True, blank=True)
    public_token = models.CharField(
        gettext_lazy("公开链接编号"), max_length=32, null=True, blank=True, unique=True
    )

    class Meta:
        verbose_name = gettext_lazy("需求清单")
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="needs_list_one_owner",
                condition=(
                    models.Q(committee__isnull=False, street__isnull=True)
                    | models.Q(committee__isnull=True, street__isnull=False)
                ),
            ),
            models.UniqueConstraint(
                fields=["committee", "version"],
                condition=models.Q(committee__isnull=False),
                name="uniq_needs_list_version_committee",
            ),
            models.UniqueConstraint(
                fields=["street", "version"],
                condition=models.Q(street__isnull=False),
                name="uniq_needs_list_version_street",
            ),
        ]

    def __str__(self) -> str:
        return _("%(title)s（第%(version)s版）") % {"title": self.title, "version": self.version}

    @property
    def owner_name(self) -> str:
        return self.committee.name if self.committee_id else self.street.name

    @property
    def is_published(self) -> bool:
        return self.published_at is not None
