"""Pages of step 2: thin — look up through scoped selectors, check the named rule, call one
service, render. Refusals (ServiceError) become a 4xx page through the middleware."""

from __future__ import annotations

import datetime
import mimetypes

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.actions import run_service
from linli.core.errors import ServiceError
from linli.core.masking import mask_mobile
from linli.core.permissions import get_visible
from linli.places.models import Building, Compound, Street
from linli.places.ordering import sorted_buildings
from linli.places.selectors import committees_visible_to
from linli.planning import profile as profile_mod
from linli.planning import selectors, services
from linli.planning.models import (
    CoBuildingUnit,
    DesignRound,
    Diagnosis,
    OptionFile,
    Pairing,
    Partner,
    Planner,
    Profession,
    WorkLog,
    WorkLogPhoto,
)
from linli.projects.selectors import projects_visible_to


def _committee(request, committee_id):
    return get_visible(committees_visible_to(request.user), pk=committee_id)


def _project(request, project_id):
    return get_visible(projects_visible_to(request.user), pk=project_id)


def _date(value) -> datetime.date:
    try:
        return datetime.date.fromisoformat((value or "").strip())
    except ValueError:
        raise ServiceError(_("日期格式不正确，请选择日期")) from None


def _cost_items(post) -> list[tuple[str, str]]:
    return list(zip(post.getlist("cost_name"), post.getlist("cost_amount"), strict=False))


# ------------------------------------------------------------ committee hub and profile


@login_required
def committee(request, committee_id: int):
    c = _committee(request, committee_id)
    return render(
        request,
        "planning/committee.html",
        {
            "committee": c,
            "planners": selectors.committee_planners(c),
            "projects": projects_visible_to(request.user).filter(committee=c),
            "can_plan": request.user.has_perm("planning.plan", c),
            "can_rate": request.user.has_perm("planning.rate_planner", c),
        },
    )


@login_required
@require_POST
def rate_planner(request, project_id: int):
    project = _project(request, project_id)
    planner = get_visible(
        Planner.objects.filter(pairings__street_id=project.committee.street_id).distinct(),
        pk=request.POST.get("planner"),
    )
    return run_service(
        request,
        lambda: services.planner_rate(
            actor=request.user,
            planner=planner,
            project=project,
            score=request.POST.get("score"),
            comment=request.POST.get("comment", ""),
        ),
        success=_("已评价规划师%(name)s") % {"name": planner.name},
        redirect_to=reverse("planning:committee", args=[project.committee_id]),
    )


@login_required
def community_profile(request, committee_id: int):
    c = _committee(request, committee_id)
    data = profile_mod.community_profile(c)
    lc = data["life_circle"]
    map_data = {
        "buildings": [
            {"label": r["label"], "lat": r["lat"], "lng": r["lng"], "gaps": r["gaps"]}
            for r in lc["rows"]
        ],
        "facilities": lc["facilities"],
    }
    return render(
        request,
        "planning/profile.html",
        {
            "committee": c,
            **data,
            "map_data": map_data,
        },
    )


# ------------------------------------------------------------ work log


@login_required
def profile_pdf(request, committee_id: int):
    from linli.planning.exports import profile_pdf_response

    c = _committee(request, committee_id)
    return profile_pdf_response(request, c, profile_mod.community_profile(c))


@login_required
def rounds_pdf(request, project_id: int):
    from linli.planning.exports import rounds_pdf_response

    project = _project(request, project_id)
    rounds = [r for r in _design_ctx(request, project) if r.status == DesignRound.Status.PUBLISHED]
    return rounds_pdf_response(request, project, rounds)


@login_required
def worklog(request, committee_id: int):
    c = _committee(request, committee_id)
    can_plan = request.user.has_perm("planning.plan", c)
    if request.method == "POST":
        project_id = request.POST.get("project") or None
        project = (
            get_visible(projects_visible_to(request.user).filter(committee=c), pk=project_id)
            if project_id
            else None
        )
        return run_service(
            request,
            lambda: services.worklog_add(
                actor=request.user,
                committee=c,
                kind=request.POST.get("kind", ""),
                date=_date(request.POST.get("date")),
                place=request.POST.get("place", ""),
                people_met=request.POST.get("people_met", ""),
                findings=request.POST.get("findings", ""),
                project=project,
                photos=request.FILES.getlist("photos"),
            ),
            success=_("工作日志已保存"),
            redirect_to=reverse("planning:worklog", args=[c.pk]),
            # the form again with what was typed, the reason beside it
            form_refusal=lambda status, reason: render(
                request,
                "planning/worklog.html",
                {
                    **_worklog_ctx(request, c, can_plan),
                    "form_error": reason,
                    "posted": request.POST,
                },
                status=status,
            ),
        )
    return render(request, "planning/worklog.html", _worklog_ctx(request, c, can_plan))


def _worklog_ctx(request, c, can_plan: bool) -> dict:
    return {
        "committee": c,
        "logs": selectors.worklogs_for(request.user, c),
        "can_plan": can_plan,
        "kinds": WorkLog.Kind.choices,
        "projects": projects_visible_to(request.user).filter(committee=c),
        "today": datetime.date.today().isoformat(),
    }


@login_required
def worklog_photo(request, photo_id: int):
    photo = get_visible(
        WorkLogPhoto.objects.filter(log__in=selectors.worklogs_visible_to(request.user)),
        pk=photo_id,
    )
    return FileResponse(
        photo.image.open("rb"), content_type=mimetypes.guess_type(photo.image.name)[0]
    )


# ------------------------------------------------------------ diagnosis


@login_required
def diagnosis(request, project_id: int):
    from linli.needs.models import Need, NeedsList

    project = _project(request, project_id)
    can_plan = request.user.has_perm("planning.plan", project)
    needs = Need.objects.filter(committee_id=project.committee_id, merged_into__isnull=True)
    lists = NeedsList.objects.filter(committee_id=project.committee_id).order_by("-version")
    if request.method == "POST":
        list_id = request.POST.get("needs_list") or None
        chosen_list = get_visible(lists, pk=list_id) if list_id else None
        chosen = [get_visible(needs, pk=i) for i in request.POST.getlist("needs")]
        return run_service(
            request,
            lambda: services.diagnosis_save(
                actor=request.user,
                project=project,
                needs_analysis=request.POST.get("needs_analysis", ""),
                resource_analysis=request.POST.get("resource_analysis", ""),
                property_rights=request.POST.get("property_rights", ""),
                budget_band=request.POST.get("budget_band", ""),
                safety=request.POST.get("safety", ""),
                recommendations=request.POST.get("recommendations", ""),
                needs_list=chosen_list,
                needs=chosen,
            ),
            success=_("把脉记录已保存"),
            redirect_to=reverse("planning:diagnosis", args=[project.pk]),
        )
    record = Diagnosis.objects.filter(project=project).prefetch_related("needs").first()
    return render(
        request,
        "planning/diagnosis.html",
        {
            "project": project,
            "record": record,
            "chosen": {n.pk for n in record.needs.all()} if record else set(),
            "needs": needs.order_by("-created_at")[:100],
            "lists": lists,
            "bands": Diagnosis.BudgetBand.choices,
            "can_plan": can_plan,
        },
    )


# ------------------------------------------------------------ design options and rounds


def _design_ctx(request, project):
    rounds = list(selectors.rounds_for(request.user, project))
    user = request.user
    for r in rounds:
        r.can_feedback = user.has_perm("planning.give_feedback", r)
        for o in r.options.all():
            o.my_score = o.my_ratings[0].score if o.my_ratings else None
    return rounds


@login_required
def design(request, project_id: int, *, extra: dict | None = None, status: int = 200):
    project = _project(request, project_id)
    rounds = _design_ctx(request, project)
    can_plan = request.user.has_perm("planning.plan", project)
    draft = next((r for r in rounds if r.status == DesignRound.Status.DRAFT), None)
    if draft is not None and can_plan:
        _edit_values(draft, extra or {})
    return render(
        request,
        "planning/design.html",
        {
            "project": project,
            "rounds": list(reversed(rounds)),
            "draft": draft,
            "can_plan": can_plan,
            "can_vote": request.user.has_perm("planning.make_vote", project),
            "compounds": Compound.objects.filter(committee_id=project.committee_id),
            "buildings": sorted_buildings(
                Building.objects.filter(compound__committee_id=project.committee_id).select_related(
                    "compound"
                )
            ),
            "has_rounds": bool(rounds),
            "cost_rows": range(3),
            **(extra or {}),
        },
        status=status,
    )


def _edit_values(draft, extra: dict) -> None:
    """Prefill each draft option's edit form: what it holds, or what was just typed into it
    when the save was refused (``extra['edit_option_id']``)."""
    for o in draft.options.all():
        if extra.get("edit_option_id") == o.pk:
            posted = extra["edit_posted"]
            o.edit = {
                "label": posted.get("label", ""),
                "description": posted.get("description", ""),
                "maintenance": posted.get("maintenance", ""),
                "costs": [c for c in _cost_items(posted) if c[0] or c[1]] + [("", "")] * 2,
                "error": extra["edit_error"],
            }
        else:
            o.edit = {
                "label": o.label,
                "description": o.description,
                "maintenance": o.maintenance,
                "costs": [
                    (i.name, f"{i.amount_fen // 100}.{i.amount_fen % 100:02d}")
                    for i in o.cost_items.all()
                ]
                + [("", "")] * 2,
            }


@login_required
def compare(request, project_id: int):
    project = _project(request, project_id)
    rounds = [r for r in _design_ctx(request, project) if r.status == DesignRound.Status.PUBLISHED]
    return render(request, "planning/compare.html", {"project": project, "rounds": rounds})


@login_required
@require_POST
def round_new(request, project_id: int):
    project = _project(request, project_id)
    compounds = Compound.objects.filter(committee_id=project.committee_id)
    buildings = Building.objects.filter(compound__committee_id=project.committee_id)
    chosen_compounds = [get_visible(compounds, pk=i) for i in request.POST.getlist("compounds")]
    chosen_buildings = [get_visible(buildings, pk=i) for i in request.POST.getlist("buildings")]
    return run_service(
        request,
        lambda: services.round_create(
            actor=request.user,
            project=project,
            change_note=request.POST.get("change_note", ""),
            compounds=chosen_compounds,
            buildings=chosen_buildings,
        ),
        success=lambda rnd: _("第%(n)s轮方案草稿已建立") % {"n": rnd.number},
        redirect_to=_design_url(project.pk),
    )


def _design_url(project_id, option=None) -> str:
    url = reverse("planning:design", args=[project_id])
    return f"{url}#option-{option.pk}" if option is not None else url


def _round(request, round_id):
    return get_visible(selectors.rounds_visible_to(request.user), pk=round_id)


@login_required
@require_POST
def option_new(request, round_id: int):
    rnd = _round(request, round_id)
    costs = _cost_items(request.POST) + [("", "")] * 3
    return run_service(
        request,
        lambda: services.option_save(
            actor=request.user,
            round=rnd,
            label=request.POST.get("label", ""),
            description=request.POST.get("description", ""),
            maintenance=request.POST.get("maintenance", ""),
            cost_items=_cost_items(request.POST),
            files=request.FILES.getlist("files"),
        ),
        success=_("方案已保存"),
        redirect_to=_design_url(rnd.project_id),
        # the form again with what was typed (files must be chosen again)
        form_refusal=lambda status, reason: design(
            request,
            rnd.project_id,
            extra={"form_error": reason, "posted": request.POST, "posted_costs": costs[:3]},
            status=status,
        ),
    )


@login_required
@require_POST
def option_edit(request, option_id: int):
    opt = get_visible(selectors.options_visible_to(request.user), pk=option_id)
    editable = opt.round.status == DesignRound.Status.DRAFT and request.user.has_perm(
        "planning.plan", opt.round
    )
    return run_service(
        request,
        lambda: services.option_save(
            actor=request.user,
            round=opt.round,
            option=opt,
            label=request.POST.get("label", ""),
            description=request.POST.get("description", ""),
            maintenance=request.POST.get("maintenance", ""),
            cost_items=_cost_items(request.POST),
            files=request.FILES.getlist("files"),
        ),
        success=_("方案已修改"),
        redirect_to=_design_url(opt.round.project_id, opt),
        # this option's form again, open, with what was typed (files must be re-chosen);
        # nothing to re-show when it may not be edited: the refusal page says why
        form_refusal=(
            lambda status, reason: design(
                request,
                opt.round.project_id,
                extra={
                    "edit_option_id": opt.pk,
                    "edit_error": reason,
                    "edit_posted": request.POST,
                },
                status=status,
            )
        )
        if editable
        else None,
    )


@login_required
@require_POST
def option_remove(request, option_id: int):
    opt = get_visible(selectors.options_visible_to(request.user), pk=option_id)
    return run_service(
        request,
        lambda: services.option_remove(actor=request.user, option=opt),
        success=_("方案已从本轮删除"),
        redirect_to=_design_url(opt.round.project_id),
    )


@login_required
@require_POST
def round_publish(request, round_id: int):
    rnd = _round(request, round_id)
    return run_service(
        request,
        lambda: services.round_publish(actor=request.user, round=rnd),
        success=_("第%(n)s轮方案已发布，居民可以提意见和打分") % {"n": rnd.number},
        redirect_to=_design_url(rnd.project_id),
    )


@login_required
@require_POST
def option_rate(request, option_id: int):
    opt = get_visible(selectors.options_visible_to(request.user), pk=option_id)
    return run_service(
        request,
        lambda: services.option_rate(
            actor=request.user, option=opt, score=request.POST.get("score")
        ),
        success=_("谢谢您的评分"),
        redirect_to=_design_url(opt.round.project_id, opt),
    )


@login_required
@require_POST
def option_comment(request, option_id: int):
    opt = get_visible(selectors.options_visible_to(request.user), pk=option_id)
    return run_service(
        request,
        lambda: services.option_comment(
            actor=request.user, option=opt, text=request.POST.get("text", "")
        ),
        success=_("意见已提交，规划师会答复您"),
        redirect_to=_design_url(opt.round.project_id, opt),
    )


@login_required
@require_POST
def comment_reply(request, comment_id: int):
    c = get_visible(selectors.comments_visible_to(request.user), pk=comment_id)
    return run_service(
        request,
        lambda: services.comment_reply(
            actor=request.user, comment=c, reply=request.POST.get("reply", "")
        ),
        success=_("答复已发布"),
        redirect_to=_design_url(c.option.round.project_id, c.option),
    )


@login_required
@require_POST
def round_vote(request, round_id: int):
    rnd = _round(request, round_id)
    try:
        opens = datetime.datetime.fromisoformat(request.POST.get("opens_at", ""))
        closes = datetime.datetime.fromisoformat(request.POST.get("closes_at", ""))
    except ValueError:
        raise ServiceError(_("请填写表决的开始和截止时间")) from None
    from django.utils import timezone

    tz = timezone.get_current_timezone()
    return run_service(
        request,
        lambda: services.round_to_vote(
            actor=request.user,
            round=rnd,
            opens_at=timezone.make_aware(opens, tz) if timezone.is_naive(opens) else opens,
            closes_at=timezone.make_aware(closes, tz) if timezone.is_naive(closes) else closes,
            method=request.POST.get("method", "single"),
        ),
        success=lambda vote: _("已发起表决“%(title)s”（草稿）") % {"title": vote.title},
        redirect_to=_design_url(rnd.project_id),
    )


@login_required
def option_file(request, file_id: int):
    f = get_visible(
        OptionFile.objects.filter(option__in=selectors.options_visible_to(request.user)),
        pk=file_id,
    )
    if f.option.round.status != DesignRound.Status.PUBLISHED and not request.user.has_perm(
        "planning.plan", f.option.round
    ):
        raise Http404
    ctype = "application/pdf" if f.kind == "pdf" else mimetypes.guess_type(f.file.name)[0]
    return FileResponse(f.file.open("rb"), content_type=ctype)


# ------------------------------------------------------------ talent pool and pairing


def _planner_rows(request, planners):
    """Planners with masked contacts and the projects they served (rounds drafted or work
    logged for a project) — two queries for the whole page."""
    planners = list(planners)
    user_ids = [p.user_id for p in planners if p.user_id]
    served: dict[int, set[int]] = {}
    for uid, pid in DesignRound.objects.filter(created_by_id__in=user_ids).values_list(
        "created_by_id", "project_id"
    ):
        served.setdefault(uid, set()).add(pid)
    for uid, pid in WorkLog.objects.filter(
        author_id__in=user_ids, project__isnull=False
    ).values_list("author_id", "project_id"):
        served.setdefault(uid, set()).add(pid)
    rows = []
    for p in planners:
        p.projects_served = len(served.get(p.user_id, ())) if p.user_id else 0
        p.contact = (
            p.mobile
            if request.user.has_perm("planning.see_planner_contact", p)
            else mask_mobile(p.mobile)
        )
        rows.append(p)
    return rows


@login_required
def pool(request):
    districts = list(selectors.districts_of_pool(request.user))
    if not districts:
        raise Http404
    if request.method == "POST":
        district = get_visible(
            selectors.districts_of_pool(request.user), pk=request.POST.get("district")
        )
        from linli.accounts.models import User

        mobile = (request.POST.get("mobile") or "").strip()[:20]
        # A planner who already has an account (she logs in with this mobile) is linked at
        # once, so pairing her gives her the planning forms.
        account = User.objects.filter(mobile=mobile).first() if mobile else None
        return run_service(
            request,
            lambda: services.planner_add(
                actor=request.user,
                district=district,
                user=account,
                name=request.POST.get("name", ""),
                profession=request.POST.get("profession", ""),
                qualifications=request.POST.get("qualifications", ""),
                organisation=request.POST.get("organisation", ""),
                mobile=request.POST.get("mobile", ""),
                availability=request.POST.get("availability", "available"),
            ),
            success=_("已加入人才库"),
            redirect_to=reverse("planning:pool"),
        )
    planners = selectors.planners_visible_to(request.user)
    served = {}
    for pid, cid in Pairing.objects.filter(planner__in=planners).values_list(
        "planner_id", "street_id"
    ):
        served.setdefault(pid, set()).add(cid)
    return render(
        request,
        "planning/pool.html",
        {
            "planners": _planner_rows(request, planners),
            "districts": districts,
            "professions": Profession.choices,
            "availabilities": Planner.Availability.choices,
            "can_manage": any(request.user.has_perm("planning.manage_pool", d) for d in districts),
        },
    )


@login_required
@require_POST
def link_account(request, planner_id: int):
    planner = get_visible(selectors.planners_visible_to(request.user), pk=planner_id)
    return run_service(
        request,
        lambda: services.planner_link_account(
            actor=request.user, planner=planner, mobile=request.POST.get("mobile", "")
        ),
        success=_("已关联规划师的平台账号"),
        redirect_to=reverse("planning:pool"),
    )


@login_required
def coverage(request):
    if not selectors.districts_of_pool(request.user).exists():
        raise Http404
    return render(
        request,
        "planning/coverage.html",
        {
            **selectors.coverage(request.user),
            "pairings": selectors.pairings_visible_to(request.user)[:200],
            "planners": selectors.planners_visible_to(request.user).exclude(
                availability=Planner.Availability.UNAVAILABLE
            ),
        },
    )


@login_required
@require_POST
def pair(request):
    planner = get_visible(
        selectors.planners_visible_to(request.user), pk=request.POST.get("planner")
    )
    street = get_visible(
        Street.objects.filter(
            district_id__in=selectors.districts_of_pool(request.user).values("id")
        ),
        pk=request.POST.get("street"),
    )
    committee_id = request.POST.get("committee") or None
    committee = get_visible(street.committees.all(), pk=committee_id) if committee_id else None
    return run_service(
        request,
        lambda: services.planner_pair(
            actor=request.user,
            planner=planner,
            street=street,
            committee=committee,
            note=request.POST.get("note", ""),
        ),  # fmt: skip
        success=_("已为%(place)s结对规划师%(name)s")
        % {"place": committee or street, "name": planner.name},
        redirect_to=reverse("planning:coverage"),
    )


@login_required
@require_POST
def unpair(request, pairing_id: int):
    pairing = get_visible(selectors.pairings_visible_to(request.user), pk=pairing_id)
    return run_service(
        request,
        lambda: services.planner_unpair(actor=request.user, pairing=pairing),
        success=_("已解除结对"),
        redirect_to=reverse("planning:coverage"),
    )


# ------------------------------------------------------------ partners and co-building units


@login_required
def partners(request, committee_id: int):
    c = _committee(request, committee_id)
    if request.method == "POST":
        post = request.POST
        what = post.get("what")
        if what == "unit":
            action = lambda: services.cobuilding_unit_add(  # noqa: E731
                actor=request.user, committee=c, name=post.get("name", ""),
                offers=post.getlist("offers"), description=post.get("description", ""),
                contact=post.get("contact", ""),
            )  # fmt: skip
        elif what == "contribution":
            partner = get_visible(selectors.partners_for(request.user, c), pk=post.get("partner"))
            action = lambda: services.contribution_add(  # noqa: E731
                actor=request.user, partner=partner, date=_date(post.get("date")),
                description=post.get("description", ""), hours=post.get("hours") or 0,
            )  # fmt: skip
        else:
            action = lambda: services.partner_add(  # noqa: E731
                actor=request.user, committee=c, name=post.get("name", ""),
                profession=post.get("profession", ""), group=post.get("group", ""),
                team=post.get("team", ""), mobile=post.get("mobile", ""),
            )  # fmt: skip
        return run_service(
            request,
            action,
            success=_("已保存"),
            redirect_to=reverse("planning:partners", args=[c.pk]),
        )
    can_manage = request.user.has_perm("planning.manage_partners", c)
    plist = list(selectors.partners_for(request.user, c))
    for p in plist:
        p.contact = p.mobile if can_manage else mask_mobile(p.mobile)
    return render(
        request,
        "planning/partners.html",
        {
            "committee": c,
            "partners": plist,
            "units": selectors.units_for(request.user, c),
            "groups": Partner.Group.choices,
            "offers": CoBuildingUnit.Offer.choices,
            "can_manage": can_manage,
            "today": datetime.date.today().isoformat(),
        },
    )
