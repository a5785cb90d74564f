"""The new-survey page through the one view idiom: refusals in Chinese with a 4xx and
nothing written; the choices are those of the user's committees."""

from __future__ import annotations

import pytest
from django.test import Client

from linli.surveys.models import Survey

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_create_refusals_and_success(world):
    c = _client(world.users.staff_a)
    assert c.get("/surveys/new/").status_code == 200
    r = c.post("/surveys/new/", {"committee": world.committee_a.pk, "title": "  "})
    assert r.status_code == 400 and "请填写问卷标题" in r.content.decode()
    r = c.post(
        "/surveys/new/",
        {"committee": world.committee_b.pk, "title": "别的居委会的问卷"},
    )
    assert r.status_code == 400 and "不在您的范围内" in r.content.decode()
    r = c.post(
        "/surveys/new/",
        {"committee": world.committee_a.pk, "title": "楼道", "scope": "building"},
    )
    assert r.status_code == 400 and "楼道" in r.content.decode()  # what was typed stays
    assert not Survey.objects.exists()
    r = c.post(
        "/surveys/new/",
        {
            "committee": world.committee_a.pk,
            "title": "楼道堆物整治意见",
            "scope": "building",
            "building": world.building_a.pk,
            "unit": "household",
        },
    )
    survey = Survey.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/surveys/{survey.pk}/"
    assert (survey.building, survey.unit, survey.title) == (
        world.building_a,
        "household",
        "楼道堆物整治意见",
    )


def test_resident_cannot_open_the_page(world):
    r = _client(world.users.resident_a).get("/surveys/new/")
    assert r.status_code == 403 and "只有居委会工作人员可以发起问卷" in r.content.decode()
