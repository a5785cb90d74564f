"""Business actions of the process records. Each is one transaction with an audit event."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.services import audit_record
from linli.core.errors import ScopeError, ensure
from linli.process.checks import CONFLICT_MEETINGS, record_problem
from linli.process.models import (
    Conflict,
    ConflictCause,
    DecisionBody,
    DistrictProcessConfig,
    ProjectDecision,
)


def _clean_save(obj) -> None:
    obj.full_clean()
    obj.save()


@transaction.atomic
def decision_link(*, actor, project, vote_result=None, resolution=None) -> ProjectDecision:
    """Record which vote result or meeting resolution decided the project (replaces a link)."""
    from linli.projects.models import Project

    project = Project.objects.select_for_update().get(pk=project.pk)
    if not actor.has_perm("process.link_decision", project):
        raise ScopeError(_("您无权登记该项目的决定"))
    ensure(
        (vote_result is None) != (resolution is None),
        _("请选择一项：业主表决结果或会议决议"),
        code="record",
    )
    problem = record_problem(project, vote_result=vote_result, resolution=resolution)
    ensure(not problem, problem, code="record")
    if vote_result is not None:
        body = DecisionBody.OWNERS
    else:
        body = resolution.minutes.meeting.kind  # residents / representatives
    row = ProjectDecision.objects.select_for_update().filter(project=project).first()
    before = None
    if row is None:
        row = ProjectDecision(project=project)
    else:
        before = {"vote_result": row.vote_result_id, "resolution": row.resolution_id}
    row.body = body
    row.vote_result = vote_result
    row.resolution = resolution
    row.recorded_by = actor
    row.recorded_at = timezone.now()
    _clean_save(row)
    audit_record(
        actor=actor,
        action="process.decision_link",
        obj=project,
        before=before,
        after={
            "body": body,
            "vote_result": vote_result.pk if vote_result else None,
            "resolution": resolution.pk if resolution else None,
        },
    )
    return row


@transaction.atomic
def conflict_open(
    *, actor, project, cause: str, description: str, notice=None, vote=None
) -> Conflict:
    """Record that objections or a failed vote stopped the project."""
    if not actor.has_perm("process.manage_conflicts", project):
        raise ScopeError(_("您无权登记该项目的矛盾"))
    ensure(cause in ConflictCause.values, _("矛盾起因不存在"), code="cause")
    description = (description or "").strip()
    ensure(description, _("请填写情况说明"), code="description")
    ensure(len(description) <= 2000, _("情况说明不能超过2000字"), code="description")
    if cause == ConflictCause.OBJECTIONS:
        ensure(notice is not None, _("因公示异议登记矛盾时须选择引起异议的公示"), code="notice")
        ensure(notice.project_id == project.pk, _("所选公示不属于本项目"), code="notice")
        ensure(
            notice.objections.exists(),
            _("公示《%(title)s》没有收到异议") % {"title": notice.title},
            code="notice",
        )
        vote = None
    else:
        ensure(vote is not None, _("因表决未通过登记矛盾时须选择该表决"), code="vote")
        ensure(vote.project_id == project.pk, _("所选表决不属于本项目"), code="vote")
        result = getattr(vote, "result", None) if vote.status == vote.Status.CLOSED else None
        ensure(
            result is not None and result.passed is False,
            _("表决“%(title)s”没有未通过的结果") % {"title": vote.title},
            code="vote",
        )
        notice = None
    row = Conflict(
        project=project,
        cause=cause,
        description=description,
        notice=notice,
        vote=vote,
        opened_by=actor,
    )
    _clean_save(row)
    audit_record(
        actor=actor,
        action="process.conflict_open",
        obj=project,
        after={
            "conflict": row.pk,
            "cause": cause,
            "notice": notice.pk if notice else None,
            "vote": vote.pk if vote else None,
        },
    )
    return row


@transaction.atomic
def conflict_resolve(*, actor, conflict: Conflict, meeting, resolution: str) -> Conflict:
    """A held 矛盾协调会 / 协调会 / 听证会 on the project resolved the conflict."""
    conflict = Conflict.objects.select_for_update().select_related("project").get(pk=conflict.pk)
    if not actor.has_perm("process.manage_conflicts", conflict.project):
        raise ScopeError(_("您无权登记该项目的矛盾"))
    ensure(conflict.is_open, _("该矛盾已登记化解"), code="resolved", status=409)
    ensure(meeting is not None, _("请选择化解矛盾的会议"), code="meeting")
    ensure(meeting.project_id == conflict.project_id, _("所选会议不属于本项目"), code="meeting")
    ensure(
        meeting.kind in CONFLICT_MEETINGS,
        _("“%(kind)s”不能化解矛盾，应为矛盾协调会、协调会或听证会")
        % {"kind": meeting.get_kind_display()},
        code="meeting",
    )
    minutes = getattr(meeting, "minutes", None)
    ensure(
        meeting.status == meeting.Status.CLOSED
        and minutes is not None
        and minutes.status == minutes.Status.APPROVED,
        _("会议“%(title)s”尚未召开或纪要尚未审定") % {"title": meeting.title},
        code="meeting",
    )
    resolution = (resolution or "").strip()
    ensure(resolution, _("请填写化解结果"), code="resolution")
    ensure(len(resolution) <= 2000, _("化解结果不能超过2000字"), code="resolution")
    conflict.meeting = meeting
    conflict.resolution = resolution
    conflict.resolved_by = actor
    conflict.resolved_at = timezone.now()
    _clean_save(conflict)
    audit_record(
        actor=actor,
        action="process.conflict_resolve",
        obj=conflict.project,
        after={"conflict": conflict.pk, "meeting": meeting.pk, "resolution": resolution},
    )
    return conflict


@transaction.atomic
def district_configure(*, actor, district, party_first: bool) -> DistrictProcessConfig:
    """A district administrator switches 'party members first' on or off for the district."""
    if not actor.has_perm("process.configure_district", district):
        raise ScopeError(_("只有本区的区级管理员可以配置流程规则"))
    ensure(isinstance(party_first, bool), _("配置值应为开启或关闭"))
    row, _created = DistrictProcessConfig.objects.select_for_update().get_or_create(
        district=district
    )
    before = {"party_first": row.party_first}
    row.party_first = party_first
    row.updated_by = actor
    row.updated_at = timezone.now()
    _clean_save(row)
    audit_record(
        actor=actor,
        action="process.configure",
        obj=district,
        before=before,
        after={"party_first": party_first},
    )
    return row
