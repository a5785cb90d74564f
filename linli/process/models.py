"""The records of the normative process (seed 003 part 三) that span the step apps.

* :class:`DistrictProcessConfig` — which configurable rules a district asks for (party
  members first, on by default when no row exists);
* :class:`ProjectDecision` — which record decided the project: a passed owners' joint
  decision (a signed vote result) or a passed resolution in the approved minutes of a
  residents' (representatives') meeting. Not a tick box: it points at the record;
* :class:`Conflict` — objections or a failed vote that stop a project, and the coordination
  meeting or hearing that resolved it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy

from linli.core.validators import validate_no_script


class DistrictProcessConfig(models.Model):
    district = models.OneToOneField(
        "places.District",
        verbose_name=gettext_lazy("区"),
        on_delete=models.CASCADE,
        related_name="process_config",
    )
    party_first = models.BooleanField(
        gettext_lazy("党员先知晓、先协商、先统一"),
        default=True,
        help_text=gettext_lazy(
            "开启后，项目离开“方案与决策”前须先召开党员议事会，且早于楼组、居民、业主会议"
        ),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(gettext_lazy("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("区级流程配置")
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.district} 流程配置"


class DecisionBody(models.TextChoices):
    OWNERS = "owners", gettext_lazy("业主共同决定（民法典第278条）")
    RESIDENTS = "residents", gettext_lazy("居民会议决议")
    REPRESENTATIVES = "representatives", gettext_lazy("居民代表会议决议")


class ProjectDecision(models.Model):
    """The record that decided the project (one per project; relinking replaces it)."""

    project = models.OneToOneField(
        "projects.Project",
        verbose_name=gettext_lazy("项目"),
        on_delete=models.CASCADE,
        related_name="decision",
    )
    body = models.CharField(gettext_lazy("决定主体"), max_length=20, choices=DecisionBody.choices)
    vote_result = models.ForeignKey(
        "voting.VoteResult",
        verbose_name=gettext_lazy("业主表决结果"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolution = models.ForeignKey(
        "deliberation.Resolution",
        verbose_name=gettext_lazy("会议决议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(gettext_lazy("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("项目决定")
        verbose_name_plural = verbose_name
        constraints = [
            models.CheckConstraint(
                name="decision_has_one_record",
                condition=(
                    models.Q(vote_result__isnull=False, resolution__isnull=True)
                    | models.Q(vote_result__isnull=True, resolution__isnull=False)
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_body_display()}"

    @property
    def record(self):
        return self.vote_result if self.vote_result_id else self.resolution

    @property
    def subjects(self) -> list:
        """The objects a 公示 of this decision may name as its subject."""
        if self.vote_result_id:
            return [self.vote_result, self.vote_result.vote]
        minutes = self.resolution.minutes
        return [minutes, minutes.meeting]


class ConflictCause(models.TextChoices):
    OBJECTIONS = "objections", gettext_lazy("公示异议")
    FAILED_VOTE = "failed_vote", gettext_lazy("表决未通过")


class Conflict(models.Model):
    """Objections or a failed vote stopped the project; a 矛盾协调会 or 听证会 resolves it."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name=gettext_lazy("项目"),
        on_delete=models.CASCADE,
        related_name="conflicts",
    )
    cause = models.CharField(gettext_lazy("起因"), max_length=20, choices=ConflictCause.choices)
    description = models.TextField(
        gettext_lazy("情况说明"), max_length=2000, validators=[validate_no_script]
    )
    notice = models.ForeignKey(
        "notices.Notice",
        verbose_name=gettext_lazy("引起异议的公示"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    vote = models.ForeignKey(
        "voting.Vote",
        verbose_name=gettext_lazy("未通过的表决"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened_at = models.DateTimeField(gettext_lazy("登记时间"), default=timezone.now)
    meeting = models.ForeignKey(
        "deliberation.Meeting",
        verbose_name=gettext_lazy("化解矛盾的会议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolution = models.TextField(
        gettext_lazy("化解结果"), max_length=2000, blank=True, validators=[validate_no_script]
    )
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(gettext_lazy("化解时间"), null=True, blank=True)

    class Meta:
        verbose_name = gettext_lazy("项目矛盾")
        verbose_name_plural = verbose_name
        ordering = ["-opened_at", "-id"]

    def __str__(self) -> str:
        return f"{self.project} · {self.get_cause_display()}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
