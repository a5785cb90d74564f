"""Rendering every page of the English site finds no Chinese UI string (issue 10).

Every GET page of the site (the same URL walk as the scope walk, filled with committee A's
objects from ``tests/core/scope_sides.py``) is rendered with the English language cookie by
the first of A's roles that may see it (committee staff, resident, building leader, street
staff, district admin, community planner), and each role's home page by that role.  Data is
not UI: every text value stored in the test database (names, titles, addresses, notes …) is
removed from the page first.  What is left must hold no Chinese character.

Pages that still show Chinese are listed in ``STILL_CHINESE`` with the reason; the list may
only shrink — a listed page that has become clean fails the test until it is removed.
"""

from __future__ import annotations

import html
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test import Client
from django.urls import get_resolver, reverse

from tests.core.scope_sides import side_objects
from tests.core.test_scope_walk import SKIP_PREFIXES, kwarg_names, object_for, walk

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
# Chinese that is not a UI string: the language switch names Chinese in Chinese.
NOT_UI = ["简体中文"]
# Not pages: files, feeds and machine formats; the API speaks JSON with its own tests.
SKIP_NAMES = {"accounts:logout", "media", "set_language", "javascript-catalog"}
SKIP_ROUTE_PREFIXES = (*SKIP_PREFIXES, "api/")

# Pages that still show Chinese in English, by URL name, with what is still untranslated.
# SHORT and shrinking: remove an entry as soon as its page is clean (the test says so).
STILL_CHINESE: dict[str, str] = {
    # the quorum and tally rule texts come from linli/engine (framework-free, not translated)
    "deliberation:detail": "rule name 居民会议 / quorum text from the engine",
    "deliberation:minutes_edit": "quorum text 过半数 from the engine",
    "deliberation:quorum": "quorum text 过半数 from the engine",
    "voting:result": "failed-rule texts (参与表决的专有部分面积不足三分之二) from the engine",
    # a flat's label (101室) is built by places' Flat.__str__ (places: helper H7a)
    "evaluation:convention": "flat label 101室",
    "funding:contributions": "flat label 101室",
    "notifications:door_notice": "flat label 101室",
    "notifications:door_vote": "flat label 101室",
    "places:flat": "flat label 101室 and the link-account help text",
    # the roster format is Chinese: the examples show what the import reads (5号楼, 1单元, 男)
    "roster:upload": "examples of the Chinese roster format",
    # labels of the needs, surveys, opinions and planning apps (helper H7a)
    "home (/places/mine/)": "to-do badge 问卷",
    "places:my_home": "to-do badge 问卷",
    "opinions:detail": "status 征询中",
    "opinions:list": "status 征询中",
    "opinions:moderate": "status 已通过",
    "planning:profile": "未登记",
    "surveys:create": "audience 全居委会",
    "surveys:detail": "unit 每位居民一份",
    "surveys:list": "unit 每位居民一份, status 收集中",
    "surveys:paper": "question kind 填空题",
    "surveys:results": "question kind 填空题",
    # dashboards (helper H6): the records pages' titles come from dashboards/records.py
    "dashboards:district_records": "record list title 全部项目",
    "dashboards:street_records": "record list title 全部项目",
    "dashboards:district": "age bands 18岁以下 … of dashboards/participation.py",
    "dashboards:street": "age bands 18岁以下 … of dashboards/participation.py",
    "opendata:dictionary": "licence note 本数据由居委会已公开的记录汇总生成…",
}


def _data_strings() -> list[str]:
    """Every text value in the database that holds Chinese: this is data, not UI."""
    found: set[str] = set()
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            continue
        for row in model._base_manager.values_list(*fields):
            for value in row:
                _collect(value, found)
    return sorted(found, key=len, reverse=True)


def _collect(value, found: set[str]) -> None:
    if isinstance(value, str):
        if CJK.search(value):
            found.add(value)
            found.update(line.strip() for line in value.splitlines() if CJK.search(line))
    elif isinstance(value, dict):
        for k, v in value.items():
            _collect(k, found)
            _collect(v, found)
    elif isinstance(value, list | tuple):
        for v in value:
            _collect(v, found)


def _client(user) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return c


def _chinese_left(body: str, data: list[str]) -> list[str]:
    text = re.sub(r"<!--.*?-->", "", body, flags=re.S)
    text = html.unescape(text)
    for value in data:
        text = text.replace(value, " ")
    for value in NOT_UI:
        text = text.replace(value, " ")
    return [
        text[max(0, m.start() - 30) : m.end() + 30].replace("\n", " ") for m in CJK.finditer(text)
    ]


def _pages(objs) -> list[tuple[str, str]]:
    pages = []
    for route, name, pattern in walk(get_resolver().url_patterns):
        if name is None or route.startswith(SKIP_ROUTE_PREFIXES) or name in SKIP_NAMES:
            continue
        names = kwarg_names(pattern)
        try:
            kwargs = {k: object_for(k, name, objs).pk for k in names}
        except (LookupError, AttributeError):
            continue
        if any(v is None for v in kwargs.values()):
            continue
        pages.append((name, reverse(name, kwargs=kwargs)))
    return pages


def _render_as_first_allowed(clients, url):
    for client in clients:
        response = client.get(url)
        if response.status_code == 200:
            return response
        if response.status_code == 405:  # an action, not a page
            return None
    return None


def test_every_page_of_the_english_site_is_english(world):
    objs = side_objects(world, "a")
    u = world.users
    roles = [u.staff_a, u.resident_a, u.leader_a, u.street_a, u.district, u.planner_a]
    clients = [_client(user) for user in roles] + [_client(None)]
    data = _data_strings()
    seen, chinese = 0, {}
    for client in clients[:-1]:
        response = client.get(reverse("home"), follow=True)
        left = _chinese_left(response.content.decode(), data)
        if left:
            chinese[f"home ({response.redirect_chain[-1][0]})"] = left[:3]
    for name, url in _pages(objs):
        response = _render_as_first_allowed(clients, url)
        if response is None or "text/html" not in response.get("Content-Type", ""):
            continue
        seen += 1
        left = _chinese_left(response.content.decode(), data)
        if left:
            chinese[name] = left[:3]
    assert seen > 100, seen
    unexpected = {k: v for k, v in chinese.items() if k not in STILL_CHINESE}
    cleaned = sorted(set(STILL_CHINESE) - set(chinese))
    assert not unexpected, "\n".join(f"{k}: {v}" for k, v in sorted(unexpected.items()))
    assert not cleaned, f"now English, remove from STILL_CHINESE: {cleaned}"


def test_the_walk_notices_chinese_ui(world, client):
    """The check itself can fail: a Chinese page (the default language) is caught, and data
    (a committee's name) is not mistaken for UI."""
    data = _data_strings()
    client.force_login(world.users.staff_a)
    body = client.get(reverse("places:workbench", args=[world.committee_a.pk])).content.decode()
    assert _chinese_left(body, data)
    assert world.committee_a.name in data
    assert not _chinese_left(f"<p>{world.committee_a.name}</p>", data)
