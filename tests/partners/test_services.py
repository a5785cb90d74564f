"""Partner services: recruitment, review, the 1+5+n structure, units and contributions."""

from __future__ import annotations

import datetime

import pytest

from linli.accounts.models import Role, RoleAssignment, User
from linli.audit.models import AuditEvent
from linli.core.errors import ScopeError, ServiceError
from linli.partners import services
from linli.partners.models import CommitteeKind, Contribution, Partner, PartnerCommittee

pytestmark = pytest.mark.django_db


def _apply(world, org, user=None, **kw):
    user = user or world.users.resident_a
    data = dict(
        actor=user,
        organisation=org.org,
        home_committee=world.committee_a,
        profession="doctor",
        skills="全科医生，健康讲座",
        motivation="想为社区做点事",
    )
    data.update(kw)
    return services.partner_apply(**data)


def test_organisation_has_five_committees(world, org):
    kinds = set(
        PartnerCommittee.objects.filter(organisation=org.org).values_list("kind", flat=True)
    )
    assert kinds == set(CommitteeKind.values)
    with pytest.raises(ServiceError) as exc:
        services.organisation_create(
            actor=world.users.street_a, street=world.street_a, name="又一个"
        )
    assert exc.value.status == 409


def test_only_street_staff_found_an_organisation(world):
    with pytest.raises(ScopeError):
        services.organisation_create(actor=world.users.staff_a, street=world.street_a, name="x")
    with pytest.raises(ScopeError):
        services.organisation_create(actor=world.users.street_a, street=world.street_b, name="x")


def test_apply_then_approve_grants_partner_role(world, org):
    resident = world.users.resident_a
    p = _apply(world, org)
    assert p.status == Partner.Status.APPLIED and p.channel == "online"
    assert p.mobile == resident.mobile and p.name == resident.name
    assert not RoleAssignment.objects.filter(user=resident, role=Role.PARTNER).exists()
    p = services.partner_approve(
        actor=org.secretary, partner=p, partner_committee=org.committees["education"]
    )
    assert p.status == Partner.Status.ACTIVE and p.joined_on == datetime.date.today()
    ra = RoleAssignment.objects.get(user=resident, role=Role.PARTNER)
    assert ra.committee_id == world.committee_a.pk and "教育" in ra.title
    assert AuditEvent.objects.filter(action="partners.approve", object_id=str(p.pk)).exists()


def test_duplicate_application_is_409_and_writes_nothing(world, org):
    _apply(world, org)
    before = Partner.objects.count()
    with pytest.raises(ServiceError) as exc:
        _apply(world, org)
    assert exc.value.status == 409 and "已提交" in exc.value.message
    assert Partner.objects.count() == before


def test_apply_refusals(world, org):
    with pytest.raises(ServiceError, match="不属于本街道"):
        _apply(world, org, home_committee=world.committee_b)
    with pytest.raises(ServiceError, match="专长不能超过200字"):
        _apply(world, org, skills="长" * 201)
    with pytest.raises(ServiceError, match="请选择职业"):
        _apply(world, org, profession="astronaut")
    # a resident of another street cannot apply here
    with pytest.raises(ScopeError):
        _apply(world, org, user=world.users.resident_b)
    assert not Partner.objects.filter(status="applied").exists()


def test_decline_needs_reason_and_only_once(world, org):
    p = _apply(world, org)
    with pytest.raises(ServiceError, match="请填写未通过原因"):
        services.partner_decline(actor=org.secretary, partner=p, reason=" ")
    p = services.partner_decline(actor=org.secretary, partner=p, reason="本年度名额已满")
    assert p.status == "declined" and p.decline_reason == "本年度名额已满"
    with pytest.raises(ServiceError) as exc:
        services.partner_approve(actor=org.secretary, partner=p)
    assert exc.value.status == 409
    # declined people may apply again
    assert _apply(world, org).status == "applied"


def test_review_is_for_secretariat_and_street_only(world, org):
    p = _apply(world, org)
    for who in (world.users.staff_a, world.users.resident_b, world.users.planner_a):
        with pytest.raises(ScopeError):
            services.partner_approve(actor=who, partner=p)
    assert Partner.objects.get(pk=p.pk).status == "applied"


def test_recommendation_creates_account_on_approval(world, org):
    p = services.partner_recommend(
        actor=world.users.staff_a,
        organisation=org.org,
        name="王律师",
        mobile="13912345678",
        home_committee=world.committee_a,
        profession="lawyer",
        recommendation="居民区法律顾问",
    )
    assert p.channel == "recommended" and p.user is None
    with pytest.raises(ServiceError, match="手机号格式不正确"):
        services.partner_recommend(
            actor=world.users.staff_a,
            organisation=org.org,
            name="x",
            mobile="123",
            home_committee=world.committee_a,
            profession="lawyer",
            recommendation="y",
        )
    with pytest.raises(ScopeError):
        services.partner_recommend(
            actor=world.users.staff_b,
            organisation=org.org,
            name="x",
            mobile="13912345679",
            home_committee=world.committee_a,
            profession="lawyer",
            recommendation="y",
        )
    p = services.partner_approve(actor=world.users.street_a, partner=p)
    user = User.objects.get(mobile="13912345678")
    assert p.user == user and user.roles.filter(role=Role.PARTNER).exists()


def test_secretariat_changes_only_by_street(world, org):
    p = services.partner_approve(actor=org.secretary, partner=_apply(world, org))
    with pytest.raises(ScopeError, match="只有街道"):
        services.partner_update(
            actor=org.secretary, partner=p, partner_committee=None, in_secretariat=True
        )
    p = services.partner_update(
        actor=org.secretary, partner=p, partner_committee=org.committees["media"]
    )
    assert p.partner_committee.kind == "media"


def test_teams_leaders_and_members(world, org):
    a = services.partner_approve(actor=org.secretary, partner=_apply(world, org))
    team = services.team_create(
        actor=org.secretary,
        organisation=org.org,
        name="开鲁花友队",
        purpose="认养小花园",
        partner_committee=org.committees["governance"],
        leader=a,
    )
    assert list(team.memberships.values_list("partner_id", flat=True)) == [a.pk]
    services.team_add_member(actor=org.secretary, team=team, partner=org.secretary_partner)
    with pytest.raises(ServiceError) as exc:
        services.team_add_member(actor=org.secretary, team=team, partner=org.secretary_partner)
    assert exc.value.status == 409
    with pytest.raises(ServiceError, match="已有名为"):
        services.team_create(actor=org.secretary, organisation=org.org, name="开鲁花友队")
    services.team_set_leader(actor=org.secretary, team=team, leader=org.secretary_partner)
    team.refresh_from_db()
    assert team.leader == org.secretary_partner
    services.team_remove_member(actor=org.secretary, team=team, partner=org.secretary_partner)
    team.refresh_from_db()
    assert team.leader is None and team.memberships.count() == 1
    with pytest.raises(ScopeError):
        services.team_create(actor=world.users.resident_a, organisation=org.org, name="x")


def test_leaving_revokes_role_and_memberships(world, org):
    a = services.partner_approve(actor=org.secretary, partner=_apply(world, org))
    services.team_create(actor=org.secretary, organisation=org.org, name="队", leader=a)
    services.partner_leave(actor=org.secretary, partner=a)
    assert not RoleAssignment.objects.filter(user=world.users.resident_a, role="partner").exists()
    assert Partner.objects.get(pk=a.pk).status == "left"


def test_units_and_contributions(world, org):
    unit = services.unit_add(
        actor=world.users.street_a,
        street=world.street_a,
        name="同济大学建筑与城市规划学院",
        kind="university",
        offers="设计指导",
    )
    with pytest.raises(ServiceError) as exc:
        services.unit_add(
            actor=world.users.street_a, street=world.street_a, name=unit.name, kind="university"
        )
    assert exc.value.status == 409
    with pytest.raises(ScopeError):
        services.unit_add(actor=world.users.staff_a, street=world.street_a, name="x", kind="other")
    today = datetime.date.today()
    c = services.contribution_record(
        actor=org.secretary,
        organisation=org.org,
        partner=org.secretary_partner,
        kind="hours",
        hours="3.5",
        description="工作坊主持",
        on_date=today,
    )
    assert str(c.hours) == "3.5"
    m = services.contribution_record(
        actor=world.users.street_a,
        organisation=org.org,
        unit=unit,
        kind="money",
        amount_fen=500_000,
        description="赞助公益市集",
        on_date=today,
    )
    assert m.amount_fen == 500_000
    n = Contribution.objects.count()
    bad = [
        (dict(kind="money"), "请填写金额"),
        (dict(kind="hours", hours="0"), "时长应在"),
        (dict(kind="hours", hours="abc"), "时长必须是数字"),
        (dict(kind="materials", on_date=today + datetime.timedelta(days=1)), "不能晚于今天"),
        (dict(kind="materials", description="长" * 201), "不能超过200字"),
        (dict(kind="materials", unit=unit), "请选择一位合伙人或一个共建单位"),
    ]
    for extra, message in bad:
        data = dict(
            actor=org.secretary,
            organisation=org.org,
            partner=org.secretary_partner,
            description="物资",
            on_date=today,
        )
        data.update(extra)
        with pytest.raises(ServiceError, match=message):
            services.contribution_record(**data)
    assert Contribution.objects.count() == n
    with pytest.raises(ScopeError):
        services.contribution_record(
            actor=world.users.resident_a,
            organisation=org.org,
            partner=org.secretary_partner,
            kind="expertise",
            description="x",
            on_date=today,
        )
