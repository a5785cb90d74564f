"""Pages and API: scoping (404 outside), rules (403), transparency totals, exports."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from linli.accounts.models import Role
from linli.funding.models import JournalEntry, Receipt
from tests.api_client import ApiClient
from tests.factories import make_user
from tests.funding.helpers import anshunyuan_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world):
    return anshunyuan_case(world)


def test_transparency_page_totals_match_ledger(client, world, case):
    resident = make_user(Role.RESIDENT, case.shares[0].household.flat, name="安顺苑住户")
    client.force_login(resident)
    r = client.get(f"/funding/project/{case.project.pk}/public/")
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="income-total">96,000.00<' in html
    assert 'id="balance">96,000.00<' in html
    assert "5号楼居民自筹" in html and "48,000.00" in html
    # residents don't see the books: redirected to the public page
    r = client.get(f"/funding/project/{case.project.pk}/")
    assert r.status_code == 302 and r.url.endswith("/public/")
    assert client.get(f"/funding/project/{case.project.pk}/contributions/").status_code == 403


def test_other_committee_gets_404(client, world, case):
    client.force_login(world.users.resident_b)
    for url in ("public/", "", "contributions/", "report.xlsx", "bot/"):
        assert client.get(f"/funding/project/{case.project.pk}/{url}").status_code == 404
    entry = JournalEntry.objects.filter(plan=case.plan).first()
    client.force_login(world.users.staff_b)
    assert client.post(f"/funding/entries/{entry.pk}/confirm/").status_code == 404


def test_books_page_and_duty_actions(client, world, case):
    client.force_login(case.accountant)
    r = client.get(f"/funding/project/{case.project.pk}/")
    assert r.status_code == 200 and "会计记账" in r.content.decode()
    r = client.post(
        f"/funding/project/{case.project.pk}/spendings/",
        {"item": case.item.pk, "source": case.street.pk, "amount": "1,200.50", "memo": "灯具"},
    )
    assert r.status_code == 302
    e = JournalEntry.objects.filter(plan=case.plan, kind="spending").get()
    assert e.lines.get(amount_fen__gt=0).amount_fen == 120_050
    # the accountant's own confirm is refused with a reason; the cashier's goes through
    r = client.post(f"/funding/entries/{e.pk}/confirm/", follow=True)
    assert r.status_code == 403 or "出纳" in r.content.decode()
    client.force_login(case.cashier)
    client.post(f"/funding/entries/{e.pk}/confirm/")
    e.refresh_from_db()
    assert e.posted_at is not None
    client.force_login(case.supervisor)
    client.post(f"/funding/entries/{e.pk}/review/", {"note": "发票齐全"})
    e.refresh_from_db()
    assert e.reviewed_by == case.supervisor


def test_building_leader_sees_who_paid_and_receipt_pdf(client, world, case):
    leader = make_user(Role.BUILDING_LEADER, case.building, name="5号楼楼组长")
    client.force_login(leader)
    r = client.get(f"/funding/project/{case.project.pk}/contributions/")
    assert r.status_code == 200
    assert r.content.decode().count("已缴清") == 12
    receipt = Receipt.objects.filter(contribution__source=case.residents).first()
    r = client.get(f"/funding/receipts/{receipt.pk}.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")


def test_xlsx_report(client, world, case):
    client.force_login(world.users.staff_a)
    r = client.get(f"/funding/project/{case.project.pk}/report.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["按来源余额", "收支公开", "期间明细", "认缴与实缴核对"]
    rows = list(wb["收支公开"].values)
    assert rows[-1][0] == "结余" and rows[-1][2] == 96000
    assert client.get(f"/funding/project/{case.project.pk}/statement/").status_code == 200


def test_api_flow_and_refusals(world, case):
    api = ApiClient(case.accountant)
    r = api.post(
        f"/api/funding/projects/{case.project.pk}/receipts",
        {"source_id": case.street.pk, "amount": "1.00"},
    )
    assert r.status_code == 200, r.content
    entry_id = r.json()["id"]
    r = api.post(f"/api/funding/entries/{entry_id}/confirm")
    assert r.status_code == 403 and "出纳" in r.json()["detail"]
    r = ApiClient(case.cashier).post(f"/api/funding/entries/{entry_id}/confirm")
    assert r.status_code == 400 and "配套" in r.json()["detail"]  # match is capped by receipts
    r = api.post(
        f"/api/funding/projects/{case.project.pk}/receipts",
        {"source_id": case.street.pk, "amount": "1.005"},
    )
    assert r.status_code == 400 and "两位小数" in r.json()["detail"]
    pub = ApiClient(world.users.resident_a).get(f"/api/funding/projects/{case.project.pk}/public")
    assert pub.status_code == 200 and pub.json()["balance_fen"] == 9_600_000
    assert (
        ApiClient(world.users.resident_b)
        .get(f"/api/funding/projects/{case.project.pk}/public")
        .status_code
        == 404
    )
    outside = world.flat_b.households.first()
    r = api.post(
        f"/api/funding/sources/{case.residents.pk}/payments",
        {"household_id": outside.pk, "amount": "10"},
    )
    assert r.status_code in (403, 404)


def test_duty_assignment_page_and_membership(client, world, case):
    client.force_login(world.users.staff_a)
    r = client.post(
        f"/funding/project/{case.project.pk}/duties/",
        {"mobile": world.users.leader_a.mobile, "duty": "supervisor"},
        follow=True,
    )
    assert "已指定财务职责" in r.content.decode()
    assert world.users.leader_a.has_perm("funding.review_entry", case.plan)
    # a user with no role in this community cannot hold a duty
    r = client.post(
        f"/funding/project/{case.project.pk}/duties/",
        {"mobile": world.users.resident_b.mobile, "duty": "cashier"},
        follow=True,
    )
    assert "没有登记角色" in r.content.decode()


def test_refund_and_floor_split_pages(client, world, case):
    c = case.shares[0]
    client.force_login(case.accountant)
    r = client.post(
        f"/funding/contributions/{c.pk}/refund/",
        {"amount": "4,000.01", "reason": "多缴"},
        follow=True,
    )
    assert "超过该户已缴金额" in r.content.decode()
    client.post(f"/funding/contributions/{c.pk}/refund/", {"amount": "100", "reason": "少摊"})
    assert c.refunds.get().amount_fen == 10_000
    # a new residents' source split by floor coefficients from the page
    from linli.funding import services

    lift = services.source_add(
        actor=case.staff, plan=case.plan, kind="residents", name="加装电梯", amount_fen=0
    )
    client.force_login(case.staff)
    r = client.post(
        f"/funding/sources/{lift.pk}/split/",
        {
            "total": "300,000",
            "method": "floor",
            "coefficients": "2:1, 3:2, 4:3, 5:4, 6:5",
            "exempt_ground": "1",
        },
        follow=True,
    )
    assert "已按规则计算各户应摊金额" in r.content.decode()
    shares = {c.household.flat.floor: c.share_fen for c in lift.contributions.all()}
    assert shares[1] == 0 and shares[6] == 5_000_000 and shares[2] == 1_000_000
    r = client.post(
        f"/funding/sources/{lift.pk}/split/",
        {"total": "1", "method": "floor", "coefficients": "二楼"},
        follow=True,
    )
    assert "楼层系数格式不正确" in r.content.decode()


def test_pledge_and_reconciliation_api(world, case):
    api = ApiClient(case.staff)
    c = case.shares[1]
    r = api.post(f"/api/funding/contributions/{c.pk}/pledge", {"amount": "4,000"})
    assert r.status_code == 200 and r.json()["pledged_fen"] == 400_000
    rec = api.get(f"/api/funding/projects/{case.project.pk}/reconciliation").json()[0]
    assert rec["paid_fen"] == rec["ledger_fen"] == 4_800_000 and rec["unpaid_households"] == []
    assert (
        ApiClient(world.users.resident_a)
        .get(f"/api/funding/projects/{case.project.pk}/reconciliation")
        .status_code
        == 403
    )


def test_list_pages_query_count_does_not_grow(client, world, case, django_assert_max_num_queries):
    client.force_login(world.users.staff_a)
    # 12 households and 14 entries: the counts stay flat as rows grow (prefetching)
    with django_assert_max_num_queries(14):
        assert client.get(f"/funding/project/{case.project.pk}/contributions/").status_code == 200
    with django_assert_max_num_queries(24):
        assert client.get(f"/funding/project/{case.project.pk}/").status_code == 200


def test_committee_balance_by_project(client, world, case):
    client.force_login(world.users.resident_a)
    r = client.get(f"/funding/committee/{world.committee_a.pk}/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "安顺苑5号楼睦邻客厅" in html and html.count("96,000.00") >= 3
    client.force_login(world.users.resident_b)
    assert client.get(f"/funding/committee/{world.committee_a.pk}/").status_code == 404


def test_attachment_upload_page(client, world, case):
    from django.core.files.uploadedfile import SimpleUploadedFile

    entry = JournalEntry.objects.filter(plan=case.plan).first()
    client.force_login(case.accountant)
    ok = SimpleUploadedFile("收据.jpg", b"\xff\xd8\xff fake", content_type="image/jpeg")
    r = client.post(
        f"/funding/entries/{entry.pk}/attachments/", {"kind": "photo", "file": ok}, follow=True
    )
    assert "附件已上传" in r.content.decode()
    bad = SimpleUploadedFile("x.html", b"<script>", content_type="text/html")
    r = client.post(
        f"/funding/entries/{entry.pk}/attachments/", {"kind": "other", "file": bad}, follow=True
    )
    assert "只接受PDF或图片" in r.content.decode()
    assert entry.attachments.count() == 1


def test_pledge_page(client, world, case):
    c = case.shares[2]
    client.force_login(case.staff)
    r = client.post(f"/funding/contributions/{c.pk}/pledge/", {"amount": "4,000.00"}, follow=True)
    assert "已登记认缴" in r.content.decode()
    c.refresh_from_db()
    assert c.pledged_fen == 400_000
    client.force_login(case.accountant)  # a duty holder, not staff: may not change pledges
    assert client.post(f"/funding/contributions/{c.pk}/pledge/", {"amount": "1"}).status_code == 403


def test_attachments_download_only_for_those_who_keep_the_books(client, world, case):
    from django.core.files.uploadedfile import SimpleUploadedFile

    entry = JournalEntry.objects.filter(plan=case.plan).first()
    client.force_login(case.accountant)
    ok = SimpleUploadedFile("发票.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    client.post(f"/funding/entries/{entry.pk}/attachments/", {"kind": "invoice", "file": ok})
    attachment = entry.attachments.get()
    url = f"/funding/entries/{entry.pk}/attachments/{attachment.pk}/"
    page = client.get(f"/funding/project/{case.plan.project_id}/").content.decode()
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(world.users.resident_a)  # a resident of the community: not the books
    assert client.get(url).status_code == 403
    client.force_login(world.users.staff_b)  # another committee
    assert client.get(url).status_code == 404
