"""Refusals, flash messages, form labels and choice labels of needs go through gettext: an
English user reads them in English (linli/needs/locale/en), a Chinese user in Chinese; no
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

APP = "needs"
# Chinese literals that are data, not UI text, as (file, literal)
ALLOWED = {
    # adapters.py: a key of the per-building counts stored in a needs list snapshot (data)
    ("adapters.py", "未填楼栋"),
    # api.py: OpenAPI tags, summaries and field descriptions: API documentation, not page text
    ("api.py", "一版需求清单（含权重与全部条目）"),
    ("api.py", "为自己的需求上传照片"),
    ("api.py", "优先级权重"),
    ("api.py", "公开一版需求清单"),
    ("api.py", "发现小微线索"),
    ("api.py", "发现小微：报告闲置或失管的小空间"),
    ("api.py", "合并重复需求（保留全部原话、支持者和渠道）"),
    ("api.py", "居民提交需求（线上）"),
    ("api.py", "工作人员评估（排序用的事实）"),
    ("api.py", "当前需求排序（与页面一致）"),
    ("api.py", "录入线下收集的需求"),
    ("api.py", "我也需要（每人一次）"),
    ("api.py", "拆分（撤销合并）"),
    ("api.py", "提交前查找相似需求"),
    ("api.py", "核实并登记为小微空间"),
    ("api.py", "生成新一版需求清单（居委会或街道汇总）"),
    ("api.py", "疑似重复的需求分组（文本聚类）"),
    ("api.py", "记录线下支持"),
    ("api.py", "调整优先级权重"),
    ("api.py", "转为社区规划项目"),
    ("api.py", "需求列表（可按居委会、状态筛选）"),
    ("api.py", "需求征集"),
    ("api.py", "需求清单各版本"),
    ("api.py", "需求详情"),
    # exports.py: column headers and sheet titles of the Chinese export files (a filing format)
    ("exports.py", "-第"),
    ("exports.py", "-需求征集二维码.pdf"),
    ("exports.py", "主需求编号"),
    ("exports.py", "事实"),
    ("exports.py", "会议"),
    ("exports.py", "公告栏 · 全小区"),
    ("exports.py", "原话"),
    ("exports.py", "原话条数"),
    ("exports.py", "因素"),
    ("exports.py", "安全隐患"),
    ("exports.py", "小微空间 · "),
    ("exports.py", "居委会"),
    ("exports.py", "居民原话"),
    ("exports.py", "年龄段"),
    ("exports.py", "影响户数"),
    ("exports.py", "得分"),
    ("exports.py", "排名"),
    ("exports.py", "提出或附议人数"),
    ("exports.py", "支持人数"),
    ("exports.py", "支持者所在楼栋"),
    ("exports.py", "收集渠道"),
    ("exports.py", "日期"),
    ("exports.py", "权重"),
    ("exports.py", "权重与得分"),
    ("exports.py", "权重（满分）"),
    ("exports.py", "楼栋"),
    ("exports.py", "涉及楼栋"),
    ("exports.py", "渠道"),
    ("exports.py", "满分"),
    ("exports.py", "版"),
    ("exports.py", "版.pdf"),
    ("exports.py", "版.xlsx"),
    ("exports.py", "状态"),
    ("exports.py", "第"),
    ("exports.py", "类别"),
    ("exports.py", "线上"),
    ("exports.py", "线下"),
    ("exports.py", "老人与儿童"),
    ("exports.py", "说明"),
    ("exports.py", "费用档次"),
    ("exports.py", "需求"),
    ("exports.py", "需求清单"),
    ("exports.py", "需求编号"),
    # services.py: data written into the database (titles, memos, captions, account names)
    ("services.py", "居民发现时拍摄"),
    ("services.py", "居民发现："),
    ("services.py", "来自居民需求#"),
    ("services.py", "需求汇总清单"),
    ("services.py", "需求清单"),
}


_client = client_in


def test_no_chinese_literal_reaches_a_user_without_gettext():
    assert_no_untranslated_literal(APP, ALLOWED)


def test_every_gettext_string_has_an_english_entry():
    assert_every_gettext_string_translated(APP)


def test_refusal_and_labels_in_english_and_in_chinese(world):
    url = f"/needs/committee/{world.committee_a.pk}/offline/"
    data = {"text": "楼道堆物", "channel": "visit", "category": "other"}
    data["reporter_age_group"] = "unknown"
    r = _client(world.users.leader_a, "en").post(url, data)
    assert r.status_code == 403
    assert "Building leaders can enter offline needs only for their own building" in r.text
    r = _client(world.users.leader_a, "zh-hans").post(url, data)
    assert r.status_code == 403 and "楼组长只能为本楼栋录入线下需求" in r.text
    # the form's labels and choice labels follow the language too
    r = _client(world.users.staff_a, "en").get(url)
    assert "Home visit" in r.text and "入户走访" not in r.text
