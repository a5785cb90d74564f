"""Step 5 — implementation and O&M (强化项目实施过程管理).

Procurement with quotes from the street's list of qualified companies, contracts with a
payment schedule whose payments are linked to the funding ledger, the project working group,
milestones, the site log, residents' feedback during construction, acceptance (review,
defects, sign-off, resident walk), and upkeep: the O&M arrangement, volunteer teams with a
rota and patrol records, adoption of plots by households, and fault tickets.

Money is integer fen; every text field has a maximum length.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.validators import validate_no_script

User = settings.AUTH_USER_MODEL
TEXT = [validate_no_script]
# Sane bounds for amounts: at least 1 fen, at most 1 亿元.
MAX_FEN = 10_000_000_000
FEN = [MinValueValidator(1), MaxValueValidator(MAX_FEN)]
# Procurement thresholds (see docs/implementation.md): direct purchase up to 5万元,
# comparison of three quotes (比价) up to 400万元, public tender above.
DIRECT_MAX_FEN = 5_000_000
COMPARE_MAX_FEN = 400_000_000
MIN_QUOTES = 3


class QualifiedCompany(models.Model):
    """A company the street has checked for construction and/or management qualifications."""

    street = models.ForeignKey(
        "places.Street",
        verbose_name=gettext_lazy("街道"),
        on_delete=models.CASCADE,
        related_name="companies",
    )
    name = models.CharField(gettext_lazy("企业名称"), max_length=80, validators=TEXT)
    credit_code = models.CharField(
        gettext_lazy("统一社会信用代码"), max_length=18, blank=True, validators=TEXT
    )
    builds = models.BooleanField(gettext_lazy("具备建造资质"), default=False)
    manages = models.BooleanField(gettext_lazy("具备管理（运营）资质"), default=False)
    qualification = models.CharField(
        gettext_lazy("资质说明"), max_length=200, blank=True, validators=TEXT
    )
    contact = models.CharField(
        gettext_lazy("联系人及电话"), max_length=60, blank=True, validators=TEXT
    )
    active = models.BooleanField(gettext_lazy("在册"), default=True)
    added_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(gettext_lazy("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("具备资质的企业")
        verbose_name_plural = verbose_name
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="impl_uniq_company_name"),
            models.CheckConstraint(
                condition=Q(builds=True) | Q(manages=True), name="impl_company_has_qualification"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def qualification_label(self) -> str:
        parts = [p for p, on in ((_("建造"), self.builds), (_("管理"), self.manages)) if on]
        return "、".join(parts) + _("资质")


class Procurement(models.Model):
    class Method(models.TextChoices):
        DIRECT = "direct", gettext_lazy("直接采购（限额以下）")
        COMPARE = "compare", gettext_lazy("比价（至少三家报价）")
        TENDER = "tender", gettext_lazy("公开招标")

    class Status(models.TextChoices):
        OPEN = "open", gettext_lazy("征集报价中")
        DECIDED = "decided", gettext_lazy("已确定")

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=gettext_lazy("项目"),
        on_delete=models.CASCADE,
        related_name="procurements",
    )
    title = models.CharField(gettext_lazy("采购事项"), max_length=80, validators=TEXT)
    method = models.CharField(gettext_lazy("采购方式"), max_length=10, choices=Method.choices)
    budget_fen = models.BigIntegerField(gettext_lazy("预算（分）"), validators=FEN)
    status = models.CharField(
        gettext_lazy("状态"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    # DO_NOTHING: a quote is deleted only with its procurement, in the same transaction
    chosen = models.ForeignKey(
        "Quote", verbose_name=gettext_lazy("中选报价"), null=True, blank=True, on_delete=models.DO_NOTHING,
        related_name="+",
    )  # fmt: skip
    reason = models.TextField(
        gettext_lazy("确定理由"), max_length=2000, blank=True, validators=TEXT
    )
    meeting = models.ForeignKey(
        "deliberation.Meeting", verbose_name=gettext_lazy("决定会议"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    vote = models.ForeignKey(
        "voting.Vote", verbose_name=gettext_lazy("决定表决"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(gettext_lazy("确定时间"), null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(gettext_lazy("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("采购")
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | (Q(chosen__isnull=False) & ~Q(reason="")),
                name="impl_procurement_decided_has_choice",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def committee_id(self) -> int:
        return self.project.committee_id


class Quote(models.Model):
    procurement = models.ForeignKey(
        Procurement,
        verbose_name=gettext_lazy("采购"),
        on_delete=models.CASCADE,
        related_name="quotes",
    )
    company = models.ForeignKey(
        QualifiedCompany,
        verbose_name=gettext_lazy("报价企业"),
        on_delete=models.PROTECT,
        related_name="quotes",
    )
    amount_fen = models.BigIntegerField(gettext_lazy("报价（分）"), validators=FEN)
    note = models.CharField(gettext_lazy("说明"), max_length=200, blank=True, validators=TEXT)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(gettext_lazy("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("报价")
        verbose_name_plural = verbose_name
        ordering = ["amount_fen", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["procurement", "company"], name="impl_uniq_quote_per_company"
            )
        ]

    def __str__(self) -> str:
        return _("%(company)s %(value)s元") % {
            "company": self.company,
            "value": format(self.amount_fen / 100, ".2f"),
        }


class Contract(models.Model):
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=gettext_lazy("项目"),
        on_delete=models.CASCADE,
        related_name="contracts",
    )
    procurement = models.OneToOneField(
        Procurement, verbose_name=gettext_lazy("采购"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="contract",
    )  # fmt: skip
    title = models.CharField(gettext_lazy("合同名称"), max_length=80, validators=TEXT)
    party = models.CharField(gettext_lazy("合同相对方"), max_length=80, validators=TEXT)
    amount_fen = models.BigIntegerField(gettext_lazy("合同金额（分）"), validators=FEN)
    signed_on = models.DateField(gettext_lazy("签订日期"))
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(gettext_lazy("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("合同")
        verbose_name_plural = verbose_name
        ordering = ["-signed_on", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def committee_id(self) -> int:
        return self.project.committee_id


class ContractAttachment(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(gettext_lazy("附件"), upload_to="implementation/contracts/%Y/%m/")
    name = models.CharField(gettext_lazy("文件名"), max_length=120)
    uploaded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("合同附件")
        verbose_name_plural = verbose_name
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Instalment(models.Model):
    """One line of the payment schedule (预付款, 进度款, 尾款 …)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="instalments")
    label = models.CharField(gettext_lazy("款项"), max_length=40, validators=TEXT)
    due_on = models.DateField(gettext_lazy("计划支付日期"))
    amount_fen = models.BigIntegerField(gettext_lazy("金额（分）"), validators=FEN)

    class Meta:
        verbose_name = gettext_lazy("付款计划")
        verbose_name_plural = verbose_name
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.label


class ChangeOrder(models.Model):
    """变更: a change of the contract amount, valid once the working group approves it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", gettext_lazy("待工作组审批")
        APPROVED = "approved", gettext_lazy("已批准")
        REJECTED = "rejected", gettext_lazy("未批准")

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="changes")
    reason = models.TextField(gettext_lazy("变更原因"), max_length=2000, validators=TEXT)
    delta_fen = models.BigIntegerField(
        gettext_lazy("金额变化（分）"),
        validators=[MinValueValidator(-MAX_FEN), MaxValueValidator(MAX_FEN)],
    )
    status = models.CharField(
        gettext_lazy("状态"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    proposed_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(
        gettext_lazy("审批意见"), max_length=500, blank=True, validators=TEXT
    )

    class Meta:
        verbose_name = gettext_lazy("合同变更")
        verbose_name_plural = verbose_name
        ordering = ["proposed_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(delta_fen=0), name="impl_change_nonzero"),
        ]

    def __str__(self) -> str:
        return _("变更#%(pk)s") % {"pk": self.pk}


class ContractPayment(models.Model):
    """A payment under a contract: one spending voucher of the project's funding ledger."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="payments")
    entry = models.OneToOneField(
        "funding.JournalEntry", verbose_name=gettext_lazy("支出凭证"), on_delete=models.CASCADE,
        related_name="contract_payment",
    )  # fmt: skip
    instalment = models.ForeignKey(
        Instalment, null=True, blank=True, on_delete=models.SET_NULL, related_name="payments"
    )
    amount_fen = models.BigIntegerField(gettext_lazy("金额（分）"), validators=FEN)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("合同付款")
        verbose_name_plural = verbose_name
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return _("%(contract)s · %(value)s元") % {
            "contract": self.contract,
            "value": format(self.amount_fen / 100, ".2f"),
        }


class GroupRole(models.TextChoices):
    RESIDENT_REP = "resident_rep", gettext_lazy("居民代表")
    COMMITTEE = "committee", gettext_lazy("居委会")
    OWNERS_COMMITTEE = "owners_committee", gettext_lazy("业委会")
    PLANNER = "planner", gettext_lazy("社区规划师")
    CONTRACTOR = "contractor", gettext_lazy("施工/运营单位联系人")


class WorkingGroupMember(models.Model):
    """项目工作组: a person's role in one project's group (a contractor acts on it only)."""

    project = models.ForeignKey(
        "projects.Project", verbose_name=gettext_lazy("项目"), on_delete=models.CASCADE,
        related_name="working_group",
    )  # fmt: skip
    user = models.ForeignKey(
        User, verbose_name=gettext_lazy("成员"), on_delete=models.CASCADE, related_name="+"
    )
    role = models.CharField(gettext_lazy("工作组职责"), max_length=20, choices=GroupRole.choices)
    note = models.CharField(gettext_lazy("说明"), max_length=100, blank=True, validators=TEXT)
    added_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("项目工作组成员")
        verbose_name_plural = verbose_name
        ordering = ["role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="impl_uniq_group_member")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class Milestone(models.Model):
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=gettext_lazy("项目"),
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    title = models.CharField(gettext_lazy("节点"), max_length=60, validators=TEXT)
    planned_start = models.DateField(gettext_lazy("计划开始"))
    planned_end = models.DateField(gettext_lazy("计划完成"))
    actual_start = models.DateField(gettext_lazy("实际开始"), null=True, blank=True)
    actual_end = models.DateField(gettext_lazy("实际完成"), null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("进度节点")
        verbose_name_plural = verbose_name
        ordering = ["planned_start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__gte=F("planned_start")), name="impl_milestone_planned"
            ),
            models.CheckConstraint(
                condition=Q(actual_end__isnull=True)
                | (Q(actual_start__isnull=False) & Q(actual_end__gte=F("actual_start"))),
                name="impl_milestone_actual",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def done(self) -> bool:
        return self.actual_end is not None

    @property
    def status_label(self) -> str:
        if self.actual_end:
            return _("已完成 %(actual_end)s") % {"actual_end": format(self.actual_end, "%Y-%m-%d")}
        if self.actual_start:
            return _("进行中（%(actual_start)s开始）") % {
                "actual_start": format(self.actual_start, "%m-%d")
            }
        return _("计划 %(planned_start)s — %(planned_end)s") % {
            "planned_start": format(self.planned_start, "%m-%d"),
            "planned_end": format(self.planned_end, "%m-%d"),
        }


class SiteLog(models.Model):
    """施工日志: one day on site."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=gettext_lazy("项目"),
        on_delete=models.CASCADE,
        related_name="site_logs",
    )
    date = models.DateField(gettext_lazy("日期"))
    work_done = models.TextField(gettext_lazy("施工内容"), max_length=2000, validators=TEXT)
    issues = models.TextField(
        gettext_lazy("发现的问题"), max_length=2000, blank=True, validators=TEXT
    )
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("施工日志")
        verbose_name_plural = verbose_name
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return _("%(date)s 施工日志") % {"date": format(self.date, "%Y-%m-%d")}


class Photo(models.Model):
    """A photo (EXIF removed, re-encoded) of a site log, a review, a patrol or a ticket."""

    site_log = models.ForeignKey(
        SiteLog, null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    review = models.ForeignKey(
        "AcceptanceReview", null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(gettext_lazy("照片"), upload_to="implementation/%Y/%m/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = gettext_lazy("照片")
        verbose_name_plural = verbose_name
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(site_log__isnull=False, review__isnull=True)
                | Q(site_log__isnull=True, review__isnull=False),
                name="impl_photo_one_owner",
            )
        ]

    def __str__(self) -> str:
        return _("照片#%(pk)s") % {"pk": self.pk}


class Feedback(models.Model):
    """A resident's opinion during construction (适时提供意见反馈), answered by the group."""

    class Channel(models.TextChoices):
        PAGE = "page", gettext_lazy("项目页面")
        QR = "qr", gettext_lazy("围挡二维码")

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=gettext_lazy("项目"),
        on_delete=models.CASCADE,
        related_name="feedback",
    )
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    channel = models.CharField(
        gettext_lazy("来源"), max_length=4, choices=Channel.choices, default="page"
    )
    text = models.TextField(gettext_lazy("意见"), max_length=1000, validators=TEXT)
    created_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(
        gettext_lazy("工作组答复"), max_length=1000, blank=True, validators=TEXT
    )
    answered_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("施工期间意见")
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.text[:20]


class AcceptanceReview(models.Model):
    """评审验收: the professional review record."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=gettext_lazy("项目"),
        on_delete=models.CASCADE,
        related_name="reviews",
    )
    reviewer = models.CharField(gettext_lazy("评审人"), max_length=40, validators=TEXT)
    organisation = models.CharField(gettext_lazy("评审单位"), max_length=80, validators=TEXT)
    date = models.DateField(gettext_lazy("评审日期"))
    items_checked = models.TextField(gettext_lazy("检查项目"), max_length=2000, validators=TEXT)
    conclusion = models.TextField(
        gettext_lazy("评审结论"), max_length=2000, blank=True, validators=TEXT
    )
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("专业评审记录")
        verbose_name_plural = verbose_name
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return _("%(date)s %(organisation)s评审") % {
            "date": format(self.date, "%Y-%m-%d"),
            "organisation": self.organisation,
        }


class Defect(models.Model):
    review = models.ForeignKey(AcceptanceReview, on_delete=models.CASCADE, related_name="defects")
    description = models.CharField(gettext_lazy("问题"), max_length=200, validators=TEXT)
    deadline = models.DateField(gettext_lazy("整改期限"))
    closed_at = models.DateTimeField(gettext_lazy("整改完成时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closure_note = models.CharField(
        gettext_lazy("整改说明"), max_length=500, blank=True, validators=TEXT
    )

    class Meta:
        verbose_name = gettext_lazy("整改问题")
        verbose_name_plural = verbose_name
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        return self.description

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


class SignParty(models.TextChoices):
    COMMITTEE = "committee", gettext_lazy("居委会")
    OWNERS_COMMITTEE = "owners_committee", gettext_lazy("业委会")
    PLANNER = "planner", gettext_lazy("社区规划师")
    CONTRACTOR = "contractor", gettext_lazy("施工单位")


class Signoff(models.Model):
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=gettext_lazy("项目"),
        on_delete=models.CASCADE,
        related_name="signoffs",
    )
    party = models.CharField(gettext_lazy("签署方"), max_length=20, choices=SignParty.choices)
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    opinion = models.CharField(gettext_lazy("验收意见"), max_length=500, validators=TEXT)
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("验收签署")
        verbose_name_plural = verbose_name
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "party"], name="impl_uniq_signoff_party")
        ]

    def __str__(self) -> str:
        return _("%(get_party_display)s已签署") % {"get_party_display": self.get_party_display()}


class AcceptanceWalk(models.Model):
    """The residents' acceptance walk (居民踏勘验收)."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=gettext_lazy("项目"),
        on_delete=models.CASCADE,
        related_name="walks",
    )
    date = models.DateField(gettext_lazy("日期"))
    participants = models.PositiveIntegerField(
        gettext_lazy("参加居民人数"), validators=[MinValueValidator(1), MaxValueValidator(10000)]
    )
    opinions = models.TextField(gettext_lazy("居民意见"), max_length=2000, validators=TEXT)
    satisfied = models.BooleanField(gettext_lazy("居民认可"), default=True)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("居民踏勘验收")
        verbose_name_plural = verbose_name
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return _("%(date)s 居民踏勘") % {"date": format(self.date, "%Y-%m-%d")}


class TeamKind(models.TextChoices):
    GARAGE = "garage", gettext_lazy("车库巡保队")
    FLOWERS = "flowers", gettext_lazy("花友会")
    CORRIDOR = "corridor", gettext_lazy("楼道自治管理小组")
    OTHER = "other", gettext_lazy("其他志愿团队")


class VolunteerTeam(models.Model):
    committee = models.ForeignKey(
        "places.Committee", verbose_name=gettext_lazy("居委会"), on_delete=models.CASCADE,
        related_name="volunteer_teams",
    )  # fmt: skip
    project = models.ForeignKey(
        "projects.Project", verbose_name=gettext_lazy("项目"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="teams",
    )  # fmt: skip
    name = models.CharField(gettext_lazy("团队名称"), max_length=40, validators=TEXT)
    kind = models.CharField(gettext_lazy("类型"), max_length=10, choices=TeamKind.choices)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("志愿团队")
        verbose_name_plural = verbose_name
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "name"], name="impl_uniq_team_name")
        ]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    team = models.ForeignKey(VolunteerTeam, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        User, verbose_name=gettext_lazy("队员"), on_delete=models.CASCADE, related_name="+"
    )
    is_leader = models.BooleanField(gettext_lazy("队长"), default=False)
    joined_on = models.DateField(gettext_lazy("加入日期"), default=timezone.localdate)

    class Meta:
        verbose_name = gettext_lazy("团队成员")
        verbose_name_plural = verbose_name
        ordering = ["-is_leader", "id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="impl_uniq_team_member")
        ]

    def __str__(self) -> str:
        return str(self.user)


class Shift(models.TextChoices):
    MORNING = "morning", gettext_lazy("早班")
    EVENING = "evening", gettext_lazy("晚班")


class DutySlot(models.Model):
    """One line of the duty rota: who patrols on which day and shift."""

    team = models.ForeignKey(VolunteerTeam, on_delete=models.CASCADE, related_name="rota")
    member = models.ForeignKey(TeamMember, on_delete=models.CASCADE, related_name="slots")
    date = models.DateField(gettext_lazy("日期"))
    shift = models.CharField(gettext_lazy("班次"), max_length=10, choices=Shift.choices)

    class Meta:
        verbose_name = gettext_lazy("值班排班")
        verbose_name_plural = verbose_name
        ordering = ["date", "shift", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "date", "shift", "member"], name="impl_uniq_duty_slot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%m-%d} {self.get_shift_display()} {self.member}"


def _token() -> str:
    return uuid.uuid4().hex


class PatrolSite(models.Model):
    """A place a team patrols; its QR code on site opens the patrol form."""

    project = models.ForeignKey(
        "projects.Project", verbose_name=gettext_lazy("项目"), on_delete=models.CASCADE,
        related_name="patrol_sites",
    )  # fmt: skip
    team = models.ForeignKey(
        VolunteerTeam,
        verbose_name=gettext_lazy("巡查团队"),
        on_delete=models.CASCADE,
        related_name="sites",
    )
    name = models.CharField(gettext_lazy("巡查点"), max_length=40, validators=TEXT)
    checklist = models.TextField(
        gettext_lazy("检查项目（每行一项）"), max_length=1000, validators=TEXT,
        help_text=gettext_lazy("如：车辆停放整齐、充电设施无异常、消防通道畅通"),
    )  # fmt: skip

    class Meta:
        verbose_name = gettext_lazy("巡查点")
        verbose_name_plural = verbose_name
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="impl_uniq_site_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def committee_id(self) -> int:
        return self.project.committee_id

    @property
    def items(self) -> list[str]:
        return [line.strip() for line in self.checklist.splitlines() if line.strip()]


class PatrolRecord(models.Model):
    site = models.ForeignKey(PatrolSite, on_delete=models.CASCADE, related_name="records")
    patroller = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(gettext_lazy("日期"))
    shift = models.CharField(gettext_lazy("班次"), max_length=10, choices=Shift.choices)
    at = models.DateTimeField(gettext_lazy("签到时间"), default=timezone.now)
    checked = models.JSONField(gettext_lazy("已检查的项目"), default=list)
    problem = models.CharField(
        gettext_lazy("发现的问题"), max_length=500, blank=True, validators=TEXT
    )
    photo = models.ImageField(
        gettext_lazy("照片"), upload_to="implementation/patrols/%Y/%m/", blank=True
    )

    class Meta:
        verbose_name = gettext_lazy("巡查记录")
        verbose_name_plural = verbose_name
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "patroller", "date", "shift"], name="impl_uniq_patrol_checkin"
            )
        ]

    def __str__(self) -> str:
        return f"{self.site} {self.date:%m-%d} {self.get_shift_display()}"


class Arrangement(models.Model):
    """Who keeps the result up, and the money for it."""

    class Kind(models.TextChoices):
        PROPERTY = "property", gettext_lazy("物业服务企业")
        CONTRACTOR = "contractor", gettext_lazy("建设运营方（BOT）")
        VOLUNTEER = "volunteer", gettext_lazy("居民志愿团队")

    project = models.OneToOneField(
        "projects.Project", verbose_name=gettext_lazy("项目"), on_delete=models.CASCADE,
        related_name="om_arrangement",
    )  # fmt: skip
    kind = models.CharField(gettext_lazy("运维方式"), max_length=12, choices=Kind.choices)
    keeper = models.CharField(gettext_lazy("运维责任方"), max_length=80, validators=TEXT)
    team = models.ForeignKey(
        VolunteerTeam, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    money = models.TextField(
        gettext_lazy("运维资金"), max_length=1000, blank=True, validators=TEXT,
        help_text=gettext_lazy("如：BOT运营收入、维修资金、自治金"),
    )  # fmt: skip
    since = models.DateField(gettext_lazy("开始日期"), default=timezone.localdate)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("运维安排")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.keeper}"


class Adoption(models.Model):
    """认建认养: a household looks after a plot or a facility."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=gettext_lazy("项目"),
        on_delete=models.CASCADE,
        related_name="adoptions",
    )
    plot = models.CharField(gettext_lazy("认养对象"), max_length=40, validators=TEXT)
    household = models.ForeignKey(
        "places.Household",
        verbose_name=gettext_lazy("认养家庭"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    team = models.ForeignKey(
        VolunteerTeam, null=True, blank=True, on_delete=models.SET_NULL, related_name="adoptions"
    )
    since = models.DateField(gettext_lazy("认养日期"), default=timezone.localdate)
    ended_on = models.DateField(gettext_lazy("结束日期"), null=True, blank=True)
    recorded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = gettext_lazy("认建认养")
        verbose_name_plural = verbose_name
        ordering = ["plot", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "plot"],
                condition=Q(ended_on__isnull=True),
                name="impl_uniq_active_adoption",
                violation_error_message=gettext_lazy("该认养对象已有家庭认养"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.plot} · {self.household}"


class Ticket(models.Model):
    """报修: a fault reported by a resident, handled by the property company or the committee."""

    class Route(models.TextChoices):
        PROPERTY = "property", gettext_lazy("物业服务企业")
        COMMITTEE = "committee", gettext_lazy("居委会")

    class Status(models.TextChoices):
        OPEN = "open", gettext_lazy("待处理")
        RESPONDED = "responded", gettext_lazy("处理中")
        RESOLVED = "resolved", gettext_lazy("已处理，待报修人确认")
        CLOSED = "closed", gettext_lazy("已关闭")

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=gettext_lazy("项目"),
        on_delete=models.CASCADE,
        related_name="tickets",
    )
    reporter = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    place = models.CharField(gettext_lazy("位置"), max_length=60, validators=TEXT)
    description = models.TextField(gettext_lazy("问题描述"), max_length=1000, validators=TEXT)
    plan_x = models.DecimalField(
        gettext_lazy("平面图位置X（%）"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )  # fmt: skip
    plan_y = models.DecimalField(
        gettext_lazy("平面图位置Y（%）"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )  # fmt: skip
    photo = models.ImageField(
        gettext_lazy("照片"), upload_to="implementation/tickets/%Y/%m/", blank=True
    )
    route = models.CharField(gettext_lazy("处理方"), max_length=10, choices=Route.choices)
    status = models.CharField(
        gettext_lazy("状态"), max_length=10, choices=Status.choices, default="open"
    )
    handler = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(gettext_lazy("报修时间"), default=timezone.now)
    responded_at = models.DateTimeField(gettext_lazy("响应时间"), null=True, blank=True)
    response = models.CharField(
        gettext_lazy("响应说明"), max_length=500, blank=True, validators=TEXT
    )
    resolved_at = models.DateTimeField(gettext_lazy("处理完成时间"), null=True, blank=True)
    resolution = models.CharField(
        gettext_lazy("处理结果"), max_length=500, blank=True, validators=TEXT
    )
    closed_at = models.DateTimeField(gettext_lazy("关闭时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_by_reporter = models.BooleanField(gettext_lazy("报修人确认"), default=False)

    class Meta:
        verbose_name = gettext_lazy("报修工单")
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return _("报修#%(pk)s %(place)s") % {"pk": self.pk, "place": self.place}

    @property
    def committee_id(self) -> int:
        return self.project.committee_id

    @property
    def response_hours(self) -> float | None:
        if self.responded_at is None:
            return None
        return round((self.responded_at - self.created_at).total_seconds() / 3600, 1)
