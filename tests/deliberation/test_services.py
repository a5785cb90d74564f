import datetime

import pytest
from django.utils import timezone

from linli.accounts.models import Role
from linli.audit.models import AuditEvent
from linli.core.errors import ScopeError, ServiceError
from linli.deliberation.models import Attendance, Minutes, SiyiStep
from linli.deliberation.services import (
    agenda_add,
    checkin_token,
    meeting_check_in,
    meeting_close,
    meeting_create,
    meeting_quorum,
    meeting_sign_in,
    minutes_approve,
    minutes_save,
    siyi_record,
)
from tests.factories import make_user

SOON = timezone.now() + datetime.timedelta(days=1)


def _meeting(world, kind, expected, **kw):
    kw.setdefault("convener", "committee")
    return meeting_create(
        actor=kw.pop("actor", world.users.staff_a),
        committee=world.committee_a,
        kind=kind,
        title=kw.pop("title", "测试会议"),
        starts_at=SOON,
        expected_count=expected,
        **kw,
    )


def test_create_meeting_with_agenda_linked_to_project(world, meeting, project):
    item = agenda_add(actor=world.users.staff_a, meeting=meeting, title="花园方案", project=project)
    agenda_add(actor=world.users.staff_a, meeting=meeting, title="其他事项")
    assert [a.title for a in meeting.agenda.all()] == ["花园方案", "其他事项"]
    assert item.project == project
    assert AuditEvent.objects.filter(action="meeting.create").count() == 1


def test_only_managers_create_meetings_and_agenda(world, meeting):
    with pytest.raises(ScopeError):
        _meeting(world, "residents", 10, actor=world.users.staff_b)
    with pytest.raises(ScopeError):
        _meeting(world, "residents", 10, actor=world.users.resident_a)
    with pytest.raises(ScopeError):
        agenda_add(actor=world.users.resident_a, meeting=meeting, title="x")


def test_convener_must_fit_the_meeting_type(world):
    with pytest.raises(ServiceError, match="应由居民区党组织召集"):
        _meeting(world, "party", 10, convener="committee")
    m = _meeting(world, "party", 10, convener="party_org")
    assert m.convener == "party_org"


def test_owners_meeting_by_owners_committee_committee_acts_only_where_none(world):
    # no owners' committee in 开鲁一村 yet: the committee convenes and it is recorded as acting
    with pytest.raises(ServiceError, match="须选择所在小区"):
        _meeting(world, "owners_assembly", 30)
    with pytest.raises(ServiceError, match="尚未成立业委会"):
        _meeting(
            world, "owners_assembly", 30, convener="owners_committee", compound=world.compound_a
        )
    m = _meeting(world, "owners_assembly", 30, compound=world.compound_a)
    assert m.acting_convener is True
    # once an owners' committee exists, it convenes; the committee may no longer act
    oc = make_user(Role.OWNERS_COMMITTEE, world.compound_a, name="业委会主任")
    with pytest.raises(ServiceError, match="已成立业委会"):
        _meeting(world, "owners_assembly", 30, compound=world.compound_a)
    m = _meeting(
        world,
        "owner_representatives",
        9,
        actor=oc,
        convener="owners_committee",
        compound=world.compound_a,
    )
    assert m.acting_convener is False
    assert oc.has_perm("deliberation.manage_meeting", m)
    # the owners' committee may not convene other meetings
    with pytest.raises(ScopeError):
        _meeting(world, "residents", 9, actor=oc)


def test_quorum_per_meeting_type(world):
    # 居民会议: more than half must attend — 2 of 4 is not enough, 3 is
    residents = _meeting(world, "residents", 4)
    # 居民代表会议: two thirds or more — 2 of 3 is enough
    reps = _meeting(world, "representatives", 3)
    for name in ("甲", "乙"):
        meeting_sign_in(actor=world.users.staff_a, meeting=residents, name=name)
        meeting_sign_in(actor=world.users.staff_a, meeting=reps, name=name)
    q = meeting_quorum(residents)
    assert (q.present, q.met, q.needed) == (2, False, 3)
    assert "还差1人" in q.message and "过半数" in q.message
    q = meeting_quorum(reps)
    assert (q.present, q.met, q.needed) == (2, True, 2)
    assert "三分之二以上" in q.rule_text
    # observers (invited officials) do not count
    meeting_sign_in(actor=world.users.staff_a, meeting=residents, name="街道代表", counts=False)
    assert meeting_quorum(residents).met is False
    meeting_sign_in(actor=world.users.staff_a, meeting=residents, name="丙")
    assert meeting_quorum(residents).met is True
    # owners' assembly: two thirds of owners by headcount
    assembly = _meeting(world, "owners_assembly", 6, compound=world.compound_a)
    for name in "ABCD":
        meeting_sign_in(actor=world.users.staff_a, meeting=assembly, name=name)
    assert meeting_quorum(assembly).met is True
    assert meeting_quorum(assembly).needed == 4


def test_qr_check_in_is_idempotent_and_refuses_forged_or_other_meeting_tokens(world, meeting):
    other = _meeting(world, "building", 10)
    resident = world.users.resident_a
    with pytest.raises(ServiceError, match="无效或不属于本次会议"):
        meeting_check_in(actor=resident, meeting=meeting, token=checkin_token(other))
    with pytest.raises(ServiceError, match="无效"):
        meeting_check_in(actor=resident, meeting=meeting, token=checkin_token(meeting) + "x")
    with pytest.raises(ServiceError, match="无效"):
        meeting_check_in(actor=resident, meeting=meeting, token="")
    token = checkin_token(meeting)
    a = meeting_check_in(actor=resident, meeting=meeting, token=token)
    b = meeting_check_in(actor=resident, meeting=meeting, token=token)
    assert a.pk == b.pk and a.method == "qr" and a.note == "5号楼101室"
    assert Attendance.objects.filter(meeting=meeting).count() == 1
    # outside the committee: refused even with a valid token
    with pytest.raises(ScopeError):
        meeting_check_in(actor=world.users.resident_b, meeting=meeting, token=token)


def test_invitees_by_building_or_role(world):
    m = _meeting(world, "building", 5, invitee_buildings=[world.building_a])
    other_building = type(world.building_a).objects.create(
        compound=world.compound_a, number="9号楼"
    )
    m2 = _meeting(world, "building", 5, invitee_buildings=[other_building])
    meeting_check_in(actor=world.users.resident_a, meeting=m, token=checkin_token(m))
    with pytest.raises(ScopeError, match="邀请范围"):
        meeting_check_in(actor=world.users.resident_a, meeting=m2, token=checkin_token(m2))
    m3 = _meeting(world, "representatives", 5, invitee_roles=[Role.BUILDING_LEADER])
    meeting_check_in(actor=world.users.leader_a, meeting=m3, token=checkin_token(m3))
    with pytest.raises(ScopeError):
        meeting_check_in(actor=world.users.resident_a, meeting=m3, token=checkin_token(m3))
    with pytest.raises(ServiceError, match="不属于"):
        _meeting(world, "building", 5, invitee_buildings=[world.building_b])


def test_closed_meeting_refuses_sign_in(world, meeting):
    meeting_close(actor=world.users.staff_a, meeting=meeting)
    with pytest.raises(ServiceError, match="签到已关闭"):
        meeting_sign_in(actor=world.users.staff_a, meeting=meeting, name="迟到者")
    with pytest.raises(ServiceError, match="签到已关闭"):
        meeting_check_in(
            actor=world.users.resident_a, meeting=meeting, token=checkin_token(meeting)
        )


def test_staff_sign_in_refuses_duplicates_and_outsiders(world, meeting):
    meeting_sign_in(actor=world.users.staff_a, meeting=meeting, name="王阿姨", note="5号楼301")
    with pytest.raises(ServiceError, match="已签到"):
        meeting_sign_in(actor=world.users.staff_a, meeting=meeting, name="王阿姨", note="5号楼301")
    with pytest.raises(ScopeError):
        meeting_sign_in(actor=world.users.staff_b, meeting=meeting, name="x")
    with pytest.raises(ScopeError):
        meeting_sign_in(actor=world.users.resident_a, meeting=meeting, name="x")


def _full_minutes(world, meeting, agree=3):
    return minutes_save(
        actor=world.users.staff_a,
        meeting=meeting,
        summary="讨论睦邻花园改造方案",
        points=[{"speaker": "张建国", "point": "希望保留大树"}],
        resolutions=[{"text": "同意按方案二实施", "agree": agree}],
        follow_ups=[{"action": "规划师修改图纸", "owner": "林老师", "due": "2026-12-01"}],
    )


def test_minutes_resolution_tallied_against_meeting_rule(world, meeting):
    for name in ("甲", "乙", "丙"):
        meeting_sign_in(actor=world.users.staff_a, meeting=meeting, name=name)
    minutes = _full_minutes(world, meeting, agree=2)
    r = minutes.resolutions.get()
    assert r.passed is True and "出席3人，同意2人，通过" == r.outcome
    minutes = _full_minutes(world, meeting, agree=1)
    r = minutes.resolutions.get()
    assert r.passed is False and "未过半数" in r.outcome
    with pytest.raises(ServiceError, match="同意人数应在0到出席人数（3）之间"):
        _full_minutes(world, meeting, agree=4)
    assert minutes.follow_ups.get().due == datetime.date(2026, 12, 1)


def test_minutes_are_frozen_after_approval(world, meeting):
    meeting_sign_in(actor=world.users.staff_a, meeting=meeting, name="甲")
    _full_minutes(world, meeting, agree=1)
    with pytest.raises(ServiceError, match="请先结束会议"):
        minutes_approve(actor=world.users.staff_a, meeting=meeting)
    meeting_close(actor=world.users.staff_a, meeting=meeting)
    with pytest.raises(ScopeError):
        minutes_approve(actor=world.users.resident_a, meeting=meeting)
    minutes = minutes_approve(actor=world.users.staff_a, meeting=meeting)
    assert minutes.status == Minutes.Status.APPROVED and minutes.approved_by == world.users.staff_a
    with pytest.raises(ServiceError, match="已审定，不能再修改") as exc:
        minutes_save(actor=world.users.staff_a, meeting=meeting, summary="改写", points=[])
    assert exc.value.status == 409
    minutes.refresh_from_db()
    assert minutes.summary == "讨论睦邻花园改造方案"
    assert minutes.points.count() == 1 and minutes.resolutions.count() == 1
    with pytest.raises(ServiceError, match="已审定"):
        minutes_approve(actor=world.users.staff_a, meeting=meeting)


def test_minutes_bad_input_writes_nothing(world, meeting):
    _full_minutes(world, meeting, agree=None)
    with pytest.raises(ServiceError, match="完成期限格式"):
        minutes_save(
            actor=world.users.staff_a,
            meeting=meeting,
            summary="新的概况",
            follow_ups=[{"action": "a", "owner": "b", "due": "明天"}],
        )
    m = Minutes.objects.get(meeting=meeting)
    assert m.summary == "讨论睦邻花园改造方案" and m.follow_ups.count() == 1


def test_siyi_steps_in_order(world, project, meeting):
    from linli.deliberation.selectors import siyi_track

    staff = world.users.staff_a
    with pytest.raises(ServiceError, match="请先完成“提议”"):
        siyi_record(actor=staff, project=project, step="discuss")
    siyi_record(actor=staff, project=project, step="propose", note="居民提出")
    siyi_record(actor=staff, project=project, step="discuss", meeting=meeting)
    with pytest.raises(ServiceError, match="已记录"):
        siyi_record(actor=staff, project=project, step="discuss")
    with pytest.raises(ScopeError):
        siyi_record(actor=world.users.resident_a, project=project, step="move")
    track = siyi_track(world.users.resident_a, project)
    assert [(s["label"], s["state"]) for s in track] == [
        ("提议", "done"),
        ("商议", "done"),
        ("动议", "current"),
        ("评议", "todo"),
    ]
    assert track[1]["meeting"] == meeting
    assert siyi_track(world.users.resident_b, project) == []
    assert SiyiStep.objects.count() == 2


def test_building_leader_convenes_and_runs_their_building_meeting(world):
    leader = world.users.leader_a
    with pytest.raises(ServiceError, match="须选择邀请的楼栋"):
        _meeting(world, "building", 6, actor=leader, convener="building_leader")
    other = type(world.building_a).objects.create(compound=world.compound_a, number="7号楼")
    with pytest.raises(ScopeError, match="楼组长只能召集本楼组会议"):
        _meeting(
            world,
            "building",
            6,
            actor=leader,
            convener="building_leader",
            invitee_buildings=[other],
        )
    with pytest.raises(ScopeError):
        _meeting(world, "residents", 6, actor=leader)
    m = _meeting(
        world,
        "building",
        6,
        actor=leader,
        convener="building_leader",
        invitee_buildings=[world.building_a],
    )
    assert leader.has_perm("deliberation.manage_meeting", m)
    meeting_sign_in(actor=leader, meeting=m, name="5号楼王阿姨")
    meeting_check_in(actor=world.users.resident_a, meeting=m, token=checkin_token(m))
    minutes_save(actor=leader, meeting=m, summary="楼道堆物清理")
    meeting_close(actor=leader, meeting=m)
    assert minutes_approve(actor=leader, meeting=m).is_frozen
    # not the committee's other meetings
    committee_meeting = _meeting(world, "building", 6, invitee_buildings=[world.building_a])
    assert not leader.has_perm("deliberation.manage_meeting", committee_meeting)
    with pytest.raises(ScopeError):
        meeting_sign_in(actor=leader, meeting=committee_meeting, name="x")
