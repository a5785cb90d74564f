"""The same rules through the pages and the API: same Chinese refusal, 4xx, nothing changed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linli.audit.models import AuditEvent
from linli.process.models import Conflict, DistrictProcessConfig, ProjectDecision
from linli.projects.models import Project
from tests.factories import make_user
from tests.process.helpers import decide, held_meeting, party_meeting


def _api(client, user):
    from linli.accounts.services import api_token_create

    _token, key = api_token_create(actor=user, name="测试")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_refusal_is_the_same_on_the_page_and_the_api(client, world, at_decision):
    staff = world.users.staff_a
    party_meeting(staff, at_decision)
    client.force_login(staff)
    page = client.post(
        reverse("projects:change_stage", args=[at_decision.pk]), {"to_stage": "funding"}
    )
    assert page.status_code == 409
    html = page.content.decode()
    message = (
        "离开“方案与决策”前须有居民会议或居民代表会议的决议；尚未登记决定本项目的表决结果或会议纪要"
    )
    assert message in html
    # the checklist on the same page names the rule and links where to do it
    assert "决定在先、公示期满" in html and f"/process/projects/{at_decision.pk}/" in html
    r = client.post(
        f"/api/projects/{at_decision.pk}/stage",
        {"to_stage": "funding"},
        content_type="application/json",
        **_api(client, staff),
    )
    assert r.status_code == 409
    body = r.json()
    assert body["detail"] == message and body["code"] == "guard"
    assert body["errors"][0]["guard"] == "process.decision"
    assert body["errors"][0]["link"] == f"/process/projects/{at_decision.pk}/"
    assert body["errors"][0]["rule"] == "决定在先、公示期满"
    assert Project.objects.get(pk=at_decision.pk).stage == "decision"


def test_process_page_links_a_decision_and_moves_on(client, world, at_decision):
    staff = world.users.staff_a
    party_meeting(staff, at_decision)
    m = held_meeting(staff, at_decision, "representatives", days_ago=20)
    res = m.minutes.resolutions.get()
    client.force_login(staff)
    url = reverse("process:project", args=[at_decision.pk])
    html = client.get(url).content.decode()
    assert "尚未登记决定" in html and f"res:{res.pk}" in html
    # the project page shows the section that leads here
    detail = client.get(reverse("projects:detail", args=[at_decision.pk])).content.decode()
    assert "规范流程：来源、决定与矛盾" in detail and url in detail
    bad = client.post(reverse("process:decision", args=[at_decision.pk]), {"record": "res:999999"})
    assert bad.status_code == 400 and "所选记录不存在或不属于本项目" in bad.content.decode()
    ok = client.post(
        reverse("process:decision", args=[at_decision.pk]), {"record": f"res:{res.pk}"}
    )
    assert ok.status_code == 302
    assert ProjectDecision.objects.get(project=at_decision).resolution == res
    html = client.get(url).content.decode()
    assert "尚未公示" in html  # the next missing record, with a link to publish it
    assert f"subject=deliberation.minutes:{m.minutes.pk}" in html


def test_process_pages_refuse_other_roles(client, world, at_decision):
    url = reverse("process:project", args=[at_decision.pk])
    client.force_login(world.users.staff_b)
    assert client.get(url).status_code == 404
    client.force_login(world.users.resident_a)
    assert client.get(url).status_code == 200  # residents read the checklist
    assert (
        client.post(reverse("process:decision", args=[at_decision.pk]), {"record": "x"}).status_code
        == 403
    )
    assert client.get(reverse("process:conflict_new", args=[at_decision.pk])).status_code == 403
    assert not ProjectDecision.objects.exists()


def test_conflict_pages(client, world, at_decision):
    from linli.notices.services import notice_create, objection_lodge

    staff = world.users.staff_a
    notice = notice_create(
        actor=staff, committee=world.committee_a, kind="plan", title="方案公示", body="方案",
        project=at_decision, publish=True,
    )  # fmt: skip
    objection_lodge(actor=world.users.resident_a, notice=notice, reason="占用绿地")
    client.force_login(staff)
    new = reverse("process:conflict_new", args=[at_decision.pk])
    r = client.post(new, {"cause": "objections", "notice": notice.pk, "description": ""})
    assert r.status_code == 400 and "请填写情况说明" in r.content.decode()
    r = client.post(new, {"cause": "objections", "notice": notice.pk, "description": "x" * 2001})
    assert r.status_code == 400 and not Conflict.objects.exists()
    r = client.post(new, {"cause": "objections", "notice": notice.pk, "description": "<b>反对</b>"})
    assert r.status_code == 302
    conflict = Conflict.objects.get()
    html = client.get(reverse("process:project", args=[at_decision.pk])).content.decode()
    assert "&lt;b&gt;反对&lt;/b&gt;" in html and "未化解" in html
    resolve = reverse("process:conflict_resolve", args=[conflict.pk])
    building = held_meeting(staff, at_decision, "building", days_ago=1)
    r = client.post(resolve, {"meeting": building.pk, "resolution": "调整"})
    assert r.status_code == 400  # not a conflict meeting: not even offered
    coord = held_meeting(staff, at_decision, "hearing", days_ago=1)
    assert client.post(resolve, {"meeting": coord.pk, "resolution": "调整选址"}).status_code == 302
    conflict.refresh_from_db()
    assert conflict.meeting == coord and not conflict.is_open


def test_district_page_and_api_toggle_party_first(client, world, at_decision):
    admin = world.users.district
    url = reverse("process:district", args=[world.district.pk])
    for user in (world.users.street_a, world.users.staff_a):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(admin)
    home = client.get(reverse("places:district", args=[world.district.pk])).content.decode()
    assert url in home
    html = client.get(url).content.decode()
    assert "党员先知晓、先协商、先统一" in html and "决定在先、公示期满" in html
    assert client.post(url, {}).status_code == 302  # unticked: off
    assert DistrictProcessConfig.objects.get().party_first is False
    assert AuditEvent.objects.filter(action="process.configure").count() == 1
    headers = _api(client, admin)
    r = client.get(f"/api/process/districts/{world.district.pk}", **headers)
    assert r.status_code == 200 and r.json()["party_first"] is False
    keys = {x["key"]: x for x in r.json()["rules"]}
    assert keys["process.party_first"]["configurable"] and not keys["process.party_first"]["on"]
    r = client.put(
        f"/api/process/districts/{world.district.pk}",
        {"party_first": True},
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 200 and DistrictProcessConfig.objects.get().party_first is True
    r = client.put(
        f"/api/process/districts/{world.district.pk}",
        {"party_first": False},
        content_type="application/json",
        **_api(client, world.users.street_a),
    )
    assert r.status_code == 404 and DistrictProcessConfig.objects.get().party_first is True


def test_api_links_decision_and_conflicts(client, world, at_decision):
    staff = world.users.staff_a
    headers = _api(client, staff)
    base = f"/api/process/projects/{at_decision.pk}"
    r = client.get(base, **headers)
    assert r.status_code == 200
    rules = {x["key"]: x for x in r.json()["next_move"]}
    assert rules["process.decision"]["ok"] is False
    assert rules["process.party_first"]["who"] == "居民区党组织"
    building = held_meeting(staff, at_decision, "building", days_ago=3)
    r = client.post(
        f"{base}/decision",
        {"resolution_id": building.minutes.resolutions.get().pk},
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 400 and "不是决定项目的会议" in r.json()["detail"]
    m, _notice = decide(staff, at_decision)
    r = client.get(base, **headers)
    rules = {x["key"]: x for x in r.json()["next_move"]}
    assert rules["process.decision"]["ok"] and rules["process.party_first"]["ok"]
    assert r.json()["decision"]["resolution_id"] == m.minutes.resolutions.get().pk
    # conflicts through the API
    r = client.post(
        f"{base}/conflicts",
        {"cause": "failed_vote", "description": "表决未通过"},
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 400 and "须选择该表决" in r.json()["detail"]
    other = make_user("committee_staff", world.committee_b)
    r = client.get(base, **_api(client, other))
    assert r.status_code == 404


@pytest.mark.parametrize("origin,extra,error", [
    ("government", {}, "政府实事项目须填写委托的职能部门"),
    ("needs", {}, "来源为居民需求的项目须关联至少一条需求"),
])  # fmt: skip
def test_create_form_origin_rules(client, world, origin, extra, error):
    client.force_login(world.users.staff_a)
    r = client.post(
        reverse("projects:create"),
        {"committee": world.committee_a.pk, "title": "口袋公园", "origin": origin, **extra},
    )
    assert r.status_code == 400 and error in r.content.decode()
    assert not Project.objects.exists()


def test_create_from_workbench_links_needs(client, world):
    from linli.needs.services import need_submit

    need = need_submit(actor=world.users.resident_a, committee=world.committee_a, text="楼道灯坏了")
    client.force_login(world.users.staff_a)
    form = client.get(reverse("projects:create") + f"?committee={world.committee_a.pk}")
    assert "楼道灯坏了" in form.content.decode()
    r = client.post(
        reverse("projects:create"),
        {
            "committee": world.committee_a.pk, "title": "楼道灯", "origin": "needs",
            "needs": [need.pk], "kind": "corridor", "owners_rights": "none",
        },
    )  # fmt: skip
    assert r.status_code == 302
    need.refresh_from_db()
    assert need.project.title == "楼道灯" and need.project.origin == "needs"
    edit = reverse("projects:edit", args=[need.project.pk])
    r = client.post(edit, {"title": "楼道灯", "origin": "government"})
    assert r.status_code == 400 and "须填写委托的职能部门" in r.content.decode()
    r = client.post(
        edit,
        {"title": "楼道灯", "origin": "government", "origin_department": "区房管局",
         "owners_rights": "maintenance_fund", "kind": "corridor"},
    )  # fmt: skip
    assert r.status_code == 302
    p = Project.objects.get(pk=need.project.pk)
    assert p.owners_rights == "maintenance_fund" and p.origin_department == "区房管局"
    client.force_login(world.users.resident_a)
    assert client.post(edit, {"title": "x"}).status_code == 403


def test_api_create_with_origin_and_needs(client, world):
    from linli.needs.services import need_submit

    staff = world.users.staff_a
    headers = _api(client, staff)
    need = need_submit(actor=world.users.resident_a, committee=world.committee_a, text="路灯坏了")
    r = client.post(
        "/api/projects/",
        {"committee_id": world.committee_a.pk, "title": "路灯", "origin": "government"},
        content_type="application/json",
        **headers,
    )
    assert r.status_code == 400 and "委托的职能部门" in r.json()["detail"]
    r = client.post(
        "/api/projects/",
        {"committee_id": world.committee_a.pk, "title": "路灯", "origin": "needs",
         "need_ids": [need.pk], "owners_rights": "common_parts", "kind": "path"},
        content_type="application/json",
        **headers,
    )  # fmt: skip
    assert r.status_code == 201
    out = r.json()
    assert out["need_ids"] == [need.pk] and out["owners_rights"] == "common_parts"
