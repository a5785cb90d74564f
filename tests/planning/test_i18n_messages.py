"""Refusals, flash messages, form labels and choice labels of planning go through gettext: an
English user reads them in English (linli/planning/locale/en), a Chinese user in Chinese; no
Chinese literal of the app's python reaches a user without gettext (the allow-list below
names the data constants that stay Chinese, and why); every gettext string has an English entry."""

from __future__ import annotations

import pytest
from django.conf import settings

from tests.i18n_check import (
    assert_every_gettext_string_translated,
    assert_no_untranslated_literal,
    client_in,
)

pytestmark = pytest.mark.django_db

APP = "planning"
# Chinese literals that are data, not UI text, as (file, literal)
ALLOWED = {
    # api.py: OpenAPI tags, summaries and field descriptions: API documentation, not page text
    ("api.py", "上传效果图或图纸"),
    ("api.py", "以最终方案发起表决"),
    ("api.py", "保存把脉记录"),
    ("api.py", "加入人才库"),
    ("api.py", "发布本轮，征求居民意见"),
    ("api.py", "各轮设计方案"),
    ("api.py", "定向结对"),
    ("api.py", "对方案提意见"),
    ("api.py", "工作日志"),
    ("api.py", "开启新一轮"),
    ("api.py", "添加设计方案"),
    ("api.py", "社区画像与生活圈"),
    ("api.py", "社区规划师"),
    ("api.py", "答复居民意见"),
    ("api.py", "结对覆盖情况"),
    ("api.py", "给方案打分（1–5）"),
    ("api.py", "规划师人才库"),
    ("api.py", "解除结对"),
    ("api.py", "记录踏勘/座谈"),
    ("api.py", "金额（元），如 1200 或 800.50"),
    # exports.py: column headers and sheet titles of the Chinese export files (a filing format)
    ("exports.py", "-方案征询汇总.pdf"),
    ("exports.py", "-社区画像.pdf"),
    # profile.py: data keys of the committee profile
    ("profile.py", "年代"),
    ("profile.py", "未登记"),
    # services.py: data written into the database (titles, memos, captions, account names)
    ("services.py", "文件"),
    ("services.py", "第"),
    ("services.py", "轮设计方案定稿后的方案选择"),
    ("services.py", "：设计方案选择"),
}


_client = client_in


def test_no_chinese_literal_reaches_a_user_without_gettext():
    assert_no_untranslated_literal(APP, ALLOWED)


def test_every_gettext_string_has_an_english_entry():
    assert_every_gettext_string_translated(APP)


def test_refusal_in_english_and_in_chinese(paired):
    from tests.api_client import ApiClient

    planner = ApiClient(paired.users.planner_a)
    r = planner.post(
        f"/api/planning/projects/{paired.project.pk}/rounds",
        {"building_ids": [paired.building_a.pk]},
    )
    assert r.status_code == 201, r.content
    publish = f"/api/planning/rounds/{r.json()['id']}/publish"
    planner.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    r = planner.post(publish)
    assert r.status_code == 400
    assert r.json()["detail"] == "This round has no design options yet and cannot be published"
    planner.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    r = planner.post(publish)
    assert r.status_code == 400 and r.json()["detail"] == "本轮还没有任何设计方案，不能发布"
