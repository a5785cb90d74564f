"""Which stage transitions are allowed, and the guards later capabilities plug in.

Forward moves go one stage at a time; a project may be sent back one stage with a reason
(e.g. the owners' vote failed, so back to 方案与决策). The guards that refuse a forward move
until its conditions hold (funding covers the cost, objections to a notice are answered …)
are registered by their apps in :mod:`linli.projects.registry`.
"""

from __future__ import annotations

from linli.projects.models import STAGE_ORDER, Stage


def allowed_targets(current: str) -> list[str]:
    i = STAGE_ORDER.index(current)
    targets = []
    if i + 1 < len(STAGE_ORDER):
        targets.append(STAGE_ORDER[i + 1])
    if 0 < i < len(STAGE_ORDER) - 1:
        targets.append(STAGE_ORDER[i - 1])
    return targets


def is_backward(current: str, target: str) -> bool:
    return STAGE_ORDER.index(target) < STAGE_ORDER.index(current)


def label(stage: str) -> str:
    return str(Stage(stage).label)
