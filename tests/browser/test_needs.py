"""Needs in a real browser: a resident scans a building QR code on a phone, submits a need
with a photo and supports another; staff merge two duplicates and publish the needs list
as a PDF (rendered to PNG with pdftoppm for a person to look at)."""

from __future__ import annotations

import subprocess

import pytest

from linli.needs import services
from linli.needs.models import Need, NeedsList, NeedSupport
from tests.browser.conftest import ARTIFACTS, shot
from tests.needs.conftest import image_bytes

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "linli-pass-2026"


def log_in(page, user, next_path: str):
    """Open the page anonymously (as after scanning a code), log in, come back to it."""
    page.goto(next_path)
    assert "/accounts/login/" in page.url
    if not page.locator("input[name=pw-password]").count():
        page.click("a.tab:has-text('密码登录')")
    page.fill("input[name=pw-mobile]", user.mobile)
    page.fill("input[name=pw-password]", PASSWORD)
    page.click("button[type=submit][value=password]")


@pytest.fixture
def seeded(world):

    staff = world.users.staff_a
    services.need_submit(actor=world.users.leader_a, committee=world.committee_a,
                         text="小区里希望多放几张座椅，老人散步走累了没地方坐", category="facilities")  # fmt: skip
    services.need_record_offline(actor=staff, committee=world.committee_a, text="车棚里电动车飞线充电，很危险",
                                 channel="visit", building=world.building_a, reporter_age_group="60_79",
                                 category="safety")  # fmt: skip
    services.need_record_offline(actor=staff, committee=world.committee_a, text="楼道灯坏了，晚上看不见",
                                 channel="meeting", meeting_kind="building_council",
                                 building=world.building_a, reporter_age_group="80_up")  # fmt: skip
    return world


def test_resident_scans_building_qr_submits_with_photo_and_supports_on_a_phone(
    seeded, phone, tmp_path
):
    world = seeded
    photo = tmp_path / "corridor.jpg"
    photo.write_bytes(image_bytes("JPEG", size=(3000, 2000), gps=True))
    scan = f"/needs/scan/building/{world.building_a.pk}/"
    log_in(phone, world.users.resident_a, scan)
    phone.wait_for_selector("text=您扫码的位置")
    assert phone.locator("#id_building").input_value() == str(world.building_a.pk)
    phone.fill("#id_text", "樓道燈壞了好幾天，老人上下樓看不見")
    phone.wait_for_selector("#dup-suggestions .dup-box")  # "someone already said this"
    shot(phone, "needs-phone-1-form-scanned")
    phone.select_option("#id_category", "housing")
    phone.set_input_files("#id_photos", str(photo))
    phone.click("details.location-picker summary")
    phone.locator("#pick-map").click(position={"x": 120, "y": 90})
    phone.wait_for_selector("text=已标出位置")
    phone.click("button:has-text('提交需求')")
    phone.wait_for_selector("text=谢谢！您的需求已提交")
    shot(phone, "needs-phone-2-submitted")
    need = Need.objects.get(text__startswith="樓道燈")
    assert need.building == world.building_a and need.photos.count() == 1
    assert need.lat is not None and need.lng is not None and need.compound == world.compound_a
    assert max(need.photos.get().width, need.photos.get().height) == 1600

    phone.goto(f"/needs/committee/{world.committee_a.pk}/")
    seats = Need.objects.get(text__startswith="小区里希望多放")
    card = phone.locator(f"#need-{seats.pk}")
    card.locator("button:has-text('我也需要')").click()
    card.locator("text=已支持").wait_for()
    shot(phone, "needs-phone-3-supported")
    assert NeedSupport.objects.filter(need=seats, user=world.users.resident_a).count() == 1
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page wider than the phone: {width}px"


def test_staff_merge_duplicates_and_publish_the_needs_list_pdf(seeded, desktop):
    world = seeded
    services.need_submit(actor=world.users.resident_a, committee=world.committee_a,
                         text="樓道燈壞了好幾天", building=world.building_a)  # fmt: skip
    log_in(desktop, world.users.staff_a, f"/needs/committee/{world.committee_a.pk}/triage/")
    desktop.wait_for_selector("text=可能重复")
    shot(desktop, "needs-desktop-1-triage")
    # the surest group first: the two corridor-light texts (the engine's shared words shown)
    cluster = desktop.locator("form.cluster").first
    assert "樓道燈壞了好幾天" in cluster.inner_text() and "楼道灯坏了" in cluster.inner_text()
    # nothing is pre-ticked: staff tick each need they have checked is the same
    assert cluster.locator("input.dup-pick:checked").count() == 0
    for box in cluster.locator("input.dup-pick").all():
        box.check()
    cluster.locator("button.merge-button").click()
    desktop.wait_for_selector("text=原话和支持者全部保留")
    merged = Need.objects.get(status="merged")
    assert {merged.text, merged.merged_into.text} == {"樓道燈壞了好幾天", "楼道灯坏了，晚上看不见"}
    shot(desktop, "needs-desktop-2-merged")

    desktop.click("button:has-text('按当前排序生成新一版需求清单')")
    desktop.wait_for_selector("text=第1版")
    desktop.click("button.publish-button")
    desktop.wait_for_selector("text=已公开")
    shot(desktop, "needs-desktop-3-list-published")
    lst = NeedsList.objects.get()
    assert lst.published_at and lst.entries[0]["texts"]
    pdf = desktop.request.get(f"/needs/list/{lst.pk}/pdf/")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    ARTIFACTS.mkdir(exist_ok=True)
    pdf_path = ARTIFACTS / "needs-list.pdf"
    pdf_path.write_bytes(pdf.body())
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            str(pdf_path),
            str(ARTIFACTS / "needs-list-pdf"),
        ],
        check=True,
    )
    assert list(ARTIFACTS.glob("needs-list-pdf*.png"))
    public = desktop.request.get(f"/needs/public/{lst.public_token}/")
    assert public.ok and "楼道灯坏了" in public.text()
