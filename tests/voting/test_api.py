"""The votes API: same services and rules as the pages."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from linli.voting.models import Ballot, Elector
from tests.api_client import ApiClient
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _create(api, estate, **extra):
    now = timezone.now()
    payload = {
        "committee_id": estate.world.committee_a.pk,
        "title": "9号楼加装电梯",
        "kind": "owners",
        "matter": "elevator",
        "building_ids": [estate.building.pk],
        "opens_at": (now - timedelta(hours=1)).isoformat(),
        "closes_at": (now + timedelta(days=7)).isoformat(),
    } | extra
    return api.post("/api/votes/", payload)


def test_full_owners_vote_through_the_api(estate):
    staff = ApiClient(estate.world.users.staff_a)
    r = _create(staff, estate)
    assert r.status_code == 201, r.json()
    vote_id = r.json()["id"]
    r = staff.post(f"/api/votes/{vote_id}/open")
    assert r.status_code == 200 and r.json()["status"] == "open" and r.json()["electors"] == 7
    # elevator retrofit: 2/3 participation, 3/4 agreement by area and headcount
    marks = {"F1": "agree", "F2": "agree", "F3": "agree", "F5": "agree", "F6": "disagree"}
    owner = {"F1": "A", "F2": "C", "F3": "C", "F5": "E", "F6": "G"}
    for flat, choice in marks.items():
        api = ApiClient(estate.users[owner[flat]])
        body = {"flat_id": estate.flats[flat].pk, "choice": choice, "idempotency_key": f"k-{flat}"}
        r = api.post(f"/api/votes/{vote_id}/ballots", body)
        assert r.status_code == 200, r.json()
        again = api.post(f"/api/votes/{vote_id}/ballots", body)
        assert again.json() == r.json()
    assert Ballot.objects.filter(vote_id=vote_id).count() == 5
    assert Ballot.objects.filter(vote_id=vote_id, revision=1).count() == 5
    mine = ApiClient(estate.users["C"]).get(f"/api/votes/{vote_id}/my-ballots").json()
    assert sorted(b["flat_id"] for b in mine) == sorted(
        [estate.flats["F2"].pk, estate.flats["F3"].pk]
    )
    # results hidden from owners until close, visible to staff
    assert ApiClient(estate.users["A"]).get(f"/api/votes/{vote_id}/result").status_code == 403
    live = staff.get(f"/api/votes/{vote_id}/result").json()
    assert live["final"] is False and live["passed"] is True
    r = staff.post(f"/api/votes/{vote_id}/close", {"reason": "已全部收回"})
    assert r.status_code == 200
    res = r.json()
    assert res["final"] is True and res["passed"] is True and len(res["signature"]) == 64
    assert res["counts"]["agreeing_area"] == "350" and res["counts"]["agreeing_owners"] == 3
    assert res["rule"]["name"] == "加装电梯（按改建）"
    r = ApiClient(estate.users["A"]).get(f"/api/votes/{vote_id}/result")
    assert r.status_code == 200 and r.json() == res
    r = staff.post(f"/api/votes/{vote_id}/recount")
    assert r.status_code == 200 and r.json()["agrees"] is True
    r = ApiClient(estate.users["H"]).post(
        f"/api/votes/{vote_id}/ballots",
        {"flat_id": estate.flats["F7"].pk, "choice": "agree", "idempotency_key": "late"},
    )
    assert r.status_code == 409 and r.json()["code"] == "closed"


def test_api_refusals(estate):
    staff = ApiClient(estate.world.users.staff_a)
    vote_id = _create(staff, estate, matter="278-9").json()["id"]
    a = ApiClient(estate.users["A"])
    body = {"flat_id": estate.flats["F1"].pk, "choice": "agree", "idempotency_key": "x"}
    assert a.post(f"/api/votes/{vote_id}/ballots", body).status_code == 404  # draft: unseen
    r = staff.post(f"/api/votes/{vote_id}/ballots", body | {"channel": "meeting"})
    assert r.status_code == 409 and "未在进行中" in r.json()["detail"]
    staff.post(f"/api/votes/{vote_id}/open")
    r = a.post(f"/api/votes/{vote_id}/ballots", body | {"flat_id": estate.flats["F4"].pk})
    assert r.status_code == 403 and "不是该户登记的业主" in r.json()["detail"]
    r = staff.post(
        f"/api/votes/{vote_id}/ballots",
        body | {"flat_id": estate.world.flat_a.pk, "channel": "meeting"},
    )
    assert r.status_code == 403 and r.json()["code"] == "not_in_scope"
    r = staff.post(
        f"/api/votes/{vote_id}/paper-entries", {"code": "ZZZZ-ZZZZ-ZZZZ", "choice": "agree"}
    )
    assert r.status_code == 400 and r.json()["code"] == "bad_code"
    r = a.post(
        f"/api/votes/{vote_id}/ballots", {"flat_id": estate.flats["F1"].pk, "choice": "agree"}
    )
    assert r.status_code == 400 and r.json()["code"] == "idempotency"
    assert not Ballot.objects.exists()
    # idempotency key in the header
    r = a.client.post(
        f"/api/votes/{vote_id}/ballots",
        json.dumps({"flat_id": estate.flats["F1"].pk, "choice": "agree"}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="hdr-1",
        **a.headers,
    )
    assert r.status_code == 200 and Ballot.objects.count() == 1


def test_api_paper_double_entry(estate):
    staff = ApiClient(estate.world.users.staff_a)
    staff2 = ApiClient(make_user("committee_staff", estate.world.committee_a, name="小李"))
    vote_id = _create(staff, estate, matter="278-9").json()["id"]
    staff.post(f"/api/votes/{vote_id}/open")
    code = Elector.objects.get(vote_id=vote_id, flat=estate.flats["F4"]).paper_code
    r = staff.post(f"/api/votes/{vote_id}/paper-entries", {"code": code, "choice": "agree"})
    assert r.json()["state"] == "pending"
    r = staff2.post(f"/api/votes/{vote_id}/paper-entries", {"code": code, "choice": "agree"})
    assert r.json()["state"] == "matched"
    assert Ballot.objects.get().channel == "paper"


def test_api_scope(estate):
    staff = ApiClient(estate.world.users.staff_a)
    vote_id = _create(staff, estate).json()["id"]
    other = ApiClient(estate.world.users.staff_b)
    assert other.get(f"/api/votes/{vote_id}").status_code == 404
    assert other.post(f"/api/votes/{vote_id}/open").status_code == 404
    assert other.get("/api/votes/").json() == []
    r = _create(other, estate)  # staff B cannot create in committee A
    assert r.status_code == 404
    assert [v["id"] for v in staff.get("/api/votes/").json()] == [vote_id]
    # an owner who holds no role still sees the votes of their flats once open
    assert ApiClient(estate.users["A"]).get(f"/api/votes/{vote_id}").status_code == 404
    staff.post(f"/api/votes/{vote_id}/open")
    assert ApiClient(estate.users["A"]).get(f"/api/votes/{vote_id}").status_code == 200


def test_api_options_vote(estate):
    staff = ApiClient(estate.world.users.staff_a)
    r = _create(
        staff, estate, kind="options", matter="", method="approval", options=["方案一", "方案二"]
    )
    assert r.status_code == 201, r.json()
    vote = r.json()
    staff.post(f"/api/votes/{vote['id']}/open")
    o1, o2 = (o["id"] for o in vote["options"])
    r = ApiClient(estate.users["A"]).post(
        f"/api/votes/{vote['id']}/ballots",
        {"flat_id": estate.flats["F1"].pk, "option_ids": [o1, o2], "idempotency_key": "o"},
    )
    assert r.status_code == 200 and r.json()["option_ids"] == sorted([o1, o2])
