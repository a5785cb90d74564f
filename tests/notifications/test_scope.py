"""The site-wide scope walk (tests/core/test_scope_walk.py) restricted to this app's pages
and API, so its result does not depend on other apps' URLs being mapped."""

from __future__ import annotations

import pytest
from django.urls import get_resolver, reverse

import tests.notifications.scope_side  # noqa: F401  (registers the builder)
from tests.core.scope_sides import side_objects
from tests.core.test_scope_walk import B_MARKERS, _call, kwarg_names, object_for, texts_of, walk

pytestmark = pytest.mark.django_db


def routes():
    return [
        (route, name, p)
        for route, name, p in walk(get_resolver().url_patterns)
        if "notifications" in route and name and not route.startswith("admin/")
    ]


def test_walk_covers_pages_and_api():
    names = {name for _, name, _ in routes()}
    assert "notifications:door_notice" in names
    assert any(n.startswith("api:") for n in names)


def test_b_objects_are_refused_to_a(world, client):
    b = side_objects(world, "b")
    client.force_login(world.users.staff_a)
    checked, leaks = 0, []
    for _route, name, pattern in routes():
        names = kwarg_names(pattern)
        if not names:
            continue
        url = reverse(name, kwargs={k: object_for(k, name, b).pk for k in names})
        for method in ("get", "post", "put", "delete"):
            r = _call(client, method, url)
            if r.status_code == 405:
                continue
            checked += 1
            if r.status_code not in (403, 404):
                leaks.append(f"{method} {url} → {r.status_code}")
    assert checked >= 10
    assert leaks == []


def test_a_pages_show_nothing_of_b(world, client):
    a = side_objects(world, "a")
    side_objects(world, "b")
    client.force_login(world.users.staff_a)
    seen, leaks = 0, []
    for _route, name, pattern in routes():
        kwargs = {k: object_for(k, name, a).pk for k in kwarg_names(pattern)}
        url = reverse(name, kwargs=kwargs)
        r = client.get(url)
        if r.status_code != 200:
            continue
        seen += 1
        text = texts_of(r)
        leaks += [f"{url}: {m}" for m in B_MARKERS if m in text]
    assert seen >= 6
    assert leaks == []
