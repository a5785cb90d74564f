"""Step 6 through the API: the same services, the same refusals, the guard as a 409."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from linli.evaluation import services
from linli.evaluation.models import Audit, Endorsement, Finding, Score
from linli.projects.models import Stage
from tests.api_client import ApiClient
from tests.evaluation.conftest import SCORES, settle_books

pytestmark = pytest.mark.django_db

BASE = "/api/evaluation"


def test_evaluation_cycle_and_guard_via_api(ev):
    staff = ApiClient(ev.staff)
    pid = ev.project.pk
    r = staff.post(f"/api/projects/{pid}/stage", {"to_stage": "done", "note": ""})
    assert r.status_code == 409 and "尚未组织项目评议" in r.json()["detail"]
    assert staff.post(f"{BASE}/projects/{pid}/open", {}).status_code == 201
    resident = ApiClient(ev.resident)
    r = resident.post(f"{BASE}/projects/{pid}/scores", SCORES)
    assert r.status_code == 201, r.content
    r = resident.post(f"{BASE}/projects/{pid}/scores", SCORES)
    assert r.status_code == 409 and r.json()["code"] == "duplicate"
    r = resident.post(f"{BASE}/projects/{pid}/scores", {**SCORES, "need": 0})
    assert r.status_code == 400
    assert Score.objects.count() == 1
    r = staff.post(
        f"{BASE}/projects/{pid}/paper-scores", {**SCORES, "sheet_no": "7", "participant": "陈"}
    )
    assert r.status_code == 201
    summary = staff.get(f"{BASE}/projects/{pid}").json()
    assert summary["scores"] == 2 and summary["paper"] == 1
    assert summary["criteria"][0] == {"criterion": "need", "label": "需求满足", "average": 5.0}
    # survey run by the evaluator
    assert staff.post(f"{BASE}/projects/{pid}/survey").status_code == 201
    r = staff.post(
        f"{BASE}/projects/{pid}/evaluators",
        {"mobile": ev.evaluator.mobile, "organisation": "评估所"},
    )
    assert r.status_code == 201
    evaluator = ApiClient(ev.evaluator)
    assert (
        evaluator.post(f"{BASE}/projects/{pid}/survey/status", {"status": "open"}).json()[
            "survey_status"
        ]
        == "open"
    )
    r = staff.post(f"{BASE}/projects/{pid}/close", {"conclusion": "满意"})
    assert r.status_code == 409 and "满意度调查仍在进行" in r.json()["detail"]
    evaluator.post(f"{BASE}/projects/{pid}/survey/status", {"status": "closed"})
    assert evaluator.get(f"{BASE}/projects/{pid}/survey/results").json()["responses"] == 0
    assert staff.post(f"{BASE}/projects/{pid}/close", {"conclusion": "满意"}).status_code == 200
    # audit by the assigned auditor
    r = staff.post(
        f"{BASE}/projects/{pid}/audit/auditors", {"mobile": ev.auditor.mobile, "organisation": "所"}
    )
    assert r.status_code == 201
    auditor = ApiClient(ev.auditor)
    entries = auditor.get(f"{BASE}/projects/{pid}/audit/entries").json()
    assert entries[0]["number"] == ev.entry.number and entries[0]["status"] == "recorded"
    r = auditor.post(
        f"{BASE}/projects/{pid}/audit/findings",
        {"severity": "low", "title": "摘要不清", "text": "请补充", "entry_id": ev.entry.pk},
    )
    assert r.status_code == 201
    fid = r.json()["id"]
    assert auditor.post(f"{BASE}/projects/{pid}/audit/close", {"opinion": "x"}).status_code == 409
    r = staff.post(f"{BASE}/projects/{pid}/audit/findings/{fid}/respond", {"response": "已补充"})
    assert r.status_code == 200 and r.json()["responded_at"]
    assert (
        auditor.post(f"{BASE}/projects/{pid}/audit/close", {"opinion": "同意"}).json()["status"]
        == "closed"
    )
    r = staff.post(f"/api/projects/{pid}/stage", {"to_stage": "done", "note": ""})
    assert r.status_code == 409 and ev.entry.number in r.json()["detail"]
    settle_books(ev)
    r = staff.post(f"/api/projects/{pid}/stage", {"to_stage": "done", "note": ""})
    assert r.status_code == 200 and r.json()["stage"] == Stage.DONE


def test_auditor_and_evaluator_reach_nothing_else(ev, world):
    from linli.projects.services import project_create

    services.auditor_assign(actor=ev.staff, project=ev.project, user=ev.auditor, organisation="所")
    other = project_create(actor=ev.staff, committee=world.committee_a, title="其他项目")
    services.auditor_assign(actor=ev.staff, project=other, user=ev.evaluator, organisation="所")
    auditor = ApiClient(ev.auditor)
    assert auditor.get(f"{BASE}/projects/{other.pk}/audit").status_code == 404
    assert auditor.get(f"{BASE}/projects/{other.pk}/audit/entries").status_code == 404
    r = auditor.post(
        f"{BASE}/projects/{other.pk}/audit/findings", {"severity": "low", "title": "x", "text": "y"}
    )
    assert r.status_code == 404
    assert not Finding.objects.exists()
    assert auditor.get("/api/projects/").json() == [] or all(
        p["id"] != ev.project.pk for p in auditor.get("/api/projects/").json()
    )
    assert auditor.get(f"/api/funding/projects/{ev.project.pk}/plan").status_code in (403, 404)


def test_endorse_via_api_is_idempotent(world):
    from linli.deliberation.services import meeting_create

    meeting = meeting_create(
        actor=world.users.staff_a, committee=world.committee_a, kind="building",
        title="楼组会议", convener="committee", starts_at=timezone.now(), expected_count=5,
    )  # fmt: skip
    staff = ApiClient(world.users.staff_a)
    r = staff.post(
        f"{BASE}/conventions",
        {"committee_id": world.committee_a.pk, "title": "5号楼楼组公约", "text": "不堆物",
         "scope": "building", "building_id": world.building_a.pk},
    )  # fmt: skip
    assert r.status_code == 201, r.content
    cid = r.json()["id"]
    resident = ApiClient(world.users.resident_a)
    assert (
        resident.post(f"{BASE}/conventions/{cid}/endorse").status_code == 404
    )  # a draft is unseen
    r = staff.post(
        f"{BASE}/conventions/{cid}/adopt",
        {"meeting_id": meeting.pk, "in_force_from": str(datetime.date.today())},
    )
    assert r.status_code == 200 and r.json()["status"] == "adopted"
    first = resident.post(f"{BASE}/conventions/{cid}/endorse").json()
    second = resident.post(f"{BASE}/conventions/{cid}/endorse").json()
    assert first["created"] and not second["created"]
    assert second["endorsed_households"] == 1 and second["households_in_scope"] == 2
    assert Endorsement.objects.count() == 1
    other = ApiClient(world.users.resident_b)
    assert other.post(f"{BASE}/conventions/{cid}/endorse").status_code == 404
    r = staff.post(f"{BASE}/conventions/{cid}/paper", {"household_ids": [987654]})
    assert r.status_code == 400
    r = staff.post(f"{BASE}/conventions/{cid}/amend", {"text": "新", "change_note": "修订"})
    assert r.status_code == 201 and r.json()["version"] == 2 and r.json()["previous_id"] == cid


def test_public_cases_api_without_login(ev):
    from linli.projects.services import project_change_stage

    case = services.case_save(
        actor=ev.staff, project=ev.project, project_type="garage", problem="x"
    )
    anon = Client()
    assert anon.get(f"{BASE}/cases").json() == []
    assert anon.get(f"{BASE}/cases/{case.pk}").status_code == 404
    evaluation = services.evaluation_open(actor=ev.staff, project=ev.project)
    services.score_submit(actor=ev.resident, evaluation=evaluation, scores=SCORES)
    services.evaluation_close(actor=ev.staff, evaluation=evaluation, conclusion="满意")
    services.auditor_assign(actor=ev.staff, project=ev.project, user=ev.auditor, organisation="所")
    services.audit_close(
        actor=ev.auditor, audit=Audit.objects.get(project=ev.project), opinion="无问题"
    )
    settle_books(ev)
    project_change_stage(actor=ev.staff, project=ev.project, to_stage=Stage.DONE)
    services.case_publish(actor=ev.staff, case=case)
    rows = anon.get(f"{BASE}/cases", {"project_type": "garage"}).json()
    assert [r["title"] for r in rows] == [ev.project.title]
    detail = anon.get(f"{BASE}/cases/{case.pk}").json()
    assert detail["sources"][0]["amount_fen"] == 100_000
    assert {p["label"] for p in detail["participation"]} >= {"评议评分", "会议签到"}
    assert [s["stage"] for s in detail["timeline"]][-1] == "done"
    assert ev.resident.name not in str(detail)
