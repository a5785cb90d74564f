"""The dashboards' figures are computed once per (area, year, language) and served from the
cache: a second view costs the same few queries whatever the number of rows, a copy older
than LINLI_DASHBOARD_CACHE_SECONDS is recomputed by one request while the others keep the
older copy, and every language gets its own labels."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from linli.dashboards import selectors
from linli.projects.services import project_create
from tests.api_client import ApiClient

YEAR = timezone.localdate().year


def _projects(world, n=1):
    for i in range(n):
        project_create(actor=world.users.staff_a, committee=world.committee_a, title=f"微更新{i}")


@pytest.fixture
def fresh_60(settings):
    settings.LINLI_DASHBOARD_CACHE_SECONDS = 60


def _total(client, url):
    page = client.get(url)
    assert page.status_code == 200
    return page.context["data"]["projects"]["total"]


@pytest.mark.parametrize("n", [1, 12])
def test_a_cached_view_runs_the_same_few_queries(
    client, world, fresh_60, n, django_assert_max_num_queries
):
    _projects(world, n)
    client.force_login(world.users.district)
    for url in (
        f"/dashboards/street/{world.street_a.pk}/?year={YEAR}",
        f"/dashboards/district/{world.district.pk}/?year={YEAR}",
    ):
        assert client.get(url).status_code == 200  # computes and keeps the figures
        # session, user, roles, the area and its permission: none of the aggregates
        with django_assert_max_num_queries(CACHED_QUERIES):
            assert _total(client, url) == n


CACHED_QUERIES = 7


def test_figures_are_recomputed_once_they_are_older_than_the_setting(client, world, fresh_60):
    _projects(world, 1)
    client.force_login(world.users.street_a)
    url = f"/dashboards/street/{world.street_a.pk}/?year={YEAR}"
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert _total(client, url) == 1
        _projects(world, 2)  # two more projects: the cached figures do not have them yet
        assert _total(client, url) == 1
        assert "统计于" in client.get(url).content.decode()
    with time_machine.travel(start + datetime.timedelta(seconds=59), tick=False):
        assert _total(client, url) == 1
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        assert _total(client, url) == 3
    # the API gives the same cached dict
    data = ApiClient(world.users.street_a).get(
        f"/api/dashboards/street/{world.street_a.pk}", year=YEAR
    )
    assert data.json()["projects"]["total"] == 3


def test_while_one_request_recomputes_the_others_get_the_older_copy(client, world, fresh_60):
    _projects(world, 1)
    client.force_login(world.users.street_a)
    url = f"/dashboards/street/{world.street_a.pk}/?year={YEAR}"
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert _total(client, url) == 1
    _projects(world, 2)
    area = selectors.Area("street", world.street_a)
    key = selectors._cache_key(area, YEAR)
    with time_machine.travel(start + datetime.timedelta(seconds=120), tick=False):
        assert cache.add(f"{key}:lock", 1, timeout=60)  # another process is recomputing
        assert _total(client, url) == 1
        cache.delete(f"{key}:lock")  # it finished without storing (it crashed, say)
        assert _total(client, url) == 3
        assert cache.get(f"{key}:lock") is None  # the recomputing request let go


def test_each_language_has_its_own_copy(client, world, fresh_60):
    """Labels are translated when the figures are computed: a copy per language."""
    from django.utils import translation

    client.force_login(world.users.street_a)
    assert client.get(f"/dashboards/street/{world.street_a.pk}/?year={YEAR}").status_code == 200
    area = selectors.Area("street", world.street_a)
    assert cache.get(selectors._cache_key(area, YEAR, "zh-hans")) is not None
    assert cache.get(selectors._cache_key(area, YEAR, "en")) is None
    with translation.override("en"):
        selectors.dashboard_cached(area, YEAR)
    assert cache.get(selectors._cache_key(area, YEAR, "en")) is not None


def test_zero_seconds_turns_the_cache_off(client, world, settings):
    settings.LINLI_DASHBOARD_CACHE_SECONDS = 0
    _projects(world, 1)
    client.force_login(world.users.street_a)
    url = f"/dashboards/street/{world.street_a.pk}/?year={YEAR}"
    assert _total(client, url) == 1
    _projects(world, 2)
    assert _total(client, url) == 3


def test_forget_drops_the_copy(client, world, fresh_60):
    _projects(world, 1)
    client.force_login(world.users.street_a)
    url = f"/dashboards/street/{world.street_a.pk}/?year={YEAR}"
    assert _total(client, url) == 1
    _projects(world, 2)
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="en").status_code == 200
    selectors.dashboard_forget(selectors.Area("street", world.street_a), YEAR)
    assert _total(client, url) == 3
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="en").context["data"]["projects"]["total"] == 3
