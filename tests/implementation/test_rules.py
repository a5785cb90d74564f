"""Each implementation predicate for each role: staff, street, planner, contractor contact,
resident representative, plain resident, property company, another committee, outsider."""

from __future__ import annotations

import pytest

from linli.implementation import services
from linli.implementation.rules import group_roles

pytestmark = pytest.mark.django_db

PERMS = [
    "implementation.view_project",
    "implementation.manage",
    "implementation.record_progress",
    "implementation.write_site_log",
    "implementation.give_feedback",
    "implementation.answer_feedback",
    "implementation.propose_change",
    "implementation.approve_change",
    "implementation.record_review",
    "implementation.close_defect",
    "implementation.report_fault",
    "implementation.handle_ticket",
]
# expected per role, in the order of PERMS
TABLE = {
    # change orders are approved by the working group's residents' side, not by staff alone
    "staff_a": "111111101111",
    "street_a": "111111101111",
    "contractor": "101110100010",
    "planner": "100111011110",
    "rep": "100111010110",
    "leader_a": "100010000010",
    "property": "100010000011",
    "staff_b": "000000000000",
    "outsider": "000000000000",
}


def _user(world, impl, who):
    from linli.accounts.models import Role
    from tests.factories import make_user

    if who == "property":
        return make_user(Role.PROPERTY_COMPANY, world.compound_a, name="物业")
    return {"contractor": impl.contractor, "planner": impl.planner, "rep": impl.rep}.get(
        who
    ) or getattr(world.users, who)


@pytest.mark.parametrize("who", list(TABLE))
def test_predicates_by_role(impl, world, who):
    user = _user(world, impl, who)
    got = "".join("1" if user.has_perm(p, impl.project) else "0" for p in PERMS)
    assert got == TABLE[who], dict(zip(PERMS, got, strict=True))


def test_contractor_role_does_not_reach_another_project(impl, world):
    from linli.projects.services import project_create

    other = project_create(actor=impl.staff, committee=world.committee_a, title="别的项目")
    assert not impl.contractor.has_perm("implementation.view_project", other)
    assert group_roles(impl.contractor, impl.project) == {"contractor"}


def test_team_predicates(impl, world):
    team = services.team_create(
        actor=impl.staff, committee=world.committee_a, name="花友会", kind="flowers"
    )
    leader = world.users.leader_a
    services.team_member_add(actor=impl.staff, team=team, user=leader, is_leader=True)
    member = world.users.resident_a
    services.team_member_add(actor=impl.staff, team=team, user=member)
    assert leader.has_perm("implementation.set_rota", team)
    assert not member.has_perm("implementation.set_rota", team)
    assert member.has_perm("implementation.patrol", team)
    assert not world.users.staff_b.has_perm("implementation.view_team", team)
    assert impl.staff.has_perm("implementation.manage_team", team)
    assert world.users.street_a.has_perm("implementation.manage_companies", world.street_a)
    assert not impl.staff.has_perm("implementation.manage_companies", world.street_a)
