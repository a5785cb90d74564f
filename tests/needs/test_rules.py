"""Each needs predicate for each role.

Everyone with a role in the committee (residents, its building leader, the planner of its
street, its managers) sees, submits and supports needs and reports micro-spaces; offline
entry is for the managers and for a building leader in his own building; managing (merge,
assess, lists) is for the managers only. Strangers do nothing."""

from __future__ import annotations

import pytest

from linli.needs.models import NeedsList
from tests.rules_table import assert_table

pytestmark = pytest.mark.django_db

PERMS = [
    "needs.view_needs",
    "needs.submit_need",
    "needs.support_need",
    "needs.report_space",
    "needs.enter_offline",
    "needs.open_offline_form",
    "needs.manage_needs",
]
TABLE = {
    "staff_a": "1111111",
    "street_a": "1111111",
    "district": "1111111",
    "planner_a": "1111000",
    # the committee is not his building: the form opens, the entry is judged per building
    "leader_a": "1111010",
    "resident_a": "1111000",
    "staff_b": "0000000",
    "resident_b": "0000000",
    "outsider": "0000000",
}


def test_predicates_by_role(world):
    users = {who: getattr(world.users, who) for who in TABLE}
    assert_table(PERMS, world.committee_a, TABLE, users=users)


def test_building_leader_enters_offline_needs_for_his_building_only(world):
    from tests.factories import BuildingFactory

    other = BuildingFactory(compound=world.compound_a, number="9号楼")
    leader = world.users.leader_a
    assert leader.has_perm("needs.enter_offline", world.building_a)
    assert not leader.has_perm("needs.enter_offline", other)
    assert world.users.staff_a.has_perm("needs.enter_offline", other)


def test_lists_committee_and_street(world):
    committee_list = NeedsList(committee=world.committee_a, version=1, title="清单")
    street_list = NeedsList(street=world.street_a, version=1, title="街道汇总")
    users = world.users
    assert users.staff_a.has_perm("needs.manage_list", committee_list)
    assert users.resident_a.has_perm("needs.view_list", committee_list)
    assert not users.resident_a.has_perm("needs.manage_list", committee_list)
    assert not users.staff_b.has_perm("needs.view_list", committee_list)
    # a street roll-up: the street's managers and its planners, not a committee's staff
    assert users.street_a.has_perm("needs.manage_list", street_list)
    assert users.planner_a.has_perm("needs.view_list", street_list)
    assert not users.staff_a.has_perm("needs.manage_list", street_list)
    assert not users.resident_a.has_perm("needs.view_list", street_list)


def test_photos_of_a_need_by_its_author_or_the_managers(world):
    from linli.needs.models import Need

    need = Need.objects.create(
        committee=world.committee_a, text="楼道灯坏了", author=world.users.resident_a
    )
    users = world.users
    assert users.resident_a.has_perm("needs.add_photos", need)
    assert users.staff_a.has_perm("needs.add_photos", need)
    assert not users.leader_a.has_perm("needs.add_photos", need)  # a neighbour, not the author
    assert not users.staff_b.has_perm("needs.add_photos", need)
