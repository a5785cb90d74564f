"""Participation 人次: one row per act of taking part, distinct people counted once across
every channel, by channel and by age band, in SQL (a fixed number of queries)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from linli.dashboards.participation import Period, Scope, participation_summary
from linli.deliberation import services as meetings
from linli.needs import services as needs
from linli.places.models import Person

YEAR = timezone.localdate().year


def _meeting(world, title="居民议事会"):
    return meetings.meeting_create(
        actor=world.users.staff_a,
        committee=world.committee_a,
        kind="residents",
        title=title,
        convener="committee",
        starts_at=timezone.now() + datetime.timedelta(hours=1),
        expected_count=20,
    )


@pytest.fixture
def acts(world):
    """张建国 (resident, born 1950) signs in by QR, raises a need and is signed in again at a
    second meeting; two neighbours without phones are signed in by staff; the building
    leader supports the need online."""
    u = world.users
    Person.objects.filter(name="张建国").update(user=u.resident_a, birth_year=YEAR - 76)
    m1 = _meeting(world)
    m2 = _meeting(world, "楼组会议")
    meetings.meeting_check_in(actor=u.resident_a, meeting=m1, token=meetings.checkin_token(m1))
    meetings.meeting_check_in(actor=u.resident_a, meeting=m2, token=meetings.checkin_token(m2))
    meetings.meeting_sign_in(actor=u.staff_a, meeting=m1, name="李阿婆", note="5号楼301")
    meetings.meeting_sign_in(actor=u.staff_a, meeting=m1, name="周老伯", note="5号楼402")
    meetings.meeting_sign_in(actor=u.staff_a, meeting=m1, name="街道干部", counts=False)
    need = needs.need_submit(
        actor=u.resident_a, committee=world.committee_a, text="楼道灯坏了，晚上看不清台阶"
    )
    needs.need_support(actor=u.leader_a, need=need)
    return world


def test_people_and_participations_across_channels(acts):
    p = participation_summary(Scope(street_id=acts.street_a.pk), Period(YEAR))
    # 2 QR sign-ins + 2 staff sign-ins (the official does not count) + need + support
    assert p.participations == 6
    # 张建国 (3 acts) and the leader; the two paper sign-ins are not guessed into people
    assert p.people == 2
    assert p.unidentified == 2
    # QR sign-ins, the need and the support were made on a phone; staff signed in the others
    assert p.by_channel["online"]["n"] == 4
    assert p.by_channel["offline"]["n"] == 2
    assert p.by_channel["online"]["people"] == 2
    assert p.by_channel["offline"]["people"] == 0
    sources = {s["key"]: s["n"] for s in p.by_source}
    assert sources["meeting_signin"] == 4 and sources["need"] == 2
    assert p.over_60 == {"n": 3, "people": 1}  # 张建国 is 76: all three of his acts


def test_other_street_and_other_year_are_not_counted(acts):
    assert (
        participation_summary(Scope(street_id=acts.street_b.pk), Period(YEAR)).participations == 0
    )
    assert (
        participation_summary(Scope(street_id=acts.street_a.pk), Period(YEAR - 1)).participations
        == 0
    )
    district = participation_summary(Scope(district_id=acts.district.pk), Period(YEAR))
    assert district.participations == 6 and district.people == 2


def test_query_count_does_not_grow_with_rows(acts, django_assert_num_queries):
    scope, period = Scope(street_id=acts.street_a.pk), Period(YEAR)
    with django_assert_num_queries(3):
        participation_summary(scope, period)
    m = _meeting(acts, "第三次会议")
    for i in range(30):
        meetings.meeting_sign_in(actor=acts.users.staff_a, meeting=m, name=f"居民{i}")
    with django_assert_num_queries(3):
        assert participation_summary(scope, period).participations == 36
