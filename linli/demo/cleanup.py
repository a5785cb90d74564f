"""``demo_district --reset``: remove the steps 2–4 records of :mod:`linli.demo.story`.

Ledger rows are PROTECTed on purpose (a posted entry is never deleted in normal use); the
reset removes the whole demo district, so it deletes them explicitly, children first:
journal lines, receipts, refunds and attachments, then the entries (reversals before what
they reverse), contributions, duties and the BOT contract; then notices, votes, meetings
and the planner pool. Projects, plans and what cascades from them go afterwards in
:func:`linli.demo.builder.demo_reset`. The audit trail is append-only and stays.
"""

from __future__ import annotations


def delete_story(district, note) -> None:
    from linli.deliberation.models import Meeting
    from linli.funding import models as fm
    from linli.notices.models import Notice, Objection
    from linli.planning.models import Pairing, Planner, WorkLog
    from linli.voting import models as vm

    in_project = {"project__committee__street__district": district}
    in_plan = {"plan__project__committee__street__district": district}
    in_committee = {"committee__street__district": district}

    # the process records point at votes, minutes, notices and meetings (linli/process)
    from linli.process.models import Conflict, ProjectDecision

    note("process_rows", ProjectDecision.objects.filter(**in_project).delete()[0])
    note("process_rows", Conflict.objects.filter(**in_project).delete()[0])

    entries = fm.JournalEntry.objects.filter(**in_plan)
    note("ledger_rows", fm.JournalLine.objects.filter(entry__in=entries).delete()[0])
    for model in (fm.Receipt, fm.Refund, fm.Attachment):
        note("ledger_rows", model.objects.filter(entry__in=entries).delete()[0])
    note("ledger_rows", entries.filter(reverses__isnull=False).delete()[0])
    note("ledger_rows", entries.delete()[0])
    note(
        "funding_rows",
        fm.Contribution.objects.filter(source__plan__project__committee__street__district=district)
        .delete()[0],
    )  # fmt: skip
    note("funding_rows", fm.FundingDuty.objects.filter(**in_committee).delete()[0])
    contracts = fm.BotContract.objects.filter(**in_project)
    note("funding_rows", fm.BotRevenue.objects.filter(contract__in=contracts).delete()[0])
    note("funding_rows", contracts.delete()[0])
    fm.FundingSource.objects.filter(**in_plan).update(vote_result=None, matches=None)
    notices = Notice.objects.filter(**in_committee)
    note("notices", Objection.objects.filter(notice__in=notices).delete()[0])
    note("notices", notices.delete()[0])
    votes = vm.Vote.objects.filter(**in_committee)
    for model in (vm.VoteResult, vm.PaperEntry, vm.BallotCast, vm.Ballot):
        note("voting_rows", model.objects.filter(vote__in=votes).delete()[0])
    note("voting_rows", vm.ElectorVoter.objects.filter(elector__vote__in=votes).delete()[0])
    note("voting_rows", vm.Elector.objects.filter(vote__in=votes).delete()[0])
    note("votes", votes.delete()[0])
    note("meetings", Meeting.objects.filter(**in_committee).delete()[0])
    note("planning_rows", WorkLog.objects.filter(**in_committee).delete()[0])
    pairings = Pairing.objects.filter(street__district=district)
    note("planning_rows", pairings.delete()[0])
    note("planning_rows", Planner.objects.filter(district=district).delete()[0])
