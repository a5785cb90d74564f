"""Results: paper and online counted identically, cross-tabs, clustered text, rate, files, API."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from linli.places.models import Person
from linli.surveys import services
from linli.surveys.results import age_group, survey_results
from tests.api_client import ApiClient
from tests.surveys.helpers import answers, build_survey, resident_users

SETS = [
    dict(use="经常去", why=("散步", "锻炼"), rate=5, short="晚上太暗，希望多装路灯"),
    dict(
        use="偶尔去",
        why=("带孩子",),
        rate=3,
        rank=("座椅", "路灯", "健身器材"),
        short="希望增加路灯照明",
    ),
    dict(use="经常去", why=("散步",), rate=2, short="座椅太少了"),
]


def _strip(data):
    data = dict(data)
    for k in ("survey", "channels"):
        data.pop(k)
    for q in data["questions"]:
        q.pop("id")
    return data


def test_paper_and_online_are_counted_identically(world):
    people = resident_users(world)
    online, q1 = build_survey(world, title="线上")
    paper, q2 = build_survey(world, title="线上")  # same questionnaire, answered on paper
    for (person, user), kw in zip(people, SETS, strict=True):
        services.response_submit(actor=user, survey=online, answers=answers(q1, **kw))
        services.response_submit(
            actor=world.users.staff_a,
            survey=paper,
            answers=answers(q2, **kw),
            channel="paper",
            person=person,
        )
    a, b = survey_results(online), survey_results(paper)
    assert a["channels"] == {"online": 3, "paper": 0} and b["channels"] == {"online": 0, "paper": 3}
    assert _strip(a) == _strip(b)
    assert a["responses"] == 3 and a["audience"] == 3 and a["response_rate"] == 100.0
    use = a["questions"][0]
    assert use["rows"][0] == {"label": "经常去", "count": 2, "percent": 66.7}
    rate = a["questions"][2]
    assert rate["mean"] == 3.33
    assert {r["group"] for r in rate["crosstab"]["building"]["rows"]} == {"开鲁一村5号楼"}
    assert [r["label"] for r in a["questions"][3]["rows"]][0] == "路灯"
    clusters = a["questions"][5]["clusters"]
    assert clusters[0]["size"] == 2 and "路灯" in clusters[0]["representative"]


def test_age_groups_crosstab(world):
    people = resident_users(world)
    Person.objects.filter(name="王伟").update(birth_year=2000)
    s, q = build_survey(world)
    for (_person, user), kw in zip(people, SETS, strict=True):
        services.response_submit(actor=user, survey=s, answers=answers(q, **kw))
    rows = survey_results(s)["questions"][0]["crosstab"]["age"]["rows"]
    assert [r["group"] for r in rows] == ["30岁以下", "60–74岁"] or rows[0]["group"] == "30岁以下"
    assert sum(r["total"] for r in rows) == 3
    assert age_group(None, 2026) == "年龄未知" and age_group(1940, 2026) == "75岁及以上"


def test_pages_files_and_api_agree(world):
    people = resident_users(world)
    s, q = build_survey(world)
    for (_person, user), kw in zip(people[:2], SETS, strict=False):
        services.response_submit(actor=user, survey=s, answers=answers(q, **kw))
    staff = Client()
    staff.force_login(world.users.staff_a)
    html = staff.get(f"/surveys/{s.pk}/results/").content.decode()
    assert (
        "回收率" in html
        and "66.7%" in html
        and "按楼栋交叉分析" in html
        and "按年龄段交叉分析" in html
    )
    api = ApiClient(world.users.staff_a).get(f"/api/surveys/{s.pk}/results").json()
    assert api == survey_results(s)
    r = staff.get(f"/surveys/{s.pk}/responses.xlsx")
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws.max_row == 3  # header + one row per response
    assert ws.cell(1, 6).value.startswith("1. 您平时去中心花园吗")
    assert ws.cell(2, 3).value == "线上填写"
    pdf = staff.get(f"/surveys/{s.pk}/questionnaire.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    resident = Client()
    resident.force_login(world.users.resident_a)
    assert resident.get(f"/surveys/{s.pk}/responses.xlsx").status_code == 403
    r = resident.get(f"/surveys/{s.pk}/results/")
    assert r.status_code == 403 and "问卷结束后才能查看结果" in r.content.decode()
    assert ApiClient(world.users.resident_a).get(f"/api/surveys/{s.pk}/results").status_code == 403
    services.survey_set_status(actor=world.users.staff_a, survey=s, status="closed")
    assert resident.get(f"/surveys/{s.pk}/results/").status_code == 200
    res = ApiClient(world.users.resident_a).get(f"/api/surveys/{s.pk}/results").json()
    assert res["questions"] == api["questions"]
    other = Client()
    other.force_login(world.users.staff_b)
    assert other.get(f"/surveys/{s.pk}/results/").status_code == 404


@pytest.mark.parametrize("user", ["resident_b", "outsider"])
def test_out_of_scope_404(world, user):
    s, _ = build_survey(world)
    c = Client()
    c.force_login(getattr(world.users, user))
    assert c.get(f"/surveys/{s.pk}/").status_code == 404
    assert ApiClient(getattr(world.users, user)).get(f"/api/surveys/{s.pk}").status_code == 404
