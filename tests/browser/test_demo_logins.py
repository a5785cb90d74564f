"""The demo district seen through a phone: committee staff and a resident log in (Chinese UI)."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.browser.conftest import shot

PASSWORD = "linli2026"
STAFF = "13800000004"  # 居委会工作人员 陈静, 抚顺路363弄居委会
RESIDENT = "13800000002"  # 居民 邵海, 安顺苑5号楼302室


@pytest.fixture
def demo(transactional_db):
    call_command("demo_district", "--scale", "small", verbosity=0)


def log_in(page, mobile: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_pw-mobile", mobile)
    page.fill("#id_pw-password", PASSWORD)
    page.click("button[value=password]")
    page.wait_for_load_state("networkidle")


def test_committee_staff_sees_their_workbench_in_chinese(demo, phone):
    log_in(phone, STAFF)
    body = phone.inner_text("body")
    assert "抚顺路363弄居委会" in body
    assert "项目" in body and "名册" in body
    assert phone.locator("html").get_attribute("lang") == "zh-CN"
    shot(phone, "demo-staff-workbench")


def test_resident_sees_their_flat_and_community_and_can_switch_to_large_text(demo, phone):
    log_in(phone, RESIDENT)
    body = phone.inner_text("body")
    assert "安顺苑" in body and "5号楼" in body
    assert "睦邻客厅" in body  # the community's project
    assert "****" in body or "138" not in body  # neighbours' numbers never shown in full
    shot(phone, "demo-resident-home")
    size_before = phone.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    with phone.expect_response(lambda r: "large-text" in r.url and r.request.method == "POST"):
        phone.click("form.large-text-toggle button")
    phone.reload()
    assert "large-text" in (phone.get_attribute("body", "class") or "")
    size_after = phone.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert size_after > size_before * 1.15
    shot(phone, "demo-resident-home-large-text")


def test_staff_of_one_committee_gets_a_chinese_404_for_another(demo, phone):
    from linli.places.models import Committee

    other = Committee.objects.exclude(name="抚顺路363弄居委会").first()
    log_in(phone, STAFF)
    response = phone.goto(f"/places/committee/{other.pk}/")
    assert response.status == 404
    assert "页面不存在" in phone.inner_text("body")
    shot(phone, "demo-staff-other-committee-404")
