"""Vote endpoints: the same selectors, named rules and services as the pages."""

from __future__ import annotations

from datetime import datetime

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from linli.core.errors import ServiceError
from linli.core.permissions import get_visible, require
from linli.places.models import Building, Compound, Flat
from linli.places.selectors import committees_managed_by
from linli.projects.selectors import projects_visible_to
from linli.voting import adapters, selectors, services
from linli.voting.models import Ballot, Vote

router = Router(tags=["表决"])


class VoteCreateIn(Schema):
    committee_id: int
    title: str = Field(max_length=100)
    description: str = Field("", max_length=4000)
    kind: str
    matter: str = ""
    meeting_rule: str = ""
    method: str = ""
    secret: bool = False
    hide_results: bool = True
    compound_ids: list[int] = []
    building_ids: list[int] = []
    project_id: int | None = None
    options: list[str] = []
    option_costs: list[int] = Field([], description="参与式预算：与 options 一一对应的金额（元）")
    budget: int | None = None
    budget_rule: str = ""
    opens_at: datetime
    closes_at: datetime


class PbImportIn(Schema):
    committee_id: int
    text: str = Field(max_length=5_000_000)
    title: str = ""
    method: str = "approval"
    budget_rule: str = "mes"
    compound_ids: list[int] = []
    building_ids: list[int] = []
    opens_at: datetime
    closes_at: datetime


class VoteOptionOut(Schema):
    id: int
    label: str
    cost: int | None = None


class VoteOut(Schema):
    id: int
    title: str
    kind: str
    matter: str
    meeting_rule: str
    method: str
    budget: int | None
    budget_rule: str
    secret: bool
    status: str
    committee_id: int
    project_id: int | None
    opens_at: datetime
    closes_at: datetime
    electors: int
    options: list[VoteOptionOut]


class CastIn(Schema):
    flat_id: int = 0  # checked after the vote's scope, so other committees' votes stay 404
    choice: str = ""
    option_ids: list[int] = []
    channel: str = "online"
    idempotency_key: str = Field("", max_length=64)
    proxy_name: str = Field("", max_length=50)
    proxy_authorisation: str = Field("", max_length=200)


class BallotOut(Schema):
    vote_id: int
    flat_id: int
    choice: str
    option_ids: list[int]
    channel: str
    revision: int
    cast_at: datetime


class PaperIn(Schema):
    code: str = Field("", max_length=30)
    choice: str = ""
    option_ids: list[int] = []
    replace_online: bool = Field(
        False, description="已与业主核实：以这张书面票替代该户已有的网上/会议/委托选票"
    )


class PaperOut(Schema):
    flat_id: int
    batch: int
    slot: int
    state: str


class CloseIn(Schema):
    reason: str = Field("", max_length=200)


class ResultOut(Schema):
    vote_id: int
    status: str
    final: bool
    passed: bool | None
    counts: dict
    rule: dict
    signature: str = ""
    electorate_hash: str = ""
    ballots_hash: str = ""
    audit_hash: str = ""


class RecountOut(Schema):
    agrees: bool
    checks: dict


def _out(v: Vote) -> VoteOut:
    return VoteOut(
        id=v.pk,
        title=v.title,
        kind=v.kind,
        matter=v.matter,
        meeting_rule=v.meeting_rule,
        method=v.method,
        budget=v.budget,
        budget_rule=v.budget_rule,
        secret=v.secret,
        status=v.status,
        committee_id=v.committee_id,
        project_id=v.project_id,
        opens_at=v.opens_at,
        closes_at=v.closes_at,
        electors=v.electors.count(),
        options=[VoteOptionOut(id=o.pk, label=o.label, cost=o.cost) for o in v.options.all()],
    )


def _ballot_out(b: Ballot) -> BallotOut:
    return BallotOut(
        vote_id=b.vote_id,
        flat_id=b.elector.flat_id,
        choice=b.choice,
        option_ids=list(b.option_ids),
        channel=b.channel,
        revision=b.revision,
        cast_at=b.cast_at,
    )


def _vote(request, vote_id: int) -> Vote:
    vote = get_visible(selectors.votes_visible_to(request.auth), pk=vote_id)
    require(request.auth, "voting.view_vote", vote)
    return vote


@router.get("/", response=list[VoteOut], summary="我可查看的表决")
def list_votes(request, committee_id: int | None = None, status: str | None = None):
    qs = selectors.votes_visible_to(request.auth).prefetch_related("options")
    if committee_id is not None:
        qs = qs.filter(committee_id=committee_id)
    if status:
        qs = qs.filter(status=status)
    return [_out(v) for v in qs[:200]]


@router.post("/", response={201: VoteOut}, summary="发起表决")
def create_vote(request, payload: VoteCreateIn):
    committee = get_visible(committees_managed_by(request.auth), pk=payload.committee_id)
    project = None
    if payload.project_id is not None:
        project = get_visible(projects_visible_to(request.auth), pk=payload.project_id)
    vote = services.vote_create(
        actor=request.auth,
        committee=committee,
        title=payload.title,
        description=payload.description,
        kind=payload.kind,
        matter=payload.matter,
        meeting_rule=payload.meeting_rule,
        method=payload.method,
        secret=payload.secret,
        hide_results=payload.hide_results,
        compounds=Compound.objects.filter(pk__in=payload.compound_ids),
        buildings=Building.objects.filter(pk__in=payload.building_ids),
        project=project,
        options=[
            (label, payload.option_costs[i] if i < len(payload.option_costs) else None)
            for i, label in enumerate(payload.options)
        ],
        budget=payload.budget,
        budget_rule=payload.budget_rule,
        opens_at=payload.opens_at,
        closes_at=payload.closes_at,
    )
    return Status(201, _out(vote))


@router.post("/import-pb", response={201: VoteOut}, summary="从 pabulib .pb 文件创建参与式预算投票")
def import_pb(request, payload: PbImportIn):
    committee = get_visible(committees_managed_by(request.auth), pk=payload.committee_id)
    vote = services.vote_import_pb(
        actor=request.auth,
        committee=committee,
        text=payload.text,
        title=payload.title,
        method=payload.method,
        budget_rule=payload.budget_rule,
        compounds=Compound.objects.filter(pk__in=payload.compound_ids),
        buildings=Building.objects.filter(pk__in=payload.building_ids),
        opens_at=payload.opens_at,
        closes_at=payload.closes_at,
    )
    return Status(201, _out(vote))


@router.get("/{vote_id}/export.pb", summary="导出 pabulib .pb 文件（参与式预算）")
def export_pb(request, vote_id: int):
    from django.http import HttpResponse

    vote = _vote(request, vote_id)
    require(request.auth, "voting.view_results", vote, _("结果将在表决结束后公布"))
    return HttpResponse(services.vote_export_pb(vote), content_type="text/plain; charset=utf-8")


@router.get("/{vote_id}", response=VoteOut, summary="表决详情")
def get_vote(request, vote_id: int):
    return _out(_vote(request, vote_id))


@router.post("/{vote_id}/open", response=VoteOut, summary="开启投票（锁定选民名册）")
def open_vote(request, vote_id: int):
    vote = _vote(request, vote_id)
    require(request.auth, "voting.manage_vote", vote, _("您无权管理该表决"))
    return _out(services.vote_open(actor=request.auth, vote=vote))


@router.post("/{vote_id}/close", response=ResultOut, summary="结束表决并签署结果")
def close_vote(request, vote_id: int, payload: CloseIn):
    vote = _vote(request, vote_id)
    require(request.auth, "voting.manage_vote", vote, _("您无权管理该表决"))
    services.vote_close(actor=request.auth, vote=vote, reason=payload.reason)
    return _result(Vote.objects.get(pk=vote.pk))


@router.post("/{vote_id}/ballots", response=BallotOut, summary="投票（同一幂等键重复提交无副作用）")
def cast_ballot(request, vote_id: int, payload: CastIn):
    # The hot path of a vote day: the service reads the vote and the flat by primary key
    # and checks the caster against the flat's electorate in one lookup. A voter of the
    # flat always sees the vote (selectors.votes_visible_to), so visibility is only looked
    # at when the cast is refused: a vote the caller cannot see stays a 404.
    key = payload.idempotency_key or request.headers.get("Idempotency-Key", "")
    try:
        ballot = services.ballot_cast_safely(
            actor=request.auth,
            vote=vote_id,
            flat=payload.flat_id,
            choice=payload.choice,
            option_ids=payload.option_ids,
            channel=payload.channel,
            idempotency_key=key,
            proxy_name=payload.proxy_name,
            proxy_authorisation=payload.proxy_authorisation,
        )
    except (ServiceError, Vote.DoesNotExist):
        _vote(request, vote_id)
        get_object_or_404(Flat, pk=payload.flat_id)
        raise
    return _ballot_out(ballot)


@router.get("/{vote_id}/my-ballots", response=list[BallotOut], summary="我家的选票")
def my_ballots(request, vote_id: int):
    vote = _vote(request, vote_id)
    electors = selectors.electors_of_user(request.auth, vote)
    return [
        _ballot_out(b)
        for b in Ballot.objects.filter(vote=vote, elector__in=electors).select_related("elector")
    ]


@router.post("/{vote_id}/paper-entries", response=PaperOut, summary="录入书面表决票（双人录入）")
def paper_entry(request, vote_id: int, payload: PaperIn):
    vote = _vote(request, vote_id)
    require(request.auth, "voting.manage_vote", vote, _("只有居委会工作人员可以录入书面表决票"))
    entry = services.paper_entry_record(actor=request.auth, vote=vote, **payload.dict())
    return PaperOut(
        flat_id=entry.elector.flat_id, batch=entry.batch, slot=entry.slot, state=entry.state
    )


def _result(vote: Vote) -> ResultOut:
    result = getattr(vote, "result", None) if vote.status == Vote.Status.CLOSED else None
    if result is not None:
        return ResultOut(
            vote_id=vote.pk,
            status=vote.status,
            final=True,
            passed=result.passed,
            counts=result.counts,
            rule=result.rule,
            signature=result.signature,
            electorate_hash=result.electorate_hash,
            ballots_hash=result.ballots_hash,
            audit_hash=result.audit_hash,
        )
    if vote.status == Vote.Status.DRAFT:
        raise ServiceError(_("表决尚未开启"), code="state", status=409)
    counts = adapters.canonical_json(adapters.count(vote))
    return ResultOut(
        vote_id=vote.pk,
        status=vote.status,
        final=False,
        passed=counts.get("passed"),
        counts=counts,
        rule=adapters.rule_record(vote),
    )


@router.get("/{vote_id}/result", response=ResultOut, summary="表决结果")
def get_result(request, vote_id: int):
    vote = _vote(request, vote_id)
    require(request.auth, "voting.view_results", vote, _("结果将在表决结束后公布"))
    return _result(vote)


@router.post("/{vote_id}/recount", response=RecountOut, summary="复核计票")
def recount(request, vote_id: int):
    vote = _vote(request, vote_id)
    require(request.auth, "voting.view_results", vote, _("结果将在表决结束后公布"))
    outcome = services.vote_recount(actor=request.auth, vote=vote)
    return RecountOut(agrees=outcome["agrees"], checks=outcome["checks"])
