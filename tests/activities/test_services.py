"""Activity services: create, sign-up with capacity, QR check-in, offline sign-in, contests."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from linli.activities import services
from linli.activities.models import Activity, ActivityCheckin, ActivitySignup, PublicVote
from linli.audit.models import AuditEvent
from linli.core.errors import ScopeError, ServiceError
from tests.activities.conftest import make_activity
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _during(activity):
    return activity.starts_at + datetime.timedelta(minutes=10)


def test_create_refusals(world, act):
    org = act.org
    n = Activity.objects.count()
    cases = [
        (dict(title="长" * 81), "活动名称不能超过80字"),
        (dict(capacity=0), "名额应在1到"),
        (dict(capacity="x"), "名额必须是整数"),
        (dict(kind="party"), "请选择活动类型"),
        (dict(compound=None, place=""), "请选择小区/小微空间或填写地点"),
        (dict(ends_at=timezone.now()), "结束时间必须晚于开始时间"),
    ]
    for extra, message in cases:
        with pytest.raises(ServiceError, match=message):
            make_activity(world, org, **extra)
    with pytest.raises(ScopeError):
        make_activity(world, org, actor=world.users.resident_a)
    with pytest.raises(ScopeError):
        make_activity(
            world,
            org,
            actor=world.users.street_a,
            street=world.street_b,
            partner_committee=None,
            organiser="street",
            compound=None,
        )
    assert Activity.objects.count() == n


def test_committee_staff_create_only_their_committee(world, act):
    a = make_activity(
        world,
        act.org,
        actor=world.users.staff_a,
        organiser="committee",
        committee=world.committee_a,
        partner_committee=None,
    )
    assert a.organiser_label == world.committee_a.name
    with pytest.raises(ServiceError, match="只能发起本居委会"):
        make_activity(
            world,
            act.org,
            actor=world.users.staff_a,
            organiser="street",
            compound=None,
            partner_committee=None,
        )
    # the secretariat may create street-wide activities
    b = make_activity(
        world,
        act.org,
        actor=act.org.secretary,
        organiser="street",
        compound=None,
        partner_committee=None,
    )
    assert b.organiser_label == world.street_a.name


def test_signup_capacity_and_duplicates(world, act):
    a = act.activity  # capacity 2
    r1, r2 = world.users.resident_a, world.users.leader_a
    services.activity_signup(actor=r1, activity=a)
    with pytest.raises(ServiceError) as exc:
        services.activity_signup(actor=r1, activity=a)
    assert exc.value.status == 409 and "已报名" in exc.value.message
    services.activity_signup(actor=r2, activity=a)
    with pytest.raises(ServiceError) as exc:
        services.activity_signup(actor=act.org.secretary, activity=a)
    assert exc.value.status == 409 and "名额已满" in exc.value.message
    assert ActivitySignup.objects.filter(activity=a, status="signed").count() == 2
    # cancelling frees a place; signing up again reuses the row
    services.activity_cancel_signup(actor=r2, activity=a)
    services.activity_signup(actor=act.org.secretary, activity=a)
    with pytest.raises(ServiceError, match="名额已满"):
        services.activity_signup(actor=r2, activity=a)
    assert AuditEvent.objects.filter(action="activities.signup").count() == 3


def test_signup_refusals(world, act):
    a = act.activity
    with pytest.raises(ScopeError):
        services.activity_signup(actor=world.users.resident_b, activity=a)
    with pytest.raises(ServiceError, match="报名已截止"):
        services.activity_signup(actor=world.users.resident_a, activity=a, now=_during(a))
    with pytest.raises(ServiceError, match="备注不能超过100字"):
        services.activity_signup(actor=world.users.resident_a, activity=a, note="字" * 101)
    services.activity_cancel(actor=world.users.street_a, activity=a, reason="暴雨")
    with pytest.raises(ServiceError, match="不能报名"):
        services.activity_signup(actor=world.users.resident_a, activity=a)
    assert not ActivitySignup.objects.exists()


def test_qr_checkin_records_online_participation(world, act):
    a = act.activity
    resident = world.users.resident_a
    token = services.checkin_token(a)
    c = services.activity_checkin(actor=resident, activity=a, token=token, now=_during(a))
    assert c.channel == "online" and c.user == resident and c.name == resident.name
    again = services.activity_checkin(actor=resident, activity=a, token=token, now=_during(a))
    assert again.pk == c.pk and ActivityCheckin.objects.filter(activity=a).count() == 1


def test_checkin_wrong_expired_or_outside_window(world, act):
    a = act.activity
    resident = world.users.resident_a
    other = make_activity(world, act.org, title="另一场")
    with pytest.raises(ServiceError) as exc:
        services.activity_checkin(
            actor=resident, activity=a, token=services.checkin_token(other), now=_during(a)
        )
    assert exc.value.status == 403 and "无效或已过期" in exc.value.message
    with pytest.raises(ServiceError):
        services.activity_checkin(actor=resident, activity=a, token="garbage", now=_during(a))
    old = services.checkin_token(a)
    services.activity_rotate_code(actor=world.users.street_a, activity=a)
    a.refresh_from_db()
    with pytest.raises(ServiceError, match="无效或已过期"):
        services.activity_checkin(actor=resident, activity=a, token=old, now=_during(a))
    token = services.checkin_token(a)
    with pytest.raises(ServiceError, match="不在签到时间内"):
        services.activity_checkin(
            actor=resident, activity=a, token=token, now=a.starts_at - datetime.timedelta(hours=2)
        )
    with pytest.raises(ServiceError, match="不在签到时间内"):
        services.activity_checkin(
            actor=resident, activity=a, token=token, now=a.ends_at + datetime.timedelta(hours=2)
        )
    with pytest.raises(ScopeError):
        services.activity_checkin(
            actor=world.users.resident_b, activity=a, token=token, now=_during(a)
        )
    assert not ActivityCheckin.objects.exists()


def test_offline_sign_in(world, act):
    a = act.activity
    staff = world.users.street_a
    c = services.activity_sign_in_offline(
        actor=staff, activity=a, name="王阿婆", birth_year=1948, now=_during(a)
    )
    assert c.channel == "offline" and c.birth_year == 1948 and c.user is None
    with pytest.raises(ServiceError) as exc:
        services.activity_sign_in_offline(actor=staff, activity=a, name="王阿婆", now=_during(a))
    assert exc.value.status == 409
    with pytest.raises(ScopeError):
        services.activity_sign_in_offline(
            actor=world.users.resident_a, activity=a, name="x", now=_during(a)
        )
    with pytest.raises(ServiceError, match="签到人姓名不能超过50字"):
        services.activity_sign_in_offline(actor=staff, activity=a, name="名" * 51, now=_during(a))


def test_design_contest(world, act):
    contest = make_activity(world, act.org, kind="contest", capacity=100)
    staff = world.users.street_a
    e1 = services.entry_add(actor=staff, activity=contest, title="转角花园", author="同济学生队")
    e2 = services.entry_add(actor=staff, activity=contest, title="口袋座椅", author="居民设计师")
    with pytest.raises(ServiceError, match="只有设计赛"):
        services.entry_add(actor=staff, activity=act.activity, title="x", author="y")
    j1, j2 = make_user(None, None, name="评委甲"), make_user(None, None, name="评委乙")
    services.juror_add(actor=staff, activity=contest, user=j1)
    services.juror_add(actor=staff, activity=contest, user=j2)
    services.jury_score(actor=j1, entry=e1, score=9)
    services.jury_score(actor=j2, entry=e1, score=7)
    services.jury_score(actor=j1, entry=e2, score=6)
    services.jury_score(actor=j1, entry=e2, score=8)  # revised
    with pytest.raises(ServiceError, match="评分必须是1到10"):
        services.jury_score(actor=j2, entry=e2, score=11)
    with pytest.raises(ScopeError):
        services.jury_score(actor=world.users.resident_a, entry=e2, score=5)
    with pytest.raises(ServiceError, match="公众投票未开放"):
        services.public_vote(actor=world.users.resident_a, activity=contest, entry=e1)
    services.voting_set(actor=staff, activity=contest, open=True)
    services.public_vote(actor=world.users.resident_a, activity=contest, entry=e2)
    with pytest.raises(ServiceError) as exc:
        services.public_vote(actor=world.users.resident_a, activity=contest, entry=e1)
    assert exc.value.status == 409 and "每人限投一票" in exc.value.message
    services.public_vote(actor=world.users.leader_a, activity=contest, entry=e2)
    with pytest.raises(ScopeError):
        services.public_vote(actor=world.users.resident_b, activity=contest, entry=e1)
    assert PublicVote.objects.count() == 2
    from linli.activities.selectors import ranking

    rows = ranking(contest)
    # both average 8 from the jury; the public vote breaks the tie
    assert [(r.title, r.rank, r.jury_avg, r.n_votes) for r in rows] == [
        ("口袋座椅", 1, 8, 2),
        ("转角花园", 2, 8, 0),
    ]
