"""Step 2 in a real browser: a planner logs a site visit, publishes two options in round 1,
a resident comments and rates on a phone, the planner answers and publishes round 2 with a
change note, and the comparison page shows both rounds on a phone."""

from __future__ import annotations

import datetime

import pytest

from linli.planning import services
from linli.planning.models import DesignRound, OptionComment, OptionRating, WorkLog
from linli.projects.services import project_create
from tests.browser.conftest import shot
from tests.needs.conftest import image_bytes

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "linli-pass-2026"


def log_in(page, user, next_path: str):
    page.goto(next_path)
    assert "/accounts/login/" in page.url
    if not page.locator("input[name=pw-password]").count():
        page.click("a.tab:has-text('密码登录')")
    page.fill("input[name=pw-mobile]", user.mobile)
    page.fill("input[name=pw-password]", PASSWORD)
    page.click("button[type=submit][value=password]")


def add_option(page, label, description, costs, photo=None):
    if not page.locator("#option-form").is_visible():
        page.click("details:has(#option-form) summary")
    page.fill("#id_label", label)
    page.fill("#id_description", description)
    names = page.locator("#option-form input[name=cost_name]")
    amounts = page.locator("#option-form input[name=cost_amount]")
    for i, (name, amount) in enumerate(costs):
        names.nth(i).fill(name)
        amounts.nth(i).fill(amount)
    if photo:
        page.set_input_files("#id_files", str(photo))
    page.click("#option-form button[type=submit]")
    page.wait_for_selector("text=方案已保存")


def test_site_visit_two_rounds_feedback_and_phone_comparison(world, desktop, phone, tmp_path):
    u = world.users
    planner = services.planner_add(actor=u.district, district=world.district, name="林老师",
                                   profession="landscape", user=u.planner_a)  # fmt: skip
    services.planner_pair(actor=u.street_a, planner=planner, street=world.street_a)
    project = project_create(actor=u.staff_a, committee=world.committee_a, title="中心花园微更新")
    photo = tmp_path / "site.jpg"
    photo.write_bytes(image_bytes("JPEG", size=(1200, 900)))

    # the planner logs a site visit with a photo
    log_in(desktop, u.planner_a, f"/planning/committee/{world.committee_a.pk}/log/")
    desktop.fill("#id_place", "开鲁一村中心花园")
    desktop.fill("#id_people", "楼组长王阿姨、居民代表3人")
    desktop.fill("#id_findings", "铺地破损，缺少座椅；老人多，儿童活动空间不足")
    desktop.set_input_files("#id_photos", str(photo))
    desktop.click("#worklog-form button[type=submit]")
    desktop.wait_for_selector("text=工作日志已保存")
    assert WorkLog.objects.get().photos.count() == 1
    shot(desktop, "planning-1-worklog")

    # round 1: two options, published to building A
    desktop.goto(f"/planning/project/{project.pk}/")
    desktop.select_option("#id_buildings", str(world.building_a.pk))
    desktop.click("#round-form button[type=submit]")
    add_option(desktop, "方案A：口袋花园", "保留两棵大树，沿路增加六张座椅",
               [("座椅", "1200"), ("花箱", "800.50")], photo)  # fmt: skip
    add_option(desktop, "方案B：儿童角", "软质铺地和小滑梯", [("铺地", "5000")])
    desktop.click("#publish")
    desktop.wait_for_selector("text=第1轮方案已发布")
    shot(desktop, "planning-2-round1-published")

    # a resident of building A rates and comments on a phone
    log_in(phone, u.resident_a, f"/planning/project/{project.pk}/")
    opt_a = DesignRound.objects.get(number=1).options.get(label="方案A：口袋花园")
    opt_b = DesignRound.objects.get(number=1).options.get(label="方案B：儿童角")
    phone.locator(f"#option-{opt_a.pk} button[name=score][value='4']").click()
    phone.wait_for_selector("text=谢谢您的评分")
    phone.fill(f"#c-{opt_b.pk}", "滑梯离一楼窗户太近，会吵")
    phone.locator(f"#option-{opt_b.pk} form:has(textarea) button[type=submit]").click()
    phone.wait_for_selector("text=意见已提交")
    phone.evaluate("window.scrollTo(0, 0)")
    shot(phone, "planning-3-resident-feedback-phone")
    assert OptionRating.objects.get(option=opt_a, user=u.resident_a).score == 4
    assert OptionComment.objects.get(option=opt_b).text.startswith("滑梯")

    # the planner answers and publishes round 2 with a change note
    desktop.goto(f"/planning/project/{project.pk}/")
    desktop.fill(f"#option-{opt_b.pk} input[name=reply]", "第二轮已把滑梯移到北侧")
    desktop.locator(f"#option-{opt_b.pk} form:has(input[name=reply]) button").click()
    desktop.wait_for_selector("text=规划师答复：第二轮已把滑梯移到北侧")
    desktop.fill("#id_change_note", "根据居民意见，滑梯移到北侧，远离住户窗户")
    desktop.click("#round-form button[type=submit]")
    desktop.wait_for_selector("text=第2轮（草稿）")
    desktop.click("#publish")
    desktop.wait_for_selector("text=第2轮方案已发布")
    assert DesignRound.objects.filter(status="published").count() == 2

    # the comparison page on the phone shows both rounds
    phone.goto(f"/planning/project/{project.pk}/compare/")
    phone.wait_for_selector("#compare-round-1")
    phone.wait_for_selector("#compare-round-2 >> text=滑梯移到北侧")
    assert phone.locator("#compare-round-1 >> text=2,000.50").count() == 1
    shot(phone, "planning-4-compare-phone")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page wider than the phone: {width}px"
    assert datetime.date.today() == WorkLog.objects.get().date


def test_profile_pyramid_and_life_circle_map_on_a_phone(world, phone):
    from decimal import Decimal

    from linli.engine.lifecircle import offset
    from linli.places.models import Facility

    b = world.building_a
    b.lat, b.lng = Decimal("31.290000"), Decimal("121.520000")
    b.save()
    lat, lng = offset(31.29, 121.52, east_m=300)
    Facility.objects.create(street=world.street_a, kind="elderly_care", name="长者照护之家",
                            lat=Decimal(f"{lat:.6f}"), lng=Decimal(f"{lng:.6f}"))  # fmt: skip
    errors = []
    phone.on("pageerror", lambda e: errors.append(str(e)))
    log_in(phone, world.users.staff_a, f"/planning/committee/{world.committee_a.pk}/profile/")
    phone.wait_for_load_state("load")
    assert errors == []
    phone.wait_for_selector("#pyramid[data-ready='1'] svg")
    phone.wait_for_selector("#lc-map[data-ready='1']")
    assert phone.locator("#n-residents").inner_text() == "3"
    assert "幼儿园" in phone.locator("#lc-gaps").inner_text()
    shot(phone, "planning-5-profile-phone")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
