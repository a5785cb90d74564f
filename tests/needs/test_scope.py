"""Every needs URL (pages and API) refuses committee B's objects to committee A's staff,
and A's pages and exports show none of B's data (the needs part of tests/core/test_scope_walk)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linli.needs import services
from linli.places.models import MicroSpace
from tests.core.test_scope_walk import all_routes, kwarg_names, texts_of
from tests.needs.conftest import upload

pytestmark = pytest.mark.django_db
B_MARKERS = ["铁路新村", "赵敏", "12号楼", "乙方需求"]
VALID_BODY = {
    "title": "x", "name": "x", "channel": "visit", "text": "x",
    "supporters": 1, "households": 1, "safety": 1, "vulnerable": 1, "cost": 1,
}  # fmt: skip


def _side(world, committee, compound, building, staff, resident, street, text):
    need = services.need_submit(actor=resident, committee=committee, text=text, building=building)
    lst = services.needs_list_create(actor=staff, committee=committee)
    services.needs_list_publish(actor=staff, needs_list=lst)
    lst.refresh_from_db()
    report = services.space_report_submit(
        actor=resident, committee=committee, compound=compound, kind="stilt", place="架空层",
        problem=text,
    )  # fmt: skip
    ms = MicroSpace.objects.create(compound=compound, name="小花园", kind="garden")
    return {
        "need": need, "list": lst, "report": report, "committee": committee, "street": street,
        "compound": compound, "building": building, "microspace": ms, "token": lst,
    }  # fmt: skip


@pytest.fixture
def sides(world):
    u = world.users
    a = _side(
        world,
        world.committee_a,
        world.compound_a,
        world.building_a,
        u.staff_a,
        u.resident_a,
        world.street_a,
        "甲方需求：楼道灯坏了",
    )
    b = _side(
        world,
        world.committee_b,
        world.compound_b,
        world.building_b,
        u.staff_b,
        u.resident_b,
        world.street_b,
        "乙方需求：车棚漏雨",
    )
    return a, b


def needs_routes():
    return [
        (r, n, p)
        for r, n, p in all_routes()
        if n and (n.startswith("needs:") or "/needs/" in f"/{r}")
    ]


def _kwargs(pattern, objs):
    out = {}
    for k in kwarg_names(pattern):
        key = k.removesuffix("_id")
        obj = objs[key]
        out[k] = obj.public_token if k == "token" else obj.pk
    return out


def test_needs_urls_refuse_committee_b_objects(sides, client, world):
    _, b = sides
    client.force_login(world.users.staff_a)
    checked, leaks = 0, []
    for _route, name, pattern in needs_routes():
        if not kwarg_names(pattern) or "public" in name:
            continue
        url = reverse(name, kwargs=_kwargs(pattern, b))
        for method in ("get", "post", "put"):
            # API bodies are valid, so that the scope check (not validation) answers
            if method == "get":
                response = client.get(url)
            elif name == "api:add_photos":
                response = client.post(url, {"photos": [upload()]})
            elif name.startswith("api:"):
                response = getattr(client, method)(url, VALID_BODY, content_type="application/json")
            else:
                response = getattr(client, method)(url)
            if response.status_code == 405:
                continue
            checked += 1
            if response.status_code not in (403, 404):
                leaks.append(f"{method.upper()} {url} ({name}) → {response.status_code}")
    assert checked > 30
    assert leaks == [], "\n".join(leaks)


def test_needs_pages_and_exports_of_a_show_none_of_b(sides, client, world):
    a, _ = sides
    client.force_login(world.users.staff_a)
    seen, leaks = 0, []
    for _route, name, pattern in needs_routes():
        url = reverse(name, kwargs=_kwargs(pattern, a))
        response = client.get(url, follow=True)
        if response.status_code != 200:
            continue
        seen += 1
        text = texts_of(response)
        leaks += [f"{url} 显示了“{m}”" for m in B_MARKERS if m in text]
    assert seen > 12
    assert leaks == []


def test_public_page_of_b_shows_only_b(sides, client):
    a, b = sides
    page = client.get(reverse("needs:public_list", args=[b["list"].public_token])).content.decode()
    assert "乙方需求" in page and "甲方需求" not in page
