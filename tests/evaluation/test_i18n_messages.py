"""Refusals, flash messages, form labels and choice labels of evaluation go through gettext: an
English user reads them in English (linli/evaluation/locale/en), a Chinese user in Chinese; no
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

APP = "evaluation"
# Chinese literals that are data, not UI text, as (file, literal)
ALLOWED = {
    # api.py: OpenAPI tags, summaries and field descriptions: API documentation, not page text
    ("api.py", "修订（新版本）"),
    ("api.py", "公约详情"),
    ("api.py", "出具审计意见并结束审计"),
    ("api.py", "发布完工公示"),
    ("api.py", "发起满意度调查"),
    ("api.py", "委托审计"),
    ("api.py", "委托第三方评估"),
    ("api.py", "完成评议"),
    ("api.py", "开启或结束满意度调查"),
    ("api.py", "录入纸质签署表"),
    ("api.py", "录入纸质评分表"),
    ("api.py", "我可查看的公约"),
    ("api.py", "提出审计发现"),
    ("api.py", "本户签署公约"),
    ("api.py", "案例库（公开）"),
    ("api.py", "案例详情（公开）"),
    ("api.py", "满意度调查结果"),
    ("api.py", "答复审计发现"),
    ("api.py", "线上评分"),
    ("api.py", "组织评议"),
    ("api.py", "记录讨论"),
    ("api.py", "账目凭证（只读）"),
    ("api.py", "起草公约"),
    ("api.py", "跟踪评议、审计、公约与案例"),
    ("api.py", "通过公约"),
    ("api.py", "项目审计"),
    ("api.py", "项目评议概况"),
    # services.py: data written into the database (titles, memos, captions, account names)
    ("services.py", " 元"),
    ("services.py", " 元。"),
    ("services.py", " 元，支出合计 "),
    ("services.py", " 元，结余 "),
    ("services.py", " 完工公示"),
    ("services.py", " 满意度调查"),
    ("services.py", "。每户填写一份，用于项目评议。"),
    ("services.py", "【决算】（只计已入账款项）"),
    ("services.py", "不愿意"),
    ("services.py", "已完工，现将建设结果和决算公示如下，欢迎居民监督。"),
    ("services.py", "您对建成后的日常管理和维护是否满意？"),
    ("services.py", "您对改造后的整体效果是否满意？"),
    ("services.py", "您对施工期间的组织和文明施工是否满意？"),
    ("services.py", "您是否愿意参与后续的维护或志愿服务？"),
    ("services.py", "您还有什么意见或建议？"),
    ("services.py", "愿意"),
    ("services.py", "支出："),
    ("services.py", "收入合计 "),
    ("services.py", "收入："),
    ("services.py", "改造是否解决了您家原来遇到的问题？"),
    ("services.py", "本项目未设立筹资账目。"),
    ("services.py", "第三方评估："),
    ("services.py", "视情况"),
}


_client = client_in


def test_no_chinese_literal_reaches_a_user_without_gettext():
    assert_no_untranslated_literal(APP, ALLOWED)


def test_every_gettext_string_has_an_english_entry():
    assert_every_gettext_string_translated(APP)


def test_refusal_in_english_and_in_chinese(world):
    data = {"committee": world.committee_a.pk, "title": "t", "text": "x", "scope": "building"}
    r = _client(world.users.staff_a, "en").post("/evaluation/conventions/new/", data)
    assert r.status_code == 400 and "Please choose a building" in r.text
    r = _client(world.users.staff_a, "zh-hans").post("/evaluation/conventions/new/", data)
    assert r.status_code == 400 and "请选择楼栋" in r.text
