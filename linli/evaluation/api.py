"""Step 6 endpoints (/api/evaluation/): evaluation, audit, conventions, cases.

Handlers scope the lookup (404 outside one's scope) and call the same services as the pages;
the services check the named rules. The case library is readable without login.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from linli.accounts.models import User
from linli.core.actions import service_args
from linli.core.errors import ServiceError
from linli.core.permissions import get_visible, get_visible_or_none, require
from linli.evaluation import selectors, services
from linli.evaluation.models import CRITERIA, Audit, Case, Convention, Evaluation, Finding
from linli.places.models import Building, Compound, Household, MicroSpace
from linli.places.selectors import committees_visible_to

router = Router(tags=["跟踪评议、审计、公约与案例"])


# ---------------------------------------------------------------- schemas


class EvalCriterionOut(Schema):
    criterion: str
    label: str
    average: float | None


class EvalSummaryOut(Schema):
    project_id: int
    status: str
    meeting_id: int | None
    survey_id: int | None
    survey_status: str | None
    completion_notice_id: int | None
    conclusion: str
    scores: int
    online: int
    paper: int
    overall: float | None
    criteria: list[EvalCriterionOut]


class EvalOpenIn(Schema):
    meeting_id: int | None = None


class EvalScoreIn(Schema):
    need: int = 0
    quality: int = 0
    cost: int = 0
    process: int = 0
    upkeep: int = 0
    comment: str = Field("", max_length=1000)


class EvalPaperScoreIn(EvalScoreIn):
    sheet_no: str = Field("", max_length=20)
    participant: str = Field("", max_length=50)


class EvalAssignIn(Schema):
    mobile: str = Field("", max_length=11)
    organisation: str = Field("", max_length=80)


class EvalAssignOut(Schema):
    id: int
    project_id: int
    user_id: int
    organisation: str


class EvalStatusIn(Schema):
    status: str = Field("", max_length=10)


class EvalCloseIn(Schema):
    conclusion: str = Field("", max_length=4000)


class EvalNoticeIn(Schema):
    body: str = Field("", max_length=4000)
    boards: list[str] = []
    days: int = 7


class EvalIdOut(Schema):
    id: int


class AuditFindingOut(Schema):
    id: int
    severity: str
    severity_label: str
    title: str
    text: str
    entry_id: int | None
    response: str
    responded_at: datetime.datetime | None


class AuditOut(Schema):
    project_id: int
    status: str
    status_text: str
    opinion: str
    closed_at: datetime.datetime | None
    findings: list[AuditFindingOut]


class AuditFindingIn(Schema):
    severity: str = Field("", max_length=10)
    title: str = Field("", max_length=100)
    text: str = Field("", max_length=4000)
    entry_id: int | None = None


class AuditResponseIn(Schema):
    response: str = Field("", max_length=4000)


class AuditCloseIn(Schema):
    opinion: str = Field("", max_length=4000)


class AuditEntryOut(Schema):
    id: int
    number: str
    kind: str
    memo: str
    date: datetime.date
    status: str
    attachments: int


class ConventionOut(Schema):
    id: int
    committee_id: int
    project_id: int | None
    title: str
    text: str
    scope: str
    scope_label: str
    version: int
    previous_id: int | None
    status: str
    in_force_from: datetime.date | None
    in_force_to: datetime.date | None
    adopted_meeting_id: int | None
    adopted_vote_id: int | None
    endorsed_households: int
    households_in_scope: int


class ConventionIn(Schema):
    committee_id: int
    title: str = Field(..., max_length=80)
    text: str = Field(..., max_length=10000)
    scope: str = Field(..., max_length=12)
    building_id: int | None = None
    compound_id: int | None = None
    microspace_id: int | None = None
    project_id: int | None = None


class ConventionDiscussIn(Schema):
    note: str = Field("", max_length=1000)


class ConventionAdoptIn(Schema):
    meeting_id: int | None = None
    vote_id: int | None = None
    in_force_from: datetime.date | None = None
    in_force_to: datetime.date | None = None


class ConventionAmendIn(Schema):
    text: str = Field("", max_length=10000)
    change_note: str = Field("", max_length=300)
    title: str = Field("", max_length=80)


class ConventionEndorseOut(Schema):
    household_id: int
    created: bool
    endorsed_households: int
    households_in_scope: int


class ConventionPaperIn(Schema):
    household_ids: list[int] = []


class ConventionPaperOut(Schema):
    added: int
    endorsed_households: int
    households_in_scope: int


class CaseSourceOut(Schema):
    kind: str
    name: str
    amount_fen: int
    received_fen: int


class CaseParticipationOut(Schema):
    label: str
    people: int
    times: int


class CaseStageOut(Schema):
    stage: str
    label: str
    at: datetime.datetime | None


class CaseOut(Schema):
    id: int
    title: str
    street: str
    committee: str
    project_type: str
    project_type_label: str
    year: int | None
    problem: str
    upkeep: str


class CaseDetailOut(CaseOut):
    lessons: str
    timeline: list[CaseStageOut]
    sources: list[CaseSourceOut]
    participation: list[CaseParticipationOut]
    conventions: list[str]
    photos_before: list[str]
    photos_after: list[str]


# ---------------------------------------------------------------- helpers


def _project(request, project_id: int):
    project = get_visible(selectors.projects_for_evaluation(request.auth), pk=project_id)
    require(request.auth, "evaluation.view_evaluation", project)
    return project


def _evaluation(request, project_id: int) -> Evaluation:
    project = _project(request, project_id)
    return get_visible(Evaluation.objects.select_related("project", "survey"), project=project)


def _summary(ev: Evaluation) -> EvalSummaryOut:
    s = selectors.score_summary(ev)
    return EvalSummaryOut(
        project_id=ev.project_id,
        status=ev.status,
        meeting_id=ev.meeting_id,
        survey_id=ev.survey_id,
        survey_status=ev.survey.status if ev.survey_id else None,
        completion_notice_id=ev.completion_notice_id,
        conclusion=ev.conclusion,
        scores=s.n,
        online=s.n_online,
        paper=s.n_paper,
        overall=s.overall,
        criteria=[EvalCriterionOut(criterion=c, label=lab, average=a) for c, lab, a in s.averages],
    )


def _user_by_mobile(mobile: str):
    user = User.objects.filter(mobile=(mobile or "").strip(), is_active=True).first()
    if user is None:
        raise ServiceError(_("找不到该手机号的账号，请先为其开通账号"), code="user")
    return user


def _meeting(project, meeting_id):
    from linli.deliberation.models import Meeting

    return get_visible_or_none(
        Meeting.objects.filter(committee_id=project.committee_id), meeting_id
    )


# ---------------------------------------------------------------- evaluation


@router.get("/projects/{int:project_id}", response=EvalSummaryOut, summary="项目评议概况")
def evaluation_get(request, project_id: int):
    return _summary(_evaluation(request, project_id))


@router.post("/projects/{int:project_id}/open", response={201: EvalSummaryOut}, summary="组织评议")
def evaluation_open(request, project_id: int, payload: EvalOpenIn):
    project = _project(request, project_id)
    ev = services.evaluation_open(
        actor=request.auth,
        project=project,
        **service_args(payload, meeting=_meeting(project, payload.meeting_id)),
    )
    return Status(201, _summary(ev))


@router.post("/projects/{int:project_id}/scores", response={201: EvalIdOut}, summary="线上评分")
def score_submit(request, project_id: int, payload: EvalScoreIn):
    ev = _evaluation(request, project_id)
    data = payload.dict()
    score = services.score_submit(
        actor=request.auth,
        evaluation=ev,
        scores={c: data[c] for c in CRITERIA},
        comment=payload.comment,
    )
    return Status(201, EvalIdOut(id=score.pk))


@router.post(
    "/projects/{int:project_id}/paper-scores", response={201: EvalIdOut}, summary="录入纸质评分表"
)
def score_paper(request, project_id: int, payload: EvalPaperScoreIn):
    ev = _evaluation(request, project_id)
    data = payload.dict()
    score = services.score_enter_paper(
        actor=request.auth,
        evaluation=ev,
        sheet_no=payload.sheet_no,
        participant=payload.participant,
        scores={c: data[c] for c in CRITERIA},
        comment=payload.comment,
    )
    return Status(201, EvalIdOut(id=score.pk))


@router.post(
    "/projects/{int:project_id}/evaluators", response={201: EvalAssignOut}, summary="委托第三方评估"
)
def evaluator_assign(request, project_id: int, payload: EvalAssignIn):
    project = _project(request, project_id)
    a = services.evaluator_assign(
        actor=request.auth,
        project=project,
        user=_user_by_mobile(payload.mobile),
        organisation=payload.organisation,
    )
    return Status(
        201,
        EvalAssignOut(
            id=a.pk, project_id=project.pk, user_id=a.user_id, organisation=a.organisation
        ),
    )


@router.post(
    "/projects/{int:project_id}/survey", response={201: EvalIdOut}, summary="发起满意度调查"
)
def survey_create(request, project_id: int):
    survey = services.satisfaction_survey_create(
        actor=request.auth, evaluation=_evaluation(request, project_id)
    )
    return Status(201, EvalIdOut(id=survey.pk))


@router.post(
    "/projects/{int:project_id}/survey/status",
    response=EvalSummaryOut,
    summary="开启或结束满意度调查",
)
def survey_status(request, project_id: int, payload: EvalStatusIn):
    ev = _evaluation(request, project_id)
    services.satisfaction_survey_set_status(
        actor=request.auth, evaluation=ev, **service_args(payload)
    )
    ev.refresh_from_db()
    return _summary(Evaluation.objects.select_related("survey").get(pk=ev.pk))


@router.get("/projects/{int:project_id}/survey/results", summary="满意度调查结果")
def survey_results(request, project_id: int):
    from linli.surveys.results import survey_results as results

    ev = _evaluation(request, project_id)
    require(request.auth, "evaluation.view_survey_results", ev, _("您无权查看该调查结果"))
    if ev.survey_id is None:
        raise ServiceError(_("该项目尚未发起满意度调查"), code="no_survey", status=404)
    return results(ev.survey)


@router.post("/projects/{int:project_id}/close", response=EvalSummaryOut, summary="完成评议")
def evaluation_close(request, project_id: int, payload: EvalCloseIn):
    ev = services.evaluation_close(
        actor=request.auth, evaluation=_evaluation(request, project_id), **service_args(payload)
    )
    return _summary(Evaluation.objects.select_related("survey").get(pk=ev.pk))


@router.post(
    "/projects/{int:project_id}/completion-notice",
    response={201: EvalIdOut},
    summary="发布完工公示",
)
def completion_notice(request, project_id: int, payload: EvalNoticeIn):
    notice = services.completion_notice_publish(
        actor=request.auth,
        evaluation=_evaluation(request, project_id),
        body=payload.body,
        boards="\n".join(payload.boards),
        days=payload.days,
    )
    return Status(201, EvalIdOut(id=notice.pk))


# ---------------------------------------------------------------- audit


def _audit_project(request, project_id: int):
    project = get_visible(selectors.projects_for_audit(request.auth), pk=project_id)
    require(request.auth, "evaluation.view_audit", project, _("您无权查看该项目的审计"))
    return project


def _audit(request, project_id: int) -> Audit:
    return get_visible(
        Audit.objects.select_related("project"), project=_audit_project(request, project_id)
    )


def _audit_out(audit: Audit) -> AuditOut:
    return AuditOut(
        project_id=audit.project_id,
        status=audit.status,
        status_text=selectors.audit_status_label(audit.project)[1],
        opinion=audit.opinion,
        closed_at=audit.closed_at,
        findings=[
            AuditFindingOut(
                id=f.pk,
                severity=f.severity,
                severity_label=f.get_severity_display(),
                title=f.title,
                text=f.text,
                entry_id=f.entry_id,
                response=f.response,
                responded_at=f.responded_at,
            )
            for f in audit.findings.all()
        ],
    )


@router.get("/projects/{int:project_id}/audit", response=AuditOut, summary="项目审计")
def audit_get(request, project_id: int):
    return _audit_out(_audit(request, project_id))


@router.post(
    "/projects/{int:project_id}/audit/auditors", response={201: EvalAssignOut}, summary="委托审计"
)
def auditor_assign(request, project_id: int, payload: EvalAssignIn):
    project = _audit_project(request, project_id)
    a = services.auditor_assign(
        actor=request.auth,
        project=project,
        user=_user_by_mobile(payload.mobile),
        organisation=payload.organisation,
    )
    return Status(
        201,
        EvalAssignOut(
            id=a.pk, project_id=project.pk, user_id=a.user_id, organisation=a.organisation
        ),
    )


@router.get(
    "/projects/{int:project_id}/audit/entries",
    response=list[AuditEntryOut],
    summary="账目凭证（只读）",
)
def audit_entries(request, project_id: int):
    from django.db.models import Count

    from linli.funding.models import JournalEntry

    project = _audit_project(request, project_id)
    require(request.auth, "evaluation.audit_books", project, _("您无权查阅该项目的账目"))
    rows = (
        JournalEntry.objects.filter(plan__project=project)
        .annotate(n_att=Count("attachments"))
        .order_by("date", "id")
    )
    return [
        AuditEntryOut(
            id=e.pk,
            number=e.number,
            kind=e.kind,
            memo=e.memo,
            date=e.date,
            status=e.status,
            attachments=e.n_att,
        )  # fmt: skip
        for e in rows
    ]


@router.post(
    "/projects/{int:project_id}/audit/findings",
    response={201: AuditFindingOut},
    summary="提出审计发现",
)
def finding_add(request, project_id: int, payload: AuditFindingIn):
    from linli.funding.models import JournalEntry

    audit = _audit(request, project_id)
    entry = get_visible_or_none(
        JournalEntry.objects.filter(plan__project=audit.project), payload.entry_id
    )
    f = services.finding_add(actor=request.auth, audit=audit, **service_args(payload, entry=entry))
    return Status(201, _finding_out(f))


def _finding_out(f: Finding) -> AuditFindingOut:
    return AuditFindingOut(
        id=f.pk, severity=f.severity, severity_label=f.get_severity_display(), title=f.title,
        text=f.text, entry_id=f.entry_id, response=f.response, responded_at=f.responded_at,
    )  # fmt: skip


@router.post(
    "/projects/{int:project_id}/audit/findings/{int:finding_id}/respond",
    response=AuditFindingOut,
    summary="答复审计发现",
)
def finding_respond(request, project_id: int, finding_id: int, payload: AuditResponseIn):
    audit = _audit(request, project_id)
    finding = get_visible(Finding.objects.filter(audit=audit), pk=finding_id)
    return _finding_out(
        services.finding_respond(actor=request.auth, finding=finding, **service_args(payload))
    )


@router.post(
    "/projects/{int:project_id}/audit/close", response=AuditOut, summary="出具审计意见并结束审计"
)
def audit_close(request, project_id: int, payload: AuditCloseIn):
    audit = services.audit_close(
        actor=request.auth, audit=_audit(request, project_id), **service_args(payload)
    )
    return _audit_out(audit)


# ---------------------------------------------------------------- conventions


def _convention(request, convention_id: int) -> Convention:
    c = get_visible(selectors.conventions_visible_to(request.auth), pk=convention_id)
    require(request.auth, "evaluation.view_convention", c)
    return c


def _conv_out(c: Convention) -> ConventionOut:
    done, total = selectors.endorsement_figure(c)
    return ConventionOut(
        id=c.pk, committee_id=c.committee_id, project_id=c.project_id, title=c.title, text=c.text,
        scope=c.scope, scope_label=c.scope_label, version=c.version, previous_id=c.previous_id,
        status=c.status, in_force_from=c.in_force_from, in_force_to=c.in_force_to,
        adopted_meeting_id=c.adopted_meeting_id, adopted_vote_id=c.adopted_vote_id,
        endorsed_households=done, households_in_scope=total,
    )  # fmt: skip


@router.get("/conventions", response=list[ConventionOut], summary="我可查看的公约")
def conventions(request, status: str | None = None):
    qs = selectors.conventions_visible_to(request.auth).order_by("-id")
    if status:
        qs = qs.filter(status=status)
    return [_conv_out(c) for c in qs[:200]]


@router.post("/conventions", response={201: ConventionOut}, summary="起草公约")
def convention_create(request, payload: ConventionIn):
    from linli.projects.selectors import projects_visible_to

    user = request.auth
    committee = get_visible(committees_visible_to(user), pk=payload.committee_id)
    in_compounds = {"compound__committee": committee}
    c = services.convention_draft(
        actor=user,
        **service_args(
            payload,
            committee=committee,
            building=get_visible_or_none(
                Building.objects.filter(**in_compounds), payload.building_id
            ),
            compound=get_visible_or_none(
                Compound.objects.filter(committee=committee), payload.compound_id
            ),
            microspace=get_visible_or_none(
                MicroSpace.objects.filter(**in_compounds), payload.microspace_id
            ),
            project=get_visible_or_none(projects_visible_to(user), payload.project_id),
        ),
    )
    return Status(201, _conv_out(c))


@router.get("/conventions/{int:convention_id}", response=ConventionOut, summary="公约详情")
def convention_get(request, convention_id: int):
    return _conv_out(_convention(request, convention_id))


@router.post("/conventions/{int:convention_id}/discuss", response=ConventionOut, summary="记录讨论")
def convention_discuss(request, convention_id: int, payload: ConventionDiscussIn):
    c = services.convention_discuss(
        actor=request.auth, convention=_convention(request, convention_id), **service_args(payload)
    )
    return _conv_out(c)


@router.post("/conventions/{int:convention_id}/adopt", response=ConventionOut, summary="通过公约")
def convention_adopt(request, convention_id: int, payload: ConventionAdoptIn):
    from linli.deliberation.models import Meeting
    from linli.voting.models import Vote

    c = _convention(request, convention_id)
    in_c = {"committee_id": c.committee_id}
    c = services.convention_adopt(
        actor=request.auth,
        convention=c,
        **service_args(
            payload,
            meeting=get_visible_or_none(Meeting.objects.filter(**in_c), payload.meeting_id),
            vote=get_visible_or_none(Vote.objects.filter(**in_c), payload.vote_id),
        ),
    )
    return _conv_out(c)


@router.post(
    "/conventions/{int:convention_id}/amend",
    response={201: ConventionOut},
    summary="修订（新版本）",
)
def convention_amend(request, convention_id: int, payload: ConventionAmendIn):
    c = services.convention_amend(
        actor=request.auth, convention=_convention(request, convention_id), **service_args(payload)
    )
    return Status(201, _conv_out(c))


@router.post(
    "/conventions/{int:convention_id}/endorse",
    response=ConventionEndorseOut,
    summary="本户签署公约",
)
def convention_endorse(request, convention_id: int):
    c = _convention(request, convention_id)
    e, created = services.endorse_online(actor=request.auth, convention=c)
    done, total = selectors.endorsement_figure(c)
    return ConventionEndorseOut(
        household_id=e.household_id, created=created, endorsed_households=done,
        households_in_scope=total,
    )  # fmt: skip


@router.post(
    "/conventions/{int:convention_id}/paper", response=ConventionPaperOut, summary="录入纸质签署表"
)
def convention_paper(request, convention_id: int, payload: ConventionPaperIn):
    c = _convention(request, convention_id)
    households = list(Household.objects.filter(pk__in=payload.household_ids))
    missing = set(payload.household_ids) - {h.pk for h in households}
    if missing:
        raise ServiceError(_("住户编号%(n)s不存在") % {"n": min(missing)}, code="household")
    added = services.endorse_paper(actor=request.auth, convention=c, households=households)
    done, total = selectors.endorsement_figure(c)
    return ConventionPaperOut(added=added, endorsed_households=done, households_in_scope=total)


# ---------------------------------------------------------------- cases (public)


def _case_out(case: Case) -> dict:
    p = case.project
    return {
        "id": case.pk,
        "title": p.title,
        "street": p.committee.street.name,
        "committee": p.committee.name,
        "project_type": case.project_type,
        "project_type_label": case.get_project_type_display(),
        "year": selectors.case_year(case),
        "problem": case.problem,
        "upkeep": case.upkeep,
    }


@router.get("/cases", response=list[CaseOut], auth=None, summary="案例库（公开）")
def cases(
    request, street_id: int | None = None, project_type: str | None = None, year: int | None = None
):
    qs = selectors.public_cases().order_by("-published_at")
    if street_id is not None:
        qs = qs.filter(project__committee__street_id=street_id)
    if project_type:
        qs = qs.filter(project_type=project_type)
    rows = [_case_out(c) for c in qs[:200]]
    return [r for r in rows if year is None or r["year"] == year]


@router.get("/cases/{int:case_id}", response=CaseDetailOut, auth=None, summary="案例详情（公开）")
def case_get(request, case_id: int):
    from django.urls import reverse

    case = get_visible(selectors.public_cases(), pk=case_id)
    p = case.project
    photos = selectors.photos_of(p)
    return {
        **_case_out(case),
        "lessons": case.lessons,
        "timeline": selectors.stage_dates(p),
        "sources": selectors.money_by_source(p)["sources"],
        "participation": [
            {"label": lab, "people": n, "times": t} for lab, n, t in selectors.participation(p).rows
        ],
        "conventions": [str(c) for c in selectors.case_conventions(p)],
        "photos_before": [reverse("evaluation:photo", args=[x.pk]) for x in photos["before"]],
        "photos_after": [reverse("evaluation:photo", args=[x.pk]) for x in photos["after"]],
    }
