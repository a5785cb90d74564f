"""Step 5 through the REST API with bearer tokens: the same services, refusals and guards."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from linli.accounts.services import api_token_create
from linli.implementation import services
from linli.implementation.models import PatrolRecord, Procurement, Signoff, Ticket
from linli.projects.models import Stage
from tests.api_client import ApiClient
from tests.implementation.conftest import (
    TODAY,
    closed_meeting,
    finish_milestones,
    jpeg_with_gps,
    not_an_image,
    review_supervise_entries,
    sign_all,
)

pytestmark = pytest.mark.django_db

BASE = "/api/implementation"


def _multipart(user, path, data):
    _, key = api_token_create(actor=user, name="测试")
    return Client().post(path, data, HTTP_AUTHORIZATION=f"Bearer {key}")


def test_procurement_compare_through_the_api(impl, world):
    api = ApiClient(impl.staff)
    r = api.post(
        f"{BASE}/projects/{impl.project.pk}/procurements",
        {"title": "施工单位", "method": "direct", "budget_fen": 8_400_000},
    )
    assert r.status_code == 400 and "不能直接采购" in r.json()["detail"]
    r = api.post(
        f"{BASE}/projects/{impl.project.pk}/procurements",
        {"title": "施工单位", "method": "compare", "budget_fen": 8_400_000},
    )
    assert r.status_code == 201
    pid = r.json()["id"]
    quotes = []
    for c, amount in zip(impl.companies, (8_100_000, 8_200_000, 8_300_000), strict=True):
        r = api.post(
            f"{BASE}/procurements/{pid}/quotes", {"company_id": c.pk, "amount_fen": amount}
        )
        assert r.status_code == 201
        quotes.append(r.json()["id"])
    r = api.post(
        f"{BASE}/procurements/{pid}/quotes", {"company_id": impl.companies[0].pk, "amount_fen": -1}
    )
    assert r.status_code in (400, 409)
    meeting = closed_meeting(world, impl.project)
    r = api.post(f"{BASE}/procurements/{pid}/decide", {"quote_id": quotes[0], "reason": "最低价"})
    assert r.status_code == 400 and "会议或表决" in r.json()["detail"]
    r = api.post(
        f"{BASE}/procurements/{pid}/decide",
        {"quote_id": quotes[0], "reason": "最低价", "meeting_id": meeting.pk},
    )
    assert r.status_code == 200 and r.json()["status"] == "decided"
    assert Procurement.objects.get().chosen_id == quotes[0]


def test_contractor_token_acts_on_its_project_only(impl, world):
    from linli.projects.services import project_create

    other = project_create(actor=impl.staff, committee=world.committee_a, title="别的项目")
    api = ApiClient(impl.contractor)
    assert api.get(f"{BASE}/projects/{impl.project.pk}").status_code == 200
    assert api.get(f"{BASE}/projects/{other.pk}").status_code == 404
    m = services.milestone_add(
        actor=impl.staff, project=impl.project, title="拆除",
        planned_start=TODAY() - datetime.timedelta(days=3), planned_end=TODAY(),
    )  # fmt: skip
    r = api.post(
        f"{BASE}/milestones/{m.pk}/progress",
        {"actual_start": TODAY().isoformat(), "actual_end": (TODAY() - datetime.timedelta(days=1)).isoformat()},
    )  # fmt: skip
    assert r.status_code == 400 and "实际完成日期不能早于实际开始日期" in r.json()["detail"]
    r = api.post(f"{BASE}/milestones/{m.pk}/progress", {"actual_start": TODAY().isoformat()})
    assert r.status_code == 200 and r.json()["actual_start"] == TODAY().isoformat()


def test_guards_through_the_api(impl, world):
    api = ApiClient(impl.staff)
    url = f"/api/projects/{impl.project.pk}/stage"
    r = api.post(url, {"to_stage": Stage.ACCEPTANCE})
    assert r.status_code == 409 and "进度节点" in r.json()["detail"]
    finish_milestones(impl)
    assert api.post(url, {"to_stage": Stage.ACCEPTANCE}).status_code == 200
    r = api.post(url, {"to_stage": Stage.EVALUATION})
    assert r.status_code == 409 and "验收尚缺" in r.json()["detail"]
    status = api.get(f"{BASE}/projects/{impl.project.pk}").json()
    assert {g["key"]: g["ok"] for g in status["checklist"]}[
        "implementation.acceptance_signed"
    ] is False
    sign_all(impl, world)
    review_supervise_entries(impl)
    r = api.post(url, {"to_stage": Stage.EVALUATION})
    assert r.status_code == 409 and "运维安排" in r.json()["detail"]
    r = api.put(
        f"{BASE}/projects/{impl.project.pk}/arrangement", {"kind": "property", "keeper": "开鲁物业"}
    )
    assert r.status_code == 200
    r = api.post(url, {"to_stage": Stage.EVALUATION})
    assert r.status_code == 200 and r.json()["stage"] == Stage.EVALUATION


def test_signoff_without_the_role_is_403_through_the_api(impl, world):
    finish_milestones(impl)
    from linli.projects.services import project_change_stage

    project_change_stage(actor=impl.staff, project=impl.project, to_stage=Stage.ACCEPTANCE)
    r = ApiClient(world.users.resident_a).post(
        f"{BASE}/projects/{impl.project.pk}/signoffs", {"party": "committee", "opinion": "同意"}
    )
    assert r.status_code == 403
    assert not Signoff.objects.exists()
    r = ApiClient(impl.contractor).post(
        f"{BASE}/projects/{impl.project.pk}/signoffs", {"party": "contractor", "opinion": "已完工"}
    )
    assert r.status_code == 201 and r.json()["party"] == "contractor"


def test_payment_over_contract_is_409_through_the_api(impl):
    from linli.funding import services as fs
    from linli.funding.models import CostItem

    api = ApiClient(impl.staff)
    r = api.post(
        f"{BASE}/projects/{impl.project.pk}/contracts",
        {"title": "施工合同", "party": "邻家建设", "amount_fen": 100_000, "signed_on": TODAY().isoformat()},
    )  # fmt: skip
    assert r.status_code == 201
    cid = r.json()["id"]
    item = CostItem.objects.filter(plan=impl.books.plan).first()
    entry = fs.spending_record(
        actor=impl.books.accountant, item=item, source=impl.books.residents, amount_fen=150_000
    )
    r = api.post(f"{BASE}/contracts/{cid}/payments", {"entry_id": entry.pk})
    assert r.status_code == 409 and "合同变更" in r.json()["detail"]
    r = ApiClient(impl.contractor).post(
        f"{BASE}/contracts/{cid}/changes", {"reason": "增加灯具", "delta_fen": 50_000}
    )
    assert r.status_code == 201
    r = ApiClient(impl.rep).post(
        f"/api/implementation/changes/{r.json()['id']}/decide", {"approve": True}
    )
    assert r.status_code == 200 and r.json()["status"] == "approved"
    r = api.post(f"{BASE}/contracts/{cid}/payments", {"entry_id": entry.pk})
    assert r.status_code == 201 and r.json()["amount_fen"] == 150_000
    assert api.get(f"{BASE}/contracts/{cid}").json()["paid_fen"] == 150_000


def test_patrol_check_in_through_the_api_is_idempotent(impl, world):
    team = services.team_create(
        actor=impl.staff, committee=world.committee_a, name="车库巡保队", kind="garage"
    )
    services.team_member_add(actor=impl.staff, team=team, user=world.users.leader_a)
    site = services.patrol_site_add(
        actor=impl.staff, project=impl.project, team=team, name="车库", checklist="整齐\n畅通"
    )
    path = f"{BASE}/sites/{site.pk}/patrols"
    r1 = _multipart(world.users.leader_a, path, {"checked": ["整齐"], "photo": jpeg_with_gps()})
    r2 = _multipart(world.users.leader_a, path, {"checked": ["整齐"]})
    assert r1.status_code == 201 and r2.status_code == 200
    assert r1.json()["id"] == r2.json()["id"] and r2.json()["created"] is False
    assert PatrolRecord.objects.count() == 1
    r = _multipart(world.users.resident_b, path, {"checked": ["整齐"]})
    assert r.status_code == 403


def test_ticket_through_the_api(impl, world):
    path = f"{BASE}/projects/{impl.project.pk}/tickets"
    r = _multipart(
        world.users.resident_a,
        path,
        {"place": "入口", "description": "灯坏", "photo": not_an_image()},
    )
    assert r.status_code == 400 and "不是有效的图片" in r.json()["detail"]
    assert not Ticket.objects.exists()
    r = _multipart(world.users.resident_a, path, {"place": "入口", "description": "灯坏"})
    assert r.status_code == 201
    tid = r.json()["id"]
    assert ApiClient(world.users.resident_b).get(f"{BASE}/tickets").json() == []
    r = ApiClient(impl.staff).post(f"{BASE}/tickets/{tid}/resolve", {"note": "已换灯"})
    assert r.status_code == 200 and r.json()["status"] == "resolved"
    r = ApiClient(world.users.leader_a).post(f"{BASE}/tickets/{tid}/close")
    assert r.status_code == 403
    r = ApiClient(world.users.resident_a).post(f"{BASE}/tickets/{tid}/close")
    assert r.status_code == 200 and r.json()["confirmed_by_reporter"] is True


def test_site_log_multipart_through_the_api(impl):
    path = f"{BASE}/projects/{impl.project.pk}/site-logs"
    r = _multipart(
        impl.contractor, path,
        {"date": TODAY().isoformat(), "work_done": "吊顶", "photos": [jpeg_with_gps()]},
    )  # fmt: skip
    assert r.status_code == 201 and r.json()["photos"] == 1
    r = _multipart(
        impl.contractor, path,
        {"date": (TODAY() + datetime.timedelta(days=2)).isoformat(), "work_done": "x"},
    )  # fmt: skip
    assert r.status_code == 400 and "不能晚于今天" in r.json()["detail"]
