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

from linli.core.validators import validate_no_script


class Criterion(models.TextChoices):
    NEED = "need", "需求满足"
    QUALITY = "quality", "建设质量"
    COST = "cost", "投入合理"
    PROCESS = "process", "过程参与"
    UPKEEP = "upkeep", "长效运维"


CRITERIA = [c.value for c in Criterion]
SCORE_FIELDS = [f"score_{c}" for c in CRITERIA]


class Channel(models.TextChoices):
    ONLINE = "online", "线上"
    PAPER = "paper", "纸质录入"


class Evaluation(models.Model):
    """The evaluation 评议 of one project: one per project."""

    class Status(models.TextChoices):
        OPEN = "open", "评议中"
        CLOSED = "closed", "评议已完成"

    project = models.OneToOneField(
        "projects.Project", verbose_name="项目", on_delete=models.PROTECT, related_name="evaluation"
    )
    meeting = models.ForeignKey(
        "deliberation.Meeting",
        verbose_name="评议会",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    survey = models.OneToOneField(
        "surveys.Survey",
        verbose_name="满意度调查问卷",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="project_evaluation",
    )
    completion_notice = models.ForeignKey(
        "notices.Notice",
        verbose_name="完工公示",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    conclusion = models.TextField(
        "评议结论", max_length=4000, blank=True, validators=[validate_no_script]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "项目评议"
        verbose_name_plural = verbose_name
        constraints = [
            models.CheckConstraint(
                name="evaluation_closed_complete",
                condition=Q(status="open", closed_at__isnull=True)
                | (Q(status="closed", closed_at__isnull=False) & ~Q(conclusion="")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} · 评议"

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
        Evaluation, verbose_name="评议", on_delete=models.CASCADE, related_name="scores"
    )
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="评分人账号",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    participant = models.CharField(
        "评分人", max_length=50, blank=True, validators=[validate_no_script]
    )
    sheet_no = models.CharField(
        "纸质评分表编号", max_length=20, blank=True, validators=[validate_no_script]
    )
    score_need = _score_field(Criterion.NEED.label)
    score_quality = _score_field(Criterion.QUALITY.label)
    score_cost = _score_field(Criterion.COST.label)
    score_process = _score_field(Criterion.PROCESS.label)
    score_upkeep = _score_field(Criterion.UPKEEP.label)
    comment = models.TextField("意见", max_length=1000, blank=True, validators=[validate_no_script])
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "评议评分"
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
        "projects.Project", verbose_name="项目", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="评估人",
        on_delete=models.PROTECT,
        related_name="evaluator_assignments",
    )
    organisation = models.CharField("评估机构", max_length=80, validators=[validate_no_script])
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField("委托时间", default=timezone.now)

    class Meta:
        verbose_name = "第三方评估委托"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="uniq_evaluator_assignment")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.project}"


class Audit(models.Model):
    """The audit 审计 of one project's money and documents."""

    class Status(models.TextChoices):
        OPEN = "open", "审计中"
        CLOSED = "closed", "审计已结束"

    project = models.OneToOneField(
        "projects.Project", verbose_name="项目", on_delete=models.PROTECT, related_name="audit"
    )
    status = models.CharField(
        "状态", max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    opinion = models.TextField(
        "审计意见", max_length=4000, blank=True, validators=[validate_no_script]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        verbose_name = "项目审计"
        verbose_name_plural = verbose_name
        constraints = [
            models.CheckConstraint(
                name="audit_closed_complete",
                condition=Q(status="open", closed_at__isnull=True)
                | (Q(status="closed", closed_at__isnull=False) & ~Q(opinion="")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} · 审计"

    @property
    def committee_id(self) -> int:
        return self.project.committee_id

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class AuditorAssignment(models.Model):
    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审计人",
        on_delete=models.PROTECT,
        related_name="auditor_assignments",
    )
    organisation = models.CharField("审计机构", max_length=80, validators=[validate_no_script])
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField("委托时间", default=timezone.now)

    class Meta:
        verbose_name = "审计委托"
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="uniq_auditor_assignment")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.project}"


class Severity(models.TextChoices):
    LOW = "low", "一般"
    MEDIUM = "medium", "较重"
    HIGH = "high", "严重"


class Finding(models.Model):
    audit = models.ForeignKey(
        Audit, verbose_name="审计", on_delete=models.CASCADE, related_name="findings"
    )
    severity = models.CharField("严重程度", max_length=10, choices=Severity.choices)
    title = models.CharField("问题", max_length=100, validators=[validate_no_script])
    text = models.TextField("说明", max_length=4000, validators=[validate_no_script])
    entry = models.ForeignKey(
        "funding.JournalEntry",
        verbose_name="相关凭证",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("提出时间", default=timezone.now)
    response = models.TextField(
        "居委会答复", max_length=4000, blank=True, validators=[validate_no_script]
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        verbose_name = "审计发现"
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
        BEFORE = "before", "改造前"
        AFTER = "after", "改造后"

    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    image = models.ImageField("照片", upload_to="evaluation/photos/%Y/%m/")
    caption = models.CharField("说明", max_length=100, blank=True, validators=[validate_no_script])
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "改造前后照片"
        verbose_name_plural = verbose_name
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_kind_display()}"


# ---------------------------------------------------------------- conventions 公约


class Convention(models.Model):
    """A convention 公约 for a building, a compound or a micro-space; each amendment is a new
    row (``version`` + 1, ``previous`` pointing at the one it replaces)."""

    class Scope(models.TextChoices):
        BUILDING = "building", "楼栋"
        COMPOUND = "compound", "小区"
        MICROSPACE = "microspace", "设施/小微空间"

    class Status(models.TextChoices):
        DRAFT = "draft", "草案"
        DISCUSSING = "discussing", "讨论中"
        ADOPTED = "adopted", "已通过"
        SUPERSEDED = "superseded", "已被新版本取代"

    committee = models.ForeignKey(
        "places.Committee", verbose_name="居委会", on_delete=models.PROTECT, related_name="+"
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="相关项目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="conventions",
    )
    title = models.CharField("公约名称", max_length=80, validators=[validate_no_script])
    text = models.TextField("公约条文", max_length=10000, validators=[validate_no_script])
    scope = models.CharField("适用范围", max_length=12, choices=Scope.choices)
    building = models.ForeignKey(
        "places.Building", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    compound = models.ForeignKey(
        "places.Compound", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    microspace = models.ForeignKey(
        "places.MicroSpace", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveSmallIntegerField("版本", default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name="上一版本",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_version",
    )
    status = models.CharField(
        "状态", max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    in_force_from = models.DateField("生效日期", null=True, blank=True)
    in_force_to = models.DateField("失效日期", null=True, blank=True)
    adopted_meeting = models.ForeignKey(
        "deliberation.Meeting",
        verbose_name="通过的会议",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    adopted_vote = models.ForeignKey(
        "voting.Vote",
        verbose_name="通过的表决",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    discussion_note = models.TextField(
        "讨论记录", max_length=4000, blank=True, validators=[validate_no_script]
    )
    change_note = models.CharField(
        "修订说明", max_length=300, blank=True, validators=[validate_no_script]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("起草时间", default=timezone.now)
    adopted_at = models.DateTimeField("通过时间", null=True, blank=True)

    class Meta:
        verbose_name = "公约"
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
        return f"{self.title}（第{self.version}版）"

    def clean(self):
        if self.in_force_from and self.in_force_to and self.in_force_to <= self.in_force_from:
            raise ValidationError({"in_force_to": "失效日期必须晚于生效日期"})

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
        Convention, verbose_name="公约", on_delete=models.PROTECT, related_name="endorsements"
    )
    household = models.ForeignKey(
        "places.Household", verbose_name="住户", on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField("方式", max_length=10, choices=Channel.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="签署人账号",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("签署时间", default=timezone.now)

    class Meta:
        verbose_name = "公约签署"
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
    GARAGE = "garage", "车库/停车"
    GARDEN = "garden", "花园/绿化"
    LIVING_ROOM = "living_room", "睦邻客厅"
    CORRIDOR = "corridor", "楼道"
    ELEVATOR = "elevator", "加装电梯"
    OTHER = "other", "其他"


class Case(models.Model):
    """A finished project as a case of the public library (published only when done)."""

    project = models.OneToOneField(
        "projects.Project", verbose_name="项目", on_delete=models.PROTECT, related_name="case"
    )
    project_type = models.CharField("项目类型", max_length=12, choices=ProjectType.choices)
    problem = models.TextField("问题与需求", max_length=4000, validators=[validate_no_script])
    upkeep = models.TextField(
        "运维安排", max_length=2000, blank=True, validators=[validate_no_script]
    )
    lessons = models.TextField(
        "经验与启示", max_length=4000, blank=True, validators=[validate_no_script]
    )
    published_at = models.DateTimeField("公开时间", null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    class Meta:
        verbose_name = "案例"
        verbose_name_plural = verbose_name
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.project.title

    @property
    def committee_id(self) -> int:
        return self.project.committee_id
