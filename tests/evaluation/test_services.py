"""Step 6 services: happy paths, each refusal (message, status, nothing written), audit events."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from linli.audit.models import AuditEvent
from linli.core.errors import ScopeError, ServiceError
from linli.evaluation import services
from linli.evaluation.models import (
    Audit,
    Case,
    Convention,
    Endorsement,
    Evaluation,
    Finding,
    Score,
)
from linli.evaluation.selectors import endorsement_figure, participation
from linli.projects.models import Stage
from linli.projects.services import project_change_stage
from tests.evaluation.conftest import SCORES, png, put_in_stage, settle_books
from tests.factories import flat_with_people, make_user


def _events(action):
    return AuditEvent.objects.filter(action=action).count()


# ---------------------------------------------------------------- evaluation


def test_open_evaluation_with_an_evaluation_meeting(ev):
    from linli.deliberation.services import meeting_create

    meeting = meeting_create(
        actor=ev.staff, committee=ev.world.committee_a, kind="evaluation", title="车库改造评议会",
        convener="committee", starts_at=timezone.now(), expected_count=20, project=ev.project,
    )  # fmt: skip
    evaluation = services.evaluation_open(actor=ev.staff, project=ev.project, meeting=meeting)
    assert evaluation.meeting == meeting and evaluation.status == "open"
    assert _events("evaluation.open") == 1


def test_open_refused_for_wrong_meeting_kind_stage_and_role(ev):
    from linli.deliberation.services import meeting_create

    meeting = meeting_create(
        actor=ev.staff, committee=ev.world.committee_a, kind="residents", title="居民会议",
        convener="committee", starts_at=timezone.now(), expected_count=20, project=ev.project,
    )  # fmt: skip
    with pytest.raises(ServiceError, match="评议会"):
        services.evaluation_open(actor=ev.staff, project=ev.project, meeting=meeting)
    with pytest.raises(ScopeError):
        services.evaluation_open(actor=ev.resident, project=ev.project)
    put_in_stage(ev.project, Stage.IMPLEMENTATION)
    with pytest.raises(ServiceError) as exc:
        services.evaluation_open(actor=ev.staff, project=ev.project)
    assert exc.value.status == 409
    assert not Evaluation.objects.exists()


def test_online_score_once_per_participant(ev):
    evaluation = services.evaluation_open(actor=ev.staff, project=ev.project)
    score = services.score_submit(actor=ev.resident, evaluation=evaluation, scores=SCORES)
    assert score.values() == SCORES
    with pytest.raises(ServiceError, match="每人只能评一次") as exc:
        services.score_submit(actor=ev.resident, evaluation=evaluation, scores=SCORES)
    assert exc.value.status == 409
    assert Score.objects.count() == 1
    assert _events("evaluation.score") == 1


def test_score_out_of_range_or_missing_refused(ev):
    evaluation = services.evaluation_open(actor=ev.staff, project=ev.project)
    with pytest.raises(ServiceError, match="1到5分"):
        services.score_submit(
            actor=ev.resident, evaluation=evaluation, scores={**SCORES, "cost": 6}
        )
    with pytest.raises(ServiceError, match="长效运维"):
        services.score_submit(
            actor=ev.resident, evaluation=evaluation, scores={k: 3 for k in list(SCORES)[:4]}
        )
    assert not Score.objects.exists()


def test_score_db_constraint_one_per_user(ev):
    evaluation = services.evaluation_open(actor=ev.staff, project=ev.project)
    services.score_submit(actor=ev.resident, evaluation=evaluation, scores=SCORES)
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(
            evaluation=evaluation, channel="online", user=ev.resident,
            **{f"score_{k}": v for k, v in SCORES.items()},
        )  # fmt: skip


def test_outsider_cannot_score_and_paper_needs_staff(ev):
    evaluation = services.evaluation_open(actor=ev.staff, project=ev.project)
    with pytest.raises(ScopeError):
        services.score_submit(actor=ev.world.users.resident_b, evaluation=evaluation, scores=SCORES)
    with pytest.raises(ScopeError):
        services.score_enter_paper(
            actor=ev.resident, evaluation=evaluation, sheet_no="1", participant="王", scores=SCORES
        )
    services.score_enter_paper(
        actor=ev.staff, evaluation=evaluation, sheet_no="P-01", participant="王阿姨", scores=SCORES
    )
    with pytest.raises(ServiceError, match="已经录入过"):
        services.score_enter_paper(
            actor=ev.staff, evaluation=evaluation, sheet_no="P-01", participant="李", scores=SCORES
        )
    assert Score.objects.filter(channel="paper").count() == 1


def test_evaluator_runs_the_survey_of_that_project_only(ev):
    evaluation = services.evaluation_open(actor=ev.staff, project=ev.project)
    with pytest.raises(ScopeError):
        services.satisfaction_survey_create(actor=ev.evaluator, evaluation=evaluation)
    survey = services.satisfaction_survey_create(actor=ev.staff, evaluation=evaluation)
    assert survey.unit == "household" and survey.questions.count() == 6
    with pytest.raises(ScopeError):  # not yet assigned
        services.satisfaction_survey_set_status(
            actor=ev.evaluator, evaluation=evaluation, status="open"
        )
    services.evaluator_assign(
        actor=ev.staff, project=ev.project, user=ev.evaluator, organisation="复旦城市更新评估中心"
    )
    services.satisfaction_survey_set_status(
        actor=ev.evaluator, evaluation=evaluation, status="open"
    )
    survey.refresh_from_db()
    assert survey.status == "open"
    # the evaluator has no say over the committee's other surveys
    assert not ev.evaluator.has_perm("surveys.manage_survey", survey)
    other = services.evaluation_open(
        actor=ev.staff,
        project=put_in_stage(
            __import__("linli.projects.services", fromlist=["x"]).project_create(
                actor=ev.staff, committee=ev.world.committee_a, title="另一个项目"
            ),
            Stage.EVALUATION,
        ),
    )
    services.satisfaction_survey_create(actor=ev.staff, evaluation=other)
    with pytest.raises(ScopeError):
        services.satisfaction_survey_set_status(actor=ev.evaluator, evaluation=other, status="open")


def test_close_needs_scores_and_closed_survey(ev):
    evaluation = services.evaluation_open(actor=ev.staff, project=ev.project)
    with pytest.raises(ServiceError, match="尚无任何评分"):
        services.evaluation_close(actor=ev.staff, evaluation=evaluation, conclusion="好")
    services.score_submit(actor=ev.resident, evaluation=evaluation, scores=SCORES)
    services.satisfaction_survey_create(actor=ev.staff, evaluation=evaluation)
    services.satisfaction_survey_set_status(actor=ev.staff, evaluation=evaluation, status="open")
    with pytest.raises(ServiceError, match="满意度调查仍在进行"):
        services.evaluation_close(actor=ev.staff, evaluation=evaluation, conclusion="好")
    services.satisfaction_survey_set_status(actor=ev.staff, evaluation=evaluation, status="closed")
    with pytest.raises(ServiceError, match="评议结论"):
        services.evaluation_close(actor=ev.staff, evaluation=evaluation, conclusion="  ")
    services.evaluation_close(actor=ev.staff, evaluation=evaluation, conclusion="居民总体满意")
    evaluation.refresh_from_db()
    assert evaluation.status == "closed" and evaluation.closed_at
    with pytest.raises(ServiceError):
        services.score_submit(actor=ev.world.users.leader_a, evaluation=evaluation, scores=SCORES)


def test_completion_notice_needs_photos_and_carries_accounts(ev):
    from linli.notices.models import Notice

    evaluation = services.evaluation_open(actor=ev.staff, project=ev.project)
    with pytest.raises(ServiceError, match="照片"):
        services.completion_notice_publish(actor=ev.staff, evaluation=evaluation)
    services.photo_add(actor=ev.staff, project=ev.project, kind="before", image=png("b.png"))
    services.photo_add(actor=ev.staff, project=ev.project, kind="after", image=png("a.png"))
    settle_books(ev)
    notice = services.completion_notice_publish(actor=ev.staff, evaluation=evaluation)
    assert notice.kind == "acceptance" and notice.status == Notice.Status.PUBLISHED
    assert (
        "决算" in notice.body and "社区基金会" in notice.body and "结余 1,000.00 元" in notice.body
    )
    assert notice.attachments.count() == 2
    with pytest.raises(ServiceError, match="已发布"):
        services.completion_notice_publish(actor=ev.staff, evaluation=evaluation)


def test_photo_that_is_not_an_image_is_refused(ev):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ServiceError, match="不是有效的图片"):
        services.photo_add(
            actor=ev.staff,
            project=ev.project,
            kind="before",
            image=SimpleUploadedFile("x.jpg", b"not an image"),
        )


# ---------------------------------------------------------------- audit


def test_audit_flow_and_refusals(ev):
    with pytest.raises(ScopeError):
        services.auditor_assign(
            actor=ev.resident, project=ev.project, user=ev.auditor, organisation="事务所"
        )
    services.auditor_assign(
        actor=ev.staff, project=ev.project, user=ev.auditor, organisation="立信会计师事务所"
    )
    audit = Audit.objects.get(project=ev.project)
    stranger = make_user(None, None, name="未受托的人")
    with pytest.raises(ScopeError):
        services.finding_add(actor=stranger, audit=audit, severity="low", title="x", text="y")
    with pytest.raises(ScopeError):  # staff do not write findings
        services.finding_add(actor=ev.staff, audit=audit, severity="low", title="x", text="y")
    finding = services.finding_add(
        actor=ev.auditor, audit=audit, severity="medium", title="收款凭证缺少收据照片",
        text="凭证未附收据", entry=ev.entry,
    )  # fmt: skip
    with pytest.raises(ServiceError, match="未获居委会答复"):
        services.audit_close(actor=ev.auditor, audit=audit, opinion="同意")
    with pytest.raises(ScopeError):
        services.finding_respond(actor=ev.auditor, finding=finding, response="自答")
    services.finding_respond(actor=ev.staff, finding=finding, response="已补附收据照片")
    with pytest.raises(ScopeError):
        services.audit_close(actor=ev.staff, audit=audit, opinion="同意")
    services.audit_close(actor=ev.auditor, audit=audit, opinion="账实相符，无重大问题")
    audit.refresh_from_db()
    assert audit.status == "closed"
    with pytest.raises(ServiceError, match="审计已结束"):
        services.finding_add(actor=ev.auditor, audit=audit, severity="low", title="x", text="y")
    assert _events("audit.close") == 1 and Finding.objects.count() == 1


def test_finding_on_another_projects_entry_refused(ev, world):
    from tests.funding.helpers import make_books

    other = make_books(world, title="别的项目")
    from linli.funding import services as fs

    src = fs.source_add(actor=other.staff, plan=other.plan, kind="foundation", name="基金",
                        amount_fen=100, status="approved")  # fmt: skip
    other_entry = fs.receipt_record(actor=other.accountant, source=src, amount_fen=100)
    services.auditor_assign(actor=ev.staff, project=ev.project, user=ev.auditor, organisation="所")
    audit = Audit.objects.get(project=ev.project)
    with pytest.raises(ServiceError, match="凭证不属于该项目"):
        services.finding_add(
            actor=ev.auditor, audit=audit, severity="low", title="x", text="y", entry=other_entry
        )


# ---------------------------------------------------------------- the guard into 完成


def _finish_everything(ev):
    evaluation = services.evaluation_open(actor=ev.staff, project=ev.project)
    services.score_submit(actor=ev.resident, evaluation=evaluation, scores=SCORES)
    services.evaluation_close(actor=ev.staff, evaluation=evaluation, conclusion="满意")
    services.auditor_assign(actor=ev.staff, project=ev.project, user=ev.auditor, organisation="所")
    audit = Audit.objects.get(project=ev.project)
    services.audit_close(actor=ev.auditor, audit=audit, opinion="无问题")
    return evaluation, audit


def test_guard_refuses_done_until_evaluation_audit_and_ledger(ev):
    with pytest.raises(ServiceError, match="尚未组织项目评议") as exc:
        project_change_stage(actor=ev.staff, project=ev.project, to_stage=Stage.DONE)
    assert exc.value.status == 409
    evaluation = services.evaluation_open(actor=ev.staff, project=ev.project)
    with pytest.raises(ServiceError, match="项目评议尚未完成"):
        project_change_stage(actor=ev.staff, project=ev.project, to_stage=Stage.DONE)
    services.score_submit(actor=ev.resident, evaluation=evaluation, scores=SCORES)
    services.evaluation_close(actor=ev.staff, evaluation=evaluation, conclusion="满意")
    with pytest.raises(ServiceError, match="尚未委托项目审计"):
        project_change_stage(actor=ev.staff, project=ev.project, to_stage=Stage.DONE)
    services.auditor_assign(actor=ev.staff, project=ev.project, user=ev.auditor, organisation="所")
    with pytest.raises(ServiceError, match="项目审计尚未结束"):
        project_change_stage(actor=ev.staff, project=ev.project, to_stage=Stage.DONE)
    services.audit_close(
        actor=ev.auditor, audit=Audit.objects.get(project=ev.project), opinion="无问题"
    )
    with pytest.raises(ServiceError, match=ev.entry.number):
        project_change_stage(actor=ev.staff, project=ev.project, to_stage=Stage.DONE)
    ev.project.refresh_from_db()
    assert ev.project.stage == Stage.EVALUATION
    settle_books(ev)
    project = project_change_stage(actor=ev.staff, project=ev.project, to_stage=Stage.DONE)
    assert project.stage == Stage.DONE


def test_posted_but_unreviewed_entry_still_blocks(ev):
    from linli.funding import services as fs

    _finish_everything(ev)
    fs.entry_confirm(actor=ev.books.cashier, entry=ev.entry)
    with pytest.raises(ServiceError, match="未经监事审核"):
        project_change_stage(actor=ev.staff, project=ev.project, to_stage=Stage.DONE)


# ---------------------------------------------------------------- conventions


@pytest.fixture
def garage(world):
    from linli.places.models import MicroSpace

    return MicroSpace.objects.create(
        compound=world.compound_a, name="非机动车库", kind="bike_garage"
    )


@pytest.fixture
def meeting(world):
    from linli.deliberation.services import meeting_create

    return meeting_create(
        actor=world.users.staff_a, committee=world.committee_a, kind="residents",
        title="停车公约居民会议", convener="committee", starts_at=timezone.now(), expected_count=10,
    )  # fmt: skip


def _adopted(world, garage, meeting, **kw):
    c = services.convention_draft(
        actor=world.users.staff_a, committee=world.committee_a, title="停车公约",
        text="一、车辆按序停放。\n二、禁止飞线充电。", scope="microspace", microspace=garage, **kw,
    )  # fmt: skip
    services.convention_discuss(actor=world.users.staff_a, convention=c, note="楼组会议讨论")
    return services.convention_adopt(
        actor=world.users.staff_a,
        convention=c,
        meeting=meeting,
        in_force_from=datetime.date(2026, 1, 1),
    )


def test_convention_draft_refusals(world, garage):
    with pytest.raises(ScopeError):
        services.convention_draft(
            actor=world.users.resident_a, committee=world.committee_a, title="t", text="x",
            scope="microspace", microspace=garage,
        )  # fmt: skip
    with pytest.raises(ServiceError, match="不属于该居委会"):
        services.convention_draft(
            actor=world.users.staff_a, committee=world.committee_a, title="t", text="x",
            scope="building", building=world.building_b,
        )  # fmt: skip
    with pytest.raises(ServiceError, match="请选择楼栋"):
        services.convention_draft(
            actor=world.users.staff_a, committee=world.committee_a, title="t", text="x",
            scope="building",
        )  # fmt: skip
    assert not Convention.objects.exists()


def test_adopt_needs_a_decision(world, garage):
    c = services.convention_draft(
        actor=world.users.staff_a, committee=world.committee_a, title="停车公约", text="x",
        scope="microspace", microspace=garage,
    )  # fmt: skip
    with pytest.raises(ServiceError, match="会议或表决"):
        services.convention_adopt(
            actor=world.users.staff_a, convention=c, in_force_from=datetime.date(2026, 1, 1)
        )
    c.refresh_from_db()
    assert c.status == "draft"


def test_endorse_online_is_idempotent_and_counted(world, garage, meeting):
    c = _adopted(world, garage, meeting)
    assert endorsement_figure(c) == (0, 2)  # flat_a and flat_a2 in the compound
    e1, created1 = services.endorse_online(actor=world.users.resident_a, convention=c)
    e2, created2 = services.endorse_online(actor=world.users.resident_a, convention=c)
    assert created1 and not created2 and e1.pk == e2.pk
    assert endorsement_figure(c) == (1, 2)
    assert _events("convention.endorse") == 1


def test_one_endorsement_per_household_is_a_db_constraint(world, garage, meeting):
    c = _adopted(world, garage, meeting)
    e, _ = services.endorse_online(actor=world.users.resident_a, convention=c)
    with pytest.raises(IntegrityError), transaction.atomic():
        Endorsement.objects.create(convention=c, household=e.household, channel="paper")


def test_resident_outside_scope_cannot_endorse(world, meeting):
    c = services.convention_draft(
        actor=world.users.staff_a, committee=world.committee_a, title="5号楼楼组公约", text="x",
        scope="building", building=world.building_a,
    )  # fmt: skip
    c = services.convention_adopt(
        actor=world.users.staff_a,
        convention=c,
        meeting=meeting,
        in_force_from=datetime.date.today(),
    )
    other_building = __import__("tests.factories", fromlist=["x"]).BuildingFactory(
        compound=world.compound_a, number="6号楼"
    )
    flat = flat_with_people(other_building, "101", 1, "50", ["邻楼居民"])
    neighbour = make_user("resident", flat, name="邻楼居民")
    with pytest.raises(ScopeError):
        services.endorse_online(actor=neighbour, convention=c)
    with pytest.raises(ScopeError):
        services.endorse_online(actor=world.users.resident_b, convention=c)
    assert not Endorsement.objects.exists()


def test_draft_cannot_be_endorsed(world, garage):
    c = services.convention_draft(
        actor=world.users.staff_a, committee=world.committee_a, title="停车公约", text="x",
        scope="microspace", microspace=garage,
    )  # fmt: skip
    with pytest.raises(ServiceError, match="尚未通过") as exc:
        services.endorse_online(actor=world.users.resident_a, convention=c)
    assert exc.value.status == 409


def test_paper_endorsements_skip_existing_and_refuse_outside(world, garage, meeting):
    from linli.places.models import Household

    c = _adopted(world, garage, meeting)
    services.endorse_online(actor=world.users.resident_a, convention=c)
    h_a = Household.objects.get(flat=world.flat_a)
    h_a2 = Household.objects.get(flat=world.flat_a2)
    h_b = Household.objects.get(flat=world.flat_b)
    with pytest.raises(ServiceError, match="不在该公约的适用范围内"):
        services.endorse_paper(actor=world.users.staff_a, convention=c, households=[h_a2, h_b])
    assert endorsement_figure(c) == (1, 2)
    with pytest.raises(ScopeError):
        services.endorse_paper(actor=world.users.resident_a, convention=c, households=[h_a2])
    added = services.endorse_paper(actor=world.users.staff_a, convention=c, households=[h_a, h_a2])
    assert added == 1 and endorsement_figure(c) == (2, 2)


def test_amend_makes_a_new_version_that_supersedes_on_adoption(world, garage, meeting):
    v1 = _adopted(world, garage, meeting)
    services.endorse_online(actor=world.users.resident_a, convention=v1)
    v2 = services.convention_amend(
        actor=world.users.staff_a, convention=v1, text="新条文", change_note="增加充电时段"
    )
    assert v2.version == 2 and v2.previous == v1 and v2.status == "draft"
    with pytest.raises(ServiceError, match="已有待通过的新版本"):
        services.convention_amend(
            actor=world.users.staff_a, convention=v1, text="x", change_note="y"
        )
    with pytest.raises(ServiceError, match="晚于上一版本"):
        services.convention_adopt(
            actor=world.users.staff_a, convention=v2, meeting=meeting,
            in_force_from=datetime.date(2025, 6, 1),
        )  # fmt: skip
    services.convention_adopt(
        actor=world.users.staff_a, convention=v2, meeting=meeting,
        in_force_from=datetime.date(2026, 6, 1),
    )  # fmt: skip
    v1.refresh_from_db()
    assert v1.status == "superseded" and v1.in_force_to == datetime.date(2026, 6, 1)
    assert endorsement_figure(v2) == (0, 2)  # a new version is endorsed afresh
    with pytest.raises(ServiceError):
        services.endorse_online(actor=world.users.resident_a, convention=v1)


# ---------------------------------------------------------------- cases


def test_case_published_only_when_done(ev):
    case = services.case_save(
        actor=ev.staff, project=ev.project, project_type="garage", problem="乱停车、乱充电"
    )
    with pytest.raises(ServiceError, match="项目完成后") as exc:
        services.case_publish(actor=ev.staff, case=case)
    assert exc.value.status == 409
    with pytest.raises(ScopeError):
        services.case_save(
            actor=ev.resident, project=ev.project, project_type="garage", problem="x"
        )
    with pytest.raises(ServiceError, match="项目类型"):
        services.case_save(actor=ev.staff, project=ev.project, project_type="castle", problem="x")
    _finish_everything(ev)
    settle_books(ev)
    project_change_stage(actor=ev.staff, project=ev.project, to_stage=Stage.DONE)
    case = services.case_publish(actor=ev.staff, case=case)
    assert case.published_at is not None
    assert Case.objects.filter(published_at__isnull=False).count() == 1


def test_participation_counts_records(ev, world, garage, meeting):
    evaluation = services.evaluation_open(actor=ev.staff, project=ev.project)
    services.score_submit(actor=ev.resident, evaluation=evaluation, scores=SCORES)
    services.score_enter_paper(
        actor=ev.staff, evaluation=evaluation, sheet_no="1", participant="王", scores=SCORES
    )
    c = _adopted(world, garage, meeting, project=ev.project)
    services.endorse_online(actor=world.users.resident_a, convention=c)
    rows = {label: (people, times) for label, people, times in participation(ev.project).rows}
    assert rows["评议评分"] == (2, 2)
    assert rows["公约签署（户）"] == (1, 1)
