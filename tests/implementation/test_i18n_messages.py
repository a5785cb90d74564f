"""Refusals, flash messages, form labels and choice labels of implementation go through gettext: an
English user reads them in English (linli/implementation/locale/en), a Chinese user in Chinese; no
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

APP = "implementation"
# Chinese literals that are data, not UI text, as (file, literal)
ALLOWED = {
    # api.py: OpenAPI tags, summaries and field descriptions: API documentation, not page text
    ("api.py", "关闭工单（报修人确认）"),
    ("api.py", "合同与付款情况"),
    ("api.py", "响应报修"),
    ("api.py", "团队巡查记录"),
    ("api.py", "填写施工日志（multipart：date, work_done, issues, photos）"),
    ("api.py", "填报实际进度"),
    ("api.py", "实施与运维"),
    ("api.py", "巡查签到（扫码；同一班次重复签到返回原记录）"),
    ("api.py", "工作组审批合同变更"),
    ("api.py", "我可查看的报修"),
    ("api.py", "报修（multipart：place, description, photo, plan_x, plan_y）"),
    ("api.py", "提出合同变更"),
    ("api.py", "提出意见"),
    ("api.py", "施工期间意见"),
    ("api.py", "添加付款计划"),
    ("api.py", "添加工作组成员"),
    ("api.py", "添加进度节点"),
    ("api.py", "登记专业评审"),
    ("api.py", "登记具备资质的企业（街道）"),
    ("api.py", "登记合同"),
    ("api.py", "登记合同付款（关联本项目账目中的支出凭证）"),
    ("api.py", "登记处理结果"),
    ("api.py", "登记居民踏勘验收"),
    ("api.py", "登记报价"),
    ("api.py", "登记采购"),
    ("api.py", "确定运维安排"),
    ("api.py", "确定采购结果（关联本项目的会议或表决）"),
    ("api.py", "确认整改完成"),
    ("api.py", "答复意见"),
    ("api.py", "签署验收"),
    ("api.py", "街道具备资质的企业名单"),
    ("api.py", "认建认养"),
    ("api.py", "项目实施与验收概况"),
    ("api.py", "项目的采购"),
    # services.py: data written into the database (titles, memos, captions, account names)
    ("services.py", "附件"),
}


_client = client_in


def test_no_chinese_literal_reaches_a_user_without_gettext():
    assert_no_untranslated_literal(APP, ALLOWED)


def test_every_gettext_string_has_an_english_entry():
    assert_every_gettext_string_translated(APP)


def test_refusal_in_english_and_in_chinese(world):
    url = f"/implementation/streets/{world.street_a.pk}/companies/new/"
    r = _client(world.users.street_a, "en").post(url, {"name": "无资质公司"})
    assert r.status_code == 400
    assert "Please choose at least one qualification: building or managing" in r.text
    r = _client(world.users.street_a, "zh-hans").post(url, {"name": "无资质公司"})
    assert r.status_code == 400 and "请至少选择一项资质：建造或管理" in r.text
