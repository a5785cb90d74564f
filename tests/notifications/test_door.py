"""The door-to-door list: households not reached online, elderly first; recording who was
told and how; who may see and record."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from linli.audit.models import AuditEvent
from linli.core.errors import ScopeError, ServiceError
from linli.notifications import selectors
from linli.notifications.models import DoorContact, Notification
from linli.notifications.services import door_contact_record, notification_mark_read
from linli.places.models import Person
from tests.factories import flat_with_people

pytestmark = pytest.mark.django_db


@pytest.fixture
def building_a(world):
    """Building 5: 101 张建国/李秀英 (born 1960, account via resident role), 201 王伟 (born
    1940, no account), 301 a young couple (born 1992, no account)."""
    Person.objects.filter(name="王伟").update(birth_year=1940)
    flat_with_people(world.building_a, "301", 3, "60.00", ["刘洋", "陈晨"])
    Person.objects.filter(name__in=["刘洋", "陈晨"]).update(birth_year=1992)
    return world.building_a


def _list(notice, building, year=2026):
    return selectors.door_list("notice", notice, building, year=year)


def test_list_has_unreached_households_oldest_first(world, building_a, notice_a):
    door = _list(notice_a, building_a)
    assert [str(r.flat) for r in door.rows] == ["5号楼201室", "5号楼101室", "5号楼301室"]
    assert [r.reason for r in door.rows] == ["无账号", "未读", "无账号"]
    assert [r.elderly for r in door.rows] == [True, True, False]
    assert door.rows[0].members[0][0].name == "王伟" and door.rows[0].oldest_age == 86
    assert (door.households, door.reached_online, door.told_offline) == (3, 0, 0)


def test_a_household_that_read_the_message_drops_off(world, building_a, notice_a):
    n = Notification.objects.get(recipient=world.users.resident_a, topic=f"notice:{notice_a.pk}")
    notification_mark_read(actor=world.users.resident_a, notification=n)
    door = _list(notice_a, building_a)
    assert [str(r.flat) for r in door.rows] == ["5号楼201室", "5号楼301室"]
    assert door.reached_online == 1


def test_reading_another_message_does_not_count(world, building_a, notice_a):
    Notification.objects.create(
        recipient=world.users.resident_a, kind="vote_opened", title="别的事", dedup_key="x",
        topic="vote:999", read_at=timezone.now(),
    )  # fmt: skip
    assert _list(notice_a, building_a).reached_online == 0


def test_leader_records_who_was_told_and_how(world, building_a, notice_a):
    leader = world.users.leader_a
    wang = Person.objects.get(name="王伟")
    contact = door_contact_record(
        actor=leader, subject_type="notice", subject=notice_a, building=building_a,
        flat=world.flat_a2, method="door", person=wang, note="老人耳背，已当面讲清楚",
    )  # fmt: skip
    assert contact.told_by_name == "楼组长老王"
    assert contact.committee_id == world.committee_a.pk
    event = AuditEvent.objects.get(action="notification.door_contact")
    assert event.actor_id == leader.pk
    door = _list(notice_a, building_a)
    row = door.rows[0]
    assert row.told.get_method_display() == "上门告知" and row.told.person == wang
    assert door.told_offline == 1


def test_staff_may_record_for_someone_else(world, building_a, notice_a):
    told_at = timezone.now() - datetime.timedelta(hours=2)
    contact = door_contact_record(
        actor=world.users.staff_a, subject_type="notice", subject=notice_a, building=building_a,
        flat=world.flat_a2, method="phone", told_by_name="志愿者小李", told_at=told_at,
    )  # fmt: skip
    assert (contact.told_by_name, contact.told_at) == ("志愿者小李", told_at)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"method": "other"}, "选择“其他”时请说明告知方式"),
        ({"method": "fax"}, "请选择告知方式"),
        ({"method": "door", "told_at_delta": datetime.timedelta(days=1)}, "告知时间不能晚于现在"),
        ({"method": "door", "told_at_delta": -datetime.timedelta(days=30)}, "早于该事项发布"),
        ({"method": "door", "note": "很" * 201}, "备注不能超过200字"),
        ({"method": "door", "person": "赵敏"}, "不是该户的居民或业主"),
    ],
)
def test_bad_records_are_refused_and_change_nothing(world, building_a, notice_a, kwargs, message):
    kwargs = dict(kwargs)
    delta = kwargs.pop("told_at_delta", None)
    if delta is not None:
        kwargs["told_at"] = timezone.now() + delta
    if "person" in kwargs:
        kwargs["person"] = Person.objects.get(name=kwargs["person"])
    with pytest.raises(ServiceError, match=message):
        door_contact_record(
            actor=world.users.leader_a, subject_type="notice", subject=notice_a,
            building=building_a, flat=world.flat_a2, **kwargs,
        )  # fmt: skip
    assert not DoorContact.objects.exists()
    assert not AuditEvent.objects.filter(action="notification.door_contact").exists()


def test_household_of_another_building_is_refused(world, building_a, notice_a):
    with pytest.raises(ServiceError, match="不在本楼栋"):
        door_contact_record(
            actor=world.users.leader_a, subject_type="notice", subject=notice_a,
            building=building_a, flat=world.flat_b, method="door",
        )  # fmt: skip


@pytest.mark.parametrize("who", ["resident_a", "staff_b", "street_a", "planner_a", "outsider"])
def test_only_the_buildings_leader_and_its_managers_may_record(world, building_a, notice_a, who):
    actor = getattr(world.users, who)
    if who == "street_a":  # street staff manage their committees: allowed
        door_contact_record(
            actor=actor, subject_type="notice", subject=notice_a, building=building_a,
            flat=world.flat_a2, method="poster",
        )  # fmt: skip
        return
    with pytest.raises(ScopeError):
        door_contact_record(
            actor=actor, subject_type="notice", subject=notice_a, building=building_a,
            flat=world.flat_a2, method="door",
        )  # fmt: skip
    assert not DoorContact.objects.exists()


def test_leader_of_another_building_sees_no_list(world, building_a, notice_a):
    from django.http import Http404

    from linli.accounts.models import Role
    from linli.places.models import Building
    from tests.factories import make_user

    b6 = Building.objects.create(compound=world.compound_a, number="6号楼", floors=6)
    flat_with_people(b6, "101", 1, "50.00", ["孙丽"])
    other_leader = make_user(Role.BUILDING_LEADER, b6, name="6号楼楼组长")
    with pytest.raises(Http404):
        selectors.door_building(other_leader, "notice", notice_a, building_a.pk)
    assert selectors.door_building(other_leader, "notice", notice_a, b6.pk) == b6


def test_door_tasks_list_the_leaders_notices_and_votes(world, building_a, notice_a):
    tasks = selectors.door_tasks(world.users.leader_a)
    assert [(t.subject_type, t.subject.pk, t.building.pk) for t in tasks] == [
        ("notice", notice_a.pk, building_a.pk)
    ]
    assert selectors.door_tasks(world.users.resident_a) == []


def test_vote_door_list_uses_the_electorate(world, committed):
    """A vote for building 5 only: building 5's flats, with owners standing in for households."""
    from linli.voting.services import vote_create, vote_open

    now = timezone.now()
    with committed():
        vote = vote_create(
            actor=world.users.staff_a, committee=world.committee_a, title="5号楼加梯表决", kind="owners",
            matter="278-9", buildings=[world.building_a], opens_at=now - datetime.timedelta(hours=1),
            closes_at=now + datetime.timedelta(days=3),
        )  # fmt: skip
        vote = vote_open(actor=world.users.staff_a, vote=vote)
    door = selectors.door_list("vote", vote, world.building_a)
    assert door.households == 2
    assert {str(r.flat) for r in door.rows} == {"5号楼101室", "5号楼201室"}
    door_contact_record(
        actor=world.users.leader_a, subject_type="vote", subject=vote, building=world.building_a,
        flat=world.flat_a2, method="phone",
    )  # fmt: skip
    assert selectors.door_list("vote", vote, world.building_a).told_offline == 1
