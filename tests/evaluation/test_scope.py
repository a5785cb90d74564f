"""The scope walk restricted to step 6's URLs (pages and API), with only the builders they
need, so it runs on its own; tests/core/test_scope_walk.py walks them with every app."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.core import scope_sides
from tests.core.test_scope_walk import (
    B_MARKERS,
    _call,
    all_routes,
    kwarg_names,
    object_for,
    texts_of,
)
from tests.evaluation.scope_side import evaluation_side


def _objects(world, side):
    objs = {}
    for fn in (scope_sides.places_and_projects, scope_sides.meetings_and_notices, evaluation_side):
        objs.update(fn(world, side) or {})
    return objs


def _ours():
    return [
        (route, name, p)
        for route, name, p in all_routes()
        if name and (name.startswith("evaluation:") or route.startswith("api/evaluation/"))
    ]


@pytest.fixture
def sides(world):
    return _objects(world, "a"), _objects(world, "b")


def test_step6_urls_refuse_committee_b_objects(client, world, sides):
    _, b = sides
    client.force_login(world.users.staff_a)
    checked, leaks = 0, []
    for _route, name, pattern in _ours():
        names = kwarg_names(pattern)
        if not names:
            continue
        url = reverse(name, kwargs={k: object_for(k, name, b).pk for k in names})
        missing = reverse(name, kwargs={k: 987654321 for k in names})
        for method in ("get", "post", "put", "delete"):
            response = _call(client, method, url)
            if response.status_code == 405:
                continue
            checked += 1
            if response.status_code in (403, 404):
                continue
            if url.startswith("/api/") and response.status_code in (400, 422):
                if _call(client, method, missing).status_code == response.status_code:
                    continue
            leaks.append(f"{method.upper()} {url} ({name}) → {response.status_code}")
    assert checked > 40
    assert leaks == []


def test_step6_pages_of_committee_a_show_none_of_b(client, world, sides):
    a, _ = sides
    client.force_login(world.users.staff_a)
    seen, leaks = 0, []
    for _route, name, pattern in _ours():
        names = kwarg_names(pattern)
        url = reverse(name, kwargs={k: object_for(k, name, a).pk for k in names})
        response = client.get(url)
        if response.status_code != 200:
            continue
        seen += 1
        text = texts_of(response)
        leaks += [f"{url} 显示了“{m}”" for m in B_MARKERS if m in text]
    assert seen > 10
    assert leaks == []


def test_public_case_pages_show_no_draft_of_anyone(client, world, sides):
    _, b = sides
    for url in (reverse("evaluation:cases"), reverse("evaluation:case", args=[b["case"].pk])):
        r = client.get(url)
        assert r.status_code in (200, 404)
        assert not any(m in r.content.decode() for m in B_MARKERS)
