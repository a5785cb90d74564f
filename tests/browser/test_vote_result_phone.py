"""The result of a closed, open-ballot vote on a 390 px phone: the per-household table is
stacked into cards (意见 and 渠道 visible without scrolling sideways), the resident sees
"您的选票已计入", and the digests stay folded until asked for (issue 11)."""

from __future__ import annotations

from linli.voting import services
from tests.browser.conftest import shot
from tests.browser.test_voting import estate, login_page, owners_vote  # noqa: F401


def test_result_table_fits_a_phone(transactional_db, estate, owners_vote, phone, live_server):  # noqa: F811
    vote = owners_vote("278-8")
    for key, who in (("F1", "A"), ("F2", "C"), ("F5", "E")):
        services.ballot_cast(
            actor=estate.users[who], vote=vote, flat=estate.flats[key], choice="agree",
            idempotency_key=f"k-{key}",
        )  # fmt: skip
    services.vote_close(actor=estate.world.users.staff_a, vote=vote, reason="全部户已表决")
    login_page(phone, live_server, estate.users["C"])
    phone.goto(f"/votes/{vote.pk}/result/")
    assert phone.locator("#receipt").get_by_text("您的选票已计入").is_visible()
    assert not phone.get_by_text("选票摘要").is_visible()  # folded
    # nothing sticks out sideways: the page is no wider than the phone
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    first = phone.locator(".ballot-rows tbody tr").first
    for label in ("意见", "渠道"):
        cell = first.locator(f'td[data-label="{label}"]')
        box = cell.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, (label, box)
    shot(phone, "voting-result-phone")
    phone.get_by_text("核验信息").click()
    assert phone.get_by_text("选票摘要").is_visible()
    shot(phone, "voting-result-phone-digests")
