"""Refusals, flash messages, form labels and choice labels of funding go through gettext: an
English user reads them in English (linli/funding/locale/en), a Chinese user in Chinese; no
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

APP = "funding"
# Chinese literals that are data, not UI text, as (file, literal)
ALLOWED = {
    # api.py: OpenAPI tags, summaries and field descriptions: API documentation, not page text
    ("api.py", "BOT测算与实际"),
    ("api.py", "equal 均摊 / area 按面积 / floor 按楼层"),
    ("api.py", "会计记录支出"),
    ("api.py", "会计记录收款"),
    ("api.py", "冲正"),
    ("api.py", "出纳确认入账"),
    ("api.py", "分摊总额（元），如 12000 或 12,000.00"),
    ("api.py", "即将到来的BOT阶段节点"),
    ("api.py", "各户缴款情况"),
    ("api.py", "建立筹资方案"),
    ("api.py", "指定会计、出纳、监事"),
    ("api.py", '按楼层分摊的系数，如 {"2": "1", "6": "1.5"}'),
    ("api.py", "收支公开"),
    ("api.py", "添加费用项目"),
    ("api.py", "添加资金来源"),
    ("api.py", "由哪些楼栋的住户分摊；不填为项目范围内全部住户"),
    ("api.py", "登记BOT合同"),
    ("api.py", "登记BOT实际收入"),
    ("api.py", "登记住户缴款"),
    ("api.py", "登记认缴"),
    ("api.py", "登记退款"),
    ("api.py", "监事审核"),
    ("api.py", "筹资与账目"),
    ("api.py", "筹资方案与覆盖情况"),
    ("api.py", "计算各户分摊（均摊/按面积/按楼层）"),
    ("api.py", "认缴与实缴核对"),
    ("api.py", "资金来源或费用项目"),
    ("api.py", "金额（分）"),
    # exports.py: column headers and sheet titles of the Chinese export files (a filing format)
    ("exports.py", " 至 "),
    ("exports.py", "余额（元）"),
    ("exports.py", "凭证号"),
    ("exports.py", "可用余额（元）"),
    ("exports.py", "合计（账面到账）"),
    ("exports.py", "名称"),
    ("exports.py", "实缴净额（元）"),
    ("exports.py", "已到账（元）"),
    ("exports.py", "应摊（元）"),
    ("exports.py", "户"),
    ("exports.py", "按来源余额"),
    ("exports.py", "摘要"),
    ("exports.py", "支出"),
    ("exports.py", "支出（元）"),
    ("exports.py", "收入"),
    ("exports.py", "收入（元）"),
    ("exports.py", "收支公开"),
    ("exports.py", "日期"),
    ("exports.py", "期初余额"),
    ("exports.py", "期末余额"),
    ("exports.py", "期间明细"),
    ("exports.py", "未缴（元）"),
    ("exports.py", "条件"),
    ("exports.py", "来源"),
    ("exports.py", "状态"),
    ("exports.py", "类别"),
    ("exports.py", "结余"),
    ("exports.py", "计划/可提供（元）"),
    ("exports.py", "认缴与实缴核对"),
    ("exports.py", "认缴（元）"),
    ("exports.py", "资金来源"),
    ("exports.py", "金额（元）"),
    ("exports.py", "项目费用合计"),
    # management/commands/verify_ledger.py: operator console output of a management command
    ("management/commands/verify_ledger.py", " 分；不平衡凭证 "),
    (
        "management/commands/verify_ledger.py",
        "核对账目：全部分录合计为零、每张凭证借贷平衡、账户余额与分录一致",
    ),
    ("management/commands/verify_ledger.py", "账目不平：分录合计 "),
    ("management/commands/verify_ledger.py", "账目平衡：全部分录合计为零"),
    ("management/commands/verify_ledger.py", "；余额不符账户 "),
    # services.py: data written into the database (titles, memos, captions, account names)
    ("services.py", "冲正 "),
    ("services.py", "支付"),
    ("services.py", "支出·"),
    ("services.py", "收到"),
    ("services.py", "来源·"),
    ("services.py", "缴纳"),
    ("services.py", "资金·"),
    ("services.py", "退还"),
}


_client = client_in


def test_no_chinese_literal_reaches_a_user_without_gettext():
    assert_no_untranslated_literal(APP, ALLOWED)


def test_every_gettext_string_has_an_english_entry():
    assert_every_gettext_string_translated(APP)


def test_refusal_in_english_and_in_chinese(world):
    from linli.accounts.models import Role
    from tests.factories import make_user
    from tests.funding.helpers import anshunyuan_case

    case = anshunyuan_case(world)
    resident = make_user(Role.RESIDENT, case.shares[0].household.flat, name="安顺苑住户")
    url = f"/funding/project/{case.project.pk}/contributions/"
    r = _client(resident, "en").get(url)
    assert r.status_code == 403
    assert "Only the building&#x27;s working group and the neighbourhood committee" in r.text
    r = _client(resident, "zh-hans").get(url)
    assert r.status_code == 403 and "只有本楼工作小组和居委会可以查看缴款情况" in r.text
