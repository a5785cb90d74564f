from linli.accounts.models import ApiToken
from linli.accounts.sms import MemorySmsSender
from tests.api_client import ApiClient


def test_me_lists_roles_and_masks_own_mobile(world):
    api = ApiClient(world.users.staff_a)
    me = api.get("/api/accounts/me").json()
    assert me["roles"][0]["role_label"] == "居委会工作人员"
    assert me["mobile_masked"][3:7] == "****"
    assert me["managed_committee_ids"] == [world.committee_a.pk]


def test_large_text_preference_persists(world):
    api = ApiClient(world.users.resident_a)
    assert (
        api.put("/api/accounts/me/preferences", {"large_text": True}).json()["large_text"] is True
    )
    world.users.resident_a.refresh_from_db()
    assert world.users.resident_a.large_text is True


def test_revoked_token_no_longer_works(world):
    api = ApiClient(world.users.staff_a)
    token = ApiToken.objects.filter(user=world.users.staff_a).get()
    assert api.delete(f"/api/accounts/tokens/{token.pk}").status_code == 204
    assert api.get("/api/accounts/me").status_code == 401


def test_sms_code_is_sent_only_to_registered_numbers_and_is_throttled(
    world, django_capture_on_commit_callbacks
):
    from django.test import Client

    c = Client()
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(
            "/api/accounts/sms-code",
            {"mobile": world.users.resident_a.mobile},
            content_type="application/json",
        )
    assert r.status_code == 202
    assert MemorySmsSender.outbox and MemorySmsSender.outbox[-1][0] == world.users.resident_a.mobile
    r = c.post(
        "/api/accounts/sms-code",
        {"mobile": world.users.resident_a.mobile},
        content_type="application/json",
    )
    assert r.status_code == 429 and "频繁" in r.json()["detail"]
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(
            "/api/accounts/sms-code", {"mobile": "13900009999"}, content_type="application/json"
        )
    assert r.status_code == 202
    assert len(MemorySmsSender.outbox) == 1
    r = c.post("/api/accounts/sms-code", {"mobile": "12345"}, content_type="application/json")
    assert r.status_code == 400 and "手机号格式不正确" in r.json()["detail"]


def test_sms_code_logs_in_once(world, django_capture_on_commit_callbacks):
    from django.contrib.auth import authenticate

    from linli.accounts.services import sms_code_request

    with django_capture_on_commit_callbacks(execute=True):
        sms_code_request(mobile=world.users.resident_a.mobile)
    code = MemorySmsSender.outbox[-1][1].split("验证码是 ")[1][:6]
    assert (
        authenticate(
            None,
            mobile=world.users.resident_a.mobile,
            sms_code="000000" if code != "000000" else "111111",
        )
        is None
    )
    assert (
        authenticate(None, mobile=world.users.resident_a.mobile, sms_code=code)
        == world.users.resident_a
    )
    assert authenticate(None, mobile=world.users.resident_a.mobile, sms_code=code) is None
