"""The one adapter between conversation models and the opinion engine (linli.engine.opinions)."""

from __future__ import annotations

from django.db.models import Count, Max, Q

from linli.engine.opinions import Conversation as EngineConversation
from linli.engine.opinions import KSmoother, OpinionResult, PriorState
from linli.engine.opinions import Vote as EngineVote
from linli.opinions.models import Conversation, OpinionVote, Statement

GROUP_LABELS = "ABCDEFGH"
RESULT_VERSION = "r2"  # r2: "every group agrees" only lists statements meeting the rule per group


def fingerprint(conversation: Conversation) -> str:
    """Changes whenever a vote is cast or changed, or moderation changes: then results are stale."""
    votes = OpinionVote.objects.filter(statement__conversation=conversation).aggregate(
        n=Count("id"), last=Max("voted_at")
    )
    mod = conversation.statements.aggregate(
        accepted=Count("id", filter=Q(status=Statement.Status.ACCEPTED)),
        rejected=Count("id", filter=Q(status=Statement.Status.REJECTED)),
    )
    last = votes["last"].isoformat() if votes["last"] else "-"
    # RESULT_VERSION changes when the cached data's shape or rules change, so old rows recompute.
    return f"{RESULT_VERSION}|{votes['n']}|{last}|{mod['accepted']}|{mod['rejected']}"


def state_to_json(state: PriorState) -> dict:
    return {
        "in_conv": sorted(state.in_conv),
        "base_clusters": [list(c) for c in state.base_clusters],
        "group_clusters": [list(c) for c in state.group_clusters],
        "k_smoother": {
            "last_k": state.k_smoother.last_k,
            "last_k_count": state.k_smoother.last_k_count,
            "smoothed_k": state.k_smoother.smoothed_k,
        },
    }


def state_from_json(data: dict | None) -> PriorState | None:
    if not data:
        return None
    ks = data.get("k_smoother") or {}
    return PriorState(
        in_conv=frozenset(int(p) for p in data.get("in_conv", [])),
        base_clusters=tuple(tuple(int(p) for p in c) for c in data.get("base_clusters", [])),
        group_clusters=tuple(tuple(int(p) for p in c) for c in data.get("group_clusters", [])),
        k_smoother=KSmoother(
            last_k=ks.get("last_k"),
            last_k_count=int(ks.get("last_k_count") or 0),
            smoothed_k=ks.get("smoothed_k"),
        ),
    )


def to_engine(conversation: Conversation, prior: PriorState | None = None) -> EngineConversation:
    rows = OpinionVote.objects.filter(
        statement__conversation=conversation,
        statement__status__in=[Statement.Status.ACCEPTED, Statement.Status.REJECTED],
    ).values_list("participant_id", "statement_id", "value", "voted_at")
    votes = [EngineVote(p, s, v, at.timestamp()) for p, s, v, at in rows.order_by("voted_at", "id")]
    rejected = frozenset(
        conversation.statements.filter(status=Statement.Status.REJECTED).values_list(
            "id", flat=True
        )
    )
    return EngineConversation(votes=votes, moderated_out=rejected, prior=prior)


def result_to_data(conversation: Conversation, result: OpinionResult) -> dict:
    """The engine's result as plain JSON for the cached row, the page and the API."""
    texts = dict(conversation.statements.values_list("id", "text"))
    group_ids = sorted(result.group_members)
    label = {g: GROUP_LABELS[i % len(GROUP_LABELS)] for i, g in enumerate(group_ids)}
    points = [
        {
            "participant": pid,
            "x": round(float(x), 4),
            "y": round(float(y), 4),
            "group": label.get(result.groups[pid]) if pid in result.groups else None,
        }
        for pid, (x, y) in sorted(result.projection.items())
    ]
    groups = []
    for g in group_ids:
        groups.append(
            {
                "label": label[g],
                "size": len(result.group_members[g]),
                "statements": [
                    {
                        "statement": r.statement,
                        "text": texts.get(r.statement, ""),
                        "direction": r.direction,
                        "percent": round(100 * r.n_success / r.n_trials) if r.n_trials else 0,
                        "n_success": r.n_success,
                        "n_trials": r.n_trials,
                    }
                    for r in result.repness.get(g, [])
                ],
            }
        )

    def consensus(items):
        return [
            {
                "statement": c.statement,
                "text": texts.get(c.statement, ""),
                "percent": round(100 * c.n_success / c.n_trials) if c.n_trials else 0,
                "n_success": c.n_success,
                "n_trials": c.n_trials,
            }
            for c in items
        ]

    def every_group(items):
        # Only statements the engine found to meet the consensus rule inside every group, with
        # each group's own numbers beside them (a top-5 by score alone once listed a statement
        # one group was 100 % against).
        return [
            {
                "statement": c.statement,
                "text": texts.get(c.statement, ""),
                "score": round(float(c.score), 4),
                "groups": [
                    {
                        "label": label[g],
                        "n_success": (v.agree if c.direction == "agree" else v.disagree),
                        "n_trials": v.total,
                        "percent": round(
                            100 * (v.agree if c.direction == "agree" else v.disagree) / v.total
                        )
                        if v.total
                        else 0,
                    }
                    for g, v in sorted(c.per_group.items())
                ],
            }
            for c in items
        ]

    return {
        "empty": False,
        "n_participants": len(result.participants),
        "n_clustered": len(result.groups),
        "n_statements": len(result.statements),
        "k": result.k,
        "points": points,
        "groups": groups,
        "consensus_agree": consensus(result.consensus_agree),
        "consensus_disagree": consensus(result.consensus_disagree),
        "group_consensus": every_group(result.group_consensus_agree),
        "group_consensus_disagree": every_group(result.group_consensus_disagree),
    }


EMPTY = {
    "empty": True,
    "n_participants": 0,
    "n_clustered": 0,
    "n_statements": 0,
    "k": 0,
    "points": [],
    "groups": [],
    "consensus_agree": [],
    "consensus_disagree": [],
    "group_consensus": [],
    "group_consensus_disagree": [],
}
