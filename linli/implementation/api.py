"""Implementation and O&M endpoints (/api/implementation/): the same services, selectors and
predicates as the pages. Amounts are integer fen. Photo uploads are multipart."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from linli.core.actions import service_args
from linli.core.permissions import get_visible, get_visible_or_none, require
from linli.implementation import selectors, services
from linli.implementation.models import (
    Instalment,
    PatrolRecord,
    PatrolSite,
    Ticket,
    WorkingGroupMember,
)

router = Router(tags=["实施与运维"])


def _project(request, project_id: int):
    project = get_visible(selectors.projects_visible_to(request.auth), pk=project_id)
    require(request.auth, "implementation.view_project", project)
    return project


def _user_by_id(user_id: int):
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    from linli.core.errors import ServiceError

    if user is None:
        raise ServiceError(_("用户不存在"), code="user")
    return user


# ---------------------------------------------------------------- overview


class ImplMilestoneOut(Schema):
    id: int
    title: str
    planned_start: datetime.date
    planned_end: datetime.date
    actual_start: datetime.date | None
    actual_end: datetime.date | None
    done: bool


class ImplMemberOut(Schema):
    id: int
    user_id: int
    name: str
    role: str
    role_label: str


class ImplGuardOut(Schema):
    key: str
    title: str
    ok: bool
    message: str


class ImplStatusOut(Schema):
    project_id: int
    stage: str
    working_group: list[ImplMemberOut]
    milestones: list[ImplMilestoneOut]
    required_parties: list[str]
    signed_parties: list[str]
    open_defects: int
    arrangement: str | None
    checklist: list[ImplGuardOut]


def _milestone(m) -> ImplMilestoneOut:
    return ImplMilestoneOut(
        id=m.pk,
        title=m.title,
        planned_start=m.planned_start,
        planned_end=m.planned_end,
        actual_start=m.actual_start,
        actual_end=m.actual_end,
        done=m.done,
    )


@router.get("/projects/{int:project_id}", response=ImplStatusOut, summary="项目实施与验收概况")
def project_status(request, project_id: int):
    from linli.implementation.models import Arrangement, Defect
    from linli.projects.registry import checklist

    project = _project(request, project_id)
    arr = Arrangement.objects.filter(project=project).first()
    return ImplStatusOut(
        project_id=project.pk,
        stage=project.stage,
        working_group=[
            ImplMemberOut(
                id=m.pk,
                user_id=m.user_id,
                name=m.user.name,
                role=m.role,
                role_label=m.get_role_display(),
            )
            for m in WorkingGroupMember.objects.filter(project=project).select_related("user")
        ],
        milestones=[_milestone(m) for m in project.milestones.all()],
        required_parties=services.required_parties(project),
        signed_parties=sorted(selectors.signoffs_of(project)),
        open_defects=Defect.objects.filter(review__project=project, closed_at__isnull=True).count(),
        arrangement=str(arr) if arr else None,
        checklist=[
            ImplGuardOut(key=g.key, title=str(g.title), ok=r.ok, message=r.message)
            for g, r in checklist(project)
        ],
    )


# ---------------------------------------------------------------- working group


class ImplMemberIn(Schema):
    user_id: int
    role: str
    note: str = Field("", max_length=100)


@router.post(
    "/projects/{int:project_id}/group", response={201: ImplMemberOut}, summary="添加工作组成员"
)
def group_add(request, project_id: int, payload: ImplMemberIn):
    project = _project(request, project_id)
    m = services.group_add(
        actor=request.auth,
        project=project,
        **service_args(payload, user=_user_by_id(payload.user_id)),
    )
    return Status(
        201,
        ImplMemberOut(
            id=m.pk,
            user_id=m.user_id,
            name=m.user.name,
            role=m.role,
            role_label=m.get_role_display(),
        ),
    )


# ---------------------------------------------------------------- companies and procurement


class ImplCompanyOut(Schema):
    id: int
    street_id: int
    name: str
    builds: bool
    manages: bool
    active: bool


class ImplCompanyIn(Schema):
    street_id: int
    name: str = Field(..., max_length=80)
    builds: bool = False
    manages: bool = False
    credit_code: str = Field("", max_length=18)
    qualification: str = Field("", max_length=200)
    contact: str = Field("", max_length=60)


def _company(c) -> ImplCompanyOut:
    return ImplCompanyOut(
        id=c.pk,
        street_id=c.street_id,
        name=c.name,
        builds=c.builds,
        manages=c.manages,
        active=c.active,
    )


@router.get("/companies", response=list[ImplCompanyOut], summary="街道具备资质的企业名单")
def companies(request):
    return [_company(c) for c in selectors.companies_visible_to(request.auth)]


@router.post("/companies", response={201: ImplCompanyOut}, summary="登记具备资质的企业（街道）")
def company_add(request, payload: ImplCompanyIn):
    from linli.accounts.scopes import scopes_for
    from linli.places.models import Street

    street = get_visible(
        Street.objects.filter(pk__in=scopes_for(request.auth).managed_street_ids),
        pk=payload.street_id,
    )
    data = payload.dict()
    data.pop("street_id")
    return Status(201, _company(services.company_add(actor=request.auth, street=street, **data)))


class ImplQuoteOut(Schema):
    id: int
    company_id: int
    company: str
    amount_fen: int
    note: str


class ImplProcurementOut(Schema):
    id: int
    project_id: int
    title: str
    method: str
    budget_fen: int
    status: str
    quotes: list[ImplQuoteOut]
    chosen_id: int | None
    reason: str
    meeting_id: int | None
    vote_id: int | None


def _procurement_out(p) -> ImplProcurementOut:
    return ImplProcurementOut(
        id=p.pk,
        project_id=p.project_id,
        title=p.title,
        method=p.method,
        budget_fen=p.budget_fen,
        status=p.status,
        quotes=[
            ImplQuoteOut(
                id=q.pk,
                company_id=q.company_id,
                company=q.company.name,
                amount_fen=q.amount_fen,
                note=q.note,
            )
            for q in p.quotes.select_related("company")
        ],
        chosen_id=p.chosen_id,
        reason=p.reason,
        meeting_id=p.meeting_id,
        vote_id=p.vote_id,
    )


class ImplProcurementIn(Schema):
    title: str = Field(..., max_length=80)
    method: str
    budget_fen: int


@router.get(
    "/projects/{int:project_id}/procurements",
    response=list[ImplProcurementOut],
    summary="项目的采购",
)
def procurements(request, project_id: int):
    project = _project(request, project_id)
    qs = selectors.procurements_visible_to(request.auth).filter(project=project)
    return [_procurement_out(p) for p in qs.prefetch_related("quotes__company")]


@router.post(
    "/projects/{int:project_id}/procurements",
    response={201: ImplProcurementOut},
    summary="登记采购",
)
def procurement_create(request, project_id: int, payload: ImplProcurementIn):
    project = _project(request, project_id)
    p = services.procurement_create(actor=request.auth, project=project, **payload.dict())
    return Status(201, _procurement_out(p))


def _procurement(request, procurement_id):
    return get_visible(selectors.procurements_visible_to(request.auth), pk=procurement_id)


class ImplQuoteIn(Schema):
    company_id: int = 0
    amount_fen: int = 0
    note: str = Field("", max_length=200)


@router.post(
    "/procurements/{int:procurement_id}/quotes", response={201: ImplQuoteOut}, summary="登记报价"
)
def quote_add(request, procurement_id: int, payload: ImplQuoteIn):
    from linli.implementation.models import QualifiedCompany

    procurement = _procurement(request, procurement_id)
    company = QualifiedCompany.objects.filter(pk=payload.company_id).first()
    q = services.quote_add(
        actor=request.auth, procurement=procurement, **service_args(payload, company=company)
    )
    return Status(
        201,
        ImplQuoteOut(
            id=q.pk,
            company_id=q.company_id,
            company=q.company.name,
            amount_fen=q.amount_fen,
            note=q.note,
        ),
    )


class ImplDecideIn(Schema):
    quote_id: int = 0
    reason: str = Field("", max_length=2000)
    meeting_id: int | None = None
    vote_id: int | None = None


@router.post(
    "/procurements/{int:procurement_id}/decide",
    response=ImplProcurementOut,
    summary="确定采购结果（关联本项目的会议或表决）",
)
def procurement_decide(request, procurement_id: int, payload: ImplDecideIn):
    from linli.deliberation.models import Meeting
    from linli.voting.models import Vote

    procurement = _procurement(request, procurement_id)
    project = procurement.project
    p = services.procurement_decide(
        actor=request.auth,
        procurement=procurement,
        **service_args(
            payload,
            quote=procurement.quotes.filter(pk=payload.quote_id).first(),
            meeting=get_visible_or_none(
                Meeting.objects.filter(project=project), payload.meeting_id
            ),
            vote=get_visible_or_none(Vote.objects.filter(project=project), payload.vote_id),
        ),
    )
    return _procurement_out(p)


# ---------------------------------------------------------------- contracts


class ImplContractOut(Schema):
    id: int
    project_id: int
    title: str
    party: str
    amount_fen: int
    ceiling_fen: int
    paid_fen: int
    signed_on: datetime.date


def _contract_out(c) -> ImplContractOut:
    return ImplContractOut(
        id=c.pk,
        project_id=c.project_id,
        title=c.title,
        party=c.party,
        amount_fen=c.amount_fen,
        ceiling_fen=services.contract_ceiling_fen(c),
        paid_fen=services.contract_paid_fen(c),
        signed_on=c.signed_on,
    )


class ImplContractIn(Schema):
    title: str = Field(..., max_length=80)
    party: str = Field("", max_length=80)
    amount_fen: int | None = None
    signed_on: datetime.date
    procurement_id: int | None = None


@router.post(
    "/projects/{int:project_id}/contracts", response={201: ImplContractOut}, summary="登记合同"
)
def contract_create(request, project_id: int, payload: ImplContractIn):
    project = _project(request, project_id)
    procurement = get_visible_or_none(
        selectors.procurements_visible_to(request.auth).filter(project=project),
        payload.procurement_id,
    )
    c = services.contract_create(
        actor=request.auth, project=project, **service_args(payload, procurement=procurement)
    )
    return Status(201, _contract_out(c))


def _contract(request, contract_id):
    return get_visible(selectors.contracts_visible_to(request.auth), pk=contract_id)


@router.get("/contracts/{int:contract_id}", response=ImplContractOut, summary="合同与付款情况")
def contract_get(request, contract_id: int):
    return _contract_out(_contract(request, contract_id))


class ImplInstalmentIn(Schema):
    label: str = Field("", max_length=40)
    due_on: datetime.date | None = None
    amount_fen: int = 0


@router.post(
    "/contracts/{int:contract_id}/instalments",
    response={201: ImplContractOut},
    summary="添加付款计划",
)
def instalment_add(request, contract_id: int, payload: ImplInstalmentIn):
    c = _contract(request, contract_id)
    services.instalment_add(actor=request.auth, contract=c, **payload.dict())
    return Status(201, _contract_out(c))


class ImplChangeIn(Schema):
    reason: str = Field("", max_length=2000)
    delta_fen: int = 0


class ImplChangeOut(Schema):
    id: int
    contract_id: int
    delta_fen: int
    status: str
    reason: str


def _change_out(ch) -> ImplChangeOut:
    return ImplChangeOut(
        id=ch.pk,
        contract_id=ch.contract_id,
        delta_fen=ch.delta_fen,
        status=ch.status,
        reason=ch.reason,
    )


@router.post(
    "/contracts/{int:contract_id}/changes", response={201: ImplChangeOut}, summary="提出合同变更"
)
def change_propose(request, contract_id: int, payload: ImplChangeIn):
    c = _contract(request, contract_id)
    return Status(
        201, _change_out(services.change_propose(actor=request.auth, contract=c, **payload.dict()))
    )


class ImplChangeDecideIn(Schema):
    approve: bool = False
    note: str = Field("", max_length=500)


@router.post(
    "/changes/{int:change_id}/decide", response=ImplChangeOut, summary="工作组审批合同变更"
)
def change_decide(request, change_id: int, payload: ImplChangeDecideIn):
    ch = get_visible(selectors.changes_visible_to(request.auth), pk=change_id)
    return _change_out(services.change_decide(actor=request.auth, change=ch, **payload.dict()))


class ImplPaymentIn(Schema):
    entry_id: int = 0
    instalment_id: int | None = None


class ImplPaymentOut(Schema):
    id: int
    contract_id: int
    entry: str
    amount_fen: int


@router.post(
    "/contracts/{int:contract_id}/payments",
    response={201: ImplPaymentOut},
    summary="登记合同付款（关联本项目账目中的支出凭证）",
)
def payment_link(request, contract_id: int, payload: ImplPaymentIn):
    from linli.funding.models import JournalEntry

    c = _contract(request, contract_id)
    entry = get_visible(JournalEntry.objects.filter(plan__project=c.project), pk=payload.entry_id)
    inst = get_visible_or_none(Instalment.objects.filter(contract=c), payload.instalment_id)
    p = services.payment_link(
        actor=request.auth, contract=c, **service_args(payload, entry=entry, instalment=inst)
    )
    return Status(
        201,
        ImplPaymentOut(id=p.pk, contract_id=c.pk, entry=entry.number, amount_fen=p.amount_fen),
    )


# ---------------------------------------------------------------- schedule and site


class ImplMilestoneIn(Schema):
    title: str = Field(..., max_length=60)
    planned_start: datetime.date
    planned_end: datetime.date


@router.post(
    "/projects/{int:project_id}/milestones",
    response={201: ImplMilestoneOut},
    summary="添加进度节点",
)
def milestone_add(request, project_id: int, payload: ImplMilestoneIn):
    project = _project(request, project_id)
    m = services.milestone_add(actor=request.auth, project=project, **payload.dict())
    return Status(201, _milestone(m))


class ImplProgressIn(Schema):
    actual_start: datetime.date | None = None
    actual_end: datetime.date | None = None


@router.post(
    "/milestones/{int:milestone_id}/progress", response=ImplMilestoneOut, summary="填报实际进度"
)
def milestone_progress(request, milestone_id: int, payload: ImplProgressIn):
    m = get_visible(selectors.milestones_visible_to(request.auth), pk=milestone_id)
    return _milestone(
        services.milestone_progress(actor=request.auth, milestone=m, **payload.dict())
    )


class ImplSiteLogOut(Schema):
    id: int
    date: datetime.date
    work_done: str
    issues: str
    photos: int


@router.post(
    "/projects/{int:project_id}/site-logs",
    response={201: ImplSiteLogOut},
    summary="填写施工日志（multipart：date, work_done, issues, photos）",
)
def site_log_add(
    request,
    project_id: int,
    date: Form[datetime.date],
    work_done: Form[str] = "",
    issues: Form[str] = "",
    photos: File[list[UploadedFile]] = None,
):
    project = _project(request, project_id)
    log = services.site_log_add(
        actor=request.auth,
        project=project,
        date=date,
        work_done=work_done,
        issues=issues,
        photos=photos or [],
    )
    return Status(
        201,
        ImplSiteLogOut(
            id=log.pk,
            date=log.date,
            work_done=log.work_done,
            issues=log.issues,
            photos=log.photos.count(),
        ),
    )


class ImplFeedbackIn(Schema):
    text: str = Field("", max_length=1000)
    channel: str = "page"


class ImplFeedbackOut(Schema):
    id: int
    text: str
    channel: str
    answer: str
    answered_at: datetime.datetime | None


def _fb(f) -> ImplFeedbackOut:
    return ImplFeedbackOut(
        id=f.pk, text=f.text, channel=f.channel, answer=f.answer, answered_at=f.answered_at
    )


@router.get(
    "/projects/{int:project_id}/feedback", response=list[ImplFeedbackOut], summary="施工期间意见"
)
def feedback_list(request, project_id: int):
    project = _project(request, project_id)
    return [_fb(f) for f in selectors.feedback_visible_to(request.auth).filter(project=project)]


@router.post(
    "/projects/{int:project_id}/feedback", response={201: ImplFeedbackOut}, summary="提出意见"
)
def feedback_submit(request, project_id: int, payload: ImplFeedbackIn):
    project = _project(request, project_id)
    return Status(
        201,
        _fb(services.feedback_submit(actor=request.auth, project=project, **payload.dict())),
    )


class ImplAnswerIn(Schema):
    answer: str = Field("", max_length=1000)


@router.post("/feedback/{int:feedback_id}/answer", response=ImplFeedbackOut, summary="答复意见")
def feedback_answer(request, feedback_id: int, payload: ImplAnswerIn):
    fb = get_visible(selectors.feedback_visible_to(request.auth), pk=feedback_id)
    return _fb(services.feedback_answer(actor=request.auth, feedback=fb, **service_args(payload)))


# ---------------------------------------------------------------- acceptance


class ImplDefectIn(Schema):
    description: str = Field(..., max_length=200)
    deadline: datetime.date


class ImplReviewIn(Schema):
    reviewer: str = Field(..., max_length=40)
    organisation: str = Field(..., max_length=80)
    date: datetime.date
    items_checked: str = Field(..., max_length=2000)
    conclusion: str = Field("", max_length=2000)
    defects: list[ImplDefectIn] = []


class ImplDefectOut(Schema):
    id: int
    description: str
    deadline: datetime.date
    closed: bool


class ImplReviewOut(Schema):
    id: int
    reviewer: str
    organisation: str
    date: datetime.date
    defects: list[ImplDefectOut]


def _review_out(r) -> ImplReviewOut:
    return ImplReviewOut(
        id=r.pk,
        reviewer=r.reviewer,
        organisation=r.organisation,
        date=r.date,
        defects=[
            ImplDefectOut(id=d.pk, description=d.description, deadline=d.deadline, closed=d.closed)
            for d in r.defects.all()
        ],
    )


@router.post(
    "/projects/{int:project_id}/reviews", response={201: ImplReviewOut}, summary="登记专业评审"
)
def review_add(request, project_id: int, payload: ImplReviewIn):
    project = _project(request, project_id)
    data = payload.dict()
    defects = [(d["description"], d["deadline"]) for d in data.pop("defects")]
    r = services.review_record(actor=request.auth, project=project, defects=defects, **data)
    return Status(201, _review_out(r))


class ImplCloseIn(Schema):
    note: str = Field("", max_length=500)


@router.post("/defects/{int:defect_id}/close", response=ImplDefectOut, summary="确认整改完成")
def defect_close(request, defect_id: int, payload: ImplCloseIn):
    d = get_visible(selectors.defects_visible_to(request.auth), pk=defect_id)
    d = services.defect_close(actor=request.auth, defect=d, **service_args(payload))
    return ImplDefectOut(id=d.pk, description=d.description, deadline=d.deadline, closed=True)


class ImplSignIn(Schema):
    party: str = ""
    opinion: str = Field("", max_length=500)


class ImplSignOut(Schema):
    id: int
    party: str
    user: str
    signed_at: datetime.datetime


@router.post("/projects/{int:project_id}/signoffs", response={201: ImplSignOut}, summary="签署验收")
def signoff(request, project_id: int, payload: ImplSignIn):
    project = _project(request, project_id)
    s = services.signoff_sign(actor=request.auth, project=project, **payload.dict())
    return Status(201, ImplSignOut(id=s.pk, party=s.party, user=s.user.name, signed_at=s.signed_at))


class ImplWalkIn(Schema):
    date: datetime.date
    participants: int
    opinions: str = Field(..., max_length=2000)
    satisfied: bool = True


@router.post("/projects/{int:project_id}/walks", response={201: dict}, summary="登记居民踏勘验收")
def walk_add(request, project_id: int, payload: ImplWalkIn):
    project = _project(request, project_id)
    w = services.walk_record(actor=request.auth, project=project, **payload.dict())
    return Status(201, {"id": w.pk})


# ---------------------------------------------------------------- O&M


class ImplArrangementIn(Schema):
    kind: str
    keeper: str = Field("", max_length=80)
    team_id: int | None = None
    money: str = Field("", max_length=1000)
    since: datetime.date | None = None


@router.put("/projects/{int:project_id}/arrangement", response=dict, summary="确定运维安排")
def arrangement_set(request, project_id: int, payload: ImplArrangementIn):
    project = _project(request, project_id)
    data = payload.dict()
    team_id = data.pop("team_id")
    team = get_visible(selectors.teams_visible_to(request.auth), pk=team_id) if team_id else None
    arr = services.arrangement_set(actor=request.auth, project=project, team=team, **data)
    return {"id": arr.pk, "kind": arr.kind, "keeper": arr.keeper}


class ImplPatrolOut(Schema):
    id: int
    site_id: int
    date: datetime.date
    shift: str
    at: datetime.datetime
    checked: list[str]
    problem: str
    created: bool


@router.post(
    "/sites/{int:site_id}/patrols",
    response={201: ImplPatrolOut, 200: ImplPatrolOut},
    summary="巡查签到（扫码；同一班次重复签到返回原记录）",
)
def patrol(
    request,
    site_id: int,
    checked: Form[list[str]] = None,
    problem: Form[str] = "",
    photo: File[UploadedFile] = None,
):
    site = get_object_or_404(PatrolSite, pk=site_id)
    record, created = services.patrol_check_in(
        actor=request.auth, site=site, checked=checked or [], problem=problem, photo=photo
    )
    out = ImplPatrolOut(
        id=record.pk,
        site_id=site.pk,
        date=record.date,
        shift=record.shift,
        at=record.at,
        checked=record.checked,
        problem=record.problem,
        created=created,
    )
    return Status(201 if created else 200, out)


@router.get("/teams/{int:team_id}/patrols", response=list[ImplPatrolOut], summary="团队巡查记录")
def patrols(request, team_id: int):
    team = get_visible(selectors.teams_visible_to(request.auth), pk=team_id)
    return [
        ImplPatrolOut(
            id=r.pk,
            site_id=r.site_id,
            date=r.date,
            shift=r.shift,
            at=r.at,
            checked=r.checked,
            problem=r.problem,
            created=False,
        )
        for r in PatrolRecord.objects.filter(site__team=team)[:200]
    ]


class ImplTicketOut(Schema):
    id: int
    project_id: int
    place: str
    description: str
    route: str
    status: str
    created_at: datetime.datetime
    responded_at: datetime.datetime | None
    response_hours: float | None
    resolved_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    confirmed_by_reporter: bool


def _ticket_out(t: Ticket) -> ImplTicketOut:
    return ImplTicketOut(
        id=t.pk,
        project_id=t.project_id,
        place=t.place,
        description=t.description,
        route=t.route,
        status=t.status,
        created_at=t.created_at,
        responded_at=t.responded_at,
        response_hours=t.response_hours,
        resolved_at=t.resolved_at,
        closed_at=t.closed_at,
        confirmed_by_reporter=t.confirmed_by_reporter,
    )


@router.get("/tickets", response=list[ImplTicketOut], summary="我可查看的报修")
def tickets(request, status: str | None = None, project_id: int | None = None):
    qs = selectors.tickets_visible_to(request.auth)
    if status:
        qs = qs.filter(status=status)
    if project_id is not None:
        qs = qs.filter(project_id=project_id)
    return [_ticket_out(t) for t in qs[:200]]


@router.post(
    "/projects/{int:project_id}/tickets",
    response={201: ImplTicketOut},
    summary="报修（multipart：place, description, photo, plan_x, plan_y）",
)
def ticket_report(
    request,
    project_id: int,
    place: Form[str] = "",
    description: Form[str] = "",
    photo: File[UploadedFile] = None,
):
    project = _project(request, project_id)
    t = services.ticket_report(
        actor=request.auth, project=project, place=place, description=description, photo=photo
    )
    return Status(201, _ticket_out(t))


def _ticket(request, ticket_id):
    return get_visible(selectors.tickets_visible_to(request.auth), pk=ticket_id)


class ImplNoteIn(Schema):
    note: str = Field("", max_length=500)


@router.post("/tickets/{int:ticket_id}/respond", response=ImplTicketOut, summary="响应报修")
def ticket_respond(request, ticket_id: int, payload: ImplNoteIn):
    t = _ticket(request, ticket_id)
    return _ticket_out(services.ticket_respond(actor=request.auth, ticket=t, note=payload.note))


@router.post("/tickets/{int:ticket_id}/resolve", response=ImplTicketOut, summary="登记处理结果")
def ticket_resolve(request, ticket_id: int, payload: ImplNoteIn):
    t = _ticket(request, ticket_id)
    return _ticket_out(
        services.ticket_resolve(actor=request.auth, ticket=t, resolution=payload.note)
    )


@router.post(
    "/tickets/{int:ticket_id}/close", response=ImplTicketOut, summary="关闭工单（报修人确认）"
)
def ticket_close(request, ticket_id: int):
    t = _ticket(request, ticket_id)
    return _ticket_out(services.ticket_close(actor=request.auth, ticket=t))


class ImplAdoptionIn(Schema):
    plot: str = Field("", max_length=40)
    household_id: int | None = None
    team_id: int | None = None


@router.post("/projects/{int:project_id}/adoptions", response={201: dict}, summary="认建认养")
def adoption_add(request, project_id: int, payload: ImplAdoptionIn):
    from linli.places.models import Household

    project = _project(request, project_id)
    household = get_visible_or_none(
        Household.objects.filter(flat__building__compound__committee_id=project.committee_id),
        payload.household_id,
    )
    team = get_visible_or_none(selectors.teams_visible_to(request.auth), payload.team_id)
    a = services.adoption_add(
        actor=request.auth, project=project, **service_args(payload, household=household, team=team)
    )
    return Status(201, {"id": a.pk, "plot": a.plot, "household_id": a.household_id})
