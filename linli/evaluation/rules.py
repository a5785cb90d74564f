"""Named predicates for step 6: evaluation, audit, conventions and cases.

Third-party evaluators and auditors are platform users assigned to one project each (by
``EvaluatorAssignment`` / ``AuditorAssignment``): they reach that project's evaluation or
audit pages, nothing else — they need no role in the committee.
"""

from __future__ import annotations

import rules

from linli.accounts.scopes import scopes_for
from linli.places.rules import can_manage_community, can_view_community


def project_of(obj):
    """The project an evaluation-app object belongs to (or the project itself)."""
    from linli.projects.models import Project

    if obj is None:
        return None
    if isinstance(obj, Project):
        return obj
    project = getattr(obj, "project", None)
    if project is not None:
        return project
    for parent in ("evaluation", "audit"):
        holder = getattr(obj, parent, None)
        if holder is not None:
            return holder.project
    return None


def _assigned(user, obj, model_name: str, cache_attr: str) -> bool:
    from linli.evaluation import models

    project = project_of(obj)
    if project is None or not getattr(user, "is_authenticated", False):
        return False
    cache = getattr(user, cache_attr, None)
    if cache is None:
        model = getattr(models, model_name)
        cache = frozenset(model.objects.filter(user=user).values_list("project_id", flat=True))
        setattr(user, cache_attr, cache)
    return project.pk in cache


def forget_assignments(user) -> None:
    for attr in ("_linli_evaluator_of", "_linli_auditor_of"):
        if hasattr(user, attr):
            delattr(user, attr)


@rules.predicate
def is_project_evaluator(user, obj) -> bool:
    return _assigned(user, obj, "EvaluatorAssignment", "_linli_evaluator_of")


@rules.predicate
def is_project_auditor(user, obj) -> bool:
    return _assigned(user, obj, "AuditorAssignment", "_linli_auditor_of")


@rules.predicate
def evaluation_open(user, evaluation) -> bool:
    return evaluation is not None and evaluation.status == "open"


@rules.predicate
def audit_open(user, audit) -> bool:
    return audit is not None and audit.status == "open"


@rules.predicate
def project_in_evaluation(user, obj) -> bool:
    project = project_of(obj)
    return project is not None and project.stage == "evaluation"


@rules.predicate
def convention_open_for_endorsement(user, convention) -> bool:
    return convention is not None and convention.status == "adopted"


@rules.predicate
def lives_in_convention_scope(user, convention) -> bool:
    """A resident whose flat lies in the convention's building / compound / micro-space."""
    from linli.evaluation.selectors import scope_flat_ids

    flats = scopes_for(user).resident_flat_ids
    return bool(convention is not None and flats and flats & scope_flat_ids(convention))


# evaluation 评议
rules.add_perm("evaluation.manage_evaluation", can_manage_community)
rules.add_perm(
    "evaluation.view_evaluation",
    can_manage_community | can_view_community | is_project_evaluator,
)
rules.add_perm("evaluation.score_online", can_view_community & evaluation_open)
rules.add_perm("evaluation.enter_paper_scores", can_manage_community & evaluation_open)
rules.add_perm("evaluation.run_survey", can_manage_community | is_project_evaluator)
rules.add_perm("evaluation.view_survey_results", can_manage_community | is_project_evaluator)
rules.add_perm("evaluation.view_report", can_manage_community | is_project_evaluator)
rules.add_perm("evaluation.assign_evaluator", can_manage_community)
# audit 审计
rules.add_perm("evaluation.assign_auditor", can_manage_community)
rules.add_perm("evaluation.view_audit", can_manage_community | is_project_auditor)
rules.add_perm("evaluation.audit_books", can_manage_community | is_project_auditor)
rules.add_perm("evaluation.add_finding", is_project_auditor & audit_open)
rules.add_perm("evaluation.respond_finding", can_manage_community & audit_open)
rules.add_perm("evaluation.close_audit", is_project_auditor & audit_open)
rules.add_perm("evaluation.view_audit_status", can_view_community | is_project_auditor)
# conventions 公约
rules.add_perm("evaluation.manage_convention", can_manage_community)
rules.add_perm("evaluation.view_convention", can_view_community)
rules.add_perm(
    "evaluation.endorse_convention", lives_in_convention_scope & convention_open_for_endorsement
)
rules.add_perm(
    "evaluation.enter_paper_endorsements",
    can_manage_community & convention_open_for_endorsement,
)
# photos and cases
rules.add_perm("evaluation.manage_photos", can_manage_community)
rules.add_perm("evaluation.manage_case", can_manage_community)
