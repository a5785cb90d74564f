"""Partners through the REST API: the same services, scoping and refusals as the pages."""

from __future__ import annotations

import pytest

from linli.partners.models import Partner
from tests.api_client import ApiClient

pytestmark = pytest.mark.django_db


def test_organisation_apply_review_through_the_api(world, org):
    resident = ApiClient(world.users.resident_a)
    body = resident.get("/api/partners/organisations").json()
    assert [o["name"] for o in body] == ["殷行合伙人"]
    assert len(body[0]["committees"]) == 5
    oid = body[0]["id"]
    r = resident.post(
        f"/api/partners/organisations/{oid}/apply",
        {"home_committee_id": world.committee_a.pk, "profession": "doctor", "skills": "儿科"},
    )
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    again = resident.post(
        f"/api/partners/organisations/{oid}/apply",
        {"home_committee_id": world.committee_a.pk, "profession": "doctor"},
    )
    assert again.status_code == 409 and "审核" in again.json()["detail"]
    # residents do not see the queue
    assert (
        resident.get(f"/api/partners/organisations/{oid}/partners", status="applied").status_code
        == 403
    )
    sec = ApiClient(org.secretary)
    queue = sec.get(f"/api/partners/organisations/{oid}/partners", status="applied").json()
    assert [p["id"] for p in queue] == [pid]
    r = sec.post(
        f"/api/partners/partners/{pid}/approve",
        {"partner_committee_id": org.committees["think_tank"].pk},
    )
    assert r.status_code == 200 and r.json()["status"] == "active"
    # mobiles are masked for others
    other = ApiClient(world.users.leader_a).get(f"/api/partners/partners/{pid}").json()
    assert "****" in other["mobile"]


def test_api_refusals(world, org):
    outsider = ApiClient(world.users.resident_b)
    assert outsider.get(f"/api/partners/organisations/{org.org.pk}").status_code == 404
    sec = ApiClient(org.secretary)
    r = sec.post(
        f"/api/partners/organisations/{org.org.pk}/recommend",
        {
            "name": "王",
            "mobile": "13999999999",
            "home_committee_id": world.committee_a.pk,
            "profession": "lawyer",
            "recommendation": "长" * 301,
        },
    )
    assert r.status_code == 400 and "推荐理由不能超过300字" in r.json()["detail"]
    r = sec.post(
        f"/api/partners/organisations/{org.org.pk}/contributions",
        {
            "kind": "money",
            "description": "x",
            "on_date": "2024-05-01",
            "partner_id": org.secretary_partner.pk,
        },
    )
    assert r.status_code == 400 and "请填写金额" in r.json()["detail"]
    assert Partner.objects.filter(name="王").count() == 0


def test_teams_units_contributions_through_the_api(world, org):
    sec = ApiClient(org.secretary)
    r = sec.post(
        f"/api/partners/organisations/{org.org.pk}/teams",
        {"name": "媒体小分队", "leader_id": org.secretary_partner.pk},
    )
    assert r.status_code == 201 and r.json()["member_ids"] == [org.secretary_partner.pk]
    r = sec.post(
        "/api/partners/units",
        {"street_id": world.street_a.pk, "name": "杨浦区中心医院", "kind": "hospital"},
    )
    assert r.status_code == 201
    uid = r.json()["id"]
    r = sec.post(
        f"/api/partners/organisations/{org.org.pk}/contributions",
        {"kind": "expertise", "description": "义诊", "on_date": "2024-05-01", "unit_id": uid},
    )
    assert r.status_code == 201
    listed = sec.get(f"/api/partners/organisations/{org.org.pk}/contributions").json()
    assert [c["unit_id"] for c in listed] == [uid]
    assert (
        ApiClient(world.users.staff_a)
        .post("/api/partners/units", {"street_id": world.street_a.pk, "name": "x", "kind": "other"})
        .status_code
        == 403
    )
