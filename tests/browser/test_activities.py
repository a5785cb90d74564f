"""An activity in a real browser: a resident finds a workshop in 等您参与 on the phone
(390×844), signs up, and is checked in by scanning the QR code the organiser shows; the
street's check-in records (participation) rise by one."""

from __future__ import annotations

import datetime

from django.utils import timezone

from linli.activities.models import ActivityCheckin, ActivitySignup
from linli.activities.services import activity_create
from tests.browser.conftest import log_in, shot
from tests.partners.conftest import build_org


def test_resident_signs_up_on_phone_and_checks_in_by_qr(
    transactional_db, world, desktop, phone, live_server
):
    org = build_org(world)
    start = timezone.now() + datetime.timedelta(minutes=30)
    workshop = activity_create(
        actor=org.secretary,
        street=world.street_a,
        kind="workshop",
        title="开鲁一村口袋花园设计工作坊",
        description="一起画出楼下口袋花园的样子。",
        organiser="partner_committee",
        partner_committee=org.committees["planning"],
        compound=world.compound_a,
        place="睦邻客厅",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        capacity=20,
    )
    resident = world.users.resident_a
    before = ActivityCheckin.objects.filter(activity__street=world.street_a).count()

    # the resident sees the workshop in 等您参与 and signs up on the phone
    log_in(phone, live_server, resident)
    phone.goto("/")
    phone.get_by_role("link", name="工作坊：开鲁一村口袋花园设计工作坊").click()
    phone.locator("#signup-button").wait_for()
    shot(phone, "activity-phone-detail")
    phone.fill("#id_note", "带孩子一起")
    phone.locator("#signup-button").click()
    phone.locator("#signed-up").wait_for()
    assert "您已报名" in phone.locator("#signed-up").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "activity-phone-signed-up")
    assert ActivitySignup.objects.get(activity=workshop, user=resident).note == "带孩子一起"

    # the organiser (secretariat) shows the QR code
    log_in(desktop, live_server, org.secretary)
    desktop.goto(f"/activities/{workshop.pk}/")
    assert desktop.locator("#qr svg").is_visible()
    checkin_url = desktop.locator("#checkin-link").get_attribute("href")
    shot(desktop, "activity-organiser-qr")

    # the resident scans it and confirms
    phone.goto(checkin_url)
    phone.get_by_role("button", name="确认签到").click()
    phone.locator("#checked-in").wait_for()
    assert "签到成功" in phone.locator("#checked-in").inner_text()
    shot(phone, "activity-phone-checked-in")
    after = ActivityCheckin.objects.filter(activity__street=world.street_a).count()
    assert after == before + 1
    c = ActivityCheckin.objects.get(activity=workshop)
    assert (c.user_id, c.channel) == (resident.pk, "online")

    # a forged code is refused and counts nothing
    phone.goto(checkin_url[:-3] + "abc")
    assert "签到二维码无效或已过期" in phone.content()
    assert ActivityCheckin.objects.filter(activity__street=world.street_a).count() == after

    # the organiser's list shows the sign-in
    desktop.reload()
    assert resident.name in desktop.locator("#checkins").inner_text()
