"""A project spanning several committees of one street (Project.partner_committees, e.g.
创智农园 between two communities): the partner committee's staff see it; others do not."""

from __future__ import annotations

import pytest

from linli.accounts.models import Role
from linli.projects.services import project_create
from tests.api_client import ApiClient
from tests.factories import CommitteeFactory, make_user


@pytest.fixture
def spanning(world):
    neighbour = CommitteeFactory(street=world.street_a, name="开鲁新村第二居委会")
    staff = make_user(Role.COMMITTEE_STAFF, neighbour, name="二居小杨")
    project = project_create(
        actor=world.users.staff_a, committee=world.committee_a, title="创智农园式共享花园"
    )
    project.partner_committees.add(neighbour)
    return world, neighbour, staff, project


def test_partner_committee_staff_see_the_spanning_project(client, spanning):
    world, _neighbour, staff, project = spanning
    client.force_login(staff)
    assert client.get(f"/projects/{project.pk}/").status_code == 200
    assert "创智农园式共享花园" in client.get("/projects/").content.decode()
    assert ApiClient(staff).get(f"/api/projects/{project.pk}").status_code == 200
    assert staff.has_perm("projects.view_project", project)
    # seeing is not running: the stage stays with the project's own committee
    assert not staff.has_perm("projects.change_stage", project)


def test_others_still_do_not_see_it(client, spanning):
    world, _neighbour, _staff, project = spanning
    client.force_login(world.users.staff_b)
    assert client.get(f"/projects/{project.pk}/").status_code == 404
    assert "创智农园式共享花园" not in client.get("/projects/").content.decode()
    assert not world.users.staff_b.has_perm("projects.view_project", project)
