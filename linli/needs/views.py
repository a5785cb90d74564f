"""Needs pages: intake (online, QR, offline), the live needs board, triage (merge/split),
weights, versioned needs lists (page, public page, PDF, xlsx), 发现小微 and QR sheets.

Views are thin: scoped lookup (404 outside one's scope), a named rule (403), one service.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from linli.accounts.scopes import scopes_for
from linli.core.actions import run_form, run_service
from linli.core.errors import ScopeError, ServiceError
from linli.core.permissions import get_visible, require
from linli.engine.priority import hints_from_text
from linli.needs import adapters, exports, selectors, services
from linli.needs.forms import (
    AssessForm,
    NeedForm,
    OfflineNeedForm,
    OfflineSupportForm,
    ProjectForm,
    SpaceReportForm,
    VerifySpaceForm,
    WeightsForm,
)
from linli.needs.models import WEIGHT_FIELDS, Need, NeedSupport, SpaceReport
from linli.places.models import Building, Compound, MicroSpace
from linli.places.selectors import (
    committees_visible_to,
    compounds_visible_to,
    streets_managed_by,
)


def login_first(view):
    """``login_required`` that also says why, in Chinese, on the login page."""
    from functools import wraps

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            messages.info(request, "请先登录。登录后会回到刚才的页面，您填写的需求不会丢失。")
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def _location_map(need: Need) -> dict | None:
    """The need's point for includes/map.html (site plan position or WGS-84 point)."""
    label = str(need)
    if need.plan_x is not None and need.compound_id and need.compound.site_plan:
        return {
            "plan": need.compound.site_plan.url,
            "plan_points": [{"x": float(need.plan_x), "y": float(need.plan_y or 0), "name": label}],
            "features": {"type": "FeatureCollection", "features": []},
        }
    if need.lat is not None and need.lng is not None:
        feature = {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [float(need.lng), float(need.lat)]},
            "properties": {"name": label, "kind": "need"},
        }
        return {"features": {"type": "FeatureCollection", "features": [feature]}, "plan_points": []}
    return None


def _committee(request, committee_id):
    committee = get_visible(committees_visible_to(request.user), pk=committee_id)
    require(request.user, "needs.view_needs", committee)
    return committee


def _managed_committee(request, committee_id):
    committee = _committee(request, committee_id)
    require(request.user, "needs.manage_needs", committee, _("只有居委会工作人员可以进行此操作"))
    return committee


def _supported_groups(user, committee) -> set[int]:
    rows = NeedSupport.objects.filter(user=user, need__committee=committee).values_list(
        "need_id", "need__merged_into_id"
    )
    return {merged or need for need, merged in rows}


def _ctx(request, committee, **extra):
    return {
        "committee": committee,
        "can_manage": request.user.has_perm("needs.manage_needs", committee),
        "can_offline": request.user.has_perm("needs.open_offline_form", committee),
        "manages_street": committee.street_id in scopes_for(request.user).managed_street_ids,
        **extra,
    }


# ------------------------------------------------------------------ board and detail


@login_first
def board(request, committee_id: int):
    """The live needs list of a committee, ranked by the committee's weights."""
    committee = _committee(request, committee_id)
    weights = adapters.weights_for(committee)
    entries = adapters.ranked_entries([committee.pk], weights)
    category = request.GET.get("category") or ""
    if category:
        entries = [e for e in entries if e["category"] == category]
    return render(
        request,
        "needs/board.html",
        _ctx(
            request,
            committee,
            entries=entries,
            supported=_supported_groups(request.user, committee),
            weights=adapters.weights_record(weights),
            category=category,
            categories=adapters.CATEGORY_LABELS,
            compounds=committee.compounds.all(),
        ),
    )


@login_first
def detail(request, need_id: int):
    need = get_visible(selectors.needs_visible_to(request.user), pk=need_id)
    primary = services.primary_of(need)
    committee = need.committee
    weights = adapters.weights_for(committee)
    entry = next(
        (
            e
            for e in adapters.ranked_entries([committee.pk], weights, statuses=list(Need.Status))
            if e["need_id"] == primary.pk
        ),
        None,
    )
    members = [primary, *Need.objects.filter(merged_into=primary).order_by("created_at", "id")]
    can_manage = request.user.has_perm("needs.manage_needs", committee)
    return render(
        request,
        "needs/detail.html",
        _ctx(
            request,
            committee,
            need=need,
            primary=primary,
            members=members,
            photos=[p for m in members for p in m.photos.all()],
            map_data=_location_map(need) or _location_map(primary),
            entry=entry,
            supported=primary.pk in _supported_groups(request.user, committee),
            assess_form=AssessForm(initial={f: getattr(primary, f) for f in services.ASSESS_FIELDS})
            if can_manage
            else None,
            hints=hints_from_text(" ".join(m.text for m in members)) if can_manage else None,
            project_form=ProjectForm(initial={"title": primary.text[:40]}) if can_manage else None,
            support_form=OfflineSupportForm(committee=committee)
            if request.user.has_perm("needs.open_offline_form", committee)
            else None,
        ),
    )


# ------------------------------------------------------------------ intake


def _place_initial(request, committee) -> dict:
    initial = {}
    for key, model in (("building", Building), ("microspace", MicroSpace)):
        value = request.GET.get(key)
        if value and value.isdigit():
            obj = model.objects.filter(pk=int(value)).first()
            if obj is None:
                continue
            services._check_place(committee, obj)  # another community's code → clear 400
            initial[key] = obj
    return initial


def _map_compound(committee, place: dict):
    for key in ("microspace", "building"):
        if place.get(key) is not None:
            return place[key].compound
    return committee.compounds.order_by("id").first()


def _map_data(compound) -> dict | None:
    """What the location picker needs: the site plan if uploaded, else reference points."""
    if compound is None:
        return None
    points = [
        {"name": str(b.number), "lat": float(b.lat), "lng": float(b.lng)}
        for b in compound.buildings.exclude(lat=None).exclude(lng=None)
    ]
    center = (
        [float(compound.lat), float(compound.lng)]
        if compound.lat is not None and compound.lng is not None
        else (points[0]["lat"], points[0]["lng"])
        if points
        else None
    )
    return {
        "compound": compound.name,
        "plan": compound.site_plan.url if compound.site_plan else None,
        "center": center,
        "points": points,
    }


@login_first
def submit(request, committee_id: int):
    committee = get_visible(committees_visible_to(request.user), pk=committee_id)
    if not request.user.has_perm("needs.submit_need", committee):
        raise ScopeError(
            _("您不是%(name)s的居民或工作人员，不能在此提交需求") % {"name": committee.name}
        )
    initial = _place_initial(request, committee)
    compound = _map_compound(committee, initial)
    if compound is not None:
        initial.setdefault("compound", compound)
    form = NeedForm(
        request.POST or None, request.FILES or None, committee=committee, initial=initial
    )
    return run_form(
        request,
        form,
        lambda data: services.need_submit(actor=request.user, committee=committee, **data),
        template="needs/submit.html",
        success=_("谢谢！您的需求已提交，邻居们可以看到并支持它。"),
        redirect_to=lambda need: reverse("needs:detail", args=[need.pk]),
        context=lambda: _ctx(request, committee, place=initial, map_data=_map_data(compound)),
    )


@login_required
@require_GET
def duplicates(request, committee_id: int):
    """htmx: "someone already said this" while the resident types."""
    committee = _committee(request, committee_id)
    text = (request.GET.get("text") or "")[:500]
    found = adapters.duplicate_suggestions(committee, text) if len(text.strip()) >= 4 else []
    return render(
        request,
        "needs/_duplicates.html",
        {"found": found, "supported": _supported_groups(request.user, committee)},
    )


@login_required
def offline(request, committee_id: int):
    committee = _committee(request, committee_id)
    require(
        request.user,
        "needs.open_offline_form",
        committee,
        _("只有居委会工作人员和楼组长可以录入线下需求"),
    )
    scopes = scopes_for(request.user)
    initial = {}
    if not request.user.has_perm("needs.manage_needs", committee) and scopes.led_building_ids:
        initial["building"] = Building.objects.filter(id__in=scopes.led_building_ids).first()
    form = OfflineNeedForm(
        request.POST or None, request.FILES or None, committee=committee, initial=initial
    )

    return run_form(
        request,
        form,
        lambda data: services.need_record_offline(
            actor=request.user,
            committee=committee,
            **{**data, "meeting_kind": data["meeting_kind"] or ""},
        ),
        template="needs/offline.html",
        success=lambda need: _("已录入：%(need)s") % {"need": need},
        redirect_to=reverse("needs:offline", args=[committee.pk]),
        context=lambda: _ctx(request, committee),
    )


# ------------------------------------------------------------------ actions on one need


def _back(request, default: str) -> str:
    """Where a button sends the user back: the page it sat on (``next``), else ``default``."""
    target = request.POST.get("next") or ""
    if target.startswith("/") and not target.startswith("//"):
        return target
    return default


@login_required
@require_POST
def support(request, need_id: int):
    need = get_visible(selectors.needs_visible_to(request.user), pk=need_id)
    try:
        services.need_support(actor=request.user, need=need)
        ok, text = True, _("已支持：我也需要")
    except ServiceError as exc:
        if exc.status == 403:
            raise
        ok, text = False, exc.message
    if request.htmx:
        entry_supporters = next(
            (
                g["supporters"]
                for g in adapters.group_stats([need.committee_id])
                if g["primary"].pk == services.primary_of(need).pk
            ),
            None,
        )
        return render(
            request,
            "needs/_support_result.html",
            {"ok": ok, "text": text, "supporters": entry_supporters},
            status=200 if ok else 409,
        )
    (messages.success if ok else messages.error)(request, text)
    return redirect(_back(request, reverse("needs:detail", args=[need.pk])))


@login_required
@require_POST
def support_offline(request, need_id: int):
    need = get_visible(selectors.needs_visible_to(request.user), pk=need_id)
    form = OfflineSupportForm(request.POST, committee=need.committee)
    if not form.is_valid():
        raise ServiceError("；".join(e for errs in form.errors.values() for e in errs))
    return run_service(
        request,
        lambda: services.need_support_offline(actor=request.user, need=need, **form.cleaned_data),
        success=_("已记录一位线下支持的居民"),
        redirect_to=reverse("needs:detail", args=[need.pk]),
    )


@login_required
@require_POST
def split(request, need_id: int):
    need = get_visible(selectors.needs_visible_to(request.user), pk=need_id)
    return run_service(
        request,
        lambda: services.need_split(actor=request.user, need=need),
        success=_("已拆分：“%(need)s”重新单独计数") % {"need": need},
        redirect_to=_back(request, reverse("needs:triage", args=[need.committee_id])),
    )


@login_required
@require_POST
def assess(request, need_id: int):
    need = get_visible(selectors.needs_visible_to(request.user), pk=need_id)
    require(request.user, "needs.manage_needs", need.committee)
    form = AssessForm(request.POST)
    if not form.is_valid():
        raise ServiceError("；".join(e for errs in form.errors.values() for e in errs))
    return run_service(
        request,
        lambda: services.need_assess(
            actor=request.user, need=services.primary_of(need), **form.cleaned_data
        ),
        success=_("已保存评估，排序已更新"),
        redirect_to=reverse("needs:detail", args=[need.pk]),
    )


@login_required
@require_POST
def to_project(request, need_id: int):
    need = get_visible(selectors.needs_visible_to(request.user), pk=need_id)
    require(request.user, "needs.manage_needs", need.committee)
    form = ProjectForm(request.POST)
    if not form.is_valid():
        raise ServiceError(_("请填写项目名称（不超过80字）"))
    return run_service(
        request,
        lambda: services.need_to_project(actor=request.user, need=need, **form.cleaned_data),
        success=lambda project: _("已转为项目“%(title)s”") % {"title": project.title},
        redirect_to=lambda project: reverse("projects:detail", args=[project.pk]),
    )


# ------------------------------------------------------------------ triage


@login_required
def triage(request, committee_id: int):
    committee = _managed_committee(request, committee_id)
    clusters = adapters.duplicate_clusters(committee)
    merged = {}
    for n in (
        Need.objects.filter(committee=committee, merged_into__isnull=False)
        .select_related("merged_into")
        .order_by("merged_into_id", "created_at")
    ):
        merged.setdefault(n.merged_into, []).append(n)
    counts = {g["primary"].pk: g["supporters"] for g in adapters.group_stats([committee.pk])}
    return render(
        request,
        "needs/triage.html",
        _ctx(
            request,
            committee,
            clusters=clusters,
            merged=list(merged.items()),
            counts=counts,
            reports=SpaceReport.objects.filter(committee=committee, status="new").count(),
        ),
    )


@login_required
@require_POST
def merge(request, committee_id: int):
    committee = _managed_committee(request, committee_id)
    ids = [
        int(i) for i in (v.strip().lstrip("#") for v in request.POST.getlist("need")) if i.isdigit()
    ]
    target_id = (request.POST.get("target") or "").strip().lstrip("#")
    scoped = selectors.needs_visible_to(request.user).filter(committee=committee)
    if not target_id.isdigit():
        raise ServiceError(_("请选择保留哪一条作为主需求"))
    target = get_visible(scoped, pk=int(target_id))
    others = list(scoped.filter(pk__in=[i for i in ids if i != target.pk]))
    return run_service(
        request,
        lambda: services.need_merge(actor=request.user, target=target, needs=others),
        success=_("已把%(len)s条重复需求合并到“%(target)s”，原话和支持者全部保留")
        % {"len": len(others), "target": target},
        redirect_to=_back(request, reverse("needs:triage", args=[committee.pk])),
    )


@login_required
def weights(request, committee_id: int):
    committee = _managed_committee(request, committee_id)
    current = adapters.weights_for(committee)
    form = WeightsForm(
        request.POST or None, initial={f: getattr(current, f) for f in WEIGHT_FIELDS}
    )
    return run_form(
        request,
        form,
        lambda data: services.weights_update(actor=request.user, committee=committee, **data),
        template="needs/weights.html",
        success=_("权重已保存；下一版需求清单将使用新权重"),
        redirect_to=reverse("needs:board", args=[committee.pk]),
        context=lambda: _ctx(request, committee, current=adapters.weights_record(current)),
    )


# ------------------------------------------------------------------ needs lists


@login_required
def lists(request, committee_id: int):
    committee = _committee(request, committee_id)
    if request.method == "POST":
        return run_service(
            request,
            lambda: services.needs_list_create(
                actor=request.user, committee=committee, title=request.POST.get("title", "")
            ),
            success=lambda lst: _("已生成第%(version)s版需求清单") % {"version": lst.version},
            redirect_to=lambda lst: reverse("needs:list_detail", args=[lst.pk]),
        )
    qs = selectors.needs_lists_visible_to(request.user).filter(committee=committee)
    if not request.user.has_perm("needs.manage_needs", committee):
        qs = qs.filter(published_at__isnull=False)
    return render(request, "needs/lists.html", _ctx(request, committee, lists=qs))


@login_required
def street_lists(request, street_id: int):
    street = get_visible(streets_managed_by(request.user), pk=street_id)
    if request.method == "POST":
        return run_service(
            request,
            lambda: services.needs_list_create(actor=request.user, street=street),
            success=lambda lst: _("已生成第%(version)s版街道汇总清单") % {"version": lst.version},
            redirect_to=lambda lst: reverse("needs:list_detail", args=[lst.pk]),
        )
    qs = selectors.needs_lists_visible_to(request.user).filter(street=street)
    return render(request, "needs/street_lists.html", {"street": street, "lists": qs})


def _visible_list(request, list_id: int):
    lst = get_visible(selectors.needs_lists_visible_to(request.user), pk=list_id)
    require(request.user, "needs.view_list", lst)
    if not lst.is_published and not request.user.has_perm("needs.manage_list", lst):
        raise ScopeError(_("这一版需求清单尚未公开"))
    return lst


@login_required
def list_detail(request, list_id: int):
    lst = _visible_list(request, list_id)
    return render(
        request,
        "needs/list_detail.html",
        {
            "lst": lst,
            "can_manage": request.user.has_perm("needs.manage_list", lst),
            "public": False,
        },
    )


@login_required
@require_POST
def list_publish(request, list_id: int):
    lst = _visible_list(request, list_id)
    return run_service(
        request,
        lambda: services.needs_list_publish(actor=request.user, needs_list=lst),
        success=_("已公开：居民可通过公开链接和PDF查看这一版需求清单"),
        redirect_to=lambda lst: reverse("needs:list_detail", args=[lst.pk]),
    )


@login_required
def list_pdf(request, list_id: int):
    return exports.list_pdf_response(request, _visible_list(request, list_id))


@login_required
def list_xlsx(request, list_id: int):
    return exports.list_xlsx_response(_visible_list(request, list_id))


@require_GET
def public_list(request, token: str):
    lst = selectors.published_list(token)
    return render(request, "needs/list_detail.html", {"lst": lst, "public": True})


@require_GET
def public_pdf(request, token: str):
    return exports.list_pdf_response(request, selectors.published_list(token))


# ------------------------------------------------------------------ QR codes


def _scan(request, queryset, pk: int, param: str):
    """A printed QR code: open the need form pre-filled with where it was scanned.

    Anonymous visitors log in first whatever the id; then a code of another community and
    a code that does not exist get the same 404 and message, so ids reveal nothing."""
    from linli.places.hierarchy import committee_id_of

    if not request.user.is_authenticated:
        messages.info(request, "请先登录，登录后会回到需求表单")
        return redirect_to_login(request.get_full_path())
    obj = queryset.filter(pk=pk).first()
    cid = committee_id_of(obj) if obj is not None else None
    if cid is None or cid not in scopes_for(request.user).visible_committee_ids:
        raise ServiceError(
            _(
                "这个二维码不属于您所在的社区，或者已经失效，不能在这里提交需求。"
                "请扫描您所在小区张贴的二维码，或联系本社区居委会。"
            ),
            code="not_found",
            status=404,
        )
    return redirect(reverse("needs:submit", args=[cid]) + (f"?{param}={obj.pk}" if param else ""))


@require_GET
def scan_building(request, building_id: int):
    return _scan(request, Building.objects.select_related("compound"), building_id, "building")


@require_GET
def scan_microspace(request, microspace_id: int):
    return _scan(
        request, MicroSpace.objects.select_related("compound"), microspace_id, "microspace"
    )


@require_GET
def scan_compound(request, compound_id: int):
    return _scan(request, Compound.objects.all(), compound_id, "")


@login_required
def qr_sheet(request, compound_id: int):
    compound = get_visible(compounds_visible_to(request.user), pk=compound_id)
    require(request.user, "needs.manage_needs", compound, _("只有居委会工作人员可以打印二维码"))
    return exports.qr_sheet_response(request, compound)


# ------------------------------------------------------------------ 发现小微


@login_first
def space_report_new(request, committee_id: int):
    committee = _committee(request, committee_id)
    require(request.user, "needs.report_space", committee)
    form = SpaceReportForm(request.POST or None, request.FILES or None, committee=committee)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.space_report_submit(
                    actor=request.user,
                    committee=committee,
                    compound=data["compound"],
                    building=data["building"],
                    kind=data["kind"],
                    place=data["place"],
                    problem=data["problem"],
                    photo=data["photo"],
                )
            except ServiceError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("谢谢！居委会核实后会登记到小微空间名录"))
                return redirect("needs:board", committee.pk)
        status = 400
    return render(
        request, "needs/space_report_form.html", _ctx(request, committee, form=form), status=status
    )


@login_required
def space_reports(request, committee_id: int):
    committee = _committee(request, committee_id)
    reports = selectors.space_reports_visible_to(request.user).filter(committee=committee)
    can_manage = request.user.has_perm("needs.manage_needs", committee)
    forms_by_id = {
        r.pk: VerifySpaceForm(prefix=f"r{r.pk}", initial={"name": r.place[:60], "kind": r.kind})
        for r in reports
        if can_manage and r.status == SpaceReport.Status.NEW
    }
    return render(
        request,
        "needs/space_reports.html",
        _ctx(request, committee, reports=reports, verify_forms=forms_by_id),
    )


@login_required
@require_POST
def space_verify(request, report_id: int):
    report = get_visible(selectors.space_reports_visible_to(request.user), pk=report_id)
    require(request.user, "needs.manage_needs", report.committee)
    form = VerifySpaceForm(request.POST, prefix=f"r{report.pk}")
    if not form.is_valid():
        raise ServiceError(_("请填写登记名称和类型"))
    ms = services.space_report_verify(actor=request.user, report=report, **form.cleaned_data)
    messages.success(request, _("已登记为小微空间“%(name)s”") % {"name": ms.name})
    return redirect("places:microspace", ms.pk)


@login_required
@require_POST
def space_reject(request, report_id: int):
    report = get_visible(selectors.space_reports_visible_to(request.user), pk=report_id)
    require(request.user, "needs.manage_needs", report.committee)
    services.space_report_reject(
        actor=request.user, report=report, note=request.POST.get("note", "")
    )
    messages.success(request, _("已标记为未采纳"))
    return redirect("needs:space_reports", report.committee_id)
