"""Pol.is-style opinion groups: 2-D map, groups, representative and consensus statements."""

from linli.engine.opinions.loaders import load_folder
from linli.engine.opinions.model import (
    ConsensusStatement,
    Conversation,
    GroupConsensusStatement,
    GroupVotes,
    KSmoother,
    OpinionResult,
    Params,
    PriorState,
    RepStatement,
    Vote,
)
from linli.engine.opinions.pipeline import (
    OpinionInputError,
    analyze,
    consistency_problems,
    meets_consensus_rule,
)

__all__ = [
    "ConsensusStatement",
    "Conversation",
    "GroupConsensusStatement",
    "GroupVotes",
    "KSmoother",
    "OpinionInputError",
    "OpinionResult",
    "Params",
    "PriorState",
    "RepStatement",
    "Vote",
    "analyze",
    "consistency_problems",
    "load_folder",
    "meets_consensus_rule",
]
