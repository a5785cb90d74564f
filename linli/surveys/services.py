"""Business actions on surveys. Each is one transaction and leaves an audit event."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from linli.audit.services import audit_record
from linli.core.errors import ScopeError, ServiceError, ensure
from linli.core.permissions import require
from linli.places.models import Building, Committee, Compound, Household, Person
from linli.surveys import selectors
from linli.surveys.answers import clean_answers
from linli.surveys.models import Answer, Question, Response, Survey
from linli.surveys.selectors import respondent_for_user

MAX_OPTIONS = 30


@transaction.atomic
def survey_create(
    *,
    actor,
    committee: Committee,
    title: str,
    description: str = "",
    scope: str = Survey.Scope.COMMITTEE,
    compound: Compound | None = None,
    building: Building | None = None,
    unit: str = Survey.Unit.RESIDENT,
) -> Survey:
    require(actor, "surveys.create_survey", committee, "您无权在该居委会发起问卷")
    title = " ".join((title or "").split())
    ensure(title, "请填写问卷标题", code="empty")
    ensure(len(title) <= 100, "问卷标题太长：最多 100 个字", code="too_long")
    ensure(scope in Survey.Scope.values, "调查范围不正确")
    ensure(unit in Survey.Unit.values, "填答单位不正确")
    if scope == Survey.Scope.COMPOUND:
        ensure(compound is not None, "请选择小区")
        ensure(compound.committee_id == committee.pk, "所选小区不属于该居委会")
        building = None
    elif scope == Survey.Scope.BUILDING:
        ensure(building is not None, "请选择楼栋")
        ensure(building.compound.committee_id == committee.pk, "所选楼栋不属于该居委会")
        compound = None
    else:
        compound = building = None
    survey = Survey(
        committee=committee,
        title=title,
        description=(description or "").strip(),
        scope=scope,
        compound=compound,
        building=building,
        unit=unit,
        created_by=actor,
    )
    survey.full_clean()
    survey.save()
    audit_record(
        actor=actor,
        action="survey.create",
        obj=survey,
        after={"title": title, "scope": scope, "unit": unit, "committee": committee.pk},
    )
    return survey


def _lines(values: list[str] | str | None) -> list[str]:
    if isinstance(values, str):
        values = values.splitlines()
    return [" ".join(v.split()) for v in (values or []) if v and v.strip()]


@transaction.atomic
def question_add(
    *,
    actor,
    survey: Survey,
    kind: str,
    text: str,
    required: bool = True,
    options: list[str] | str | None = None,
    rows: list[str] | str | None = None,
    skip: dict[str, int] | None = None,
) -> Question:
    """Append a question. ``skip`` (single choice only): {option: number of the question to jump to}."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    require(actor, "surveys.manage_survey", survey, "您无权编辑该问卷")
    ensure(
        survey.status == Survey.Status.DRAFT,
        "问卷已发布，不能再修改题目",
        code="not_draft",
        status=409,
    )
    ensure(kind in Question.Kind.values, "题型不正确")
    text = " ".join((text or "").split())
    ensure(text, "请填写题目", code="empty")
    ensure(len(text) <= 200, "题目太长：最多 200 个字", code="too_long")
    opts = _lines(options) if kind in Question.CHOICE_KINDS else []
    rws = _lines(rows) if kind == Question.Kind.MATRIX else []
    if kind in Question.CHOICE_KINDS:
        ensure(len(opts) >= 2, "请至少填写两个选项（每行一个）", code="options")
        ensure(len(opts) <= MAX_OPTIONS, f"选项最多 {MAX_OPTIONS} 个", code="options")
        ensure(len(set(opts)) == len(opts), "选项不能重复", code="options")
        ensure(all(len(o) <= 100 for o in opts), "每个选项最多 100 个字", code="options")
    if kind == Question.Kind.MATRIX:
        ensure(len(rws) >= 1, "矩阵题请至少填写一行（每行一个）", code="rows")
        ensure(len(set(rws)) == len(rws), "矩阵行不能重复", code="rows")
    position = survey.questions.count() + 1
    skip = {k: int(v) for k, v in (skip or {}).items()}
    if skip:
        ensure(kind == Question.Kind.SINGLE, "只有单选题可以设置跳题", code="skip")
        for option, target in skip.items():
            ensure(option in opts, f"跳题规则中的选项“{option}”不存在", code="skip")
            ensure(target > position + 1, f"跳题只能跳到第{position + 2}题或之后", code="skip")
    question = Question(
        survey=survey,
        position=position,
        kind=kind,
        text=text,
        required=bool(required),
        options=opts,
        rows=rws,
        skip=skip,
    )
    question.full_clean()
    question.save()
    audit_record(
        actor=actor,
        action="survey.question_add",
        obj=question,
        after={"kind": kind, "text": text, "options": opts, "rows": rws, "skip": skip},
    )
    return question


@transaction.atomic
def question_remove(*, actor, question: Question) -> None:
    survey = Survey.objects.select_for_update().get(pk=question.survey_id)
    require(actor, "surveys.manage_survey", survey, "您无权编辑该问卷")
    ensure(
        survey.status == Survey.Status.DRAFT,
        "问卷已发布，不能再修改题目",
        code="not_draft",
        status=409,
    )
    pos = question.position
    audit_record(
        actor=actor, action="survey.question_remove", obj=question, before={"text": question.text}
    )
    question.delete()
    for q in survey.questions.order_by("position"):
        # Later questions move up one place; jump targets follow them.
        skip = {o: (t - 1 if t > pos else t) for o, t in (q.skip or {}).items()}
        skip = {o: t for o, t in skip.items() if t > q.position + (1 if q.position < pos else 0)}
        if q.position > pos:
            q.position -= 1
        q.skip = skip
        q.save(update_fields=["position", "skip"])


@transaction.atomic
def survey_set_status(*, actor, survey: Survey, status: str) -> Survey:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    require(actor, "surveys.manage_survey", survey, "您无权管理该问卷")
    ensure(status in Survey.Status.values, "状态不正确")
    before = survey.status
    allowed = {"draft": {"open"}, "open": {"closed"}, "closed": {"open"}}
    ensure(
        status in allowed[before],
        f"不能从“{survey.get_status_display()}”改为该状态",
        code="transition",
        status=409,
    )
    if status == Survey.Status.OPEN:
        questions = list(survey.questions.all())
        ensure(questions, "问卷还没有题目，不能发布", code="no_questions")
        n = len(questions)
        for q in questions:
            for target in (q.skip or {}).values():
                ensure(
                    int(target) <= n + 1,
                    f"第{q.position}题的跳题目标第{target}题不存在",
                    code="skip",
                )
    survey.status = status
    survey.full_clean()
    survey.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="survey.status",
        obj=survey,
        before={"status": before},
        after={"status": status},
    )
    return survey


def _respondent_for_paper(
    actor, survey: Survey, person: Person | None, household: Household | None
) -> tuple[str, Person | None, Household | None]:
    flats = selectors.paper_flats(actor, survey)
    if survey.unit == Survey.Unit.HOUSEHOLD:
        ensure(household is not None, "请选择填答的住户", code="respondent")
        ensure(
            selectors.audience_households(survey).filter(pk=household.pk).exists(),
            "该住户不在本问卷的调查范围内",
            code="respondent",
        )
        if not flats.filter(pk=household.flat_id).exists():
            raise ScopeError("楼组长只能录入本楼的纸质问卷")
        head = household.residencies.select_related("person").order_by("id").first()
        return f"household:{household.pk}", head.person if head else None, household
    ensure(person is not None, "请选择填答的居民", code="respondent")
    ensure(
        selectors.audience_people(survey).filter(pk=person.pk).exists(),
        "该居民不在本问卷的调查范围内",
        code="respondent",
    )
    household = (
        Household.objects.filter(residencies__person=person, flat__in=flats).order_by("id").first()
    )
    if household is None:
        raise ScopeError("楼组长只能录入本楼的纸质问卷")
    return f"person:{person.pk}", person, household


@transaction.atomic
def response_submit(
    *,
    actor,
    survey: Survey,
    answers: dict[int, Any],
    channel: str = Response.Channel.ONLINE,
    person: Person | None = None,
    household: Household | None = None,
) -> Response:
    """Save one response whole, or nothing.

    Online: the actor answers for themself (or their household). Paper: staff enter a
    questionnaire collected door to door for ``person`` / ``household``. Either way the same
    respondent can answer once: the database's unique (survey, respondent_key) refuses a second
    response, also when two arrive at the same moment.
    """
    survey = Survey.objects.get(pk=survey.pk)
    if not getattr(actor, "is_authenticated", False):
        raise ServiceError("请先登录后再填写问卷", code="login_required", status=401)
    ensure(channel in Response.Channel.values, "填答渠道不正确")
    if not survey.is_open():
        msg = (
            "该问卷已结束，不能再提交"
            if survey.status == Survey.Status.CLOSED
            else "该问卷尚未发布"
        )
        raise ServiceError(msg, code="closed", status=409)
    if channel == Response.Channel.PAPER:
        require(
            actor, "surveys.enter_paper", survey, "只有居委会工作人员和本楼楼组长可以录入纸质问卷"
        )
        key, person, household = _respondent_for_paper(actor, survey, person, household)
    else:
        require(actor, "surveys.answer_survey", survey, "您不在本问卷的调查范围内")
        key, person, household = respondent_for_user(actor, survey)
    questions = list(survey.questions.all())
    raw = {int(k): v for k, v in answers.items()} if answers else {}
    cleaned = clean_answers(questions, raw)
    response = Response(
        survey=survey,
        respondent_key=key,
        channel=channel,
        person=person,
        household=household,
        user=actor if channel == Response.Channel.ONLINE else None,
        building=household.flat.building if household else None,
        birth_year=person.birth_year if person else None,
        entered_by=actor,
        submitted_at=timezone.now(),
    )
    response.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:
        who = "该住户" if survey.unit == Survey.Unit.HOUSEHOLD else "该居民"
        raise ServiceError(
            f"{who}已经提交过本问卷，不能重复提交", code="duplicate", status=409
        ) from None
    Answer.objects.bulk_create(
        [Answer(response=response, question_id=qid, value=value) for qid, value in cleaned.items()]
    )
    audit_record(
        actor=actor,
        action="survey.response_submit",
        obj=response,
        after={"channel": channel, "respondent": key, "answers": len(cleaned)},
    )
    return response
