"""Conversation pages and API: one-at-a-time voting, moderation, results, 4xx on bad input."""

from __future__ import annotations

import pytest
from django.test import Client

from linli.opinions import services
from linli.opinions.models import OpinionVote, Statement
from tests.api_client import ApiClient


@pytest.fixture
def conv(world):
    return services.conversation_create(
        actor=world.users.staff_a,
        committee=world.committee_a,
        topic="小区中心花园怎么改？",
        statements=["保留大树，增加座椅", "改成停车位", "增加晾衣架"],
    )


def login(user):
    c = Client()
    c.force_login(user)
    return c


def test_resident_votes_one_statement_at_a_time(conv, world):
    c = login(world.users.resident_a)
    first, second, _ = conv.statements.order_by("id")
    page = c.get(f"/conversations/{conv.pk}/").content.decode()
    assert first.text in page and second.text not in page and "已表态 0 / 3 条" in page
    r = c.post(f"/conversations/{conv.pk}/statements/{first.pk}/vote/", {"value": "1"})
    assert r.status_code == 302
    page = c.get(f"/conversations/{conv.pk}/").content.decode()
    assert second.text in page and "已表态 1 / 3 条" in page
    # voting again on the first changes it; still one row
    c.post(f"/conversations/{conv.pk}/statements/{first.pk}/vote/", {"value": "-1"})
    assert OpinionVote.objects.get(statement=first).value == -1


def test_bad_input_pages_answer_4xx_in_chinese(conv, world):
    c = login(world.users.resident_a)
    st = conv.statements.first()
    r = c.post(f"/conversations/{conv.pk}/statements/{st.pk}/vote/", {"value": "7"})
    assert r.status_code == 400 and "赞同、反对或跳过" in r.content.decode()
    r = c.post(f"/conversations/{conv.pk}/statements/", {"text": ""})
    assert r.status_code == 400 and "请填写观点" in r.content.decode()
    r = c.post(f"/conversations/{conv.pk}/statements/", {"text": "长" * 200})
    assert r.status_code == 400 and "太长" in r.content.decode()
    anon = Client()
    r = anon.post(f"/conversations/{conv.pk}/statements/{st.pk}/vote/", {"value": "1"})
    assert r.status_code == 401 and "请先登录" in r.content.decode()
    assert not OpinionVote.objects.exists()
    # out of scope: 404
    assert login(world.users.resident_b).get(f"/conversations/{conv.pk}/").status_code == 404
    # closed
    services.conversation_set_status(actor=world.users.staff_a, conversation=conv, status="closed")
    r = c.post(f"/conversations/{conv.pk}/statements/{st.pk}/vote/", {"value": "1"})
    assert r.status_code == 409 and "已结束" in r.content.decode()


def test_staff_create_moderate_and_results_pages(world):
    c = login(world.users.staff_a)
    assert c.get("/conversations/new/").status_code == 200
    r = c.post(
        "/conversations/new/",
        {"committee": world.committee_a.pk, "topic": "", "statements": ""},
    )
    assert r.status_code == 400 and "请填写征询议题" in r.content.decode()
    r = c.post(
        "/conversations/new/",
        {
            "committee": world.committee_a.pk,
            "topic": "花园怎么改？",
            "statements": "多种花\n少停车",
        },
    )
    assert r.status_code == 302
    conv = world.committee_a.conversations.get()
    assert conv.statements.count() == 2
    st = services.statement_add(actor=world.users.resident_a, conversation=conv, text="增加路灯")
    assert "增加路灯" in c.get(f"/conversations/{conv.pk}/moderate/").content.decode()
    r = c.post(f"/conversations/{conv.pk}/statements/{st.pk}/moderate/", {"decision": "reject"})
    assert r.status_code == 400 and "理由" in r.content.decode()
    c.post(f"/conversations/{conv.pk}/statements/{st.pk}/moderate/", {"decision": "accept"})
    assert Statement.objects.get(pk=st.pk).status == "accepted"
    assert (
        login(world.users.resident_a).get(f"/conversations/{conv.pk}/moderate/").status_code == 403
    )
    assert c.get(f"/conversations/{conv.pk}/results/").status_code == 200
    assert c.post(f"/conversations/{conv.pk}/recompute/").status_code == 302
    assert (
        login(world.users.resident_a).post(f"/conversations/{conv.pk}/recompute/").status_code
        == 403
    )
    assert "花园怎么改" in c.get("/conversations/").content.decode()


def test_api_flow_and_errors(conv, world):
    resident = ApiClient(world.users.resident_a)
    staff = ApiClient(world.users.staff_a)
    assert [c["topic"] for c in resident.get("/api/conversations/").json()] == [conv.topic]
    assert ApiClient(world.users.resident_b).get(f"/api/conversations/{conv.pk}").status_code == 404
    nxt = resident.get(f"/api/conversations/{conv.pk}/next").json()
    r = resident.post(f"/api/conversations/{conv.pk}/statements/{nxt['id']}/vote", {"value": 1})
    assert r.status_code == 200 and r.json()["value"] == 1
    r = resident.post(f"/api/conversations/{conv.pk}/statements/{nxt['id']}/vote", {"value": 0})
    assert OpinionVote.objects.get().value == 0
    r = resident.post(f"/api/conversations/{conv.pk}/statements/{nxt['id']}/vote", {"value": 5})
    assert r.status_code == 422 and "请求数据有误" in r.json()["detail"]
    r = resident.post(f"/api/conversations/{conv.pk}/statements", {"text": "x" * 141})
    assert r.status_code == 400 and "太长" in r.json()["detail"]
    r = resident.post(f"/api/conversations/{conv.pk}/statements", {"text": "晚上灯太暗"})
    assert r.status_code == 201 and r.json()["status"] == "pending"
    sid = r.json()["id"]
    assert sid not in [
        s["id"] for s in resident.get(f"/api/conversations/{conv.pk}/statements").json()
    ]
    r = resident.post(f"/api/conversations/{conv.pk}/statements/{sid}/moderate", {"accept": True})
    assert r.status_code == 403
    r = staff.post(f"/api/conversations/{conv.pk}/statements/{sid}/moderate", {"accept": False})
    assert r.status_code == 400 and "理由" in r.json()["detail"]
    r = staff.post(
        f"/api/conversations/{conv.pk}/statements/{sid}/moderate",
        {"accept": False, "reason": "重复"},
    )
    assert r.json()["status"] == "rejected"
    assert resident.post(f"/api/conversations/{conv.pk}/results").status_code == 403
    res = staff.post(f"/api/conversations/{conv.pk}/results").json()
    assert res["data"]["n_participants"] == 1 and res["stale"] is False
    assert resident.get(f"/api/conversations/{conv.pk}/results").json()["data"] == res["data"]
    r = staff.post("/api/conversations/", {"committee_id": world.committee_a.pk, "topic": "新议题"})
    assert r.status_code == 201
    r = staff.post("/api/conversations/", {"committee_id": world.committee_b.pk, "topic": "新议题"})
    assert r.status_code == 404
    r = resident.post(
        "/api/conversations/", {"committee_id": world.committee_a.pk, "topic": "新议题"}
    )
    assert r.status_code == 403
    staff.post(f"/api/conversations/{conv.pk}/status", {"status": "closed"})
    r = resident.post(f"/api/conversations/{conv.pk}/statements/{nxt['id']}/vote", {"value": 1})
    assert r.status_code == 409 and "已结束" in r.json()["detail"]
    assert Client().get(f"/api/conversations/{conv.pk}").status_code == 401


def test_api_empty_vote_body_is_refused_not_a_pass(conv, world):
    resident = ApiClient(world.users.resident_a)
    st = conv.statements.first()
    r = resident.post(f"/api/conversations/{conv.pk}/statements/{st.pk}/vote", {})
    assert r.status_code == 400 and "赞同、反对或跳过" in r.json()["detail"]
    r = resident.post(f"/api/conversations/{conv.pk}/statements", {})
    assert r.status_code == 400 and "请填写观点" in r.json()["detail"]
    assert not OpinionVote.objects.exists()
