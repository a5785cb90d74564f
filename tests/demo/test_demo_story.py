"""Steps 1–4 of the six cases are real records in the demo (linli/demo/story.py), and every
demo login lands on a home page with something to do."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from linli.demo import data

pytestmark = pytest.mark.django_db


def build():
    call_command("demo_district", "--scale", "small", verbosity=0, stdout=io.StringIO())


def test_the_demo_holds_records_of_every_kind_and_they_verify(client):
    from linli.accounts.models import User
    from linli.deliberation.models import Attendance, Meeting, Minutes
    from linli.funding import models as fm
    from linli.needs.models import NeedsList
    from linli.notices.models import Notice, Objection
    from linli.opinions.models import Conversation, OpinionVote, Statement
    from linli.planning.models import (
        DesignRound,
        Diagnosis,
        OptionComment,
        OptionRating,
        Pairing,
        Planner,
        WorkLog,
    )
    from linli.projects.models import Project
    from linli.voting.models import Ballot, PaperEntry, Vote, VoteResult
    from linli.voting.services import result_verify

    build()
    # counts > 0 for every kind of record the loop's first four steps leave
    for model in (Meeting, Attendance, Notice, Vote, Ballot, PaperEntry, VoteResult,
                  DesignRound, OptionRating, OptionComment, Diagnosis, WorkLog, Planner,
                  Pairing, fm.Contribution, fm.Receipt, fm.JournalEntry, fm.BotContract,
                  fm.BotRevenue, Statement, OpinionVote):  # fmt: skip
        assert model.objects.exists(), model.__name__
    # needs and a published needs list in each of the six case committees
    published = NeedsList.objects.filter(published_at__isnull=False)
    assert published.values("committee").distinct().count() == 6
    # meetings were signed in (by QR and by staff) and their minutes approved
    assert Attendance.objects.filter(method="qr").exists()
    assert Attendance.objects.filter(method="staff").exists()
    assert Minutes.objects.filter(status="approved").count() >= 5
    # votes: online and paper ballots, paper keyed by two different clerks, results signed
    assert Ballot.objects.filter(channel="online").exists()
    assert Ballot.objects.filter(channel="paper").exists()
    for vote in Vote.objects.filter(ballots__channel="paper").distinct():
        for elector_id in vote.ballots.filter(channel="paper").values_list("elector", flat=True):
            clerks = set(
                PaperEntry.objects.filter(vote=vote, elector_id=elector_id).values_list(
                    "entered_by", flat=True
                )
            )
            assert len(clerks) == 2
    assert PaperEntry.objects.filter(state="resolved").exists()  # one mis-keyed, resolved
    results = list(VoteResult.objects.select_related("vote"))
    assert results and all(result_verify(r) for r in results)
    assert Vote.objects.filter(kind="owners", result__passed=True).count() >= 3
    naming = VoteResult.objects.get(vote__title="新车库征名")
    winner = naming.vote.options.get(pk=naming.counts["winners"][0])
    assert winner.label == "睦邻车库"
    # notices: one objection, answered
    objection = Objection.objects.get()
    assert objection.answered and objection.response
    assert Notice.objects.filter(status="closed").exists()
    # the demo planner is in the pool with her account, paired with her street, and has work
    planner = User.objects.get(mobile="13800000007")
    assert Planner.objects.filter(user=planner).exists()
    assert Pairing.objects.filter(planner__user=planner, ended_at__isnull=True).exists()
    assert WorkLog.objects.filter(author=planner).count() >= 3
    draft = DesignRound.objects.get(status="draft")
    assert draft.created_by == planner and draft.options.count() == 2
    client.force_login(planner)
    page = client.get(f"/planning/project/{draft.project_id}/").content.decode()
    assert f"/planning/round/{draft.pk}/publish/" in page  # a real form to act on
    assert DesignRound.objects.filter(project__title__contains="一脉三园").count() == 3
    # money: approved sources (the maintenance fund through a passed owners' vote),
    # shares, receipts; entries recorded, confirmed and reviewed by three people
    fund = fm.FundingSource.objects.get(kind="maintenance_fund")
    assert fund.status == "approved" and fund.vote_result.passed is True
    assert fund.vote_result.vote.matter == "278-5"
    anshun = Project.objects.get(title__contains="睦邻客厅")
    shares = fm.Contribution.objects.filter(source__plan__project=anshun)
    assert sum(shares.values_list("share_fen", flat=True)) == 48_000_00
    reviewed = fm.JournalEntry.objects.filter(reviewed_at__isnull=False)
    assert reviewed.exists()
    for e in reviewed:
        assert len({e.recorded_by_id, e.confirmed_by_id, e.reviewed_by_id}) == 3
    # work left for the cashier and the supervisor
    assert fm.JournalEntry.objects.filter(posted_at__isnull=True).exists()
    assert fm.JournalEntry.objects.filter(posted_at__isnull=False, reviewed_at__isnull=True)
    contract = fm.BotContract.objects.get()
    assert contract.project.title.startswith("市光四村")
    assert contract.revenues.count() == 7
    # the conversation is the demo's own (no ../shared): Chinese statements, several groups
    conv = Conversation.objects.get()
    assert conv.source == "openData:conversation_data"
    assert "安顺苑" in conv.topic
    assert conv.statements.filter(status="pending").exists()  # waits for moderation
    assert conv.participants.count() > 60
    # no seed-document tags in what users see
    assert not Project.objects.filter(summary__contains="种子文档").exists()
    call_command("verify_ledger", stdout=io.StringIO())
    call_command("verify_audit", stdout=io.StringIO())


# where each kind of home page must point at least once: something to open or do
ACTIONABLE = {
    "district": r'href="/places/street/\d+/"',
    "street": r'href="/places/committee/\d+/"',
    "committee": r'href="/projects/\d+/"',
    "planner": r'href="/projects/\d+/"',
    "mine": r'href="/(meetings|notices|votes|surveys|funding/project|planning/project)/\d+/"',
}


def test_every_demo_login_lands_on_a_home_page_with_something_to_do(client):
    from linli.accounts.models import User

    build()
    users = list(User.objects.filter(mobile__startswith="1380000").order_by("mobile"))
    assert len(users) >= 19  # steps 5–6 modules add their own logins
    for user in users:
        assert client.login(mobile=user.mobile, password=data.DEMO_PASSWORD), user.mobile
        response = client.get("/", follow=True)
        assert response.status_code == 200, user.mobile
        if user.mobile > "13800000019":
            # logins of the steps 5–6 demo modules (contractors, evaluators …) have their
            # own pages; their modules' tests check them
            client.logout()
            continue
        path = response.redirect_chain[-1][0]
        kind = next(k for k in ACTIONABLE if f"/{k}/" in path)
        html = response.content.decode()
        assert re.search(ACTIONABLE[kind], html), (user.mobile, user.name, path)
        client.logout()
    # the bookkeepers see the vouchers waiting for them
    for mobile in ("13800000017", "13800000018"):
        client.login(mobile=mobile, password=data.DEMO_PASSWORD)
        html = client.get("/", follow=True).content.decode()
        assert "/funding/project/" in html, mobile
        client.logout()
