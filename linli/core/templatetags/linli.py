"""Template helpers: masking of personal numbers, stage labels, query-string building."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from linli.core.masking import mask_id_number, mask_mobile

register = template.Library()


@register.filter
def mobile(value, show_full=False):
    """``{{ person.mobile|mobile:can_see_contacts }}`` — full only when allowed."""
    if not value:
        return ""
    return value if show_full else mask_mobile(value)


@register.filter
def id_number(value, show_full=False):
    if not value:
        return ""
    return value if show_full else mask_id_number(value)


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (for filters and paging)."""
    request = context["request"]
    params = request.GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def get_item(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None


# Model choice labels are plain Chinese strings; these marked copies give the English
# catalogue something to translate. Unknown values fall back to the model's label.
STAGE_LABELS = {
    "needs": _("需求征集"),
    "diagnosis": _("规划师把脉"),
    "decision": _("方案与决策"),
    "funding": _("筹资"),
    "implementation": _("实施"),
    "acceptance": _("验收与运维"),
    "evaluation": _("评议"),
    "done": _("完成"),
}
ROLE_LABELS = {
    "resident": _("居民"),
    "building_leader": _("楼组长"),
    "committee_staff": _("居委会工作人员"),
    "street_staff": _("街道工作人员"),
    "district_admin": _("区级管理员"),
    "planner": _("社区规划师"),
    "owners_committee": _("业委会成员"),
    "property_company": _("物业服务企业"),
    "partner": _("社区合伙人"),
}
CONDITION_LABELS = {
    "good": _("良好"),
    "fair": _("一般"),
    "poor": _("较差"),
    "abandoned": _("闲置/废弃"),
}


@register.filter
def stage_label(value):
    return STAGE_LABELS.get(str(value), value)


@register.filter
def role_label(value):
    return ROLE_LABELS.get(str(value), value)


@register.filter
def condition_label(value):
    return CONDITION_LABELS.get(str(value), value)


MICROSPACE_KIND_LABELS = {
    "stairwell": _("楼道"),
    "stilt": _("架空层"),
    "bike_garage": _("非机动车库"),
    "garden": _("花园"),
    "pavilion": _("凉亭"),
    "activity_room": _("活动室"),
    "gatehouse": _("门房间"),
    "wall_entrance": _("景墙/门头"),
    "electric_box": _("电箱"),
    "phone_booth": _("电话亭"),
    "green_strip": _("绿化带"),
    "street_corner": _("街角"),
    "square": _("广场"),
    "wall": _("围墙"),
    "pet": _("宠物设施"),
    "seating": _("座椅"),
    "hooks": _("晾晒挂钩"),
    "other": _("其他"),
}
FACILITY_KIND_LABELS = {
    "neighbourhood_centre": _("邻里中心/社区服务中心"),
    "elderly_care": _("养老服务设施"),
    "elderly_canteen": _("长者食堂"),
    "clinic": _("社区卫生服务站"),
    "kindergarten": _("幼儿园"),
    "primary_school": _("小学"),
    "market": _("菜市场"),
    "bus_stop": _("公交站"),
    "metro": _("地铁站"),
    "park": _("公园/绿地"),
    "sports": _("健身场地"),
    "culture": _("文化活动室"),
    "other": _("其他"),
}
RELATION_LABELS = {
    "head": _("户主"),
    "spouse": _("配偶"),
    "child": _("子女"),
    "parent": _("父母"),
    "grandchild": _("孙辈"),
    "other": _("其他"),
}


@register.filter
def microspace_kind_label(value):
    return MICROSPACE_KIND_LABELS.get(str(value), value)


@register.filter
def facility_kind_label(value):
    return FACILITY_KIND_LABELS.get(str(value), value)


@register.filter
def relation_label(value):
    return RELATION_LABELS.get(str(value), value)
