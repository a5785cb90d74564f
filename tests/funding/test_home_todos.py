"""The funding duty holders see on their home what awaits them (issue 11): the accountant the
approved sources whose money is not yet entered, the cashier the vouchers to confirm, the
supervisor those to review — each with its amount and a link to the books."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linli.funding import services
from tests.funding.helpers import make_books

pytestmark = pytest.mark.django_db


@pytest.fixture
def books(world):
    b = make_books(world)
    b.item = services.cost_item_add(actor=b.staff, plan=b.plan, name="架空层装修",
                                    amount_fen=500_000)  # fmt: skip
    b.source = services.source_add(actor=b.staff, plan=b.plan, kind="foundation",
                                   name="区社区基金会", amount_fen=500_000, status="approved")  # fmt: skip
    return b


def home(client, user) -> str:
    client.force_login(user)
    r = client.get(reverse("places:my_home"))
    assert r.status_code == 200
    return r.content.decode()


def test_each_duty_sees_what_awaits_it_on_its_home(client, books):
    books_url = reverse("funding:plan", args=[books.project.pk])
    html = home(client, books.accountant)
    assert "待入账" in html and "区社区基金会" in html and "5,000.00" in html
    assert books_url in html
    assert "待出纳确认" not in home(client, books.cashier)

    entry = services.receipt_record(actor=books.accountant, source=books.source,
                                    amount_fen=300_000)  # fmt: skip
    html = home(client, books.cashier)
    assert "待出纳确认" in html and entry.number in html and "3,000.00" in html
    assert "待出纳确认" not in home(client, books.accountant)  # she recorded it
    assert "待监事审核" not in home(client, books.supervisor)
    # the accountant's reminder stays while a receipt is pending, naming what is missing
    assert "待入账" not in home(client, books.accountant)

    services.entry_confirm(actor=books.cashier, entry=entry)
    assert "待出纳确认" not in home(client, books.cashier)
    html = home(client, books.supervisor)
    assert "待监事审核" in html and entry.number in html and "3,000.00" in html
    html = home(client, books.accountant)  # 3,000 of 5,000 in: 2,000 still to enter
    assert "待入账" in html and "2,000.00" in html

    services.entry_review(actor=books.supervisor, entry=entry, note="与银行回单一致")
    assert "待监事审核" not in home(client, books.supervisor)


def test_no_duty_no_funding_todos(client, books, world):
    html = home(client, world.users.resident_a)
    assert "待入账" not in html and "待出纳确认" not in html and "待监事审核" not in html
