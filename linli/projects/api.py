"""Project endpoints: scoped list, detail with timeline, create, stage change, notes."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from linli.core.errors import ServiceError
from linli.core.permissions import get_visible
from linli.places.selectors import committees_visible_to
from linli.projects import selectors, services
from linli.projects.models import Project
from linli.projects.stages import allowed_targets

router = Router(tags=["社区规划项目"])


class ProjectEventOut(Schema):
    kind: str
    from_stage: str
    to_stage: str
    note: str
    actor: str
    at: datetime


class ProjectOut(Schema):
    id: int
    title: str
    summary: str
    stage: str
    stage_label: str
    committee_id: int
    committee_name: str
    street_name: str
    created_at: datetime
    allowed_stages: list[str]
    kind: str
    origin: str
    origin_department: str
    owners_rights: str
    need_ids: list[int]


class ProjectDetailOut(ProjectOut):
    timeline: list[ProjectEventOut]


def _out(p: Project) -> ProjectOut:
    return ProjectOut(
        id=p.pk,
        title=p.title,
        summary=p.summary,
        stage=p.stage,
        stage_label=p.get_stage_display(),
        committee_id=p.committee_id,
        committee_name=p.committee.name,
        street_name=p.committee.street.name,
        created_at=p.created_at,
        allowed_stages=allowed_targets(p.stage),
        kind=p.kind,
        origin=p.origin,
        origin_department=p.origin_department,
        owners_rights=p.owners_rights,
        need_ids=[n.pk for n in p.needs.all()],
    )


def _detail(p: Project) -> ProjectDetailOut:
    events = [
        ProjectEventOut(
            kind=e.kind,
            from_stage=e.from_stage,
            to_stage=e.to_stage,
            note=e.note,
            actor=str(e.actor) if e.actor else "系统",
            at=e.at,
        )
        for e in p.events.select_related("actor")
    ]
    return ProjectDetailOut(**_out(p).dict(), timeline=events)


@router.get("/", response=list[ProjectOut], summary="我可查看的项目")
def list_projects(
    request, committee_id: int | None = None, street_id: int | None = None, stage: str | None = None
):
    qs = selectors.projects_visible_to(request.auth)
    if committee_id is not None:
        qs = qs.filter(committee_id=committee_id)
    if street_id is not None:
        qs = qs.filter(committee__street_id=street_id)
    if stage:
        qs = qs.filter(stage=stage)
    return [_out(p) for p in qs]


@router.get("/{project_id}", response=ProjectDetailOut, summary="项目详情与时间线")
def get_project(request, project_id: int):
    return _detail(get_visible(selectors.projects_visible_to(request.auth), pk=project_id))


class ProjectIn(Schema):
    committee_id: int
    title: str = Field(..., max_length=80)
    summary: str = Field("", max_length=4000)
    kind: str = Field("other", max_length=20)
    origin: str = Field("committee", max_length=20)
    origin_department: str = Field("", max_length=80)
    owners_rights: str = Field("none", max_length=20)
    need_ids: list[int] = Field(default_factory=list, max_length=200)


@router.post("/", response={201: ProjectDetailOut}, summary="创建项目")
def create_project(request, payload: ProjectIn):
    committee = get_visible(committees_visible_to(request.auth), pk=payload.committee_id)
    from linli.needs.models import Need

    needs = list(Need.objects.filter(pk__in=payload.need_ids, committee=committee))
    if len(needs) != len(set(payload.need_ids)):
        raise ServiceError(_("所选需求不存在或不属于该居委会"), code="needs")
    project = services.project_create(
        actor=request.auth,
        committee=committee,
        title=payload.title,
        summary=payload.summary,
        kind=payload.kind,
        origin=payload.origin,
        origin_department=payload.origin_department,
        owners_rights=payload.owners_rights,
        needs=needs,
    )
    return Status(201, _detail(project))


class StageIn(Schema):
    to_stage: str
    note: str = Field("", max_length=2000)


@router.post("/{project_id}/stage", response=ProjectDetailOut, summary="变更项目阶段")
def change_stage(request, project_id: int, payload: StageIn):
    project = get_visible(selectors.projects_visible_to(request.auth), pk=project_id)
    project = services.project_change_stage(
        actor=request.auth, project=project, to_stage=payload.to_stage, note=payload.note
    )
    return _detail(project)


class ProjectNoteIn(Schema):
    note: str = Field(..., max_length=2000)


@router.post("/{project_id}/notes", response={201: ProjectDetailOut}, summary="记录项目进展")
def add_note(request, project_id: int, payload: ProjectNoteIn):
    project = get_visible(selectors.projects_visible_to(request.auth), pk=project_id)
    services.project_add_note(actor=request.auth, project=project, note=payload.note)
    return Status(201, _detail(project))
