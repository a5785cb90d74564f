"""The one adapter from vote models to the decision engine (linli.engine.tally).

Counting of owners' votes and meeting majorities happens in the engine only; this module
turns electors and ballots into engine inputs and the engine's answer into a JSON record.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from fractions import Fraction

from linli.engine import tally as engine
from linli.voting.models import Ballot, Choice, Elector, Vote

MEETING_RULES: dict[str, engine.MeetingRule] = {
    Vote.MeetingRule.RESIDENTS: engine.RESIDENTS_MEETING,
    Vote.MeetingRule.TWO_THIRDS_QUORUM: engine.TWO_THIRDS_QUORUM_MEETING,
    Vote.MeetingRule.TWO_THIRDS_MEMBERS: engine.TWO_THIRDS_OF_MEMBERS_MEETING,
}

_ENGINE_BALLOT = {
    Choice.AGREE: engine.Ballot.AGREE,
    Choice.DISAGREE: engine.Ballot.DISAGREE,
    Choice.ABSTAIN: engine.Ballot.ABSTAIN,
}


def canonical(data) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sha256(data) -> str:
    return hashlib.sha256(canonical(data).encode()).hexdigest()


def electorate_rows(electors) -> list[list]:
    return [[e.pk, e.flat_id, str(e.area), sorted(e.owner_ids), e.paper_code] for e in electors]


def ballots_rows(ballots) -> list[list]:
    return sorted(
        [b.elector_id, b.choice, list(b.option_ids), b.channel, b.revision] for b in ballots
    )


def _bound(b: engine.Bound) -> dict:
    return {"share": str(b.share), "inclusive": b.inclusive, "text": b.text_zh}


def _m2(x: Fraction) -> str:
    """An exact area sum as a decimal string (recorded areas have finitely many decimals)."""
    from decimal import Decimal

    return str(Decimal(x.numerator) / Decimal(x.denominator))


def _pct(x: Fraction) -> str:
    return f"{float(x) * 100:.2f}"


def rule_record(vote: Vote) -> dict:
    if vote.kind == Vote.Kind.OWNERS:
        matter = engine.Matter(vote.matter)
        rule = engine.rule_for(matter)
        return {
            "kind": "owners",
            "matter": matter.value,
            "matter_label": matter.label_zh,
            "name": rule.name,
            "participation_area": _bound(rule.participation_area),
            "participation_owners": _bound(rule.participation_owners),
            "agree_area": _bound(rule.agree_area),
            "agree_owners": _bound(rule.agree_owners),
            "source": rule.source,
        }
    if vote.kind == Vote.Kind.MEETING:
        rule = MEETING_RULES[vote.meeting_rule]
        return {
            "kind": "meeting",
            "name": rule.name,
            "quorum": _bound(rule.quorum),
            "majority": _bound(rule.majority),
            "majority_base": rule.majority_base.value,
            "source": rule.source,
        }
    if vote.kind == Vote.Kind.BUDGET:
        return {
            "kind": "budget",
            "method": vote.method,
            "budget": int(vote.budget or 0),
            "budget_rule": vote.budget_rule,
            "name": vote.get_budget_rule_display(),
            "source": "linli.engine.budgeting（"
            + ("greedy" if vote.budget_rule == "greedy" else "mes, utility=cost, completion=add1")
            + "）",
        }
    return {"kind": "options", "method": vote.method, "name": vote.get_method_display()}


def count(
    vote: Vote, electors: list[Elector] | None = None, ballots: list[Ballot] | None = None
) -> dict:
    """Count the vote from its electorate snapshot and its ballots (deterministic JSON)."""
    if electors is None:
        electors = list(vote.electors.order_by("id"))
    if ballots is None:
        ballots = list(vote.ballots.order_by("elector_id"))
    channels = Counter(b.channel for b in ballots)
    base = {
        "electors": len(electors),
        "ballots": len(ballots),
        "by_channel": dict(sorted(channels.items())),
    }
    if vote.kind == Vote.Kind.OWNERS:
        return base | _count_owners(vote, electors, ballots)
    if vote.kind == Vote.Kind.MEETING:
        return base | _count_meeting(vote, electors, ballots)
    if vote.kind == Vote.Kind.BUDGET:
        return base | _count_budget(vote, ballots)
    return base | _count_options(vote, ballots)


def _count_owners(vote, electors, ballots) -> dict:
    flats = [
        engine.Flat(id=str(e.pk), area=e.area, owners=frozenset(str(i) for i in e.owner_ids))
        for e in electors
    ]
    marks = {str(b.elector_id): _ENGINE_BALLOT[Choice(b.choice)] for b in ballots}
    t = engine.tally(flats, marks, engine.Matter(vote.matter))
    choices = Counter(b.choice for b in ballots)
    return {
        "total_area": _m2(t.total_area),
        "total_owners": t.total_owners,
        "participating_area": _m2(t.participating_area),
        "participating_owners": t.participating_owners,
        "agreeing_area": _m2(t.agreeing_area),
        "agreeing_owners": t.agreeing_owners,
        "participation_area_pct": _pct(t.participation_area_share),
        "participation_owners_pct": _pct(t.participation_owners_share),
        "agree_area_pct": _pct(t.agree_area_share),
        "agree_owners_pct": _pct(t.agree_owners_share),
        "participation_met": t.participation_met,
        "passed": t.passed,
        "failures": [{"code": f.code, "message": f.message} for f in t.failures],
        "split_owners": list(t.split_owners),
        "choices": {c: choices.get(c, 0) for c in Choice.values},
    }


def _count_meeting(vote, electors, ballots) -> dict:
    agree = sum(1 for b in ballots if b.choice == Choice.AGREE)
    r = engine.meeting_decide(
        members=len(electors),
        present=len(ballots),
        agree=agree,
        rule=MEETING_RULES[vote.meeting_rule],
    )
    choices = Counter(b.choice for b in ballots)
    return {
        "members": r.members,
        "present": r.present,
        "agree": r.agree,
        "present_pct": _pct(r.present_share),
        "agree_pct": _pct(r.agree_share),
        "quorum_met": r.quorum_met,
        "passed": r.passed,
        "failures": [{"code": f.code, "message": f.message} for f in r.failures],
        "choices": {c: choices.get(c, 0) for c in Choice.values},
    }


def _count_options(vote, ballots) -> dict:
    options = list(vote.options.order_by("position", "id"))
    if vote.method == Vote.Method.RANKED:
        return _count_ranked(options, ballots)
    tally = Counter(oid for b in ballots for oid in b.option_ids)
    rows = [{"id": o.pk, "label": o.label, "votes": tally.get(o.pk, 0)} for o in options]
    top = max((r["votes"] for r in rows), default=0)
    winners = [r["id"] for r in rows if top > 0 and r["votes"] == top]
    n = len(ballots)
    for r in rows:
        r["pct"] = _pct(Fraction(r["votes"], n)) if n else "0.00"
    return {"options": rows, "winners": winners, "tie": len(winners) > 1, "passed": None}


def _count_ranked(options, ballots) -> dict:
    """Instant runoff by the engine; the option order on the ballot paper breaks ties.

    The engine counts by option name so that its round-by-round explanation reads naturally;
    names that repeat get their number appended to stay distinct.
    """
    from linli.engine.ranked import instant_runoff

    seen = Counter(o.label for o in options)
    name = {o.pk: o.label if seen[o.label] == 1 else f"{o.label}（{o.pk}）" for o in options}
    order = [name[o.pk] for o in options]
    result = instant_runoff(
        order, [[name[i] for i in b.option_ids] for b in ballots], tie_break=order
    )
    first = result.rounds[0].counts if result.rounds else {}
    n = len(ballots)
    rows = []
    for o in options:
        votes = first.get(name[o.pk], 0)
        rows.append(
            {
                "id": o.pk,
                "label": o.label,
                "votes": votes,
                "pct": _pct(Fraction(votes, n)) if n else "0.00",
            }
        )
    rounds = [
        {"counts": r.counts, "exhausted": r.exhausted, "eliminated": r.eliminated or ""}
        for r in result.rounds
    ]
    by_name = {v: k for k, v in name.items()}
    return {
        "options": rows,
        "winners": [by_name[result.winner]] if result.winner else [],
        "tie": False,
        "passed": None,
        "rounds": rounds,
        "explanation": result.explain(),
    }


def canonical_json(data):
    """The value as it reads back from a JSON column (so stored and recomputed compare)."""
    return json.loads(canonical(data))


# ---------------------------------------------------------------------------------------
# Participatory budgeting (linli.engine.budgeting)

UNFUNDED_REASONS_ZH = {
    "over_budget": "剩余预算不足",
    "below_threshold": "得票未达门槛",
    "stopped": "分配已停止",
    "excluded": "与已入选项目互斥",
    "supporters_short": "支持者的份额不足以支付",
    "no_supporters": "无人支持",
    "zero_cost": "零成本项目",
}


def budget_election(vote: Vote, ballots: list[Ballot] | None = None):
    """The vote as a pabulib election: projects = options (cost in yuan), voters = flats."""
    from linli.engine.budgeting.model import Ballot as PbBallot
    from linli.engine.budgeting.model import Election, Instance, Profile, Project

    if ballots is None:
        ballots = list(vote.ballots.order_by("elector_id"))
    options = list(vote.options.order_by("position", "id"))
    instance = Instance(
        budget=int(vote.budget or 0),
        projects={
            str(o.pk): Project(id=str(o.pk), cost=int(o.cost or 0), name=o.label) for o in options
        },
        meta={
            "description": vote.title,
            "country": "China",
            "unit": vote.committee.name if vote.committee_id else "",
            "instance": str(vote.pk),
            "num_projects": str(len(options)),
            "num_votes": str(len(ballots)),
            "budget": str(int(vote.budget or 0)),
            "vote_type": "approval",
            "rule": "greedy" if vote.budget_rule == Vote.BudgetRule.GREEDY else "equalshares",
            "currency": "CNY",
        },
    )
    profile = Profile(
        vote_type="approval",
        ballots=[
            PbBallot(voter_id=str(b.elector_id), projects=tuple(str(i) for i in b.option_ids))
            for b in ballots
        ],
    )
    return Election(instance=instance, profile=profile)


def _count_budget(vote: Vote, ballots) -> dict:
    from linli.engine.budgeting.greedy import greedy
    from linli.engine.budgeting.mes import mes

    election = budget_election(vote, ballots)
    if vote.budget_rule == Vote.BudgetRule.MES:
        outcome = mes(election.instance, election.profile, utility="cost", completion="add1")
    else:
        outcome = greedy(election.instance, election.profile)
    data = outcome.to_json()
    names = {pid: p.name for pid, p in election.instance.projects.items()}
    votes = Counter(oid for b in ballots for oid in b.option_ids)
    explanation = []
    for f in data["funded"]:
        line = f"入选：{names[f['project_id']]}（{f['cost']}元，第{f['round']}轮"
        if f["payments"] and f["stage"] == "mes":
            pay = f["payments"][0]
            each = pay["each"] or "不等额"
            line += (
                f"，由{sum(p['voters'] for p in f['payments'])}户支持者分摊，每户约{_yuan(each)}元"
            )
        elif f["score"] is not None:
            line += f"，{f['score']}票"
        explanation.append(line + "）")
    for u in data["unfunded"]:
        reason = UNFUNDED_REASONS_ZH.get(u["reason"], u["reason"])
        extra = f"，当时可用{_yuan(u['available'])}元" if u.get("available") is not None else ""
        by = f"，让位于“{names[u['displaced_by']]}”" if u.get("displaced_by") in names else ""
        explanation.append(
            f"未入选：{names[u['project_id']]}（{u['cost']}元）：{reason}{extra}{by}"
        )
    rows = [
        {
            "id": int(pid),
            "label": p.name,
            "cost": int(p.cost),
            "votes": votes.get(int(pid), 0),
            "funded": pid in data["selected"],
        }
        for pid, p in election.instance.projects.items()
    ]
    return {
        "options": rows,
        "winners": [int(pid) for pid in data["selected"]],
        "budget": int(vote.budget or 0),
        "total_cost": data["total_cost"],
        "engine": data,
        "explanation": explanation,
        "tie": False,
        "passed": None,
    }


def _yuan(x) -> str:
    if x is None:
        return "0"
    f = Fraction(str(x))
    return str(f.numerator) if f.denominator == 1 else f"{float(f):.2f}"
