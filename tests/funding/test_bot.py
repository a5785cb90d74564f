"""市光四村 smart garage under BOT: recovery in years 1–5, sharing 6–10, transfer after 10."""

from __future__ import annotations

import datetime

import pytest

from linli.core.errors import ScopeError, ServiceError
from linli.funding import selectors, services
from linli.funding.bot import project_bot
from linli.projects.services import project_create

pytestmark = pytest.mark.django_db

FEES = [
    {"name": "停车费", "unit": "辆·月", "price_fen": 2_000, "assumed_units_per_year": 3_600},
    {"name": "充电费", "unit": "次", "price_fen": 100, "assumed_units_per_year": 60_000},
]


@pytest.fixture
def garage(world):
    project = project_create(
        actor=world.users.staff_a, committee=world.committee_a, title="市光四村智能车库"
    )
    contract = services.bot_contract_create(
        actor=world.users.staff_a,
        project=project,
        operator="智能车库运营企业",
        construction_cost_fen=45_000_000,
        annual_operating_cost_fen=3_000_000,
        start_date=datetime.date(2018, 10, 1),
        owners_share_percent=30,
        transfers="车库内智能充电设备所有权归全体业主",
        maintenance_priority="企业在同等条件下享有维修维护服务优先权",
        fees=FEES,
    )
    return contract


def test_projection_phases_payback_and_owners_share(garage):
    p = selectors.bot_projection(garage)
    assert [r.phase for r in p.rows] == ["recovery"] * 5 + ["sharing"] * 5
    assert all(r.net_fen == 10_200_000 for r in p.rows)  # 132,000 − 30,000 yuan a year
    assert p.payback_year == 5
    assert [r.owners_fen for r in p.rows] == [0] * 5 + [3_060_000] * 5
    assert p.owners_total_fen == 15_300_000
    assert p.transfer_after_year == 10


def test_projection_never_pays_back_is_reported():
    p = project_bot(
        construction_cost_fen=10_000,
        yearly_revenue_fen=100,
        yearly_cost_fen=0,
        recovery_years=5,
        sharing_years=5,
        owners_percent=50,
    )
    assert p.payback_year is None


def test_actual_vs_projection(world, garage):
    services.bot_revenue_record(
        actor=world.users.staff_a,
        contract=garage,
        year=1,
        revenue_fen=12_000_000,
        cost_fen=3_000_000,
    )
    services.bot_revenue_record(
        actor=world.users.staff_a,
        contract=garage,
        year=6,
        revenue_fen=14_000_000,
        cost_fen=3_000_000,
    )
    rows = selectors.bot_actual_vs_projection(garage)
    assert rows[0]["actual_net_fen"] == 9_000_000 and rows[0]["diff_fen"] == -1_200_000
    assert rows[5]["actual_owners_fen"] == 3_300_000
    assert rows[2]["actual"] is None
    with pytest.raises(ServiceError):
        services.bot_revenue_record(
            actor=world.users.staff_a, contract=garage, year=1, revenue_fen=1
        )
    with pytest.raises(ServiceError):
        services.bot_revenue_record(
            actor=world.users.staff_a, contract=garage, year=11, revenue_fen=1
        )
    with pytest.raises(ScopeError):
        services.bot_revenue_record(
            actor=world.users.staff_b, contract=garage, year=2, revenue_fen=1
        )


def test_reminders_before_phase_boundaries(world, garage, client):
    b = selectors.bot_boundaries(garage)
    assert [x["date"] for x in b] == [datetime.date(2023, 10, 1), datetime.date(2028, 10, 1)]
    soon = selectors.upcoming_bot_boundaries(
        world.users.resident_a, within_days=30, today=datetime.date(2023, 9, 10)
    )
    assert len(soon) == 1 and soon[0]["days_left"] == 21 and "分成" in soon[0]["label"]
    assert (
        selectors.upcoming_bot_boundaries(
            world.users.resident_b, within_days=30, today=datetime.date(2023, 9, 10)
        )
        == []
    )
    client.force_login(world.users.resident_a)
    r = client.get(f"/funding/project/{garage.project_id}/bot/")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="payback-year">5<' in html and "利润分成期" in html and "全体业主" in html


def test_bot_api(world):
    from tests.api_client import ApiClient

    project = project_create(
        actor=world.users.staff_a, committee=world.committee_a, title="API车库"
    )
    api = ApiClient(world.users.staff_a)
    r = api.post(
        f"/api/funding/projects/{project.pk}/bot",
        {
            "operator": "运营企业",
            "construction_cost": "450,000",
            "annual_operating_cost": "30,000",
            "start_date": "2018-10-01",
            "owners_share_percent": "30",
            "transfers": "充电设备归全体业主",
            "fees": [
                {"name": "停车费", "unit": "辆·月", "price": "20", "assumed_units_per_year": 3600},
                {"name": "充电费", "unit": "次", "price": "1.00", "assumed_units_per_year": 60000},
            ],
        },
    )
    assert r.status_code == 200, r.content
    assert r.json()["payback_year"] == 5 and r.json()["owners_total_fen"] == 15_300_000
    r = api.post(
        f"/api/funding/projects/{project.pk}/bot/revenues",
        {"year": 1, "revenue": "120,000", "cost": "30,000"},
    )
    assert r.json()["years"][0]["actual_net_fen"] == 9_000_000
    assert (
        ApiClient(world.users.resident_b).get(f"/api/funding/projects/{project.pk}/bot").status_code
        == 404
    )
    assert (
        ApiClient(world.users.resident_a)
        .post(f"/api/funding/projects/{project.pk}/bot/revenues", {"year": 2, "revenue": "1"})
        .status_code
        == 403
    )
