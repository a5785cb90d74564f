"""Pages of step 5. Thin: scope the lookup (404 outside), run one service through run_form /
run_service (the service checks the permission), render. Every form has its own small page
(phone first); the project hub, acceptance and O&M pages list the records."""

from __future__ import annotations

from django import forms as djforms
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.actions import run_form, run_service
from linli.core.documents import absolute_url, qr_data_uri
from linli.core.errors import ScopeError
from linli.core.permissions import get_visible, require
from linli.implementation import forms, selectors, services
from linli.implementation.models import (
    AcceptanceReview,
    ContractAttachment,
    Defect,
    PatrolRecord,
    PatrolSite,
    Photo,
    SignParty,
    TeamMember,
    Ticket,
    VolunteerTeam,
    WorkingGroupMember,
)

FORM = "implementation/form.html"
PAGE = 50


def _project(request, project_id):
    project = get_visible(selectors.projects_visible_to(request.user), pk=project_id)
    require(request.user, "implementation.view_project", project)
    return project


def _hub(project, anchor=""):
    return reverse("implementation:project", args=[project.pk]) + anchor


def _form_page(request, form, action, *, heading, back, success, redirect_to, submit=None, **extra):
    return run_form(
        request,
        form,
        action,
        template=FORM,
        success=success,
        redirect_to=redirect_to,
        context=lambda: {
            "heading": heading,
            "back": back,
            "submit": submit or _("保存"),
            "multipart": any(isinstance(f, djforms.FileField) for f in form.fields.values()),
            **extra,
        },
    )


# ---------------------------------------------------------------- the project hub


@login_required
def project_hub(request, project_id: int):
    project = _project(request, project_id)
    user = request.user
    manages = user.has_perm("implementation.manage", project)
    context = {
        "project": project,
        "manages": manages,
        "can_progress": user.has_perm("implementation.record_progress", project),
        "can_log": user.has_perm("implementation.write_site_log", project),
        "members": WorkingGroupMember.objects.filter(project=project).select_related("user"),
        "procurements": selectors.procurements_visible_to(user).filter(project=project),
        "contracts": selectors.contracts_visible_to(user).filter(project=project),
        "milestones": selectors.milestones_visible_to(user).filter(project=project),
        "logs": project.site_logs.select_related("author").prefetch_related("photos")[:10],
        "n_feedback": project.feedback.count(),
        "n_unanswered": project.feedback.filter(answered_at__isnull=True).count(),
        "sections": ["group", "procurement", "contracts", "milestones", "logs"],
    }
    return render(request, "implementation/project.html", context)


@login_required
def group_add(request, project_id: int):
    project = _project(request, project_id)
    form = forms.GroupMemberForm(request.POST or None)
    return _form_page(
        request,
        form,
        lambda d: services.group_add(actor=request.user, project=project, **d),
        heading=_("添加工作组成员"),
        back=_hub(project, "#group"),
        success=_("已加入项目工作组"),
        redirect_to=_hub(project, "#group"),
        project=project,
    )


@login_required
@require_POST
def group_remove(request, project_id: int, wgmember_id: int):
    project = _project(request, project_id)
    member = get_visible(WorkingGroupMember.objects.filter(project=project), pk=wgmember_id)
    return run_service(
        request,
        lambda: services.group_remove(actor=request.user, member=member),
        success=_("已移出工作组"),
        redirect_to=_hub(project, "#group"),
    )


# ---------------------------------------------------------------- procurement


@login_required
def procurement_new(request, project_id: int):
    project = _project(request, project_id)
    form = forms.ProcurementForm(request.POST or None)
    return _form_page(
        request,
        form,
        lambda d: services.procurement_create(actor=request.user, project=project, **d),
        heading=_("登记采购"),
        back=_hub(project, "#procurement"),
        success=_("采购已登记"),
        redirect_to=lambda p: reverse("implementation:procurement", args=[p.pk]),
        project=project,
        help=_("直接采购限5万元以下；比价（至少三家报价）限400万元以下；超过须公开招标。"),
    )


def _procurement(request, procurement_id):
    return get_visible(selectors.procurements_visible_to(request.user), pk=procurement_id)


@login_required
def procurement_detail(request, procurement_id: int):
    procurement = _procurement(request, procurement_id)
    return render(
        request,
        "implementation/procurement.html",
        {
            "procurement": procurement,
            "project": procurement.project,
            "quotes": procurement.quotes.select_related("company"),
            "manages": request.user.has_perm("implementation.manage", procurement.project),
        },
    )


@login_required
def quote_add(request, procurement_id: int):
    procurement = _procurement(request, procurement_id)
    form = forms.QuoteForm(request.POST or None, procurement=procurement)
    back = reverse("implementation:procurement", args=[procurement.pk])
    return _form_page(
        request,
        form,
        lambda d: services.quote_add(actor=request.user, procurement=procurement, **d),
        heading=_("登记报价：%(t)s") % {"t": procurement.title},
        back=back,
        success=_("报价已登记"),
        redirect_to=back,
        project=procurement.project,
    )


@login_required
def procurement_decide(request, procurement_id: int):
    procurement = _procurement(request, procurement_id)
    form = forms.DecideForm(request.POST or None, procurement=procurement)
    back = reverse("implementation:procurement", args=[procurement.pk])
    return _form_page(
        request,
        form,
        lambda d: services.procurement_decide(actor=request.user, procurement=procurement, **d),
        heading=_("确定采购结果：%(t)s") % {"t": procurement.title},
        back=back,
        success=_("采购结果已确定"),
        redirect_to=back,
        project=procurement.project,
    )


# ---------------------------------------------------------------- contracts


@login_required
def contract_new(request, project_id: int):
    project = _project(request, project_id)
    form = forms.ContractForm(request.POST or None, project=project)
    return _form_page(
        request,
        form,
        lambda d: services.contract_create(actor=request.user, project=project, **d),
        heading=_("登记合同"),
        back=_hub(project, "#contracts"),
        success=_("合同已登记"),
        redirect_to=lambda c: reverse("implementation:contract", args=[c.pk]),
        project=project,
    )


def _contract(request, contract_id):
    return get_visible(selectors.contracts_visible_to(request.user), pk=contract_id)


@login_required
def contract_detail(request, contract_id: int):
    contract = _contract(request, contract_id)
    project = contract.project
    user = request.user
    return render(
        request,
        "implementation/contract.html",
        {
            "contract": contract,
            "project": project,
            "ceiling_fen": services.contract_ceiling_fen(contract),
            "paid_fen": services.contract_paid_fen(contract),
            "instalments": contract.instalments.all(),
            "changes": contract.changes.select_related("proposed_by", "decided_by"),
            "payments": contract.payments.select_related("entry", "instalment"),
            "attachments": contract.attachments.all(),
            "manages": user.has_perm("implementation.manage", project),
            "can_propose": user.has_perm("implementation.propose_change", project),
            "can_approve": user.has_perm("implementation.approve_change", project),
            "can_pay": user.has_perm("implementation.manage", project)
            or user.has_perm("funding.record_entry", project),
        },
    )


@login_required
def instalment_add(request, contract_id: int):
    contract = _contract(request, contract_id)
    back = reverse("implementation:contract", args=[contract.pk])
    return _form_page(
        request,
        forms.InstalmentForm(request.POST or None),
        lambda d: services.instalment_add(actor=request.user, contract=contract, **d),
        heading=_("添加付款计划"),
        back=back,
        success=_("付款计划已添加"),
        redirect_to=back,
        project=contract.project,
    )


@login_required
def contract_attach(request, contract_id: int):
    contract = _contract(request, contract_id)
    back = reverse("implementation:contract", args=[contract.pk])
    return _form_page(
        request,
        forms.AttachmentForm(request.POST or None, request.FILES or None),
        lambda d: services.contract_attach(actor=request.user, contract=contract, **d),
        heading=_("上传合同附件"),
        back=back,
        success=_("附件已上传"),
        redirect_to=back,
        project=contract.project,
    )


@login_required
def change_propose(request, contract_id: int):
    contract = _contract(request, contract_id)
    back = reverse("implementation:contract", args=[contract.pk])
    return _form_page(
        request,
        forms.ChangeForm(request.POST or None),
        lambda d: services.change_propose(actor=request.user, contract=contract, **d),
        heading=_("提出合同变更"),
        back=back,
        success=_("变更已提交项目工作组审批"),
        redirect_to=back,
        project=contract.project,
    )


@login_required
def change_decide(request, change_id: int):
    change = get_visible(selectors.changes_visible_to(request.user), pk=change_id)
    back = reverse("implementation:contract", args=[change.contract_id])
    return _form_page(
        request,
        forms.ChangeDecideForm(request.POST or None),
        lambda d: services.change_decide(actor=request.user, change=change, **d),
        heading=_("审批合同变更：%(r)s") % {"r": change.reason[:40]},
        back=back,
        success=_("审批已记录"),
        redirect_to=back,
        project=change.contract.project,
    )


@login_required
def payment_link(request, contract_id: int):
    contract = _contract(request, contract_id)
    back = reverse("implementation:contract", args=[contract.pk])
    return _form_page(
        request,
        forms.PaymentForm(request.POST or None, contract=contract),
        lambda d: services.payment_link(actor=request.user, contract=contract, **d),
        heading=_("登记合同付款（关联账目中的支出凭证）"),
        back=back,
        success=_("付款已登记"),
        redirect_to=back,
        project=contract.project,
    )


def _file(field_file, name=None):
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    return FileResponse(handle, filename=name, as_attachment=False)


@login_required
def contract_file(request, contract_id: int, file_id: int):
    contract = _contract(request, contract_id)
    att = get_visible(ContractAttachment.objects.filter(contract=contract), pk=file_id)
    return _file(att.file, att.name)


# ---------------------------------------------------------------- schedule and site


@login_required
def milestone_add(request, project_id: int):
    project = _project(request, project_id)
    return _form_page(
        request,
        forms.MilestoneForm(request.POST or None),
        lambda d: services.milestone_add(actor=request.user, project=project, **d),
        heading=_("添加进度节点"),
        back=_hub(project, "#milestones"),
        success=_("进度节点已添加"),
        redirect_to=_hub(project, "#milestones"),
        project=project,
    )


@login_required
def milestone_progress(request, milestone_id: int):
    milestone = get_visible(selectors.milestones_visible_to(request.user), pk=milestone_id)
    project = milestone.project
    return _form_page(
        request,
        forms.ProgressForm(
            request.POST or None,
            initial={"actual_start": milestone.actual_start, "actual_end": milestone.actual_end},
        ),
        lambda d: services.milestone_progress(actor=request.user, milestone=milestone, **d),
        heading=_("填报进度：%(t)s") % {"t": milestone.title},
        back=_hub(project, "#milestones"),
        success=_("进度已更新"),
        redirect_to=_hub(project, "#milestones"),
        project=project,
    )


@login_required
def sitelog_add(request, project_id: int):
    project = _project(request, project_id)
    return _form_page(
        request,
        forms.SiteLogForm(request.POST or None, request.FILES or None),
        lambda d: services.site_log_add(actor=request.user, project=project, **d),
        heading=_("填写施工日志"),
        back=_hub(project, "#logs"),
        success=_("施工日志已保存"),
        redirect_to=_hub(project, "#logs"),
        project=project,
    )


@login_required
def photo(request, photo_id: int):
    visible = selectors.projects_visible_to(request.user).values("pk")
    p = get_visible(
        Photo.objects.filter(Q(site_log__project__in=visible) | Q(review__project__in=visible)),
        pk=photo_id,
    )
    return _file(p.image)


@login_required
def feedback(request, project_id: int):
    project = _project(request, project_id)
    channel = (
        "qr" if request.GET.get("from") == "qr" or request.POST.get("from") == "qr" else "page"
    )
    form = forms.FeedbackForm(request.POST or None)
    rows = selectors.feedback_visible_to(request.user).filter(project=project)
    return run_form(
        request,
        form,
        lambda d: services.feedback_submit(
            actor=request.user, project=project, text=d["text"], channel=channel
        ),
        template="implementation/feedback.html",
        success=_("意见已提交，项目工作组将答复"),
        redirect_to=reverse("implementation:feedback", args=[project.pk]),
        context=lambda: {
            "project": project,
            "rows": rows[:PAGE],
            "channel": channel,
            "can_give": request.user.has_perm("implementation.give_feedback", project),
            "can_answer": request.user.has_perm("implementation.answer_feedback", project),
        },
    )


@login_required
def feedback_answer(request, feedback_id: int):
    fb = get_visible(selectors.feedback_visible_to(request.user), pk=feedback_id)
    back = reverse("implementation:feedback", args=[fb.project_id])
    return _form_page(
        request,
        forms.AnswerForm(request.POST or None),
        lambda d: services.feedback_answer(actor=request.user, feedback=fb, **d),
        heading=_("答复意见：%(t)s") % {"t": fb.text[:40]},
        back=back,
        success=_("答复已发布"),
        redirect_to=back,
        project=fb.project,
    )


@login_required
def hoarding_qr(request, project_id: int):
    project = _project(request, project_id)
    url = absolute_url(request, reverse("implementation:feedback", args=[project.pk]) + "?from=qr")
    return render(
        request,
        "implementation/qr.html",
        {
            "project": project,
            "qr": qr_data_uri(url),
            "url": url,
            "heading": _("施工围挡二维码：扫码提意见"),
            "caption": _("施工期间有任何意见，请扫码反馈，项目工作组将及时答复。"),
        },
    )


# ---------------------------------------------------------------- acceptance


@login_required
def acceptance(request, project_id: int):
    project = _project(request, project_id)
    user = request.user
    signed = selectors.signoffs_of(project)
    parties = [
        {
            "party": p,
            "label": SignParty(p).label,
            "signoff": signed.get(p),
            "can_sign": p not in signed and services.may_sign_as(user, project, p),
        }
        for p in services.required_parties(project)
    ]
    reviews = AcceptanceReview.objects.filter(project=project).prefetch_related(
        Prefetch("defects", queryset=Defect.objects.select_related("closed_by")), "photos"
    )
    return render(
        request,
        "implementation/acceptance.html",
        {
            "project": project,
            "parties": parties,
            "reviews": reviews,
            "walks": project.walks.all(),
            "can_review": user.has_perm("implementation.record_review", project),
            "can_close": user.has_perm("implementation.close_defect", project),
            "manages": user.has_perm("implementation.manage", project),
        },
    )


def _acc(project):
    return reverse("implementation:acceptance", args=[project.pk])


@login_required
def review_add(request, project_id: int):
    project = _project(request, project_id)
    return _form_page(
        request,
        forms.ReviewForm(request.POST or None, request.FILES or None),
        lambda d: services.review_record(actor=request.user, project=project, **d),
        heading=_("登记专业评审"),
        back=_acc(project),
        success=_("评审记录已保存"),
        redirect_to=_acc(project),
        project=project,
    )


@login_required
def defect_add(request, review_id: int):
    visible = selectors.projects_visible_to(request.user).values("pk")
    review = get_visible(AcceptanceReview.objects.filter(project__in=visible), pk=review_id)
    return _form_page(
        request,
        forms.DefectForm(request.POST or None),
        lambda d: services.defect_add(actor=request.user, review=review, **d),
        heading=_("登记整改问题"),
        back=_acc(review.project),
        success=_("整改问题已登记"),
        redirect_to=_acc(review.project),
        project=review.project,
    )


@login_required
def defect_close(request, defect_id: int):
    defect = get_visible(selectors.defects_visible_to(request.user), pk=defect_id)
    project = defect.review.project
    return _form_page(
        request,
        forms.DefectCloseForm(request.POST or None),
        lambda d: services.defect_close(actor=request.user, defect=defect, **d),
        heading=_("确认整改完成：%(t)s") % {"t": defect.description},
        back=_acc(project),
        success=_("已确认整改完成"),
        redirect_to=_acc(project),
        project=project,
    )


@login_required
def signoff(request, project_id: int):
    project = _project(request, project_id)
    initial = {"party": request.GET.get("party", "")}
    return _form_page(
        request,
        forms.SignoffForm(request.POST or None, initial=initial),
        lambda d: services.signoff_sign(actor=request.user, project=project, **d),
        heading=_("签署验收"),
        back=_acc(project),
        success=_("验收已签署"),
        redirect_to=_acc(project),
        submit=_("签署"),
        project=project,
    )


@login_required
def walk_add(request, project_id: int):
    project = _project(request, project_id)
    return _form_page(
        request,
        forms.WalkForm(request.POST or None),
        lambda d: services.walk_record(actor=request.user, project=project, **d),
        heading=_("登记居民踏勘验收"),
        back=_acc(project),
        success=_("踏勘记录已保存"),
        redirect_to=_acc(project),
        project=project,
    )


# ---------------------------------------------------------------- O&M


@login_required
def om(request, project_id: int):
    project = _project(request, project_id)
    user = request.user
    manages = user.has_perm("implementation.manage", project)
    sites = list(PatrolSite.objects.filter(project=project).select_related("team"))
    for site in sites:
        site.url = absolute_url(request, reverse("implementation:patrol", args=[site.pk]))
    return render(
        request,
        "implementation/om.html",
        {
            "project": project,
            "manages": manages,
            "arrangement": getattr(project, "om_arrangement", None)
            if hasattr(project, "om_arrangement")
            else None,
            "sites": sites,
            "adoptions": project.adoptions.filter(ended_on__isnull=True).select_related(
                "household__flat__building", "team"
            ),
            "teams": VolunteerTeam.objects.filter(project=project).annotate(n=Count("members")),
            "tickets": selectors.tickets_visible_to(user).filter(project=project)[:20],
            "can_report": user.has_perm("implementation.report_fault", project),
            "bot": _bot(project),
        },
    )


def _bot(project):
    try:
        return project.bot_contract
    except Exception:  # no BOT contract (or funding not installed)
        return None


@login_required
def arrangement_set(request, project_id: int):
    project = _project(request, project_id)
    back = reverse("implementation:om", args=[project.pk])
    return _form_page(
        request,
        forms.ArrangementForm(request.POST or None, project=project),
        lambda d: services.arrangement_set(actor=request.user, project=project, **d),
        heading=_("确定运维安排"),
        back=back,
        success=_("运维安排已保存"),
        redirect_to=back,
        project=project,
    )


@login_required
def site_add(request, project_id: int):
    project = _project(request, project_id)
    back = reverse("implementation:om", args=[project.pk])
    return _form_page(
        request,
        forms.SiteForm(request.POST or None, project=project),
        lambda d: services.patrol_site_add(actor=request.user, project=project, **d),
        heading=_("设置巡查点"),
        back=back,
        success=_("巡查点已设置，可打印二维码张贴在现场"),
        redirect_to=back,
        project=project,
    )


@login_required
def site_qr(request, site_id: int):
    site = get_visible(selectors.sites_visible_to(request.user), pk=site_id)
    url = absolute_url(request, reverse("implementation:patrol", args=[site.pk]))
    return render(
        request,
        "implementation/qr.html",
        {
            "project": site.project,
            "qr": qr_data_uri(url),
            "url": url,
            "heading": _("%(team)s巡查点：%(site)s") % {"team": site.team.name, "site": site.name},
            "caption": _("队员巡查时请扫码签到，填写检查情况。"),
        },
    )


@login_required
def adoption_add(request, project_id: int):
    project = _project(request, project_id)
    manages = request.user.has_perm("implementation.manage", project)
    back = reverse("implementation:om", args=[project.pk])
    return _form_page(
        request,
        forms.AdoptionForm(request.POST or None, project=project, manages=manages),
        lambda d: services.adoption_add(actor=request.user, project=project, **d),
        heading=_("认建认养"),
        back=back,
        success=_("认养已登记"),
        redirect_to=back,
        project=project,
    )


@login_required
def team_list(request):
    teams = (
        selectors.teams_visible_to(request.user)
        .annotate(n_members=Count("members", distinct=True))
        .order_by("committee__name", "name")
    )
    from linli.places.selectors import committees_managed_by

    return render(
        request,
        "implementation/teams.html",
        {"teams": teams[:PAGE], "committees": committees_managed_by(request.user)[:20]},
    )


@login_required
def team_new(request, committee_id: int):
    from linli.places.selectors import committees_managed_by

    committee = get_visible(committees_managed_by(request.user), pk=committee_id)
    return _form_page(
        request,
        forms.TeamForm(request.POST or None),
        lambda d: services.team_create(actor=request.user, committee=committee, **d),
        heading=_("组建志愿团队：%(c)s") % {"c": committee.name},
        back=reverse("implementation:teams"),
        success=_("团队已组建"),
        redirect_to=lambda t: reverse("implementation:team", args=[t.pk]),
    )


def _team(request, team_id):
    team = get_visible(selectors.teams_visible_to(request.user), pk=team_id)
    return team


@login_required
def team_detail(request, team_id: int):
    team = _team(request, team_id)
    user = request.user
    is_member = TeamMember.objects.filter(team=team, user=user).exists()
    if not (is_member or user.has_perm("implementation.view_team", team)):
        raise ScopeError(_("您无权查看该团队"))
    records = selectors.patrol_records(team)[:PAGE]
    return render(
        request,
        "implementation/team.html",
        {
            "team": team,
            "members": team.members.select_related("user"),
            "rota": team.rota.select_related("member__user").order_by("-date", "shift")[:30],
            "records": records,
            "sites": team.sites.select_related("project"),
            "missed": selectors.missed_patrols([team]),
            "manages": user.has_perm("implementation.manage_team", team),
            "can_rota": user.has_perm("implementation.set_rota", team),
        },
    )


@login_required
def team_member_add(request, team_id: int):
    team = _team(request, team_id)
    back = reverse("implementation:team", args=[team.pk])
    return _form_page(
        request,
        forms.TeamMemberForm(request.POST or None),
        lambda d: services.team_member_add(actor=request.user, team=team, **d),
        heading=_("添加队员：%(t)s") % {"t": team.name},
        back=back,
        success=_("队员已加入"),
        redirect_to=back,
    )


@login_required
def rota_add(request, team_id: int):
    team = _team(request, team_id)
    back = reverse("implementation:team", args=[team.pk])
    return _form_page(
        request,
        forms.RotaForm(request.POST or None, team=team),
        lambda d: services.rota_set(actor=request.user, team=team, **d),
        heading=_("排班：%(t)s") % {"t": team.name},
        back=back,
        success=_("排班已保存"),
        redirect_to=back,
    )


@login_required
def patrol(request, site_id: int):
    """The page the site's QR code opens on a volunteer's phone."""
    site = PatrolSite.objects.select_related("team", "project").filter(pk=site_id).first()
    if site is None:
        raise Http404
    # scanning the QR already says whether this volunteer may patrol here
    if not TeamMember.objects.filter(
        user=request.user, team__committee_id=site.project.committee_id
    ).exists():
        raise ScopeError(_("该巡查点属于其他居委会或您不是志愿巡查队员，不能登记巡查"))
    form = forms.PatrolForm(request.POST or None, request.FILES or None, site=site)
    return run_form(
        request,
        form,
        lambda d: services.patrol_check_in(actor=request.user, site=site, **d),
        template="implementation/patrol.html",
        # the service answers (record, created): a second scan in one shift changes nothing
        success=lambda done: (
            _("巡查已签到，谢谢！") if done[1] else _("本班次您已签到过，无需重复签到")
        ),
        redirect_to=lambda done: reverse("implementation:patrol_done", args=[done[0].pk]),
        context={"site": site},
    )


@login_required
def patrol_done(request, record_id: int):
    record = get_visible(
        PatrolRecord.objects.filter(
            Q(patroller=request.user) | Q(site__in=selectors.sites_visible_to(request.user))
        ).select_related("site__team"),
        pk=record_id,
    )
    return render(request, "implementation/patrol_done.html", {"record": record})


@login_required
def patrol_photo(request, record_id: int):
    record = get_visible(
        PatrolRecord.objects.filter(
            Q(patroller=request.user) | Q(site__in=selectors.sites_visible_to(request.user))
        ),
        pk=record_id,
    )
    return _file(record.photo)


# ---------------------------------------------------------------- tickets


@login_required
def ticket_list(request):
    qs = selectors.tickets_visible_to(request.user)
    status = request.GET.get("status", "")
    if status in Ticket.Status.values:
        qs = qs.filter(status=status)
    if request.GET.get("overdue"):
        qs = selectors.overdue_tickets(qs)
    return render(
        request,
        "implementation/tickets.html",
        {"tickets": qs[:PAGE], "status": status, "statuses": Ticket.Status.choices},
    )


@login_required
def ticket_new(request, project_id: int):
    project = _project(request, project_id)
    return _form_page(
        request,
        forms.TicketForm(request.POST or None, request.FILES or None),
        lambda d: services.ticket_report(actor=request.user, project=project, **d),
        heading=_("报修：%(p)s") % {"p": project.title},
        back=reverse("implementation:om", args=[project.pk]),
        success=_("报修已提交"),
        redirect_to=lambda t: reverse("implementation:ticket", args=[t.pk]),
        submit=_("提交报修"),
        project=project,
    )


def _ticket(request, ticket_id):
    return get_visible(selectors.tickets_visible_to(request.user), pk=ticket_id)


@login_required
def ticket_detail(request, ticket_id: int):
    ticket = _ticket(request, ticket_id)
    user = request.user
    return render(
        request,
        "implementation/ticket.html",
        {
            "ticket": ticket,
            "project": ticket.project,
            "can_handle": services.may_handle(user, ticket),
            "is_reporter": ticket.reporter_id == user.pk,
            "is_handler": ticket.handler_id == user.pk,
            "manages": user.has_perm("implementation.manage", ticket.project),
            "deadline": selectors.ticket_deadline(ticket),
        },
    )


@login_required
def ticket_respond(request, ticket_id: int):
    ticket = _ticket(request, ticket_id)
    back = reverse("implementation:ticket", args=[ticket.pk])
    return _form_page(
        request,
        forms.TicketNoteForm(request.POST or None),
        lambda d: services.ticket_respond(actor=request.user, ticket=ticket, **d),
        heading=_("响应报修"),
        back=back,
        success=_("已响应"),
        redirect_to=back,
    )


@login_required
def ticket_resolve(request, ticket_id: int):
    ticket = _ticket(request, ticket_id)
    back = reverse("implementation:ticket", args=[ticket.pk])
    return _form_page(
        request,
        forms.TicketNoteForm(request.POST or None),
        lambda d: services.ticket_resolve(actor=request.user, ticket=ticket, resolution=d["note"]),
        heading=_("登记处理结果"),
        back=back,
        success=_("处理结果已登记，等待报修人确认"),
        redirect_to=back,
    )


@login_required
def ticket_route(request, ticket_id: int):
    ticket = _ticket(request, ticket_id)
    back = reverse("implementation:ticket", args=[ticket.pk])
    return _form_page(
        request,
        forms.RouteForm(request.POST or None, initial={"route": ticket.route}),
        lambda d: services.ticket_route(actor=request.user, ticket=ticket, **d),
        heading=_("改派工单"),
        back=back,
        success=_("工单已改派"),
        redirect_to=back,
    )


@login_required
@require_POST
def ticket_close(request, ticket_id: int):
    ticket = _ticket(request, ticket_id)
    return run_service(
        request,
        lambda: services.ticket_close(actor=request.user, ticket=ticket),
        success=_("工单已关闭"),
        redirect_to=reverse("implementation:ticket", args=[ticket.pk]),
    )


@login_required
def ticket_photo(request, ticket_id: int):
    return _file(_ticket(request, ticket_id).photo)


# ---------------------------------------------------------------- qualified companies


@login_required
def company_list(request):
    from linli.accounts.scopes import scopes_for
    from linli.places.models import Street

    rows = selectors.companies_visible_to(request.user).annotate(n_quotes=Count("quotes"))
    streets = Street.objects.filter(pk__in=scopes_for(request.user).managed_street_ids)
    streets = streets.order_by("name")[:20]
    return render(
        request,
        "implementation/companies.html",
        {
            "companies": rows[:200],
            "streets": streets,
            "street_ids": set(scopes_for(request.user).managed_street_ids),
        },
    )


@login_required
def company_new(request, street_id: int):
    from linli.accounts.scopes import scopes_for
    from linli.places.models import Street

    street = get_visible(
        Street.objects.filter(pk__in=scopes_for(request.user).managed_street_ids), pk=street_id
    )
    back = reverse("implementation:companies")
    return _form_page(
        request,
        forms.CompanyForm(request.POST or None),
        lambda d: services.company_add(actor=request.user, street=street, **d),
        heading=_("登记具备资质的企业：%(s)s") % {"s": street.name},
        back=back,
        success=_("企业已列入名单"),
        redirect_to=back,
    )


@login_required
@require_POST
def company_toggle(request, company_id: int):
    company = get_visible(selectors.companies_visible_to(request.user), pk=company_id)
    return run_service(
        request,
        lambda: services.company_set_active(
            actor=request.user, company=company, active=not company.active
        ),
        success=_("名单已更新"),
        redirect_to=reverse("implementation:companies"),
    )
