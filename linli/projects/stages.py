"""Which stage transitions are allowed, and the guards later capabilities plug in.

Forward moves go one stage at a time; a project may be sent back one stage with a reason
(e.g. the owners' vote failed, so back to 方案与决策). Apps that own a stage's work register
a guard that refuses to leave it until its conditions hold (funding covers the cost,
objections to a notice are answered …).
"""

from __future__ import annotations

from collections.abc import Callable

from linli.projects.models import STAGE_ORDER, Stage

# guard(project, to_stage) -> None or a Chinese reason why the move is refused
StageGuard = Callable[[object, str], str | None]
_GUARDS: list[StageGuard] = []


def register_stage_guard(guard: StageGuard) -> StageGuard:
    _GUARDS.append(guard)
    return guard


def stage_guards() -> list[StageGuard]:
    return list(_GUARDS)


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
    return Stage(stage).label
