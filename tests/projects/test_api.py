from linli.projects.services import project_create
from tests.api_client import ApiClient


def test_staff_creates_and_advances_a_project_through_the_api(world):
    api = ApiClient(world.users.staff_a)
    r = api.post(
        "/api/projects/", {"committee_id": world.committee_a.pk, "title": "鞍山四村百草园"}
    )
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    r = api.post(f"/api/projects/{pid}/stage", {"to_stage": "diagnosis"})
    assert r.status_code == 200
    body = r.json()
    assert body["stage"] == "diagnosis" and body["stage_label"] == "规划师把脉"
    assert [e["to_stage"] for e in body["timeline"]] == ["needs", "diagnosis"]


def test_refused_transition_is_a_4xx_with_a_chinese_reason(world):
    api = ApiClient(world.users.staff_a)
    project = project_create(actor=world.users.staff_a, committee=world.committee_a, title="花园")
    r = api.post(f"/api/projects/{project.pk}/stage", {"to_stage": "done"})
    assert r.status_code == 400
    assert "不能从“需求征集”直接进入“完成”" in r.json()["detail"]
    r = api.post(f"/api/projects/{project.pk}/stage", {"to_stage": "nonsense"})
    assert r.status_code == 400 and "目标阶段不存在" in r.json()["detail"]


def test_other_committee_cannot_see_or_touch_projects(world):
    project = project_create(
        actor=world.users.staff_a, committee=world.committee_a, title="睦邻客厅"
    )
    api_b = ApiClient(world.users.staff_b)
    assert api_b.get(f"/api/projects/{project.pk}").status_code == 404
    assert (
        api_b.post(f"/api/projects/{project.pk}/stage", {"to_stage": "diagnosis"}).status_code
        == 404
    )
    assert [p["id"] for p in api_b.get("/api/projects/").json()] == []
    r = api_b.post("/api/projects/", {"committee_id": world.committee_a.pk, "title": "越权"})
    assert r.status_code == 404


def test_resident_sees_but_cannot_change(world):
    project = project_create(
        actor=world.users.staff_a, committee=world.committee_a, title="中心花园"
    )
    api = ApiClient(world.users.resident_a)
    assert api.get(f"/api/projects/{project.pk}").status_code == 200
    r = api.post(f"/api/projects/{project.pk}/stage", {"to_stage": "diagnosis"})
    assert r.status_code == 403 and "无权" in r.json()["detail"]


def test_bad_payloads_are_422_in_chinese_and_write_nothing(world):
    api = ApiClient(world.users.staff_a)
    r = api.post("/api/projects/", {"committee_id": "abc", "title": "x"})
    assert r.status_code == 422 and "应为数字" in r.json()["detail"]
    r = api.post("/api/projects/", {"committee_id": world.committee_a.pk, "title": "长" * 81})
    assert r.status_code == 422 and "文字过长" in r.json()["detail"]
    r = api.post(
        "/api/projects/",
        {"committee_id": world.committee_a.pk, "title": "<script>alert(1)</script>"},
    )
    assert r.status_code == 400 and "脚本" in r.json()["detail"]
    assert api.get("/api/projects/").json() == []


def test_anonymous_gets_401(world):
    from django.test import Client

    r = Client().get("/api/projects/")
    assert r.status_code == 401 and "登录" in r.json()["detail"]
