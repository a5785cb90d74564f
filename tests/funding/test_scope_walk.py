"""The site-wide scope walk, restricted to funding's pages and API (committee A vs B)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.core import test_scope_walk as walk
from tests.core.scope_sides import side_objects
from tests.funding.scope_builder import register

register()
pytestmark = pytest.mark.django_db


def _funding_routes():
    return [
        (route, name, p)
        for route, name, p in walk.all_routes()
        if route.startswith(("funding/", "api/funding/"))
    ]


def test_funding_urls_refuse_committee_b_objects(world, client):
    b = side_objects(world, "b")
    client.force_login(world.users.staff_a)
    checked, leaks = 0, []
    for _route, name, pattern in _funding_routes():
        names = walk.kwarg_names(pattern)
        if not names or name is None:
            continue
        url = reverse(name, kwargs={k: walk.object_for(k, name, b).pk for k in names})
        missing = reverse(name, kwargs={k: 987654321 for k in names})
        for method in ("get", "post", "put", "delete"):
            response = walk._call(client, method, url)
            if response.status_code == 405:
                continue
            checked += 1
            if response.status_code in (403, 404):
                continue
            if url.startswith("/api/") and response.status_code in (400, 422):
                if walk._call(client, method, missing).status_code == response.status_code:
                    continue
            leaks.append(f"{method.upper()} {url} ({name}) → {response.status_code}")
    assert checked > 25
    assert leaks == []


def test_funding_pages_of_a_show_nothing_of_b(world, client):
    a = side_objects(world, "a")
    side_objects(world, "b")
    client.force_login(world.users.staff_a)
    seen, leaks = 0, []
    for _route, name, pattern in _funding_routes():
        if name is None:
            continue
        names = walk.kwarg_names(pattern)
        url = reverse(name, kwargs={k: walk.object_for(k, name, a).pk for k in names})
        response = client.get(url)
        if response.status_code != 200:
            continue
        seen += 1
        text = walk.texts_of(response)
        for marker in walk.B_MARKERS:
            if marker in text:
                leaks.append(f"{url} ({name}) 显示了乙方数据“{marker}”")
    assert seen >= 5
    assert leaks == []
