"""Refusals, flash messages, form labels and choice labels of voting go through gettext: an
English user reads them in English (linli/voting/locale/en), a Chinese user in Chinese; no
Chinese literal of the app's python reaches a user without gettext (the allow-list below
names the data constants that stay Chinese, and why); every gettext string has an English entry."""

from __future__ import annotations

import pytest

from tests.i18n_check import (
    assert_every_gettext_string_translated,
    assert_no_untranslated_literal,
    client_in,
)

pytestmark = pytest.mark.django_db

APP = "voting"
# Chinese literals that are data, not UI text, as (file, literal)
ALLOWED = {
    # adapters.py: data: the budget explanation is part of the signed vote result
    ("adapters.py", "不等额"),
    ("adapters.py", "与已入选项目互斥"),
    ("adapters.py", "元"),
    ("adapters.py", "元）："),
    ("adapters.py", "元，第"),
    ("adapters.py", "入选："),
    ("adapters.py", "分配已停止"),
    ("adapters.py", "剩余预算不足"),
    ("adapters.py", "得票未达门槛"),
    ("adapters.py", "户支持者分摊，每户约"),
    ("adapters.py", "支持者的份额不足以支付"),
    ("adapters.py", "无人支持"),
    ("adapters.py", "未入选："),
    ("adapters.py", "票"),
    ("adapters.py", "轮"),
    ("adapters.py", "零成本项目"),
    ("adapters.py", "，当时可用"),
    ("adapters.py", "，由"),
    ("adapters.py", "，让位于“"),
    # api.py: OpenAPI tags, summaries and field descriptions: API documentation, not page text
    ("api.py", "从 pabulib .pb 文件创建参与式预算投票"),
    ("api.py", "参与式预算：与 options 一一对应的金额（元）"),
    ("api.py", "发起表决"),
    ("api.py", "复核计票"),
    ("api.py", "导出 pabulib .pb 文件（参与式预算）"),
    ("api.py", "已与业主核实：以这张书面票替代该户已有的网上/会议/委托选票"),
    ("api.py", "开启投票（锁定选民名册）"),
    ("api.py", "录入书面表决票（双人录入）"),
    ("api.py", "我可查看的表决"),
    ("api.py", "我家的选票"),
    ("api.py", "投票（同一幂等键重复提交无副作用）"),
    ("api.py", "结束表决并签署结果"),
    ("api.py", "表决"),
    ("api.py", "表决结果"),
    ("api.py", "表决详情"),
    # services.py: data written into the database (titles, memos, captions, account names)
    ("services.py", "参与式预算"),
    ("services.py", "室"),
    ("services.py", "项目"),
}


_client = client_in


def test_no_chinese_literal_reaches_a_user_without_gettext():
    assert_no_untranslated_literal(APP, ALLOWED)


def test_every_gettext_string_has_an_english_entry():
    assert_every_gettext_string_translated(APP)


def test_refusal_and_labels_in_english_and_in_chinese(world):
    data = {
        "committee": world.committee_a.pk,
        "title": "x",
        "kind": "owners",
        "opens_at": "2026-01-01T00:00",
        "closes_at": "2026-01-08T00:00",
    }
    r = _client(world.users.staff_a, "en").post("/votes/new/", data)
    assert r.status_code == 400
    assert "Please choose the scope of the vote (compound or building)" in r.text
    r = _client(world.users.staff_a, "zh-hans").post("/votes/new/", data)
    assert r.status_code == 400 and "请选择表决范围（小区或楼栋）" in r.text
    # the form's choice labels follow the language too
    r = _client(world.users.staff_a, "en").get("/votes/new/")
    assert "Owners&#x27; joint decision" in r.text and "Participatory budgeting" in r.text
