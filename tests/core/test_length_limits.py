"""Every text a person can send has a server-side length limit (issue 11): the browser's
maxlength can be bypassed, so the model field, the form derived from it and the API schema
must each refuse an over-long text with a Chinese message, a 4xx and nothing saved.

The walks below fail when someone adds an unbounded CharField/TextField to a linli model
or an unbounded ``str`` to a schema an API operation reads."""

from __future__ import annotations

import types
import typing

import pytest
from annotated_types import MaxLen
from django.apps import apps
from django.db import models
from django.urls import reverse
from pydantic import BaseModel

from linli.core.apps import API_TEXT_MAX


def linli_models():
    for config in apps.get_app_configs():
        if config.name.startswith("linli."):
            yield from config.get_models()


def test_every_linli_text_field_has_a_max_length():
    unbounded = [
        f"{model._meta.label}.{field.name}"
        for model in linli_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField | models.TextField) and field.max_length is None
    ]
    assert not unbounded, "text fields without max_length: " + ", ".join(unbounded)


def test_the_api_cap_is_no_tighter_than_any_model_field():
    longest = max(
        (field.max_length or 0, f"{model._meta.label}.{field.name}")
        for model in linli_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.CharField | models.TextField)
    )
    assert longest[0] <= API_TEXT_MAX, longest


def _unbounded(tp, metadata, where, seen, cap=None) -> list[str]:
    """Paths of ``str`` values without a MaxLen in annotation ``tp`` (recursing into
    models, optionals and lists); ``cap`` is the owning model's ``str_max_length``."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Annotated:
        return _unbounded(args[0], [*metadata, *args[1:]], where, seen, cap)
    if origin in (typing.Union, types.UnionType):
        return [
            p
            for a in args
            if a is not type(None)
            for p in _unbounded(a, metadata, where, seen, cap)
        ]
    if origin in (list, tuple, set, frozenset):
        # a MaxLen here bounds the list's length; each item needs its own
        return [
            p for a in args if a is not Ellipsis for p in _unbounded(a, [], where + "[]", seen, cap)
        ]
    if origin is dict:
        return [p for a in args for p in _unbounded(a, [], where + "{}", seen, cap)]
    if tp is str:
        bounded = any(isinstance(m, MaxLen) for m in metadata) or (cap and cap <= API_TEXT_MAX)
        return [] if bounded else [where]
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        if tp in seen:
            return []
        seen.add(tp)
        own = tp.model_config.get("str_max_length")
        out = []
        for name, info in tp.model_fields.items():
            out += _unbounded(info.annotation, list(info.metadata), f"{where}.{name}", seen, own)
        return out
    return []


def test_every_api_input_string_has_a_max_length():
    from linli.api import api

    unbounded = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for op in path_view.operations:
                for model in op.signature.models:
                    cap = model.model_config.get("str_max_length")
                    for name, info in model.model_fields.items():
                        where = f"{'/'.join(op.methods)} {prefix}{path.lstrip('/')} {name}"
                        unbounded += _unbounded(
                            info.annotation, list(info.metadata), where, set(), cap
                        )
    assert not unbounded, "API inputs without max_length:\n" + "\n".join(sorted(set(unbounded)))


# ------------------------------------------------------------------ through page and API


@pytest.mark.django_db
def test_overlong_title_and_need_refused_through_pages(client, world):
    from linli.needs.models import Need
    from linli.projects.models import Project

    client.force_login(world.users.staff_a)
    r = client.post(
        reverse("projects:create"),
        {"committee": world.committee_a.pk, "title": "长" * 5000, "summary": "说明"},
    )
    html = r.content.decode()
    assert r.status_code in (400, 422) and "不超过 80" in html
    assert Project.objects.count() == 0
    client.force_login(world.users.resident_a)
    r = client.post(
        reverse("needs:submit", args=[world.committee_a.pk]),
        {"text": "楼道灯坏了" * 900, "category": "other"},
    )
    assert r.status_code in (400, 422) and "不超过" in r.content.decode()
    assert Need.objects.count() == 0


@pytest.mark.django_db
def test_overlong_title_and_need_refused_through_the_api(client, world):
    from linli.needs.models import Need
    from linli.projects.models import Project

    client.force_login(world.users.staff_a)
    r = client.post("/api/projects/", {"committee_id": world.committee_a.pk, "title": "长" * 5000},
                    content_type="application/json")  # fmt: skip
    assert r.status_code == 422 and "文字过长" in r.json()["detail"]
    assert Project.objects.count() == 0
    client.force_login(world.users.resident_a)
    r = client.post("/api/needs/", {"committee_id": world.committee_a.pk, "text": "灯" * 4001},
                    content_type="application/json")  # fmt: skip
    assert r.status_code == 422 and "文字过长" in r.json()["detail"]
    # within the schema's bound but beyond the model's: the service refuses in Chinese
    r = client.post("/api/needs/", {"committee_id": world.committee_a.pk, "text": "灯" * 1500},
                    content_type="application/json")  # fmt: skip
    assert 400 <= r.status_code < 500 and "500" in r.json()["detail"], r.json()
    assert Need.objects.count() == 0
    # a string without its own bound still meets the platform-wide one
    r = client.get("/api/needs/", {"status": "x" * (API_TEXT_MAX + 1)})
    assert r.status_code == 422 and "文字过长" in r.json()["detail"]
