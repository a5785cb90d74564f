"""Refusals and flash messages of the conversation and survey pages go through gettext: an
English user reads them in English (per-app catalogues), a Chinese user in Chinese; and
every gettext string of those views has an English entry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
CJK = re.compile(r"[\u4e00-\u9fff]")


def _client(user, lang: str) -> Client:
    c = Client()
    c.force_login(user)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    return c


@pytest.mark.parametrize("app", ["opinions", "surveys"])
def test_every_gettext_string_of_the_views_has_an_english_entry(app):
    po = (ROOT / "linli" / app / "locale/en/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    ids = set(re.findall(r'^msgid "(.+)"$', po, flags=re.M))
    source = (ROOT / "linli" / app / "views.py").read_text(encoding="utf-8")
    used = set(re.findall(r'_\("([^"]+)"\)', source))
    assert used, "the views translate nothing"
    assert used <= ids, used - ids
    # and no Chinese literal reaches a user from the views without gettext
    for line in source.splitlines():
        code = line.split("#", 1)[0]
        for literal in re.findall(r'(?<!_\()"([^"]*)"', code):
            assert not CJK.search(literal), line


def test_refusal_and_flash_in_english_and_in_chinese(world):
    en = _client(world.users.staff_a, "en")
    r = en.post("/surveys/new/", {"committee": world.committee_b.pk, "title": "x"})
    assert r.status_code == 400 and "outside your scope" in r.content.decode()
    r = en.post(
        "/conversations/new/",
        {"committee": world.committee_a.pk, "topic": "花园怎么改？", "statements": ""},
        follow=True,
    )
    assert "The conversation has started" in r.content.decode()
    r = _client(world.users.resident_a, "en").get("/surveys/new/")
    assert r.status_code == 403 and "Only committee staff can start a survey" in r.content.decode()
    zh = _client(world.users.resident_a, "zh-hans")
    r = zh.get("/surveys/new/")
    assert r.status_code == 403 and "只有居委会工作人员可以发起问卷" in r.content.decode()
