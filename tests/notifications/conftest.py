"""Shared setup for notification tests: run the after-commit hooks, a notice for building A."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest

from linli.notifications.models import Notification

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at_shanghai(hour: int, minute: int = 0, day: int = 10) -> datetime.datetime:
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Use as ``with committed(): service(...)``: the service's after-commit callbacks run
    (the test transaction itself never commits)."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture(autouse=True)
def _daytime(settings):
    """Quiet hours are tested explicitly; elsewhere SMS goes out whatever the wall clock says."""
    settings.LINLI_NOTIFY_QUIET_HOURS = (0, 0)


def inbox(user):
    return list(Notification.objects.filter(recipient=user).order_by("id"))


def titles(user) -> list[str]:
    return [n.title for n in inbox(user)]


@pytest.fixture
def notice_a(world, committed):
    from linli.notices.services import notice_create

    with committed():
        return notice_create(
            actor=world.users.staff_a,
            committee=world.committee_a,
            kind="other",
            title="5号楼楼道改造公示",
            body="拟对5号楼楼道进行粉刷和照明改造。",
            publish=True,
        )
