"""Process endpoints: the rules a project's next move must meet, its decision, conflicts,
and a district's configuration. Same services, same Chinese refusals as the pages."""

from __future__ import annotations

from datetime import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from linli.accounts.scopes import scopes_for
from linli.core.errors import ScopeError, ServiceError
from linli.core.permissions import get_visible
from linli.process import checks, services
from linli.process.models import Conflict, ProjectDecision
from linli.projects import selectors as project_selectors
from linli.projects.registry import all_guards, checklist

router = Router(tags=["规范流程"])


class RuleOut(Schema):
    key: str
    title: str
    ok: bool
    message: str
    link: str
    who: str


class DecisionOut(Schema):
    body: str
    body_label: str
    record: str
    vote_result_id: int | None
    resolution_id: int | None
    recorded_at: datetime


class ConflictOut(Schema):
    id: int
    cause: str
    cause_label: str
    description: str
    notice_id: int | None
    vote_id: int | None
    opened_at: datetime
    meeting_id: int | None
    resolution: str
    resolved_at: datetime | None


class ProcessOut(Schema):
    project_id: int
    stage: str
    origin: str
    origin_department: str
    owners_rights: str
    decision_body: str
    decision: DecisionOut | None
    next_move: list[RuleOut]
    conflicts: list[ConflictOut]


def _project(request, project_id):
    project = get_visible(project_selectors.projects_visible_to(request.auth), pk=project_id)
    if not request.auth.has_perm("process.view_project", project):
        raise ScopeError(_("您无权查看该项目"))
    return project


def _conflict_out(c: Conflict) -> ConflictOut:
    return ConflictOut(
        id=c.pk,
        cause=c.cause,
        cause_label=c.get_cause_display(),
        description=c.description,
        notice_id=c.notice_id,
        vote_id=c.vote_id,
        opened_at=c.opened_at,
        meeting_id=c.meeting_id,
        resolution=c.resolution,
        resolved_at=c.resolved_at,
    )


def _out(project) -> ProcessOut:
    d = (
        ProjectDecision.objects.filter(project=project)
        .select_related("vote_result__vote", "resolution__minutes__meeting")
        .first()
    )
    return ProcessOut(
        project_id=project.pk,
        stage=project.stage,
        origin=project.origin,
        origin_department=project.origin_department,
        owners_rights=project.owners_rights,
        decision_body=checks.decision_body_label(project),
        decision=DecisionOut(
            body=d.body,
            body_label=d.get_body_display(),
            record=checks.record_label(d),
            vote_result_id=d.vote_result_id,
            resolution_id=d.resolution_id,
            recorded_at=d.recorded_at,
        )
        if d
        else None,
        next_move=[
            RuleOut(
                key=g.key,
                title=str(g.title),
                ok=r.ok,
                message=r.message,
                link=r.link,
                who=r.who,
            )
            for g, r in checklist(project)
        ],
        conflicts=[_conflict_out(c) for c in Conflict.objects.filter(project=project)],
    )


@router.get("/projects/{project_id}", response=ProcessOut, summary="项目的规范流程与下一步规则")
def get_process(request, project_id: int):
    return _out(_project(request, project_id))


class DecisionIn(Schema):
    vote_result_id: int | None = None
    resolution_id: int | None = None


@router.post("/projects/{project_id}/decision", response=ProcessOut, summary="登记决定本项目的记录")
def link_decision(request, project_id: int, payload: DecisionIn):
    from linli.deliberation.models import Resolution
    from linli.voting.models import VoteResult

    project = _project(request, project_id)
    vote_result = resolution = None
    if payload.vote_result_id is not None:
        vote_result = VoteResult.objects.filter(
            pk=payload.vote_result_id, vote__committee_id=project.committee_id
        ).first()
        if vote_result is None:
            raise ServiceError(_("所选表决结果不存在或不属于本居委会"), code="record")
    if payload.resolution_id is not None:
        resolution = Resolution.objects.filter(
            pk=payload.resolution_id, minutes__meeting__committee_id=project.committee_id
        ).first()
        if resolution is None:
            raise ServiceError(_("所选会议决议不存在或不属于本居委会"), code="record")
    services.decision_link(
        actor=request.auth, project=project, vote_result=vote_result, resolution=resolution
    )
    return _out(project)


class ConflictIn(Schema):
    cause: str = Field(..., max_length=20)
    description: str = Field(..., max_length=2000)
    notice_id: int | None = None
    vote_id: int | None = None


@router.post("/projects/{project_id}/conflicts", response={201: ConflictOut}, summary="登记矛盾")
def open_conflict(request, project_id: int, payload: ConflictIn):
    from linli.notices.models import Notice
    from linli.voting.models import Vote

    project = _project(request, project_id)
    notice = vote = None
    if payload.notice_id is not None:
        notice = Notice.objects.filter(pk=payload.notice_id, project=project).first()
        if notice is None:
            raise ServiceError(_("所选公示不属于本项目"), code="notice")
    if payload.vote_id is not None:
        vote = Vote.objects.filter(pk=payload.vote_id, project=project).first()
        if vote is None:
            raise ServiceError(_("所选表决不属于本项目"), code="vote")
    row = services.conflict_open(
        actor=request.auth,
        project=project,
        cause=payload.cause,
        description=payload.description,
        notice=notice,
        vote=vote,
    )
    return Status(201, _conflict_out(row))


class ResolveIn(Schema):
    meeting_id: int
    resolution: str = Field(..., max_length=2000)


@router.post("/conflicts/{conflict_id}/resolve", response=ConflictOut, summary="登记矛盾化解")
def resolve_conflict(request, conflict_id: int, payload: ResolveIn):
    from linli.deliberation.models import Meeting

    conflict = Conflict.objects.filter(pk=conflict_id).first()
    if conflict is None:
        raise Http404
    project = _project(request, conflict.project_id)
    meeting = Meeting.objects.filter(pk=payload.meeting_id, project=project).first()
    if meeting is None:
        raise ServiceError(_("所选会议不属于本项目"), code="meeting")
    row = services.conflict_resolve(
        actor=request.auth, conflict=conflict, meeting=meeting, resolution=payload.resolution
    )
    return _conflict_out(row)


class DistrictRuleOut(Schema):
    key: str
    title: str
    configurable: bool
    on: bool


class DistrictOut(Schema):
    district_id: int
    party_first: bool
    rules: list[DistrictRuleOut]


class DistrictIn(Schema):
    party_first: bool


def _district(request, district_id):
    from linli.places.models import District

    district = District.objects.filter(
        pk=district_id, pk__in=scopes_for(request.auth).managed_district_ids
    ).first()
    if district is None:
        raise Http404
    if not request.auth.has_perm("process.configure_district", district):
        raise ScopeError(_("只有本区的区级管理员可以查看流程配置"))
    return district


def _district_out(district) -> DistrictOut:
    from linli.process.stage import CONFIGURABLE

    on = checks.party_first_required(district.pk)
    return DistrictOut(
        district_id=district.pk,
        party_first=on,
        rules=[
            DistrictRuleOut(
                key=g.key,
                title=str(g.title),
                configurable=g.key in CONFIGURABLE,
                on=on if g.key == "process.party_first" else True,
            )
            for g in all_guards()
        ],
    )


@router.get("/districts/{district_id}", response=DistrictOut, summary="本区的流程规则")
def get_district(request, district_id: int):
    return _district_out(_district(request, district_id))


@router.put("/districts/{district_id}", response=DistrictOut, summary="配置本区的流程规则")
def put_district(request, district_id: int, payload: DistrictIn):
    district = _district(request, district_id)
    services.district_configure(
        actor=request.auth, district=district, party_first=payload.party_first
    )
    return _district_out(district)
