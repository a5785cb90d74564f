"""Step-2 endpoints: the same selectors, rules and services as the pages."""

from __future__ import annotations

import datetime

from django.utils.functional import Promise
from ninja import Field, File, Router, Schema, Status, UploadedFile

from linli.core.actions import service_args
from linli.core.masking import mask_mobile
from linli.core.permissions import get_visible, get_visible_or_none
from linli.places.models import Building, Street
from linli.places.selectors import committees_visible_to
from linli.planning import profile as profile_mod
from linli.planning import selectors, services
from linli.planning.models import DesignOption, DesignRound
from linli.projects.selectors import projects_visible_to

router = Router(tags=["社区规划师"])


class CostItemIO(Schema):
    name: str = Field(..., max_length=60)
    yuan: str = Field(..., max_length=20, description="金额（元），如 1200 或 800.50")


class DesignOptionOut(Schema):
    id: int
    label: str
    description: str
    maintenance: str
    total_fen: int
    cost_items: list[dict]
    avg_score: float | None
    n_ratings: int
    comments: list[dict]


class RoundOut(Schema):
    id: int
    number: int
    status: str
    change_note: str
    published_at: datetime.datetime | None
    is_final: bool
    vote_id: int | None
    options: list[DesignOptionOut]


def _option_out(o: DesignOption) -> DesignOptionOut:
    return DesignOptionOut(
        id=o.pk,
        label=o.label,
        description=o.description,
        maintenance=o.maintenance,
        total_fen=o.total_fen,
        cost_items=[{"name": i.name, "amount_fen": i.amount_fen} for i in o.cost_items.all()],
        avg_score=getattr(o, "avg_score", None),
        n_ratings=getattr(o, "n_ratings", 0) or 0,
        comments=[
            {"id": c.pk, "user": c.user.name, "text": c.text, "reply": c.reply}
            for c in o.comments.all()
        ],
    )


def _round_out(r: DesignRound) -> RoundOut:
    return RoundOut(
        id=r.pk,
        number=r.number,
        status=r.status,
        change_note=r.change_note,
        published_at=r.published_at,
        is_final=r.is_final,
        vote_id=r.vote_id,
        options=[_option_out(o) for o in r.options.all()],
    )


def _project(request, project_id):
    return get_visible(projects_visible_to(request.auth), pk=project_id)


def _fresh_round(request, rnd) -> RoundOut:
    return _round_out(
        next(r for r in selectors.rounds_for(request.auth, rnd.project) if r.pk == rnd.pk)
    )


@router.get("/projects/{project_id}/rounds", response=list[RoundOut], summary="各轮设计方案")
def list_rounds(request, project_id: int):
    return [
        _round_out(r) for r in selectors.rounds_for(request.auth, _project(request, project_id))
    ]


class RoundIn(Schema):
    change_note: str = Field("", max_length=2000)
    building_ids: list[int] = []


@router.post("/projects/{project_id}/rounds", response={201: RoundOut}, summary="开启新一轮")
def create_round(request, project_id: int, payload: RoundIn):
    project = _project(request, project_id)
    buildings = Building.objects.filter(compound__committee_id=project.committee_id)
    rnd = services.round_create(
        actor=request.auth,
        project=project,
        **service_args(
            payload, buildings=[get_visible(buildings, pk=i) for i in payload.building_ids]
        ),
    )
    return Status(201, _fresh_round(request, rnd))


class OptionIn(Schema):
    label: str = Field(..., max_length=60)
    description: str = Field(..., max_length=4000)
    maintenance: str = Field("", max_length=2000)
    cost_items: list[CostItemIO] = []


@router.post("/rounds/{round_id}/options", response={201: RoundOut}, summary="添加设计方案")
def add_option(request, round_id: int, payload: OptionIn):
    rnd = get_visible(selectors.rounds_visible_to(request.auth), pk=round_id)
    services.option_save(
        actor=request.auth,
        round=rnd,
        label=payload.label,
        description=payload.description,
        maintenance=payload.maintenance,
        cost_items=[(i.name, i.yuan) for i in payload.cost_items],
    )
    return Status(201, _fresh_round(request, rnd))


@router.post("/options/{option_id}/files", response={201: dict}, summary="上传效果图或图纸")
def upload_option_files(request, option_id: int, files: list[UploadedFile] = File(...)):  # noqa: B008
    opt = get_visible(selectors.options_visible_to(request.auth), pk=option_id)
    services.option_add_files(actor=request.auth, option=opt, files=files)
    return Status(201, {"option_id": opt.pk, "files": opt.files.count()})


@router.post("/rounds/{round_id}/publish", response=RoundOut, summary="发布本轮，征求居民意见")
def publish_round(request, round_id: int):
    rnd = get_visible(selectors.rounds_visible_to(request.auth), pk=round_id)
    rnd = services.round_publish(actor=request.auth, round=rnd)
    return _fresh_round(request, rnd)


class DesignVoteIn(Schema):
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    method: str = "single"
    title: str = Field("", max_length=100)


@router.post("/rounds/{round_id}/vote", response={201: dict}, summary="以最终方案发起表决")
def round_vote(request, round_id: int, payload: DesignVoteIn):
    rnd = get_visible(selectors.rounds_visible_to(request.auth), pk=round_id)
    vote = services.round_to_vote(actor=request.auth, round=rnd, **service_args(payload))
    return Status(201, {"vote_id": vote.pk, "title": vote.title})


class RatingIn(Schema):
    score: int


@router.post("/options/{option_id}/rating", response=dict, summary="给方案打分（1–5）")
def rate_option(request, option_id: int, payload: RatingIn):
    opt = get_visible(selectors.options_visible_to(request.auth), pk=option_id)
    r = services.option_rate(actor=request.auth, option=opt, **service_args(payload))
    return {"option_id": opt.pk, "score": r.score}


class CommentIn(Schema):
    text: str = Field(..., max_length=1000)


@router.post("/options/{option_id}/comments", response={201: dict}, summary="对方案提意见")
def comment_option(request, option_id: int, payload: CommentIn):
    opt = get_visible(selectors.options_visible_to(request.auth), pk=option_id)
    c = services.option_comment(actor=request.auth, option=opt, **service_args(payload))
    return Status(201, {"id": c.pk, "text": c.text})


class ReplyIn(Schema):
    reply: str = Field(..., max_length=1000)


@router.post("/comments/{comment_id}/reply", response=dict, summary="答复居民意见")
def reply_comment(request, comment_id: int, payload: ReplyIn):
    c = get_visible(selectors.comments_visible_to(request.auth), pk=comment_id)
    c = services.comment_reply(actor=request.auth, comment=c, **service_args(payload))
    return {"id": c.pk, "reply": c.reply}


# ------------------------------------------------------------------ work log, diagnosis


class WorkLogIn(Schema):
    kind: str
    date: datetime.date
    place: str = Field(..., max_length=100)
    findings: str = Field(..., max_length=4000)
    people_met: str = Field("", max_length=300)
    project_id: int | None = None


class WorkLogOut(Schema):
    id: int
    kind: str
    date: datetime.date
    place: str
    people_met: str
    findings: str
    photos: int


@router.get("/committees/{committee_id}/worklog", response=list[WorkLogOut], summary="工作日志")
def list_worklog(request, committee_id: int):
    c = get_visible(committees_visible_to(request.auth), pk=committee_id)
    return [
        WorkLogOut(
            id=w.pk,
            kind=w.kind,
            date=w.date,
            place=w.place,
            people_met=w.people_met,
            findings=w.findings,
            photos=len(w.photos.all()),
        )  # fmt: skip
        for w in selectors.worklogs_for(request.auth, c)
    ]


@router.post(
    "/committees/{committee_id}/worklog", response={201: WorkLogOut}, summary="记录踏勘/座谈"
)
def add_worklog(request, committee_id: int, payload: WorkLogIn):
    c = get_visible(committees_visible_to(request.auth), pk=committee_id)
    project = get_visible_or_none(
        projects_visible_to(request.auth).filter(committee=c), payload.project_id
    )
    w = services.worklog_add(
        actor=request.auth, committee=c, **service_args(payload, project=project)
    )
    return Status(
        201,
        WorkLogOut(
            id=w.pk,
            kind=w.kind,
            date=w.date,
            place=w.place,
            people_met=w.people_met,
            findings=w.findings,
            photos=0,
        ),  # fmt: skip
    )


class DiagnosisIn(Schema):
    needs_analysis: str = Field("", max_length=4000)
    resource_analysis: str = Field("", max_length=4000)
    property_rights: str = Field("", max_length=2000)
    budget_band: str = ""
    safety: str = Field("", max_length=2000)
    recommendations: str = Field("", max_length=4000)
    need_ids: list[int] = []
    needs_list_id: int | None = None


@router.put("/projects/{project_id}/diagnosis", response=dict, summary="保存把脉记录")
def save_diagnosis(request, project_id: int, payload: DiagnosisIn):
    from linli.needs.models import Need, NeedsList

    project = _project(request, project_id)
    needs = Need.objects.filter(committee_id=project.committee_id)
    lists = NeedsList.objects.filter(committee_id=project.committee_id)
    d = services.diagnosis_save(
        actor=request.auth,
        project=project,
        **service_args(
            payload,
            needs=[get_visible(needs, pk=i) for i in payload.need_ids],
            needs_list=get_visible_or_none(lists, payload.needs_list_id),
        ),
    )
    return {"project_id": project.pk, "need_ids": sorted(n.pk for n in d.needs.all())}


# ------------------------------------------------------------------ profile


@router.get("/committees/{committee_id}/profile", response=dict, summary="社区画像与生活圈")
def committee_profile(request, committee_id: int):
    c = get_visible(committees_visible_to(request.auth), pk=committee_id)
    data = profile_mod.community_profile(c)
    ms = data.pop("microspaces")
    data["microspaces"] = {"by_condition": ms["by_condition"], "count": len(ms["items"])}
    data["housing"]["flats_by_floor"] = {
        str(k): v for k, v in data["housing"]["flats_by_floor"].items()
    }
    return _plain(data)


def _plain(value):
    """JSON-ready copy: the profile's labels (and some keys) are lazy translations."""
    if isinstance(value, dict):
        return {_plain(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value) if isinstance(value, Promise) else value


# ------------------------------------------------------------------ pool and pairing


@router.get("/planners", response=list[dict], summary="规划师人才库")
def list_planners(request):
    out = []
    for p in selectors.planners_visible_to(request.auth):
        see = request.auth.has_perm("planning.see_planner_contact", p)
        out.append(
            {
                "id": p.pk,
                "name": p.name,
                "profession": p.profession,
                "organisation": p.organisation,
                "mobile": p.mobile if see else mask_mobile(p.mobile),
                "availability": p.availability,
                "active_pairings": p.n_active,
                "avg_score": p.avg_score,
            }  # fmt: skip
        )
    return out


class PlannerIn(Schema):
    district_id: int
    name: str = Field(..., max_length=50)
    profession: str
    qualifications: str = Field("", max_length=200)
    organisation: str = Field("", max_length=100)
    mobile: str = Field("", max_length=11)
    availability: str = "available"


@router.post("/planners", response={201: dict}, summary="加入人才库")
def add_planner(request, payload: PlannerIn):
    district = get_visible(selectors.districts_of_pool(request.auth), pk=payload.district_id)
    p = services.planner_add(actor=request.auth, **service_args(payload, district=district))
    return Status(201, {"id": p.pk, "name": p.name})


class PairIn(Schema):
    planner_id: int
    street_id: int
    committee_id: int | None = None
    note: str = Field("", max_length=200)


@router.post("/pairings", response={201: dict}, summary="定向结对")
def create_pairing(request, payload: PairIn):
    planner = get_visible(selectors.planners_visible_to(request.auth), pk=payload.planner_id)
    street = get_visible(
        Street.objects.filter(
            district_id__in=selectors.districts_of_pool(request.auth).values("id")
        ),
        pk=payload.street_id,
    )
    committee = get_visible_or_none(street.committees.all(), payload.committee_id)
    p = services.planner_pair(
        actor=request.auth,
        **service_args(payload, planner=planner, street=street, committee=committee),
    )
    return Status(201, {"id": p.pk})


@router.post("/pairings/{pairing_id}/end", response=dict, summary="解除结对")
def end_pairing(request, pairing_id: int):
    p = get_visible(selectors.pairings_visible_to(request.auth), pk=pairing_id)
    p = services.planner_unpair(actor=request.auth, pairing=p)
    return {"id": p.pk, "ended_at": p.ended_at}


@router.get("/coverage", response=dict, summary="结对覆盖情况")
def coverage(request):
    cov = selectors.coverage(request.auth)
    return {
        "uncovered_streets": [{"id": s.pk, "name": s.name} for s in cov["uncovered_streets"]],
        "uncovered_committees": [{"id": c.pk, "name": c.name} for c in cov["uncovered_committees"]],
        "streets": [
            {
                "id": r["street"].pk,
                "name": r["street"].name,
                "planners": [p.name for p in r["planners"]],
            }  # fmt: skip
            for r in cov["rows"]
        ],
    }
