"""Project pages: scoped list with filters, detail with stage moves and notes, creation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linli.projects.models import Project, ProjectEvent
from linli.projects.services import project_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects(world):
    a = project_create(
        actor=world.users.staff_a, committee=world.committee_a, title="5号楼加装电梯"
    )
    b = project_create(
        actor=world.users.staff_b, committee=world.committee_b, title="铁路新村口袋花园"
    )
    return a, b


def test_list_is_scoped(client, world, projects):
    client.force_login(world.users.resident_a)
    html = client.get(reverse("projects:list")).content.decode()
    assert "5号楼加装电梯" in html and "铁路新村口袋花园" not in html
    client.force_login(world.users.district)
    html = client.get(reverse("projects:list")).content.decode()
    assert "5号楼加装电梯" in html and "铁路新村口袋花园" in html


def test_list_filters(client, world, projects):
    a, b = projects
    client.force_login(world.users.district)
    url = reverse("projects:list")
    html = client.get(url, {"committee": world.committee_b.pk}).content.decode()
    assert "铁路新村口袋花园" in html and "5号楼加装电梯" not in html
    html = client.get(url, {"street": world.street_a.pk}).content.decode()
    assert "5号楼加装电梯" in html and "铁路新村口袋花园" not in html
    html = client.get(url, {"stage": "diagnosis"}).content.decode()
    assert "5号楼加装电梯" not in html
    html = client.get(url, {"q": "电梯"}).content.decode()
    assert "5号楼加装电梯" in html and "铁路新村口袋花园" not in html
    # junk filters are ignored, not errors; other committees' ids match nothing
    assert client.get(url, {"committee": "abc", "stage": "x"}).status_code == 200
    client.force_login(world.users.staff_a)
    html = client.get(url, {"committee": world.committee_b.pk}).content.decode()
    assert "铁路新村口袋花园" not in html


def test_list_query_count_is_pinned(client, world, django_assert_max_num_queries):
    for i in range(25):
        project_create(actor=world.users.staff_a, committee=world.committee_a, title=f"项目{i}")
        project_create(actor=world.users.staff_b, committee=world.committee_b, title=f"B项目{i}")
    client.force_login(world.users.district)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("projects:list"))
    assert response.status_code == 200


def test_detail_scope(client, world, projects):
    a, b = projects
    client.force_login(world.users.staff_a)
    assert client.get(reverse("projects:detail", args=[a.pk])).status_code == 200
    assert client.get(reverse("projects:detail", args=[b.pk])).status_code == 404
    client.force_login(world.users.resident_a)
    html = client.get(reverse("projects:detail", args=[a.pk])).content.decode()
    assert "5号楼加装电梯" in html
    assert reverse("projects:change_stage", args=[a.pk]) not in html  # no buttons for residents


def test_stage_change_through_the_page(client, world, projects):
    a, _ = projects
    client.force_login(world.users.staff_a)
    html = client.get(reverse("projects:detail", args=[a.pk])).content.decode()
    assert 'value="diagnosis"' in html
    response = client.post(
        reverse("projects:change_stage", args=[a.pk]),
        {"to_stage": "diagnosis", "note": "需求清单已公示"},
    )
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.stage == "diagnosis"
    event = a.events.get(kind=ProjectEvent.Kind.STAGE)
    assert event.note == "需求清单已公示" and event.actor == world.users.staff_a
    html = client.get(reverse("projects:detail", args=[a.pk])).content.decode()
    assert 'aria-current="step"' in html and "需求清单已公示" in html


def test_stage_change_refused_cleanly(client, world, projects):
    a, b = projects
    client.force_login(world.users.staff_a)
    url = reverse("projects:change_stage", args=[a.pk])
    # skipping stages: 400 with a Chinese reason, nothing written
    response = client.post(url, {"to_stage": "funding"})
    assert response.status_code == 400
    assert "不能从" in response.content.decode()
    # unknown stage
    response = client.post(url, {"to_stage": "nowhere"})
    assert response.status_code == 400
    assert "目标阶段不存在" in response.content.decode()
    a.refresh_from_db()
    assert a.stage == "needs"
    assert not a.events.filter(kind=ProjectEvent.Kind.STAGE).exists()
    # going back needs a reason
    client.post(url, {"to_stage": "diagnosis"})
    response = client.post(url, {"to_stage": "needs"})
    assert response.status_code == 400
    assert "必须说明原因" in response.content.decode()
    a.refresh_from_db()
    assert a.stage == "diagnosis"
    # other committee's project: 404; residents: 403
    assert (
        client.post(
            reverse("projects:change_stage", args=[b.pk]), {"to_stage": "diagnosis"}
        ).status_code
        == 404
    )
    client.force_login(world.users.resident_a)
    assert client.post(url, {"to_stage": "decision"}).status_code == 403
    a.refresh_from_db()
    assert a.stage == "diagnosis"


def test_stage_change_requires_post(client, world, projects):
    client.force_login(world.users.staff_a)
    assert client.get(reverse("projects:change_stage", args=[projects[0].pk])).status_code == 405


def test_add_note(client, world, projects):
    a, _ = projects
    client.force_login(world.users.staff_a)
    url = reverse("projects:add_note", args=[a.pk])
    response = client.post(url, {"note": "召开楼组会议，12户参加"})
    assert response.status_code == 302
    assert a.events.filter(kind=ProjectEvent.Kind.NOTE, note="召开楼组会议，12户参加").exists()
    response = client.post(url, {"note": "   "})
    assert response.status_code == 400
    assert "请填写进展内容" in response.content.decode()
    assert a.events.filter(kind=ProjectEvent.Kind.NOTE).count() == 1
    client.force_login(world.users.planner_a)
    assert client.post(url, {"note": "规划师意见"}).status_code == 403


def test_create_project(client, world):
    client.force_login(world.users.staff_a)
    url = reverse("projects:create")
    html = client.get(url).content.decode()
    assert "开鲁新村第一居委会" in html and "铁路新村居委会" not in html
    response = client.post(
        url,
        {
            "committee": world.committee_a.pk,
            "title": "开鲁一村花园改造",
            "summary": "居民提出的口袋花园",
            "compounds": [world.compound_a.pk],
        },
    )
    assert response.status_code == 302
    project = Project.objects.get(title="开鲁一村花园改造")
    assert project.committee == world.committee_a and project.created_by == world.users.staff_a
    assert list(project.compounds.all()) == [world.compound_a]


def test_create_project_bad_input(client, world):
    client.force_login(world.users.staff_a)
    url = reverse("projects:create")
    response = client.post(url, {"committee": world.committee_b.pk, "title": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "请选择您管理的居委会" in html
    response = client.post(
        url, {"committee": world.committee_a.pk, "title": "X", "compounds": [world.compound_b.pk]}
    )
    assert response.status_code == 400
    response = client.post(url, {"committee": world.committee_a.pk, "title": "<script>x</script>"})
    assert response.status_code == 400
    assert "不能包含脚本" in response.content.decode()
    assert not Project.objects.exists()


def test_create_project_only_for_managers(client, world):
    for user in (world.users.resident_a, world.users.planner_a, world.users.leader_a):
        client.force_login(user)
        assert client.get(reverse("projects:create")).status_code == 403
        assert client.post(reverse("projects:create"), {"title": "x"}).status_code == 403
    assert not Project.objects.exists()
