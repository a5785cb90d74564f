"""Each event produces its message for the right people, and only them."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from linli.accounts.models import Role
from linli.notifications.models import Notification
from linli.notifications.reminders import send_due_reminders
from tests.factories import PersonFactory, flat_with_people, make_user
from tests.implementation.conftest import impl  # noqa: F401  (fixture)
from tests.notifications.conftest import inbox, titles
from tests.planning.conftest import paired  # noqa: F401  (fixture)
from tests.voting.conftest import estate, owners_vote  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def receivers(kind: str) -> set[int]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


@pytest.fixture
def second_building(world):
    """Building 6 of 开鲁一村 (committee A) with one resident who has an account."""
    from linli.places.models import Building

    b6 = Building.objects.create(compound=world.compound_a, number="6号楼", floors=6)
    flat = flat_with_people(b6, "301", 3, "60.00", ["孙丽"])
    user = make_user(Role.RESIDENT, flat, name="孙丽")
    return b6, user


# ------------------------------------------------------------------ meetings


def _meeting(world, committed, **kw):
    from linli.deliberation.services import meeting_create

    with committed():
        return meeting_create(
            actor=world.users.staff_a, committee=world.committee_a, kind="residents",
            title=kw.pop("title", "楼道改造居民会议"), convener="committee",
            starts_at=kw.pop("starts_at", timezone.now() + datetime.timedelta(days=3)),
            expected_count=5, location="居委会会议室", **kw,
        )  # fmt: skip


def test_meeting_invitation_goes_to_invited_buildings_and_roles(world, committed, second_building):
    b6, sun = second_building
    meeting = _meeting(
        world, committed, invitee_buildings=[world.building_a], invitee_roles=["building_leader"]
    )
    assert receivers("meeting_invitation") == {world.users.resident_a.pk, world.users.leader_a.pk}
    [n] = inbox(world.users.resident_a)
    assert n.title == "会议邀请：楼道改造居民会议"
    assert "居委会会议室" in n.body and n.link == f"/meetings/{meeting.pk}/"


def test_meeting_without_invitees_reaches_the_committees_residents(
    world, committed, second_building
):
    _b6, sun = second_building
    _meeting(world, committed)
    assert receivers("meeting_invitation") == {world.users.resident_a.pk, sun.pk}


def test_meeting_reminder_within_24_hours_once(world, committed):
    soon = _meeting(
        world,
        committed,
        title="明天的会",
        starts_at=timezone.now() + datetime.timedelta(hours=5),
        invitee_buildings=[world.building_a],
    )
    _meeting(
        world,
        committed,
        title="下周的会",
        starts_at=timezone.now() + datetime.timedelta(days=6),
        invitee_buildings=[world.building_a],
    )
    counts = send_due_reminders()
    send_due_reminders()
    assert counts.meetings == 1
    reminders = Notification.objects.filter(kind="meeting_reminder")
    assert [(n.recipient_id, n.title) for n in reminders] == [
        (world.users.resident_a.pk, "会议提醒：明天的会")
    ]
    assert reminders.get().link == f"/meetings/{soon.pk}/"


# ------------------------------------------------------------------ notices


def test_notice_of_a_project_reaches_only_its_buildings(world, committed, second_building):
    from linli.notices.services import notice_create
    from linli.projects.services import project_create

    b6, sun = second_building
    project = project_create(
        actor=world.users.staff_a, committee=world.committee_a, title="6号楼加梯", buildings=[b6]
    )
    with committed():
        notice_create(
            actor=world.users.staff_a, committee=world.committee_a, project=project, kind="plan",
            title="6号楼加装电梯方案公示", body="方案内容", publish=True,
        )  # fmt: skip
    assert receivers("notice_published") == {sun.pk}


def test_notice_of_the_committee_reaches_all_its_residents_not_the_other_committee(
    world, notice_a, second_building
):
    _b6, sun = second_building
    # sun moved in after publication: not told; A's resident told; B's never
    assert receivers("notice_published") == {world.users.resident_a.pk}
    assert inbox(world.users.resident_b) == []


def test_owner_with_linked_account_living_elsewhere_is_told(world, committed):
    from linli.notices.services import notice_create
    from linli.places.models import Ownership

    owner = make_user(None, None, name="外住业主")
    Ownership.objects.create(flat=world.flat_a2, person=PersonFactory(name="外住业主", user=owner))
    with committed():
        notice_create(
            actor=world.users.staff_a,
            committee=world.committee_a,
            kind="other",
            title="公示",
            body="内容",
            publish=True,
        )
    assert owner.pk in receivers("notice_published")


def test_draft_notice_tells_nobody(world, committed):
    from linli.notices.services import notice_create

    with committed():
        notice_create(
            actor=world.users.staff_a,
            committee=world.committee_a,
            kind="other",
            title="草稿",
            body="内容",
        )
    assert not Notification.objects.exists()


def test_objection_answer_goes_to_its_author_only(world, committed, notice_a):
    from linli.notices.services import objection_lodge, objection_respond

    with committed():
        objection = objection_lodge(
            actor=world.users.resident_a, notice=notice_a, reason="楼道颜色太深"
        )
    assert not receivers("objection_answered")
    with committed():
        objection_respond(actor=world.users.staff_a, objection=objection, response="已改为浅色")
    assert receivers("objection_answered") == {world.users.resident_a.pk}
    n = Notification.objects.get(kind="objection_answered")
    assert n.body == "已改为浅色" and n.link == f"/notices/{notice_a.pk}/"


# ------------------------------------------------------------------ votes


def test_vote_opening_last_day_and_result(world, committed, estate, owners_vote):
    from linli.voting.services import ballot_cast, vote_close

    with committed():
        vote = owners_vote()
    owners = {u.pk for u in estate.users.values()}
    assert receivers("vote_opened") == owners  # C owns two flats: one message
    assert Notification.objects.filter(kind="vote_opened").count() == len(owners)
    assert world.users.resident_a.pk not in receivers("vote_opened")  # building 5 not in the vote
    with committed():
        ballot_cast(
            actor=estate.users["A"],
            vote=vote,
            flat=estate.flats["F1"],
            choice="agree",
            idempotency_key="a-f1",
        )
    send_due_reminders()
    # F1 (A and B) has voted; everyone else is reminded on the last day
    assert receivers("vote_last_day") == owners - {estate.users["A"].pk, estate.users["B"].pk}
    with committed():
        vote_close(actor=world.users.staff_a, vote=vote, reason="测试提前结束")
    assert receivers("vote_result") == owners
    assert Notification.objects.filter(kind="vote_result").first().title.startswith("表决结果：")


# ------------------------------------------------------------------ needs


def test_need_merged_and_answered_go_to_their_authors(world, committed):
    from linli.needs import services

    other = make_user(Role.RESIDENT, world.flat_a2, name="王伟")
    n1 = services.need_submit(
        actor=world.users.resident_a, committee=world.committee_a, text="5号楼楼道灯坏了，晚上很黑"
    )
    n2 = services.need_submit(
        actor=other, committee=world.committee_a, text="楼道灯不亮，老人上下楼不安全"
    )
    with committed():
        services.need_merge(actor=world.users.staff_a, target=n1, needs=[n2])
    assert receivers("need_merged") == {other.pk}
    assert "合并" in Notification.objects.get(kind="need_merged").title
    with committed():
        project = services.need_to_project(actor=world.users.staff_a, need=n1, title="楼道照明改造")
    assert receivers("need_answered") == {world.users.resident_a.pk, other.pk}
    n = Notification.objects.filter(kind="need_answered").first()
    assert "楼道照明改造" in n.title and n.link == f"/projects/{project.pk}/"


# ------------------------------------------------------------------ implementation


def test_ticket_updates_go_to_the_reporter_not_to_the_reporter_closing_it(world, committed, impl):
    from linli.implementation import services

    resident = world.users.resident_a
    ticket = services.ticket_report(
        actor=resident, project=impl.project, place="车库入口", description="闸机坏了"
    )
    with committed():
        services.ticket_respond(actor=impl.staff, ticket=ticket, note="已联系维修")
    with committed():
        services.ticket_resolve(actor=impl.staff, ticket=ticket, resolution="已更换闸机电机")
    assert titles(resident) == ["报修进展：已响应", "报修进展：已处理"]
    with committed():
        services.ticket_close(actor=resident, ticket=ticket)
    assert len(inbox(resident)) == 2  # one's own action is not announced to oneself
    assert receivers("ticket_updated") == {resident.pk}


def test_patrol_shift_due_today_reaches_the_member(world, impl):
    from linli.implementation import services

    team = services.team_create(
        actor=impl.staff,
        committee=world.committee_a,
        name="车库巡保队",
        kind="garage",
        project=impl.project,
    )
    member = services.team_member_add(actor=impl.staff, team=team, user=world.users.leader_a)
    today = timezone.localdate()
    services.rota_set(actor=impl.staff, team=team, member=member, date=today, shift="evening")
    services.rota_set(
        actor=impl.staff,
        team=team,
        member=member,
        date=today - datetime.timedelta(days=2),
        shift="morning",
    )
    services.rota_set(
        actor=impl.staff,
        team=team,
        member=member,
        date=today + datetime.timedelta(days=5),
        shift="morning",
    )
    counts = send_due_reminders()
    send_due_reminders()
    assert counts.patrols == 1
    [n] = Notification.objects.filter(kind="patrol_due")
    assert n.recipient_id == world.users.leader_a.pk
    assert "晚班" in n.title and n.link == f"/implementation/teams/{team.pk}/"


# ------------------------------------------------------------------ planning


def test_design_round_reaches_residents_of_its_buildings(world, committed, paired, second_building):
    from linli.planning import services

    _b6, sun = second_building
    planner = world.users.planner_a
    rnd = services.round_create(actor=planner, project=paired.project, buildings=[world.building_a])
    services.option_save(actor=planner, round=rnd, label="方案A", description="口袋花园")
    with committed():
        services.round_publish(actor=planner, round=rnd)
    assert receivers("design_round") == {world.users.resident_a.pk}
    n = Notification.objects.get(kind="design_round")
    assert "中心花园微更新" in n.title and n.link == f"/planning/project/{paired.project.pk}/"
