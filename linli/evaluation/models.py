"""Step 6 — tracking and evaluation (强化项目跟踪评议).

Evaluation 评议 (scores per criterion, a satisfaction survey run by a third-party evaluator),
audit 审计 (an assigned auditor, findings, the committee's responses, a closing opinion),
conventions 公约 (scoped to a building, a compound or a micro-space, versioned, endorsed by
households), before/after photos and the case library 案例库.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.validators import validate_no_script


class Criterion(models.TextChoices):
    NEED = "need", gettext_lazy("需求满足")
    QUALITY = "quality", gettext_lazy("建设质量")
    COST = "cost", gettext_lazy("投入合理")
    PROCESS = "process", gettext_lazy("过程参与")
    UPKEEP = "upkeep", gettext_lazy("长效运维")


CRITERIA = [c.value for c in Criterion]
SCORE_FIELDS = [f"score_{c}" for c in CRITERIA]


class Channel(models.TextChoices):
    ONLINE = "online", gettext_lazy("线上")
    PAPER = "paper", gettext_lazy("纸质录入")


class Evaluation(models.Model):
    """The evaluation 评议 of one project: one per project."""

    class Status(models.TextChoices):
        OPEN = "open", gettext_lazy("评议中")
        CLOSED = "closed", gettext_lazy("评议已完成")

    project = models.OneToOneField(
        "projects.Project",
        verbose_name=gettext_lazy("项目"),
        on_delete=models.PROTECT,
        related_name="evaluation",
    )
    meeting = models.ForeignKey(
        "deliberation.Meeting",
        verbose_name=gettext_lazy("评议会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    survey = models.OneToOneField(
        "surveys.Survey",
        verbose_name=gettext_lazy("满意度调查问卷"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="project_evaluation",
    )
    completion_notice = models.ForeignKey(
        "notices.Notice",
        verbose_name=gettext_lazy("完工公示"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        gettext_lazy("状态"),
        max_length=10,
        choices=Status.choices,
        default=Status.OPEN,
        db_index=True,
    )
    conclusion = models.TextField(
        gettext_lazy("评议结论"), max_length=4000, blank=True, validators=[validate_no_script]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(gettext_lazy("创建时间"), default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(gettext_lazy("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("项目评议")
        verbose_name_plural = verbose_name
        constraints = [
            models.CheckConstraint(
                name="evaluation_closed_complete",
                condition=Q(status="open", closed_at__isnull=True)
                | (Q(status="closed", closed_at__isnull=False) & ~Q(conclusion="")),
            )
        ]

    def __str__(self) -> str:
        return _("%(project)s · 评议") % {"project": self.project}

    @property
    def committee_id(self) -> int:
        return self.project.committee_id

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


def _score_field(label: str):
    return models.PositiveSmallIntegerField(label)


class Score(models.Model):
    """One participant's scores (1–5) per criterion: online by the participant, or a paper
    sheet entered by staff."""

    evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=gettext_lazy("评议"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    channel = models.CharField(gettext_lazy("渠道"), max_length=10, choices=Channel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("评分人账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    participant = models.CharField(
        gettext_lazy("评分人"), max_length=50, blank=True, validators=[validate_no_script]
    )
    sheet_no = models.CharField(
        gettext_lazy("纸质评分表编号"), max_length=20, blank=True, validators=[validate_no_script]
    )
    score_need = _score_field(Criterion.NEED.label)
    score_quality = _score_field(Criterion.QUALITY.label)
    score_cost = _score_field(Criterion.COST.label)
    score_process = _score_field(Criterion.PROCESS.label)
    score_upkeep = _score_field(Criterion.UPKEEP.label)
    comment = models.TextField(
        gettext_lazy("意见"), max_length=1000, blank=True, validators=[validate_no_script]
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(gettext_lazy("时间"), default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("评议评分")
        verbose_name_plural = verbose_name
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "user"],
                condition=Q(user__isnull=False),
                name="score_one_per_participant",
            ),
            models.UniqueConstraint(
                fields=["evaluation", "sheet_no"],
                condition=~Q(sheet_no=""),
                name="score_one_per_sheet",
            ),
            models.CheckConstraint(
                name="score_channel_identity",
                condition=Q(channel="online", user__isnull=False)
                | (Q(channel="paper", user__isnull=True) & ~Q(sheet_no="")),
            ),
            *[
                models.CheckConstraint(
                    name=f"score_{c}_1_to_5",
                    condition=Q(**{f"score_{c}__gte": 1, f"score_{c}__lte": 5}),
                )
                for c in CRITERIA
            ],
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} · {self.participant or self.sheet_no}"

    def values(self) -> dict[str, int]:
        return {c: getattr(self, f"score_{c}") for c in CRITERIA}


class EvaluatorAssignment(models.Model):
    """A third-party evaluator (第三方评估机构) asked to evaluate one project."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=gettext_lazy("项目"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("评估人"),
        on_delete=models.PROTECT,
        related_name="evaluator_assignments",
    )
    organisation = models.CharField(
        gettext_lazy("评估机构"), max_length=80, validators=[validate_no_script]
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(gettext_lazy("委托时间"), default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("第三方评估委托")
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="uniq_evaluator_assignment")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.project}"


class Audit(models.Model):
    """The audit 审计 of one project's money and documents."""

    class Status(models.TextChoices):
        OPEN = "open", gettext_lazy("审计中")
        CLOSED = "closed", gettext_lazy("审计已结束")

    project = models.OneToOneField(
        "projects.Project",
        verbose_name=gettext_lazy("项目"),
        on_delete=models.PROTECT,
        related_name="audit",
    )
    status = models.CharField(
        gettext_lazy("状态"),
        max_length=10,
        choices=Status.choices,
        default=Status.OPEN,
        db_index=True,
    )
    opinion = models.TextField(
        gettext_lazy("审计意见"), max_length=4000, blank=True, validators=[validate_no_script]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(gettext_lazy("创建时间"), default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(gettext_lazy("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("项目审计")
        verbose_name_plural = verbose_name
        constraints = [
            models.CheckConstraint(
                name="audit_closed_complete",
                condition=Q(status="open", closed_at__isnull=True)
                | (Q(status="closed", closed_at__isnull=False) & ~Q(opinion="")),
            )
        ]

    def __str__(self) -> str:
        return _("%(project)s · 审计") % {"project": self.project}

    @property
    def committee_id(self) -> int:
        return self.project.committee_id

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class AuditorAssignment(models.Model):
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=gettext_lazy("项目"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("审计人"),
        on_delete=models.PROTECT,
        related_name="auditor_assignments",
    )
    organisation = models.CharField(
        gettext_lazy("审计机构"), max_length=80, validators=[validate_no_script]
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(gettext_lazy("委托时间"), default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("审计委托")
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="uniq_auditor_assignment")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.project}"


class Severity(models.TextChoices):
    LOW = "low", gettext_lazy("一般")
    MEDIUM = "medium", gettext_lazy("较重")
    HIGH = "high", gettext_lazy("严重")


class Finding(models.Model):
    audit = models.ForeignKey(
        Audit, verbose_name=gettext_lazy("审计"), on_delete=models.CASCADE, related_name="findings"
    )
    severity = models.CharField(gettext_lazy("严重程度"), max_length=10, choices=Severity.choices)
    title = models.CharField(gettext_lazy("问题"), max_length=100, validators=[validate_no_script])
    text = models.TextField(gettext_lazy("说明"), max_length=4000, validators=[validate_no_script])
    entry = models.ForeignKey(
        "funding.JournalEntry",
        verbose_name=gettext_lazy("相关凭证"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(gettext_lazy("提出时间"), default=timezone.now)
    response = models.TextField(
        gettext_lazy("居委会答复"), max_length=4000, blank=True, validators=[validate_no_script]
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(gettext_lazy("答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("审计发现")
        verbose_name_plural = verbose_name
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="finding_response_complete",
                condition=Q(responded_at__isnull=True, response="")
                | (Q(responded_at__isnull=False) & ~Q(response="")),
            )
        ]

    def __str__(self) -> str:
        return self.title


class ProjectPhoto(models.Model):
    class Kind(models.TextChoices):
        BEFORE = "before", gettext_lazy("改造前")
        AFTER = "after", gettext_lazy("改造后")

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=gettext_lazy("项目"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(gettext_lazy("类别"), max_length=10, choices=Kind.choices)
    image = models.ImageField(gettext_lazy("照片"), upload_to="evaluation/photos/%Y/%m/")
    caption = models.CharField(
        gettext_lazy("说明"), max_length=100, blank=True, validators=[validate_no_script]
    )
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("改造前后照片")
        verbose_name_plural = verbose_name
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_kind_display()}"


# ---------------------------------------------------------------- conventions 公约


class Convention(models.Model):
    """A convention 公约 for a building, a compound or a micro-space; each amendment is a new
    row (``version`` + 1, ``previous`` pointing at the one it replaces)."""

    class Scope(models.TextChoices):
        BUILDING = "building", gettext_lazy("楼栋")
        COMPOUND = "compound", gettext_lazy("小区")
        MICROSPACE = "microspace", gettext_lazy("设施/小微空间")

    class Status(models.TextChoices):
        DRAFT = "draft", gettext_lazy("草案")
        DISCUSSING = "discussing", gettext_lazy("讨论中")
        ADOPTED = "adopted", gettext_lazy("已通过")
        SUPERSEDED = "superseded", gettext_lazy("已被新版本取代")

    committee = models.ForeignKey(
        "places.Committee",
        verbose_name=gettext_lazy("居委会"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=gettext_lazy("相关项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="conventions",
    )
    title = models.CharField(
        gettext_lazy("公约名称"), max_length=80, validators=[validate_no_script]
    )
    text = models.TextField(
        gettext_lazy("公约条文"), max_length=10000, validators=[validate_no_script]
    )
    scope = models.CharField(gettext_lazy("适用范围"), max_length=12, choices=Scope.choices)
    building = models.ForeignKey(
        "places.Building", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    compound = models.ForeignKey(
        "places.Compound", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    microspace = models.ForeignKey(
        "places.MicroSpace", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveSmallIntegerField(gettext_lazy("版本"), default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name=gettext_lazy("上一版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_version",
    )
    status = models.CharField(
        gettext_lazy("状态"),
        max_length=12,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
    )
    in_force_from = models.DateField(gettext_lazy("生效日期"), null=True, blank=True)
    in_force_to = models.DateField(gettext_lazy("失效日期"), null=True, blank=True)
    adopted_meeting = models.ForeignKey(
        "deliberation.Meeting",
        verbose_name=gettext_lazy("通过的会议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    adopted_vote = models.ForeignKey(
        "voting.Vote",
        verbose_name=gettext_lazy("通过的表决"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    discussion_note = models.TextField(
        gettext_lazy("讨论记录"), max_length=4000, blank=True, validators=[validate_no_script]
    )
    change_note = models.CharField(
        gettext_lazy("修订说明"), max_length=300, blank=True, validators=[validate_no_script]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(gettext_lazy("起草时间"), default=timezone.now)
    adopted_at = models.DateTimeField(gettext_lazy("通过时间"), null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("公约")
        verbose_name_plural = verbose_name
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                name="convention_scope_target",
                condition=Q(
                    scope="building",
                    building__isnull=False,
                    compound__isnull=True,
                    microspace__isnull=True,
                )
                | Q(
                    scope="compound",
                    compound__isnull=False,
                    building__isnull=True,
                    microspace__isnull=True,
                )
                | Q(
                    scope="microspace",
                    microspace__isnull=False,
                    building__isnull=True,
                    compound__isnull=True,
                ),
            ),
            models.CheckConstraint(
                name="convention_in_force_order",
                condition=Q(in_force_from__isnull=True)
                | Q(in_force_to__isnull=True)
                | Q(in_force_to__gt=models.F("in_force_from")),
            ),
            models.CheckConstraint(
                name="convention_adopted_by_decision",
                condition=~Q(status__in=["adopted", "superseded"])
                | Q(adopted_meeting__isnull=False)
                | Q(adopted_vote__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return _("%(title)s（第%(version)s版）") % {"title": self.title, "version": self.version}

    def clean(self):
        if self.in_force_from and self.in_force_to and self.in_force_to <= self.in_force_from:
            raise ValidationError({"in_force_to": _("失效日期必须晚于生效日期")})

    @property
    def scope_label(self) -> str:
        if self.scope == self.Scope.BUILDING and self.building_id:
            return f"{self.building.compound.name}{self.building.number}"
        if self.scope == self.Scope.COMPOUND and self.compound_id:
            return self.compound.name
        if self.microspace_id:
            return f"{self.microspace.compound.name}·{self.microspace.name}"
        return ""

    def in_force(self, today=None) -> bool:
        today = today or timezone.localdate()
        return (
            self.status == self.Status.ADOPTED
            and self.in_force_from is not None
            and self.in_force_from <= today
            and (self.in_force_to is None or today < self.in_force_to)
        )


class Endorsement(models.Model):
    """One household's endorsement 签署 of one convention version (a DB-unique pair)."""

    convention = models.ForeignKey(
        Convention,
        verbose_name=gettext_lazy("公约"),
        on_delete=models.PROTECT,
        related_name="endorsements",
    )
    household = models.ForeignKey(
        "places.Household",
        verbose_name=gettext_lazy("住户"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    channel = models.CharField(gettext_lazy("方式"), max_length=10, choices=Channel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("签署人账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(gettext_lazy("签署时间"), default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("公约签署")
        verbose_name_plural = verbose_name
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "household"], name="endorsement_one_per_household"
            )
        ]

    def __str__(self) -> str:
        return f"{self.convention} · {self.household_id}"


# ---------------------------------------------------------------- case library 案例库


class ProjectType(models.TextChoices):
    GARAGE = "garage", gettext_lazy("车库/停车")
    GARDEN = "garden", gettext_lazy("花园/绿化")
    LIVING_ROOM = "living_room", gettext_lazy("睦邻客厅")
    CORRIDOR = "corridor", gettext_lazy("楼道")
    ELEVATOR = "elevator", gettext_lazy("加装电梯")
    OTHER = "other", gettext_lazy("其他")


class Case(models.Model):
    """A finished project as a case of the public library (published only when done)."""

    project = models.OneToOneField(
        "projects.Project",
        verbose_name=gettext_lazy("项目"),
        on_delete=models.PROTECT,
        related_name="case",
    )
    project_type = models.CharField(
        gettext_lazy("项目类型"), max_length=12, choices=ProjectType.choices
    )
    problem = models.TextField(
        gettext_lazy("问题与需求"), max_length=4000, validators=[validate_no_script]
    )
    upkeep = models.TextField(
        gettext_lazy("运维安排"), max_length=2000, blank=True, validators=[validate_no_script]
    )
    lessons = models.TextField(
        gettext_lazy("经验与启示"), max_length=4000, blank=True, validators=[validate_no_script]
    )
    published_at = models.DateTimeField(
        gettext_lazy("公开时间"), null=True, blank=True, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(gettext_lazy("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("案例")
        verbose_name_plural = verbose_name
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.project.title

    @property
    def committee_id(self) -> int:
        return self.project.committee_id
