import pytest

from linli.audit.models import AuditEvent
from linli.core.errors import ScopeError, ServiceError
from linli.projects import registry
from linli.projects.models import Stage
from linli.projects.services import project_change_stage, project_create


def test_staff_creates_project_and_moves_it_forward(world):
    staff = world.users.staff_a
    project = project_create(actor=staff, committee=world.committee_a, title="中心花园改造")
    assert project.stage == Stage.NEEDS
    project = project_change_stage(actor=staff, project=project, to_stage=Stage.DIAGNOSIS)
    assert project.stage == Stage.DIAGNOSIS
    kinds = [(e.kind, e.from_stage, e.to_stage) for e in project.events.all()]
    assert kinds == [("created", "", "needs"), ("stage", "needs", "diagnosis")]
    assert AuditEvent.objects.filter(action="project.stage", object_id=str(project.pk)).count() == 1


def test_skipping_a_stage_is_refused_and_changes_nothing(world):
    staff = world.users.staff_a
    project = project_create(actor=staff, committee=world.committee_a, title="睦邻客厅")
    with pytest.raises(ServiceError, match="不能从“需求征集”直接进入“筹资”"):
        project_change_stage(actor=staff, project=project, to_stage=Stage.FUNDING)
    project.refresh_from_db()
    assert project.stage == Stage.NEEDS
    assert project.events.count() == 1


def test_going_back_needs_a_reason(world):
    staff = world.users.staff_a
    project = project_create(actor=staff, committee=world.committee_a, title="百草园")
    project_change_stage(actor=staff, project=project, to_stage=Stage.DIAGNOSIS)
    with pytest.raises(ServiceError, match="必须说明原因"):
        project_change_stage(actor=staff, project=project, to_stage=Stage.NEEDS)
    project = project_change_stage(
        actor=staff, project=project, to_stage=Stage.NEEDS, note="需补充需求调查"
    )
    assert project.stage == Stage.NEEDS


def test_staff_of_another_committee_cannot_create_or_move(world):
    with pytest.raises(ScopeError):
        project_create(actor=world.users.staff_b, committee=world.committee_a, title="越权项目")
    project = project_create(actor=world.users.staff_a, committee=world.committee_a, title="花园")
    with pytest.raises(ScopeError):
        project_change_stage(actor=world.users.staff_b, project=project, to_stage=Stage.DIAGNOSIS)
    with pytest.raises(ScopeError):
        project_change_stage(
            actor=world.users.resident_a, project=project, to_stage=Stage.DIAGNOSIS
        )


def test_a_registered_guard_blocks_the_move_with_its_reason(world):
    staff = world.users.staff_a
    project = project_create(actor=staff, committee=world.committee_a, title="车库")

    guard = registry.StageGuard(
        key="test.objections",
        title="测试",
        check=lambda p: registry.missing("公示期内有未答复的异议"),
        entering=(Stage.DIAGNOSIS,),
    )
    registry.register(registry.StageApp(label="test_guard", order=99, guards=(guard,)))
    try:
        with pytest.raises(ServiceError, match="未答复的异议") as exc:
            project_change_stage(actor=staff, project=project, to_stage=Stage.DIAGNOSIS)
        assert exc.value.status == 409
    finally:
        registry._APPS.pop("test_guard")
    project.refresh_from_db()
    assert project.stage == Stage.NEEDS
