"""Money residents can trust: funding plans, a double-entry ledger, contributions, BOT.

Amounts are integer fen (BigIntegerField), never floats. Journal lines are signed: debit
positive, credit negative, so an entry balances when its lines sum to zero and the whole
ledger sums to zero at all times (``verify_ledger``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.validators import validate_no_script

User = settings.AUTH_USER_MODEL


class Duty(models.TextChoices):
    ACCOUNTANT = "accountant", gettext_lazy("会计")
    CASHIER = "cashier", gettext_lazy("出纳")
    SUPERVISOR = "supervisor", gettext_lazy("监事")


class FundingDuty(models.Model):
    """Who keeps the books: a duty held for one project, or for every project of a committee."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="funding_duties")
    committee = models.ForeignKey(
        "places.Committee", on_delete=models.CASCADE, related_name="funding_duties"
    )
    project = models.ForeignKey(
        "projects.Project",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="funding_duties",
    )
    duty = models.CharField(gettext_lazy("职责"), max_length=12, choices=Duty.choices)
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("财务职责")
        verbose_name_plural = verbose_name
        constraints = [
            models.UniqueConstraint(
                fields=["user", "committee", "project", "duty"], name="uniq_funding_duty"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_duty_display()}"


class FundingPlan(models.Model):
    """The cost estimate of a project and the sources that will cover it."""

    project = models.OneToOneField(
        "projects.Project", on_delete=models.PROTECT, related_name="funding_plan"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("筹资方案")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return _("%(project)s · 筹资方案") % {"project": self.project}

    @property
    def committee_id(self) -> int:
        return self.project.committee_id


class CostItem(models.Model):
    plan = models.ForeignKey(FundingPlan, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(
        gettext_lazy("费用项目"), max_length=80, validators=[validate_no_script]
    )
    amount_fen = models.BigIntegerField(
        gettext_lazy("金额（分）"), validators=[MinValueValidator(1)]
    )
    note = models.CharField(
        gettext_lazy("说明"), max_length=200, blank=True, validators=[validate_no_script]
    )

    class Meta:
        verbose_name = gettext_lazy("费用明细")
        verbose_name_plural = verbose_name
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_fen__gt=0), name="costitem_positive")
        ]

    def __str__(self) -> str:
        return self.name


class SourceKind(models.TextChoices):
    PROPERTY_OWNER = "property_owner", gettext_lazy("产权单位出资")
    SELF_GOVERNANCE = "self_governance", gettext_lazy("自治金")
    FOUNDATION = "foundation", gettext_lazy("社区基金会资助")
    MAINTENANCE_FUND = "maintenance_fund", gettext_lazy("维修资金")
    CO_BUILDING = "co_building", gettext_lazy("共建单位")
    RESIDENTS = "residents", gettext_lazy("居民自筹")
    STREET_MATCHING = "street_matching", gettext_lazy("街道配套")
    GUIDANCE = "guidance", gettext_lazy("引导资金（按费用比例）")
    GOVERNMENT = "government", gettext_lazy("政府资金")
    ENTERPRISE = "enterprise", gettext_lazy("企业投入（BOT）")


class SourceStatus(models.TextChoices):
    PLEDGED = "pledged", gettext_lazy("已承诺")
    APPROVED = "approved", gettext_lazy("已批准")
    RECEIVED = "received", gettext_lazy("已到账")


class FundingSource(models.Model):
    plan = models.ForeignKey(FundingPlan, on_delete=models.CASCADE, related_name="sources")
    kind = models.CharField(gettext_lazy("来源类型"), max_length=20, choices=SourceKind.choices)
    name = models.CharField(gettext_lazy("出资方"), max_length=80, validators=[validate_no_script])
    amount_fen = models.BigIntegerField(
        gettext_lazy("金额（分）"),
        validators=[MinValueValidator(0)],
        help_text=gettext_lazy("配套资金为上限"),
    )
    conditions = models.CharField(
        gettext_lazy("条件"), max_length=300, blank=True, validators=[validate_no_script]
    )
    status = models.CharField(
        gettext_lazy("状态"),
        max_length=10,
        choices=SourceStatus.choices,
        default=SourceStatus.PLEDGED,
    )
    # maintenance fund: the owners' decision that allows it
    vote_result = models.ForeignKey(
        "voting.VoteResult",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=gettext_lazy("业主共同决定"),
    )
    # street matching: which residents' source it matches, and at what ratio
    matches = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="matched_by",
        verbose_name=gettext_lazy("配套对象"),
    )
    match_ratio = models.DecimalField(
        gettext_lazy("配套比例"), max_digits=6, decimal_places=3, null=True, blank=True
    )
    # guidance fund: percent of the cost
    percent_of_cost = models.DecimalField(
        gettext_lazy("占费用比例（%）"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("资金来源")
        verbose_name_plural = verbose_name
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_fen__gte=0), name="source_amount_nonneg"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.name}"

    def clean(self):
        if self.kind == SourceKind.STREET_MATCHING and (
            self.matches_id is None or not self.match_ratio
        ):
            raise ValidationError(_("街道配套须指明配套的居民自筹来源和配套比例"))
        if self.kind == SourceKind.GUIDANCE and self.percent_of_cost is None:
            raise ValidationError(_("引导资金须填写占项目费用的比例"))


class Account(models.Model):
    class Kind(models.TextChoices):
        FUND = "fund", gettext_lazy("资金（可用余额）")
        INCOME = "income", gettext_lazy("资金来源（收入）")
        EXPENSE = "expense", gettext_lazy("支出")

    plan = models.ForeignKey(FundingPlan, on_delete=models.PROTECT, related_name="accounts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    source = models.ForeignKey(
        FundingSource, null=True, blank=True, on_delete=models.PROTECT, related_name="accounts"
    )
    item = models.ForeignKey(
        CostItem, null=True, blank=True, on_delete=models.PROTECT, related_name="accounts"
    )
    name = models.CharField(max_length=120)
    # cached sum of posted lines; changed only by entry posting under a row lock
    balance_fen = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = gettext_lazy("账户")
        verbose_name_plural = verbose_name
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "kind", "source", "item"], name="uniq_account_kind_source_item"
            )
        ]

    def __str__(self) -> str:
        return self.name


class JournalEntry(models.Model):
    class Kind(models.TextChoices):
        RECEIPT = "receipt", gettext_lazy("收款")
        SPENDING = "spending", gettext_lazy("支出")
        REFUND = "refund", gettext_lazy("退款")
        REVERSAL = "reversal", gettext_lazy("冲正")
        OTHER = "other", gettext_lazy("其他")

    plan = models.ForeignKey(FundingPlan, on_delete=models.PROTECT, related_name="entries")
    number = models.CharField(gettext_lazy("凭证号"), max_length=30, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    memo = models.CharField(gettext_lazy("摘要"), max_length=200, validators=[validate_no_script])
    date = models.DateField(gettext_lazy("业务日期"), default=timezone.localdate)
    source = models.ForeignKey(
        FundingSource, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    item = models.ForeignKey(
        CostItem, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    confirmed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    posted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=200, blank=True, validators=[validate_no_script])

    class Meta:
        verbose_name = gettext_lazy("记账凭证")
        verbose_name_plural = verbose_name
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(confirmed_by=models.F("recorded_by")),
                name="entry_confirm_not_self",
            ),
            models.CheckConstraint(
                condition=~models.Q(reviewed_by=models.F("recorded_by"))
                & ~models.Q(reviewed_by=models.F("confirmed_by")),
                name="entry_review_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.memo}"

    def save(self, *args, **kwargs):
        # A posted entry is never edited; only the supervisor's review may be added once.
        if self.pk is not None:
            old = (
                JournalEntry.objects.filter(pk=self.pk)
                .values("posted_at", "reviewed_at", "memo", "kind", "plan_id", "date")
                .first()
            )
            if old and old["posted_at"] is not None:
                allowed = set(kwargs.get("update_fields") or ())
                if (
                    old["reviewed_at"] is not None
                    or not allowed
                    or not allowed <= {"reviewed_by", "reviewed_at", "review_note"}
                ):
                    raise RuntimeError(_("已入账的凭证不能修改，请做冲正凭证"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError(_("凭证不能删除，请做冲正凭证"))

    @property
    def committee_id(self) -> int:
        return self.plan.project.committee_id

    @property
    def status(self) -> str:
        if self.reviewed_at:
            return "reviewed"
        if self.posted_at:
            return "posted"
        return "recorded"

    @property
    def status_label(self) -> str:
        return {"reviewed": _("已审核"), "posted": _("已入账"), "recorded": _("待出纳确认")}[
            self.status
        ]


class JournalLine(models.Model):
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines")
    amount_fen = models.BigIntegerField(gettext_lazy("金额（分，借正贷负）"))

    class Meta:
        verbose_name = gettext_lazy("分录")
        verbose_name_plural = verbose_name
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount_fen=0), name="line_nonzero")
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.amount_fen}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError(_("分录不能修改"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError(_("分录不能删除"))


ATTACHMENT_EXTENSIONS = ["pdf", "jpg", "jpeg", "png", "webp"]
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


def validate_attachment_size(f):
    if f.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(_("附件不能超过10MB"))


class Attachment(models.Model):
    class Kind(models.TextChoices):
        INVOICE = "invoice", gettext_lazy("发票")
        CONTRACT = "contract", gettext_lazy("合同")
        RECEIPT_PHOTO = "photo", gettext_lazy("收据照片")
        OTHER = "other", gettext_lazy("其他")

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    file = models.FileField(
        upload_to="funding/",
        validators=[
            FileExtensionValidator(
                ATTACHMENT_EXTENSIONS, message=gettext_lazy("只接受PDF或图片（jpg/png/webp）")
            ),
            validate_attachment_size,
        ],
    )
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("附件")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.file.name


class Contribution(models.Model):
    """One household's share of a residents' source: share, pledge, money in and out."""

    source = models.ForeignKey(
        FundingSource, on_delete=models.PROTECT, related_name="contributions"
    )
    household = models.ForeignKey(
        "places.Household", on_delete=models.PROTECT, related_name="contributions"
    )
    share_fen = models.BigIntegerField(
        gettext_lazy("应摊（分）"), validators=[MinValueValidator(0)]
    )
    exempt = models.BooleanField(gettext_lazy("免缴"), default=False)
    pledged_fen = models.BigIntegerField(
        gettext_lazy("认缴（分）"), default=0, validators=[MinValueValidator(0)]
    )
    pledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("住户出资")
        verbose_name_plural = verbose_name
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "household"], name="uniq_contribution"),
            models.CheckConstraint(condition=models.Q(share_fen__gte=0), name="share_nonneg"),
            models.CheckConstraint(condition=models.Q(pledged_fen__gte=0), name="pledge_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.household} · {self.source}"


class Receipt(models.Model):
    """Money a household paid (or, with negative amount… never: refunds are their own rows)."""

    number = models.CharField(gettext_lazy("收据编号"), max_length=30, unique=True)
    contribution = models.ForeignKey(
        Contribution, on_delete=models.PROTECT, related_name="receipts"
    )
    amount_fen = models.BigIntegerField(validators=[MinValueValidator(1)])
    entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, related_name="receipt")
    payer_name = models.CharField(max_length=50, blank=True, validators=[validate_no_script])
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("收据")
        verbose_name_plural = verbose_name
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_fen__gt=0), name="receipt_positive")
        ]

    def __str__(self) -> str:
        return self.number


class Refund(models.Model):
    contribution = models.ForeignKey(Contribution, on_delete=models.PROTECT, related_name="refunds")
    amount_fen = models.BigIntegerField(validators=[MinValueValidator(1)])
    entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, related_name="refund")
    reason = models.CharField(max_length=200, validators=[validate_no_script])
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("退款")
        verbose_name_plural = verbose_name
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_fen__gt=0), name="refund_positive")
        ]

    def __str__(self) -> str:
        return _("退款 %(amount_fen)s") % {"amount_fen": self.amount_fen}


class BotContract(models.Model):
    """建设-经营-转让: a company builds and runs a facility, then hands it over."""

    project = models.OneToOneField(
        "projects.Project", on_delete=models.PROTECT, related_name="bot_contract"
    )
    operator = models.CharField(
        gettext_lazy("建设运营方"), max_length=80, validators=[validate_no_script]
    )
    construction_cost_fen = models.BigIntegerField(
        gettext_lazy("建设投资（分）"), validators=[MinValueValidator(1)]
    )
    annual_operating_cost_fen = models.BigIntegerField(
        gettext_lazy("年运营成本（分）"), default=0, validators=[MinValueValidator(0)]
    )
    start_date = models.DateField(gettext_lazy("运营开始日期"))
    recovery_years = models.PositiveSmallIntegerField(gettext_lazy("成本回收期（年）"), default=5)
    sharing_years = models.PositiveSmallIntegerField(gettext_lazy("利润分成期（年）"), default=5)
    owners_share_percent = models.DecimalField(
        gettext_lazy("业委会分成比例（%）"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    transfers = models.CharField(
        gettext_lazy("转让内容"), max_length=200, validators=[validate_no_script]
    )
    maintenance_priority = models.CharField(
        gettext_lazy("转让后维护安排"), max_length=200, blank=True, validators=[validate_no_script]
    )

    class Meta:
        verbose_name = gettext_lazy("BOT合同")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.project} · BOT"

    @property
    def committee_id(self) -> int:
        return self.project.committee_id


class BotFee(models.Model):
    contract = models.ForeignKey(BotContract, on_delete=models.CASCADE, related_name="fees")
    name = models.CharField(
        gettext_lazy("收费项目"), max_length=40, validators=[validate_no_script]
    )
    unit = models.CharField(
        gettext_lazy("计费单位"), max_length=20, validators=[validate_no_script]
    )
    price_fen = models.BigIntegerField(
        gettext_lazy("单价（分）"), validators=[MinValueValidator(0)]
    )
    assumed_units_per_year = models.PositiveIntegerField(gettext_lazy("预计年使用量"))

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class BotRevenue(models.Model):
    contract = models.ForeignKey(BotContract, on_delete=models.CASCADE, related_name="revenues")
    year = models.PositiveSmallIntegerField(
        gettext_lazy("合同年度"), validators=[MinValueValidator(1)]
    )
    revenue_fen = models.BigIntegerField(
        gettext_lazy("实际收入（分）"), validators=[MinValueValidator(0)]
    )
    cost_fen = models.BigIntegerField(
        gettext_lazy("实际运营成本（分）"), default=0, validators=[MinValueValidator(0)]
    )
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "year"], name="uniq_bot_revenue_year")
        ]

    def __str__(self) -> str:
        return _("第%(year)s年") % {"year": self.year}
