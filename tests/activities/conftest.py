"""An open workshop of street A (organised by the partner organisation's planning committee)."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from linli.activities import services
from tests.partners.conftest import build_org


def make_activity(world, org, *, actor=None, kind="workshop", capacity=2, starts_in=2, **kw):
    start = timezone.now() + datetime.timedelta(days=starts_in)
    data = dict(
        actor=actor or world.users.street_a,
        street=world.street_a,
        kind=kind,
        title="小小景观设计师工作坊" if kind == "workshop" else "转角遇见设计赛",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        capacity=capacity,
        organiser="partner_committee",
        partner_committee=org.committees["planning"],
        compound=world.compound_a,
        place="开鲁一村睦邻点",
        description="和孩子们一起设计小花园",
    )
    data.update(kw)
    return services.activity_create(**data)


@pytest.fixture
def act(world):
    org = build_org(world)
    return SimpleNamespace(org=org, activity=make_activity(world, org))
