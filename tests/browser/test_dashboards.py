"""The street dashboard on a phone: charts drawn by ECharts from json_script, tables beside
them, a figure's records one tap away."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from linli.deliberation import services as meetings
from linli.projects.services import project_create
from tests.browser.conftest import log_in, shot

pytestmark = pytest.mark.django_db(transaction=True)


def test_street_dashboard_on_a_phone(phone, live_server, world):
    u = world.users
    for i, kind in enumerate(["residents", "representatives", "joint"]):
        m = meetings.meeting_create(
            actor=u.staff_a, committee=world.committee_a, kind=kind, title=f"会议{i}",
            convener="committee", starts_at=timezone.now() + datetime.timedelta(hours=1),
            expected_count=10,
        )  # fmt: skip
        meetings.meeting_sign_in(actor=u.staff_a, meeting=m, name=f"居民{i}")
    project_create(actor=u.staff_a, committee=world.committee_a, title="口袋花园<b>提案</b>",
                   kind="garden", origin="partner")  # fmt: skip
    log_in(phone, live_server, u.street_a)
    phone.goto(f"/places/street/{world.street_a.pk}/")
    phone.get_by_role("link", name="数据看板与年度报告").click()
    phone.wait_for_selector("[data-dash-chart='meetings'].ready svg")
    assert phone.locator("[data-dash-chart].ready").count() >= 4
    assert phone.locator(".stat-n").first.is_visible()
    shot(phone, "dashboard-street-phone")
    # no horizontal scrolling on a phone
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1
    phone.locator("a.stat", has_text="规划提案").click()
    phone.wait_for_selector("text=社区合伙人提案")
    assert "口袋花园<b>提案</b>" in phone.locator("main, body").first.inner_text()
    shot(phone, "dashboard-street-records-phone")
