"""A resident answers a survey on a phone (with skip logic); staff see the charts."""

from __future__ import annotations

from linli.surveys.models import Response
from tests.browser.conftest import log_in as login_page
from tests.browser.conftest import shot
from tests.surveys.helpers import build_survey, resident_users


def test_resident_answers_survey_on_phone(transactional_db, world, phone, live_server):
    s, q = build_survey(world)
    login_page(phone, live_server, world.users.resident_a)
    phone.goto(f"/surveys/{s.pk}/")
    shot(phone, "survey-phone-form")
    # Submitting without answers: a clear Chinese message, nothing saved
    phone.get_by_role("button", name="提交问卷").click()
    assert "以下必答题尚未作答" in phone.content()
    assert not Response.objects.exists()
    phone.go_back()
    phone.reload()
    # skip logic: "从不去" hides questions 2 and 3
    phone.get_by_label("从不去").check()
    assert phone.locator("#sq2").is_hidden() and phone.locator("#sq3").is_hidden()
    phone.get_by_label("经常去").check()
    assert phone.locator("#sq2").is_visible()
    phone.get_by_label("散步").check()
    phone.get_by_label("锻炼").check()
    phone.locator("#sq3 label", has_text="4").click()
    for i, rank in enumerate(["2", "1", "3"]):
        phone.fill(f"input[name=q{q['rank'].pk}_{i}]", rank)
    phone.get_by_label("绿化：好").check()
    phone.get_by_label("卫生：一般").check()
    phone.fill(f"input[name=q{q['short'].pk}]", "希望晚上多装几盏路灯")
    shot(phone, "survey-phone-filled")
    phone.get_by_role("button", name="提交问卷").click()
    assert phone.locator("#answered").is_visible()
    shot(phone, "survey-phone-submitted")
    r = Response.objects.get()
    vals = {a.question.position: a.value for a in r.answers.select_related("question")}
    assert vals == {
        1: "经常去",
        2: ["散步", "锻炼"],
        3: 4,
        4: ["路灯", "座椅", "健身器材"],
        5: {"绿化": "好", "卫生": "一般"},
        6: "希望晚上多装几盏路灯",
    }


def test_results_charts_render(transactional_db, world, phone, live_server):
    from linli.surveys import services
    from tests.surveys.helpers import answers

    s, q = build_survey(world)
    for _person, user in resident_users(world):
        services.response_submit(actor=user, survey=s, answers=answers(q, short="多装路灯"))
    login_page(phone, live_server, world.users.staff_a)
    phone.goto(f"/surveys/{s.pk}/results/")
    phone.wait_for_selector("[data-chart].ready svg")
    assert phone.locator("[data-chart].ready").count() == 3
    assert phone.locator("#rate").inner_text() == "100.0%"
    phone.locator("#r1 summary", has_text="按楼栋").click()
    shot(phone, "survey-phone-results")


def test_staff_builds_and_publishes_on_desktop(transactional_db, world, desktop, live_server):
    login_page(desktop, live_server, world.users.staff_a)
    desktop.goto("/surveys/new/")
    desktop.fill("#id_title", "楼道堆物整治意见")
    desktop.select_option("#id_scope", "building")
    desktop.select_option("#id_building", str(world.building_a.pk))
    desktop.select_option("#id_unit", "household")
    desktop.get_by_role("button", name="创建").click()
    desktop.select_option("#id_kind", "single")
    desktop.fill("#id_qtext", "您家楼道有堆物吗？")
    desktop.fill("#id_options", "有\n没有")
    desktop.fill("#id_skip", "没有=3")
    desktop.get_by_role("button", name="添加").click()
    desktop.select_option("#id_kind", "long")
    desktop.fill("#id_qtext", "您觉得应该怎么清理？")
    desktop.get_by_role("button", name="添加").click()
    desktop.select_option("#id_kind", "rating")
    desktop.fill("#id_qtext", "您对楼道环境的满意度")
    desktop.get_by_role("button", name="添加").click()
    assert "选“没有”跳到第3题" in desktop.content()
    shot(desktop, "survey-desktop-builder")
    desktop.get_by_role("button", name="发布问卷").click()
    assert desktop.locator("#survey-status").inner_text() == "收集中"
    with desktop.expect_download() as dl:
        desktop.get_by_role("link", name="导出答卷（Excel）").click()
    assert dl.value.suggested_filename.endswith(".xlsx")
    r = desktop.request.get(desktop.url + "questionnaire.pdf")
    assert r.ok and r.body().startswith(b"%PDF")
