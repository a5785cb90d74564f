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

from linli.places.models import MicroSpace
from linli.projects.services import project_create

B_MARKERS = ["铁路新村", "赵敏", "12号楼", "乙方专属项目", "乙方花园"]

# URL-name fragments whose bare ``pk`` parameter means this kind of object.
PK_KINDS = [
    ("workbench", "committee"),
    ("committee", "committee"),
    ("street", "street"),
    ("district", "district"),
    ("compound", "compound"),
    ("building", "building"),
    ("roster", "committee"),
    ("flat", "flat"),
    ("microspace", "microspace"),
    ("facility", "facility"),
    ("project", "project"),
    ("token", "token"),
    ("import", "roster_import"),
]
SKIP_PREFIXES = ("admin/", "static/", "media/", "i18n/", "api/docs", "api/openapi", "__")
SKIP_NAMES = {
    "accounts:login",
    "accounts:logout",
    "login",
    "logout",
    "accounts:sms_request",
    "accounts:sms_login",
}


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
    key = kwarg.removesuffix("_id").removesuffix("_pk")
    if key in objs:
        return objs[key]
    if kwarg == "pk":
        short = (url_name or "").split(":")[-1]
        ns = (url_name or "").split(":")[0]
        for fragment, kind in PK_KINDS:
            if fragment in short:
                return objs[kind]
        for fragment, kind in PK_KINDS:
            if fragment in ns:
                return objs[kind]
    raise LookupError(
        f"{url_name}: 无法为参数 {kwarg} 选取对象，请在 test_scope_walk.PK_KINDS 中补充"
    )


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
    from linli.accounts.models import ApiToken
    from linli.accounts.services import api_token_create
    from linli.places.models import Facility

    staff_a, staff_b = world.users.staff_a, world.users.staff_b
    project_a = project_create(actor=staff_a, committee=world.committee_a, title="甲方花园项目")
    project_b = project_create(actor=staff_b, committee=world.committee_b, title="乙方专属项目")
    ms_a = MicroSpace.objects.create(compound=world.compound_a, name="甲方架空层", kind="stilt")
    ms_b = MicroSpace.objects.create(compound=world.compound_b, name="乙方花园", kind="garden")
    fac_b = Facility.objects.create(
        street=world.street_b,
        committee=world.committee_b,
        kind="clinic",
        name="铁路新村卫生站",
        lat="31.3",
        lng="121.5",
    )
    fac_a = Facility.objects.create(
        street=world.street_a,
        committee=world.committee_a,
        kind="clinic",
        name="开鲁卫生站",
        lat="31.3",
        lng="121.5",
    )
    token_b, _ = api_token_create(actor=staff_b, name="乙方令牌")
    token_a = ApiToken.objects.create(
        user=staff_a, name="甲方令牌", key_hash="x" * 64, prefix="ll_aaaaa"
    )
    import_a = import_b = None
    try:
        from linli.places.roster_models import RosterImport

        import_b = RosterImport.objects.create(committee=world.committee_b, created_by=staff_b)
        import_a = RosterImport.objects.create(committee=world.committee_a, created_by=staff_a)
    except Exception:  # roster imports not present in this build
        pass
    b = {
        "committee": world.committee_b, "street": world.street_b, "district": world.district, "compound": world.compound_b,
        "building": world.building_b, "flat": world.flat_b, "microspace": ms_b, "facility": fac_b, "project": project_b,
        "token": token_b, "roster_import": import_b,
    }  # fmt: skip
    a = {
        "committee": world.committee_a, "street": world.street_a, "district": world.district, "compound": world.compound_a,
        "building": world.building_a, "flat": world.flat_a, "microspace": ms_a, "facility": fac_a, "project": project_a,
        "token": token_a, "roster_import": import_a,
    }  # fmt: skip
    return world, a, b


def all_routes():
    return [
        (route, name, p)
        for route, name, p in walk(get_resolver().url_patterns)
        if not route.startswith(SKIP_PREFIXES) and name not in SKIP_NAMES
    ]


def test_every_url_refuses_committee_b_objects_to_committee_a_staff(two_sides, client):
    world, _, b = two_sides
    client.force_login(world.users.staff_a)
    checked, leaks = 0, []
    for _route, name, pattern in all_routes():
        names = kwarg_names(pattern)
        if not names or name is None:
            continue
        kwargs = {}
        for k in names:
            obj = object_for(k, name, b)
            if obj is None:
                break
            kwargs[k] = obj.pk
        else:
            url = reverse(name, kwargs=kwargs)
            for method in ("get", "post", "put", "delete"):
                if method == "put":
                    response = client.put(url, "{}", content_type="application/json")
                else:
                    response = getattr(client, method)(url)
                if response.status_code == 405:
                    continue
                checked += 1
                if response.status_code not in (403, 404):
                    leaks.append(f"{method.upper()} {url} ({name}) → {response.status_code}")
    assert checked > 10
    # District pages are shared by both committees' district but staff A manages none of it.
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
