"""Place-making activities 社区营造活动 (seed 002): workshops, salons, design contests,
charity markets, wall paintings, trainings, children's activities …

An activity belongs to a street (town); it is organised by the street office, a 居委会 or
one of the partner organisation's committees, with partner teams; it takes place in a
compound / micro-space or at a place described in words; residents sign up on their phone
(capacity respected, one sign-up each) and check in by scanning a QR code (the meetings'
signed-token mechanism, linli.core.checkin). Every check-in is one ``ActivityCheckin``
row — person, activity, channel (online/offline), time — that participation counts read.

Design contests 设计赛 have entries, jury scores (one per juror and entry) and a public
vote (one per account).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from linli.core.validators import validate_no_script

User = settings.AUTH_USER_MODEL
TEXT = [validate_no_script]
MAX_CAPACITY = 5000
JURY_MAX = 10  # jury scores are 1–10


def _new_key() -> str:
    return secrets.token_hex(8)


class ActivityKind(models.TextChoices):
    WORKSHOP = "workshop", gettext_lazy("工作坊")
    SALON = "salon", gettext_lazy("沙龙")
    CONTEST = "contest", gettext_lazy("设计赛")
    MARKET = "market", gettext_lazy("公益市集")
    WALL_PAINTING = "wall_painting", gettext_lazy("墙绘")
    TRAINING = "training", gettext_lazy("培训")
    CHILDREN = "children", gettext_lazy("儿童活动")
    OTHER = "other", gettext_lazy("其他")


class Audience(models.TextChoices):
    RESIDENTS = "residents", gettext_lazy("全体居民")
    CHILDREN = "children", gettext_lazy("儿童及家长")
    PLANNERS = "planners", gettext_lazy("社区规划师")
    PARTNERS = "partners", gettext_lazy("社区合伙人")
    BUILDING_LEADERS = "building_leaders", gettext_lazy("楼组长")


class Activity(models.Model):
    """One place-making activity of a street, with capacity, sign-up and QR check-in."""

    class Organiser(models.TextChoices):
        STREET = "street", gettext_lazy("街道/镇")
        COMMITTEE = "committee", gettext_lazy("居委会")
        PARTNER_COMMITTEE = "partner_committee", gettext_lazy("合伙人委员会")

    class Status(models.TextChoices):
        OPEN = "open", gettext_lazy("报名中")
        CANCELLED = "cancelled", gettext_lazy("已取消")
        FINISHED = "finished", gettext_lazy("已结束")

    street = models.ForeignKey(
        "places.Street",
        verbose_name=gettext_lazy("街道/镇"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    kind = models.CharField(gettext_lazy("活动类型"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(gettext_lazy("活动名称"), max_length=80, validators=TEXT)
    description = models.TextField(
        gettext_lazy("活动介绍"), max_length=2000, blank=True, validators=TEXT
    )
    audience = models.CharField(
        gettext_lazy("面向"), max_length=20, choices=Audience.choices, default=Audience.RESIDENTS
    )
    organiser = models.CharField(gettext_lazy("主办方"), max_length=20, choices=Organiser.choices)
    committee = models.ForeignKey(
        "places.Committee",
        verbose_name=gettext_lazy("居委会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
        help_text=gettext_lazy("在某个居民区举办或由居委会主办时填写"),
    )
    partner_committee = models.ForeignKey(
        "partners.PartnerCommittee",
        verbose_name=gettext_lazy("主办的合伙人委员会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    teams = models.ManyToManyField(
        "partners.PartnerTeam",
        verbose_name=gettext_lazy("参与的合伙人团队"),
        blank=True,
        related_name="activities",
    )
    compound = models.ForeignKey(
        "places.Compound",
        verbose_name=gettext_lazy("小区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    microspace = models.ForeignKey(
        "places.MicroSpace",
        verbose_name=gettext_lazy("小微空间"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    place = models.CharField(gettext_lazy("地点"), max_length=100, blank=True, validators=TEXT)
    starts_at = models.DateTimeField(gettext_lazy("开始时间"))
    ends_at = models.DateTimeField(gettext_lazy("结束时间"))
    capacity = models.PositiveIntegerField(
        gettext_lazy("名额"), validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)]
    )
    projects = models.ManyToManyField(
        "projects.Project",
        verbose_name=gettext_lazy("关联项目"),
        blank=True,
        related_name="activities",
    )
    status = models.CharField(
        gettext_lazy("状态"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    voting_open = models.BooleanField(gettext_lazy("公众投票进行中"), default=False)
    checkin_key = models.CharField(max_length=32, default=_new_key, editable=False)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("社区营造活动")
        verbose_name_plural = verbose_name
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="act_ends_after"),
            models.CheckConstraint(
                condition=~Q(organiser="committee") | Q(committee__isnull=False),
                name="act_committee_organiser_named",
            ),
            models.CheckConstraint(
                condition=~Q(organiser="partner_committee") | Q(partner_committee__isnull=False),
                name="act_partner_committee_organiser_named",
            ),
            models.CheckConstraint(
                condition=Q(voting_open=False) | Q(kind="contest"), name="act_vote_only_contest"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.committee_id and self.street_id and self.committee.street_id != self.street_id:
            raise ValidationError({"committee": "所选居委会不属于该街道"})
        if (
            self.compound_id
            and self.street_id
            and self.compound.committee.street_id != self.street_id
        ):
            raise ValidationError({"compound": "所选小区不属于该街道"})
        if (
            self.microspace_id
            and self.street_id
            and self.microspace.compound.committee.street_id != self.street_id
        ):
            raise ValidationError({"microspace": "所选小微空间不属于该街道"})
        if (
            self.partner_committee_id
            and self.street_id
            and self.partner_committee.organisation.street_id != self.street_id
        ):
            raise ValidationError({"partner_committee": "所选合伙人委员会不属于该街道"})
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "结束时间必须晚于开始时间"})

    @property
    def organiser_label(self) -> str:
        if self.organiser == self.Organiser.PARTNER_COMMITTEE and self.partner_committee_id:
            return str(self.partner_committee)
        if self.organiser == self.Organiser.COMMITTEE and self.committee_id:
            return self.committee.name
        return self.street.name

    @property
    def place_label(self) -> str:
        parts = [str(x) for x in (self.compound, self.microspace) if x is not None]
        if self.place:
            parts.append(self.place)
        return " · ".join(parts)


class ActivitySignup(models.Model):
    """A person's sign-up (报名) for an activity; one per account (cancelling keeps the row)."""

    class Status(models.TextChoices):
        SIGNED = "signed", gettext_lazy("已报名")
        CANCELLED = "cancelled", gettext_lazy("已取消")

    activity = models.ForeignKey(
        Activity,
        verbose_name=gettext_lazy("活动"),
        on_delete=models.CASCADE,
        related_name="signups",
    )
    user = models.ForeignKey(
        User, verbose_name=gettext_lazy("账号"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(gettext_lazy("姓名"), max_length=50, validators=TEXT)
    note = models.CharField(gettext_lazy("备注"), max_length=100, blank=True, validators=TEXT)
    status = models.CharField(
        gettext_lazy("状态"), max_length=10, choices=Status.choices, default=Status.SIGNED
    )
    created_at = models.DateTimeField(gettext_lazy("报名时间"), default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("活动报名")
        verbose_name_plural = verbose_name
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "user"], name="act_signup_once"),
        ]

    def __str__(self) -> str:
        return f"{self.activity} · {self.name}"


class ActivityCheckin(models.Model):
    """One attendance at an activity, the record participation 人次 counts read: who
    (account and/or registry person, or a name entered by staff), which activity, which
    channel (online = the person scanned the QR code; offline = staff signed them in), when."""

    class Channel(models.TextChoices):
        ONLINE = "online", gettext_lazy("线上（扫码签到）")
        OFFLINE = "offline", gettext_lazy("线下（工作人员代签）")

    activity = models.ForeignKey(
        Activity,
        verbose_name=gettext_lazy("活动"),
        on_delete=models.CASCADE,
        related_name="checkins",
    )
    user = models.ForeignKey(
        User,
        verbose_name=gettext_lazy("账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    person = models.ForeignKey(
        "places.Person",
        verbose_name=gettext_lazy("人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activity_checkins",
    )
    name = models.CharField(gettext_lazy("姓名"), max_length=50, validators=TEXT)
    birth_year = models.PositiveSmallIntegerField(
        gettext_lazy("出生年份"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    channel = models.CharField(gettext_lazy("渠道"), max_length=10, choices=Channel.choices)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(gettext_lazy("签到时间"), default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("活动签到")
        verbose_name_plural = verbose_name
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "user"],
                condition=Q(user__isnull=False),
                name="act_checkin_once_per_user",
            ),
            models.UniqueConstraint(
                fields=["activity", "person"],
                condition=Q(person__isnull=False),
                name="act_checkin_once_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} · {self.name}"


class ActivityPhoto(models.Model):
    """A photo of an activity (EXIF removed, re-encoded by needs.images.clean_photo)."""

    activity = models.ForeignKey(
        Activity, verbose_name=gettext_lazy("活动"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(gettext_lazy("照片"), upload_to="activities/photos/%Y/%m/")
    caption = models.CharField(gettext_lazy("说明"), max_length=100, blank=True, validators=TEXT)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("活动照片")
        verbose_name_plural = verbose_name
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.activity} · {self.caption or self.pk}"


class ContestEntry(models.Model):
    """An entry (作品) of a design contest."""

    activity = models.ForeignKey(
        Activity,
        verbose_name=gettext_lazy("设计赛"),
        on_delete=models.CASCADE,
        related_name="entries",
    )
    title = models.CharField(gettext_lazy("作品名称"), max_length=80, validators=TEXT)
    description = models.TextField(
        gettext_lazy("作品说明"), max_length=2000, blank=True, validators=TEXT
    )
    author = models.CharField(gettext_lazy("作者"), max_length=80, validators=TEXT)
    author_user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("参赛作品")
        verbose_name_plural = verbose_name
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "title"], name="act_entry_title_unique")
        ]

    def __str__(self) -> str:
        return self.title


class ContestJuror(models.Model):
    """A juror (评委) of a design contest."""

    activity = models.ForeignKey(
        Activity,
        verbose_name=gettext_lazy("设计赛"),
        on_delete=models.CASCADE,
        related_name="jurors",
    )
    user = models.ForeignKey(
        User, verbose_name=gettext_lazy("评委账号"), on_delete=models.CASCADE, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("评委")
        verbose_name_plural = verbose_name
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["activity", "user"], name="act_juror_once")]

    def __str__(self) -> str:
        return f"{self.activity} · {self.user}"


class JuryScore(models.Model):
    """One juror's score (1–10) of one entry; a juror may revise it (the row is updated)."""

    entry = models.ForeignKey(
        ContestEntry,
        verbose_name=gettext_lazy("作品"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    juror = models.ForeignKey(
        ContestJuror,
        verbose_name=gettext_lazy("评委"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    score = models.PositiveSmallIntegerField(
        gettext_lazy("评分"), validators=[MinValueValidator(1), MaxValueValidator(JURY_MAX)]
    )
    comment = models.CharField(gettext_lazy("评语"), max_length=200, blank=True, validators=TEXT)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("评委评分")
        verbose_name_plural = verbose_name
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "juror"], name="act_score_once"),
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=JURY_MAX), name="act_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry} · {self.score}"


class PublicVote(models.Model):
    """A resident's vote in a design contest's public vote: one per account and contest."""

    activity = models.ForeignKey(
        Activity,
        verbose_name=gettext_lazy("设计赛"),
        on_delete=models.CASCADE,
        related_name="public_votes",
    )
    entry = models.ForeignKey(
        ContestEntry,
        verbose_name=gettext_lazy("作品"),
        on_delete=models.CASCADE,
        related_name="votes",
    )
    user = models.ForeignKey(
        User, verbose_name=gettext_lazy("投票人"), on_delete=models.CASCADE, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("公众投票")
        verbose_name_plural = verbose_name
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "user"], name="act_public_vote_once")
        ]

    def __str__(self) -> str:
        return f"{self.activity} · {self.entry}"
