"""Each meetings predicate for each role, for a scheduled and a closed meeting.

The committee's managers run its meetings; a building leader may call a meeting (of his
building); everyone of the committee sees the meeting and checks in while it is open (no
invitee list: the whole committee is invited); nobody signs in once it is closed; minutes
stay editable by the managers until approved (the service freezes them). Strangers do
nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from linli.deliberation.models import Meeting
from tests.rules_table import assert_table, by_group

pytestmark = pytest.mark.django_db

PERMS = [
    "deliberation.view_meeting",
    "deliberation.manage_meeting",
    "deliberation.sign_in_others",
    "deliberation.check_in",
    "deliberation.edit_minutes",
    "deliberation.approve_minutes",
]
TABLE = {
    "scheduled": {"manager": "111111", "member": "100100"},
    "closed": {"manager": "110011", "member": "100000"},
}


def _meeting(world, status: str, **extra) -> Meeting:
    return Meeting.objects.create(
        committee=world.committee_a,
        kind="residents",
        title="居民会议",
        convener="committee",
        starts_at=timezone.now(),
        expected_count=10,
        status=status,
        **extra,
    )


@pytest.mark.parametrize("status", list(TABLE))
def test_predicates_by_role_and_status(world, status):
    expected, users = by_group(world, TABLE[status], PERMS)
    assert_table(PERMS, _meeting(world, status), expected, users=users)


def test_who_may_call_a_meeting(world):
    may = {
        who
        for who in vars(world.users)
        if getattr(world.users, who).has_perm("deliberation.create_meeting", world.committee_a)
    }
    assert may == {"staff_a", "street_a", "district", "leader_a"}


def test_invitees_by_building_exclude_other_buildings(world):
    from tests.factories import BuildingFactory, flat_with_people, make_user

    other = BuildingFactory(compound=world.compound_a, number="9号楼")
    neighbour = make_user("resident", flat_with_people(other, "101", 1, "60.00", ["钱多多"]))
    meeting = _meeting(world, "scheduled")
    meeting.invitee_buildings.set([world.building_a])
    assert world.users.resident_a.has_perm("deliberation.check_in", meeting)
    assert world.users.leader_a.has_perm("deliberation.check_in", meeting)
    assert not neighbour.has_perm("deliberation.check_in", meeting)
    assert neighbour.has_perm("deliberation.view_meeting", meeting)
