"""The project spine: a community planning project moving through the six-step loop."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from linli.core.validators import validate_no_script


class Stage(models.TextChoices):
    NEEDS = "needs", gettext_lazy("需求征集")
    DIAGNOSIS = "diagnosis", gettext_lazy("规划师把脉")
    DECISION = "decision", gettext_lazy("方案与决策")
    FUNDING = "funding", gettext_lazy("筹资")
    IMPLEMENTATION = "implementation", gettext_lazy("实施")
    ACCEPTANCE = "acceptance", gettext_lazy("验收与运维")
    EVALUATION = "evaluation", gettext_lazy("评议")
    DONE = "done", gettext_lazy("完成")


STAGE_ORDER: list[str] = [s.value for s in Stage]


class ProjectKind(models.TextChoices):
    """What is being built: the dashboards count projects by kind (seed 000/001/002)."""

    GARDEN = "garden", gettext_lazy("口袋花园/绿地")
    LIVING_ROOM = "living_room", gettext_lazy("睦邻客厅/睦邻中心")
    GARAGE = "garage", gettext_lazy("智慧车库/停车")
    CORRIDOR = "corridor", gettext_lazy("楼道/公共空间")
    ELEVATOR = "elevator", gettext_lazy("加装电梯")
    PATH = "path", gettext_lazy("道路/步行空间")
    PLAYGROUND = "playground", gettext_lazy("儿童/适老设施")
    FACILITY = "facility", gettext_lazy("配套设施")
    OTHER = "other", gettext_lazy("其他")


class ProjectOrigin(models.TextChoices):
    """Where a project comes from (seed 003 part 三): needs, committee, partner or government."""

    NEEDS = "needs", gettext_lazy("居民需求")
    COMMITTEE = "committee", gettext_lazy("居委会提议")
    PARTNER = "partner", gettext_lazy("社区合伙人提案")
    GOVERNMENT = "government", gettext_lazy("政府实事项目（委托居委会征求意见）")


class OwnersRights(models.TextChoices):
    """Whether the project touches owners' rights (Civil Code art. 278), and how.

    Anything but ``none`` means the deciding body is the owners' joint decision; ``none``
    means a residents' (representatives') meeting resolution decides.
    """

    NONE = "none", gettext_lazy("不涉及业主共有权利")
    COMMON_PARTS = "common_parts", gettext_lazy("改建、重建共有部分")
    MAINTENANCE_FUND = "maintenance_fund", gettext_lazy("使用专项维修资金")
    CHANGE_OF_USE = "change_of_use", gettext_lazy("改变共有部分用途")


class Project(models.Model):
    committee = models.ForeignKey(
        "places.Committee",
        verbose_name=gettext_lazy("所属居委会"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    title = models.CharField(
        gettext_lazy("项目名称"), max_length=80, validators=[validate_no_script]
    )
    summary = models.TextField(
        gettext_lazy("项目简介"), max_length=4000, blank=True, validators=[validate_no_script]
    )
    stage = models.CharField(
        gettext_lazy("阶段"),
        max_length=20,
        choices=Stage.choices,
        default=Stage.NEEDS,
        db_index=True,
    )
    kind = models.CharField(
        gettext_lazy("项目类型"),
        max_length=20,
        choices=ProjectKind.choices,
        default=ProjectKind.OTHER,
        db_index=True,
    )
    origin = models.CharField(
        gettext_lazy("项目来源"),
        max_length=20,
        choices=ProjectOrigin.choices,
        default=ProjectOrigin.COMMITTEE,
    )
    origin_department = models.CharField(
        gettext_lazy("委托部门"),
        max_length=80,
        blank=True,
        validators=[validate_no_script],
        help_text=gettext_lazy("政府实事项目填写委托的职能部门"),
    )
    owners_rights = models.CharField(
        gettext_lazy("涉及业主权利"),
        max_length=20,
        choices=OwnersRights.choices,
        default=OwnersRights.NONE,
        help_text=gettext_lazy(
            "涉及共有部分、维修资金或改变用途的，须经业主共同决定（民法典第278条）"
        ),
    )
    partner_committees = models.ManyToManyField(
        "places.Committee",
        verbose_name=gettext_lazy("共同参与的居委会"),
        blank=True,
        related_name="shared_projects",
        help_text=gettext_lazy("跨社区项目（如位于两个社区之间）涉及的同一街道其他居委会"),
    )
    compounds = models.ManyToManyField(
        "places.Compound",
        verbose_name=gettext_lazy("涉及小区"),
        blank=True,
        related_name="projects",
    )
    buildings = models.ManyToManyField(
        "places.Building",
        verbose_name=gettext_lazy("涉及楼栋"),
        blank=True,
        related_name="projects",
    )
    microspaces = models.ManyToManyField(
        "places.MicroSpace",
        verbose_name=gettext_lazy("涉及小微空间"),
        blank=True,
        related_name="projects",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("创建人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(gettext_lazy("创建时间"), default=timezone.now)
    stage_changed_at = models.DateTimeField(gettext_lazy("进入当前阶段时间"), default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("社区规划项目")
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
        CREATED = "created", gettext_lazy("创建项目")
        STAGE = "stage", gettext_lazy("阶段变更")
        NOTE = "note", gettext_lazy("进展记录")

    project = models.ForeignKey(
        Project, verbose_name=gettext_lazy("项目"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(gettext_lazy("类型"), max_length=10, choices=Kind.choices)
    from_stage = models.CharField(
        gettext_lazy("原阶段"), max_length=20, choices=Stage.choices, blank=True
    )
    to_stage = models.CharField(
        gettext_lazy("新阶段"), max_length=20, choices=Stage.choices, blank=True
    )
    note = models.TextField(
        gettext_lazy("说明"), max_length=2000, blank=True, validators=[validate_no_script]
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("操作人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(gettext_lazy("时间"), default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("项目进程")
        verbose_name_plural = verbose_name
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_kind_display()} · {self.at:%Y-%m-%d}"
