"""Delivery: after commit only, once per user and event, quiet hours, preferences, senders."""

from __future__ import annotations

import json

import pytest
from django.db import transaction

from linli.accounts.sms import MemorySmsSender
from linli.notifications import delivery
from linli.notifications.models import ChannelPreference, Delivery, Notification, WechatBinding
from linli.notifications.reminders import send_due_reminders
from tests.notifications.conftest import at_shanghai, inbox

pytestmark = pytest.mark.django_db


def _publish(world, committed, title="楼道改造公示"):
    from linli.notices.services import notice_create

    with committed():
        return notice_create(
            actor=world.users.staff_a,
            committee=world.committee_a,
            kind="other",
            title=title,
            body="公示内容",
            publish=True,
        )


def test_message_lands_in_inbox_and_goes_out_by_sms_after_commit(world, committed):
    notice = _publish(world, committed)
    [n] = inbox(world.users.resident_a)
    assert n.title == "公示：楼道改造公示"
    assert n.link == f"/notices/{notice.pk}/"
    assert n.read_at is None
    mobiles = [m for m, _ in MemorySmsSender.outbox]
    assert world.users.resident_a.mobile in mobiles
    sms = dict(MemorySmsSender.outbox)[world.users.resident_a.mobile]
    assert sms.startswith("【邻里】公示：楼道改造公示")
    assert Delivery.objects.get(notification=n, channel="sms").status == "sent"


def test_nothing_is_sent_when_the_transaction_rolls_back(world, committed):
    from linli.notices.services import notice_create

    with committed():
        with pytest.raises(RuntimeError), transaction.atomic():
            notice_create(
                actor=world.users.staff_a,
                committee=world.committee_a,
                kind="other",
                title="撤销的公示",
                body="内容",
                publish=True,
            )
            raise RuntimeError("后续步骤失败")
    assert Notification.objects.count() == 0
    assert MemorySmsSender.outbox == []


def test_nothing_is_sent_before_commit(world, django_capture_on_commit_callbacks):
    from linli.notices.services import notice_create

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notice_create(
            actor=world.users.staff_a,
            committee=world.committee_a,
            kind="other",
            title="尚未提交",
            body="内容",
            publish=True,
        )
        assert Notification.objects.count() == 0
    assert len(callbacks) == 1  # the delivery waits for the commit


def test_a_refused_action_sends_nothing(world, committed):
    from linli.core.errors import ServiceError
    from linli.notices.services import notice_publish

    notice = _publish(world, committed)
    before = Notification.objects.count()
    with committed(), pytest.raises(ServiceError):
        notice_publish(actor=world.users.staff_a, notice=notice)  # already published
    assert Notification.objects.count() == before


def test_the_same_event_reaches_a_user_once(world, committed):
    notice = _publish(world, committed)
    sent = len(MemorySmsSender.outbox)
    assert delivery.deliver("notice_published", {"notice_id": notice.pk}) == 0
    assert delivery.deliver("notice_published", {"notice_id": notice.pk}) == 0
    assert len(inbox(world.users.resident_a)) == 1
    assert len(MemorySmsSender.outbox) == sent


def test_dedup_is_a_database_constraint(world, committed):
    from django.db import IntegrityError

    _publish(world, committed)
    n = inbox(world.users.resident_a)[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(
            recipient=n.recipient, kind=n.kind, title="x", dedup_key=n.dedup_key
        )


def test_the_actor_is_not_told_about_their_own_action(world, committed):
    _publish(world, committed)
    assert inbox(world.users.staff_a) == []


def test_quiet_hours_defer_sms_to_the_morning_but_not_the_inbox(world, committed, settings):
    settings.LINLI_NOTIFY_QUIET_HOURS = (21, 8)
    notice = _publish(world, committed)
    Notification.objects.all().delete()
    MemorySmsSender.outbox.clear()
    night = at_shanghai(22, 30)
    assert delivery.deliver("notice_published", {"notice_id": notice.pk}, now=night) == 1
    [n] = inbox(world.users.resident_a)  # in the inbox at once
    d = Delivery.objects.get(notification=n, channel="sms")
    assert d.status == "deferred"
    assert d.not_before == at_shanghai(8, 0, day=11)
    assert MemorySmsSender.outbox == []
    # still night at 07:59: nothing; the command run at 08:00 sends it
    send_due_reminders(now=at_shanghai(7, 59, day=11))
    assert MemorySmsSender.outbox == []
    counts = send_due_reminders(now=at_shanghai(8, 0, day=11))
    assert counts.sent == 1
    assert [m for m, _ in MemorySmsSender.outbox] == [world.users.resident_a.mobile]
    d.refresh_from_db()
    assert d.status == "sent"
    send_due_reminders(now=at_shanghai(9, 0, day=11))
    assert len(MemorySmsSender.outbox) == 1  # sent once


@pytest.mark.parametrize(
    ("hour", "quiet"), [(20, False), (21, True), (23, True), (3, True), (7, True), (8, False)]
)
def test_quiet_hours_are_2100_to_0800_shanghai_time(settings, hour, quiet):
    settings.LINLI_NOTIFY_QUIET_HOURS = (21, 8)
    assert (delivery.quiet_until(at_shanghai(hour, 0)) is not None) is quiet


def test_preferences_turn_sms_off_per_kind_and_keep_the_inbox(world, committed):
    from linli.notifications.services import preferences_set

    preferences_set(actor=world.users.resident_a, enabled={("notice_published", "sms"): False})
    _publish(world, committed)
    assert len(inbox(world.users.resident_a)) == 1
    assert world.users.resident_a.mobile not in [m for m, _ in MemorySmsSender.outbox]
    assert not Delivery.objects.filter(channel="sms").exists()


def test_preferences_of_another_kind_do_not_apply(world, committed):
    from linli.notifications.services import preferences_set

    preferences_set(actor=world.users.resident_a, enabled={("vote_opened", "sms"): False})
    _publish(world, committed)
    assert world.users.resident_a.mobile in [m for m, _ in MemorySmsSender.outbox]


def test_preferences_refuse_turning_the_inbox_off_and_unknown_kinds(world):
    from linli.core.errors import ServiceError
    from linli.notifications.services import preferences_set

    with pytest.raises(ServiceError, match="站内消息始终保留"):
        preferences_set(
            actor=world.users.resident_a, enabled={("notice_published", "in_app"): False}
        )
    with pytest.raises(ServiceError, match="不存在"):
        preferences_set(actor=world.users.resident_a, enabled={("nonsense", "sms"): False})
    assert not ChannelPreference.objects.exists()


def test_preference_change_is_audited(world):
    from linli.audit.models import AuditEvent
    from linli.notifications.services import preferences_set

    preferences_set(actor=world.users.resident_a, enabled={("vote_result", "wechat"): False})
    assert AuditEvent.objects.filter(action="notification.preferences").count() == 1


def test_wechat_goes_to_bound_users_only_through_the_configured_sender(world, committed, caplog):
    WechatBinding.objects.create(user=world.users.resident_a, openid="oABCDEFG123456")
    with caplog.at_level("INFO", logger="linli.notifications"):
        _publish(world, committed)
    n = inbox(world.users.resident_a)[0]
    assert Delivery.objects.get(notification=n, channel="wechat").status == "sent"
    assert "微信订阅消息" in caplog.text


def test_unbound_wechat_is_skipped_with_a_reason(world, committed):
    _publish(world, committed)
    n = inbox(world.users.resident_a)[0]
    d = Delivery.objects.get(notification=n, channel="wechat")
    assert (d.status, d.detail) == ("skipped", "未绑定微信")


def test_external_channels_come_from_settings(world, committed, settings):
    settings.LINLI_NOTIFICATION_SENDERS = {"sms": "linli.notifications.senders.SmsSender"}
    _publish(world, committed)
    assert set(Delivery.objects.values_list("channel", flat=True)) == {"sms"}
    settings.LINLI_NOTIFICATION_SENDERS = {}
    _publish(world, committed, title="第二条")
    assert Delivery.objects.filter(notification__title="公示：第二条").count() == 0
    assert len(inbox(world.users.resident_a)) == 2


class BrokenSms:
    channel = "sms"

    def send(self, notification):
        raise OSError("短信网关超时")


def test_a_failing_sender_is_retried_then_marked_failed(world, committed, settings):
    settings.LINLI_NOTIFICATION_SENDERS = {"sms": f"{__name__}.BrokenSms"}
    _publish(world, committed)
    d = Delivery.objects.get(channel="sms")
    assert (d.status, d.attempts) == ("pending", 1)
    delivery.send_pending()
    delivery.send_pending()
    d.refresh_from_db()
    assert (d.status, d.attempts, d.detail) == ("failed", 3, "短信网关超时")
    assert len(inbox(world.users.resident_a)) == 1  # the inbox does not depend on it


def test_wechat_subscribe_sender_posts_the_subscription_message(world, settings, monkeypatch):
    from linli.notifications import senders

    settings.LINLI_WECHAT_APPID = "wxappid"
    settings.LINLI_WECHAT_SECRET = "secret"
    settings.LINLI_WECHAT_TEMPLATE_ID = "tmpl-1"
    WechatBinding.objects.create(user=world.users.resident_a, openid="oUSER")
    calls = []

    class Answer:
        def __init__(self, data):
            self.data = json.dumps(data).encode()

        def read(self):
            return self.data

        def __enter__(self):
            return self

        def __exit__(self, *a):
            return False

    def fake_urlopen(request, timeout=10):
        url = request if isinstance(request, str) else request.full_url
        calls.append((url, getattr(request, "data", None)))
        if "/cgi-bin/token" in url:
            return Answer({"access_token": "TOKEN", "expires_in": 7200})
        return Answer({"errcode": 0, "errmsg": "ok"})

    monkeypatch.setattr(senders.urllib.request, "urlopen", fake_urlopen)
    monkeypatch.setattr(senders.WechatSubscribeSender, "_token", None)
    n = Notification.objects.create(
        recipient=world.users.resident_a,
        kind="vote_opened",
        title="表决开始：加装电梯",
        dedup_key="k",
    )
    senders.WechatSubscribeSender().send(n)
    assert "appid=wxappid" in calls[0][0]
    assert calls[1][0].endswith("access_token=TOKEN")
    body = json.loads(calls[1][1])
    assert body["touser"] == "oUSER" and body["template_id"] == "tmpl-1"
    assert body["data"]["thing1"]["value"] == "表决开始：加装电梯"

    def refuse(request, timeout=10):
        return Answer({"errcode": 43101, "errmsg": "user refuse to accept the msg"})

    monkeypatch.setattr(senders.urllib.request, "urlopen", refuse)
    with pytest.raises(RuntimeError, match="43101"):
        senders.WechatSubscribeSender().send(n)
