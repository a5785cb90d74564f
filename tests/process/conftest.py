"""Frozen time for notice periods: ``frozen.at(dt)`` makes ``timezone.now()`` answer ``dt``."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone


class Clock:
    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch
        self.now = None

    def at(self, when: datetime.datetime) -> None:
        self.now = when
        self.monkeypatch.setattr(timezone, "now", lambda: self.now)


@pytest.fixture
def frozen(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def at_decision(world):
    """A project of committee A at 方案与决策 (no decision records yet)."""
    from linli.projects.services import project_change_stage, project_create

    staff = world.users.staff_a
    project = project_create(actor=staff, committee=world.committee_a, title="睦邻客厅改造")
    for stage in ("diagnosis", "decision"):
        project = project_change_stage(actor=staff, project=project, to_stage=stage)
    return project
