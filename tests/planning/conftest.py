"""Step-2 fixtures: the world's planner in the district's pool, paired with street A."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from linli.planning import services
from linli.projects.services import project_create


def png(name="render.png", size=(800, 600)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (40, 140, 90)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


@pytest.fixture
def paired(world):
    u = world.users
    planner = services.planner_add(
        actor=u.district, district=world.district, name="林老师", profession="landscape",
        organisation="同济大学", mobile="13912345678", user=u.planner_a,
    )  # fmt: skip
    world.planner = planner
    world.pairing = services.planner_pair(actor=u.street_a, planner=planner, street=world.street_a)
    world.project = project_create(
        actor=u.staff_a, committee=world.committee_a, title="中心花园微更新",
        buildings=[world.building_a],
    )  # fmt: skip
    return world


@pytest.fixture
def published(paired):
    """Round 1 with two options, sent down to building A."""
    w, planner = paired, paired.users.planner_a
    rnd = services.round_create(actor=planner, project=w.project, buildings=[w.building_a])
    a = services.option_save(actor=planner, round=rnd, label="方案A：口袋花园",
                             description="保留大树，增加座椅", cost_items=[("座椅", "1200"), ("花箱", "800.50")],
                             files=[png()])  # fmt: skip
    b = services.option_save(actor=planner, round=rnd, label="方案B：儿童角",
                             description="软质铺地和滑梯", cost_items=[("铺地", "5000")])  # fmt: skip
    rnd = services.round_publish(actor=planner, round=rnd)
    w.round1, w.option_a, w.option_b = rnd, a, b
    return w


import tests.planning.scope_side  # noqa: E402,F401  (planning's side of the scope walk)
