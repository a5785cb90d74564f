"""Every conversation and survey URL (pages and API) as committee A's staff.

Like tests/core/test_scope_walk.py, restricted to these apps' routes and with their objects:
B's objects are 403/404 for every method (API bodies are judged only after the scope
check); A's pages never show B's rows.
"""

from __future__ import annotations

from django.urls import reverse

from linli.opinions import services as op
from linli.surveys import services as sv
from tests.core.test_scope_walk import B_MARKERS, all_routes, kwarg_names, texts_of


def _objects(staff, committee, marker):
    conv = op.conversation_create(
        actor=staff, committee=committee, topic=f"{marker}议题", statements=[f"{marker}观点"]
    )
    survey = sv.survey_create(actor=staff, committee=committee, title=f"{marker}问卷")
    q = sv.question_add(actor=staff, survey=survey, kind="short", text=f"{marker}题目")
    sv.survey_set_status(actor=staff, survey=survey, status="open")
    return {
        "conversation": conv,
        "statement": conv.statements.get(),
        "survey": survey,
        "question": q,
    }


def _kwargs(route, pattern, objs):
    out = {}
    for k in kwarg_names(pattern):
        key = k.removesuffix("_id")
        if key == "pk":
            key = "conversation" if "conversations/" in route else "survey"
        out[k] = objs[key].pk
    return out


def test_b_objects_refused_and_a_pages_clean(world, client):
    a = _objects(world.users.staff_a, world.committee_a, "甲方")
    b = _objects(world.users.staff_b, world.committee_b, "乙方专属")
    client.force_login(world.users.staff_a)
    checked, leaks, seen = 0, [], 0
    mine = [
        (route, name, p)
        for route, name, p in all_routes()
        if name and ("conversations/" in route or "surveys/" in route)
    ]
    for route, name, pattern in mine:
        if kwarg_names(pattern):
            url = reverse(name, kwargs=_kwargs(route, pattern, b))
            for method in ("get", "post", "put", "delete"):
                if method == "put" or (method == "post" and url.startswith("/api/")):
                    r = getattr(client, method)(url, "{}", content_type="application/json")
                else:
                    r = getattr(client, method)(url)
                if r.status_code == 405:
                    continue
                checked += 1
                if r.status_code not in (403, 404):
                    leaks.append(f"{method.upper()} {url} → {r.status_code}")
        r = client.get(reverse(name, kwargs=_kwargs(route, pattern, a)))
        if r.status_code == 200:
            seen += 1
            text = texts_of(r)
            leaks += [f"{name} 显示了“{m}”" for m in [*B_MARKERS, "乙方专属"] if m in text]
    assert checked > 30 and seen > 10, (checked, seen)
    assert leaks == [], "\n".join(leaks)
