"""Step 2 of the loop — the community planner (社区规划师把脉).

Talent pool and pairing (定向结对), community partners and co-building units, the planner's
work log, the diagnosis of a project, and design options shown to residents in feedback
rounds (多稿设计, 三下三上) until the final options become the choices of a vote.
Money is integer fen.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.validators import validate_mobile, validate_no_script

NO_SCRIPT = [validate_no_script]


class Profession(models.TextChoices):
    PLANNING = "planning", gettext_lazy("城市规划")
    ARCHITECTURE = "architecture", gettext_lazy("建筑")
    LANDSCAPE = "landscape", gettext_lazy("景观")
    INTERIOR = "interior", gettext_lazy("室内设计")
    FINE_ART = "fine_art", gettext_lazy("美术设计")


class Planner(models.Model):
    """An entry of the district's talent pool (社区规划师人才库)."""

    class Availability(models.TextChoices):
        AVAILABLE = "available", gettext_lazy("可接受结对")
        LIMITED = "limited", gettext_lazy("时间有限")
        UNAVAILABLE = "unavailable", gettext_lazy("暂不接受")

    district = models.ForeignKey(
        "places.District",
        verbose_name=gettext_lazy("所属区"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(gettext_lazy("姓名"), max_length=50, validators=NO_SCRIPT)
    profession = models.CharField(gettext_lazy("专业"), max_length=20, choices=Profession.choices)
    qualifications = models.CharField(
        gettext_lazy("资质"), max_length=200, blank=True, validators=NO_SCRIPT
    )
    organisation = models.CharField(
        gettext_lazy("单位"), max_length=100, blank=True, validators=NO_SCRIPT
    )
    mobile = models.CharField(
        gettext_lazy("手机号"), max_length=11, blank=True, validators=[validate_mobile]
    )
    availability = models.CharField(
        gettext_lazy("可用状态"),
        max_length=12,
        choices=Availability.choices,
        default=Availability.AVAILABLE,
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("平台账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="planner_profile",
    )
    created_at = models.DateTimeField(gettext_lazy("入库时间"), default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("社区规划师")
        verbose_name_plural = verbose_name
        ordering = ["district_id", "name", "id"]

    def __str__(self) -> str:
        return self.name


class Pairing(models.Model):
    """定向结对: a planner with a street, or with one committee of it. Ended, never deleted."""

    planner = models.ForeignKey(
        Planner,
        verbose_name=gettext_lazy("规划师"),
        on_delete=models.PROTECT,
        related_name="pairings",
    )
    street = models.ForeignKey(
        "places.Street",
        verbose_name=gettext_lazy("街道/镇"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    committee = models.ForeignKey(
        "places.Committee",
        verbose_name=gettext_lazy("居委会（本级规划师）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_at = models.DateTimeField(gettext_lazy("结对时间"), default=timezone.now)
    ended_at = models.DateTimeField(gettext_lazy("解除时间"), null=True, blank=True)
    note = models.CharField(gettext_lazy("说明"), max_length=200, blank=True, validators=NO_SCRIPT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = gettext_lazy("定向结对")
        verbose_name_plural = verbose_name
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["planner", "street"],
                condition=models.Q(ended_at__isnull=True, committee__isnull=True),
                name="uniq_active_street_pairing",
            ),
            models.UniqueConstraint(
                fields=["planner", "committee"],
                condition=models.Q(ended_at__isnull=True, committee__isnull=False),
                name="uniq_active_committee_pairing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.planner} — {self.committee or self.street}"

    @property
    def active(self) -> bool:
        return self.ended_at is None


class PlannerRating(models.Model):
    """A committee's rating of its planner after a project (1–5)."""

    planner = models.ForeignKey(Planner, on_delete=models.CASCADE, related_name="ratings")
    committee = models.ForeignKey("places.Committee", on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=gettext_lazy("项目"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    score = models.PositiveSmallIntegerField(
        gettext_lazy("评分"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.CharField(
        gettext_lazy("评价"), max_length=300, blank=True, validators=NO_SCRIPT
    )
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("规划师评价")
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["planner", "project"], name="uniq_planner_rating"),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="planner_rating_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.planner} · {self.score}★"


class Partner(models.Model):
    """社区合伙人: a volunteer professional in one of the five committees."""

    class Group(models.TextChoices):
        THINK_TANK = "think_tank", gettext_lazy("智库")
        PLANNING = "planning", gettext_lazy("规划")
        GOVERNANCE = "governance", gettext_lazy("治理")
        MEDIA = "media", gettext_lazy("媒体")
        EDUCATION = "education", gettext_lazy("教育")

    committee = models.ForeignKey(
        "places.Committee",
        verbose_name=gettext_lazy("居委会"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(gettext_lazy("姓名"), max_length=50, validators=NO_SCRIPT)
    profession = models.CharField(gettext_lazy("职业"), max_length=50, validators=NO_SCRIPT)
    group = models.CharField(gettext_lazy("所属委员会"), max_length=12, choices=Group.choices)
    team = models.CharField(gettext_lazy("团队"), max_length=50, blank=True, validators=NO_SCRIPT)
    mobile = models.CharField(
        gettext_lazy("手机号"), max_length=11, blank=True, validators=[validate_mobile]
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("社区合伙人")
        verbose_name_plural = verbose_name
        ordering = ["group", "name", "id"]

    def __str__(self) -> str:
        return self.name


class Contribution(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contributions")
    date = models.DateField(gettext_lazy("日期"))
    description = models.CharField(gettext_lazy("贡献内容"), max_length=300, validators=NO_SCRIPT)
    hours = models.DecimalField(
        gettext_lazy("时长（小时）"),
        max_digits=6,
        decimal_places=1,
        default=0,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        verbose_name = gettext_lazy("合伙人贡献")
        verbose_name_plural = verbose_name
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.partner} · {self.date}"


class CoBuildingUnit(models.Model):
    """共建单位: an enterprise, university or agency and what it offers."""

    class Offer(models.TextChoices):
        MONEY = "money", gettext_lazy("资金")
        LABOUR = "labour", gettext_lazy("人力")
        SPACE = "space", gettext_lazy("场地")
        EXPERTISE = "expertise", gettext_lazy("专业支持")

    committee = models.ForeignKey(
        "places.Committee",
        verbose_name=gettext_lazy("居委会"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(gettext_lazy("单位名称"), max_length=100, validators=NO_SCRIPT)
    offers = models.JSONField(gettext_lazy("可提供"), default=list)
    description = models.CharField(
        gettext_lazy("说明"), max_length=300, blank=True, validators=NO_SCRIPT
    )
    contact = models.CharField(
        gettext_lazy("联系人"), max_length=50, blank=True, validators=NO_SCRIPT
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("共建单位")
        verbose_name_plural = verbose_name
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def offer_labels(self) -> list[str]:
        labels = dict(self.Offer.choices)
        return [labels.get(o, o) for o in self.offers]


class WorkLog(models.Model):
    """A site visit or residents' interview, visible to the committee."""

    class Kind(models.TextChoices):
        SITE_VISIT = "site_visit", gettext_lazy("现场踏勘")
        INTERVIEW = "interview", gettext_lazy("居民座谈")

    committee = models.ForeignKey(
        "places.Committee",
        verbose_name=gettext_lazy("居委会"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=gettext_lazy("项目"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    kind = models.CharField(gettext_lazy("类型"), max_length=12, choices=Kind.choices)
    date = models.DateField(gettext_lazy("日期"))
    place = models.CharField(gettext_lazy("地点"), max_length=100, validators=NO_SCRIPT)
    people_met = models.CharField(
        gettext_lazy("走访对象"), max_length=300, blank=True, validators=NO_SCRIPT
    )
    findings = models.TextField(gettext_lazy("发现"), max_length=4000, validators=NO_SCRIPT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("规划师工作日志")
        verbose_name_plural = verbose_name
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.date} · {self.place}"


class WorkLogPhoto(models.Model):
    log = models.ForeignKey(WorkLog, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(gettext_lazy("照片"), upload_to="planning/logs/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return _("%(log)s 照片") % {"log": self.log}


class Diagnosis(models.Model):
    """把脉: the planner's diagnosis of one project."""

    class BudgetBand(models.TextChoices):
        SMALL = "small", gettext_lazy("5万元以下")
        MEDIUM = "medium", gettext_lazy("5–20万元")
        LARGE = "large", gettext_lazy("20–50万元")
        XLARGE = "xlarge", gettext_lazy("50万元以上")

    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, related_name="diagnosis"
    )
    needs_list = models.ForeignKey(
        "needs.NeedsList",
        verbose_name=gettext_lazy("依据的需求清单"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    needs = models.ManyToManyField(
        "needs.Need", verbose_name=gettext_lazy("回应的需求"), blank=True
    )
    needs_analysis = models.TextField(
        gettext_lazy("需求分析"), max_length=4000, blank=True, validators=NO_SCRIPT
    )
    resource_analysis = models.TextField(
        gettext_lazy("资源分析"), max_length=4000, blank=True, validators=NO_SCRIPT
    )
    property_rights = models.TextField(
        gettext_lazy("产权情况"), max_length=2000, blank=True, validators=NO_SCRIPT
    )
    budget_band = models.CharField(
        gettext_lazy("预算区间"), max_length=10, choices=BudgetBand.choices, blank=True
    )
    safety = models.TextField(
        gettext_lazy("安全约束"), max_length=2000, blank=True, validators=NO_SCRIPT
    )
    recommendations = models.TextField(
        gettext_lazy("建议"), max_length=4000, blank=True, validators=NO_SCRIPT
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("规划师把脉")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return _("%(project)s 把脉") % {"project": self.project}

    @property
    def committee_id(self) -> int:
        return self.project.committee_id


class DesignRound(models.Model):
    """One round of 三下三上: options sent down to residents, feedback coming back up."""

    class Status(models.TextChoices):
        DRAFT = "draft", gettext_lazy("草稿")
        PUBLISHED = "published", gettext_lazy("已发布征求意见")

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="design_rounds"
    )
    number = models.PositiveSmallIntegerField(gettext_lazy("轮次"))
    status = models.CharField(
        gettext_lazy("状态"), max_length=10, choices=Status.choices, default="draft"
    )
    change_note = models.TextField(
        gettext_lazy("修改说明"), max_length=2000, blank=True, validators=NO_SCRIPT
    )
    compounds = models.ManyToManyField("places.Compound", blank=True, related_name="+")
    buildings = models.ManyToManyField("places.Building", blank=True, related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    is_final = models.BooleanField(gettext_lazy("最终方案"), default=False)
    vote = models.ForeignKey(
        "voting.Vote", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("方案征询轮次")
        verbose_name_plural = verbose_name
        ordering = ["project_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="uniq_round_number")
        ]

    def __str__(self) -> str:
        return _("第%(number)s轮") % {"number": self.number}

    @property
    def committee_id(self) -> int:
        return self.project.committee_id


class DesignOption(models.Model):
    round = models.ForeignKey(DesignRound, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(gettext_lazy("方案名称"), max_length=60, validators=NO_SCRIPT)
    description = models.TextField(gettext_lazy("方案说明"), max_length=4000, validators=NO_SCRIPT)
    maintenance = models.TextField(
        gettext_lazy("后期维护"), max_length=2000, blank=True, validators=NO_SCRIPT
    )
    derived_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = gettext_lazy("设计方案")
        verbose_name_plural = verbose_name
        ordering = ["round_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "label"], name="uniq_option_label_in_round")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def committee_id(self) -> int:
        return self.round.project.committee_id

    @property
    def total_fen(self) -> int:
        return sum(i.amount_fen for i in self.cost_items.all())


class CostItem(models.Model):
    option = models.ForeignKey(DesignOption, on_delete=models.CASCADE, related_name="cost_items")
    name = models.CharField(gettext_lazy("费用项"), max_length=60, validators=NO_SCRIPT)
    amount_fen = models.PositiveBigIntegerField(gettext_lazy("金额（分）"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_fen__gt=0), name="cost_item_positive")
        ]

    def __str__(self) -> str:
        return _("%(name)s %(amount_fen)s分") % {"name": self.name, "amount_fen": self.amount_fen}


class OptionFile(models.Model):
    class Kind(models.TextChoices):
        IMAGE = "image", gettext_lazy("效果图")
        PDF = "pdf", gettext_lazy("图纸（PDF）")

    option = models.ForeignKey(DesignOption, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    file = models.FileField(upload_to="planning/options/")
    name = models.CharField(max_length=120, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.name or self.file.name


class OptionRating(models.Model):
    option = models.ForeignKey(DesignOption, on_delete=models.CASCADE, related_name="ratings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(
        gettext_lazy("评分"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["option", "user"], name="uniq_option_rating"),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="option_rating_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.option} · {self.score}★"


class OptionComment(models.Model):
    option = models.ForeignKey(DesignOption, on_delete=models.CASCADE, related_name="comments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(gettext_lazy("意见"), max_length=1000, validators=NO_SCRIPT)
    reply = models.TextField(
        gettext_lazy("规划师答复"), max_length=1000, blank=True, validators=NO_SCRIPT
    )
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:30]
