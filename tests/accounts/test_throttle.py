"""Guessing is throttled: password and SMS logins per account and per client address, SMS-code
requests per number and per address, and the API per user and per anonymous address."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from linli.accounts.models import LoginThrottle, SmsCode, User
from linli.accounts.sms import MemorySmsSender
from linli.accounts.throttle import client_address
from linli.audit.models import AuditEvent
from tests.api_client import ApiClient

pytestmark = pytest.mark.django_db
PASSWORD = "linli-pass-2026"
LOGIN = "/accounts/login/"


def _password(client, mobile, password, **extra):
    return client.post(
        LOGIN, {"action": "password", "pw-mobile": mobile, "pw-password": password}, **extra
    )


def _sms_code(client, mobile, capture, **extra):
    with capture(execute=True):
        response = client.post(LOGIN, {"action": "sms_request", "sms-mobile": mobile}, **extra)
    assert response.status_code == 200, response.content.decode()
    return re.search(r"(\d{6})", MemorySmsSender.outbox[-1][1]).group(1)


def test_wrong_passwords_pause_password_login_and_sms_login_recovers(
    client, world, django_capture_on_commit_callbacks
):
    user = world.users.staff_a
    for _ in range(4):
        response = _password(client, user.mobile, "wrong-guess")
        assert response.status_code == 400
        assert "手机号或密码不正确" in response.content.decode()
    response = _password(client, user.mobile, "wrong-guess")
    html = response.content.decode()
    assert response.status_code == 429
    assert "密码登录已暂停" in html and "短信验证码登录" in html
    until = LoginThrottle.objects.get(kind="pw_account").locked_until
    assert f"{timezone.localtime(until):%H:%M}" in html  # says when to retry
    assert timedelta(minutes=14) < until - timezone.now() <= timedelta(minutes=15)
    assert "改用短信验证码登录" in html

    # The right password no longer gets in while paused (300 guesses, then the right one).
    response = _password(client, user.mobile, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    locked = AuditEvent.objects.filter(action="login.locked")
    assert locked.count() == 1 and locked.get().object_id == str(user.pk)

    # The owner logs in by SMS code at once, which lifts the pause on the password.
    code = _sms_code(client, user.mobile, django_capture_on_commit_callbacks)
    response = client.post(
        LOGIN, {"action": "sms_login", "sms-mobile": user.mobile, "sms-code": code}
    )
    assert response.status_code == 302
    client.logout()
    assert _password(client, user.mobile, PASSWORD).status_code == 302


def test_paused_password_login_comes_back_after_the_pause(client, world):
    user = world.users.resident_a
    for _ in range(5):
        _password(client, user.mobile, "wrong-guess")
    assert _password(client, user.mobile, PASSWORD).status_code == 429
    LoginThrottle.objects.filter(kind="pw_account").update(
        locked_until=timezone.now() - timedelta(seconds=1)
    )
    assert _password(client, user.mobile, PASSWORD).status_code == 302


def test_unknown_numbers_are_counted_like_known_ones(client, world):
    for _ in range(5):
        response = _password(client, "13999999999", "wrong-guess")
    assert response.status_code == 429  # same answer: no account enumeration
    assert not AuditEvent.objects.filter(action="login.locked").exists()  # nobody to tell


def test_many_accounts_from_one_address_pause_that_address_only(
    client, world, settings, django_capture_on_commit_callbacks
):
    settings.LINLI_LOGIN_FAILURES_PER_ADDRESS = 4
    attacker = {"REMOTE_ADDR": "203.0.113.9"}
    for mobile in ("13900000001", "13900000002", "13900000003"):
        assert _password(client, mobile, "wrong-guess", **attacker).status_code == 400
    # a wrong SMS code counts for the address too
    response = client.post(
        LOGIN,
        {"action": "sms_login", "sms-mobile": "13900000004", "sms-code": "123456"},
        **attacker,
    )
    assert response.status_code == 429
    assert "您所在网络的登录失败次数过多" in response.content.decode()
    user = world.users.staff_b
    response = _password(client, user.mobile, PASSWORD, **attacker)
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    # A forged X-Forwarded-For does not help while no proxy is trusted.
    response = _password(
        client, user.mobile, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7", **attacker
    )
    assert response.status_code == 429
    # Residents elsewhere are not affected.
    other = Client(REMOTE_ADDR="198.51.100.20")
    assert _password(other, user.mobile, PASSWORD).status_code == 302


def test_admin_login_is_throttled_too(client, world):
    staff = User.objects.create_user(mobile="13911112222", password=PASSWORD, name="管理员")
    staff.is_staff = staff.is_superuser = True
    staff.save()
    url = reverse("admin:login")
    for _ in range(5):
        response = client.post(url, {"username": staff.mobile, "password": "wrong-guess"})
        assert response.status_code == 200 and "_auth_user_id" not in client.session
    client.post(url, {"username": staff.mobile, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_sms_requests_are_limited_per_number_without_writing_anything(
    client, world, settings, django_capture_on_commit_callbacks
):
    settings.LINLI_SMS_PER_NUMBER_PER_HOUR = 2
    user = world.users.resident_a
    for _ in range(2):
        _sms_code(client, user.mobile, django_capture_on_commit_callbacks)
        # past the one-minute spacing between two codes
        SmsCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    codes, events = SmsCode.objects.count(), AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(LOGIN, {"action": "sms_request", "sms-mobile": user.mobile})
    assert response.status_code == 429
    html = response.content.decode()
    assert "该手机号获取验证码的次数已达上限" in html and "后再试" in html
    assert SmsCode.objects.count() == codes and AuditEvent.objects.count() == events
    assert len(MemorySmsSender.outbox) == 2


def test_sms_requests_are_limited_per_address_through_page_and_api(
    world, settings, django_capture_on_commit_callbacks
):
    settings.LINLI_SMS_PER_ADDRESS_PER_HOUR = 3
    flood = Client(REMOTE_ADDR="203.0.113.50")
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(3):
            response = flood.post(
                "/api/accounts/sms-code",
                {"mobile": f"1370000000{i}"},
                content_type="application/json",
            )
            assert response.status_code == 202
    codes, events = SmsCode.objects.count(), AuditEvent.objects.count()
    for i in range(3, 30):
        response = flood.post(
            "/api/accounts/sms-code",
            {"mobile": f"137000000{i:02d}"},
            content_type="application/json",
        )
        assert response.status_code == 429
        assert "您所在网络获取验证码过于频繁" in response.json()["detail"]
    response = flood.post(LOGIN, {"action": "sms_request", "sms-mobile": "13700000099"})
    assert response.status_code == 429
    # the refused requests wrote no SMS row and no audit event
    assert SmsCode.objects.count() == codes and AuditEvent.objects.count() == events
    # another address still gets its code
    user = world.users.resident_a
    with django_capture_on_commit_callbacks(execute=True):
        response = Client(REMOTE_ADDR="198.51.100.30").post(
            "/api/accounts/sms-code", {"mobile": user.mobile}, content_type="application/json"
        )
    assert response.status_code == 202 and MemorySmsSender.outbox[-1][0] == user.mobile


def test_client_address_trusts_forwarded_for_only_behind_configured_proxies(settings):
    rf = RequestFactory()
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5")
    settings.LINLI_TRUSTED_PROXIES = 0
    assert client_address(request) == "127.0.0.1"
    settings.LINLI_TRUSTED_PROXIES = 1  # nginx appends the address it saw: the last hop
    assert client_address(request) == "203.0.113.5"
    ipv6 = rf.get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1")
    assert client_address(ipv6) == "2001:db8:1:2::/64"  # one subscriber's block


def test_api_is_throttled_per_user(world, settings):
    settings.LINLI_API_RATE_AUTH = "3/m"
    staff = ApiClient(world.users.staff_a)
    for _ in range(3):
        assert staff.get("/api/accounts/me").status_code == 200
    response = staff.get("/api/accounts/me")
    assert response.status_code == 429
    assert "请求过于频繁" in response.json()["detail"]
    assert int(response["Retry-After"]) > 0
    # other users have their own allowance
    assert ApiClient(world.users.resident_a).get("/api/accounts/me").status_code == 200


def test_api_is_throttled_per_anonymous_address(world, settings):
    settings.LINLI_API_RATE_ANON = "2/m"
    anonymous = Client(REMOTE_ADDR="203.0.113.77")
    statuses = [
        anonymous.post(
            "/api/accounts/sms-code", {"mobile": f"1360000000{i}"}, content_type="application/json"
        ).status_code
        for i in range(3)
    ]
    assert statuses == [202, 202, 429]
    assert SmsCode.objects.count() == 2


def test_administrator_finds_and_lifts_a_pause_by_mobile_number(client, world):
    user = world.users.resident_a
    for _ in range(5):
        _password(client, user.mobile, "wrong-guess")
    admin_user = User.objects.create_user(mobile="13911113333", password=PASSWORD, name="管理员")
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    staff = Client()
    staff.force_login(admin_user)
    url = reverse("admin:accounts_loginthrottle_changelist")
    row = LoginThrottle.objects.get(kind="pw_account")
    link = reverse("admin:accounts_loginthrottle_change", args=[row.pk])
    assert link in staff.get(url, {"q": user.mobile}).content.decode()
    assert link not in staff.get(url, {"q": "13800000000"}).content.decode()
    staff.post(reverse("admin:accounts_loginthrottle_delete", args=[row.pk]), {"post": "yes"})
    assert _password(Client(), user.mobile, PASSWORD).status_code == 302
