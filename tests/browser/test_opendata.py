"""Open data on a phone, without logging in: from the footer to a street, a vote result and
the export; small counts read "<5"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.browser.conftest import shot
from tests.opendata.conftest import od  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_anonymous_resident_reads_open_data_on_a_phone(world, od, phone):  # noqa: F811
    phone.goto(reverse("accounts:login"))
    phone.click("footer a:has-text('开放数据')")
    phone.wait_for_url("**/open/")
    phone.click(f"a[href='{reverse('opendata:street', args=[world.street_a.pk])}']")
    phone.get_by_text("开鲁一村停车方案公示").wait_for()
    assert phone.get_by_text("尚未发布的草稿公示").count() == 0
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "opendata-street-phone")
    phone.click(f"a[href='{reverse('opendata:vote', args=[od.vote.pk])}']")
    table = phone.locator("table").inner_text()
    assert "<5" in table and "9" in table
    shot(phone, "opendata-vote-phone")
    phone.goto(reverse("opendata:dictionary"))
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "opendata-dictionary-phone")
    with phone.expect_download() as download:
        phone.goto(reverse("opendata:street", args=[world.street_a.pk]))
        phone.click("a:has-text('表决结果（CSV）')")
    text = open(download.value.path(), encoding="utf-8-sig").read()
    assert text.splitlines()[0].startswith("vote_id,committee,kind,title")
    assert "张建国" not in text
