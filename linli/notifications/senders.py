"""Pluggable senders behind one interface.

Every sender has a ``channel`` and ``send(notification)``. The inbox (``InAppSender``) is
always on: it writes the message into the user's inbox. External channels are configured in
``settings.LINLI_NOTIFICATION_SENDERS`` (channel → class path); the defaults never need an
outside service: SMS goes through the login-code SMS backend (``linli.accounts.sms``, whose
default writes to the log) and WeChat to the log. A real WeChat subscription-message sender
(``WechatSubscribeSender``) is selected by setting its path and the app's credentials.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.parse
import urllib.request
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from linli.notifications.models import Channel, Notification

logger = logging.getLogger("linli.notifications")

DEFAULT_SENDERS = {
    Channel.SMS: "linli.notifications.senders.SmsSender",
    Channel.WECHAT: "linli.notifications.senders.LogWechatSender",
}


class SendSkipped(Exception):
    """The message cannot go out on this channel for this user (no number, no binding)."""


class Sender(Protocol):
    channel: str

    def send(self, notification: Notification) -> None:
        """Deliver one message; raise SendSkipped when the user has no address here."""


class InAppSender:
    """The inbox: the message is written once per recipient and event (dedup key)."""

    channel = Channel.IN_APP

    def send(self, notification: Notification) -> None:
        Notification.objects.bulk_create([notification], ignore_conflicts=True)

    def send_all(self, notifications: list[Notification]) -> None:
        Notification.objects.bulk_create(notifications, ignore_conflicts=True, batch_size=500)


def sms_text(notification: Notification) -> str:
    text = f"【邻里】{notification.title}。{notification.body}"
    limit = int(getattr(settings, "LINLI_NOTIFY_SMS_MAX_CHARS", 140))
    return text if len(text) <= limit else text[: limit - 1] + "…"


class SmsSender:
    """SMS through the same backend as login codes (``settings.LINLI_SMS_SENDER``)."""

    channel = Channel.SMS

    def send(self, notification: Notification) -> None:
        from linli.accounts.sms import get_sender

        mobile = notification.recipient.mobile
        if not mobile:
            raise SendSkipped("没有手机号")
        get_sender().send(mobile, sms_text(notification))


def _openid(user) -> str:
    from linli.notifications.models import WechatBinding

    binding = WechatBinding.objects.filter(user=user).first()
    if binding is None:
        raise SendSkipped("未绑定微信")
    return binding.openid


class LogWechatSender:
    """Development sender: writes the subscription message to the log."""

    channel = Channel.WECHAT

    def send(self, notification: Notification) -> None:
        openid = _openid(notification.recipient)
        logger.info("微信订阅消息 → %s：%s", openid[:6] + "…", notification.title)


class WechatSubscribeSender:
    """WeChat mini-program subscription messages (订阅消息, ``subscribeMessage.send``).

    Settings: ``LINLI_WECHAT_APPID``, ``LINLI_WECHAT_SECRET``, ``LINLI_WECHAT_TEMPLATE_ID``
    (a template with ``thing1`` = title, ``thing2`` = summary, ``time3`` = time) and
    ``LINLI_WECHAT_PAGE`` (the mini-program page that opens the inbox).
    """

    channel = Channel.WECHAT
    api = "https://api.weixin.qq.com"
    _token: tuple[str, float] | None = None
    _lock = threading.Lock()

    def _post(self, url: str, payload: dict) -> dict:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(
            url, data=data, headers={"Content-Type": "application/json"}, method="POST"
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (fixed host)
            return json.loads(response.read().decode("utf-8"))

    def _access_token(self) -> str:
        with self._lock:
            cached = WechatSubscribeSender._token
            if cached and cached[1] > time.time() + 60:
                return cached[0]
            query = urllib.parse.urlencode(
                {
                    "grant_type": "client_credential",
                    "appid": settings.LINLI_WECHAT_APPID,
                    "secret": settings.LINLI_WECHAT_SECRET,
                }
            )
            with urllib.request.urlopen(f"{self.api}/cgi-bin/token?{query}", timeout=10) as r:  # noqa: S310
                answer = json.loads(r.read().decode("utf-8"))
            if "access_token" not in answer:
                raise RuntimeError(f"微信接口未返回 access_token：{answer.get('errmsg', '')}")
            WechatSubscribeSender._token = (
                answer["access_token"],
                time.time() + int(answer.get("expires_in", 7200)),
            )
            return answer["access_token"]

    def send(self, notification: Notification) -> None:
        from django.utils import timezone

        openid = _openid(notification.recipient)
        payload = {
            "touser": openid,
            "template_id": settings.LINLI_WECHAT_TEMPLATE_ID,
            "page": getattr(settings, "LINLI_WECHAT_PAGE", "pages/inbox/index"),
            "data": {
                "thing1": {"value": notification.title[:20]},
                "thing2": {"value": (notification.body or notification.title)[:20]},
                "time3": {"value": f"{timezone.localtime(notification.created_at):%Y-%m-%d %H:%M}"},
            },
        }
        url = f"{self.api}/cgi-bin/message/subscribe/send?access_token={self._access_token()}"
        answer = self._post(url, payload)
        if answer.get("errcode", 0) != 0:
            raise RuntimeError(f"微信发送失败：{answer.get('errcode')} {answer.get('errmsg', '')}")


def external_senders() -> dict[str, Sender]:
    """Channel → sender, from settings (a channel mapped to None or '' is off)."""
    configured = getattr(settings, "LINLI_NOTIFICATION_SENDERS", None)
    paths = dict(DEFAULT_SENDERS if configured is None else configured)
    return {channel: import_string(path)() for channel, path in paths.items() if path}
