"""The API takes the same paths through rules and services as the pages."""

from __future__ import annotations

import pytest

from tests.api_client import ApiClient

pytestmark = pytest.mark.django_db


def test_round_flow_over_the_api(paired):
    w = paired
    planner = ApiClient(w.users.planner_a)
    r = planner.post(
        f"/api/planning/projects/{w.project.pk}/rounds", {"building_ids": [w.building_a.pk]}
    )
    assert r.status_code == 201, r.content
    rid = r.json()["id"]
    r = planner.post(f"/api/planning/rounds/{rid}/publish")
    assert r.status_code == 400 and "还没有任何设计方案" in r.json()["detail"]
    r = planner.post(f"/api/planning/rounds/{rid}/options",
                     {"label": "A", "description": "座椅", "cost_items": [{"name": "座椅", "yuan": "-1"}]})  # fmt: skip
    assert r.status_code == 400 and "必须大于0" in r.json()["detail"]
    r = planner.post(f"/api/planning/rounds/{rid}/options",
                     {"label": "A", "description": "座椅", "cost_items": [{"name": "座椅", "yuan": "1,200.50"}]})  # fmt: skip
    assert r.status_code == 201 and r.json()["options"][0]["total_fen"] == 120050
    assert planner.post(f"/api/planning/rounds/{rid}/publish").json()["status"] == "published"
    oid = r.json()["options"][0]["id"]
    resident = ApiClient(w.users.resident_a)
    assert resident.post(f"/api/planning/options/{oid}/rating", {"score": 5}).json()["score"] == 5
    assert resident.post(f"/api/planning/options/{oid}/rating", {"score": 9}).status_code == 400
    assert (
        ApiClient(w.users.resident_b)
        .post(f"/api/planning/options/{oid}/rating", {"score": 5})
        .status_code
        == 404
    )
    cid = resident.post(f"/api/planning/options/{oid}/comments", {"text": "好"}).json()["id"]
    assert planner.post(f"/api/planning/comments/{cid}/reply", {"reply": "谢谢"}).status_code == 200
    rounds = resident.get(f"/api/planning/projects/{w.project.pk}/rounds").json()
    assert rounds[0]["options"][0]["avg_score"] == 5.0


def test_planner_outside_pairing_gets_403_or_404(paired):
    from linli.projects.services import project_create

    pb = project_create(actor=paired.users.staff_b, committee=paired.committee_b, title="车棚")
    planner = ApiClient(paired.users.planner_a)
    assert planner.post(f"/api/planning/projects/{pb.pk}/rounds", {}).status_code == 404
    r = planner.post(f"/api/planning/committees/{paired.committee_b.pk}/worklog",
                     {"kind": "site_visit", "date": "2026-01-05", "place": "x", "findings": "y"})  # fmt: skip
    assert r.status_code == 404
    r = planner.post(f"/api/planning/committees/{paired.committee_a.pk}/worklog",
                     {"kind": "site_visit", "date": "2026-01-05", "place": "花园", "findings": "破损"})  # fmt: skip
    assert r.status_code == 201


def test_profile_and_coverage_api(paired):
    assert (
        ApiClient(paired.users.staff_a)
        .get(f"/api/planning/committees/{paired.committee_a.pk}/profile")
        .json()["population"]["total"]
        == 3
    )
    cov = ApiClient(paired.users.district).get("/api/planning/coverage").json()
    assert [s["name"] for s in cov["uncovered_streets"]] == ["五角场街道"]
    planners = ApiClient(paired.users.district).get("/api/planning/planners").json()
    assert planners[0]["mobile"] == "13912345678"


def test_files_over_the_api(paired):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from linli.planning import services
    from tests.planning.conftest import png

    rnd = services.round_create(actor=paired.users.planner_a, project=paired.project)
    opt = services.option_save(actor=paired.users.planner_a, round=rnd, label="A", description="d")
    api = ApiClient(paired.users.planner_a)
    url = f"/api/planning/options/{opt.pk}/files"
    r = api.client.post(url, {"files": [png()]}, **api.headers)
    assert r.status_code == 201 and r.json()["files"] == 1
    bad = SimpleUploadedFile("x.png", b"nope", content_type="image/png")
    r = api.client.post(url, {"files": [bad]}, **api.headers)
    assert r.status_code == 400 and "不是有效的图片" in r.json()["detail"]
    pdf = SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    assert api.client.post(url, {"files": [pdf]}, **api.headers).status_code == 201
    assert opt.files.count() == 2


def test_committee_pairing_covers_that_committee_only(world):
    from linli.core.errors import ScopeError
    from linli.planning import services
    from linli.projects.services import project_create
    from tests.factories import CommitteeFactory, make_user

    sibling = CommitteeFactory(street=world.street_a, name="开鲁新村第二居委会")
    user = make_user(None, None, name="本级规划师")
    planner = services.planner_add(actor=world.users.district, district=world.district,
                                   name="本级规划师", profession="interior", user=user)  # fmt: skip
    services.planner_pair(actor=world.users.street_a, planner=planner, street=world.street_a,
                          committee=world.committee_a)  # fmt: skip
    own = project_create(actor=world.users.staff_a, committee=world.committee_a, title="楼道")
    other = project_create(actor=world.users.street_a, committee=sibling, title="车棚")
    services.round_create(actor=user, project=own)
    with pytest.raises(ScopeError):
        services.round_create(actor=user, project=other)
