"""The project-stage registry: sections on the project page, the checklist, home to-dos."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.deliberation.services import meeting_create
from linli.funding import services as funding
from linli.projects import registry
from linli.projects.models import Project, Stage
from linli.projects.services import project_create
from linli.surveys.services import response_submit
from tests.surveys.helpers import answers, build_survey


def _project_at(world, stage: str) -> Project:
    project = project_create(
        actor=world.users.staff_a, committee=world.committee_a, title="睦邻客厅"
    )
    Project.objects.filter(pk=project.pk).update(stage=stage)
    project.refresh_from_db()
    return project


def test_every_step_app_registers_itself():
    labels = {app.label for app in registry.registered_apps()}
    assert {"needs", "planning", "deliberation", "voting", "notices", "funding"} <= labels
    keys = {g.key for g in registry.all_guards()}
    assert {"funding.covered", "notices.objections_answered"} <= keys


def test_project_page_links_funding_meetings_and_votes_for_staff(client, world):
    project = _project_at(world, Stage.FUNDING)
    funding.plan_open(actor=world.users.staff_a, project=project)
    client.force_login(world.users.staff_a)
    html = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert reverse("funding:plan", args=[project.pk]) in html
    assert "已筹 0.00 / 0.00 元" in html
    assert reverse("voting:create") + f"?project={project.pk}" in html
    assert reverse("deliberation:siyi", args=[project.pk]) in html


def test_checklist_says_what_is_missing_and_where_to_do_it(client, world):
    project = _project_at(world, Stage.FUNDING)
    client.force_login(world.users.staff_a)
    response = client.get(reverse("projects:detail", args=[project.pk]))
    html = response.content.decode()
    assert "进入下一阶段前" in html
    assert "尚未制定筹资方案，不能进入实施阶段" in html
    assert "去办理" in html
    assert "公示异议均已答复" in html  # a met guard is listed too, ticked


def test_refused_move_through_the_page_shows_the_guard_reason(client, world):
    project = _project_at(world, Stage.FUNDING)
    client.force_login(world.users.staff_a)
    response = client.post(
        reverse("projects:change_stage", args=[project.pk]), {"to_stage": Stage.IMPLEMENTATION}
    )
    assert response.status_code == 409
    assert "尚未制定筹资方案" in response.content.decode()
    project.refresh_from_db()
    assert project.stage == Stage.FUNDING


def test_backward_moves_are_never_guarded(world):
    guard = registry.StageGuard(key="k", title="t", check=lambda p: registry.missing("x"))
    assert guard.applies(Stage.NEEDS, Stage.DIAGNOSIS)
    assert not guard.applies(Stage.DIAGNOSIS, Stage.NEEDS)
    only_entering = registry.StageGuard(
        key="k", title="t", check=lambda p: registry.missing("x"), entering=(Stage.DONE,)
    )
    assert not only_entering.applies(Stage.NEEDS, Stage.DIAGNOSIS)
    assert only_entering.applies(Stage.EVALUATION, Stage.DONE)


def test_resident_home_lists_an_open_survey_until_it_is_answered(client, world):
    survey, q = build_survey(world)
    client.force_login(world.users.resident_a)
    url = reverse("places:my_home")
    survey_url = reverse("surveys:detail", args=[survey.pk])
    assert survey_url in client.get(url).content.decode()
    response_submit(actor=world.users.resident_a, survey=survey, answers=answers(q))
    assert survey_url not in client.get(url).content.decode()


def test_resident_home_lists_a_meeting_they_are_invited_to(client, world):
    project = _project_at(world, Stage.DECISION)
    meeting = meeting_create(
        actor=world.users.staff_a,
        committee=world.committee_a,
        kind="residents",
        title="睦邻客厅方案居民会议",
        convener="committee",
        starts_at=timezone.now() + datetime.timedelta(days=2),
        expected_count=4,
        project=project,
    )
    client.force_login(world.users.resident_a)
    html = client.get(reverse("places:my_home")).content.decode()
    assert "等您参与" in html
    assert reverse("deliberation:detail", args=[meeting.pk]) in html
    # and the project page lists the meeting for the resident
    html = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "睦邻客厅方案居民会议" in html


@pytest.mark.django_db
def test_resident_home_lists_an_open_design_round_for_their_building(client, world):
    from linli.planning import services as planning
    from tests.planning.conftest import png

    u = world.users
    planner = planning.planner_add(
        actor=u.district, district=world.district, name="林老师", profession="landscape",
        organisation="同济大学", mobile="13912345678", user=u.planner_a,
    )  # fmt: skip
    planning.planner_pair(actor=u.street_a, planner=planner, street=world.street_a)
    project = project_create(
        actor=u.staff_a, committee=world.committee_a, title="中心花园", buildings=[world.building_a]
    )
    rnd = planning.round_create(actor=u.planner_a, project=project, buildings=[world.building_a])
    planning.option_save(
        actor=u.planner_a, round=rnd, label="方案A", description="座椅", files=[png()]
    )
    planning.round_publish(actor=u.planner_a, round=rnd)
    client.force_login(u.resident_a)
    html = client.get(reverse("places:my_home")).content.decode()
    assert "方案征询" in html
    assert reverse("planning:design", args=[project.pk]) in html
    client.force_login(u.resident_b)  # another committee's resident is not asked
    assert (
        reverse("planning:design", args=[project.pk])
        not in client.get(reverse("places:my_home")).content.decode()
    )
