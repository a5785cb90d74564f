"""Refusals, flash messages, form labels and choice labels of places go through gettext: an
English user reads them in English (linli/places/locale/en), a Chinese user in Chinese; no
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

APP = "places"
# Chinese literals that are data, not UI text, as (file, literal)
ALLOWED = {
    # api.py: OpenAPI tags, summaries and field descriptions: API documentation, not page text
    ("api.py", "公共设施"),
    ("api.py", "小区内的楼栋"),
    ("api.py", "小微空间"),
    ("api.py", "居委会下的小区"),
    ("api.py", "居委会详情"),
    ("api.py", "我可查看的居委会"),
    ("api.py", "户室详情"),
    ("api.py", "把户室登记的人员关联到其平台账号（按手机号）"),
    ("api.py", "楼栋户室名册"),
    ("api.py", "社区登记"),
    # models.py: flat and household labels are addresses (data), as in the roster file
    ("models.py", "住户"),
    ("models.py", "室"),
    # roster.py: the roster file format: Chinese column headers, aliases and the template sheet
    ("roster.py", "(㎡|m2|m²|平方米|平米)$"),
    ("roster.py", "(号楼|号|栋|幢|楼)$"),
    ("roster.py", "(室|号)$"),
    ("roster.py", "(层|楼|F)$"),
    ("roster.py", "\\((㎡|m2|m²|平方米|平米|平方)\\)$"),
    ("roster.py", "\\d{1,3}岁?"),
    ("roster.py", "不详"),
    ("roster.py", "与产权人顺序一一对应，11 位手机号，用“、”分隔；无电话写“-”"),
    ("roster.py", "专有部分面积"),
    ("roster.py", "专有面积"),
    ("roster.py", "业主"),
    ("roster.py", "业主姓名"),
    ("roster.py", "业主手机"),
    ("roster.py", "业主电话"),
    ("roster.py", "产权人"),
    ("roster.py", "产权人姓名"),
    ("roster.py", "产权人手机"),
    ("roster.py", "产权人电话"),
    ("roster.py", "产权人联系电话"),
    ("roster.py", "住户名册"),
    ("roster.py", "列"),
    ("roster.py", "单元"),
    ("roster.py", "单元$"),
    ("roster.py", "单元号"),
    ("roster.py", "可空，如“1单元”或“1”"),
    ("roster.py", "可空；填写时与居住人顺序一一对应"),
    ("roster.py", "同一文件重复导入不会产生任何改动。"),
    ("roster.py", "填写说明"),
    ("roster.py", "多位共有人用“、”分隔，如“张建国、李秀英”；留空则不改动已登记的产权人"),
    ("roster.py", "女"),
    ("roster.py", "如“张建国(68,男)、李秀英(65,女)”，年龄、性别可省略；留空则不改动"),
    ("roster.py", "实际居住人"),
    ("roster.py", "室"),
    ("roster.py", "室号"),
    ("roster.py", "小区"),
    ("roster.py", "小区名"),
    ("roster.py", "小区名称"),
    ("roster.py", "小区名称；居委会有多个小区时必填"),
    ("roster.py", "层"),
    ("roster.py", "居住人"),
    ("roster.py", "居住人员"),
    ("roster.py", "居住人手机"),
    ("roster.py", "居住人电话"),
    ("roster.py", "居民"),
    ("roster.py", "居民电话"),
    ("roster.py", "岁"),
    ("roster.py", "幢号"),
    ("roster.py", "建筑/专有面积"),
    ("roster.py", "建筑/专有面积(㎡)"),
    ("roster.py", "建筑面积"),
    ("roster.py", "必填，大于 0 且不超过 2000，最多两位小数"),
    ("roster.py", "必填，如“101”；同一楼栋、单元内不能重复"),
    ("roster.py", "必填，整数，不超过该楼总层数；地下层写负数"),
    ("roster.py", "必填，须是已登记的楼栋，如“5号楼”或“5”"),
    ("roster.py", "房号"),
    ("roster.py", "房间号"),
    ("roster.py", "所在楼层"),
    ("roster.py", "整个文件全部校验通过才会导入；有任何一行出错，所有数据都不会改动。"),
    ("roster.py", "无"),
    ("roster.py", "未知"),
    ("roster.py", "楼号"),
    ("roster.py", "楼层"),
    ("roster.py", "楼幢"),
    ("roster.py", "楼栋"),
    ("roster.py", "楼栋号"),
    ("roster.py", "男"),
    ("roster.py", "空"),
    ("roster.py", "说明（导入时只读取第一个工作表；第一行为表头，列的顺序不限）"),
    ("roster.py", "面积"),
    # roster_api.py: OpenAPI tags and summaries: API documentation, not page text
    ("roster_api.py", "上传住户名册（.xlsx）并导入"),
    ("roster_api.py", "住户名册"),
    ("roster_api.py", "名册导入进度与报告"),
    ("roster_api.py", "导出住户名册（.xlsx）"),
    ("roster_api.py", "最近的名册导入"),
    # roster_views.py: download file names of the Chinese roster format
    ("roster_views.py", "住户名册"),
    ("roster_views.py", "住户名册导入模板.xlsx"),
}


_client = client_in


def test_no_chinese_literal_reaches_a_user_without_gettext():
    assert_no_untranslated_literal(APP, ALLOWED)


def test_every_gettext_string_has_an_english_entry():
    assert_every_gettext_string_translated(APP)


def test_refusal_in_english_and_in_chinese(world):
    url = f"/places/roster/committee/{world.committee_a.pk}/import/"
    r = _client(world.users.resident_a, "en").get(url)
    assert r.status_code == 403
    assert "You may not import the household roster of this neighbourhood committee" in r.text
    r = _client(world.users.resident_a, "zh-hans").get(url)
    assert r.status_code == 403 and "您无权导入该居委会的住户名册" in r.text
