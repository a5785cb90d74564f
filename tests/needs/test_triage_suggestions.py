"""Duplicate triage: the engine suggests, staff decide (nothing pre-ticked, no junk merges)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from linli.needs import services
from linli.needs.models import Need

pytestmark = pytest.mark.django_db


def _page(client, world) -> str:
    client.force_login(world.users.staff_a)
    response = client.get(reverse("needs:triage", args=[world.committee_a.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_no_suggested_duplicate_is_pre_ticked(world, client, resident_a2):
    a = services.need_submit(
        actor=world.users.resident_a, committee=world.committee_a, text="楼道灯坏了，晚上看不见"
    )
    b = services.need_submit(
        actor=resident_a2, committee=world.committee_a, text="樓道燈壞了好幾天"
    )
    page = _page(client, world)
    boxes = re.findall(r'<input type="checkbox" name="need"[^>]*>', page)
    assert len(boxes) == 2, boxes  # the pair is suggested …
    assert not any("checked" in box for box in boxes)  # … but nothing is ticked for staff
    assert "不会替您勾选" in page

    # submitting the suggestion untouched merges nothing and says why, in Chinese
    response = client.post(
        reverse("needs:merge", args=[world.committee_a.pk]), {"target": a.pk}, follow=True
    )
    assert "请至少选择一条要合并的重复需求" in response.content.decode()
    b.refresh_from_db()
    assert b.merged_into is None and b.status == Need.Status.OPEN

    # ticking both is what merges them
    client.post(
        reverse("needs:merge", args=[world.committee_a.pk]), {"need": [a.pk, b.pk], "target": a.pk}
    )
    b.refresh_from_db()
    assert b.merged_into == a
