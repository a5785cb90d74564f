"""Each funding predicate for each role: the committee's managers, the three separated
duties (会计/出纳/监事), the leader of a building in the project, residents and strangers."""

from __future__ import annotations

import pytest

from tests.funding.helpers import make_books
from tests.rules_table import assert_table

pytestmark = pytest.mark.django_db

PERMS = [
    "funding.view_public",
    "funding.view_books",
    "funding.manage_plan",
    "funding.assign_duty",
    "funding.record_entry",
    "funding.confirm_entry",
    "funding.review_entry",
    "funding.view_contributions",
    "funding.manage_bot",
]
TABLE = {
    "staff_a": "111100011",
    "street_a": "111100011",
    "district": "111100011",
    # duties are residents too: they see the public page and the books of this project
    "accountant": "110010010",
    "cashier": "110001010",
    "supervisor": "110000110",
    "leader_a": "100000010",
    "resident_a": "100000000",
    "staff_b": "000000000",
    "resident_b": "000000000",
    "outsider": "000000000",
}


@pytest.fixture
def books(world):
    return make_books(world)


def test_predicates_by_role(world, books):
    users = {who: getattr(books, who, None) or getattr(world.users, who) for who in TABLE}
    assert_table(PERMS, books.plan, TABLE, users=users)


def test_a_duty_does_not_reach_another_project(world, books):
    from linli.funding import services
    from linli.projects.services import project_create

    other = project_create(actor=books.staff, committee=world.committee_a, title="另一个项目")
    other_plan = services.plan_open(actor=books.staff, project=other)
    assert books.accountant.has_perm("funding.record_entry", books.plan)
    assert not books.accountant.has_perm("funding.record_entry", other_plan)
    assert not books.cashier.has_perm("funding.view_books", other_plan)
