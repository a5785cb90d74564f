"""Login by password and by SMS code, logout, profile: large text and API tokens."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from linli.accounts.models import ApiToken, SmsCode, User
from linli.accounts.services import api_token_create, api_token_user
from linli.accounts.sms import MemorySmsSender

pytestmark = pytest.mark.django_db
PASSWORD = "linli-pass-2026"


def test_login_page_renders_both_tabs(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert "密码登录" in html and "短信验证码登录" in html
    html = client.get(reverse("accounts:login"), {"mode": "sms"}).content.decode()
    assert "获取验证码" in html


def test_login_by_password(client, world):
    user = world.users.staff_a
    response = client.post(
        reverse("accounts:login"),
        {"action": "password", "pw-mobile": user.mobile, "pw-password": PASSWORD},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get(reverse("home")).status_code == 302  # on to the workbench


def test_login_follows_safe_next_only(client, world):
    user = world.users.staff_a
    data = {"action": "password", "pw-mobile": user.mobile, "pw-password": PASSWORD}
    response = client.post(reverse("accounts:login"), {**data, "next": "/projects/"})
    assert response["Location"] == "/projects/"
    client.logout()
    response = client.post(reverse("accounts:login"), {**data, "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_login_wrong_password_is_400_in_chinese(client, world):
    response = client.post(
        reverse("accounts:login"),
        {"action": "password", "pw-mobile": world.users.staff_a.mobile, "pw-password": "wrong-one"},
    )
    assert response.status_code == 400
    assert "手机号或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_bad_mobile_format(client, world):
    response = client.post(
        reverse("accounts:login"), {"action": "password", "pw-mobile": "12345", "pw-password": "x"}
    )
    assert response.status_code == 400
    assert "手机号格式不正确" in response.content.decode()


def test_login_by_sms_code(client, world, django_capture_on_commit_callbacks):
    user = world.users.resident_a
    url = reverse("accounts:login")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"action": "sms_request", "mode": "sms", "sms-mobile": user.mobile}
        )
    assert response.status_code == 200
    assert "验证码已发送" in response.content.decode()
    assert len(MemorySmsSender.outbox) == 1
    mobile, message = MemorySmsSender.outbox[0]
    assert mobile == user.mobile
    code = re.search(r"(\d{6})", message).group(1)
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(
        url, {"action": "sms_login", "sms-mobile": user.mobile, "sms-code": wrong}
    )
    assert response.status_code == 400
    assert "验证码不正确" in response.content.decode()
    response = client.post(
        url, {"action": "sms_login", "sms-mobile": user.mobile, "sms-code": code}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    # the code works once
    client.logout()
    response = client.post(
        url, {"action": "sms_login", "sms-mobile": user.mobile, "sms-code": code}
    )
    assert response.status_code == 400


def test_sms_request_throttled_and_unknown_numbers(
    client, world, django_capture_on_commit_callbacks
):
    url = reverse("accounts:login")
    user = world.users.resident_a
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "sms_request", "sms-mobile": user.mobile})
        response = client.post(url, {"action": "sms_request", "sms-mobile": user.mobile})
    assert response.status_code == 429
    assert "过于频繁" in response.content.decode()
    assert len(MemorySmsSender.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"action": "sms_request", "sms-mobile": "13700000000"})
    assert response.status_code == 200  # same answer, but nothing sent
    assert len(MemorySmsSender.outbox) == 1
    response = client.post(url, {"action": "sms_request", "sms-mobile": "999"})
    assert response.status_code == 400
    assert SmsCode.objects.count() == 2


def test_logout_is_post_only(client, world):
    client.force_login(world.users.staff_a)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_profile_lists_roles(client, world):
    client.force_login(world.users.leader_a)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "楼组长" in html and "5号楼" in html


def test_profile_requires_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_large_text_toggle_without_js_persists(client, world):
    user = world.users.resident_a
    client.force_login(user)
    response = client.post(reverse("accounts:large_text"), {"enabled": "1"})
    assert response.status_code == 302
    assert User.objects.get(pk=user.pk).large_text is True
    html = client.get(reverse("accounts:profile")).content.decode()
    assert 'class="large-text"' in html
    # another session (another phone) gets it too
    client.logout()
    client.force_login(User.objects.get(pk=user.pk))
    assert 'class="large-text"' in client.get(reverse("places:my_home")).content.decode()
    client.post(reverse("accounts:large_text"), {"enabled": "0"})
    assert User.objects.get(pk=user.pk).large_text is False


def test_large_text_toggle_with_htmx(client, world):
    user = world.users.resident_a
    client.force_login(user)
    response = client.post(reverse("accounts:large_text"), {"enabled": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert '"enabled": true' in response["HX-Trigger"]
    assert User.objects.get(pk=user.pk).large_text is True


def test_large_text_requires_post_and_login(client, world):
    assert client.post(reverse("accounts:large_text"), {"enabled": "1"}).status_code == 302
    client.force_login(world.users.resident_a)
    assert client.get(reverse("accounts:large_text")).status_code == 405


def test_api_token_shown_once_listed_and_revoked(client, world):
    user = world.users.staff_a
    client.force_login(user)
    response = client.post(reverse("accounts:token_create"), {"name": "报表导出"})
    assert response.status_code == 200
    html = response.content.decode()
    key = re.search(r"(ll_[A-Za-z0-9_\-]+)", html).group(1)
    assert api_token_user(key) == user
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "报表导出" in html and key not in html
    token = ApiToken.objects.get(user=user)
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert api_token_user(key) is None


def test_api_token_bad_input_and_foreign_tokens(client, world):
    client.force_login(world.users.staff_a)
    response = client.post(reverse("accounts:token_create"), {"name": ""})
    assert response.status_code == 400
    assert "这个字段是必填项" in response.content.decode()
    assert not ApiToken.objects.exists()
    other, _ = api_token_create(actor=world.users.staff_b, name="别人的")
    assert client.post(reverse("accounts:token_revoke", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None
