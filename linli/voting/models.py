"""Votes (表决): owners' joint decisions, meeting votes, choosing among options.

One vote counts one ballot per flat (户), whatever the channel: online after verification,
written ballot (书面征求意见, entered twice by staff), at the meeting, or by proxy (委托).
The electorate is snapshotted into :class:`Elector` rows when the vote opens; a closed vote
has one immutable :class:`VoteResult`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.validators import validate_no_script


class Vote(models.Model):
    class Kind(models.TextChoices):
        OWNERS = "owners", gettext_lazy("业主共同决定")
        MEETING = "meeting", gettext_lazy("居民/代表/楼组表决")
        OPTIONS = "options", gettext_lazy("方案选择/征名")
        BUDGET = "budget", gettext_lazy("参与式预算")

    class Status(models.TextChoices):
        DRAFT = "draft", gettext_lazy("草稿")
        PROPOSING = "proposing", gettext_lazy("征集名称中")
        OPEN = "open", gettext_lazy("投票中")
        CLOSED = "closed", gettext_lazy("已结束")

    class Matter(models.TextChoices):
        # values are linli.engine.tally.Matter values
        RULES_OF_PROCEDURE = "278-1", gettext_lazy("制定和修改业主大会议事规则")
        MANAGEMENT_STATUTE = "278-2", gettext_lazy("制定和修改管理规约")
        OWNERS_COMMITTEE = "278-3", gettext_lazy("选举业主委员会或者更换业主委员会成员")
        PROPERTY_MANAGER = "278-4", gettext_lazy("选聘和解聘物业服务企业或者其他管理人")
        USE_MAINTENANCE_FUND = "278-5", gettext_lazy("使用建筑物及其附属设施的维修资金")
        RAISE_MAINTENANCE_FUND = "278-6", gettext_lazy("筹集建筑物及其附属设施的维修资金")
        REBUILD = "278-7", gettext_lazy("改建、重建建筑物及其附属设施")
        COMMON_PART_USE = "278-8", gettext_lazy("改变共有部分的用途或者利用共有部分从事经营活动")
        OTHER_MAJOR = "278-9", gettext_lazy("有关共有和共同管理权利的其他重大事项")
        ELEVATOR_RETROFIT = "elevator", gettext_lazy("既有多层住宅加装电梯")

    class MeetingRule(models.TextChoices):
        # keys of linli.voting.adapters.MEETING_RULES (engine presets)
        RESIDENTS = "residents", gettext_lazy("过半数出席、出席人过半数同意（居民会议）")
        TWO_THIRDS_QUORUM = "two_thirds_quorum", gettext_lazy("三分之二以上出席、出席人过半数同意")
        TWO_THIRDS_MEMBERS = "two_thirds_members", gettext_lazy("全体成员三分之二以上同意")

    class Method(models.TextChoices):
        SINGLE = "single", gettext_lazy("单选")
        APPROVAL = "approval", gettext_lazy("认可投票（可多选）")
        RANKED = "ranked", gettext_lazy("排序投票（即时决选）")
        COST_LIMITED = "cost_limited", gettext_lazy("限额认可投票（所选项目总价不超过预算）")

    class BudgetRule(models.TextChoices):
        GREEDY = "greedy", gettext_lazy("按得票数依次资助（贪心法）")
        MES = "mes", gettext_lazy("平等份额法（Method of Equal Shares）")

    committee = models.ForeignKey(
        "places.Committee",
        verbose_name=gettext_lazy("所属居委会"),
        on_delete=models.PROTECT,
        related_name="votes",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=gettext_lazy("关联项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="votes",
    )
    title = models.CharField(
        gettext_lazy("表决事项"), max_length=100, validators=[validate_no_script]
    )
    description = models.TextField(
        gettext_lazy("说明"), max_length=4000, blank=True, validators=[validate_no_script]
    )
    kind = models.CharField(gettext_lazy("表决类型"), max_length=10, choices=Kind.choices)
    matter = models.CharField(
        gettext_lazy("业主共同决定事项"),
        max_length=10,
        choices=Matter.choices,
        blank=True,
        default="",
    )
    meeting_rule = models.CharField(
        gettext_lazy("会议表决规则"),
        max_length=20,
        choices=MeetingRule.choices,
        blank=True,
        default="",
    )
    method = models.CharField(
        gettext_lazy("投票方式"), max_length=16, choices=Method.choices, blank=True, default=""
    )
    budget = models.PositiveBigIntegerField(gettext_lazy("预算总额（元）"), null=True, blank=True)
    budget_rule = models.CharField(
        gettext_lazy("预算分配规则"),
        max_length=10,
        choices=BudgetRule.choices,
        blank=True,
        default="",
    )
    secret = models.BooleanField(gettext_lazy("无记名投票"), default=False)
    hide_results = models.BooleanField(gettext_lazy("结束前不公开结果"), default=True)
    compounds = models.ManyToManyField(
        "places.Compound",
        verbose_name=gettext_lazy("表决范围（小区）"),
        blank=True,
        related_name="+",
    )
    buildings = models.ManyToManyField(
        "places.Building",
        verbose_name=gettext_lazy("表决范围（楼栋）"),
        blank=True,
        related_name="+",
    )
    opens_at = models.DateTimeField(gettext_lazy("开始时间"))
    closes_at = models.DateTimeField(gettext_lazy("截止时间"))
    status = models.CharField(
        gettext_lazy("状态"),
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
    )
    electorate_hash = models.CharField(
        gettext_lazy("选民名册摘要"), max_length=64, blank=True, default=""
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(gettext_lazy("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("表决")
        verbose_name_plural = verbose_name
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="vote_window_ordered",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="owners") | ~models.Q(matter=""),
                name="vote_owners_has_matter",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="meeting") | ~models.Q(meeting_rule=""),
                name="vote_meeting_has_rule",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="options") | ~models.Q(method=""),
                name="vote_options_has_method",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="budget")
                | (
                    models.Q(budget__gt=0)
                    & models.Q(method__in=["approval", "cost_limited"])
                    & ~models.Q(budget_rule="")
                ),
                name="vote_budget_complete",
            ),
            # Owners' decisions are open ballots, as the law expects.
            models.CheckConstraint(
                condition=~models.Q(kind="owners", secret=True), name="vote_owners_not_secret"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, at=None) -> bool:
        at = at or timezone.now()
        return self.status == self.Status.OPEN and self.opens_at <= at < self.closes_at

    @property
    def is_yes_no(self) -> bool:
        return self.kind in (self.Kind.OWNERS, self.Kind.MEETING)

    @property
    def has_options(self) -> bool:
        return self.kind in (self.Kind.OPTIONS, self.Kind.BUDGET)


class Option(models.Model):
    """A design option or a proposed name (征名) of an options vote."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(gettext_lazy("选项"), max_length=60, validators=[validate_no_script])
    description = models.CharField(
        gettext_lazy("说明"), max_length=300, blank=True, validators=[validate_no_script]
    )
    cost = models.PositiveBigIntegerField(gettext_lazy("预算（元）"), null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveSmallIntegerField(gettext_lazy("顺序"), default=0)

    class Meta:
        verbose_name = gettext_lazy("选项")
        verbose_name_plural = verbose_name
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "label"], name="uniq_vote_option_label")
        ]

    def __str__(self) -> str:
        return self.label


class Elector(models.Model):
    """One flat of the electorate, snapshotted when the vote opens (area, owners, code)."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="electors")
    flat = models.ForeignKey("places.Flat", on_delete=models.PROTECT, related_name="+")
    label = models.CharField(gettext_lazy("户室"), max_length=120)
    area = models.DecimalField(gettext_lazy("专有部分面积（㎡）"), max_digits=8, decimal_places=2)
    owner_ids = models.JSONField(gettext_lazy("业主（人员编号）"), default=list)
    owner_names = models.CharField(gettext_lazy("业主姓名"), max_length=200, blank=True)
    paper_code = models.CharField(gettext_lazy("书面表决票编码"), max_length=20, unique=True)

    class Meta:
        verbose_name = gettext_lazy("选民（户）")
        verbose_name_plural = verbose_name
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["vote", "flat"], name="uniq_elector_flat")]

    def __str__(self) -> str:
        return self.label


class ElectorVoter(models.Model):
    """A person who may cast the flat's ballot online (an owner; for non-owner votes also a
    registered resident), snapshotted with the electorate."""

    elector = models.ForeignKey(Elector, on_delete=models.CASCADE, related_name="voters")
    person = models.ForeignKey("places.Person", on_delete=models.PROTECT, related_name="+")
    is_owner = models.BooleanField(default=True)

    class Meta:
        verbose_name = gettext_lazy("可投票人")
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(fields=["elector", "person"], name="uniq_elector_voter")
        ]

    def __str__(self) -> str:
        return f"{self.elector} · {self.person_id}"


class Channel(models.TextChoices):
    ONLINE = "online", gettext_lazy("手机投票")
    PAPER = "paper", gettext_lazy("书面表决票")
    MEETING = "meeting", gettext_lazy("会议现场")
    PROXY = "proxy", gettext_lazy("委托投票")


class Choice(models.TextChoices):
    AGREE = "agree", gettext_lazy("同意")
    DISAGREE = "disagree", gettext_lazy("反对")
    ABSTAIN = "abstain", gettext_lazy("弃权")


class Ballot(models.Model):
    """The counted ballot of one flat: the last valid one cast before close."""

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="ballots")
    elector = models.ForeignKey(Elector, on_delete=models.PROTECT, related_name="ballots")
    choice = models.CharField(
        gettext_lazy("表决意见"), max_length=10, choices=Choice.choices, blank=True
    )
    option_ids = models.JSONField(gettext_lazy("所选选项"), default=list, blank=True)
    channel = models.CharField(gettext_lazy("渠道"), max_length=10, choices=Channel.choices)
    proxy_name = models.CharField(
        gettext_lazy("受托人"), max_length=50, blank=True, validators=[validate_no_script]
    )
    proxy_authorisation = models.CharField(
        gettext_lazy("委托书编号/说明"), max_length=200, blank=True, validators=[validate_no_script]
    )
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    cast_at = models.DateTimeField(gettext_lazy("投票时间"), default=timezone.now)
    revision = models.PositiveIntegerField(gettext_lazy("修改次数"), default=1)

    class Meta:
        verbose_name = gettext_lazy("选票")
        verbose_name_plural = verbose_name
        ordering = ["elector_id"]
        constraints = [
            # one ballot per flat per vote, whatever the channel
            models.UniqueConstraint(fields=["vote", "elector"], name="uniq_ballot_per_flat"),
            models.CheckConstraint(
                condition=~models.Q(channel="proxy")
                | (~models.Q(proxy_name="") & ~models.Q(proxy_authorisation="")),
                name="ballot_proxy_authorised",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vote} · {self.elector}"


class BallotCast(models.Model):
    """Every accepted cast (the history of a flat's ballot) keyed by its idempotency key."""

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="casts")
    elector = models.ForeignKey(Elector, on_delete=models.PROTECT, related_name="casts")
    idempotency_key = models.CharField(gettext_lazy("幂等键"), max_length=64)
    choice = models.CharField(max_length=10, blank=True)
    option_ids = models.JSONField(default=list, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("投票记录")
        verbose_name_plural = verbose_name
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "idempotency_key"], name="uniq_cast_idempotency"
            )
        ]

    def __str__(self) -> str:
        return f"{self.elector} · {self.channel} · {self.at:%Y-%m-%d %H:%M}"


class PaperEntry(models.Model):
    """One staff member's keying of a written ballot; two independent entries must agree."""

    class State(models.TextChoices):
        PENDING = "pending", gettext_lazy("待第二次录入")
        MATCHED = "matched", gettext_lazy("两次一致，已计入")
        MISMATCH = "mismatch", gettext_lazy("两次不一致，待核对")
        RESOLVED = "resolved", gettext_lazy("已核对")

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="paper_entries")
    elector = models.ForeignKey(Elector, on_delete=models.PROTECT, related_name="paper_entries")
    batch = models.PositiveSmallIntegerField(gettext_lazy("批次"), default=1)
    slot = models.PositiveSmallIntegerField(
        gettext_lazy("录入次序"), choices=[(1, gettext_lazy("第一次")), (2, gettext_lazy("第二次"))]
    )
    choice = models.CharField(max_length=10, blank=True)
    option_ids = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("书面票录入")
        verbose_name_plural = verbose_name
        ordering = ["elector_id", "batch", "slot"]
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "elector", "batch", "slot"], name="uniq_paper_entry_slot"
            )
        ]

    def __str__(self) -> str:
        return _("%(elector)s · 第%(batch)s批第%(slot)s次录入") % {
            "elector": self.elector,
            "batch": self.batch,
            "slot": self.slot,
        }


class VoteResult(models.Model):
    """The signed record of a closed vote. Written once; never updated."""

    vote = models.OneToOneField(Vote, on_delete=models.PROTECT, related_name="result")
    counts = models.JSONField(gettext_lazy("计票结果"))
    rule = models.JSONField(gettext_lazy("适用规则"))
    passed = models.BooleanField(gettext_lazy("是否通过"), null=True, blank=True)
    electorate_hash = models.CharField(max_length=64)
    ballots_hash = models.CharField(max_length=64)
    audit_hash = models.CharField(max_length=64)
    signature = models.CharField(max_length=64)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("表决结果")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return _("%(vote)s · 结果") % {"vote": self.vote}

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError(_("表决结果已签署，不能修改"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError(_("表决结果已签署，不能删除"))
