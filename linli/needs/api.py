"""Needs endpoints: the same services, rules and scoped selectors as the pages.

Anonymous needs show no author to other residents; offline needs carry their channel and
meeting. ``/committees/{id}/ranking`` returns exactly the entries the board and a new
needs-list version are built from.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from linli.core.actions import service_args
from linli.core.errors import ServiceError
from linli.core.permissions import get_visible, require
from linli.needs import adapters, selectors, services
from linli.needs.models import WEIGHT_FIELDS, AgeGroup, Category, Need, NeedsList, SpaceReport
from linli.places.models import Building, MicroSpace
from linli.places.selectors import (
    committees_visible_to,
    compounds_visible_to,
    streets_managed_by,
)

router = Router(tags=["需求征集"])


class NeedOut(Schema):
    id: int
    committee_id: int
    text: str
    category: str
    category_label: str
    channel: str
    channel_label: str
    meeting_kind: str
    building_id: int | None
    building: str
    microspace_id: int | None
    status: str
    merged_into_id: int | None
    project_id: int | None
    author: str
    anonymous: bool
    photos: list[str]
    created_at: datetime


def _author(need: Need, user) -> str:
    if need.author_id is None:
        return _("线下收集")
    if need.anonymous and not user.has_perm("needs.manage_needs", need.committee):
        return _("匿名居民")
    return need.author.name


def _need_out(need: Need, user) -> NeedOut:
    return NeedOut(
        id=need.pk,
        committee_id=need.committee_id,
        text=need.text,
        category=need.category,
        category_label=need.get_category_display(),
        channel=need.channel,
        channel_label=need.get_channel_display(),
        meeting_kind=need.meeting_kind,
        building_id=need.building_id,
        building=need.building.number if need.building_id else "",
        microspace_id=need.microspace_id,
        status=need.status,
        merged_into_id=need.merged_into_id,
        project_id=need.project_id,
        author=_author(need, user),
        anonymous=need.anonymous,
        photos=[p.image.url for p in need.photos.all()],
        created_at=need.created_at,
    )


def _committee(request, committee_id: int):
    committee = get_visible(committees_visible_to(request.auth), pk=committee_id)
    require(request.auth, "needs.view_needs", committee)
    return committee


def _place(model, pk):
    if pk is None:
        return None
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise ServiceError(_("所选楼栋或小微空间不存在"), code="not_found", status=404)
    return obj


@router.get("/", response=list[NeedOut], summary="需求列表（可按居委会、状态筛选）")
def list_needs(request, committee_id: int | None = None, status: str | None = None):
    qs = (
        selectors.needs_visible_to(request.auth).prefetch_related("photos").select_related("author")
    )
    if committee_id is not None:
        qs = qs.filter(committee_id=committee_id)
    if status:
        qs = qs.filter(status=status)
    return [_need_out(n, request.auth) for n in qs[:500]]


@router.get("/{int:need_id}", response=NeedOut, summary="需求详情")
def get_need(request, need_id: int):
    need = get_visible(selectors.needs_visible_to(request.auth), pk=need_id)
    return _need_out(need, request.auth)


class NeedIn(Schema):
    committee_id: int
    text: str = Field(..., max_length=2000)
    category: str = Category.OTHER
    building_id: int | None = None
    microspace_id: int | None = None
    anonymous: bool = False
    lat: Decimal | None = None
    lng: Decimal | None = None
    plan_x: Decimal | None = None
    plan_y: Decimal | None = None


@router.post("/", response={201: NeedOut}, summary="居民提交需求（线上）")
def submit_need(request, payload: NeedIn):
    committee = get_visible(committees_visible_to(request.auth), pk=payload.committee_id)
    need = services.need_submit(
        actor=request.auth,
        **service_args(
            payload,
            committee=committee,
            building=_place(Building, payload.building_id),
            microspace=_place(MicroSpace, payload.microspace_id),
        ),
    )
    return Status(201, _need_out(need, request.auth))


@router.post("/{int:need_id}/photos", response={201: NeedOut}, summary="为自己的需求上传照片")
def add_photos(
    request, need_id: int, photos: list[UploadedFile] = File(...), share_location: bool = False
):
    need = get_visible(selectors.needs_visible_to(request.auth), pk=need_id)
    need = services.need_add_photos(
        actor=request.auth, need=need, photos=photos, share_location=share_location
    )
    return Status(201, _need_out(need, request.auth))


class OfflineIn(Schema):
    committee_id: int
    text: str = Field(..., max_length=2000)
    channel: str
    category: str = Category.OTHER
    meeting_kind: str = ""
    meeting_date: date | None = None
    building_id: int | None = None
    microspace_id: int | None = None
    reporter_label: str = Field("", max_length=50)
    reporter_age_group: str = AgeGroup.UNKNOWN


@router.post("/offline", response={201: NeedOut}, summary="录入线下收集的需求")
def record_offline(request, payload: OfflineIn):
    committee = _committee(request, payload.committee_id)
    need = services.need_record_offline(
        actor=request.auth,
        **service_args(
            payload,
            committee=committee,
            building=_place(Building, payload.building_id),
            microspace=_place(MicroSpace, payload.microspace_id),
        ),
    )
    return Status(201, _need_out(need, request.auth))


class SupportOut(Schema):
    need_id: int
    supporters: int


def _supporters(need: Need) -> int:
    primary = services.primary_of(need)
    for g in adapters.group_stats([need.committee_id], statuses=list(Need.Status)):
        if g["primary"].pk == primary.pk:
            return g["supporters"]
    return 0


@router.post("/{int:need_id}/support", response={201: SupportOut}, summary="我也需要（每人一次）")
def support_need(request, need_id: int):
    need = get_visible(selectors.needs_visible_to(request.auth), pk=need_id)
    support = services.need_support(actor=request.auth, need=need)
    return Status(201, SupportOut(need_id=support.need_id, supporters=_supporters(need)))


class OfflineSupportIn(Schema):
    channel: str
    building_id: int | None = None
    age_group: str = AgeGroup.UNKNOWN


@router.post("/{int:need_id}/offline-support", response={201: SupportOut}, summary="记录线下支持")
def support_offline(request, need_id: int, payload: OfflineSupportIn):
    need = get_visible(selectors.needs_visible_to(request.auth), pk=need_id)
    support = services.need_support_offline(
        actor=request.auth,
        need=need,
        **service_args(payload, building=_place(Building, payload.building_id)),
    )
    return Status(201, SupportOut(need_id=support.need_id, supporters=_supporters(need)))


class MergeIn(Schema):
    target_id: int
    need_ids: list[int] = Field(..., max_length=200)


@router.post("/merge", response=NeedOut, summary="合并重复需求（保留全部原话、支持者和渠道）")
def merge_needs(request, payload: MergeIn):
    scoped = selectors.needs_visible_to(request.auth)
    target = get_visible(scoped, pk=payload.target_id)
    others = list(scoped.filter(pk__in=payload.need_ids).exclude(pk=target.pk))
    if len(others) != len(set(payload.need_ids) - {target.pk}):
        raise ServiceError(_("部分需求不存在或您无权查看"), code="not_found", status=404)
    services.need_merge(actor=request.auth, target=target, needs=others)
    return _need_out(target, request.auth)


@router.post("/{int:need_id}/split", response=NeedOut, summary="拆分（撤销合并）")
def split_need(request, need_id: int):
    need = get_visible(selectors.needs_visible_to(request.auth), pk=need_id)
    return _need_out(services.need_split(actor=request.auth, need=need), request.auth)


class AssessIn(Schema):
    category: str | None = None
    households_affected: int | None = Field(None, ge=0, le=100000)
    safety_hazard: int | None = Field(None, ge=0, le=3)
    affects_elderly: bool | None = None
    affects_children: bool | None = None
    cost_band: str | None = None


@router.post("/{int:need_id}/assess", response=NeedOut, summary="工作人员评估（排序用的事实）")
def assess_need(request, need_id: int, payload: AssessIn):
    need = get_visible(selectors.needs_visible_to(request.auth), pk=need_id)
    need = services.need_assess(
        actor=request.auth, need=services.primary_of(need), **payload.dict()
    )
    return _need_out(need, request.auth)


class NeedProjectIn(Schema):
    title: str = Field(..., max_length=80)
    summary: str = Field("", max_length=4000)


class ProjectLinkOut(Schema):
    need_id: int
    project_id: int
    title: str


@router.post("/{int:need_id}/project", response={201: ProjectLinkOut}, summary="转为社区规划项目")
def need_to_project(request, need_id: int, payload: NeedProjectIn):
    need = get_visible(selectors.needs_visible_to(request.auth), pk=need_id)
    project = services.need_to_project(actor=request.auth, need=need, **payload.dict())
    return Status(
        201,
        ProjectLinkOut(
            need_id=services.primary_of(need).pk, project_id=project.pk, title=project.title
        ),
    )


# ------------------------------------------------------------------ ranking, clusters, weights


class RankingOut(Schema):
    committee_id: int
    weights: dict
    entries: list[dict]
    totals: dict


@router.get(
    "/committees/{int:committee_id}/ranking",
    response=RankingOut,
    summary="当前需求排序（与页面一致）",
)
def ranking(request, committee_id: int):
    committee = _committee(request, committee_id)
    weights = adapters.weights_for(committee)
    entries = adapters.ranked_entries([committee.pk], weights)
    return RankingOut(
        committee_id=committee.pk,
        weights=adapters.weights_record(weights),
        entries=entries,
        totals=adapters.list_totals(entries),
    )


class ClusterNeed(Schema):
    id: int
    text: str
    channel: str


class ClusterOut(Schema):
    similarity: float
    terms: list[str]
    needs: list[ClusterNeed]


@router.get(
    "/committees/{int:committee_id}/clusters",
    response=list[ClusterOut],
    summary="疑似重复的需求分组（文本聚类）",
)
def clusters(request, committee_id: int):
    committee = _committee(request, committee_id)
    require(request.auth, "needs.manage_needs", committee)
    return [
        ClusterOut(
            similarity=g["similarity"],
            terms=g["terms"],
            needs=[ClusterNeed(id=n.pk, text=n.text, channel=n.channel) for n in g["needs"]],
        )
        for g in adapters.duplicate_clusters(committee)
    ]


class SimilarOut(Schema):
    id: int
    text: str
    similarity: float


@router.get(
    "/committees/{int:committee_id}/similar",
    response=list[SimilarOut],
    summary="提交前查找相似需求",
)
def similar(request, committee_id: int, text: str = ""):
    committee = _committee(request, committee_id)
    return [
        SimilarOut(id=n.pk, text=n.text, similarity=round(s, 3))
        for n, s in adapters.duplicate_suggestions(committee, text[:500])
    ]


class WeightsIO(Schema):
    supporters: float = Field(..., ge=0, le=100)
    households: float = Field(..., ge=0, le=100)
    safety: float = Field(..., ge=0, le=100)
    vulnerable: float = Field(..., ge=0, le=100)
    cost: float = Field(..., ge=0, le=100)


@router.get("/committees/{int:committee_id}/weights", response=WeightsIO, summary="优先级权重")
def get_weights(request, committee_id: int):
    committee = _committee(request, committee_id)
    w = adapters.weights_for(committee)
    return WeightsIO(**{f: getattr(w, f) for f in WEIGHT_FIELDS})


@router.put("/committees/{int:committee_id}/weights", response=WeightsIO, summary="调整优先级权重")
def put_weights(request, committee_id: int, payload: WeightsIO):
    committee = _committee(request, committee_id)
    row = services.weights_update(actor=request.auth, committee=committee, **payload.dict())
    return WeightsIO(**{f: float(getattr(row, f)) for f in WEIGHT_FIELDS})


# ------------------------------------------------------------------ needs lists


class ListSummaryOut(Schema):
    id: int
    committee_id: int | None
    street_id: int | None
    version: int
    title: str
    created_at: datetime
    published_at: datetime | None
    public_token: str | None
    totals: dict


class ListOut(ListSummaryOut):
    weights: dict
    entries: list[dict]


def _list_fields(lst: NeedsList) -> dict:
    return {
        "id": lst.pk,
        "committee_id": lst.committee_id,
        "street_id": lst.street_id,
        "version": lst.version,
        "title": lst.title,
        "created_at": lst.created_at,
        "published_at": lst.published_at,
        "public_token": lst.public_token,
        "totals": lst.totals,
    }


def _visible_list(request, list_id: int) -> NeedsList:
    lst = get_visible(selectors.needs_lists_visible_to(request.auth), pk=list_id)
    require(request.auth, "needs.view_list", lst)
    if not lst.is_published:
        require(request.auth, "needs.manage_list", lst, _("这一版需求清单尚未公开"))
    return lst


@router.get("/lists", response=list[ListSummaryOut], summary="需求清单各版本")
def list_lists(request, committee_id: int | None = None, street_id: int | None = None):
    qs = selectors.needs_lists_visible_to(request.auth)
    if committee_id is not None:
        qs = qs.filter(committee_id=committee_id)
    if street_id is not None:
        qs = qs.filter(street_id=street_id)
    user = request.auth
    return [
        ListSummaryOut(**_list_fields(lst))
        for lst in qs
        if lst.is_published or user.has_perm("needs.manage_list", lst)
    ]


@router.get("/lists/{int:list_id}", response=ListOut, summary="一版需求清单（含权重与全部条目）")
def get_list(request, list_id: int):
    lst = _visible_list(request, list_id)
    return ListOut(**_list_fields(lst), weights=lst.weights, entries=lst.entries)


class ListIn(Schema):
    committee_id: int | None = None
    street_id: int | None = None
    title: str = Field("", max_length=100)


@router.post("/lists", response={201: ListOut}, summary="生成新一版需求清单（居委会或街道汇总）")
def create_list(request, payload: ListIn):
    committee = street = None
    if payload.committee_id is not None:
        committee = _committee(request, payload.committee_id)
    if payload.street_id is not None:
        street = get_visible(streets_managed_by(request.auth), pk=payload.street_id)
    lst = services.needs_list_create(
        actor=request.auth, committee=committee, street=street, title=payload.title
    )
    return Status(201, ListOut(**_list_fields(lst), weights=lst.weights, entries=lst.entries))


@router.post("/lists/{int:list_id}/publish", response=ListOut, summary="公开一版需求清单")
def publish_list(request, list_id: int):
    lst = get_visible(selectors.needs_lists_visible_to(request.auth), pk=list_id)
    lst = services.needs_list_publish(actor=request.auth, needs_list=lst)
    return ListOut(**_list_fields(lst), weights=lst.weights, entries=lst.entries)


# ------------------------------------------------------------------ 发现小微


class SpaceIn(Schema):
    committee_id: int
    compound_id: int
    building_id: int | None = None
    kind: str
    place: str = Field(..., max_length=100)
    problem: str = Field(..., max_length=2000)
    lat: Decimal | None = None
    lng: Decimal | None = None


class SpaceOut(Schema):
    id: int
    committee_id: int
    compound_id: int
    kind: str
    place: str
    problem: str
    status: str
    microspace_id: int | None
    created_at: datetime


def _space_out(r: SpaceReport) -> SpaceOut:
    return SpaceOut(
        id=r.pk,
        committee_id=r.committee_id,
        compound_id=r.compound_id,
        kind=r.kind,
        place=r.place,
        problem=r.problem,
        status=r.status,
        microspace_id=r.microspace_id,
        created_at=r.created_at,
    )


@router.get("/spaces", response=list[SpaceOut], summary="发现小微线索")
def list_spaces(request, committee_id: int | None = None):
    qs = selectors.space_reports_visible_to(request.auth)
    if committee_id is not None:
        qs = qs.filter(committee_id=committee_id)
    return [_space_out(r) for r in qs]


@router.post("/spaces", response={201: SpaceOut}, summary="发现小微：报告闲置或失管的小空间")
def report_space(request, payload: SpaceIn):
    committee = _committee(request, payload.committee_id)
    compound = get_visible(compounds_visible_to(request.auth), pk=payload.compound_id)
    report = services.space_report_submit(
        actor=request.auth,
        **service_args(
            payload,
            committee=committee,
            compound=compound,
            building=_place(Building, payload.building_id),
        ),
    )
    return Status(201, _space_out(report))


class VerifyIn(Schema):
    name: str = Field(..., max_length=60)
    kind: str | None = None
    condition: str = "poor"
    rights_holder: str = Field("", max_length=100)


class VerifyOut(Schema):
    report_id: int
    microspace_id: int
    name: str


@router.post(
    "/spaces/{int:report_id}/verify", response={201: VerifyOut}, summary="核实并登记为小微空间"
)
def verify_space(request, report_id: int, payload: VerifyIn):
    report = get_visible(selectors.space_reports_visible_to(request.auth), pk=report_id)
    ms = services.space_report_verify(actor=request.auth, report=report, **payload.dict())
    return Status(201, VerifyOut(report_id=report.pk, microspace_id=ms.pk, name=ms.name))
