"""Notice endpoints (/api/notices/): publish, extend, withdraw, close; objections and answers."""

from __future__ import annotations

import datetime

from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from linli.core.actions import service_args
from linli.core.permissions import get_visible, require
from linli.notices import selectors, services
from linli.notices.models import Notice, Objection
from linli.places.selectors import committees_visible_to
from linli.projects.selectors import projects_visible_to

router = Router(tags=["公示与异议"])

# Bodies of actions on one notice have defaults, so its scope is checked (404) before the
# body; empty values are refused by the services with a Chinese message.


class NoticeEventOut(Schema):
    kind: str
    label: str
    note: str
    ends_before: datetime.datetime | None
    ends_after: datetime.datetime | None
    at: datetime.datetime


class AttachmentOut(Schema):
    id: int
    name: str


class NoticeOut(Schema):
    id: int
    committee_id: int
    project_id: int | None
    subject_type: str | None
    subject_id: int | None
    kind: str
    kind_label: str
    title: str
    body: str
    status: str
    starts_at: datetime.datetime | None
    ends_at: datetime.datetime | None
    posted_online: bool
    boards: list[str]
    objections: int
    unanswered: int


class NoticeDetailOut(NoticeOut):
    attachments: list[AttachmentOut]
    history: list[NoticeEventOut]


def _out(n: Notice) -> NoticeOut:
    ct = n.subject_type
    return NoticeOut(
        id=n.pk,
        committee_id=n.committee_id,
        project_id=n.project_id,
        subject_type=f"{ct.app_label}.{ct.model}" if ct else None,
        subject_id=n.subject_id,
        kind=n.kind,
        kind_label=n.get_kind_display(),
        title=n.title,
        body=n.body,
        status=n.status,
        starts_at=n.starts_at,
        ends_at=n.ends_at,
        posted_online=n.posted_online,
        boards=n.board_list,
        objections=n.n_objections if hasattr(n, "n_objections") else n.objections.count(),
        unanswered=n.n_unanswered
        if hasattr(n, "n_unanswered")
        else n.objections.filter(responded_at__isnull=True).count(),
    )


def _detail(n: Notice) -> NoticeDetailOut:
    return NoticeDetailOut(
        **_out(n).dict(),
        attachments=[AttachmentOut(id=a.pk, name=a.name) for a in n.attachments.all()],
        history=[
            NoticeEventOut(
                kind=e.kind,
                label=e.get_kind_display(),
                note=e.note,
                ends_before=e.ends_before,
                ends_after=e.ends_after,
                at=e.at,
            )
            for e in n.events.all()
        ],
    )


def _notice(request, notice_id: int) -> Notice:
    notice = get_visible(selectors.notices_visible_to(request.auth), pk=notice_id)
    require(request.auth, "notices.view_notice", notice)
    return notice


@router.get("/", response=list[NoticeOut], summary="我可查看的公示")
def list_notices(
    request,
    status: str | None = None,
    project_id: int | None = None,
    committee_id: int | None = None,
):
    qs = selectors.notices_visible_to(request.auth).select_related("subject_type")
    if status:
        qs = qs.filter(status=status)
    if project_id is not None:
        qs = qs.filter(project_id=project_id)
    if committee_id is not None:
        qs = qs.filter(committee_id=committee_id)
    return [_out(n) for n in qs]


class NoticeIn(Schema):
    committee_id: int
    kind: str
    title: str = Field(..., max_length=100)
    body: str = Field(..., max_length=10000)
    project_id: int | None = None
    subject_type: str | None = Field(None, description="app_label.model，如 deliberation.minutes")
    subject_id: int | None = None
    posted_online: bool = True
    boards: list[str] = []
    publish: bool = False
    days: int | None = None
    starts_at: datetime.datetime | None = None
    ends_at: datetime.datetime | None = None


@router.post("/", response={201: NoticeDetailOut}, summary="创建公示（可立即发布）")
def create_notice(request, payload: NoticeIn):
    user = request.auth
    committee = get_visible(committees_visible_to(user), pk=payload.committee_id)
    project = (
        get_visible(projects_visible_to(user), pk=payload.project_id)
        if payload.project_id
        else None
    )
    args = service_args(
        payload,
        committee=committee,
        project=project,
        subject=selectors.subject_for(user, payload.subject_type, payload.subject_id),
        boards="\n".join(payload.boards),
    )
    del args["subject_type"]
    notice = services.notice_create(actor=user, **args)
    return Status(201, _detail(notice))


@router.get("/{int:notice_id}", response=NoticeDetailOut, summary="公示详情与公示记录")
def get_notice(request, notice_id: int):
    return _detail(_notice(request, notice_id))


class PublishIn(Schema):
    days: int | None = None
    starts_at: datetime.datetime | None = None
    ends_at: datetime.datetime | None = None


@router.post("/{int:notice_id}/publish", response=NoticeDetailOut, summary="发布公示")
def publish(request, notice_id: int, payload: PublishIn):
    notice = services.notice_publish(
        actor=request.auth, notice=_notice(request, notice_id), **payload.dict()
    )
    return _detail(notice)


class ExtendIn(Schema):
    ends_at: datetime.datetime | None = None
    reason: str = Field("", max_length=500)


@router.post("/{int:notice_id}/extend", response=NoticeDetailOut, summary="延长公示期")
def extend(request, notice_id: int, payload: ExtendIn):
    notice = services.notice_extend(
        actor=request.auth, notice=_notice(request, notice_id), **payload.dict()
    )
    return _detail(notice)


class ReasonIn(Schema):
    reason: str = Field("", max_length=500)


@router.post("/{int:notice_id}/withdraw", response=NoticeDetailOut, summary="撤回公示")
def withdraw(request, notice_id: int, payload: ReasonIn):
    notice = services.notice_withdraw(
        actor=request.auth, notice=_notice(request, notice_id), **payload.dict()
    )
    return _detail(notice)


@router.post("/{int:notice_id}/close", response=NoticeDetailOut, summary="公示期满，结束公示")
def close(request, notice_id: int):
    notice = services.notice_close(actor=request.auth, notice=_notice(request, notice_id))
    return _detail(notice)


class ObjectionOut(Schema):
    id: int
    notice_id: int
    author: str
    reason: str
    created_at: datetime.datetime
    attachments: list[AttachmentOut]
    answered: bool
    response: str
    responded_at: datetime.datetime | None


def _objection(o: Objection) -> ObjectionOut:
    return ObjectionOut(
        id=o.pk,
        notice_id=o.notice_id,
        author=o.author.name,
        reason=o.reason,
        created_at=o.created_at,
        attachments=[AttachmentOut(id=a.pk, name=a.name) for a in o.attachments.all()],
        answered=o.answered,
        response=o.response,
        responded_at=o.responded_at,
    )


@router.get(
    "/{int:notice_id}/objections",
    response=list[ObjectionOut],
    summary="异议（管理者看全部，居民看自己的）",
)
def list_objections(request, notice_id: int):
    notice = _notice(request, notice_id)
    qs = selectors.objections_visible_to(request.auth).filter(notice=notice)
    return [_objection(o) for o in qs.prefetch_related("attachments")]


@router.post(
    "/{int:notice_id}/objections",
    response={201: ObjectionOut},
    summary="提出异议（multipart：reason，可附 files：图片或PDF）",
)
def lodge_objection(
    request,
    notice_id: int,
    reason: Form[str] = "",
    files: File[list[UploadedFile]] = None,
):
    notice = _notice(request, notice_id)
    objection = services.objection_lodge(
        actor=request.auth, notice=notice, reason=reason, attachments=files or []
    )
    return Status(201, _objection(objection))


class ObjectionResponseIn(Schema):
    response: str = Field("", max_length=4000)


@router.post(
    "/{int:notice_id}/objections/{int:objection_id}/respond",
    response=ObjectionOut,
    summary="答复异议",
)
def respond(request, notice_id: int, objection_id: int, payload: ObjectionResponseIn):
    notice = _notice(request, notice_id)
    objection = get_visible(
        selectors.objections_visible_to(request.auth).filter(notice=notice), pk=objection_id
    )
    return _objection(
        services.objection_respond(actor=request.auth, objection=objection, **payload.dict())
    )
