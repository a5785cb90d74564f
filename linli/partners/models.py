"""Community partners 社区合伙人, organised "1+5+n" (seed 002, 高境镇“境享·社区合伙人”).

One partner organisation per street/town with 1 secretariat 秘书处, 5 committees
(智库、规划、治理、媒体、教育) and n teams with leaders and members; partners recruited by
online application 网络招募 or committee recommendation 社区推荐 and reviewed by the
secretariat; partners' contributions (hours, expertise, money in fen, materials) linked to
projects and activities; co-building units 共建单位 of the street.

Every text field has a maximum length; money is integer fen.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from linli.core.validators import validate_no_script

User = settings.AUTH_USER_MODEL
TEXT = [validate_no_script]
MAX_FEN = 10_000_000_000  # 1 亿元
MAX_HOURS = Decimal("1000")


class PartnerOrganisation(models.Model):
    """The street's (town's) partner organisation, e.g. 高境镇“境聚里”社区合伙人: one per street."""

    street = models.OneToOneField(
        "places.Street",
        verbose_name=gettext_lazy("街道/镇"),
        on_delete=models.CASCADE,
        related_name="partner_organisation",
    )
    name = models.CharField(gettext_lazy("名称"), max_length=60, validators=TEXT)
    intro = models.TextField(gettext_lazy("简介"), max_length=1000, blank=True, validators=TEXT)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(gettext_lazy("成立登记时间"), default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("社区合伙人组织")
        verbose_name_plural = verbose_name
        ordering = ["street_id"]

    def __str__(self) -> str:
        return self.name


class CommitteeKind(models.TextChoices):
    THINK_TANK = "think_tank", gettext_lazy("社区智库委员会")
    PLANNING = "planning", gettext_lazy("社区规划委员会")
    GOVERNANCE = "governance", gettext_lazy("社区治理委员会")
    MEDIA = "media", gettext_lazy("社区媒体委员会")
    EDUCATION = "education", gettext_lazy("社区教育委员会")


class PartnerCommittee(models.Model):
    """One of the five committees (智库、规划、治理、媒体、教育) of an organisation ("5")."""

    organisation = models.ForeignKey(
        PartnerOrganisation,
        verbose_name=gettext_lazy("合伙人组织"),
        on_delete=models.CASCADE,
        related_name="committees",
    )
    kind = models.CharField(gettext_lazy("委员会"), max_length=20, choices=CommitteeKind.choices)
    leader = models.ForeignKey(
        "Partner",
        verbose_name=gettext_lazy("主任"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    duties = models.CharField(gettext_lazy("职责"), max_length=200, blank=True, validators=TEXT)

    class Meta:
        verbose_name = gettext_lazy("合伙人委员会")
        verbose_name_plural = verbose_name
        ordering = ["organisation_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind"], name="partners_one_committee_per_kind"
            )
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


class Profession(models.TextChoices):
    DOCTOR = "doctor", gettext_lazy("医生")
    TEACHER = "teacher", gettext_lazy("教师")
    LAWYER = "lawyer", gettext_lazy("律师")
    DESIGNER = "designer", gettext_lazy("设计师")
    PLANNER = "planner", gettext_lazy("规划/建筑师")
    ENGINEER = "engineer", gettext_lazy("工程师")
    MEDIA = "media", gettext_lazy("媒体/文化工作者")
    SOCIAL_WORKER = "social_worker", gettext_lazy("社工")
    ENTREPRENEUR = "entrepreneur", gettext_lazy("企业经营者")
    STUDENT = "student", gettext_lazy("学生")
    RETIREE = "retiree", gettext_lazy("退休职工")
    OTHER = "other", gettext_lazy("其他")


class Partner(models.Model):
    """A community partner (or an applicant): a person linked to a platform account.

    Approval by the secretariat grants the account the partner role (社区合伙人) scoped to
    ``home_committee``, the 居委会 of the street where the partner lives or serves (the
    partner role is scoped to a committee, see accounts.models.ROLE_SCOPE_LEVEL).
    """

    class Channel(models.TextChoices):
        ONLINE = "online", gettext_lazy("网络招募")
        RECOMMENDED = "recommended", gettext_lazy("社区推荐")

    class Status(models.TextChoices):
        APPLIED = "applied", gettext_lazy("待秘书处审核")
        ACTIVE = "active", gettext_lazy("在册")
        DECLINED = "declined", gettext_lazy("未通过")
        LEFT = "left", gettext_lazy("已退出")

    organisation = models.ForeignKey(
        PartnerOrganisation,
        verbose_name=gettext_lazy("合伙人组织"),
        on_delete=models.CASCADE,
        related_name="partners",
    )
    user = models.ForeignKey(
        User,
        verbose_name=gettext_lazy("平台账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner_profiles",
    )
    name = models.CharField(gettext_lazy("姓名"), max_length=50, validators=TEXT)
    mobile = models.CharField(gettext_lazy("手机号"), max_length=11)
    birth_year = models.PositiveSmallIntegerField(
        gettext_lazy("出生年份"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    home_committee = models.ForeignKey(
        "places.Committee",
        verbose_name=gettext_lazy("所在居民区"),
        on_delete=models.PROTECT,
        related_name="partners",
    )
    partner_committee = models.ForeignKey(
        PartnerCommittee,
        verbose_name=gettext_lazy("所属委员会"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    profession = models.CharField(gettext_lazy("职业"), max_length=20, choices=Profession.choices)
    workplace = models.CharField(
        gettext_lazy("工作单位"), max_length=80, blank=True, validators=TEXT
    )
    skills = models.CharField(gettext_lazy("专长"), max_length=200, blank=True, validators=TEXT)
    motivation = models.TextField(
        gettext_lazy("参与意愿"), max_length=500, blank=True, validators=TEXT
    )
    channel = models.CharField(gettext_lazy("招募渠道"), max_length=12, choices=Channel.choices)
    recommended_by = models.ForeignKey(
        User,
        verbose_name=gettext_lazy("推荐人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recommendation = models.CharField(
        gettext_lazy("推荐理由"), max_length=300, blank=True, validators=TEXT
    )
    status = models.CharField(
        gettext_lazy("状态"), max_length=10, choices=Status.choices, default=Status.APPLIED
    )
    in_secretariat = models.BooleanField(gettext_lazy("秘书处成员"), default=False)
    secretariat_title = models.CharField(
        gettext_lazy("秘书处职务"), max_length=30, blank=True, validators=TEXT
    )
    applied_at = models.DateTimeField(gettext_lazy("申请时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(gettext_lazy("审核时间"), null=True, blank=True)
    decline_reason = models.CharField(
        gettext_lazy("未通过原因"), max_length=200, blank=True, validators=TEXT
    )
    joined_on = models.DateField(gettext_lazy("加入日期"), null=True, blank=True)
    left_on = models.DateField(gettext_lazy("退出日期"), null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("社区合伙人")
        verbose_name_plural = verbose_name
        ordering = ["organisation_id", "name", "id"]
        constraints = [
            # one pending or active record per person and organisation
            models.UniqueConstraint(
                fields=["organisation", "mobile"],
                condition=Q(status__in=["applied", "active"]),
                name="partners_one_open_record_per_mobile",
            ),
            models.CheckConstraint(
                condition=~Q(status="active") | Q(joined_on__isnull=False),
                name="partners_active_has_joined_on",
            ),
            models.CheckConstraint(
                condition=Q(in_secretariat=False) | Q(status="active"),
                name="partners_secretariat_is_active",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PartnerTeam(models.Model):
    """One of the "n" teams (e.g. 逸景佳苑花友队), with a leader and members."""

    organisation = models.ForeignKey(
        PartnerOrganisation,
        verbose_name=gettext_lazy("合伙人组织"),
        on_delete=models.CASCADE,
        related_name="teams",
    )
    partner_committee = models.ForeignKey(
        PartnerCommittee,
        verbose_name=gettext_lazy("归口委员会"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="teams",
    )
    name = models.CharField(gettext_lazy("团队名称"), max_length=60, validators=TEXT)
    purpose = models.CharField(
        gettext_lazy("团队宗旨"), max_length=300, blank=True, validators=TEXT
    )
    leader = models.ForeignKey(
        Partner,
        verbose_name=gettext_lazy("队长"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_teams",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("合伙人团队")
        verbose_name_plural = verbose_name
        ordering = ["organisation_id", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="partners_team_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class PartnerTeamMember(models.Model):
    """A partner's membership of a team (the leader is a member too)."""

    team = models.ForeignKey(
        PartnerTeam,
        verbose_name=gettext_lazy("团队"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=gettext_lazy("合伙人"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    joined_at = models.DateTimeField(gettext_lazy("加入时间"), default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("团队成员")
        verbose_name_plural = verbose_name
        ordering = ["team_id", "joined_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "partner"], name="partners_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.partner}"


class CoBuildingUnit(models.Model):
    """A co-building unit 共建单位 of the street: an enterprise, university, agency … that
    contributes money, labour, expertise or space."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", gettext_lazy("企业")
        UNIVERSITY = "university", gettext_lazy("高校")
        AGENCY = "agency", gettext_lazy("机关事业单位")
        SOCIAL_ORG = "social_org", gettext_lazy("社会组织")
        HOSPITAL = "hospital", gettext_lazy("医院")
        SCHOOL = "school", gettext_lazy("中小学/幼儿园")
        OTHER = "other", gettext_lazy("其他")

    street = models.ForeignKey(
        "places.Street",
        verbose_name=gettext_lazy("街道/镇"),
        on_delete=models.CASCADE,
        related_name="co_building_units",
    )
    name = models.CharField(gettext_lazy("单位名称"), max_length=80, validators=TEXT)
    kind = models.CharField(gettext_lazy("类别"), max_length=12, choices=Kind.choices)
    contact = models.CharField(
        gettext_lazy("联系人及电话"), max_length=60, blank=True, validators=TEXT
    )
    offers = models.CharField(
        gettext_lazy("可提供的资源"), max_length=300, blank=True, validators=TEXT
    )
    signed_on = models.DateField(gettext_lazy("签约共建日期"), null=True, blank=True)
    active = models.BooleanField(gettext_lazy("在册"), default=True)
    added_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("共建单位")
        verbose_name_plural = verbose_name
        ordering = ["street_id", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="partners_unit_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Contribution(models.Model):
    """What a partner or a co-building unit gave: volunteer hours, expertise, money (fen) or
    materials, for a project and/or an activity of the street."""

    class Kind(models.TextChoices):
        HOURS = "hours", gettext_lazy("志愿服务时长")
        EXPERTISE = "expertise", gettext_lazy("专业服务")
        MONEY = "money", gettext_lazy("资金")
        MATERIALS = "materials", gettext_lazy("物资")

    organisation = models.ForeignKey(
        PartnerOrganisation,
        verbose_name=gettext_lazy("合伙人组织"),
        on_delete=models.CASCADE,
        related_name="contributions",
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=gettext_lazy("合伙人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contributions",
    )
    unit = models.ForeignKey(
        CoBuildingUnit,
        verbose_name=gettext_lazy("共建单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contributions",
    )
    kind = models.CharField(gettext_lazy("类别"), max_length=10, choices=Kind.choices)
    hours = models.DecimalField(
        gettext_lazy("时长（小时）"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(MAX_HOURS)],
    )
    amount_fen = models.BigIntegerField(
        gettext_lazy("金额（分）"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_FEN)],
    )
    description = models.CharField(gettext_lazy("内容"), max_length=200, validators=TEXT)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=gettext_lazy("关联项目"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner_contributions",
    )
    activity = models.ForeignKey(
        "activities.Activity",
        verbose_name=gettext_lazy("关联活动"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contributions",
    )
    on_date = models.DateField(gettext_lazy("日期"))
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("贡献记录")
        verbose_name_plural = verbose_name
        ordering = ["-on_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(partner__isnull=False) & Q(unit__isnull=True))
                | (Q(partner__isnull=True) & Q(unit__isnull=False)),
                name="partners_contribution_one_giver",
            ),
            models.CheckConstraint(
                condition=~Q(kind="money") | Q(amount_fen__gt=0),
                name="partners_money_has_amount",
            ),
            models.CheckConstraint(
                condition=~Q(kind="hours") | Q(hours__gt=0),
                name="partners_hours_have_hours",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.giver} · {self.get_kind_display()}"

    @property
    def giver(self):
        return self.partner or self.unit
