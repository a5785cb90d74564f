"""The stage guard: no implementation until approved sources cover the estimated cost."""

from __future__ import annotations


def implementation_needs_funding(project, to_stage: str) -> str | None:
    from linli.funding.money import fen_to_yuan
    from linli.funding.selectors import plan_coverage
    from linli.projects.models import Stage

    if to_stage != Stage.IMPLEMENTATION:
        return None
    from linli.funding.models import FundingPlan

    plan = FundingPlan.objects.filter(project_id=project.pk).first()
    if plan is None:
        return "尚未制定筹资方案，不能进入实施阶段"
    cov = plan_coverage(plan)
    if cov.cost_fen <= 0:
        return "筹资方案尚无费用估算，不能进入实施阶段"
    if cov.approved_fen < cov.cost_fen:
        return (
            f"已批准的资金 {fen_to_yuan(cov.approved_fen)} 元不足以覆盖项目费用 "
            f"{fen_to_yuan(cov.cost_fen)} 元（缺口 {fen_to_yuan(cov.cost_fen - cov.approved_fen)} 元），"
            "不能进入实施阶段"
        )
    return None
