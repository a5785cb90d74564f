"""Step 6 actions: one transaction each, permission first, an audit event for every change."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.services import audit_record
from linli.core.errors import ScopeError, ServiceError, ensure
from linli.evaluation import selectors
from linli.evaluation.models import (
    CRITERIA,
    Audit,
    AuditorAssignment,
    Case,
    Channel,
    Convention,
    Criterion,
    Endorsement,
    Evaluation,
    EvaluatorAssignment,
    Finding,
    ProjectPhoto,
    ProjectType,
    Score,
    Severity,
)
from linli.evaluation.rules import forget_assignments
from linli.projects.models import Stage

EVALUATION_MEETING_KINDS = ("evaluation", "acceptance")
EVALUATION_STAGES = (Stage.ACCEPTANCE, Stage.EVALUATION)
MAX_ENDORSE_BATCH = 500

# The standard satisfaction questionnaire (每户一份); staff may add questions while it is a draft.
SATISFACTION_QUESTIONS = [
    ("rating", "您对改造后的整体效果是否满意？"),
    ("rating", "改造是否解决了您家原来遇到的问题？"),
    ("rating", "您对施工期间的组织和文明施工是否满意？"),
    ("rating", "您对建成后的日常管理和维护是否满意？"),
    ("single", "您是否愿意参与后续的维护或志愿服务？", ["愿意", "视情况", "不愿意"]),
    ("short", "您还有什么意见或建议？"),
]


def _clean_save(obj, **kwargs) -> None:
    obj.full_clean(**kwargs)
    obj.save()


def _text(value, label: str, max_len: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required:
        ensure(value, _("请填写%(label)s") % {"label": label}, code="required")
    ensure(
        len(value) <= max_len,
        _("%(label)s不能超过%(max_len)s字") % {"label": label, "max_len": max_len},
        code="too_long",
    )
    return value


def _scores(scores: dict) -> dict[str, int]:
    """Scores per criterion, each an integer 1–5; every criterion required."""
    cleaned = {}
    for c in CRITERIA:
        raw = (scores or {}).get(c)
        try:
            v = int(raw)
        except (TypeError, ValueError):
            raise ServiceError(
                _("请为“%(label)s”打分（1–5分）") % {"label": Criterion(c).label}, code="score"
            ) from None
        ensure(
            1 <= v <= 5,
            _("“%(label)s”的分数应为1到5分") % {"label": Criterion(c).label},
            code="score",
        )
        cleaned[c] = v
    return cleaned


def _lock_evaluation(evaluation: Evaluation) -> Evaluation:
    return Evaluation.objects.select_for_update().select_related("project").get(pk=evaluation.pk)


# ---------------------------------------------------------------- evaluation 评议


def _check_meeting(project, meeting) -> None:
    if meeting is None:
        return
    ensure(meeting.project_id == project.pk, _("所选会议不属于该项目"), code="meeting")
    ensure(
        meeting.kind in EVALUATION_MEETING_KINDS,
        _("评议应在“评议会”或“验收评估会”上进行，请选择此类会议"),
        code="meeting_kind",
    )


@transaction.atomic
def evaluation_open(*, actor, project, meeting=None) -> Evaluation:
    if not actor.has_perm("evaluation.manage_evaluation", project):
        raise ScopeError(_("您无权为该项目组织评议"))
    ensure(
        project.stage in EVALUATION_STAGES,
        _("项目进入“验收与运维”或“评议”阶段后才能组织评议"),
        code="stage",
        status=409,
    )
    ensure(
        not Evaluation.objects.filter(project=project).exists(),
        _("该项目已有评议"),
        code="exists",
        status=409,
    )
    _check_meeting(project, meeting)
    evaluation = Evaluation(project=project, meeting=meeting, created_by=actor)
    _clean_save(evaluation)
    audit_record(
        actor=actor,
        action="evaluation.open",
        obj=evaluation,
        after={"project": project.pk, "meeting": meeting.pk if meeting else None},
    )
    return evaluation


@transaction.atomic
def evaluation_set_meeting(*, actor, evaluation: Evaluation, meeting) -> Evaluation:
    evaluation = _lock_evaluation(evaluation)
    if not actor.has_perm("evaluation.manage_evaluation", evaluation):
        raise ScopeError(_("您无权修改该评议"))
    ensure(evaluation.is_open, _("评议已完成，不能修改"), code="closed", status=409)
    ensure(meeting is not None, _("请选择评议会"), code="meeting")
    _check_meeting(evaluation.project, meeting)
    before = evaluation.meeting_id
    evaluation.meeting = meeting
    _clean_save(evaluation)
    audit_record(
        actor=actor,
        action="evaluation.meeting",
        obj=evaluation,
        before={"meeting": before},
        after={"meeting": meeting.pk},
    )
    return evaluation


@transaction.atomic
def evaluator_assign(*, actor, project, user, organisation: str) -> EvaluatorAssignment:
    if not actor.has_perm("evaluation.assign_evaluator", project):
        raise ScopeError(_("您无权为该项目委托第三方评估"))
    ensure(
        user is not None and user.is_active, _("找不到该账号，请先为评估人开通账号"), code="user"
    )
    organisation = _text(organisation, _("评估机构名称"), 80)
    ensure(
        not EvaluatorAssignment.objects.filter(project=project, user=user).exists(),
        _("该评估人已受托评估本项目"),
        code="exists",
        status=409,
    )
    assignment = EvaluatorAssignment(
        project=project, user=user, organisation=organisation, assigned_by=actor
    )
    _clean_save(assignment)
    forget_assignments(user)
    audit_record(
        actor=actor,
        action="evaluation.evaluator_assign",
        obj=assignment,
        after={"project": project.pk, "user": user.pk, "organisation": organisation},
    )
    return assignment


@transaction.atomic
def satisfaction_survey_create(*, actor, evaluation: Evaluation, title: str = ""):
    """Create the project's satisfaction survey (surveys app, one questionnaire per household)
    with the standard questions, and link it to the evaluation."""
    from linli.surveys import services as surveys
    from linli.surveys.models import Survey

    evaluation = _lock_evaluation(evaluation)
    if not actor.has_perm("evaluation.manage_evaluation", evaluation):
        raise ScopeError(_("您无权为该项目发起满意度调查"))
    ensure(evaluation.is_open, _("评议已完成，不能再发起调查"), code="closed", status=409)
    ensure(evaluation.survey_id is None, _("该项目已有满意度调查"), code="exists", status=409)
    project = evaluation.project
    compounds = list(project.compounds.all()[:2])
    scope, compound = (
        (Survey.Scope.COMPOUND, compounds[0])
        if len(compounds) == 1
        else (Survey.Scope.COMMITTEE, None)
    )
    survey = surveys.survey_create(
        actor=actor,
        committee=project.committee,
        title=(title or "").strip() or f"{project.title[:80]} 满意度调查",
        description=f"第三方评估：{project.title}。每户填写一份，用于项目评议。",
        scope=scope,
        compound=compound,
        unit=Survey.Unit.HOUSEHOLD,
    )
    for kind, text, *options in SATISFACTION_QUESTIONS:
        surveys.question_add(
            actor=actor,
            survey=survey,
            kind=kind,
            text=text,
            required=kind != "short",
            options=options[0] if options else None,
        )
    evaluation.survey = survey
    _clean_save(evaluation)
    audit_record(
        actor=actor,
        action="evaluation.survey_link",
        obj=evaluation,
        after={"survey": survey.pk},
    )
    return survey


@transaction.atomic
def satisfaction_survey_set_status(*, actor, evaluation: Evaluation, status: str):
    """Open or close the project's satisfaction survey: staff or the project's third-party
    evaluator (who has no other say over the committee's surveys)."""
    from linli.surveys.models import Survey

    evaluation = _lock_evaluation(evaluation)
    if not actor.has_perm("evaluation.run_survey", evaluation):
        raise ScopeError(
            _("只有居委会工作人员和受托的第三方评估人可以开启或结束本项目的满意度调查")
        )
    ensure(
        evaluation.survey_id is not None,
        _("该项目尚未发起满意度调查"),
        code="no_survey",
        status=409,
    )
    survey = Survey.objects.select_for_update().get(pk=evaluation.survey_id)
    allowed = {"draft": {"open"}, "open": {"closed"}, "closed": {"open"}}
    ensure(status in Survey.Status.values, _("状态不正确"))
    ensure(
        evaluation.is_open or status == Survey.Status.CLOSED,
        _("评议已完成，不能重新开启调查"),
        code="closed",
        status=409,
    )
    ensure(
        status in allowed[survey.status],
        _("不能从“%(status)s”改为“%(label)s”")
        % {"status": survey.get_status_display(), "label": Survey.Status(status).label},
        code="transition",
        status=409,
    )
    if status == Survey.Status.OPEN:
        ensure(survey.questions.exists(), _("问卷还没有题目，不能发布"), code="no_questions")
    before = survey.status
    survey.status = status
    survey.full_clean()
    survey.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="survey.status",
        obj=survey,
        before={"status": before},
        after={"status": status, "via": "evaluation", "evaluation": evaluation.pk},
    )
    return survey


def _insert_score(score: Score, message: str) -> Score:
    score.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            score.save()
    except IntegrityError:
        raise ServiceError(message, code="duplicate", status=409) from None
    return score


@transaction.atomic
def score_submit(*, actor, evaluation: Evaluation, scores: dict, comment: str = "") -> Score:
    """A participant scores the project online, once (a DB-unique pair)."""
    ensure(getattr(actor, "is_authenticated", False), _("请先登录后再评分"), status=401)
    evaluation = Evaluation.objects.select_related("project").get(pk=evaluation.pk)
    ensure(evaluation.is_open, _("评议已完成，不能再评分"), code="closed", status=409)
    if not actor.has_perm("evaluation.score_online", evaluation):
        raise ScopeError(_("只有本居委会范围内的居民和相关人员可以参与评分"))
    values = _scores(scores)
    comment = _text(comment, _("意见"), 1000, required=False)
    score = Score(
        evaluation=evaluation,
        channel=Channel.ONLINE,
        user=actor,
        participant=(actor.name or "")[:50],
        comment=comment,
        entered_by=actor,
        **{f"score_{c}": v for c, v in values.items()},
    )
    _insert_score(score, _("您已经为本项目评过分，每人只能评一次"))
    audit_record(
        actor=actor,
        action="evaluation.score",
        obj=score,
        after={"evaluation": evaluation.pk, "channel": "online", **values},
    )
    return score


@transaction.atomic
def score_enter_paper(
    *,
    actor,
    evaluation: Evaluation,
    sheet_no: str,
    participant: str,
    scores: dict,
    comment: str = "",
) -> Score:
    """Staff enter one paper score sheet collected at the evaluation meeting."""
    evaluation = Evaluation.objects.select_related("project").get(pk=evaluation.pk)
    ensure(evaluation.is_open, _("评议已完成，不能再录入评分"), code="closed", status=409)
    if not actor.has_perm("evaluation.enter_paper_scores", evaluation):
        raise ScopeError(_("只有居委会工作人员可以录入纸质评分表"))
    sheet_no = _text(sheet_no, _("评分表编号"), 20)
    participant = _text(participant, _("评分人姓名"), 50)
    values = _scores(scores)
    comment = _text(comment, _("意见"), 1000, required=False)
    score = Score(
        evaluation=evaluation,
        channel=Channel.PAPER,
        sheet_no=sheet_no,
        participant=participant,
        comment=comment,
        entered_by=actor,
        **{f"score_{c}": v for c, v in values.items()},
    )
    _insert_score(score, _("编号为“%(sheet_no)s”的评分表已经录入过") % {"sheet_no": sheet_no})
    audit_record(
        actor=actor,
        action="evaluation.score",
        obj=score,
        after={"evaluation": evaluation.pk, "channel": "paper", "sheet": sheet_no, **values},
    )
    return score


@transaction.atomic
def evaluation_close(*, actor, evaluation: Evaluation, conclusion: str) -> Evaluation:
    from linli.surveys.models import Survey

    evaluation = _lock_evaluation(evaluation)
    if not actor.has_perm("evaluation.manage_evaluation", evaluation):
        raise ScopeError(_("您无权完成该评议"))
    ensure(evaluation.is_open, _("评议已经完成"), code="closed", status=409)
    conclusion = _text(conclusion, _("评议结论"), 4000)
    ensure(
        evaluation.scores.exists(),
        _("尚无任何评分：请先收集评议会上的评分（线上或纸质），再完成评议"),
        code="no_scores",
        status=409,
    )
    if evaluation.survey_id:
        ensure(
            evaluation.survey.status == Survey.Status.CLOSED,
            _("满意度调查仍在进行：请第三方评估人结束调查后再完成评议"),
            code="survey_open",
            status=409,
        )
    evaluation.status = Evaluation.Status.CLOSED
    evaluation.conclusion = conclusion
    evaluation.closed_by = actor
    evaluation.closed_at = timezone.now()
    _clean_save(evaluation)
    summary = selectors.score_summary(evaluation)
    audit_record(
        actor=actor,
        action="evaluation.close",
        obj=evaluation,
        before={"status": "open"},
        after={
            "status": "closed",
            "conclusion": conclusion,
            "scores": summary.n,
            "overall": summary.overall,
        },  # fmt: skip
    )
    return evaluation


# ---------------------------------------------------------------- photos and completion notice


@transaction.atomic
def photo_add(*, actor, project, kind: str, image, caption: str = "") -> ProjectPhoto:
    from linli.needs.images import clean_photo

    if not actor.has_perm("evaluation.manage_photos", project):
        raise ScopeError(_("您无权为该项目上传照片"))
    ensure(kind in ProjectPhoto.Kind.values, _("请选择改造前或改造后"), code="kind")
    ensure(image is not None, _("请选择照片"), code="image")
    caption = _text(caption, _("照片说明"), 100, required=False)
    ensure(
        ProjectPhoto.objects.filter(project=project, kind=kind).count() < 6,
        _("每类照片最多6张"),
        code="too_many",
    )
    clean = clean_photo(image)
    photo = ProjectPhoto(
        project=project,
        kind=kind,
        image=clean.content,
        caption=caption,
        width=clean.width,
        height=clean.height,
        uploaded_by=actor,
    )
    photo.save()
    audit_record(
        actor=actor,
        action="evaluation.photo_add",
        obj=photo,
        after={"project": project.pk, "kind": kind, "caption": caption},
    )
    return photo


def _accounts_text(project) -> str:
    from linli.core.money import fen_to_yuan

    money = selectors.money_by_source(project)
    t = money["t"]
    if t is None:
        return "本项目未设立筹资账目。"
    lines = ["【决算】（只计已入账款项）"]
    lines += [f"收入：{name} {fen_to_yuan(fen)} 元" for name, fen in t.income]
    lines += [f"支出：{name} {fen_to_yuan(fen)} 元" for name, fen in t.spending]
    lines.append(
        f"收入合计 {fen_to_yuan(t.income_total_fen)} 元，支出合计 {fen_to_yuan(t.spending_total_fen)} 元，"
        f"结余 {fen_to_yuan(t.balance_fen)} 元。"
    )
    return "\n".join(lines)


@transaction.atomic
def completion_notice_publish(
    *, actor, evaluation: Evaluation, body: str = "", boards: str = "", days: int = 7
):
    """Publish the results as a 公示 (notices app): the text, the final accounts from the
    ledger, and up to two before and two after photos as attachments."""
    from linli.notices.models import NoticeKind
    from linli.notices.services import notice_create

    evaluation = _lock_evaluation(evaluation)
    if not actor.has_perm("evaluation.manage_evaluation", evaluation):
        raise ScopeError(_("您无权发布该项目的完工公示"))
    ensure(
        evaluation.completion_notice_id is None,
        _("该项目的完工公示已发布"),
        code="exists",
        status=409,
    )
    project = evaluation.project
    photos = selectors.photos_of(project)
    ensure(
        photos["before"] and photos["after"],
        _("请先上传改造前和改造后的照片，再发布完工公示"),
        code="photos",
        status=409,
    )
    body = _text(body, _("公示说明"), 4000, required=False)
    text = "\n".join(
        part
        for part in (
            body or f"{project.title}已完工，现将建设结果和决算公示如下，欢迎居民监督。",
            _accounts_text(project),
        )
        if part
    )
    attachments = []
    for photo in photos["before"][:2] + photos["after"][:2]:
        with photo.image.open("rb") as fh:
            data = fh.read()
        ext = photo.image.name.rsplit(".", 1)[-1]
        attachments.append(SimpleUploadedFile(f"{photo.get_kind_display()}{photo.pk}.{ext}", data))
    notice = notice_create(
        actor=actor,
        committee=project.committee,
        kind=NoticeKind.ACCEPTANCE,
        title=f"{project.title[:80]} 完工公示",
        body=text,
        project=project,
        subject=project,
        boards=boards,
        attachments=attachments,
        publish=True,
        days=days,
    )
    evaluation.completion_notice = notice
    _clean_save(evaluation)
    audit_record(
        actor=actor,
        action="evaluation.completion_notice",
        obj=evaluation,
        after={"notice": notice.pk},
    )
    return notice


# ---------------------------------------------------------------- audit 审计


@transaction.atomic
def auditor_assign(*, actor, project, user, organisation: str) -> AuditorAssignment:
    if not actor.has_perm("evaluation.assign_auditor", project):
        raise ScopeError(_("您无权为该项目委托审计"))
    ensure(
        user is not None and user.is_active, _("找不到该账号，请先为审计人开通账号"), code="user"
    )
    organisation = _text(organisation, _("审计机构名称"), 80)
    ensure(
        not AuditorAssignment.objects.filter(project=project, user=user).exists(),
        _("该审计人已受托审计本项目"),
        code="exists",
        status=409,
    )
    audit = Audit.objects.select_for_update().filter(project=project).first()
    if audit is None:
        audit = Audit(project=project, created_by=actor)
        _clean_save(audit)
        audit_record(actor=actor, action="audit.open", obj=audit, after={"project": project.pk})
    ensure(audit.is_open, _("该项目的审计已结束"), code="closed", status=409)
    assignment = AuditorAssignment(
        project=project, user=user, organisation=organisation, assigned_by=actor
    )
    _clean_save(assignment)
    forget_assignments(user)
    audit_record(
        actor=actor,
        action="audit.auditor_assign",
        obj=assignment,
        after={"project": project.pk, "user": user.pk, "organisation": organisation},
    )
    return assignment


def _lock_audit(audit: Audit) -> Audit:
    return Audit.objects.select_for_update().select_related("project").get(pk=audit.pk)


@transaction.atomic
def finding_add(
    *, actor, audit: Audit, severity: str, title: str, text: str, entry=None
) -> Finding:
    audit = _lock_audit(audit)
    ensure(audit.is_open, _("审计已结束，不能再提出问题"), code="closed", status=409)
    if not actor.has_perm("evaluation.add_finding", audit):
        raise ScopeError(_("只有受托的审计人可以提出审计发现"))
    ensure(severity in Severity.values, _("请选择严重程度"), code="severity")
    title = _text(title, _("问题标题"), 100)
    text = _text(text, _("问题说明"), 4000)
    if entry is not None:
        ensure(entry.plan.project_id == audit.project_id, _("所选凭证不属于该项目"), code="entry")
    finding = Finding(
        audit=audit, severity=severity, title=title, text=text, entry=entry, created_by=actor
    )
    _clean_save(finding)
    audit_record(
        actor=actor,
        action="audit.finding_add",
        obj=finding,
        after={
            "audit": audit.pk,
            "severity": severity,
            "title": title,
            "entry": entry.pk if entry else None,
        },  # fmt: skip
    )
    return finding


@transaction.atomic
def finding_respond(*, actor, finding: Finding, response: str) -> Finding:
    finding = (
        Finding.objects.select_for_update().select_related("audit__project").get(pk=finding.pk)
    )
    ensure(finding.audit.is_open, _("审计已结束，不能再答复"), code="closed", status=409)
    if not actor.has_perm("evaluation.respond_finding", finding.audit):
        raise ScopeError(_("只有居委会工作人员可以答复审计发现"))
    ensure(finding.responded_at is None, _("该问题已答复"), code="answered", status=409)
    response = _text(response, _("答复内容"), 4000)
    finding.response = response
    finding.responded_by = actor
    finding.responded_at = timezone.now()
    _clean_save(finding)
    audit_record(
        actor=actor,
        action="audit.finding_respond",
        obj=finding,
        before={"response": ""},
        after={"response": response},
    )
    return finding


@transaction.atomic
def audit_close(*, actor, audit: Audit, opinion: str) -> Audit:
    audit = _lock_audit(audit)
    ensure(audit.is_open, _("审计已经结束"), code="closed", status=409)
    if not actor.has_perm("evaluation.close_audit", audit):
        raise ScopeError(_("只有受托的审计人可以出具审计意见"))
    opinion = _text(opinion, _("审计意见"), 4000)
    unanswered = audit.findings.filter(responded_at__isnull=True).count()
    ensure(
        unanswered == 0,
        _("尚有%(unanswered)s项审计发现未获居委会答复，不能结束审计") % {"unanswered": unanswered},
        code="unanswered",
        status=409,
    )
    audit.status = Audit.Status.CLOSED
    audit.opinion = opinion
    audit.closed_by = actor
    audit.closed_at = timezone.now()
    _clean_save(audit)
    audit_record(
        actor=actor,
        action="audit.close",
        obj=audit,
        before={"status": "open"},
        after={"status": "closed", "opinion": opinion, "findings": audit.findings.count()},
    )
    return audit


# ---------------------------------------------------------------- conventions 公约


def _scope_target(committee, scope, building, compound, microspace):
    ensure(scope in Convention.Scope.values, _("请选择公约的适用范围"), code="scope")
    if scope == Convention.Scope.BUILDING:
        ensure(building is not None, _("请选择楼栋"), code="building")
        ensure(building.compound.committee_id == committee.pk, _("所选楼栋不属于该居委会"))
        return building, None, None
    if scope == Convention.Scope.COMPOUND:
        ensure(compound is not None, _("请选择小区"), code="compound")
        ensure(compound.committee_id == committee.pk, _("所选小区不属于该居委会"))
        return None, compound, None
    ensure(microspace is not None, _("请选择设施或小微空间"), code="microspace")
    ensure(microspace.compound.committee_id == committee.pk, _("所选设施不属于该居委会"))
    return None, None, microspace


@transaction.atomic
def convention_draft(
    *,
    actor,
    committee,
    title: str,
    text: str,
    scope: str,
    building=None,
    compound=None,
    microspace=None,
    project=None,
) -> Convention:
    if not actor.has_perm("evaluation.manage_convention", committee):
        raise ScopeError(_("您无权在该居委会起草公约"))
    title = _text(title, _("公约名称"), 80)
    text = _text(text, _("公约条文"), 10000)
    building, compound, microspace = _scope_target(committee, scope, building, compound, microspace)
    ensure(project is None or project.committee_id == committee.pk, _("所选项目不属于该居委会"))
    convention = Convention(
        committee=committee,
        project=project,
        title=title,
        text=text,
        scope=scope,
        building=building,
        compound=compound,
        microspace=microspace,
        created_by=actor,
    )
    _clean_save(convention)
    audit_record(
        actor=actor,
        action="convention.draft",
        obj=convention,
        after={
            "title": title,
            "scope": scope,
            "version": 1,
            "project": project.pk if project else None,
        },  # fmt: skip
    )
    return convention


def _lock_convention(convention: Convention) -> Convention:
    return Convention.objects.select_for_update().get(pk=convention.pk)


@transaction.atomic
def convention_discuss(*, actor, convention: Convention, note: str) -> Convention:
    """Put the draft up for discussion, recording where and how it is discussed."""
    convention = _lock_convention(convention)
    if not actor.has_perm("evaluation.manage_convention", convention):
        raise ScopeError(_("您无权修改该公约"))
    ensure(
        convention.status in (Convention.Status.DRAFT, Convention.Status.DISCUSSING),
        _("只有草案或讨论中的公约可以记录讨论"),
        code="status",
        status=409,
    )
    note = _text(note, _("讨论记录"), 1000)
    before = convention.status
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    joined = "\n".join(p for p in (convention.discussion_note, f"{stamp} {note}") if p)
    ensure(len(joined) <= 4000, _("讨论记录已满4000字"), code="too_long")
    convention.discussion_note = joined
    convention.status = Convention.Status.DISCUSSING
    _clean_save(convention)
    audit_record(
        actor=actor,
        action="convention.discuss",
        obj=convention,
        before={"status": before},
        after={"status": convention.status, "note": note},
    )
    return convention


@transaction.atomic
def convention_adopt(
    *,
    actor,
    convention: Convention,
    in_force_from: datetime.date,
    meeting=None,
    vote=None,
    in_force_to: datetime.date | None = None,
) -> Convention:
    """Adopt a draft by a meeting or a vote of the same committee; the version it amends
    stops being in force the day the new one starts."""
    convention = _lock_convention(convention)
    if not actor.has_perm("evaluation.manage_convention", convention):
        raise ScopeError(_("您无权修改该公约"))
    ensure(
        convention.status in (Convention.Status.DRAFT, Convention.Status.DISCUSSING),
        _("该公约已通过或已被取代"),
        code="status",
        status=409,
    )
    ensure(
        meeting is not None or vote is not None,
        _("请选择通过该公约的会议或表决"),
        code="decision",
    )
    if meeting is not None:
        ensure(meeting.committee_id == convention.committee_id, _("所选会议不属于该居委会"))
    if vote is not None:
        ensure(vote.committee_id == convention.committee_id, _("所选表决不属于该居委会"))
        ensure(vote.status == "closed", _("所选表决尚未结束，不能作为通过依据"), code="vote_open")
    ensure(in_force_from is not None, _("请填写生效日期"), code="in_force_from")
    ensure(
        in_force_to is None or in_force_to > in_force_from,
        _("失效日期必须晚于生效日期"),
        code="in_force_to",
    )
    if convention.previous_id:
        previous = _lock_convention(convention.previous)
        ensure(
            previous.in_force_from is None or in_force_from > previous.in_force_from,
            _("新版本的生效日期必须晚于上一版本的生效日期"),
            code="in_force_from",
        )
        previous.status = Convention.Status.SUPERSEDED
        previous.in_force_to = in_force_from
        _clean_save(previous)
    convention.status = Convention.Status.ADOPTED
    convention.adopted_meeting = meeting
    convention.adopted_vote = vote
    convention.in_force_from = in_force_from
    convention.in_force_to = in_force_to
    convention.adopted_at = timezone.now()
    _clean_save(convention)
    audit_record(
        actor=actor,
        action="convention.adopt",
        obj=convention,
        after={
            "meeting": meeting.pk if meeting else None,
            "vote": vote.pk if vote else None,
            "in_force_from": in_force_from,
            "in_force_to": in_force_to,
            "version": convention.version,
            "supersedes": convention.previous_id,
        },
    )
    return convention


@transaction.atomic
def convention_amend(
    *, actor, convention: Convention, text: str, change_note: str, title: str = ""
) -> Convention:
    """Start a new version (a draft) of an adopted convention; the adopted one stays in
    force until the new version is adopted."""
    convention = _lock_convention(convention)
    if not actor.has_perm("evaluation.manage_convention", convention):
        raise ScopeError(_("您无权修订该公约"))
    ensure(
        convention.status == Convention.Status.ADOPTED,
        _("只有已通过的公约可以修订"),
        code="status",
        status=409,
    )
    ensure(
        not Convention.objects.filter(previous=convention).exists(),
        _("该公约已有待通过的新版本"),
        code="exists",
        status=409,
    )
    text = _text(text, _("公约条文"), 10000)
    change_note = _text(change_note, _("修订说明"), 300)
    title = _text(title, _("公约名称"), 80, required=False) or convention.title
    new = Convention(
        committee_id=convention.committee_id,
        project_id=convention.project_id,
        title=title,
        text=text,
        scope=convention.scope,
        building_id=convention.building_id,
        compound_id=convention.compound_id,
        microspace_id=convention.microspace_id,
        version=convention.version + 1,
        previous=convention,
        change_note=change_note,
        created_by=actor,
    )
    _clean_save(new)
    audit_record(
        actor=actor,
        action="convention.amend",
        obj=new,
        after={"previous": convention.pk, "version": new.version, "change_note": change_note},
    )
    return new


@transaction.atomic
def endorse_online(*, actor, convention: Convention) -> tuple[Endorsement, bool]:
    """A resident endorses for their household. Endorsing again returns the household's
    endorsement unchanged (idempotent): ``(endorsement, created)``."""
    ensure(getattr(actor, "is_authenticated", False), _("请先登录后再签署"), status=401)
    convention = Convention.objects.get(pk=convention.pk)
    ensure(
        convention.status == Convention.Status.ADOPTED,
        _("该公约尚未通过或已被新版本取代，不能签署"),
        code="status",
        status=409,
    )
    if not actor.has_perm("evaluation.endorse_convention", convention):
        raise ScopeError(_("只有公约适用范围内的住户可以签署"))
    household = selectors.household_of_user_for(actor, convention)
    ensure(household is not None, _("您的住户不在该公约的适用范围内"), code="household", status=403)
    existing = Endorsement.objects.filter(convention=convention, household=household).first()
    if existing is not None:
        return existing, False
    endorsement = Endorsement(
        convention=convention,
        household=household,
        channel=Channel.ONLINE,
        user=actor,
        entered_by=actor,
    )
    try:
        with transaction.atomic():
            endorsement.save()
    except IntegrityError:  # the same household at the same moment: it is endorsed
        return Endorsement.objects.get(convention=convention, household=household), False
    audit_record(
        actor=actor,
        action="convention.endorse",
        obj=endorsement,
        after={"convention": convention.pk, "household": household.pk, "channel": "online"},
    )
    return endorsement, True


@transaction.atomic
def endorse_paper(*, actor, convention: Convention, households: list) -> int:
    """Staff enter a paper sign sheet: the households that signed. Households already
    endorsed are skipped; one outside the scope refuses the whole sheet. Returns how many
    new endorsements were written."""
    convention = Convention.objects.get(pk=convention.pk)
    ensure(
        convention.status == Convention.Status.ADOPTED,
        _("该公约尚未通过或已被新版本取代，不能录入签署"),
        code="status",
        status=409,
    )
    if not actor.has_perm("evaluation.enter_paper_endorsements", convention):
        raise ScopeError(_("只有居委会工作人员可以录入纸质签署表"))
    households = list(dict.fromkeys(h for h in households or [] if h is not None))
    ensure(households, _("请选择签署的住户"), code="households")
    ensure(
        len(households) <= MAX_ENDORSE_BATCH,
        _("每次最多录入%(MAX_ENDORSE_BATCH)s户") % {"MAX_ENDORSE_BATCH": MAX_ENDORSE_BATCH},
    )
    in_scope = set(
        selectors.scope_households(convention)
        .filter(pk__in=[h.pk for h in households])
        .values_list("pk", flat=True)
    )
    outside = [h for h in households if h.pk not in in_scope]
    ensure(
        not outside,
        _("住户“%(value)s”不在该公约的适用范围内") % {"value": outside[0]} if outside else "",
        code="household",
    )
    done = set(
        Endorsement.objects.filter(convention=convention, household__in=households).values_list(
            "household_id", flat=True
        )
    )
    new = [
        Endorsement(convention=convention, household=h, channel=Channel.PAPER, entered_by=actor)
        for h in households
        if h.pk not in done
    ]
    Endorsement.objects.bulk_create(new, ignore_conflicts=True)
    audit_record(
        actor=actor,
        action="convention.endorse_paper",
        obj=convention,
        after={"households": [e.household_id for e in new], "skipped": sorted(done)},
    )
    return len(new)


# ---------------------------------------------------------------- case library 案例库


@transaction.atomic
def case_save(
    *, actor, project, project_type: str, problem: str, upkeep: str = "", lessons: str = ""
) -> Case:
    if not actor.has_perm("evaluation.manage_case", project):
        raise ScopeError(_("您无权编辑该项目的案例"))
    ensure(project_type in ProjectType.values, _("请选择项目类型"), code="project_type")
    problem = _text(problem, _("问题与需求"), 4000)
    upkeep = _text(upkeep, _("运维安排"), 2000, required=False)
    lessons = _text(lessons, _("经验与启示"), 4000, required=False)
    case = Case.objects.select_for_update().filter(project=project).first()
    before = None
    if case is None:
        case = Case(project=project, created_by=actor)
    else:
        before = {"project_type": case.project_type, "problem": case.problem}
    case.project_type, case.problem, case.upkeep, case.lessons = (
        project_type,
        problem,
        upkeep,
        lessons,
    )
    _clean_save(case)
    audit_record(
        actor=actor,
        action="case.save",
        obj=case,
        before=before,
        after={"project_type": project_type, "problem": problem},
    )
    return case


@transaction.atomic
def case_publish(*, actor, case: Case) -> Case:
    case = Case.objects.select_for_update().select_related("project").get(pk=case.pk)
    if not actor.has_perm("evaluation.manage_case", case.project):
        raise ScopeError(_("您无权公开该案例"))
    ensure(case.published_at is None, _("该案例已公开"), code="published", status=409)
    ensure(
        case.project.stage == Stage.DONE,
        _("项目完成后才能作为案例公开"),
        code="stage",
        status=409,
    )
    case.published_at = timezone.now()
    _clean_save(case)
    audit_record(
        actor=actor, action="case.publish", obj=case, after={"published_at": case.published_at}
    )
    return case
