"""What a printed QR code is for, told to someone who scanned it before logging in.

The login page reads its ``next`` (already checked to stay on this site): when it is the
target of one of the platform's printed codes, the page explains the code and opens the SMS
tab first (the quickest way in for a resident). Only the kind of code is told — never the
building, meeting or committee — so a code's id reveals nothing to a stranger."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _

NEED = _(
    "登录后会打开需求表单，并自动填好您扫码的位置。楼道堆物、加装电梯、晾衣、停车、绿化……"
    "有什么想改善的都可以提，居委会汇总后和大家一起商量。"
)

# url name → (what the code is, what happens after logging in)
PURPOSES: dict[str, tuple] = {
    "needs:scan_building": (_("楼栋需求征集码"), NEED),
    "needs:scan_compound": (_("小区需求征集码"), NEED),
    "needs:scan_microspace": (_("小微空间需求征集码"), NEED),
    "deliberation:checkin": (
        _("会议签到码"),
        _("登录后即可签到参加这次居民会议，签到计入到会人数。"),
    ),
    "implementation:feedback": (
        _("施工意见反馈码"),
        _("登录后可以对正在施工的项目提意见或报告问题，项目工作组会答复您。"),
    ),
    "implementation:patrol": (
        _("巡查签到码"),
        _("登录后为本次巡查签到，并填写检查情况。"),
    ),
    "notices:detail": (
        _("社区公示"),
        _("登录后可以阅读公示全文；公示期内对内容有意见，可以在页面上提出异议。"),
    ),
    "evaluation:convention": (
        _("公约签署码"),
        _("登录后可以阅读公约全文，并以您家户室的名义签署。"),
    ),
}


def scan_purpose(next_url: str) -> dict | None:
    """``{"what", "then"}`` when ``next_url`` (a same-site path) is a printed code's target."""
    if not next_url:
        return None
    path = urlsplit(next_url).path
    if not path.startswith("/"):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None
    purpose = PURPOSES.get(match.view_name)
    if purpose is None:
        return None
    return {"what": purpose[0], "then": purpose[1]}
