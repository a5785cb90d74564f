"""Business actions on community partners. Each is one transaction and leaves an audit event.

The permission is checked here (pages, API and the demo builder all call these): the
street's staff and the partner secretariat 秘书处 manage the organisation; anyone with a
role in the street may apply; committee staff of the street may recommend.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.models import Role, RoleAssignment, User
from linli.audit.services import audit_record
from linli.core.errors import ServiceError, ensure
from linli.core.permissions import require
from linli.core.validators import MOBILE_RE
from linli.partners.models import (
    MAX_FEN,
    MAX_HOURS,
    CoBuildingUnit,
    CommitteeKind,
    Contribution,
    Partner,
    PartnerCommittee,
    PartnerOrganisation,
    PartnerTeam,
    PartnerTeamMember,
    Profession,
)
from linli.partners.rules import forget_partner_scopes

OPEN = (Partner.Status.APPLIED, Partner.Status.ACTIVE)


def _text(value, label: str, max_len: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required:
        ensure(value, _("请填写%(label)s") % {"label": label}, code="required")
    ensure(
        len(value) <= max_len,
        _("%(label)s不能超过%(max_len)s字") % {"label": label, "max_len": max_len},
        code="too_long",
    )
    return value


def _save(obj) -> None:
    obj.full_clean()
    obj.save()


def _lock(model, obj):
    return model.objects.select_for_update().get(pk=obj.pk)


def _forget(user) -> None:
    if user is not None:
        from linli.accounts.scopes import forget_scopes

        forget_partner_scopes(user)
        forget_scopes(user)


# ---------------------------------------------------------------- the organisation


@transaction.atomic
def organisation_create(*, actor, street, name: str, intro: str = "") -> PartnerOrganisation:
    """Found the street's partner organisation with its five committees (the "5" of 1+5+n)."""
    if actor is not None:
        require(
            actor,
            "partners.create_organisation",
            street,
            _("只有街道（镇）工作人员可以成立社区合伙人组织"),
        )
    name = _text(name, _("组织名称"), 60)
    intro = _text(intro, _("简介"), 1000, required=False)
    ensure(
        not PartnerOrganisation.objects.filter(street=street).exists(),
        _("%(name)s已成立社区合伙人组织") % {"name": street.name},
        code="exists",
        status=409,
    )
    org = PartnerOrganisation(street=street, name=name, intro=intro, created_by=actor)
    _save(org)
    PartnerCommittee.objects.bulk_create(
        [PartnerCommittee(organisation=org, kind=k) for k in CommitteeKind.values]
    )
    audit_record(actor=actor, action="partners.organisation_create", obj=org, after={"name": name})
    return org


@transaction.atomic
def committee_update(
    *, actor, committee: PartnerCommittee, leader: Partner | None = None, duties: str = ""
) -> PartnerCommittee:
    require(actor, "partners.manage_organisation", committee, _("您无权管理该合伙人组织"))
    committee = _lock(PartnerCommittee, committee)
    duties = _text(duties, _("职责"), 200, required=False)
    if leader is not None:
        ensure(
            leader.organisation_id == committee.organisation_id
            and leader.status == Partner.Status.ACTIVE,
            _("委员会主任必须是本组织在册的合伙人"),
            code="leader",
        )
    before = {"leader": committee.leader_id, "duties": committee.duties}
    committee.leader, committee.duties = leader, duties
    _save(committee)
    if leader is not None and leader.partner_committee_id != committee.pk:
        leader.partner_committee = committee
        leader.save(update_fields=["partner_committee"])
    audit_record(
        actor=actor,
        action="partners.committee_update",
        obj=committee,
        before=before,
        after={"leader": committee.leader_id, "duties": duties},
    )
    return committee


# ---------------------------------------------------------------- recruitment


def _check_profile(organisation, home_committee, profession, birth_year):
    ensure(home_committee is not None, _("请选择所在居民区"), code="home_committee")
    ensure(
        home_committee.street_id == organisation.street_id,
        _("所在居民区不属于本街道（镇）"),
        code="home_committee",
    )
    ensure(profession in Profession.values, _("请选择职业"), code="profession")
    if birth_year is not None:
        this_year = timezone.localdate().year
        ensure(1900 <= int(birth_year) <= this_year, _("出生年份不正确"), code="birth_year")


def _ensure_no_open_record(organisation, mobile: str, *, mine: bool) -> None:
    existing = Partner.objects.filter(organisation=organisation, mobile=mobile, status__in=OPEN)
    row = existing.first()
    if row is None:
        return
    if row.status == Partner.Status.ACTIVE:
        raise ServiceError(
            _("您已是本组织的社区合伙人")
            if mine
            else _("手机号%(mobile)s已是本组织的社区合伙人") % {"mobile": mobile},
            code="duplicate",
            status=409,
        )
    raise ServiceError(
        _("您的申请已提交，请等待秘书处审核")
        if mine
        else _("手机号%(mobile)s已有待审核的申请") % {"mobile": mobile},
        code="duplicate",
        status=409,
    )


@transaction.atomic
def partner_apply(
    *,
    actor,
    organisation: PartnerOrganisation,
    home_committee,
    profession: str,
    skills: str = "",
    workplace: str = "",
    motivation: str = "",
    birth_year: int | None = None,
) -> Partner:
    """Online application 网络招募 by the logged-in user (name and mobile from the account)."""
    require(actor, "partners.apply", organisation, _("您不在该街道（镇）范围内，不能申请"))
    organisation = _lock(PartnerOrganisation, organisation)
    _check_profile(organisation, home_committee, profession, birth_year)
    _ensure_no_open_record(organisation, actor.mobile, mine=True)
    partner = Partner(
        organisation=organisation,
        user=actor,
        name=actor.name or actor.mobile,
        mobile=actor.mobile,
        birth_year=birth_year,
        home_committee=home_committee,
        profession=profession,
        workplace=_text(workplace, _("工作单位"), 80, required=False),
        skills=_text(skills, _("专长"), 200, required=False),
        motivation=_text(motivation, _("参与意愿"), 500, required=False),
        channel=Partner.Channel.ONLINE,
    )
    try:
        with transaction.atomic():
            _save(partner)
    except IntegrityError as exc:  # a concurrent second click
        raise ServiceError(
            _("您的申请已提交，请等待秘书处审核"), code="duplicate", status=409
        ) from exc
    audit_record(
        actor=actor,
        action="partners.apply",
        obj=partner,
        after={"organisation": organisation.pk, "profession": profession, "channel": "online"},
    )
    return partner


@transaction.atomic
def partner_recommend(
    *,
    actor,
    organisation: PartnerOrganisation,
    name: str,
    mobile: str,
    home_committee,
    profession: str,
    recommendation: str,
    skills: str = "",
    workplace: str = "",
    birth_year: int | None = None,
) -> Partner:
    """Committee recommendation 社区推荐: a 居委会 (or the secretariat) puts a person forward."""
    require(actor, "partners.recommend", organisation, _("您无权向该组织推荐社区合伙人"))
    organisation = _lock(PartnerOrganisation, organisation)
    name = _text(name, _("姓名"), 50)
    mobile = (mobile or "").strip()
    ensure(MOBILE_RE.match(mobile), _("手机号格式不正确，应为11位数字并以1开头"), code="mobile")
    _check_profile(organisation, home_committee, profession, birth_year)
    _ensure_no_open_record(organisation, mobile, mine=False)
    partner = Partner(
        organisation=organisation,
        user=User.objects.filter(mobile=mobile).first(),
        name=name,
        mobile=mobile,
        birth_year=birth_year,
        home_committee=home_committee,
        profession=profession,
        workplace=_text(workplace, _("工作单位"), 80, required=False),
        skills=_text(skills, _("专长"), 200, required=False),
        recommendation=_text(recommendation, _("推荐理由"), 300),
        channel=Partner.Channel.RECOMMENDED,
        recommended_by=actor,
    )
    _save(partner)
    audit_record(
        actor=actor,
        action="partners.recommend",
        obj=partner,
        after={"organisation": organisation.pk, "profession": profession, "channel": "recommended"},
    )
    return partner


@transaction.atomic
def partner_approve(
    *, actor, partner: Partner, partner_committee: PartnerCommittee | None = None, on=None
) -> Partner:
    """The secretariat approves an application: the partner is active from today, linked to
    a platform account (found by mobile or created) that receives the partner role scoped
    to the partner's 居委会."""
    require(actor, "partners.review_application", partner, _("您无权审核该组织的合伙人申请"))
    partner = _lock(Partner, partner)
    ensure(
        partner.status == Partner.Status.APPLIED,
        _("该申请已处理（%(status)s）") % {"status": partner.get_status_display()},
        code="decided",
        status=409,
    )
    if partner_committee is not None:
        ensure(
            partner_committee.organisation_id == partner.organisation_id,
            _("所选委员会不属于本组织"),
            code="partner_committee",
        )
        partner.partner_committee = partner_committee
    user = partner.user or User.objects.filter(mobile=partner.mobile).first()
    if user is None:
        from linli.accounts.services import user_create

        user = user_create(actor=actor, mobile=partner.mobile, name=partner.name)
    partner.user = user
    partner.status = Partner.Status.ACTIVE
    partner.decided_by = actor
    partner.decided_at = timezone.now()
    partner.joined_on = on or timezone.localdate()
    _save(partner)
    _grant_role(actor, partner)
    audit_record(
        actor=actor,
        action="partners.approve",
        obj=partner,
        before={"status": "applied"},
        after={"status": "active", "user": user.pk, "committee": partner.partner_committee_id},
    )
    return partner


def _grant_role(actor, partner: Partner) -> None:
    from linli.accounts.services import _can_grant, role_assign

    title = "社区合伙人"
    if partner.partner_committee_id:
        title += "·" + partner.partner_committee.get_kind_display().removeprefix("社区")
    # the secretariat grants the role on behalf of the street (recorded as partners.approve)
    granter = (
        actor
        if actor is not None and _can_grant(actor, Role.PARTNER, partner.home_committee)
        else None
    )
    role_assign(
        actor=granter,
        user=partner.user,
        role=Role.PARTNER,
        scope=partner.home_committee,
        title=title[:40],
    )
    _forget(partner.user)


@transaction.atomic
def partner_decline(*, actor, partner: Partner, reason: str) -> Partner:
    require(actor, "partners.review_application", partner, _("您无权审核该组织的合伙人申请"))
    partner = _lock(Partner, partner)
    ensure(
        partner.status == Partner.Status.APPLIED,
        _("该申请已处理（%(status)s）") % {"status": partner.get_status_display()},
        code="decided",
        status=409,
    )
    reason = _text(reason, _("未通过原因"), 200)
    partner.status = Partner.Status.DECLINED
    partner.decline_reason = reason
    partner.decided_by = actor
    partner.decided_at = timezone.now()
    _save(partner)
    audit_record(
        actor=actor,
        action="partners.decline",
        obj=partner,
        before={"status": "applied"},
        after={"status": "declined", "reason": reason},
    )
    return partner


@transaction.atomic
def partner_update(
    *,
    actor,
    partner: Partner,
    partner_committee: PartnerCommittee | None,
    in_secretariat: bool = False,
    secretariat_title: str = "",
) -> Partner:
    """Place an active partner in one of the five committees and/or the secretariat."""
    require(actor, "partners.manage_organisation", partner, _("您无权管理该合伙人组织"))
    partner = _lock(Partner, partner)
    ensure(partner.status == Partner.Status.ACTIVE, _("只能调整在册合伙人"), code="not_active")
    if partner_committee is not None:
        ensure(
            partner_committee.organisation_id == partner.organisation_id,
            _("所选委员会不属于本组织"),
            code="partner_committee",
        )
    secretariat_title = _text(secretariat_title, _("秘书处职务"), 30, required=False)
    if bool(in_secretariat) != partner.in_secretariat:
        # only the street's staff change who sits in the secretariat
        require(
            actor,
            "partners.manage_secretariat",
            partner,
            _("只有街道（镇）工作人员可以调整秘书处成员"),
        )
    before = {
        "committee": partner.partner_committee_id,
        "in_secretariat": partner.in_secretariat,
    }
    partner.partner_committee = partner_committee
    partner.in_secretariat = bool(in_secretariat)
    partner.secretariat_title = secretariat_title if in_secretariat else ""
    _save(partner)
    _forget(partner.user)
    audit_record(
        actor=actor,
        action="partners.update",
        obj=partner,
        before=before,
        after={"committee": partner.partner_committee_id, "in_secretariat": partner.in_secretariat},
    )
    return partner


@transaction.atomic
def partner_leave(*, actor, partner: Partner, on=None) -> Partner:
    """A partner leaves: the record stays (its contributions too), the partner role goes
    unless another active partner record needs it."""
    require(actor, "partners.manage_organisation", partner, _("您无权管理该合伙人组织"))
    partner = _lock(Partner, partner)
    ensure(
        partner.status == Partner.Status.ACTIVE, _("只有在册合伙人可以办理退出"), code="not_active"
    )
    partner.status = Partner.Status.LEFT
    partner.in_secretariat = False
    partner.secretariat_title = ""
    partner.left_on = on or timezone.localdate()
    _save(partner)
    PartnerTeamMember.objects.filter(partner=partner).delete()
    PartnerTeam.objects.filter(leader=partner).update(leader=None)
    PartnerCommittee.objects.filter(leader=partner).update(leader=None)
    if (
        partner.user_id
        and not Partner.objects.filter(
            user_id=partner.user_id,
            home_committee_id=partner.home_committee_id,
            status=Partner.Status.ACTIVE,
        ).exists()
    ):
        from linli.accounts.services import role_revoke

        for a in RoleAssignment.objects.filter(
            user_id=partner.user_id, role=Role.PARTNER, committee_id=partner.home_committee_id
        ):
            role_revoke(actor=None, assignment=a)
    _forget(partner.user)
    audit_record(
        actor=actor,
        action="partners.leave",
        obj=partner,
        before={"status": "active"},
        after={"status": "left"},
    )
    return partner


# ---------------------------------------------------------------- teams (the "n")


def _check_member(team_or_org, partner: Partner, label: str = "") -> None:
    label = label or _("成员")
    org_id = getattr(team_or_org, "organisation_id", None) or team_or_org.pk
    ensure(
        partner.organisation_id == org_id and partner.status == Partner.Status.ACTIVE,
        _("团队%(label)s必须是本组织在册的合伙人") % {"label": label},
        code="partner",
    )


@transaction.atomic
def team_create(
    *,
    actor,
    organisation: PartnerOrganisation,
    name: str,
    purpose: str = "",
    partner_committee: PartnerCommittee | None = None,
    leader: Partner | None = None,
) -> PartnerTeam:
    require(actor, "partners.manage_organisation", organisation, _("您无权管理该合伙人组织"))
    name = _text(name, _("团队名称"), 60)
    purpose = _text(purpose, _("团队宗旨"), 300, required=False)
    ensure(
        not PartnerTeam.objects.filter(organisation=organisation, name=name).exists(),
        _("已有名为“%(name)s”的团队") % {"name": name},
        code="duplicate",
        status=409,
    )
    if partner_committee is not None:
        ensure(
            partner_committee.organisation_id == organisation.pk,
            _("所选委员会不属于本组织"),
            code="partner_committee",
        )
    if leader is not None:
        _check_member(organisation, leader, _("队长"))
    team = PartnerTeam(
        organisation=organisation,
        name=name,
        purpose=purpose,
        partner_committee=partner_committee,
        leader=leader,
    )
    _save(team)
    if leader is not None:
        PartnerTeamMember.objects.create(team=team, partner=leader)
    audit_record(
        actor=actor,
        action="partners.team_create",
        obj=team,
        after={"name": name, "leader": leader.pk if leader else None},
    )
    return team


@transaction.atomic
def team_add_member(*, actor, team: PartnerTeam, partner: Partner) -> PartnerTeamMember:
    require(actor, "partners.manage_organisation", team, _("您无权管理该合伙人组织"))
    team = _lock(PartnerTeam, team)
    _check_member(team, partner)
    ensure(
        not PartnerTeamMember.objects.filter(team=team, partner=partner).exists(),
        _("%(name)s已在%(name2)s中") % {"name": partner.name, "name2": team.name},
        code="duplicate",
        status=409,
    )
    member = PartnerTeamMember.objects.create(team=team, partner=partner)
    audit_record(
        actor=actor, action="partners.team_add_member", obj=team, after={"partner": partner.pk}
    )
    return member


@transaction.atomic
def team_remove_member(*, actor, team: PartnerTeam, partner: Partner) -> PartnerTeam:
    require(actor, "partners.manage_organisation", team, _("您无权管理该合伙人组织"))
    team = _lock(PartnerTeam, team)
    deleted, _by_model = PartnerTeamMember.objects.filter(team=team, partner=partner).delete()
    ensure(
        deleted,
        _("%(name)s不在%(name2)s中") % {"name": partner.name, "name2": team.name},
        code="not_member",
        status=404,
    )
    if team.leader_id == partner.pk:
        team.leader = None
        team.save(update_fields=["leader"])
    audit_record(
        actor=actor,
        action="partners.team_remove_member",
        obj=team,
        before={"partner": partner.pk},
    )
    return team


@transaction.atomic
def team_set_leader(*, actor, team: PartnerTeam, leader: Partner) -> PartnerTeam:
    require(actor, "partners.manage_organisation", team, _("您无权管理该合伙人组织"))
    team = _lock(PartnerTeam, team)
    _check_member(team, leader, _("队长"))
    before = {"leader": team.leader_id}
    team.leader = leader
    _save(team)
    PartnerTeamMember.objects.get_or_create(team=team, partner=leader)
    audit_record(
        actor=actor,
        action="partners.team_set_leader",
        obj=team,
        before=before,
        after={"leader": leader.pk},
    )
    return team


# ---------------------------------------------------------------- co-building units


@transaction.atomic
def unit_add(
    *,
    actor,
    street,
    name: str,
    kind: str,
    contact: str = "",
    offers: str = "",
    signed_on: datetime.date | None = None,
) -> CoBuildingUnit:
    require(actor, "partners.manage_units", street, _("您无权登记该街道（镇）的共建单位"))
    name = _text(name, _("单位名称"), 80)
    ensure(kind in CoBuildingUnit.Kind.values, _("请选择单位类别"), code="kind")
    ensure(
        not CoBuildingUnit.objects.filter(street=street, name=name).exists(),
        _("共建单位“%(name)s”已登记") % {"name": name},
        code="duplicate",
        status=409,
    )
    if signed_on is not None:
        ensure(signed_on <= timezone.localdate(), _("签约日期不能晚于今天"), code="signed_on")
    unit = CoBuildingUnit(
        street=street,
        name=name,
        kind=kind,
        contact=_text(contact, _("联系人及电话"), 60, required=False),
        offers=_text(offers, _("可提供的资源"), 300, required=False),
        signed_on=signed_on,
        added_by=actor,
    )
    _save(unit)
    audit_record(actor=actor, action="partners.unit_add", obj=unit, after={"name": name})
    return unit


# ---------------------------------------------------------------- contributions


@transaction.atomic
def contribution_record(
    *,
    actor,
    organisation: PartnerOrganisation,
    kind: str,
    description: str,
    on_date: datetime.date,
    partner: Partner | None = None,
    unit: CoBuildingUnit | None = None,
    hours=None,
    amount_fen: int | None = None,
    project=None,
    activity=None,
) -> Contribution:
    """Record what a partner or a co-building unit gave (hours, expertise, money, materials)."""
    require(actor, "partners.record_contribution", organisation, _("您无权登记该组织的贡献"))
    ensure(kind in Contribution.Kind.values, _("请选择贡献类别"), code="kind")
    ensure((partner is None) != (unit is None), _("请选择一位合伙人或一个共建单位"), code="giver")
    if partner is not None:
        ensure(
            partner.organisation_id == organisation.pk and partner.status == Partner.Status.ACTIVE,
            _("贡献人必须是本组织在册的合伙人"),
            code="partner",
        )
    if unit is not None:
        ensure(
            unit.street_id == organisation.street_id, _("共建单位不属于本街道（镇）"), code="unit"
        )
    description = _text(description, _("贡献内容"), 200)
    ensure(on_date is not None, _("请填写日期"), code="on_date")
    ensure(on_date <= timezone.localdate(), _("日期不能晚于今天"), code="on_date")
    if hours not in (None, ""):
        try:
            hours = Decimal(str(hours)).quantize(Decimal("0.1"))
        except (InvalidOperation, ValueError) as exc:
            raise ServiceError(_("时长必须是数字"), code="hours") from exc
        ensure(Decimal("0.5") <= hours <= MAX_HOURS, _("时长应在0.5到1000小时之间"), code="hours")
    else:
        hours = None
    if amount_fen not in (None, ""):
        ensure(1 <= int(amount_fen) <= MAX_FEN, _("金额应在0.01元到1亿元之间"), code="amount_fen")
        amount_fen = int(amount_fen)
    else:
        amount_fen = None
    if kind == Contribution.Kind.HOURS:
        ensure(hours is not None, _("请填写服务时长"), code="hours")
    if kind == Contribution.Kind.MONEY:
        ensure(amount_fen is not None, _("请填写金额"), code="amount_fen")
    if project is not None:
        ensure(
            project.committee.street_id == organisation.street_id,
            _("所选项目不属于本街道（镇）"),
            code="project",
        )
    if activity is not None:
        ensure(
            activity.street_id == organisation.street_id,
            _("所选活动不属于本街道（镇）"),
            code="activity",
        )
    c = Contribution(
        organisation=organisation,
        partner=partner,
        unit=unit,
        kind=kind,
        hours=hours,
        amount_fen=amount_fen,
        description=description,
        project=project,
        activity=activity,
        on_date=on_date,
        recorded_by=actor,
    )
    _save(c)
    audit_record(
        actor=actor,
        action="partners.contribution_record",
        obj=c,
        after={
            "kind": kind,
            "partner": partner.pk if partner else None,
            "unit": unit.pk if unit else None,
            "hours": str(hours) if hours is not None else None,
            "amount_fen": amount_fen,
            "project": project.pk if project else None,
            "activity": activity.pk if activity else None,
        },
    )
    return c
