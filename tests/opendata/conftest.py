"""A street with something of every public kind, and things that must stay private."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from linli.needs import services as needs
from linli.notices.services import notice_create
from linli.voting.models import Channel
from linli.voting.services import ballot_cast, vote_close, vote_create, vote_open
from tests.funding.helpers import anshunyuan_case, make_books


def _small_books(world):
    """A project whose residents' source is shared by the two households of 5号楼 only."""
    from linli.funding import services

    b = make_books(world, title="5号楼楼道灯更换")
    services.cost_item_add(actor=b.staff, plan=b.plan, name="灯具", amount_fen=60_000)
    src = services.source_add(
        actor=b.staff, plan=b.plan, kind="residents", name="5号楼两户自筹",
        amount_fen=60_000, status="approved",
    )  # fmt: skip
    for c in services.contributions_split(actor=b.staff, source=src, total_fen=60_000):
        r = services.contribution_receive(
            actor=b.accountant, source=src, household=c.household, amount_fen=c.share_fen
        )
        services.entry_confirm(actor=b.cashier, entry=r.entry)
    return b


@pytest.fixture
def od(world):
    staff, resident = world.users.staff_a, world.users.resident_a
    case = anshunyuan_case(world)
    small = _small_books(world)
    published = notice_create(
        actor=staff, committee=world.committee_a, kind="other", title="开鲁一村停车方案公示",
        body="停车方案第一稿，请居民提出意见。", publish=True,
    )  # fmt: skip
    draft = notice_create(
        actor=staff, committee=world.committee_a, kind="other", title="尚未发布的草稿公示",
        body="草稿内容",
    )  # fmt: skip
    now = timezone.now()
    vote = vote_create(
        actor=staff, committee=world.committee_a, title="加装电梯意向表决", kind="owners",
        matter="278-9", compounds=[world.compound_a], opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=3),
    )  # fmt: skip
    vote = vote_open(actor=staff, vote=vote)
    flats = [e.flat for e in vote.electors.select_related("flat").order_by("id")]
    for i, flat in enumerate(flats):
        if i >= 12:
            break  # two flats do not vote
        choice = "agree" if i < 9 else "disagree"  # 9 agree, 3 disagree
        ballot_cast(
            actor=staff, vote=vote, flat=flat, choice=choice, channel=Channel.MEETING,
            idempotency_key=f"k{i}",
        )  # fmt: skip
    result = vote_close(actor=staff, vote=vote, reason="业主大会现场表决结束")
    open_vote = vote_create(
        actor=staff, committee=world.committee_a, title="仍在进行的表决", kind="owners",
        matter="278-9", compounds=[world.compound_a], opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=3),
    )  # fmt: skip
    vote_open(actor=staff, vote=open_vote)
    for i in range(7):
        needs.need_submit(
            actor=resident, committee=world.committee_a, text=f"垃圾分类点太远{i}",
            category="environment",
        )  # fmt: skip
    for i in range(2):
        needs.need_submit(
            actor=resident, committee=world.committee_a, text=f"绿化带缺补种{i}",
            category="greening",
        )  # fmt: skip
    lst = needs.needs_list_create(actor=staff, committee=world.committee_a)
    lst = needs.needs_list_publish(actor=staff, needs_list=lst)
    return SimpleNamespace(
        case=case, small=small, published=published, draft=draft, vote=vote, result=result,
        open_vote=open_vote, needs_list=lst, year=timezone.localdate().year,
        electors=len(flats),
    )  # fmt: skip
