"""Money defects found walking the 安顺苑 case as a committee would (issue 11).

Each was seen on the pages: a test through the page and one through the API, written
before the fix.
"""

from __future__ import annotations

import pytest

from linli.accounts.models import Role
from linli.funding import services
from linli.funding.models import Contribution, FundingDuty, JournalEntry, Receipt
from tests.api_client import ApiClient
from tests.factories import BuildingFactory, flat_with_people, make_user
from tests.funding.helpers import anshunyuan_case, make_books

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world):
    return anshunyuan_case(world, pay=False)


# ---------------------------------------------------------------- sane bounds


def test_household_payment_above_what_is_owed_is_refused_on_the_page(client, case):
    household = case.shares[0].household
    client.force_login(case.accountant)
    r = client.post(
        f"/funding/sources/{case.residents.pk}/pay/",
        {"household": household.pk, "amount": "99,999,999,999"},
    )
    assert 400 <= r.status_code < 500
    assert "超过" in r.content.decode()
    assert not Receipt.objects.filter(contribution__household=household).exists()
    assert not JournalEntry.objects.filter(plan=case.plan, kind="receipt").exists()


def test_household_payment_above_what_is_owed_is_refused_by_the_api(case):
    household = case.shares[0].household
    r = ApiClient(case.accountant).post(
        f"/api/funding/sources/{case.residents.pk}/payments",
        {"household_id": household.pk, "amount": "4000.01"},
    )
    assert r.status_code == 400
    assert "应缴" in r.json()["detail"]
    assert not Receipt.objects.exists()
    # exactly what is owed goes through
    r = ApiClient(case.accountant).post(
        f"/api/funding/sources/{case.residents.pk}/payments",
        {"household_id": household.pk, "amount": "4000"},
    )
    assert r.status_code == 200, r.content


def test_absurd_amounts_are_refused_everywhere(case):
    r = ApiClient(case.accountant).post(
        f"/api/funding/projects/{case.project.pk}/receipts",
        {"source_id": case.street.pk, "amount": "99999999999", "memo": "街道配套"},
    )
    assert r.status_code == 400
    assert "金额" in r.json()["detail"]
    assert not JournalEntry.objects.filter(plan=case.plan).exists()


# ---------------------------------------------------------------- separation of duties


def test_one_person_cannot_be_both_accountant_and_cashier_page(client, world, case):
    client.force_login(case.staff)
    r = client.post(
        f"/funding/project/{case.project.pk}/duties/",
        {"mobile": case.accountant.mobile, "duty": "cashier"},
    )
    assert 400 <= r.status_code < 500
    assert "不能同时" in r.content.decode()
    assert not FundingDuty.objects.filter(user=case.accountant, duty="cashier").exists()


def test_one_person_cannot_be_both_accountant_and_supervisor_api(world, case):
    r = ApiClient(case.staff).post(
        f"/api/funding/projects/{case.project.pk}/duties",
        {"user_id": case.accountant.pk, "duty": "supervisor"},
    )
    assert r.status_code == 400
    assert "不能同时" in r.json()["detail"]
    assert not FundingDuty.objects.filter(user=case.accountant, duty="supervisor").exists()


# ---------------------------------------------------------------- who pays


def test_shares_split_over_the_chosen_building_only(world):
    """5号楼居民自筹 must fall on 5号楼, even when the project spans the whole compound."""
    five = BuildingFactory(compound=world.compound_a, number="5号楼（安顺苑）")
    three = BuildingFactory(compound=world.compound_a, number="3号楼（安顺苑）")
    for i in range(1, 4):
        flat_with_people(five, f"{i}01", i, "60.00", [f"五号楼住户{i}"])
    for i in range(1, 15):
        flat_with_people(three, f"{i}02", 1 + i % 6, "50.00", [f"三号楼住户{i}"])
    books = make_books(world, buildings=[])
    books.project.compounds.set([world.compound_a])
    source = services.source_add(
        actor=books.staff,
        plan=books.plan,
        kind="residents",
        name="5号楼居民自筹",
        amount_fen=1_200_000,
        status="approved",
    )
    r = ApiClient(books.staff).post(
        f"/api/funding/sources/{source.pk}/split",
        {"total": "12000", "method": "equal", "building_ids": [five.pk]},
    )
    assert r.status_code == 200, r.content
    rows = Contribution.objects.filter(source=source)
    assert rows.count() == 3
    assert {c.household.flat.building_id for c in rows} == {five.pk}
    assert sorted(r.json()["shares"], key=lambda s: s["household_id"])[0]["share"] == "4,000.00"


def test_split_page_offers_the_buildings_and_uses_the_choice(client, world):
    five = BuildingFactory(compound=world.compound_a, number="5号楼（安顺苑）")
    for i in range(1, 3):
        flat_with_people(five, f"{i}01", i, "60.00", [f"五号楼住户{i}"])
    books = make_books(world, buildings=[])
    books.project.compounds.set([world.compound_a])
    source = services.source_add(
        actor=books.staff, plan=books.plan, kind="residents", name="5号楼居民自筹",
        amount_fen=800_000, status="approved",
    )  # fmt: skip
    client.force_login(books.staff)
    page = client.get(f"/funding/project/{books.project.pk}/contributions/").content.decode()
    assert "5号楼（安顺苑）" in page and 'name="buildings"' in page
    r = client.post(
        f"/funding/sources/{source.pk}/split/",
        {"total": "8000", "method": "equal", "buildings": [five.pk]},
    )
    assert r.status_code == 302
    assert Contribution.objects.filter(source=source).count() == 2


def test_split_refuses_a_building_of_another_committee(world, case):
    r = ApiClient(case.staff).post(
        f"/api/funding/sources/{case.residents.pk}/split",
        {"total": "1000", "method": "equal", "building_ids": [world.building_b.pk]},
    )
    assert r.status_code in (400, 404)
    assert "铁路新村" not in r.content.decode() and "12号楼" not in r.content.decode()


# ---------------------------------------------------------------- the cashier sees amounts


def test_cashier_and_supervisor_see_the_amount_of_each_voucher(client, world, case):
    household = case.shares[0].household
    services.contribution_receive(
        actor=case.accountant, source=case.residents, household=household, amount_fen=400_000
    )
    for who in (case.cashier, case.supervisor):
        client.force_login(who)
        html = client.get(f"/funding/project/{case.project.pk}/").content.decode()
        assert "4,000.00" in html


# ---------------------------------------------------------------- maintenance fund link


def test_maintenance_fund_source_links_a_passed_owners_decision_from_the_page(client, world):
    from tests.funding.helpers import passed_owners_decision

    books = make_books(world)
    result = passed_owners_decision(world, books.project)
    client.force_login(books.staff)
    page = client.get(f"/funding/project/{books.project.pk}/").content.decode()
    assert 'name="vote_result"' in page
    assert result.vote.title in page
    r = client.post(
        f"/funding/project/{books.project.pk}/sources/",
        {
            "kind": "maintenance_fund",
            "name": "专项维修资金",
            "amount": "20000",
            "status": "approved",
            "vote_result": result.pk,
        },
    )
    assert r.status_code == 302
    source = books.plan.sources.get(kind="maintenance_fund")
    assert source.vote_result_id == result.pk
    assert source.status == "approved"


def test_other_roles_unaffected(world):
    # a resident of another building may still hold a duty alone
    books = make_books(world, title="第二个项目")
    other = make_user(Role.RESIDENT, world.flat_a2, name="另一位出纳")
    services.duty_assign(actor=books.staff, user=other, project=books.project, duty="cashier")
    assert FundingDuty.objects.filter(user=other, duty="cashier").exists()
