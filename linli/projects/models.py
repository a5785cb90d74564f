"""The project spine: a community planning project moving through the six-step loop."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from linli.core.validators import validate_no_script


class Stage(models.TextChoices):
    NEEDS = "needs", "需求征集"
    DIAGNOSIS = "diagnosis", "规划师把脉"
    DECISION = "decision", "方案与决策"
    FUNDING = "funding", "筹资"
    IMPLEMENTATION = "implementation", "实施"
    ACCEPTANCE = "acceptance", "验收与运维"
    EVALUATION = "evaluation", "评议"
    DONE = "done", "完成"


STAGE_ORDER: list[str] = [s.value for s in Stage]


class ProjectKind(models.TextChoices):
    """What is being built: the dashboards count projects by kind (seed 000/001/002)."""

    GARDEN = "garden", "口袋花园/绿地"
    LIVING_ROOM = "living_room", "睦邻客厅/睦邻中心"
    GARAGE = "garage", "智慧车库/停车"
    CORRIDOR = "corridor", "楼道/公共空间"
    ELEVATOR = "elevator", "加装电梯"
    PATH = "path", "道路/步行空间"
    PLAYGROUND = "playground", "儿童/适老设施"
    FACILITY = "facility", "配套设施"
    OTHER = "other", "其他"


class ProjectOrigin(models.TextChoices):
    """Where a project comes from (seed 003 part 三): needs, committee, partner or government."""

    NEEDS = "needs", "居民需求"
    COMMITTEE = "committee", "居委会提议"
    PARTNER = "partner", "社区合伙人提案"
    GOVERNMENT = "government", "政府实事项目（委托居委会征求意见）"


class OwnersRights(models.TextChoices):
    """Whether the project touches owners' rights (Civil Code art. 278), and how.

    Anything but ``none`` means the deciding body is the owners' joint decision; ``none``
    means a residents' (representatives') meeting resolution decides.
    """

    NONE = "none", "不涉及业主共有权利"
    COMMON_PARTS = "common_parts", "改建、重建共有部分"
    MAINTENANCE_FUND = "maintenance_fund", "使用专项维修资金"
    CHANGE_OF_USE = "change_of_use", "改变共有部分用途"


class Project(models.Model):
    committee = models.ForeignKey(
        "places.Committee",
        verbose_name="所属居委会",
        on_delete=models.PROTECT,
        related_name="projects",
    )
    title = models.CharField("项目名称", max_length=80, validators=[validate_no_script])
    summary = models.TextField(
        "项目简介", max_length=4000, blank=True, validators=[validate_no_script]
    )
    stage = models.CharField(
        "阶段", max_length=20, choices=Stage.choices, default=Stage.NEEDS, db_index=True
    )
    kind = models.CharField(
        "项目类型",
        max_length=20,
        choices=ProjectKind.choices,
        default=ProjectKind.OTHER,
        db_index=True,
    )
    origin = models.CharField(
        "项目来源", max_length=20, choices=ProjectOrigin.choices, default=ProjectOrigin.COMMITTEE
    )
    origin_department = models.CharField(
        "委托部门",
        max_length=80,
        blank=True,
        validators=[validate_no_script],
        help_text="政府实事项目填写委托的职能部门",
    )
    owners_rights = models.CharField(
        "涉及业主权利",
        max_length=20,
        choices=OwnersRights.choices,
        default=OwnersRights.NONE,
        help_text="涉及共有部分、维修资金或改变用途的，须经业主共同决定（民法典第278条）",
    )
    partner_committees = models.ManyToManyField(
        "places.Committee",
        verbose_name="共同参与的居委会",
        blank=True,
        related_name="shared_projects",
        help_text="跨社区项目（如位于两个社区之间）涉及的同一街道其他居委会",
    )
    compounds = models.ManyToManyField(
        "places.Compound", verbose_name="涉及小区", blank=True, related_name="projects"
    )
    buildings = models.ManyToManyField(
        "places.Building", verbose_name="涉及楼栋", blank=True, related_name="projects"
    )
    microspaces = models.ManyToManyField(
        "places.MicroSpace", verbose_name="涉及小微空间", blank=True, related_name="projects"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="创建人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    stage_changed_at = models.DateTimeField("进入当前阶段时间", default=timezone.now)

    class Meta:
        verbose_name = "社区规划项目"
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def stage_index(self) -> int:
        return STAGE_ORDER.index(self.stage)


class ProjectEvent(models.Model):
    """One entry on the project's timeline: creation, a stage change, or a note."""

    class Kind(models.TextChoices):
        CREATED = "created", "创建项目"
        STAGE = "stage", "阶段变更"
        NOTE = "note", "进展记录"

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    from_stage = models.CharField("原阶段", max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField("新阶段", max_length=20, choices=Stage.choices, blank=True)
    note = models.TextField("说明", max_length=2000, blank=True, validators=[validate_no_script])
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "项目进程"
        verbose_name_plural = verbose_name
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_kind_display()} · {self.at:%Y-%m-%d}"
