"""Surveys (问卷调查): questions with simple skip logic, responses per resident or household."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from linli.core.validators import validate_no_script

SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 2000


class Survey(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        OPEN = "open", "收集中"
        CLOSED = "closed", "已结束"

    class Scope(models.TextChoices):
        COMMITTEE = "committee", "全居委会"
        COMPOUND = "compound", "一个小区"
        BUILDING = "building", "一栋楼"

    class Unit(models.TextChoices):
        RESIDENT = "resident", "每位居民一份"
        HOUSEHOLD = "household", "每户一份"

    committee = models.ForeignKey(
        "places.Committee", verbose_name="居委会", on_delete=models.PROTECT, related_name="surveys"
    )
    title = models.CharField("问卷标题", max_length=100, validators=[validate_no_script])
    description = models.TextField(
        "说明", blank=True, max_length=2000, validators=[validate_no_script]
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    scope = models.CharField(
        "调查范围", max_length=10, choices=Scope.choices, default=Scope.COMMITTEE
    )
    compound = models.ForeignKey(
        "places.Compound",
        verbose_name="小区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    building = models.ForeignKey(
        "places.Building",
        verbose_name="楼栋",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit = models.CharField("填答单位", max_length=10, choices=Unit.choices, default=Unit.RESIDENT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "问卷"
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(scope="committee", compound__isnull=True, building__isnull=True)
                    | Q(scope="compound", compound__isnull=False, building__isnull=True)
                    | Q(scope="building", building__isnull=False, compound__isnull=True)
                ),
                name="survey_scope_target",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def scope_label(self) -> str:
        if self.scope == self.Scope.COMPOUND and self.compound:
            return self.compound.name
        if self.scope == self.Scope.BUILDING and self.building:
            return f"{self.building.compound.name}{self.building.number}"
        return self.committee.name


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", "单选题"
        MULTIPLE = "multiple", "多选题"
        RATING = "rating", "评分题（1–5分）"
        RANKING = "ranking", "排序题"
        MATRIX = "matrix", "矩阵题"
        SHORT = "short", "填空题"
        LONG = "long", "问答题"

    CHOICE_KINDS = ("single", "multiple", "ranking", "matrix")

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField("题号")
    kind = models.CharField("题型", max_length=10, choices=Kind.choices)
    text = models.CharField("题目", max_length=200, validators=[validate_no_script])
    required = models.BooleanField("必答", default=True)
    options = models.JSONField("选项", default=list, blank=True)
    rows = models.JSONField("矩阵行", default=list, blank=True)
    # single choice only: {option: position to jump to}
    skip = models.JSONField("跳题规则", default=dict, blank=True)

    class Meta:
        verbose_name = "题目"
        verbose_name_plural = verbose_name
        ordering = ["survey", "position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "position"], name="uniq_question_position")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"


class Response(models.Model):
    class Channel(models.TextChoices):
        ONLINE = "online", "线上填写"
        PAPER = "paper", "纸质问卷录入"

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    # "person:<id>", "user:<id>" or "household:<id>": one response each, enforced by the DB
    respondent_key = models.CharField("填答人标识", max_length=40)
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    person = models.ForeignKey(
        "places.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "places.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="survey_responses",
    )
    building = models.ForeignKey(
        "places.Building", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    birth_year = models.PositiveSmallIntegerField("出生年份", null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField("提交时间")

    class Meta:
        verbose_name = "答卷"
        verbose_name_plural = verbose_name
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "respondent_key"], name="uniq_survey_respondent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}#{self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.JSONField("答案")

    class Meta:
        verbose_name = "答案"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="uniq_answer")]

    def __str__(self) -> str:
        return f"{self.response_id}/{self.question_id}"
