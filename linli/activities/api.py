"""Activity endpoints (/api/activities/): list, create, sign up, QR check-in, offline
sign-in, check-in records (for participation counts), design contest entries, jury scores,
public vote and ranking — the same services, selectors and predicates as the pages."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from linli.activities import selectors, services
from linli.activities.models import Activity, ActivityKind
from linli.core.actions import service_args
from linli.core.permissions import get_visible, require
from linli.partners.rules import streets_seen

router = Router(tags=["社区营造活动"])


def _activity(request, activity_id: int) -> Activity:
    return get_visible(selectors.activities_visible_to(request.auth), pk=activity_id)


def _opt(qs, pk):
    return None if pk is None else get_visible(qs, pk=pk)


class ActivityOut(Schema):
    id: int
    street_id: int
    kind: str
    kind_label: str
    title: str
    description: str
    audience: str
    organiser: str
    organiser_label: str
    committee_id: int | None
    partner_committee_id: int | None
    team_ids: list[int]
    compound_id: int | None
    microspace_id: int | None
    place: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    capacity: int
    signed_up: int
    checked_in: int
    status: str
    voting_open: bool
    project_ids: list[int]


class ActivityIn(Schema):
    street_id: int
    kind: str
    title: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    capacity: int
    organiser: str = "street"
    description: str = ""
    audience: str = "residents"
    committee_id: int | None = None
    partner_committee_id: int | None = None
    team_ids: list[int] = []
    compound_id: int | None = None
    microspace_id: int | None = None
    place: str = ""
    project_ids: list[int] = []


class ActivitySignupIn(Schema):
    note: str = ""


class ActivitySignupOut(Schema):
    id: int
    activity_id: int
    status: str
    created_at: datetime.datetime


class ActivityCheckinIn(Schema):
    token: str


class ActivityOfflineIn(Schema):
    name: str
    birth_year: int | None = None


class ActivityCheckinOut(Schema):
    id: int
    activity_id: int
    user_id: int | None
    person_id: int | None
    name: str
    birth_year: int | None
    channel: str
    at: datetime.datetime


class ActivityQrOut(Schema):
    token: str
    path: str
    opens_at: datetime.datetime
    closes_at: datetime.datetime


class ActivityEntryIn(Schema):
    title: str
    author: str
    description: str = ""


class ActivityEntryOut(Schema):
    id: int
    title: str
    author: str
    description: str
    jury_avg: float | None = None
    n_scores: int = 0
    n_votes: int = 0
    rank: int | None = None


class ActivityScoreIn(Schema):
    score: int
    comment: str = ""


class ActivityVoteIn(Schema):
    entry_id: int


class ActivityJurorIn(Schema):
    user_id: int


def _out(a: Activity) -> ActivityOut:
    return ActivityOut(
        id=a.pk,
        street_id=a.street_id,
        kind=a.kind,
        kind_label=a.get_kind_display(),
        title=a.title,
        description=a.description,
        audience=a.audience,
        organiser=a.organiser,
        organiser_label=a.organiser_label,
        committee_id=a.committee_id,
        partner_committee_id=a.partner_committee_id,
        team_ids=[t.pk for t in a.teams.all()],
        compound_id=a.compound_id,
        microspace_id=a.microspace_id,
        place=a.place,
        starts_at=a.starts_at,
        ends_at=a.ends_at,
        capacity=a.capacity,
        signed_up=a.n_signed if hasattr(a, "n_signed") else selectors.signed_count(a),
        checked_in=a.n_checked if hasattr(a, "n_checked") else a.checkins.count(),
        status=a.status,
        voting_open=a.voting_open,
        project_ids=[p.pk for p in a.projects.all()],
    )


def _checkin_out(c) -> ActivityCheckinOut:
    return ActivityCheckinOut(
        id=c.pk,
        activity_id=c.activity_id,
        user_id=c.user_id,
        person_id=c.person_id,
        name=c.name,
        birth_year=c.birth_year,
        channel=c.channel,
        at=c.at,
    )


@router.get("/", response=list[ActivityOut], summary="活动列表")
def activities_activity_list(
    request,
    street_id: int | None = None,
    kind: str | None = None,
    project_id: int | None = None,
    open_only: bool = False,
):
    qs = selectors.activities_visible_to(request.auth)
    if street_id is not None:
        qs = qs.filter(street_id=street_id)
    if kind in ActivityKind.values:
        qs = qs.filter(kind=kind)
    if project_id is not None:
        qs = qs.filter(projects__id=project_id)
    if open_only:
        qs = qs.filter(status=Activity.Status.OPEN)
    qs = (
        selectors.with_counts(qs)
        .prefetch_related("teams", "projects")
        .order_by("-starts_at", "-id")
    )
    return [_out(a) for a in qs[:200]]


@router.post("/", response={201: ActivityOut}, summary="发起活动")
def activities_activity_create(request, payload: ActivityIn):
    from linli.partners.models import PartnerCommittee, PartnerTeam
    from linli.places.models import Committee, Compound, MicroSpace, Street
    from linli.projects.models import Project

    street = get_visible(
        Street.objects.filter(pk__in=streets_seen(request.auth)), pk=payload.street_id
    )
    in_street = {"committee__street": street}
    a = services.activity_create(
        actor=request.auth,
        **service_args(
            payload,
            street=street,
            committee=_opt(Committee.objects.filter(street=street), payload.committee_id),
            partner_committee=_opt(
                PartnerCommittee.objects.filter(organisation__street=street),
                payload.partner_committee_id,
            ),
            teams=[
                get_visible(PartnerTeam.objects.filter(organisation__street=street), pk=t)
                for t in payload.team_ids
            ],
            compound=_opt(Compound.objects.filter(**in_street), payload.compound_id),
            microspace=_opt(
                MicroSpace.objects.filter(compound__committee__street=street),
                payload.microspace_id,
            ),
            projects=[
                get_visible(Project.objects.filter(**in_street), pk=p) for p in payload.project_ids
            ],
        ),
    )
    return Status(201, _out(a))


@router.get("/{int:activity_id}", response=ActivityOut, summary="活动详情")
def activities_activity_detail(request, activity_id: int):
    return _out(_activity(request, activity_id))


@router.post("/{int:activity_id}/signup", response={201: ActivitySignupOut}, summary="报名")
def activities_signup(request, activity_id: int, payload: ActivitySignupIn):
    s = services.activity_signup(
        actor=request.auth, activity=_activity(request, activity_id), **service_args(payload)
    )
    return Status(
        201,
        ActivitySignupOut(
            id=s.pk, activity_id=s.activity_id, status=s.status, created_at=s.created_at
        ),
    )


@router.delete("/{int:activity_id}/signup", response={204: None}, summary="取消报名")
def activities_cancel_signup(request, activity_id: int):
    services.activity_cancel_signup(actor=request.auth, activity=_activity(request, activity_id))
    return Status(204, None)


@router.get("/{int:activity_id}/qr", response=ActivityQrOut, summary="签到二维码内容（组织者）")
def activities_qr(request, activity_id: int):
    from django.urls import reverse

    a = _activity(request, activity_id)
    require(request.auth, "activities.manage_activity", a, _("您无权查看该活动的签到二维码"))
    token = services.checkin_token(a)
    opens, closes = services.checkin_window(a)
    return ActivityQrOut(
        token=token,
        path=reverse("activities:checkin", args=[a.pk]) + "?t=" + token,
        opens_at=opens,
        closes_at=closes,
    )


@router.post("/{int:activity_id}/checkin", response={201: ActivityCheckinOut}, summary="扫码签到")
def activities_checkin(request, activity_id: int, payload: ActivityCheckinIn):
    c = services.activity_checkin(
        actor=request.auth, activity=_activity(request, activity_id), **service_args(payload)
    )
    return Status(201, _checkin_out(c))


@router.post(
    "/{int:activity_id}/sign-in", response={201: ActivityCheckinOut}, summary="工作人员代签"
)
def activities_sign_in_offline(request, activity_id: int, payload: ActivityOfflineIn):
    c = services.activity_sign_in_offline(
        actor=request.auth, activity=_activity(request, activity_id), **service_args(payload)
    )
    return Status(201, _checkin_out(c))


@router.get(
    "/{int:activity_id}/checkins", response=list[ActivityCheckinOut], summary="签到记录（参与人次）"
)
def activities_checkins(request, activity_id: int):
    a = _activity(request, activity_id)
    require(request.auth, "activities.manage_activity", a, _("您无权查看该活动的签到名单"))
    return [_checkin_out(c) for c in selectors.checkins_of(a)]


# ---------------------------------------------------------------- design contest


def _entry_out(e) -> ActivityEntryOut:
    return ActivityEntryOut(
        id=e.pk,
        title=e.title,
        author=e.author,
        description=e.description,
        jury_avg=float(e.jury_avg) if getattr(e, "jury_avg", None) is not None else None,
        n_scores=getattr(e, "n_scores", 0),
        n_votes=getattr(e, "n_votes", 0),
        rank=getattr(e, "rank", None),
    )


@router.get(
    "/{int:activity_id}/entries", response=list[ActivityEntryOut], summary="设计赛作品与排名"
)
def activities_entries(request, activity_id: int):
    return [_entry_out(e) for e in selectors.ranking(_activity(request, activity_id))]


@router.post("/{int:activity_id}/entries", response={201: ActivityEntryOut}, summary="登记作品")
def activities_entry_add(request, activity_id: int, payload: ActivityEntryIn):
    e = services.entry_add(
        actor=request.auth, activity=_activity(request, activity_id), **payload.dict()
    )
    return Status(201, _entry_out(e))


@router.post("/{int:activity_id}/jurors", response={201: dict}, summary="添加评委")
def activities_juror_add(request, activity_id: int, payload: ActivityJurorIn):
    from django.contrib.auth import get_user_model

    user = get_visible(get_user_model().objects.filter(is_active=True), pk=payload.user_id)
    j = services.juror_add(actor=request.auth, activity=_activity(request, activity_id), user=user)
    return Status(201, {"id": j.pk, "user_id": user.pk})


@router.post("/entries/{int:entry_id}/score", response=dict, summary="评委评分（1–10）")
def activities_score(request, entry_id: int, payload: ActivityScoreIn):
    from linli.activities.models import ContestEntry

    entry = get_visible(
        ContestEntry.objects.filter(
            activity__in=selectors.activities_visible_to(request.auth).values("pk")
        ).select_related("activity"),
        pk=entry_id,
    )
    row = services.jury_score(actor=request.auth, entry=entry, **service_args(payload))
    return {"entry_id": entry.pk, "score": row.score}


@router.post("/{int:activity_id}/voting", response=ActivityOut, summary="开启/关闭公众投票")
def activities_voting(request, activity_id: int, open: bool):  # noqa: A002
    a = services.voting_set(actor=request.auth, activity=_activity(request, activity_id), open=open)
    return _out(a)


@router.post("/{int:activity_id}/vote", response={201: dict}, summary="公众投票（每人一票）")
def activities_vote(request, activity_id: int, payload: ActivityVoteIn):
    a = _activity(request, activity_id)
    entry = get_visible(a.entries.all(), pk=payload.entry_id)
    v = services.public_vote(actor=request.auth, activity=a, entry=entry)
    return Status(201, {"id": v.pk, "entry_id": entry.pk})
