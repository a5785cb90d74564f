"""Community partner endpoints (/api/partners/): the organisation (1+5+n), applications and
review, partners, teams, co-building units and contributions — the same services, selectors
and predicates as the pages. Money is integer fen; mobiles are masked unless the caller may
see contacts."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from linli.core.actions import service_args
from linli.core.masking import mask_mobile
from linli.core.permissions import get_visible, require
from linli.partners import selectors, services
from linli.partners.models import Partner, PartnerOrganisation
from linli.partners.rules import streets_seen

router = Router(tags=["社区合伙人"])


def _org(request, org_id: int) -> PartnerOrganisation:
    return get_visible(selectors.organisations_visible_to(request.auth), pk=org_id)


def _partner(request, partner_id: int) -> Partner:
    return get_visible(selectors.partners_visible_to(request.auth), pk=partner_id)


def _opt(qs, pk):
    return None if pk is None else get_visible(qs, pk=pk)


# ---------------------------------------------------------------- schemas


class PartnerCommitteeOut(Schema):
    id: int
    kind: str
    name: str
    leader_id: int | None
    duties: str
    members: int


class PartnerTeamOut(Schema):
    id: int
    name: str
    purpose: str
    partner_committee_id: int | None
    leader_id: int | None
    member_ids: list[int]


class PartnerOrgOut(Schema):
    id: int
    street_id: int
    street: str
    name: str
    intro: str
    active_partners: int
    pending_applications: int
    secretariat_ids: list[int]
    committees: list[PartnerCommitteeOut]
    teams: list[PartnerTeamOut]


class PartnerOut(Schema):
    id: int
    organisation_id: int
    name: str
    mobile: str
    user_id: int | None
    home_committee_id: int
    home_committee: str
    partner_committee_id: int | None
    profession: str
    profession_label: str
    skills: str
    workplace: str
    channel: str
    status: str
    in_secretariat: bool
    secretariat_title: str
    applied_at: datetime.datetime
    joined_on: datetime.date | None
    decline_reason: str


class PartnerOrgIn(Schema):
    street_id: int
    name: str
    intro: str = ""


class PartnerApplyIn(Schema):
    home_committee_id: int
    profession: str
    skills: str = ""
    workplace: str = ""
    motivation: str = ""
    birth_year: int | None = None


class PartnerRecommendIn(Schema):
    name: str
    mobile: str
    home_committee_id: int
    profession: str
    recommendation: str
    skills: str = ""
    workplace: str = ""
    birth_year: int | None = None


class PartnerApproveIn(Schema):
    partner_committee_id: int | None = None


class PartnerDeclineIn(Schema):
    reason: str


class PartnerUpdateIn(Schema):
    partner_committee_id: int | None = None
    in_secretariat: bool = False
    secretariat_title: str = ""


class PartnerTeamIn(Schema):
    name: str
    purpose: str = ""
    partner_committee_id: int | None = None
    leader_id: int | None = None


class PartnerMemberIn(Schema):
    partner_id: int


class PartnerUnitIn(Schema):
    street_id: int
    name: str
    kind: str
    contact: str = ""
    offers: str = ""
    signed_on: datetime.date | None = None


class PartnerUnitOut(Schema):
    id: int
    street_id: int
    name: str
    kind: str
    kind_label: str
    offers: str
    signed_on: datetime.date | None
    active: bool


class PartnerContributionIn(Schema):
    kind: str
    description: str
    on_date: datetime.date
    partner_id: int | None = None
    unit_id: int | None = None
    hours: Decimal | None = None
    amount_fen: int | None = None
    project_id: int | None = None
    activity_id: int | None = None


class PartnerContributionOut(Schema):
    id: int
    organisation_id: int
    partner_id: int | None
    unit_id: int | None
    kind: str
    hours: Decimal | None
    amount_fen: int | None
    description: str
    project_id: int | None
    activity_id: int | None
    on_date: datetime.date


def _org_out(org) -> PartnerOrgOut:
    summary = selectors.organisation_summary(org)
    committees = selectors.committees_with_members(org)
    teams = org.teams.prefetch_related("memberships").order_by("name")
    return PartnerOrgOut(
        id=org.pk,
        street_id=org.street_id,
        street=org.street.name,
        name=org.name,
        intro=org.intro,
        active_partners=summary["active"],
        pending_applications=summary["applied"],
        secretariat_ids=list(
            org.partners.filter(status="active", in_secretariat=True).values_list("id", flat=True)
        ),
        committees=[
            PartnerCommitteeOut(
                id=c.pk,
                kind=c.kind,
                name=c.get_kind_display(),
                leader_id=c.leader_id,
                duties=c.duties,
                members=c.n_members,
            )
            for c in committees
        ],
        teams=[
            PartnerTeamOut(
                id=t.pk,
                name=t.name,
                purpose=t.purpose,
                partner_committee_id=t.partner_committee_id,
                leader_id=t.leader_id,
                member_ids=[m.partner_id for m in t.memberships.all()],
            )
            for t in teams
        ],
    )


def _partner_out(user, p: Partner) -> PartnerOut:
    full = user.has_perm("partners.see_partner_contacts", p)
    return PartnerOut(
        id=p.pk,
        organisation_id=p.organisation_id,
        name=p.name,
        mobile=p.mobile if full else mask_mobile(p.mobile),
        user_id=p.user_id if full else None,
        home_committee_id=p.home_committee_id,
        home_committee=p.home_committee.name,
        partner_committee_id=p.partner_committee_id,
        profession=p.profession,
        profession_label=p.get_profession_display(),
        skills=p.skills,
        workplace=p.workplace,
        channel=p.channel,
        status=p.status,
        in_secretariat=p.in_secretariat,
        secretariat_title=p.secretariat_title,
        applied_at=p.applied_at,
        joined_on=p.joined_on,
        decline_reason=p.decline_reason
        if full or user.has_perm("partners.manage_organisation", p)
        else "",
    )


def _unit_out(u) -> PartnerUnitOut:
    return PartnerUnitOut(
        id=u.pk,
        street_id=u.street_id,
        name=u.name,
        kind=u.kind,
        kind_label=u.get_kind_display(),
        offers=u.offers,
        signed_on=u.signed_on,
        active=u.active,
    )


def _contribution_out(c) -> PartnerContributionOut:
    return PartnerContributionOut(
        id=c.pk,
        organisation_id=c.organisation_id,
        partner_id=c.partner_id,
        unit_id=c.unit_id,
        kind=c.kind,
        hours=c.hours,
        amount_fen=c.amount_fen,
        description=c.description,
        project_id=c.project_id,
        activity_id=c.activity_id,
        on_date=c.on_date,
    )


# ---------------------------------------------------------------- organisations


@router.get("/organisations", response=list[PartnerOrgOut], summary="我所在街道（镇）的合伙人组织")
def partners_organisation_list(request):
    return [_org_out(o) for o in selectors.organisations_visible_to(request.auth).order_by("id")]


@router.post("/organisations", response={201: PartnerOrgOut}, summary="成立合伙人组织（街道）")
def partners_organisation_create(request, payload: PartnerOrgIn):
    from linli.places.models import Street

    street = get_visible(
        Street.objects.filter(pk__in=streets_seen(request.auth)), pk=payload.street_id
    )
    org = services.organisation_create(actor=request.auth, **service_args(payload, street=street))
    return Status(201, _org_out(org))


@router.get("/organisations/{int:org_id}", response=PartnerOrgOut, summary="合伙人组织（1+5+n）")
def partners_organisation_detail(request, org_id: int):
    return _org_out(_org(request, org_id))


@router.get("/organisations/{int:org_id}/partners", response=list[PartnerOut], summary="合伙人名单")
def partners_partner_list(request, org_id: int, status: str = "active"):
    org = _org(request, org_id)
    qs = selectors.partners_visible_to(request.auth).filter(organisation=org)
    if status == "applied":
        require(
            request.auth,
            "partners.review_application",
            org,
            _("只有秘书处和街道（镇）工作人员可以查看申请"),
        )
    if status in Partner.Status.values:
        qs = qs.filter(status=status)
    return [_partner_out(request.auth, p) for p in qs.order_by("name", "id")[:1000]]


@router.post(
    "/organisations/{int:org_id}/apply",
    response={201: PartnerOut},
    summary="网络招募：申请成为合伙人",
)
def partners_partner_apply(request, org_id: int, payload: PartnerApplyIn):
    org = _org(request, org_id)
    data = payload.dict()
    home = get_visible(org.street.committees.all(), pk=data.pop("home_committee_id"))
    p = services.partner_apply(actor=request.auth, organisation=org, home_committee=home, **data)
    return Status(201, _partner_out(request.auth, p))


@router.post(
    "/organisations/{int:org_id}/recommend", response={201: PartnerOut}, summary="社区推荐合伙人"
)
def partners_partner_recommend(request, org_id: int, payload: PartnerRecommendIn):
    org = _org(request, org_id)
    data = payload.dict()
    home = get_visible(org.street.committees.all(), pk=data.pop("home_committee_id"))
    p = services.partner_recommend(
        actor=request.auth, organisation=org, home_committee=home, **data
    )
    return Status(201, _partner_out(request.auth, p))


# ---------------------------------------------------------------- partners


@router.get("/partners/{int:partner_id}", response=PartnerOut, summary="合伙人资料")
def partners_partner_detail(request, partner_id: int):
    return _partner_out(request.auth, _partner(request, partner_id))


@router.post("/partners/{int:partner_id}/approve", response=PartnerOut, summary="秘书处审核通过")
def partners_partner_approve(request, partner_id: int, payload: PartnerApproveIn):
    p = _partner(request, partner_id)
    pc = _opt(p.organisation.committees.all(), payload.partner_committee_id)
    p = services.partner_approve(actor=request.auth, partner=p, partner_committee=pc)
    return _partner_out(request.auth, p)


@router.post("/partners/{int:partner_id}/decline", response=PartnerOut, summary="秘书处审核不通过")
def partners_partner_decline(request, partner_id: int, payload: PartnerDeclineIn):
    p = services.partner_decline(
        actor=request.auth, partner=_partner(request, partner_id), **service_args(payload)
    )
    return _partner_out(request.auth, p)


@router.post("/partners/{int:partner_id}", response=PartnerOut, summary="调整委员会与秘书处")
def partners_partner_update(request, partner_id: int, payload: PartnerUpdateIn):
    p = _partner(request, partner_id)
    pc = _opt(p.organisation.committees.all(), payload.partner_committee_id)
    p = services.partner_update(
        actor=request.auth, partner=p, **service_args(payload, partner_committee=pc)
    )
    return _partner_out(request.auth, p)


@router.post("/partners/{int:partner_id}/leave", response=PartnerOut, summary="办理退出")
def partners_partner_leave(request, partner_id: int):
    p = services.partner_leave(actor=request.auth, partner=_partner(request, partner_id))
    return _partner_out(request.auth, p)


# ---------------------------------------------------------------- teams


@router.post(
    "/organisations/{int:org_id}/teams", response={201: PartnerTeamOut}, summary="新建团队"
)
def partners_team_create(request, org_id: int, payload: PartnerTeamIn):
    org = _org(request, org_id)
    team = services.team_create(
        actor=request.auth,
        organisation=org,
        **service_args(
            payload,
            partner_committee=_opt(org.committees.all(), payload.partner_committee_id),
            leader=_opt(org.partners.all(), payload.leader_id),
        ),
    )
    return Status(
        201,
        PartnerTeamOut(
            id=team.pk,
            name=team.name,
            purpose=team.purpose,
            partner_committee_id=team.partner_committee_id,
            leader_id=team.leader_id,
            member_ids=list(team.memberships.values_list("partner_id", flat=True)),
        ),
    )


@router.post("/teams/{int:team_id}/members", response={201: dict}, summary="加入团队")
def partners_team_add_member(request, team_id: int, payload: PartnerMemberIn):
    team = get_visible(selectors.teams_visible_to(request.auth), pk=team_id)
    partner = get_visible(team.organisation.partners.all(), pk=payload.partner_id)
    m = services.team_add_member(actor=request.auth, team=team, partner=partner)
    return Status(201, {"team_id": team.pk, "partner_id": m.partner_id})


@router.delete(
    "/teams/{int:team_id}/members/{int:partner_id}", response={204: None}, summary="移出团队"
)
def partners_team_remove_member(request, team_id: int, partner_id: int):
    team = get_visible(selectors.teams_visible_to(request.auth), pk=team_id)
    partner = get_visible(team.organisation.partners.all(), pk=partner_id)
    services.team_remove_member(actor=request.auth, team=team, partner=partner)
    return Status(204, None)


# ---------------------------------------------------------------- units and contributions


@router.get("/units", response=list[PartnerUnitOut], summary="共建单位")
def partners_unit_list(request, street_id: int | None = None):
    qs = selectors.units_visible_to(request.auth)
    if street_id is not None:
        qs = qs.filter(street_id=street_id)
    return [_unit_out(u) for u in qs.order_by("street_id", "name")[:1000]]


@router.post("/units", response={201: PartnerUnitOut}, summary="登记共建单位")
def partners_unit_add(request, payload: PartnerUnitIn):
    from linli.places.models import Street

    street = get_visible(
        Street.objects.filter(pk__in=streets_seen(request.auth)), pk=payload.street_id
    )
    data = payload.dict()
    data.pop("street_id")
    return Status(201, _unit_out(services.unit_add(actor=request.auth, street=street, **data)))


@router.get(
    "/organisations/{int:org_id}/contributions",
    response=list[PartnerContributionOut],
    summary="贡献记录",
)
def partners_contribution_list(request, org_id: int):
    org = _org(request, org_id)
    return [_contribution_out(c) for c in org.contributions.all()[:1000]]


@router.post(
    "/organisations/{int:org_id}/contributions",
    response={201: PartnerContributionOut},
    summary="登记贡献（时长、专业、资金、物资）",
)
def partners_contribution_record(request, org_id: int, payload: PartnerContributionIn):
    from linli.activities.models import Activity
    from linli.projects.models import Project

    org = _org(request, org_id)
    c = services.contribution_record(
        actor=request.auth,
        organisation=org,
        **service_args(
            payload,
            partner=_opt(org.partners.all(), payload.partner_id),
            unit=_opt(org.street.co_building_units.all(), payload.unit_id),
            project=_opt(
                Project.objects.filter(committee__street_id=org.street_id), payload.project_id
            ),
            activity=_opt(Activity.objects.filter(street_id=org.street_id), payload.activity_id),
        ),
    )
    return Status(201, _contribution_out(c))
