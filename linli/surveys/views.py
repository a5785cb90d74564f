"""Survey pages: list, builder, phone answering, paper entry, results, xlsx and PDF."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from linli.core.actions import run_form, run_service
from linli.core.documents import XLSX, download
from linli.core.errors import ServiceError
from linli.core.permissions import get_visible, require
from linli.opinions.views import login_required_post
from linli.places.ordering import grouped_buildings
from linli.places.selectors import committees_managed_by
from linli.surveys import exports, selectors, services
from linli.surveys.forms import SurveyCreateForm, answers_from_post
from linli.surveys.models import Question, Survey
from linli.surveys.results import survey_results


def _get(request, pk: int) -> Survey:
    survey = get_visible(selectors.surveys_visible_to(request.user), pk=pk)
    require(request.user, "surveys.view_survey", survey)
    return survey


@login_required
def survey_list(request):
    return render(
        request,
        "surveys/list.html",
        {
            "surveys": selectors.surveys_visible_to(request.user)[:100],
            "can_create": committees_managed_by(request.user).exists(),
        },
    )


@login_required
def survey_create(request):
    committees = list(committees_managed_by(request.user).order_by("name"))
    if not committees:
        raise ServiceError(_("只有居委会工作人员可以发起问卷"), code="forbidden", status=403)
    form = SurveyCreateForm(request.POST or None, committees=committees)
    return run_form(
        request,
        form,
        lambda data: services.survey_create(actor=request.user, **data),
        template="surveys/create.html",
        success=_("问卷已创建，请添加题目"),
        redirect_to=lambda survey: reverse("surveys:detail", args=[survey.pk]),
        context=lambda: {
            "committees": committees,
            "compounds": form.fields["compound"].queryset,
            "buildings": grouped_buildings(form.fields["building"].queryset),
            "data": request.POST,
            "scopes": Survey.Scope.choices,
            "units": Survey.Unit.choices,
        },
    )


@login_required
def survey_detail(request, pk: int):
    survey = _get(request, pk)
    user = request.user
    questions = list(survey.questions.all())
    can_manage = user.has_perm("surveys.manage_survey", survey)
    ctx = {
        "survey": survey,
        "questions": questions,
        "can_manage": can_manage,
        "can_edit": user.has_perm("surveys.edit_questions", survey),
        "can_answer": False,
        "can_paper": user.has_perm("surveys.enter_paper", survey),
        "can_results": user.has_perm("surveys.view_results", survey),
        "kinds": Question.Kind.choices,
        "audience": selectors.audience_size(survey),
    }
    if not can_manage or survey.is_open():
        if user.has_perm("surveys.answer_survey", survey):
            try:
                selectors.respondent_for_user(user, survey)
            except ServiceError as exc:
                ctx["not_eligible"] = exc.message
            else:
                ctx["mine"] = selectors.response_of(user, survey)
                ctx["can_answer"] = ctx["mine"] is None
    return render(request, "surveys/detail.html", ctx)


@login_required_post
def question_add(request, pk: int):
    survey = _get(request, pk)
    p = request.POST
    skip = {}
    for line in (p.get("skip") or "").splitlines():
        if not line.strip():
            continue
        if "=" not in line:
            raise ServiceError(
                _("跳题规则格式应为“选项=题号”：%(line)s") % {"line": line}, code="skip"
            )
        opt, _sep, target = line.rpartition("=")
        try:
            skip[opt.strip()] = int(target)
        except ValueError:
            raise ServiceError(
                _("跳题规则中的题号应为数字：%(line)s") % {"line": line}, code="skip"
            ) from None
    return run_service(
        request,
        lambda: services.question_add(
            actor=request.user,
            survey=survey,
            kind=p.get("kind", ""),
            text=p.get("text", ""),
            required=p.get("required") == "on",
            options=p.get("options", ""),
            rows=p.get("rows", ""),
            skip=skip,
        ),
        success=_("题目已添加"),
        redirect_to=reverse("surveys:detail", args=[survey.pk]),
    )


@login_required_post
def question_remove(request, pk: int, question_id: int):
    survey = _get(request, pk)
    q = get_visible(survey.questions.all(), pk=question_id)
    services.question_remove(actor=request.user, question=q)
    return redirect("surveys:detail", survey.pk)


@login_required_post
def set_status(request, pk: int):
    survey = _get(request, pk)
    services.survey_set_status(
        actor=request.user, survey=survey, status=request.POST.get("status", "")
    )
    return redirect("surveys:detail", survey.pk)


@login_required_post
def answer(request, pk: int):
    survey = _get(request, pk)
    questions = list(survey.questions.all())
    return run_service(
        request,
        lambda: services.response_submit(
            actor=request.user,
            survey=survey,
            answers=answers_from_post(questions, request.POST),
            channel="online",
        ),
        success=_("问卷已提交，谢谢您的参与！"),
        redirect_to=reverse("surveys:detail", args=[survey.pk]),
    )


@login_required
def paper_entry(request, pk: int):
    survey = _get(request, pk)
    require(
        request.user,
        "surveys.enter_paper",
        survey,
        _("只有居委会工作人员和本楼楼组长可以录入纸质问卷（问卷需在收集中）"),
    )
    questions = list(survey.questions.all())
    if request.method == "POST":
        p = request.POST
        person = household = None
        if survey.unit == Survey.Unit.HOUSEHOLD:
            household = (
                selectors.audience_households(survey).filter(pk=p.get("household") or 0).first()
            )
        else:
            person = selectors.audience_people(survey).filter(pk=p.get("person") or 0).first()
        return run_service(
            request,
            lambda: services.response_submit(
                actor=request.user,
                survey=survey,
                answers=answers_from_post(questions, p),
                channel="paper",
                person=person,
                household=household,
            ),
            success=_("纸质问卷已录入"),
            redirect_to=reverse("surveys:paper", args=[survey.pk]),
        )
    answered = set(survey.responses.values_list("respondent_key", flat=True))
    flats = selectors.paper_flats(request.user, survey)
    if survey.unit == Survey.Unit.HOUSEHOLD:
        choices = [
            (
                h.pk,
                f"{h.flat.building.number} {h.flat.room} {h.label}",
                f"household:{h.pk}" in answered,
            )
            for h in selectors.audience_households(survey)
            .filter(flat__in=flats)
            .order_by("flat__building__number", "flat__room")
        ]
    else:
        choices = [
            (x.pk, x.name, f"person:{x.pk}" in answered)
            for x in selectors.audience_people(survey)
            .filter(residencies__household__flat__in=flats)
            .distinct()
            .order_by("name")[:2000]
        ]
    return render(
        request,
        "surveys/paper.html",
        {"survey": survey, "questions": questions, "choices": choices},
    )


@login_required
def results(request, pk: int):
    survey = _get(request, pk)
    require(request.user, "surveys.view_results", survey, _("问卷结束后才能查看结果"))
    return render(
        request,
        "surveys/results.html",
        {
            "survey": survey,
            "data": survey_results(survey),
            "can_export": request.user.has_perm("surveys.export_responses", survey),
        },
    )


@login_required
def export_xlsx(request, pk: int):
    survey = _get(request, pk)
    require(request.user, "surveys.export_responses", survey, _("只有居委会工作人员可以导出答卷"))
    return download(
        exports.responses_xlsx(survey),
        f"survey-{survey.pk}.xlsx",
        content_type=XLSX,
        as_attachment=True,
    )


@login_required
def questionnaire_pdf(request, pk: int):
    survey = _get(request, pk)
    require(request.user, "surveys.manage_survey", survey, _("只有居委会工作人员可以打印问卷"))
    return download(exports.questionnaire_pdf(survey), f"survey-{survey.pk}.pdf")
