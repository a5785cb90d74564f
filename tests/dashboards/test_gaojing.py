"""The seed's report reproduced (seed 002): 高境镇's 2023 dashboard, computed from the demo's
records, shows 93 partners, ≥10 activities, 7 micro-renewal projects, ≥6,000 人次, 44
proposals, 96 self-governance meetings and 32 residential areas — from the selector, the
page and the API alike. Yangpu's dashboard shows its 60 neighbourhood centres and counts its
BOT garage from project records."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from linli.accounts.models import User
from linli.dashboards import selectors
from linli.demo import gaojing
from linli.places.models import District, Street
from tests.api_client import ApiClient


@pytest.fixture
def demo(db):
    call_command("demo_district", "--scale", "small", verbosity=0, stdout=io.StringIO())


def test_gaojing_2023_reproduces_the_seed(demo, client):
    town = Street.objects.get(name="高境镇", district__name="宝山区")
    data = selectors.dashboard(selectors.Area("street", town), 2023)
    assert data["committees"]["n"] == 32
    assert data["partners"]["n"] == 93
    assert data["activities"]["n"] >= 10
    assert data["projects"]["micro_renewal"] == 7
    assert data["projects"]["proposals"] == 44
    assert data["meetings"]["total"] == 96
    p = data["participation"]
    assert p["participations"] >= 6000
    assert 0 < p["people"] < p["participations"]
    assert p["over_60"]["people"] > 0
    assert p["by_channel"]["online"]["n"] > 0 and p["by_channel"]["offline"]["n"] > 0
    assert data["committees"]["idle"] == []  # every 居民区 held its meetings

    # the same figures from the API and on the page, for the town's staff login
    staff = User.objects.get(mobile=gaojing.STAFF_MOBILE)
    api = ApiClient(staff).get(f"/api/dashboards/street/{town.pk}", year=2023)
    assert api.status_code == 200
    assert api.json() == data
    client.force_login(staff)
    page = client.get(f"/dashboards/street/{town.pk}/?year=2023").content.decode()
    for figure in ("93", "96", "44", str(p["participations"])):
        assert f'<span class="stat-n">{figure}</span>' in page
    # a figure's records: the 96 meetings listed behind the figure
    records = client.get(f"/dashboards/street/{town.pk}/records/meetings/?year=2023")
    assert "共 96 条" in records.content.decode()
    # nothing in another year
    assert selectors.dashboard(selectors.Area("street", town), 2022)["meetings"]["total"] == 0

    # Yangpu: 60 neighbourhood centres, and the BOT garage counted from its project records
    yangpu = District.objects.get(name="杨浦区")
    ydata = selectors.dashboard(selectors.Area("district", yangpu), 2023)
    assert ydata["facilities"]["neighbourhood_centres"] == 60
    assert ydata["projects"]["bot_garages"] >= 1
    assert ydata["committees"]["n"] == 291
    call_command("verify_audit", stdout=io.StringIO())
    print("gaojing build", _timing())


def _timing():
    from linli.audit.models import AuditEvent

    build = AuditEvent.objects.get(action="demo.build").after
    return {**AuditEvent.objects.get(action="demo.gaojing").after, "demo_seconds": build["seconds"]}
