"""Pol.is-style opinion groups: 2-D map, groups, representative and consensus statements."""

from linli.engine.opinions.loaders import load_folder
from linli.engine.opinions.model import (
    ConsensusStatement,
    Conversation,
    KSmoother,
    OpinionResult,
    Params,
    PriorState,
    RepStatement,
    Vote,
)
from linli.engine.opinions.pipeline import OpinionInputError, analyze

__all__ = [
    "ConsensusStatement",
    "Conversation",
    "KSmoother",
    "OpinionInputError",
    "OpinionResult",
    "Params",
    "PriorState",
    "RepStatement",
    "Vote",
    "analyze",
    "load_folder",
]
