"""Step 6 predicates for each role: staff, resident, other committee, evaluator, auditor."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from linli.evaluation import services
from linli.evaluation.models import Audit
from tests.evaluation.conftest import SCORES


@pytest.fixture
def objs(ev):
    evaluation = services.evaluation_open(actor=ev.staff, project=ev.project)
    services.evaluator_assign(
        actor=ev.staff, project=ev.project, user=ev.evaluator, organisation="评估所"
    )
    services.auditor_assign(
        actor=ev.staff, project=ev.project, user=ev.auditor, organisation="审计所"
    )
    return evaluation, Audit.objects.get(project=ev.project)


def test_evaluation_predicates_per_role(ev, objs):
    evaluation, _ = objs
    u = ev.world.users
    assert u.staff_a.has_perm("evaluation.manage_evaluation", evaluation)
    assert not u.staff_b.has_perm("evaluation.manage_evaluation", evaluation)
    assert u.resident_a.has_perm("evaluation.score_online", evaluation)
    assert not u.resident_b.has_perm("evaluation.score_online", evaluation)
    assert not u.resident_a.has_perm("evaluation.enter_paper_scores", evaluation)
    assert ev.evaluator.has_perm("evaluation.run_survey", evaluation)
    assert ev.evaluator.has_perm("evaluation.view_survey_results", evaluation)
    assert not ev.evaluator.has_perm("evaluation.manage_evaluation", evaluation)
    assert not ev.evaluator.has_perm("evaluation.score_online", evaluation)
    assert not ev.auditor.has_perm("evaluation.run_survey", evaluation)
    assert not u.resident_a.has_perm("evaluation.run_survey", evaluation)
    assert not u.outsider.has_perm("evaluation.view_evaluation", evaluation)
    services.score_submit(actor=u.resident_a, evaluation=evaluation, scores=SCORES)
    services.evaluation_close(actor=u.staff_a, evaluation=evaluation, conclusion="好")
    evaluation.refresh_from_db()
    assert not u.leader_a.has_perm("evaluation.score_online", evaluation)  # closed


def test_audit_predicates_per_role(ev, objs):
    _, audit = objs
    u = ev.world.users
    assert ev.auditor.has_perm("evaluation.add_finding", audit)
    assert ev.auditor.has_perm("evaluation.close_audit", audit)
    assert ev.auditor.has_perm("evaluation.audit_books", ev.project)
    assert not ev.auditor.has_perm("evaluation.respond_finding", audit)
    assert u.staff_a.has_perm("evaluation.respond_finding", audit)
    assert not u.staff_a.has_perm("evaluation.add_finding", audit)
    assert not ev.evaluator.has_perm("evaluation.audit_books", ev.project)
    assert not u.resident_a.has_perm("evaluation.audit_books", ev.project)
    assert u.resident_a.has_perm("evaluation.view_audit_status", ev.project)
    assert not u.staff_b.has_perm("evaluation.view_audit", ev.project)
    services.audit_close(actor=ev.auditor, audit=audit, opinion="同意")
    audit.refresh_from_db()
    assert not ev.auditor.has_perm("evaluation.add_finding", audit)


def test_convention_predicates_follow_scope_and_status(world):
    from linli.deliberation.services import meeting_create

    c = services.convention_draft(
        actor=world.users.staff_a, committee=world.committee_a, title="楼组公约", text="x",
        scope="building", building=world.building_a,
    )  # fmt: skip
    assert not world.users.resident_a.has_perm("evaluation.endorse_convention", c)  # draft
    meeting = meeting_create(
        actor=world.users.staff_a, committee=world.committee_a, kind="building", title="楼组会议",
        convener="committee", starts_at=timezone.now(), expected_count=3,
    )  # fmt: skip
    c = services.convention_adopt(
        actor=world.users.staff_a,
        convention=c,
        meeting=meeting,
        in_force_from=datetime.date.today(),
    )
    assert world.users.resident_a.has_perm("evaluation.endorse_convention", c)
    assert not world.users.resident_b.has_perm("evaluation.endorse_convention", c)
    assert not world.users.staff_a.has_perm("evaluation.endorse_convention", c)  # no flat
    assert world.users.staff_a.has_perm("evaluation.enter_paper_endorsements", c)
    assert not world.users.leader_a.has_perm("evaluation.enter_paper_endorsements", c)
    assert not world.users.staff_b.has_perm("evaluation.manage_convention", c)
