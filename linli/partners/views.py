"""Partner pages: the organisation (secretariat, five committees, teams, members), apply on
a phone, committee recommendation, the secretariat's review queue, partner profiles, teams,
co-building units and contributions."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.actions import run_form, run_service
from linli.core.errors import ScopeError
from linli.core.permissions import get_visible, require
from linli.partners import forms, selectors, services
from linli.partners.models import Partner, PartnerOrganisation
from linli.partners.rules import streets_seen
from linli.places.models import Street

PAGE_SIZE = 50


def _street(request, street_id: int) -> Street:
    return get_visible(Street.objects.filter(pk__in=streets_seen(request.user)), pk=street_id)


def _org(request, street_id: int) -> PartnerOrganisation:
    street = _street(request, street_id)
    org = PartnerOrganisation.objects.filter(street=street).select_related("street").first()
    if org is None:
        raise ScopeError(_("该街道（镇）尚未成立社区合伙人组织"))
    return org


def _form_page(request, form, action, *, heading, submit, back, success, redirect_to, help=""):
    return run_form(
        request,
        form,
        action,
        template="partners/form.html",
        success=success,
        redirect_to=redirect_to,
        context={"heading": heading, "submit": submit, "back": back, "help": help},
    )


@login_required
def index(request):
    """The partner organisations of the user's streets (one per street)."""
    streets = Street.objects.filter(pk__in=streets_seen(request.user)).order_by("name")
    orgs = {o.street_id: o for o in selectors.organisations_visible_to(request.user)}
    if len(streets) == 1 and streets[0].pk in orgs:
        return redirect("partners:organisation", streets[0].pk)
    rows = [
        {
            "street": s,
            "org": orgs.get(s.pk),
            "can_create": request.user.has_perm("partners.create_organisation", s),
        }
        for s in streets
    ]
    return render(request, "partners/index.html", {"rows": rows})


@login_required
def organisation_create(request, street_id: int):
    street = _street(request, street_id)
    require(
        request.user,
        "partners.create_organisation",
        street,
        _("只有街道（镇）工作人员可以成立社区合伙人组织"),
    )
    return _form_page(
        request,
        forms.OrganisationForm(request.POST or None),
        lambda d: services.organisation_create(actor=request.user, street=street, **d),
        heading=_("成立%(s)s社区合伙人组织") % {"s": street.name},
        submit=_("成立"),
        back=reverse("partners:index"),
        success=_("社区合伙人组织已成立，五个委员会已建立"),
        redirect_to=reverse("partners:organisation", args=[street.pk]),
        help=_("“1+5+n”：1个秘书处、5个委员会（智库、规划、治理、媒体、教育）和n个团队。"),
    )


@login_required
def organisation(request, street_id: int):
    street = _street(request, street_id)
    org = PartnerOrganisation.objects.filter(street=street).first()
    if org is None:
        return redirect("partners:index")
    user = request.user
    can_manage = user.has_perm("partners.manage_organisation", org)
    secretariat = org.partners.filter(status=Partner.Status.ACTIVE, in_secretariat=True).order_by(
        "name"
    )
    teams = (
        org.teams.select_related("leader", "partner_committee")
        .prefetch_related("memberships__partner")
        .order_by("name")
    )
    mine = (
        org.partners.filter(user=user).order_by("-applied_at").first()
        if user.is_authenticated
        else None
    )
    return render(
        request,
        "partners/organisation.html",
        {
            "org": org,
            "street": street,
            "summary": selectors.organisation_summary(org),
            "secretariat": secretariat,
            "committees": selectors.committees_with_members(org),
            "teams": teams,
            "can_manage": can_manage,
            "can_recommend": user.has_perm("partners.recommend", org),
            "can_apply": user.has_perm("partners.apply", org),
            "mine": mine,
        },
    )


@login_required
def apply(request, street_id: int):
    """Online application 网络招募 (phone first)."""
    org = _org(request, street_id)
    require(request.user, "partners.apply", org, _("您不在该街道（镇）范围内，不能申请"))
    mine = (
        org.partners.filter(user=request.user, status__in=services.OPEN).first()
        or org.partners.filter(mobile=request.user.mobile, status__in=services.OPEN).first()
    )
    if mine is not None and request.method != "POST":
        return render(request, "partners/apply_done.html", {"org": org, "partner": mine})
    form = forms.ApplyForm(request.POST or None, organisation=org)
    return run_form(
        request,
        form,
        lambda d: services.partner_apply(actor=request.user, organisation=org, **d),
        template="partners/apply.html",
        success=_("申请已提交，秘书处审核后会通知您"),
        redirect_to=reverse("partners:apply", args=[org.street_id]),
        context={"org": org},
    )


@login_required
def recommend(request, street_id: int):
    org = _org(request, street_id)
    require(request.user, "partners.recommend", org, _("您无权向该组织推荐社区合伙人"))
    return _form_page(
        request,
        forms.RecommendForm(request.POST or None, organisation=org),
        lambda d: services.partner_recommend(actor=request.user, organisation=org, **d),
        heading=_("社区推荐合伙人"),
        submit=_("提交推荐"),
        back=reverse("partners:organisation", args=[org.street_id]),
        success=_("推荐已提交，等待秘书处审核"),
        redirect_to=reverse("partners:organisation", args=[org.street_id]),
        help=_("居委会推荐热心、有专长的居民，由秘书处审核；通过后其账号获得“社区合伙人”角色。"),
    )


@login_required
def review(request, street_id: int):
    """The secretariat's review queue: pending applications and recommendations."""
    org = _org(request, street_id)
    require(
        request.user,
        "partners.review_application",
        org,
        _("只有秘书处和街道（镇）工作人员可以审核"),
    )
    pending = (
        org.partners.filter(status=Partner.Status.APPLIED)
        .select_related("home_committee", "recommended_by")
        .order_by("applied_at", "id")[:PAGE_SIZE]
    )
    decided = (
        org.partners.exclude(status=Partner.Status.APPLIED)
        .filter(decided_at__isnull=False)
        .select_related("decided_by")
        .order_by("-decided_at")[:20]
    )
    return render(
        request,
        "partners/review.html",
        {
            "org": org,
            "pending": pending,
            "decided": decided,
            "approve_form": forms.ApproveForm(organisation=org),
            "decline_form": forms.DeclineForm(),
        },
    )


def _partner(request, partner_id: int) -> Partner:
    return get_visible(selectors.partners_visible_to(request.user), pk=partner_id)


@login_required
@require_POST
def approve(request, partner_id: int):
    partner = _partner(request, partner_id)
    form = forms.ApproveForm(request.POST, organisation=partner.organisation)
    back = reverse("partners:review", args=[partner.organisation.street_id])
    pc = form.cleaned_data["partner_committee"] if form.is_valid() else None
    return run_service(
        request,
        lambda: services.partner_approve(actor=request.user, partner=partner, partner_committee=pc),
        success=_("已通过：%(n)s成为社区合伙人") % {"n": partner.name},
        redirect_to=back,
    )


@login_required
@require_POST
def decline(request, partner_id: int):
    partner = _partner(request, partner_id)
    org = partner.organisation
    require(
        request.user,
        "partners.review_application",
        partner,
        _("只有秘书处和街道（镇）工作人员可以审核"),
    )
    form = forms.DeclineForm(request.POST)
    return run_form(
        request,
        form,
        lambda d: services.partner_decline(actor=request.user, partner=partner, **d),
        template="partners/form.html",
        success=_("已记录未通过原因"),
        redirect_to=reverse("partners:review", args=[org.street_id]),
        context={
            "heading": _("未通过：%(n)s") % {"n": partner.name},
            "submit": _("确认未通过"),
            "back": reverse("partners:review", args=[org.street_id]),
        },
    )


@login_required
def profile(request, partner_id: int):
    partner = _partner(request, partner_id)
    user = request.user
    can_manage = user.has_perm("partners.manage_organisation", partner)
    form = None
    if can_manage and partner.status == Partner.Status.ACTIVE:
        form = forms.PartnerEditForm(
            initial={
                "partner_committee": partner.partner_committee_id,
                "in_secretariat": partner.in_secretariat,
                "secretariat_title": partner.secretariat_title,
            },
            organisation=partner.organisation,
        )
    return render(
        request,
        "partners/profile.html",
        {
            "partner": partner,
            "org": partner.organisation,
            "teams": partner.memberships.select_related("team").order_by("team__name"),
            "contributions": partner.contributions.select_related("project", "activity")[:30],
            "see_contacts": user.has_perm("partners.see_partner_contacts", partner),
            "can_manage": can_manage,
            "edit_form": form,
        },
    )


@login_required
def partner_edit(request, partner_id: int):
    partner = _partner(request, partner_id)
    require(request.user, "partners.manage_organisation", partner, _("您无权管理该合伙人组织"))
    return _form_page(
        request,
        forms.PartnerEditForm(request.POST or None, organisation=partner.organisation),
        lambda d: services.partner_update(actor=request.user, partner=partner, **d),
        heading=_("调整：%(n)s") % {"n": partner.name},
        submit=_("保存"),
        back=reverse("partners:profile", args=[partner.pk]),
        success=_("已保存"),
        redirect_to=reverse("partners:profile", args=[partner.pk]),
    )


@login_required
@require_POST
def partner_leave(request, partner_id: int):
    partner = _partner(request, partner_id)
    return run_service(
        request,
        lambda: services.partner_leave(actor=request.user, partner=partner),
        success=_("已办理退出"),
        redirect_to=reverse("partners:profile", args=[partner.pk]),
    )


@login_required
def committee_edit(request, partner_committee_id: int):
    committee = get_visible(selectors.committees_visible_to(request.user), pk=partner_committee_id)
    org = committee.organisation
    require(request.user, "partners.manage_organisation", committee, _("您无权管理该合伙人组织"))
    form = forms.CommitteeForm(
        request.POST or None,
        organisation=org,
        initial={"leader": committee.leader_id, "duties": committee.duties},
    )
    return _form_page(
        request,
        form,
        lambda d: services.committee_update(actor=request.user, committee=committee, **d),
        heading=str(committee),
        submit=_("保存"),
        back=reverse("partners:organisation", args=[org.street_id]),
        success=_("已保存"),
        redirect_to=reverse("partners:organisation", args=[org.street_id]),
    )


@login_required
def team_create(request, street_id: int):
    org = _org(request, street_id)
    require(request.user, "partners.manage_organisation", org, _("您无权管理该合伙人组织"))
    return _form_page(
        request,
        forms.TeamForm(request.POST or None, organisation=org),
        lambda d: services.team_create(actor=request.user, organisation=org, **d),
        heading=_("新建合伙人团队"),
        submit=_("建立团队"),
        back=reverse("partners:organisation", args=[org.street_id]),
        success=_("团队已建立"),
        redirect_to=lambda team: reverse("partners:team", args=[team.pk]),
    )


@login_required
def team(request, team_id: int):
    t = get_visible(selectors.teams_visible_to(request.user), pk=team_id)
    can_manage = request.user.has_perm("partners.manage_organisation", t)
    form = forms.MemberForm(request.POST or None, organisation=t.organisation)
    if request.method == "POST":
        require(request.user, "partners.manage_organisation", t, _("您无权管理该团队"))
    return run_form(
        request,
        form,
        lambda d: services.team_add_member(actor=request.user, team=t, partner=d["partner"]),
        template="partners/team.html",
        success=_("成员已加入"),
        redirect_to=reverse("partners:team", args=[t.pk]),
        context=lambda: {
            "team": t,
            "members": t.memberships.select_related("partner").order_by("joined_at"),
            "activities": t.activities.order_by("-starts_at")[:20],
            "can_manage": can_manage,
        },
    )


def _team_and_member(request, team_id, partner_id):
    t = get_visible(selectors.teams_visible_to(request.user), pk=team_id)
    return t, get_visible(t.organisation.partners.all(), pk=partner_id)


@login_required
@require_POST
def team_set_leader(request, team_id: int, partner_id: int):
    t, partner = _team_and_member(request, team_id, partner_id)
    return run_service(
        request,
        lambda: services.team_set_leader(actor=request.user, team=t, leader=partner),
        success=_("已设为队长"),
        redirect_to=reverse("partners:team", args=[t.pk]),
    )


@login_required
@require_POST
def team_remove_member(request, team_id: int, partner_id: int):
    t, partner = _team_and_member(request, team_id, partner_id)
    return run_service(
        request,
        lambda: services.team_remove_member(actor=request.user, team=t, partner=partner),
        success=_("已移出团队"),
        redirect_to=reverse("partners:team", args=[t.pk]),
    )


@login_required
def units(request, street_id: int):
    street = _street(request, street_id)
    can_manage = request.user.has_perm("partners.manage_units", street)
    form = forms.UnitForm(request.POST or None)
    if request.method == "POST":
        require(
            request.user, "partners.manage_units", street, _("您无权登记该街道（镇）的共建单位")
        )
    return run_form(
        request,
        form,
        lambda d: services.unit_add(actor=request.user, street=street, **d),
        template="partners/units.html",
        success=_("共建单位已登记"),
        redirect_to=reverse("partners:units", args=[street.pk]),
        context=lambda: {
            "street": street,
            "units": street.co_building_units.order_by("name")[:200],
            "can_manage": can_manage,
        },
    )


@login_required
def contributions(request, street_id: int):
    org = _org(request, street_id)
    can_record = request.user.has_perm("partners.record_contribution", org)
    form = forms.ContributionForm(request.POST or None, organisation=org)
    if request.method == "POST":
        require(request.user, "partners.record_contribution", org, _("您无权登记该组织的贡献"))
    return run_form(
        request,
        form,
        lambda d: services.contribution_record(actor=request.user, organisation=org, **d),
        template="partners/contributions.html",
        success=_("贡献已登记"),
        redirect_to=reverse("partners:contributions", args=[org.street_id]),
        context=lambda: {
            "org": org,
            "rows": org.contributions.select_related("partner", "unit", "project", "activity")[
                :100
            ],
            "summary": selectors.organisation_summary(org),
            "can_record": can_record,
        },
    )
