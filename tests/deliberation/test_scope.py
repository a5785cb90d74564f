"""Every meeting and notice URL (pages and API) refuses committee B's objects to committee
A's staff and residents (403/404 for every method), and A's pages show none of B's rows.

Like tests/core/test_scope_walk.py, but limited to these two apps and with their objects.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse
from django.utils import timezone

from linli.deliberation.services import meeting_create, meeting_sign_in, minutes_save
from linli.notices.services import notice_create, objection_lodge
from linli.projects.services import project_create
from tests.core.test_scope_walk import kwarg_names, texts_of, walk
from tests.notices.conftest import PDF

pytestmark = pytest.mark.django_db

PREFIXES = ("meetings/", "notices/", "api/meetings/", "api/notices/")
B_MARKERS = ["铁路新村", "赵敏", "乙方"]


def _side(world, committee, staff, resident, tag):
    project = project_create(actor=staff, committee=committee, title=f"{tag}花园项目")
    meeting = meeting_create(
        actor=staff,
        committee=committee,
        kind="residents",
        title=f"{tag}居民会议",
        convener="committee",
        starts_at=timezone.now() + datetime.timedelta(hours=1),
        expected_count=5,
        project=project,
    )
    meeting_sign_in(actor=staff, meeting=meeting, name=f"{tag}签到人")
    minutes_save(actor=staff, meeting=meeting, summary=f"{tag}纪要")
    notice = notice_create(
        actor=staff,
        committee=committee,
        project=project,
        kind="plan",
        title=f"{tag}方案公示",
        body=f"{tag}公示内容",
        attachments=[SimpleUploadedFile(f"{tag}.pdf", PDF)],
        publish=True,
    )
    objection = objection_lodge(
        actor=resident,
        notice=notice,
        reason=f"{tag}异议",
        attachments=[SimpleUploadedFile(f"{tag}异议.pdf", PDF)],
    )
    return {
        "meeting": meeting,
        "project": project,
        "notice": notice,
        "objection": objection,
        "attachment": notice.attachments.get(),
        "objection_attachment": objection.attachments.get(),
    }


def _kwargs(name: str, names: list[str], objs: dict) -> dict:
    out = {}
    for k in names:
        key = k.removesuffix("_id")
        if key == "attachment" and name and "objection" in name:
            key = "objection_attachment"
        out[k] = objs[key].pk
    return out


# A valid body for each API action, so that the refusal tested is the scope, not the payload.
API_BODIES = [
    ("/siyi/", {"step": "propose"}),
    ("/agenda", {"title": "议题"}),
    ("/checkin", {"token": "x"}),
    ("/attendance", {"name": "某人"}),
    ("/minutes", {"summary": "改写"}),
    ("/publish", {}),
    ("/extend", {"ends_at": "2030-01-01T00:00:00+08:00", "reason": "延长"}),
    ("/withdraw", {"reason": "撤回"}),
    ("/respond", {"response": "答复"}),
]


def _call(client, method: str, url: str):
    if url.startswith("/api/") and method in ("post", "put"):
        if url.endswith("/objections"):
            return client.post(url, {"reason": "异议"})  # multipart form
        body = next((b for suffix, b in API_BODIES if suffix in url), {})
        return getattr(client, method)(url, body, content_type="application/json")
    if method == "put":
        return client.put(url, "{}", content_type="application/json")
    return getattr(client, method)(url)


def _routes():
    return [
        (route, name, p)
        for route, name, p in walk(get_resolver().url_patterns)
        if route.startswith(PREFIXES) and name
    ]


@pytest.fixture
def sides(world):
    a = _side(world, world.committee_a, world.users.staff_a, world.users.resident_a, "甲方")
    b = _side(world, world.committee_b, world.users.staff_b, world.users.resident_b, "乙方")
    return a, b


@pytest.mark.parametrize("who", ["staff_a", "resident_a", "street_a"])
def test_b_objects_are_403_or_404_for_a(client, world, sides, who):
    _, b = sides
    client.force_login(getattr(world.users, who))
    checked, leaks = 0, []
    for _route, name, pattern in _routes():
        names = kwarg_names(pattern)
        if not names:
            continue
        url = reverse(name, kwargs=_kwargs(name, names, b))
        for method in ("get", "post", "put", "delete"):
            responses = [_call(client, method, url)]
            if url.startswith("/api/") and method in ("post", "put"):
                # an empty JSON body too: the scope is checked before the body
                responses.append(getattr(client, method)(url, {}, content_type="application/json"))
            for response in responses:
                if response.status_code == 405:
                    continue
                checked += 1
                if response.status_code not in (403, 404):
                    leaks.append(f"{method.upper()} {url} ({name}) → {response.status_code}")
    assert checked > 30
    assert leaks == [], "\n".join(leaks)


def test_pages_and_lists_of_a_show_none_of_b(client, world, sides):
    a, _ = sides
    client.force_login(world.users.staff_a)
    seen, leaks = 0, []
    for _route, name, pattern in _routes():
        url = reverse(name, kwargs=_kwargs(name, kwarg_names(pattern), a))
        response = client.get(url)
        if response.status_code != 200:
            continue
        seen += 1
        text = texts_of(response)
        for marker in B_MARKERS:
            if marker in text:
                leaks.append(f"{url} ({name}) 显示了乙方数据“{marker}”")
    assert seen > 10
    assert leaks == []
