"""Participatory budgeting: pabulib files, greedy rules, Method of Equal Shares, Phragmén.

Plain dataclasses in and out (``Instance``, ``Profile`` → ``Outcome``), exact arithmetic where a
comparison can tie, tie-breaking passed in explicitly. See docs/engine-budgeting.md.
"""

from linli.engine.budgeting.greedy import greedy, greedy_for_file
from linli.engine.budgeting.mes import mes
from linli.engine.budgeting.model import (
    Ballot,
    Election,
    Instance,
    Profile,
    Project,
    TieBreak,
    by_id,
    tie_order,
)
from linli.engine.budgeting.outcome import Funded, Outcome, Payment, Unfunded
from linli.engine.budgeting.pbfile import PbFormatError, dumps, parse, read, write
from linli.engine.budgeting.phragmen import phragmen

__all__ = [
    "Ballot",
    "Election",
    "Funded",
    "Instance",
    "Outcome",
    "Payment",
    "PbFormatError",
    "Profile",
    "Project",
    "TieBreak",
    "Unfunded",
    "by_id",
    "dumps",
    "greedy",
    "greedy_for_file",
    "mes",
    "parse",
    "phragmen",
    "read",
    "tie_order",
    "write",
]
