"""Step 6 pages: evaluation, audit, conventions, photos, the public case library."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.actions import run_form, run_service
from linli.core.documents import XLSX, absolute_url, download
from linli.core.errors import ScopeError
from linli.core.permissions import get_visible, require
from linli.evaluation import forms, selectors, services
from linli.evaluation.documents import convention_poster_pdf, evaluation_report_pdf
from linli.evaluation.models import (
    Audit,
    Case,
    Convention,
    Evaluation,
    Finding,
    ProjectPhoto,
    ProjectType,
)

PAGE_SIZE = 50


# ---------------------------------------------------------------- helpers


def _eval_project(request, project_id):
    project = get_visible(selectors.projects_for_evaluation(request.user), pk=project_id)
    require(request.user, "evaluation.view_evaluation", project)
    return project


def _evaluation(request, project_id) -> Evaluation:
    project = _eval_project(request, project_id)
    try:
        return Evaluation.objects.select_related("project", "survey", "meeting").get(
            project=project
        )
    except Evaluation.DoesNotExist as exc:
        raise Http404(_("该项目尚未组织评议")) from exc


def _audit_project(request, project_id):
    project = get_visible(selectors.projects_for_audit(request.user), pk=project_id)
    require(request.user, "evaluation.view_audit", project, _("您无权查看该项目的审计"))
    return project


def _eval_meetings(project):
    from linli.deliberation.models import Meeting

    return Meeting.objects.filter(
        project=project, kind__in=services.EVALUATION_MEETING_KINDS
    ).order_by("-starts_at")


def _evaluation_context(request, project, **forms_):
    user = request.user
    evaluation = (
        Evaluation.objects.filter(project=project)
        .select_related("survey", "meeting", "completion_notice")
        .first()
    )
    ctx = {
        "project": project,
        "evaluation": evaluation,
        "can_manage": user.has_perm("evaluation.manage_evaluation", project),
        "can_run_survey": user.has_perm("evaluation.run_survey", project),
        "can_report": user.has_perm("evaluation.view_report", project),
        "can_audit": user.has_perm("evaluation.view_audit", project),
        "evaluators": [],
        "open_form": forms.MeetingChoiceForm(meetings=_eval_meetings(project)),
        "assign_form": forms.AssignForm(),
        "photos": selectors.photos_of(project),
    }
    if evaluation is not None:
        from linli.evaluation.models import EvaluatorAssignment

        ctx.update(
            {
                "summary": selectors.score_summary(evaluation),
                "my_score": selectors.score_of(user, evaluation),
                "can_score": user.has_perm("evaluation.score_online", evaluation),
                "can_paper": user.has_perm("evaluation.enter_paper_scores", evaluation),
                "score_form": forms.ScoreForm(),
                "paper_form": forms.PaperScoreForm(),
                "meeting_form": forms.MeetingChoiceForm(
                    meetings=_eval_meetings(project), initial={"meeting": evaluation.meeting_id}
                ),
                "close_form": forms.CloseEvaluationForm(),
                "notice_form": forms.NoticeForm(),
                "paper_scores": evaluation.scores.filter(channel="paper")
                if ctx["can_manage"]
                else [],
                "evaluators": EvaluatorAssignment.objects.filter(project=project).select_related(
                    "user"
                )
                if ctx["can_manage"]
                else [],
            }
        )
    ctx.update(forms_)
    return ctx


# ---------------------------------------------------------------- evaluation 评议


@login_required
def index(request):
    """What the user can act on in step 6: evaluations, audits, conventions."""
    evaluations = (
        selectors.evaluations_visible_to(request.user)
        .annotate(n_scores=Count("scores"))
        .order_by("-created_at")[:PAGE_SIZE]
    )
    audits = (
        selectors.audits_visible_to(request.user)
        .annotate(
            n_findings=Count("findings"),
            n_open=Count("findings", filter=Q(findings__responded_at__isnull=True)),
        )
        .order_by("-created_at")[:PAGE_SIZE]
    )
    return render(request, "evaluation/index.html", {"evaluations": evaluations, "audits": audits})


@login_required
def project_page(request, project_id: int):
    project = _eval_project(request, project_id)
    return render(request, "evaluation/project.html", _evaluation_context(request, project))


def _rerender(request, project):
    return lambda status: render(
        request, "evaluation/project.html", _evaluation_context(request, project), status=status
    )


def _back(project):
    return reverse("evaluation:project", args=[project.pk])


def _on_page(template, make_context, back):
    """The one shape of this module's form handlers: run the form's service on the page
    the form sits on (``template``), shown again with the form and the refusal, else back."""

    def handle(request, obj, form, key, action, *, success, redirect_to=None, **extra):
        return run_form(
            request,
            form,
            action,
            template=template,
            success=success,
            redirect_to=redirect_to or back(obj),
            context=lambda: make_context(request, obj, **{key: form}, **extra),
        )

    return handle


_on_project = _on_page("evaluation/project.html", _evaluation_context, _back)


@login_required
@require_POST
def evaluation_open(request, project_id: int):
    project = _eval_project(request, project_id)
    form = forms.MeetingChoiceForm(request.POST, meetings=_eval_meetings(project))
    return _on_project(
        request,
        project,
        form,
        "open_form",
        lambda d: services.evaluation_open(
            actor=request.user, project=project, meeting=d["meeting"]
        ),
        success=_("评议已开始"),
    )


@login_required
@require_POST
def evaluation_meeting(request, project_id: int):
    evaluation = _evaluation(request, project_id)
    project = evaluation.project
    form = forms.MeetingChoiceForm(request.POST, meetings=_eval_meetings(project))
    return _on_project(
        request,
        project,
        form,
        "meeting_form",
        lambda d: services.evaluation_set_meeting(
            actor=request.user, evaluation=evaluation, meeting=d["meeting"]
        ),
        success=_("已关联评议会"),
    )


@login_required
@require_POST
def score_submit(request, project_id: int):
    evaluation = _evaluation(request, project_id)
    project = evaluation.project
    form = forms.ScoreForm(request.POST)
    return _on_project(
        request,
        project,
        form,
        "score_form",
        lambda d: services.score_submit(
            actor=request.user, evaluation=evaluation, scores=form.scores(), comment=d["comment"]
        ),
        success=_("评分已提交，谢谢您的参与"),
    )


@login_required
@require_POST
def score_paper(request, project_id: int):
    evaluation = _evaluation(request, project_id)
    project = evaluation.project
    form = forms.PaperScoreForm(request.POST)
    return _on_project(
        request,
        project,
        form,
        "paper_form",
        lambda d: services.score_enter_paper(
            actor=request.user,
            evaluation=evaluation,
            sheet_no=d["sheet_no"],
            participant=d["participant"],
            scores=form.scores(),
            comment=d["comment"],
        ),
        success=_("纸质评分表已录入"),
        redirect_to=_back(project) + "#paper",
    )


@login_required
@require_POST
def evaluator_assign(request, project_id: int):
    evaluation = _evaluation(request, project_id)
    project = evaluation.project
    form = forms.AssignForm(request.POST)
    return _on_project(
        request,
        project,
        form,
        "assign_form",
        lambda d: services.evaluator_assign(
            actor=request.user, project=project, user=d["user"], organisation=d["organisation"]
        ),
        success=_("已委托第三方评估"),
    )


@login_required
@require_POST
def survey_create(request, project_id: int):
    evaluation = _evaluation(request, project_id)
    return run_service(
        request,
        lambda: services.satisfaction_survey_create(actor=request.user, evaluation=evaluation),
        success=_("满意度调查问卷已创建（草稿），可在问卷页补充题目"),
        redirect_to=_back(evaluation.project),
        render_refusal=_rerender(request, evaluation.project),
    )


@login_required
@require_POST
def survey_status(request, project_id: int):
    evaluation = _evaluation(request, project_id)
    status = request.POST.get("status", "")
    return run_service(
        request,
        lambda: services.satisfaction_survey_set_status(
            actor=request.user, evaluation=evaluation, status=status
        ),
        success=_("满意度调查已开始") if status == "open" else _("满意度调查已结束"),
        redirect_to=_back(evaluation.project),
        render_refusal=_rerender(request, evaluation.project),
    )


@login_required
def survey_results(request, project_id: int):
    """The satisfaction survey's results, for staff and the project's evaluator."""
    from linli.surveys.results import survey_results as results

    evaluation = _evaluation(request, project_id)
    require(request.user, "evaluation.view_survey_results", evaluation, _("您无权查看该调查结果"))
    if evaluation.survey_id is None:
        raise Http404(_("该项目尚未发起满意度调查"))
    return render(
        request,
        "evaluation/survey_results.html",
        {"evaluation": evaluation, "project": evaluation.project, "r": results(evaluation.survey)},
    )


@login_required
@require_POST
def evaluation_close(request, project_id: int):
    evaluation = _evaluation(request, project_id)
    project = evaluation.project
    form = forms.CloseEvaluationForm(request.POST)
    return _on_project(
        request,
        project,
        form,
        "close_form",
        lambda d: services.evaluation_close(
            actor=request.user, evaluation=evaluation, conclusion=d["conclusion"]
        ),
        success=_("评议已完成"),
    )


@login_required
@require_POST
def completion_notice(request, project_id: int):
    evaluation = _evaluation(request, project_id)
    project = evaluation.project
    form = forms.NoticeForm(request.POST)
    return _on_project(
        request,
        project,
        form,
        "notice_form",
        lambda d: services.completion_notice_publish(
            actor=request.user,
            evaluation=evaluation,
            body=d["body"],
            boards=d["boards"],
            days=d["days"],
        ),
        success=_("完工公示已发布"),
        redirect_to=lambda notice: reverse("notices:detail", args=[notice.pk]),
    )


@login_required
def report_pdf(request, project_id: int):
    evaluation = _evaluation(request, project_id)
    require(request.user, "evaluation.view_report", evaluation, _("您无权查看该评估报告"))
    pdf = evaluation_report_pdf(evaluation, report=selectors.evaluation_report(evaluation))
    return download(pdf, f"evaluation-{project_id}.pdf")


# ---------------------------------------------------------------- photos


@login_required
def photos(request, project_id: int):
    project = _eval_project(request, project_id)
    require(request.user, "evaluation.manage_photos", project, _("您无权管理该项目的照片"))
    form = forms.PhotoForm(request.POST or None, request.FILES or None)
    return run_form(
        request,
        form,
        lambda d: services.photo_add(
            actor=request.user,
            project=project,
            kind=d["kind"],
            image=d["image"],
            caption=d["caption"],
        ),
        template="evaluation/photos.html",
        success=_("照片已上传"),
        redirect_to=reverse("evaluation:photos", args=[project.pk]),
        context=lambda: {"project": project, "photos": selectors.photos_of(project)},
    )


def photo(request, photo_id: int):
    """A before/after photo: public once the project's case is published, otherwise for
    those who may see the project's evaluation."""
    try:
        p = ProjectPhoto.objects.select_related("project").get(pk=photo_id)
    except ProjectPhoto.DoesNotExist as exc:
        raise Http404 from exc
    public = Case.objects.filter(project_id=p.project_id, published_at__isnull=False).exists()
    if not public and not (
        request.user.is_authenticated
        and selectors.projects_for_evaluation(request.user).filter(pk=p.project_id).exists()
    ):
        raise Http404
    try:
        handle = p.image.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle)


# ---------------------------------------------------------------- audit 审计


def _audit_context(request, project, **forms_):
    from linli.evaluation.models import AuditorAssignment
    from linli.funding.models import JournalEntry

    user = request.user
    audit = Audit.objects.filter(project=project).first()
    findings = list(selectors.findings_of(audit)) if audit else []
    ctx = {
        "project": project,
        "audit": audit,
        "findings": findings,
        "can_manage": user.has_perm("evaluation.assign_auditor", project),
        "can_find": audit is not None and user.has_perm("evaluation.add_finding", audit),
        "can_respond": audit is not None and user.has_perm("evaluation.respond_finding", audit),
        "can_close": audit is not None and user.has_perm("evaluation.close_audit", audit),
        "auditors": AuditorAssignment.objects.filter(project=project).select_related("user"),
        "assign_form": forms.AssignForm(),
        "finding_form": forms.FindingForm(
            entries=JournalEntry.objects.filter(plan__project=project)
        ),
        "response_form": forms.ResponseForm(),
        "opinion_form": forms.OpinionForm(),
        "status": selectors.audit_status_label(project),
    }
    ctx.update(forms_)
    return ctx


@login_required
def audit_page(request, project_id: int):
    project = _audit_project(request, project_id)
    return render(request, "evaluation/audit.html", _audit_context(request, project))


def _audit_back(project):
    return reverse("evaluation:audit", args=[project.pk])


_on_audit = _on_page("evaluation/audit.html", _audit_context, _audit_back)


def _audit_of(project) -> Audit:
    audit = Audit.objects.filter(project=project).first()
    if audit is None:
        raise Http404(_("该项目尚未委托审计"))
    return audit


@login_required
@require_POST
def auditor_assign(request, project_id: int):
    project = _audit_project(request, project_id)
    form = forms.AssignForm(request.POST)
    return _on_audit(
        request,
        project,
        form,
        "assign_form",
        lambda d: services.auditor_assign(
            actor=request.user, project=project, user=d["user"], organisation=d["organisation"]
        ),
        success=_("已委托审计"),
    )


@login_required
@require_POST
def finding_add(request, project_id: int):
    from linli.funding.models import JournalEntry

    project = _audit_project(request, project_id)
    audit = _audit_of(project)
    form = forms.FindingForm(
        request.POST, entries=JournalEntry.objects.filter(plan__project=project)
    )
    return _on_audit(
        request,
        project,
        form,
        "finding_form",
        lambda d: services.finding_add(actor=request.user, audit=audit, **d),
        success=_("审计发现已提出，等待居委会答复"),
    )


@login_required
@require_POST
def finding_respond(request, project_id: int, finding_id: int):
    project = _audit_project(request, project_id)
    audit = _audit_of(project)
    finding = get_visible(Finding.objects.filter(audit=audit), pk=finding_id)
    form = forms.ResponseForm(request.POST)
    return _on_audit(
        request,
        project,
        form,
        "response_form",
        lambda d: services.finding_respond(
            actor=request.user, finding=finding, response=d["response"]
        ),
        success=_("答复已记录"),
        response_for=finding.pk,
    )


@login_required
@require_POST
def audit_close(request, project_id: int):
    project = _audit_project(request, project_id)
    audit = _audit_of(project)
    form = forms.OpinionForm(request.POST)
    return _on_audit(
        request,
        project,
        form,
        "opinion_form",
        lambda d: services.audit_close(actor=request.user, audit=audit, opinion=d["opinion"]),
        success=_("审计已结束"),
    )


@login_required
def audit_books(request, project_id: int):
    """Read-only: the project's ledger, vouchers with their attachments, BOT contract and
    notices, for the assigned auditor (and the committee's staff)."""
    from linli.funding.models import BotContract, FundingPlan
    from linli.notices.models import Notice

    project = _audit_project(request, project_id)
    require(request.user, "evaluation.audit_books", project, _("您无权查阅该项目的账目"))
    plan = FundingPlan.objects.filter(project=project).first()
    entries = []
    if plan is not None:
        entries = (
            plan.entries.select_related(
                "source", "item", "recorded_by", "confirmed_by", "reviewed_by"
            )
            .prefetch_related("lines__account", "attachments")
            .order_by("date", "id")
        )
    money = selectors.money_by_source(project)
    return render(
        request,
        "evaluation/audit_books.html",
        {
            "project": project,
            "plan": plan,
            "entries": entries,
            "money": money,
            "bot": BotContract.objects.filter(project=project).first(),
            "notices": Notice.objects.filter(project=project)
            .exclude(status=Notice.Status.DRAFT)
            .prefetch_related("attachments")
            .order_by("starts_at"),
        },
    )


@login_required
def audit_attachment(request, project_id: int, attachment_id: int):
    from linli.funding.models import Attachment

    project = _audit_project(request, project_id)
    require(request.user, "evaluation.audit_books", project, _("您无权查阅该项目的账目"))
    att = get_visible(Attachment.objects.filter(entry__plan__project=project), pk=attachment_id)
    try:
        handle = att.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, filename=att.file.name.rsplit("/", 1)[-1])


@login_required
def audit_notice_attachment(request, project_id: int, attachment_id: int):
    from linli.notices.models import NoticeAttachment

    project = _audit_project(request, project_id)
    require(request.user, "evaluation.audit_books", project, _("您无权查阅该项目的资料"))
    att = get_visible(
        NoticeAttachment.objects.filter(notice__project=project).exclude(notice__status="draft"),
        pk=attachment_id,
    )
    try:
        handle = att.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, filename=att.name)


# ---------------------------------------------------------------- conventions 公约


def _convention(request, convention_id) -> Convention:
    convention = get_visible(selectors.conventions_visible_to(request.user), pk=convention_id)
    require(request.user, "evaluation.view_convention", convention)
    return convention


@login_required
def conventions(request):
    qs = selectors.conventions_visible_to(request.user).annotate(n_endorsed=Count("endorsements"))
    status = request.GET.get("status", "")
    if status in Convention.Status.values:
        qs = qs.filter(status=status)
    from linli.places.selectors import committees_managed_by

    return render(
        request,
        "evaluation/conventions.html",
        {
            "conventions": qs.order_by("-id")[:PAGE_SIZE],
            "status": status,
            "can_create": committees_managed_by(request.user).exists(),
        },
    )


@login_required
def convention_new(request):
    from linli.places.selectors import committees_managed_by

    if not committees_managed_by(request.user).exists():
        raise ScopeError(_("只有居委会、街道或区级工作人员可以起草公约"))
    form = forms.ConventionForm(request.POST or None, user=request.user)
    return run_form(
        request,
        form,
        lambda d: services.convention_draft(actor=request.user, **d),
        template="evaluation/convention_new.html",
        success=_("公约草案已保存"),
        redirect_to=lambda c: reverse("evaluation:convention", args=[c.pk]),
    )


def _convention_context(request, convention, **forms_):
    from linli.deliberation.models import Meeting
    from linli.voting.models import Vote

    user = request.user
    done, total = selectors.endorsement_figure(convention)
    household = selectors.household_of_user_for(user, convention)
    mine = convention.endorsements.filter(household=household).first() if household else None
    can_manage = user.has_perm("evaluation.manage_convention", convention)
    ctx = {
        "convention": convention,
        "endorsed": done,
        "households": total,
        "percent": round(done * 100 / total) if total else 0,
        "history": selectors.convention_history(convention),
        "household": household,
        "mine": mine,
        "can_endorse": user.has_perm("evaluation.endorse_convention", convention),
        "can_manage": can_manage,
        "can_paper": user.has_perm("evaluation.enter_paper_endorsements", convention),
        "discuss_form": forms.DiscussForm(),
        "amend_form": forms.AmendForm(initial={"text": convention.text}),
    }
    if can_manage:
        ctx["adopt_form"] = forms.AdoptForm(
            meetings=Meeting.objects.filter(committee_id=convention.committee_id).order_by(
                "-starts_at"
            ),
            votes=Vote.objects.filter(committee_id=convention.committee_id, status="closed"),
        )
    if ctx["can_paper"]:
        endorsed_ids = convention.endorsements.values_list("household_id", flat=True)
        ctx["paper_form"] = forms.PaperEndorseForm(
            households=selectors.scope_households(convention)
            .exclude(pk__in=endorsed_ids)
            .select_related("flat__building")
            .order_by("flat__building__number", "flat__room")
        )
    ctx.update(forms_)
    return ctx


@login_required
def convention_detail(request, convention_id: int):
    convention = _convention(request, convention_id)
    return render(request, "evaluation/convention.html", _convention_context(request, convention))


def _conv_back(convention):
    return reverse("evaluation:convention", args=[convention.pk])


_on_convention = _on_page(
    "evaluation/convention.html",
    _convention_context,
    _conv_back,
)


@login_required
@require_POST
def convention_discuss(request, convention_id: int):
    convention = _convention(request, convention_id)
    form = forms.DiscussForm(request.POST)
    return _on_convention(
        request,
        convention,
        form,
        "discuss_form",
        lambda d: services.convention_discuss(actor=request.user, convention=convention, **d),
        success=_("讨论记录已保存"),
    )


@login_required
@require_POST
def convention_adopt(request, convention_id: int):
    from linli.deliberation.models import Meeting
    from linli.voting.models import Vote

    convention = _convention(request, convention_id)
    require(request.user, "evaluation.manage_convention", convention, _("您无权修改该公约"))
    form = forms.AdoptForm(
        request.POST,
        meetings=Meeting.objects.filter(committee_id=convention.committee_id),
        votes=Vote.objects.filter(committee_id=convention.committee_id, status="closed"),
    )
    return _on_convention(
        request,
        convention,
        form,
        "adopt_form",
        lambda d: services.convention_adopt(actor=request.user, convention=convention, **d),
        success=_("公约已通过"),
    )


@login_required
@require_POST
def convention_amend(request, convention_id: int):
    convention = _convention(request, convention_id)
    form = forms.AmendForm(request.POST)
    return _on_convention(
        request,
        convention,
        form,
        "amend_form",
        lambda d: services.convention_amend(actor=request.user, convention=convention, **d),
        success=_("已起草新版本"),
        redirect_to=lambda c: reverse("evaluation:convention", args=[c.pk]),
    )


@login_required
@require_POST
def convention_endorse(request, convention_id: int):
    convention = _convention(request, convention_id)
    return run_service(
        request,
        lambda: services.endorse_online(actor=request.user, convention=convention),
        success=_("已签署：感谢您和家人共同遵守本公约"),
        redirect_to=_conv_back(convention),
        render_refusal=lambda status: render(
            request,
            "evaluation/convention.html",
            _convention_context(request, convention),
            status=status,
        ),
    )


@login_required
@require_POST
def convention_paper(request, convention_id: int):
    convention = _convention(request, convention_id)
    require(
        request.user,
        "evaluation.enter_paper_endorsements",
        convention,
        _("只有居委会工作人员可以录入纸质签署表"),
    )
    form = forms.PaperEndorseForm(request.POST, households=selectors.scope_households(convention))
    return _on_convention(
        request,
        convention,
        form,
        "paper_form",
        lambda d: services.endorse_paper(
            actor=request.user, convention=convention, households=list(d["households"])
        ),
        success=_("纸质签署已录入"),
    )


@login_required
def convention_poster(request, convention_id: int):
    convention = _convention(request, convention_id)
    url = absolute_url(request, _conv_back(convention))
    pdf = convention_poster_pdf(
        convention, url=url, figure=selectors.endorsement_figure(convention)
    )
    return download(pdf, f"convention-{convention.pk}.pdf")


# ---------------------------------------------------------------- case library 案例库


def _case_rows(request):
    qs = selectors.public_cases_with_year()
    street = request.GET.get("street", "")
    kind = request.GET.get("type", "")
    year = request.GET.get("year", "")
    if street.isdigit():
        qs = qs.filter(project__committee__street_id=int(street))
    if kind in ProjectType.values:
        qs = qs.filter(project_type=kind)
    rows = []
    for case in qs.order_by("-published_at")[:200]:
        y = selectors.case_year(case)
        if year.isdigit() and y != int(year):
            continue
        rows.append((case, y))
    return rows, {"street": street, "type": kind, "year": year}


def case_list(request):
    """The public case library: no login, no personal data."""
    from linli.places.models import Street

    rows, filters = _case_rows(request)
    published = list(selectors.public_cases_with_year())
    street_ids = {c.project.committee.street_id for c in published}
    years = sorted({y for y in (selectors.case_year(c) for c in published) if y}, reverse=True)
    return render(
        request,
        "evaluation/cases.html",
        {
            "rows": rows,
            "filters": filters,
            "streets": Street.objects.filter(pk__in=street_ids).order_by("name"),
            "types": ProjectType.choices,
            "years": years,
        },
    )


def case_detail(request, case_id: int):
    """A published case, public; a draft only for the committee's managers."""
    qs = (
        selectors.cases_visible_to(request.user)
        if request.user.is_authenticated
        else selectors.public_cases()
    )
    case = get_visible(qs, pk=case_id)
    project = case.project
    money = selectors.money_by_source(project)
    return render(
        request,
        "evaluation/case.html",
        {
            "case": case,
            "project": project,
            "year": selectors.case_year(case),
            "photos": selectors.photos_of(project),
            "timeline": selectors.stage_dates(project),
            "money": money,
            "participation": selectors.participation(project),
            "conventions": selectors.case_conventions(project),
            "can_manage": request.user.is_authenticated
            and request.user.has_perm("evaluation.manage_case", project),
        },
    )


def case_export(request):
    """The (filtered) public cases as a spreadsheet for the street's annual report."""
    import openpyxl

    from linli.core.money import fen_to_yuan

    rows, _filters = _case_rows(request)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = _("案例")
    ws.append([_("项目"), _("街道"), _("居委会"), _("类型"), _("年份"), _("问题与需求"),
               _("资金合计（元）"), _("资金来源"), _("参与人数"), _("参与人次"), _("运维安排")])  # fmt: skip
    for case, year in rows:
        project = case.project
        money = selectors.money_by_source(project)
        part = selectors.participation(project)
        total = sum(s["amount_fen"] for s in money["sources"])
        ws.append(
            [
                project.title,
                project.committee.street.name,
                project.committee.name,
                case.get_project_type_display(),
                year,
                case.problem,
                total / 100,
                "；".join(
                    _("%(name)s %(yuan)s元")
                    % {"name": s["name"], "yuan": fen_to_yuan(s["amount_fen"])}
                    for s in money["sources"]
                ),
                part.people,
                part.times,
                case.upkeep,
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return download(out.getvalue(), "cases.xlsx", content_type=XLSX, as_attachment=True)


@login_required
def case_edit(request, project_id: int):
    project = _eval_project(request, project_id)
    require(request.user, "evaluation.manage_case", project, _("您无权编辑该项目的案例"))
    case = Case.objects.filter(project=project).first()
    initial = (
        {
            "project_type": case.project_type,
            "problem": case.problem,
            "upkeep": case.upkeep,
            "lessons": case.lessons,
        }  # fmt: skip
        if case
        else {"problem": project.summary}
    )
    form = forms.CaseForm(request.POST or None, initial=initial)
    return run_form(
        request,
        form,
        lambda d: services.case_save(actor=request.user, project=project, **d),
        template="evaluation/case_edit.html",
        success=_("案例已保存"),
        redirect_to=lambda c: reverse("evaluation:case", args=[c.pk]),
        context=lambda: {"project": project, "case": case},
    )


@login_required
@require_POST
def case_publish(request, case_id: int):
    case = get_visible(selectors.cases_visible_to(request.user), pk=case_id)
    return run_service(
        request,
        lambda: services.case_publish(actor=request.user, case=case),
        success=_("案例已公开"),
        redirect_to=reverse("evaluation:case", args=[case.pk]),
    )
