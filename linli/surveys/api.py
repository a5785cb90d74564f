"""Survey endpoints: the same services, rules and scoped selectors as the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Router, Schema, Status

from linli.core.actions import service_args
from linli.core.permissions import get_visible, require
from linli.places.models import Building, Compound
from linli.places.selectors import committees_visible_to
from linli.surveys import selectors, services
from linli.surveys.models import Survey
from linli.surveys.results import survey_results

router = Router(tags=["问卷调查"])


class QuestionOut(Schema):
    id: int
    position: int
    kind: str
    text: str
    required: bool
    options: list[str]
    rows: list[str]
    skip: dict[str, int]


class SurveyOut(Schema):
    id: int
    committee_id: int
    title: str
    description: str
    status: str
    scope: str
    compound_id: int | None
    building_id: int | None
    unit: str
    created_at: datetime
    questions: list[QuestionOut]


def _out(s: Survey) -> SurveyOut:
    return SurveyOut(
        id=s.pk,
        committee_id=s.committee_id,
        title=s.title,
        description=s.description,
        status=s.status,
        scope=s.scope,
        compound_id=s.compound_id,
        building_id=s.building_id,
        unit=s.unit,
        created_at=s.created_at,
        questions=[
            QuestionOut(
                id=q.pk,
                position=q.position,
                kind=q.kind,
                text=q.text,
                required=q.required,
                options=q.options,
                rows=q.rows,
                skip=q.skip,
            )
            for q in s.questions.all()
        ],
    )


def _get(request, pk: int) -> Survey:
    survey = get_visible(selectors.surveys_visible_to(request.auth), pk=pk)
    require(request.auth, "surveys.view_survey", survey)
    return survey


@router.get("/", response=list[SurveyOut], summary="我可查看的问卷")
def list_surveys(request):
    qs = selectors.surveys_visible_to(request.auth).prefetch_related("questions")[:200]
    return [_out(s) for s in qs]


class SurveyIn(Schema):
    committee_id: int
    title: str = Field(..., max_length=100)
    description: str = Field("", max_length=2000)
    scope: str = "committee"
    compound_id: int | None = None
    building_id: int | None = None
    unit: str = "resident"


@router.post("/", response={201: SurveyOut}, summary="新建问卷（草稿）")
def create_survey(request, payload: SurveyIn):
    committee = get_visible(committees_visible_to(request.auth), pk=payload.committee_id)
    compound = (
        get_visible(Compound.objects.filter(committee=committee), pk=payload.compound_id)
        if payload.compound_id
        else None
    )
    building = (
        get_visible(Building.objects.filter(compound__committee=committee), pk=payload.building_id)
        if payload.building_id
        else None
    )
    survey = services.survey_create(
        actor=request.auth,
        **service_args(payload, committee=committee, compound=compound, building=building),
    )
    return Status(201, _out(survey))


@router.get("/{survey_id}", response=SurveyOut, summary="问卷及题目")
def get_survey(request, survey_id: int):
    return _out(_get(request, survey_id))


# Body fields have defaults so that an object outside the caller's scope is a 404 before the
# body is judged; the services refuse empty values with a Chinese message.
class QuestionIn(Schema):
    kind: str = ""
    text: str = Field("", max_length=400)
    required: bool = True
    options: list[str] = Field(default_factory=list, max_length=100)
    rows: list[str] = Field(default_factory=list, max_length=100)
    skip: dict[str, int] = Field(default_factory=dict)


@router.post("/{survey_id}/questions", response={201: QuestionOut}, summary="添加题目")
def add_question(request, survey_id: int, payload: QuestionIn):
    survey = _get(request, survey_id)
    q = services.question_add(actor=request.auth, survey=survey, **payload.dict())
    return Status(201, QuestionOut.from_orm(q))


class SurveyStatusIn(Schema):
    status: str = ""


@router.post("/{survey_id}/status", response=SurveyOut, summary="发布、结束或重新开放")
def set_status(request, survey_id: int, payload: SurveyStatusIn):
    survey = _get(request, survey_id)
    services.survey_set_status(actor=request.auth, survey=survey, **payload.dict())
    return _out(_get(request, survey_id))


class SurveyResponseIn(Schema):
    answers: dict[int, Any] = Field(
        default_factory=dict,
        description="题目 id → 答案：单选 str，多选 list[str]，评分 1–5，排序 list[str]（全部选项），"
        "矩阵 {行: 选项}，文字 str",
    )
    channel: str = "online"
    person_id: int | None = None
    household_id: int | None = None


class ResponseOut(Schema):
    id: int
    channel: str
    submitted_at: datetime


@router.post(
    "/{survey_id}/responses", response={201: ResponseOut}, summary="提交答卷（线上或录入纸质）"
)
def submit_response(request, survey_id: int, payload: SurveyResponseIn):
    survey = _get(request, survey_id)
    person = household = None
    if payload.person_id is not None:
        person = get_visible(selectors.audience_people(survey), pk=payload.person_id)
    if payload.household_id is not None:
        household = get_visible(selectors.audience_households(survey), pk=payload.household_id)
    r = services.response_submit(
        actor=request.auth,
        survey=survey,
        **service_args(payload, person=person, household=household),
    )
    return Status(201, ResponseOut(id=r.pk, channel=r.channel, submitted_at=r.submitted_at))


@router.get(
    "/{survey_id}/results",
    response=dict,
    summary="统计结果（计数、比例、交叉分析、文字聚类、回收率）",
)
def results(request, survey_id: int):
    survey = _get(request, survey_id)
    require(request.auth, "surveys.view_results", survey, "问卷结束后才能查看结果")
    return survey_results(survey)
