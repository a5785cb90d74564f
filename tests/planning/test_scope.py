"""The site-wide scope walk, restricted to planning's pages and API: committee A's staff get
403/404 for every committee-B object of step 2."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.core.test_scope_walk import _call, all_routes, kwarg_names, object_for
from tests.planning.scope_side import planning_side

pytestmark = pytest.mark.django_db


def test_planning_urls_refuse_committee_b_objects(world, client):
    from tests.core import scope_sides

    b = {}
    for fn in scope_sides.BUILDERS:
        if fn.__name__ in ("places_and_projects", "planning_side"):
            b.update(fn(world, "b") or {})
    assert planning_side in scope_sides.BUILDERS or any(
        f.__name__ == "planning_side" for f in scope_sides.BUILDERS
    )
    client.force_login(world.users.staff_a)
    checked, leaks = 0, []
    for route, name, pattern in all_routes():
        if not (route.startswith("planning/") or route.startswith("api/planning/")):
            continue
        names = kwarg_names(pattern)
        if not names:
            continue
        url = reverse(name, kwargs={k: object_for(k, name, b).pk for k in names})
        for method in ("get", "post", "put", "delete"):
            response = _call(client, method, url)
            if response.status_code == 405:
                continue
            checked += 1
            if response.status_code in (403, 404):
                continue
            if url.startswith("/api/") and response.status_code in (400, 422):
                continue
            leaks.append(f"{method.upper()} {url} ({name}) → {response.status_code}")
    assert checked > 20
    assert leaks == []
