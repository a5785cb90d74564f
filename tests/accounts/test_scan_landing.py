"""A resident scans a printed QR code without being logged in (issue 11): she lands on a
page that says what the code is for and offers the quickest login (SMS code, already the
open tab); after logging in she is back at the form. ``next`` never leaves the site, and the
landing names no building or committee, so ids reveal nothing to a stranger."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.urls import reverse

from linli.accounts.sms import MemorySmsSender
from linli.places.models import Building

pytestmark = pytest.mark.django_db


@pytest.fixture
def building(world):
    return Building.objects.create(compound=world.compound_a, number="17号楼", floors=6)


def _sms_login(client, user, next_url, capture):
    url = reverse("accounts:login")
    MemorySmsSender.outbox.clear()
    with capture(execute=True):
        r = client.post(url, {"action": "sms_request", "mode": "sms", "sms-mobile": user.mobile,
                              "next": next_url})  # fmt: skip
    assert r.status_code == 200
    html = r.content.decode()
    assert f'name="next" value="{next_url}"' in html  # still on its way back
    code = re.search(r"(\d{6})", MemorySmsSender.outbox[-1][1]).group(1)
    return client.post(url, {"action": "sms_login", "mode": "sms", "sms-mobile": user.mobile,
                             "sms-code": code, "next": next_url})  # fmt: skip


def test_anonymous_scan_lands_on_an_explaining_sms_login(
    client, world, building, django_capture_on_commit_callbacks
):
    scan = reverse("needs:scan_building", args=[building.pk])
    r = client.get(scan)
    assert r.status_code == 302 and r["Location"].startswith(reverse("accounts:login"))
    r = client.get(r["Location"])
    html = r.content.decode()
    assert r.status_code == 200
    assert 'id="scan-landing"' in html and "楼栋需求征集码" in html
    assert "短信验证码" in html and 'name="sms-mobile"' in html  # SMS tab open first
    assert f'name="next" value="{scan}"' in html
    # a stranger learns nothing about which building or committee this is
    assert "17号楼" not in html and world.committee_a.name not in html
    r = _sms_login(client, world.users.resident_a, scan, django_capture_on_commit_callbacks)
    assert r.status_code == 302 and r["Location"] == scan
    r = client.get(scan)
    assert r.status_code == 302
    assert r["Location"] == reverse("needs:submit", args=[world.committee_a.pk]) + (
        f"?building={building.pk}"
    )


@pytest.mark.parametrize(
    "name,args,query,words",
    [
        ("deliberation:checkin", [1], "?t=abc", "会议签到码"),
        ("implementation:feedback", [1], "?from=qr", "施工意见反馈码"),
        ("implementation:patrol", [1], "", "巡查签到码"),
        ("notices:detail", [1], "", "社区公示"),
        ("evaluation:convention", [1], "", "公约签署码"),
        ("needs:scan_compound", [1], "", "小区需求征集码"),
        ("needs:scan_microspace", [1], "", "小微空间需求征集码"),
    ],
)
def test_every_printed_code_is_explained(client, name, args, query, words):
    target = reverse(name, args=args) + query
    html = client.get(reverse("accounts:login") + "?next=" + quote(target)).content.decode()
    assert words in html and 'name="sms-mobile"' in html


def test_plain_login_is_unchanged(client):
    html = client.get(reverse("accounts:login") + "?next=/projects/").content.decode()
    assert 'id="scan-landing"' not in html and 'name="pw-password"' in html


EVIL = [
    "https://evil.example/needs/scan/building/1/",
    "//evil.example/needs/scan/building/1/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "javascript:alert(1)",
    "http:/evil.example",
    " //evil.example",
]


@pytest.mark.parametrize("evil", EVIL)
def test_next_never_leaves_the_site(client, world, evil, django_capture_on_commit_callbacks):
    html = client.get(reverse("accounts:login") + "?next=" + quote(evil)).content.decode()
    # the login forms and tabs carry home instead (the footer's language switch echoes the
    # page's own path, which Django's set_language checks the same way)
    login_part = html[html.index('<main class="container"') : html.index("</main>")]
    assert set(re.findall(r'name="next" value="([^"]*)"', login_part)) <= {"/"}
    assert "evil.example" not in login_part and "javascript:" not in login_part
    r = client.post(
        reverse("accounts:login"),
        {"action": "password", "pw-mobile": world.users.resident_a.mobile,
         "pw-password": "linli-pass-2026", "next": evil},
    )  # fmt: skip
    assert r.status_code == 302 and r["Location"] == "/"
