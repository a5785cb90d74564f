"""Survey pages and API: build, answer on the phone, paper entry, refusals as 4xx."""

from __future__ import annotations

from django.test import Client

from linli.places.models import Person
from linli.surveys.models import Response, Survey
from tests.api_client import ApiClient
from tests.surveys.helpers import answers, build_survey


def login(user):
    c = Client()
    c.force_login(user)
    return c


def test_staff_builds_survey_through_pages(world):
    c = login(world.users.staff_a)
    r = c.post(
        "/surveys/new/",
        {"committee": world.committee_a.pk, "title": "", "scope": "committee", "unit": "resident"},
    )
    assert r.status_code == 400 and "请填写问卷标题" in r.content.decode()
    r = c.post(
        "/surveys/new/",
        {
            "committee": world.committee_a.pk,
            "title": "楼道整治",
            "scope": "building",
            "building": world.building_a.pk,
            "unit": "household",
        },
    )
    s = Survey.objects.get()
    assert r.status_code == 302 and s.building == world.building_a and s.unit == "household"
    r = c.post(
        f"/surveys/{s.pk}/questions/",
        {
            "kind": "single",
            "text": "是否同意",
            "options": "同意\n不同意",
            "skip": "不同意=3",
            "required": "on",
        },
    )
    assert r.status_code == 302
    r = c.post(
        f"/surveys/{s.pk}/questions/",
        {"kind": "single", "text": "x", "options": "a", "required": "on"},
    )
    assert r.status_code == 400 and "两个选项" in r.content.decode()
    r = c.post(f"/surveys/{s.pk}/questions/", {"kind": "short", "text": "原因", "skip": "乱写"})
    assert r.status_code == 400 and "跳题规则格式" in r.content.decode()
    c.post(f"/surveys/{s.pk}/questions/", {"kind": "long", "text": "建议"})
    assert [q.position for q in s.questions.all()] == [1, 2]
    assert login(world.users.resident_a).get(f"/surveys/{s.pk}/").status_code == 404  # draft
    c.post(f"/surveys/{s.pk}/status/", {"status": "open"})
    r = c.post(f"/surveys/{s.pk}/questions/", {"kind": "long", "text": "晚了"})
    assert r.status_code == 409
    assert "打印问卷" in c.get(f"/surveys/{s.pk}/").content.decode()
    assert "楼道整治" in c.get("/surveys/").content.decode()


def test_resident_answers_and_paper_entry(world):
    s, q = build_survey(world)
    resident = login(world.users.resident_a)
    page = resident.get(f"/surveys/{s.pk}/").content.decode()
    assert "提交问卷" in page and "您平时去中心花园吗" in page
    post = {
        f"q{q['use'].pk}": "经常去",
        f"q{q['why'].pk}": ["散步", "锻炼"],
        f"q{q['rate'].pk}": "4",
        f"q{q['rank'].pk}_0": "2",
        f"q{q['rank'].pk}_1": "1",
        f"q{q['rank'].pk}_2": "3",
        f"q{q['matrix'].pk}_r0": "好",
        f"q{q['matrix'].pk}_r1": "差",
        f"q{q['short'].pk}": "多装路灯",
    }
    bad = dict(post, **{f"q{q['rank'].pk}_2": "2"})
    r = resident.post(f"/surveys/{s.pk}/answer/", bad)
    assert r.status_code == 400 and "名次" in r.content.decode()
    r = resident.post(f"/surveys/{s.pk}/answer/", post)
    assert r.status_code == 302
    resp = Response.objects.get()
    vals = {a.question.position: a.value for a in resp.answers.select_related("question")}
    assert vals[4] == ["路灯", "座椅", "健身器材"] and vals[5] == {"绿化": "好", "卫生": "差"}
    assert "您已于" in resident.get(f"/surveys/{s.pk}/").content.decode()
    r = resident.post(f"/surveys/{s.pk}/answer/", post)
    assert r.status_code == 409 and "已经提交过" in r.content.decode()

    staff = login(world.users.staff_a)
    assert "王伟" in staff.get(f"/surveys/{s.pk}/paper/").content.decode()
    wang = Person.objects.get(name="王伟")
    r = staff.post(f"/surveys/{s.pk}/paper/", dict(post, person=wang.pk))
    assert r.status_code == 302
    assert Response.objects.get(person=wang).channel == "paper"
    r = staff.post(f"/surveys/{s.pk}/paper/", dict(post, person=""))
    assert r.status_code == 400 and "请选择填答的居民" in r.content.decode()
    assert resident.get(f"/surveys/{s.pk}/paper/").status_code == 403
    staff.post(f"/surveys/{s.pk}/status/", {"status": "closed"})
    r = staff.post(f"/surveys/{s.pk}/paper/", dict(post, person=wang.pk))
    assert r.status_code == 403
    r = Client().post(f"/surveys/{s.pk}/answer/", post)
    assert r.status_code == 401 and "请先登录" in r.content.decode()
    assert Response.objects.count() == 2


def test_api_build_answer_and_refuse(world):
    staff = ApiClient(world.users.staff_a)
    r = staff.post(
        "/api/surveys/",
        {"committee_id": world.committee_a.pk, "title": "API 问卷", "unit": "household"},
    )
    assert r.status_code == 201
    sid = r.json()["id"]
    r = staff.post(f"/api/surveys/{sid}/questions", {"kind": "rating", "text": "满意度"})
    qid = r.json()["id"]
    r = staff.post(f"/api/surveys/{sid}/questions", {"kind": "bogus", "text": "x"})
    assert r.status_code == 400 and "题型" in r.json()["detail"]
    staff.post(f"/api/surveys/{sid}/status", {"status": "open"})
    resident = ApiClient(world.users.resident_a)
    r = resident.post(f"/api/surveys/{sid}/responses", {"answers": {str(qid): 9}})
    assert r.status_code == 400 and "1 到 5" in r.json()["detail"]
    r = resident.post(f"/api/surveys/{sid}/responses", {"answers": {str(qid): 5}})
    assert r.status_code == 201 and r.json()["channel"] == "online"
    r = resident.post(f"/api/surveys/{sid}/responses", {"answers": {str(qid): 4}})
    assert r.status_code == 409 and "该住户已经提交过" in r.json()["detail"]
    res = staff.get(f"/api/surveys/{sid}/results").json()
    assert res["responses"] == 1 and res["audience"] == 2 and res["questions"][0]["mean"] == 5
    staff.post(f"/api/surveys/{sid}/status", {"status": "closed"})
    hh = world.flat_a2.households.get().pk
    r = staff.post(
        f"/api/surveys/{sid}/responses",
        {"answers": {str(qid): 4}, "channel": "paper", "household_id": hh},
    )
    assert r.status_code == 409 and "已结束" in r.json()["detail"]
    assert Client().post(f"/api/surveys/{sid}/responses", {}).status_code == 401


def test_api_paper_entry_counts_like_online(world):
    s, q = build_survey(world)
    staff = ApiClient(world.users.staff_a)
    wang = Person.objects.get(name="王伟")
    payload = {
        "answers": {str(k): v for k, v in answers(q).items()},
        "channel": "paper",
        "person_id": wang.pk,
    }
    assert staff.post(f"/api/surveys/{s.pk}/responses", payload).status_code == 201
    assert staff.post(f"/api/surveys/{s.pk}/responses", payload).status_code == 409
    zhao = Person.objects.get(name="赵敏")
    r = staff.post(f"/api/surveys/{s.pk}/responses", dict(payload, person_id=zhao.pk))
    assert r.status_code == 404


def test_leader_paper_page_lists_own_building(world):
    from tests.factories import BuildingFactory, flat_with_people

    other = BuildingFactory(compound=world.compound_a, number="6号楼")
    flat_with_people(other, "101", 1, "60.00", ["钱六"])
    s, _ = build_survey(world)
    c = login(world.users.leader_a)
    assert "录入本楼纸质问卷" in c.get(f"/surveys/{s.pk}/").content.decode()
    html = c.get(f"/surveys/{s.pk}/paper/").content.decode()
    assert "王伟" in html and "钱六" not in html
    assert "钱六" in login(world.users.staff_a).get(f"/surveys/{s.pk}/paper/").content.decode()
