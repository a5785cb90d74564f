"""Meeting endpoints (/api/meetings/): the same services, rules and scoped selectors as the pages."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from linli.core.errors import ScopeError, ServiceError
from linli.core.permissions import get_visible, require
from linli.deliberation import selectors, services
from linli.deliberation.meeting_types import rule_for_kind
from linli.deliberation.models import Meeting, Minutes
from linli.places.models import Building
from linli.places.selectors import committees_visible_to, compounds_visible_to
from linli.projects.selectors import projects_visible_to

router = Router(tags=["议事会议"])

# Bodies of actions on one object have defaults, so the object's scope is checked (404)
# before the body; empty values are refused by the services with a Chinese message.


class AgendaOut(Schema):
    id: int
    position: int
    title: str
    text: str
    project_id: int | None


class QuorumOut(Schema):
    expected: int
    present: int
    observers: int
    needed: int
    met: bool
    rule: str
    message: str


class MeetingOut(Schema):
    id: int
    committee_id: int
    compound_id: int | None
    project_id: int | None
    kind: str
    kind_label: str
    title: str
    convener: str
    acting_convener: bool
    starts_at: datetime.datetime
    location: str
    expected_count: int
    invitee_roles: list[str]
    invitee_building_ids: list[int]
    invited_officials: str
    status: str
    rule: str


class MeetingDetailOut(MeetingOut):
    agenda: list[AgendaOut]
    quorum: QuorumOut


def _quorum(meeting: Meeting) -> QuorumOut:
    q = services.meeting_quorum(meeting)
    return QuorumOut(
        expected=q.expected,
        present=q.present,
        observers=q.observers,
        needed=q.needed,
        met=q.met,
        rule=q.rule_name,
        message=q.message,
    )


def _out(m: Meeting) -> MeetingOut:
    return MeetingOut(
        id=m.pk,
        committee_id=m.committee_id,
        compound_id=m.compound_id,
        project_id=m.project_id,
        kind=m.kind,
        kind_label=m.get_kind_display(),
        title=m.title,
        convener=m.convener,
        acting_convener=m.acting_convener,
        starts_at=m.starts_at,
        location=m.location,
        expected_count=m.expected_count,
        invitee_roles=list(m.invitee_roles or []),
        invitee_building_ids=[b.pk for b in m.invitee_buildings.all()],
        invited_officials=m.invited_officials,
        status=m.status,
        rule=rule_for_kind(m.kind).name,
    )


def _detail(m: Meeting) -> MeetingDetailOut:
    agenda = [
        AgendaOut(id=a.pk, position=a.position, title=a.title, text=a.text, project_id=a.project_id)
        for a in m.agenda.all()
    ]
    return MeetingDetailOut(**_out(m).dict(), agenda=agenda, quorum=_quorum(m))


def _meeting(request, meeting_id: int) -> Meeting:
    meeting = get_visible(selectors.meetings_visible_to(request.auth), pk=meeting_id)
    require(request.auth, "deliberation.view_meeting", meeting)
    return meeting


# --- 四议 (declared first so "siyi" is not read as a meeting id) ------------------------


class SiyiStepOut(Schema):
    step: str
    label: str
    state: str
    meeting_id: int | None
    note: str
    at: datetime.datetime | None


class SiyiIn(Schema):
    step: str = ""
    meeting_id: int | None = None
    note: str = Field("", max_length=2000)


def _siyi(request, project) -> list[SiyiStepOut]:
    return [
        SiyiStepOut(
            step=s["step"],
            label=s["label"],
            state=s["state"],
            meeting_id=s["meeting"].pk if s["meeting"] else None,
            note=s["row"].note if s["row"] else "",
            at=s["row"].at if s["row"] else None,
        )
        for s in selectors.siyi_track(request.auth, project)
    ]


@router.get("/siyi/{int:project_id}", response=list[SiyiStepOut], summary="项目的四议进程")
def get_siyi(request, project_id: int):
    project = get_visible(projects_visible_to(request.auth), pk=project_id)
    return _siyi(request, project)


@router.post("/siyi/{int:project_id}", response={201: list[SiyiStepOut]}, summary="记录四议环节")
def post_siyi(request, project_id: int, payload: SiyiIn):
    project = get_visible(projects_visible_to(request.auth), pk=project_id)
    meeting = (
        get_visible(selectors.meetings_visible_to(request.auth), pk=payload.meeting_id)
        if payload.meeting_id
        else None
    )
    services.siyi_record(
        actor=request.auth,
        project=project,
        meeting=meeting,
        **payload.dict(exclude={"meeting_id"}),
    )
    return Status(201, _siyi(request, project))


# --- meetings ------------------------------------------------------------------------


@router.get("/", response=list[MeetingOut], summary="我可查看的会议")
def list_meetings(request, committee_id: int | None = None, project_id: int | None = None):
    qs = selectors.meetings_visible_to(request.auth).prefetch_related("invitee_buildings")
    if committee_id is not None:
        qs = qs.filter(committee_id=committee_id)
    if project_id is not None:
        qs = qs.filter(project_id=project_id)
    return [_out(m) for m in qs]


class MeetingIn(Schema):
    committee_id: int
    kind: str
    title: str = Field(..., max_length=80)
    convener: str
    starts_at: datetime.datetime
    expected_count: int = Field(..., ge=1, le=100000)
    compound_id: int | None = None
    project_id: int | None = None
    location: str = Field("", max_length=100)
    invitee_roles: list[str] = []
    invitee_building_ids: list[int] = []
    invited_officials: str = Field("", max_length=1000)


@router.post("/", response={201: MeetingDetailOut}, summary="召集会议")
def create_meeting(request, payload: MeetingIn):
    user = request.auth
    committee = get_visible(committees_visible_to(user), pk=payload.committee_id)
    compound = (
        get_visible(compounds_visible_to(user), pk=payload.compound_id)
        if payload.compound_id
        else None
    )
    project = (
        get_visible(projects_visible_to(user), pk=payload.project_id)
        if payload.project_id
        else None
    )
    buildings = list(
        Building.objects.filter(
            pk__in=payload.invitee_building_ids, compound__committee=committee
        ).select_related("compound")
    )
    if len(buildings) != len(set(payload.invitee_building_ids)):
        raise ServiceError(_("所选楼栋不存在或不属于该居委会"))
    meeting = services.meeting_create(
        actor=user,
        committee=committee,
        compound=compound,
        project=project,
        invitee_buildings=buildings,
        **payload.dict(
            exclude={"committee_id", "compound_id", "project_id", "invitee_building_ids"}
        ),
    )
    return Status(201, _detail(meeting))


@router.get("/{int:meeting_id}", response=MeetingDetailOut, summary="会议详情、议程与到会情况")
def get_meeting(request, meeting_id: int):
    return _detail(_meeting(request, meeting_id))


class AgendaIn(Schema):
    title: str = Field("", max_length=120)
    text: str = Field("", max_length=2000)
    project_id: int | None = None
    need_id: int | None = None
    design_option_id: int | None = None


@router.post("/{int:meeting_id}/agenda", response={201: MeetingDetailOut}, summary="添加议题")
def add_agenda(request, meeting_id: int, payload: AgendaIn):
    meeting = _meeting(request, meeting_id)
    project = (
        get_visible(projects_visible_to(request.auth), pk=payload.project_id)
        if payload.project_id
        else None
    )
    from linli.needs.selectors import needs_visible_to
    from linli.planning.models import DesignOption

    need = (
        get_visible(needs_visible_to(request.auth), pk=payload.need_id) if payload.need_id else None
    )
    option = None
    if payload.design_option_id:
        option = get_visible(
            DesignOption.objects.filter(round__project__in=projects_visible_to(request.auth)),
            pk=payload.design_option_id,
        )
    services.agenda_add(
        actor=request.auth,
        meeting=meeting,
        project=project,
        need=need,
        design_option=option,
        **payload.dict(include={"title", "text"}),
    )
    return Status(201, _detail(meeting))


class AttendanceOut(Schema):
    id: int
    name: str
    note: str
    counts: bool
    method: str
    at: datetime.datetime


def _attendance(a) -> AttendanceOut:
    return AttendanceOut(
        id=a.pk, name=a.name, note=a.note, counts=a.counts, method=a.method, at=a.at
    )


class CheckInIn(Schema):
    token: str = Field("", max_length=500)


@router.post("/{int:meeting_id}/checkin", response=AttendanceOut, summary="扫码签到（本人）")
def check_in(request, meeting_id: int, payload: CheckInIn):
    meeting = _meeting(request, meeting_id)
    return _attendance(
        services.meeting_check_in(actor=request.auth, meeting=meeting, token=payload.token)
    )


class SignInIn(Schema):
    name: str = Field("", max_length=50)
    note: str = Field("", max_length=60)
    counts: bool = True


@router.post("/{int:meeting_id}/attendance", response={201: AttendanceOut}, summary="工作人员代签")
def sign_in(request, meeting_id: int, payload: SignInIn):
    meeting = _meeting(request, meeting_id)
    a = services.meeting_sign_in(actor=request.auth, meeting=meeting, **payload.dict())
    return Status(201, _attendance(a))


@router.get("/{int:meeting_id}/attendance", response=list[AttendanceOut], summary="签到名单")
def attendance_list(request, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    if not request.auth.has_perm("deliberation.manage_meeting", meeting):
        raise ScopeError(_("只有会议组织者可以查看签到名单"))
    return [_attendance(a) for a in meeting.attendances.all()]


@router.get("/{int:meeting_id}/quorum", response=QuorumOut, summary="实时到会人数与法定人数")
def quorum(request, meeting_id: int):
    return _quorum(_meeting(request, meeting_id))


@router.post("/{int:meeting_id}/close", response=MeetingDetailOut, summary="结束会议（关闭签到）")
def close(request, meeting_id: int):
    meeting = services.meeting_close(actor=request.auth, meeting=_meeting(request, meeting_id))
    return _detail(meeting)


class PointIO(Schema):
    speaker: str = Field(..., max_length=50)
    point: str = Field(..., max_length=2000)


class ResolutionIn(Schema):
    text: str = Field(..., max_length=2000)
    agree: int | None = Field(None, ge=0)


class ResolutionOut(ResolutionIn):
    passed: bool | None
    outcome: str


class FollowUpIO(Schema):
    action: str = Field(..., max_length=200)
    owner: str = Field(..., max_length=50)
    due: datetime.date | None = None


class MinutesIn(Schema):
    summary: str = Field("", max_length=8000)
    points: list[PointIO] = []
    resolutions: list[ResolutionIn] = []
    follow_ups: list[FollowUpIO] = []


class MinutesOut(Schema):
    status: str
    summary: str
    points: list[PointIO]
    resolutions: list[ResolutionOut]
    follow_ups: list[FollowUpIO]
    approved_at: datetime.datetime | None


def _minutes(m: Minutes) -> MinutesOut:
    return MinutesOut(
        status=m.status,
        summary=m.summary,
        points=[PointIO(speaker=p.speaker, point=p.point) for p in m.points.all()],
        resolutions=[
            ResolutionOut(text=r.text, agree=r.agree, passed=r.passed, outcome=r.outcome)
            for r in m.resolutions.all()
        ],
        follow_ups=[
            FollowUpIO(action=f.action, owner=f.owner, due=f.due) for f in m.follow_ups.all()
        ],
        approved_at=m.approved_at,
    )


@router.get("/{int:meeting_id}/minutes", response=MinutesOut, summary="会议纪要")
def get_minutes(request, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    return _minutes(get_visible(Minutes.objects.filter(meeting=meeting), meeting=meeting))


@router.put(
    "/{int:meeting_id}/minutes", response=MinutesOut, summary="填写或修改会议纪要（审定前）"
)
def put_minutes(request, meeting_id: int, payload: MinutesIn):
    meeting = _meeting(request, meeting_id)
    minutes = services.minutes_save(actor=request.auth, meeting=meeting, **payload.dict())
    return _minutes(minutes)


@router.post("/{int:meeting_id}/minutes/approve", response=MinutesOut, summary="审定会议纪要")
def approve_minutes(request, meeting_id: int):
    meeting = _meeting(request, meeting_id)
    return _minutes(services.minutes_approve(actor=request.auth, meeting=meeting))
