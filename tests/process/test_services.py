"""Each rule of seed 003 part 三 through the services: refusals in Chinese, nothing changed."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from linli.audit.models import AuditEvent
from linli.core.errors import ScopeError, ServiceError
from linli.process import services as ps
from linli.process.models import Conflict, ProjectDecision
from linli.projects.models import Project
from linli.projects.services import project_change_stage, project_create
from tests.factories import make_user
from tests.process.helpers import decide, held_meeting, party_meeting, publish


def _move(staff, project, to="funding"):
    return project_change_stage(actor=staff, project=project, to_stage=to)


def _refused(staff, project, match, to="funding"):
    with pytest.raises(ServiceError, match=match) as exc:
        _move(staff, project, to)
    assert exc.value.code == "guard" and exc.value.status == 409
    assert Project.objects.get(pk=project.pk).stage == project.stage
    return exc.value


def test_no_decision_no_money(world, at_decision):
    staff = world.users.staff_a
    party_meeting(staff, at_decision)
    err = _refused(staff, at_decision, "尚未登记决定本项目的表决结果或会议纪要")
    detail = err.details[0]
    assert detail["guard"] == "process.decision"
    assert detail["link"] == f"/process/projects/{at_decision.pk}/"
    assert detail["who"] == "居委会工作人员"


def test_decision_published_and_period_ended_then_moves(world, at_decision):
    staff = world.users.staff_a
    decide(staff, at_decision)
    project = _move(staff, at_decision)
    assert project.stage == "funding"


def test_notice_period_with_frozen_time(world, at_decision, frozen):
    staff = world.users.staff_a
    party_meeting(staff, at_decision)
    m = held_meeting(staff, at_decision, "representatives", days_ago=5)
    ps.decision_link(actor=staff, project=at_decision, resolution=m.minutes.resolutions.get())
    _refused(staff, at_decision, "尚未公示")
    start = timezone.localtime().replace(microsecond=0) - datetime.timedelta(days=1)
    notice = publish(staff, at_decision, m.minutes, ended=False)
    assert notice.ends_at == start + datetime.timedelta(days=7) or notice.ends_at > timezone.now()
    frozen.at(notice.ends_at - datetime.timedelta(minutes=1))
    _refused(staff, at_decision, "才期满")
    frozen.at(notice.ends_at + datetime.timedelta(minutes=1))
    assert _move(staff, at_decision).stage == "funding"


def test_unanswered_objection_to_the_decision_blocks(world, at_decision, frozen):
    from linli.notices.services import objection_lodge, objection_respond

    staff = world.users.staff_a
    party_meeting(staff, at_decision)
    m = held_meeting(staff, at_decision, "representatives", days_ago=5)
    ps.decision_link(actor=staff, project=at_decision, resolution=m.minutes.resolutions.get())
    notice = publish(staff, at_decision, m.minutes, ended=False)
    objection = objection_lodge(actor=world.users.resident_a, notice=notice, reason="不同意")
    frozen.at(notice.ends_at + datetime.timedelta(hours=1))
    _refused(staff, at_decision, "异议未答复")
    objection_respond(actor=staff, objection=objection, response="已解释")
    assert _move(staff, at_decision).stage == "funding"


def test_failed_resolution_or_wrong_body_cannot_decide(world, at_decision):
    staff = world.users.staff_a
    failed = held_meeting(staff, at_decision, "representatives", days_ago=5, agree=1)
    with pytest.raises(ServiceError, match="决议未获通过"):
        ps.decision_link(
            actor=staff, project=at_decision, resolution=failed.minutes.resolutions.get()
        )
    building = held_meeting(staff, at_decision, "building", days_ago=4)
    with pytest.raises(ServiceError, match="不是决定项目的会议"):
        ps.decision_link(
            actor=staff, project=at_decision, resolution=building.minutes.resolutions.get()
        )
    assert not ProjectDecision.objects.exists()


def test_owners_rights_need_the_owners_joint_decision(world, at_decision):
    from tests.funding.helpers import passed_owners_decision

    staff = world.users.staff_a
    Project.objects.filter(pk=at_decision.pk).update(owners_rights="maintenance_fund")
    at_decision.refresh_from_db()
    m = held_meeting(staff, at_decision, "representatives", days_ago=5)
    with pytest.raises(ServiceError, match="须由业主共同决定"):
        ps.decision_link(actor=staff, project=at_decision, resolution=m.minutes.resolutions.get())
    wrong = passed_owners_decision(world, at_decision, matter="278-8")
    with pytest.raises(ServiceError, match="与本项目涉及的业主权利（使用专项维修资金）不符"):
        ps.decision_link(actor=staff, project=at_decision, vote_result=wrong)
    failed = passed_owners_decision(world, at_decision, matter="278-5", passed=False)
    with pytest.raises(ServiceError, match="未通过"):
        ps.decision_link(actor=staff, project=at_decision, vote_result=failed)
    good = passed_owners_decision(world, at_decision, matter="278-5")
    row = ps.decision_link(actor=staff, project=at_decision, vote_result=good)
    assert row.body == "owners"
    assert AuditEvent.objects.filter(action="process.decision_link").count() == 1
    party_meeting(staff, at_decision)
    _refused(staff, at_decision, "尚未公示")
    publish(staff, at_decision, good.vote)
    assert _move(staff, at_decision).stage == "funding"


def test_party_members_first_and_the_district_switch(world, at_decision):
    staff = world.users.staff_a
    decide(staff, at_decision, party=False)
    err = _refused(staff, at_decision, "党员先知晓、先协商、先统一")
    assert err.details[0]["who"] == "居民区党组织"
    assert "kind=party" in err.details[0]["link"]
    # a party meeting after the representatives' meeting is too late
    party_meeting(staff, at_decision, days_ago=1)
    _refused(staff, at_decision, "党员议事会应在楼组、居民、业主会议之前")
    # the district switches the rule off: the move goes through
    with pytest.raises(ScopeError):
        ps.district_configure(
            actor=world.users.street_a, district=world.district, party_first=False
        )
    ps.district_configure(actor=world.users.district, district=world.district, party_first=False)
    assert AuditEvent.objects.filter(action="process.configure").exists()
    assert _move(staff, at_decision).stage == "funding"


def test_party_org_role_is_scoped_to_its_committee(world):
    from linli.deliberation.services import meeting_create

    party = make_user("party_org", world.committee_a, name="党总支书记")
    when = timezone.now() + datetime.timedelta(days=2)
    m = meeting_create(
        actor=party, committee=world.committee_a, kind="party", title="党员议事会",
        convener="party_org", starts_at=when, expected_count=10,
    )  # fmt: skip
    assert m.convener == "party_org"
    with pytest.raises(ScopeError):
        meeting_create(
            actor=party, committee=world.committee_b, kind="party", title="党员议事会",
            convener="party_org", starts_at=when, expected_count=10,
        )  # fmt: skip
    with pytest.raises(ScopeError):
        meeting_create(
            actor=party, committee=world.committee_a, kind="residents", title="居民会议",
            convener="committee", starts_at=when, expected_count=10,
        )  # fmt: skip


def test_conflict_stops_the_project_until_a_coordination_meeting_resolves_it(world, at_decision):
    from linli.notices.services import notice_create, objection_lodge

    staff = world.users.staff_a
    notice = notice_create(
        actor=staff, committee=world.committee_a, kind="plan", title="方案公示",
        body="方案", project=at_decision, publish=True,
    )  # fmt: skip
    with pytest.raises(ServiceError, match="没有收到异议"):
        ps.conflict_open(
            actor=staff, project=at_decision, cause="objections", description="x", notice=notice
        )
    objection_lodge(actor=world.users.resident_a, notice=notice, reason="占用绿地")
    conflict = ps.conflict_open(
        actor=staff, project=at_decision, cause="objections", description="居民反对", notice=notice
    )
    decide(staff, at_decision)
    _refused(staff, at_decision, "矛盾.*尚未化解")
    building = held_meeting(staff, at_decision, "building", days_ago=1)
    with pytest.raises(ServiceError, match="不能化解矛盾"):
        ps.conflict_resolve(actor=staff, conflict=conflict, meeting=building, resolution="好")
    coord = held_meeting(staff, at_decision, "conflict", days_ago=1)
    with pytest.raises(ServiceError, match="请填写化解结果"):
        ps.conflict_resolve(actor=staff, conflict=conflict, meeting=coord, resolution=" ")
    ps.conflict_resolve(actor=staff, conflict=conflict, meeting=coord, resolution="调整选址")
    assert not Conflict.objects.get().is_open
    with pytest.raises(ServiceError, match="已登记化解"):
        ps.conflict_resolve(actor=staff, conflict=conflict, meeting=coord, resolution="再次")
    # the objection itself is still unanswered: the notices guard holds the project
    _refused(staff, at_decision, "异议未答复")


def test_failed_vote_conflict(world, at_decision):
    from tests.funding.helpers import passed_owners_decision

    staff = world.users.staff_a
    passed = passed_owners_decision(world, at_decision, matter="278-5")
    with pytest.raises(ServiceError, match="没有未通过的结果"):
        ps.conflict_open(
            actor=staff, project=at_decision, cause="failed_vote", description="x",
            vote=passed.vote,
        )  # fmt: skip
    failed = passed_owners_decision(world, at_decision, matter="278-5", passed=False)
    c = ps.conflict_open(
        actor=staff, project=at_decision, cause="failed_vote", description="未过半",
        vote=failed.vote,
    )  # fmt: skip
    assert c.is_open
    with pytest.raises(ScopeError):
        ps.conflict_open(
            actor=world.users.staff_b, project=at_decision, cause="failed_vote",
            description="x", vote=failed.vote,
        )  # fmt: skip


def test_origin_government_and_needs(world):
    from linli.needs.services import need_submit

    staff = world.users.staff_a
    with pytest.raises(ServiceError, match="须填写委托的职能部门"):
        project_create(actor=staff, committee=world.committee_a, title="道路", origin="government")
    with pytest.raises(ServiceError, match="须关联至少一条需求"):
        project_create(actor=staff, committee=world.committee_a, title="道路", origin="needs")
    other = need_submit(actor=world.users.resident_b, committee=world.committee_b, text="路灯坏了")
    with pytest.raises(ServiceError, match="不属于"):
        project_create(
            actor=staff, committee=world.committee_a, title="路灯", origin="needs", needs=[other]
        )
    assert not Project.objects.exists()
    mine = need_submit(actor=world.users.resident_a, committee=world.committee_a, text="楼道灯坏了")
    p = project_create(
        actor=staff, committee=world.committee_a, title="楼道灯", origin="needs", needs=[mine]
    )
    mine.refresh_from_db()
    assert mine.project == p and mine.status == "project"
    g = project_create(
        actor=staff, committee=world.committee_a, title="口袋公园", origin="government",
        origin_department="区绿化市容局", kind="garden",
    )  # fmt: skip
    assert g.origin_department == "区绿化市容局"


def test_government_project_uses_government_money(world):
    from linli.funding import services as fs

    staff = world.users.staff_a
    project = project_create(
        actor=staff, committee=world.committee_a, title="口袋公园", origin="government",
        origin_department="区绿化市容局",
    )  # fmt: skip
    for stage in ("diagnosis", "decision"):
        project = _move(staff, project, stage)
    decide(staff, project)
    project = _move(staff, project)
    plan = fs.plan_open(actor=staff, project=project)
    fs.cost_item_add(actor=staff, plan=plan, name="施工", amount_fen=100_000)
    fs.source_add(
        actor=staff, plan=plan, kind="residents", name="居民自筹", amount_fen=100_000,
        status="approved",
    )  # fmt: skip
    _refused(staff, project, "应使用财政资金", to="implementation")
    fs.source_add(
        actor=staff, plan=plan, kind="government", name="区财政", amount_fen=100_000,
        status="approved",
    )  # fmt: skip
    assert _move(staff, project, "implementation").stage == "implementation"
