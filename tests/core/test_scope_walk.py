"""Walk every URL pattern of the site and the API as committee A's staff.

For each pattern that names an object, fill it with committee B's object and expect 403 or
404 for every method; for each page or list, fill it with A's objects (or nothing) and
check that none of B's rows appear — in HTML, JSON and exported spreadsheets alike.
A new URL whose parameters this test cannot fill makes it fail: map it below.
"""

from __future__ import annotations

import io
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.core.scope_sides import (
    KWARG_KINDS,
    NAMESPACE_PK_KINDS,
    PLACES_PK_KINDS,
    PUBLIC_URL_NAMES,
    URL_NAME_OVERRIDES,
    side_objects,
)

B_MARKERS = ["铁路新村", "赵敏", "12号楼", "乙方专属"]
SKIP_PREFIXES = ("admin/", "static/", "media/", "i18n/", "api/docs", "api/openapi", "__")
# Login/logout, and pages that are public on purpose (a published needs list is read by
# anyone holding its link, like a notice on a board).
SKIP_NAMES = {"accounts:login", "accounts:logout", "needs:public_list", "needs:public_pdf", "media"}


def walk(patterns, prefix="", namespace=None):
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from walk(p.url_patterns, route, ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield route, name, p


def kwarg_names(pattern: URLPattern) -> list[str]:
    return list(pattern.pattern.regex.groupindex)


def object_for(kwarg: str, url_name: str, objs: dict):
    kind = KWARG_KINDS.get(kwarg)
    for (fragment, name), override in URL_NAME_OVERRIDES.items():
        if name == kwarg and fragment in (url_name or ""):
            kind = override
    if kind is None and kwarg == "pk":
        namespace, _, short = (url_name or "").rpartition(":")
        namespace = namespace.split(":")[-1]
        kind = NAMESPACE_PK_KINDS.get(namespace)
        if namespace == "places":
            kind = next((k for fragment, k in PLACES_PK_KINDS if fragment in short), None)
    if kind is None or kind not in objs:
        raise LookupError(
            f"{url_name}: 无法为参数 {kwarg} 选取对象，请在 tests/core/scope_sides.py 中补充"
        )
    return objs[kind]


def texts_of(response) -> str:
    ctype = response.get("Content-Type", "")
    body = (
        b"".join(response.streaming_content)
        if getattr(response, "streaming", False)
        else response.content
    )
    if "spreadsheetml" in ctype:
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(c)
            for ws in wb.worksheets
            for row in ws.iter_rows(values_only=True)
            for c in row
            if c is not None
        )
    if "pdf" in ctype:
        return ""  # PDFs are checked by their own tests
    return body.decode("utf-8", errors="replace")


@pytest.fixture
def two_sides(world):
    return world, side_objects(world, "a"), side_objects(world, "b")


def all_routes():
    return [
        (route, name, p)
        for route, name, p in walk(get_resolver().url_patterns)
        if not route.startswith(SKIP_PREFIXES) and name not in SKIP_NAMES
    ]


def _call(client, method: str, url: str):
    if method in ("put", "patch") or (method == "post" and url.startswith("/api/")):
        return getattr(client, method)(url, "{}", content_type="application/json")
    return getattr(client, method)(url)


def test_every_url_refuses_committee_b_objects_to_committee_a_staff(two_sides, client):
    world, _, b = two_sides
    client.force_login(world.users.staff_a)
    checked, leaks = 0, []
    for _route, name, pattern in all_routes():
        names = kwarg_names(pattern)
        if not names or name is None or name in PUBLIC_URL_NAMES:
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
            # The API validates a request body before any handler runs: a 400/422 that a
            # made-up id gets too reveals nothing about B's object.
            if url.startswith("/api/") and response.status_code in (400, 422):
                if _call(client, method, missing).status_code == response.status_code:
                    continue
            leaks.append(f"{method.upper()} {url} ({name}) → {response.status_code}")
    assert checked > 100
    assert leaks == []


def test_pages_lists_and_exports_of_committee_a_show_none_of_b(two_sides, client):
    world, a, _ = two_sides
    client.force_login(world.users.staff_a)
    seen, leaks = 0, []
    for _route, name, pattern in all_routes():
        if name is None:
            continue
        names = kwarg_names(pattern)
        try:
            kwargs = {k: object_for(k, name, a).pk for k in names}
        except (LookupError, AttributeError):
            if names:
                raise
            kwargs = {}
        if any(v is None for v in kwargs.values()):
            continue
        url = reverse(name, kwargs=kwargs)
        response = client.get(url)
        if response.status_code != 200:
            continue
        seen += 1
        text = texts_of(response)
        for marker in B_MARKERS:
            if marker in text:
                leaks.append(f"{url} ({name}) 显示了乙方数据“{marker}”")
    assert seen > 5
    assert leaks == []


def test_unmapped_parameters_fail_loudly():
    with pytest.raises(LookupError, match="无法为参数"):
        object_for("widget_id", "x:y", {})


def test_pattern_walk_sees_site_and_api():
    names = {name for _, name, _ in walk(get_resolver().url_patterns)}
    assert any(n and n.startswith("api:") for n in names)
    assert re.compile("projects:").search(" ".join(n for n in names if n))
